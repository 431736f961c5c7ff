import { Chart, Duration, Size } from 'cdk8s';
import { Capability, Cpu, DnsPolicy, EnvFieldPaths, EnvValue, HostPathVolumeType, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentContainer, ContainerSettings } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { IntOrPercent } from '../int-or-percent';
import { imagePlatformsOf } from '../private/image-platforms';
import { withDefaults } from '../private/merge';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';
import { NO_SYSCTL_ARGS, checkClusterCidr, checkSysctlFreeArgs, renderKubeProxyConfiguration } from './kube-proxy-config';
import { KubeProxyMode } from './kube-proxy-mode';

/** kube-proxy, the last patch release of the 1.31 line, from the registry Kubernetes documents. */
const DEFAULT_IMAGE = 'registry.k8s.io/kube-proxy:v1.31.14';
const KUBE_PROXY_COMMAND = '/usr/local/bin/kube-proxy';
/** Where the preset's KubeProxyConfiguration is mounted (kubeadm's directory). */
const KUBE_PROXY_CONFIG_DIR = '/var/lib/kube-proxy';
/** kube-proxy flags that give it a client configuration other than the in-cluster one. */
const CLIENT_CONFIG_FLAGS = ['--kubeconfig', '--master', '--config'];
const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/;

/**
 * An init container that installs a CNI plugin on the node: it gets the CNI binary and
 * configuration directories read-write, so that the long-running agent does not need them.
 * Same safe defaults as every container of the library, except that it runs as root (UID 0),
 * the owner of the CNI directories. Its settings follow the library's merge rule: `hostMounts`,
 * `volumeMounts` and `ports` you give are added to the two CNI directory mounts, `env` is merged,
 * and any other setting (e.g. `runAsUser`) replaces the preset's value.
 *
 * **Defaults it changes** (every other setting keeps the core's default):
 *
 * | Prop | Default in this preset | Why |
 * |---|---|---|
 * | `runAsUser` | `0` | Root: the CNI directories belong to root. No capability is needed to write them. |
 * | `runAsGroup` | `0` |  |
 * | `runAsNonRoot` | `false` |  |
 * | `hostMounts` | the node's CNI binary and configuration directories (`cniBinDir`, `cniConfDir`) read-write at `binMountPath` and `confMountPath` (the binary directory shared with the other CNI plugins of the node; the configuration directory not: one primary CNI a node) |  |
 */
export interface CniInstaller extends ContainerSettings {
  /** The installer's image, pinned (often the agent's own image, as with Calico and Cilium). */
  readonly image: string;

  /**
   * The init container's name.
   *
   * @default "install-cni"
   */
  readonly name?: string;

  /**
   * Where the node's CNI binary directory (`cniBinDir`) appears in the installer.
   *
   * @default "/host/opt/cni/bin" (where Calico's and Cilium's installers expect it)
   */
  readonly binMountPath?: string;

  /**
   * Where the node's CNI configuration directory (`cniConfDir`) appears in the installer.
   *
   * @default "/host/etc/cni/net.d" (where Calico's and Cilium's installers expect it)
   */
  readonly confMountPath?: string;
}

/**
 * Props of a `NetworkAgent`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/network-agent.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface NetworkAgentProps extends DaemonSetOptions {
  /**
   * The agent's image, pinned. The other defaults (`command`, `args`, `rbacRules`, the health
   * endpoint) are kube-proxy's: set them too when you bring a CNI agent's image.
   *
   * @default "registry.k8s.io/kube-proxy:v1.31.14"
   */
  readonly image?: string;

  /**
   * The port of the agent's health endpoint. It is declared on the container, the probes use it
   * and the default args bind kube-proxy's health server to it (`--healthz-bind-address`).
   *
   * @default 10256 (kube-proxy's; Cilium's is 9879)
   */
  readonly healthPort?: number;

  /**
   * The path of the health endpoint that the liveness and readiness probes request.
   *
   * @default "/livez" (kube-proxy's /healthz also fails while the node is being deleted, which
   * would block a rollout on a draining node)
   */
  readonly healthPath?: string;

  /**
   * Let the agent load kernel modules (adds CAP_SYS_MODULE), e.g. IPVS modules. Prefer loading
   * them on the node (modules-load.d): a module loaded from a container runs with full kernel
   * privileges.
   *
   * @default false
   */
  readonly loadKernelModules?: boolean;

  /**
   * An init container that installs the CNI binaries and configuration on the node. Only this
   * init container gets `cniBinDir` and `cniConfDir`, read-write.
   *
   * @default - none (kube-proxy installs no CNI plugin)
   */
  readonly cniInstaller?: CniInstaller;

  /**
   * The node's CNI binary directory, mounted read-write into `cniInstaller` only.
   *
   * @default "/opt/cni/bin"
   */
  readonly cniBinDir?: string;

  /**
   * The node's CNI configuration directory, mounted read-write into `cniInstaller` only.
   *
   * @default "/etc/cni/net.d"
   */
  readonly cniConfDir?: string;

  /**
   * The API server's address (the control-plane endpoint: an IP address or a host name, without
   * scheme or port), for agents that run before Services work: kube-proxy and CNI agents program
   * the Service network themselves, so the `kubernetes` Service's cluster IP (what in-cluster
   * clients use) is unreachable on a node they have not set up yet. Sets KUBERNETES_SERVICE_HOST
   * and KUBERNETES_SERVICE_PORT, which client-go's in-cluster configuration reads (with the
   * pod's token and CA, as kubeadm's kube-proxy kubeconfig does), as Cilium's `k8sServiceHost`
   * does. Give it together with `apiServerPort`.
   *
   * **Required for kube-proxy** (the default `command`) unless `args`/`extraArgs` give it a
   * client configuration (`--kubeconfig`, `--master` or `--config`) or `env` sets
   * KUBERNETES_SERVICE_HOST. With a host name, the pod uses the node's resolver
   * (`dnsPolicy: Default`): the cluster DNS is itself reached through a Service.
   *
   * @default - none: required for kube-proxy; a CNI agent uses the `kubernetes` Service (which
   * works once kube-proxy runs on the node; an agent that replaces kube-proxy needs it too)
   */
  readonly apiServerHost?: string;

  /**
   * The API server's port (usually 6443 with kubeadm, 443 on managed clusters). Give it together
   * with `apiServerHost`.
   *
   * @default - none: required with `apiServerHost`
   */
  readonly apiServerPort?: number;

  /**
   * The port kube-proxy serves Prometheus metrics on, declared on the container as `metrics`;
   * the default args bind kube-proxy's metrics server to the node's IP on it
   * (`--metrics-bind-address=[$(HOST_IP)]:<port>`; kube-proxy's own default is
   * 127.0.0.1:10249, which nothing outside the node can scrape). Only with kube-proxy's
   * command: a CNI agent declares its metrics port in `ports`.
   *
   * @default 10249 (kube-proxy's)
   */
  readonly metricsPort?: number;

  /**
   * The cluster's pod CIDR (kubeadm's `podSubnet`; an IPv4 and an IPv6 CIDR separated by a
   * comma for dual-stack): kube-proxy's `--cluster-cidr`. kube-proxy tells traffic from pods
   * from traffic from outside the cluster by it (its default `detectLocalMode: ClusterCIDR`):
   * without it, traffic from outside the cluster to a ClusterIP is not masqueraded and
   * `externalTrafficPolicy: Local` Services cannot short-circuit traffic from the node's pods.
   * kubeadm always sets it. Only with kube-proxy's command, and not beside `args`.
   *
   * @default - none: kube-proxy detects no local traffic (it logs "Detect-local-mode set to
   * ClusterCIDR, but no cluster CIDR specified")
   */
  readonly clusterCidr?: string;

  /**
   * kube-proxy's proxy mode (`--proxy-mode`). IPVS needs a privileged container (it writes
   * `net/ipv4/vs` sysctls at start), so it is accepted only with `privileged: true`. Only with
   * kube-proxy's command, and not beside `args`.
   *
   * @default KubeProxyMode.IPTABLES (kube-proxy's own default on Linux)
   */
  readonly proxyMode?: KubeProxyMode;

  /**
   * Configure kube-proxy the way kubeadm does: a KubeProxyConfiguration file, in this preset's
   * ConfigMap (`<name>-config`, key `config.conf`) mounted at /var/lib/kube-proxy, and the args
   * `--config=/var/lib/kube-proxy/config.conf --hostname-override=$(NODE_NAME)`, instead of
   * flags. The file holds the same settings as the flags (conntrack and localhost NodePorts left
   * to the node, `clusterCidr`, `proxyMode`, the health port), except that the metrics server
   * binds 0.0.0.0 (a file cannot name the pod's host IP). kube-proxy ignores other flags with
   * `--config`, so `args` and `extraArgs` are refused beside it (`--v` excepted). A change of the
   * file changes the pods' `checksum/config` and rolls the DaemonSet.
   *
   * @default false (flags)
   */
  readonly configFile?: boolean;
}

/**
 * A network daemon on every node: a Service proxy (kube-proxy, the default) or a CNI agent
 * (Calico, Cilium, ... with your image, args and RBAC). It gets the host access such an agent
 * needs and no more, compared point by point with kubeadm's kube-proxy, Calico and Cilium:
 *
 * - **The API server's address is required for kube-proxy** (`apiServerHost` and `apiServerPort`,
 *   or a `--kubeconfig`/`--config` in args): without one, kube-proxy uses client-go's in-cluster
 *   configuration, the cluster IP of the `kubernetes` Service, which only kube-proxy itself makes
 *   reachable; on a new or rebooted node it could never connect. kubeadm writes the control-plane
 *   endpoint into kube-proxy's kubeconfig for the same reason.
 * - **Host network** (all three): the agent programs the node's own network namespace.
 *   `dnsPolicy` is Default (the node's resolver) for kube-proxy and whenever `apiServerHost` is a
 *   host name: the cluster DNS is reached through a Service, which is what this agent sets up.
 *   Otherwise ClusterFirstWithHostNet.
 * - **NET_ADMIN and NET_RAW instead of privileged** (Cilium runs unprivileged with a capability
 *   list; Calico is privileged; kubeadm's kube-proxy adds NET_ADMIN and SYS_MODULE): NET_ADMIN
 *   for iptables/nftables, routes and interfaces, NET_RAW for the raw sockets of iptables-legacy.
 *   SYS_MODULE only with `loadKernelModules`.
 * - **Root (UID 0)**: capabilities granted to a container are only effective for root, and
 *   iptables refuses to run as another user.
 * - **Writable root filesystem** (as kubeadm, Calico and Cilium): the kube-proxy image's
 *   iptables wrapper (kubernetes-sigs/iptables-wrappers v2, installed by the distroless-iptables
 *   base image) picks iptables-nft or -legacy on its first call and relinks /usr/sbin/iptables*
 *   to it. On a read-only root filesystem the relink fails and its fallback runs
 *   `xtables-<mode>-multi <full path>`, which the multi-call binary does not recognise as an
 *   applet ("No valid subcommand given"): every iptables call would fail. The writes stay in the
 *   container's own layer.
 * - **Host mounts**: `/lib/modules` read-only (to see which modules exist) and `/run/xtables.lock`
 *   read-write, type FileOrCreate (all three). The lock is the one writable host mount and cannot
 *   be avoided: iptables takes it on the host's file so that the agent, the kubelet and CNI
 *   plugins never rewrite the tables at the same time; a private copy would lock nothing.
 * - **CNI directories only in an init container** (as Cilium does "so we don't have a writable
 *   host mount in the agent"; Calico's agent also writes /etc/cni/net.d): `cniInstaller`.
 * - **No sysctl writes by default**: writing /proc/sys needs a privileged container. The default
 *   args leave the conntrack table size and timeouts as the node has them and turn off
 *   localhost NodePorts (which need `route_localnet`). To keep kube-proxy's conntrack tuning, add
 *   a privileged init container running `kube-proxy --init-only` (kube-proxy >= 1.29), as the
 *   override example in the docs shows.
 * - **Every taint tolerated, `system-node-critical`** (all three), **one node at a time** (Calico;
 *   kube-proxy's default; Cilium takes 2), **5 s grace period** (Calico 0, Cilium 1, kube-proxy
 *   30): the rules stay in the kernel while the pod is replaced, so a short grace only shortens
 *   the time Service changes wait, and leaves a preStop hook a few seconds.
 * - **Health probes** on the health endpoint (Cilium and Calico probe; kubeadm's kube-proxy has
 *   none): liveness and readiness on kube-proxy's `/livez`. **Metrics** on the node's IP, port
 *   10249 named `metrics` (kube-proxy's default binds 127.0.0.1, out of Prometheus' reach).
 * - **Least RBAC**: kube-proxy's own needs (the built-in `system:node-proxier` minus the legacy
 *   Endpoints API and the core-group events it no longer uses).
 * - **Namespace kube-system** unless the chart has one: some clusters admit critical-priority
 *   pods only there.
 *
 * Props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's (the lock,
 * /lib/modules, the CNI installer, the health port); `env`, `labels`, `annotations` and
 * `podAnnotations` are merged (your keys win, e.g. over the API server variables); any other prop
 * replaces the preset's value.
 *
 * **Defaults it changes**
 *
 * The core's props (`DaemonSetOptions`) this preset gives a default of its own; every other core
 * prop keeps the core's default. Your props win by the merge rule (`DaemonSet.mergeOptions`,
 * docs/merge-rule.md): lists are added to the preset's, maps and `resources` merged, anything else
 * replaces the preset's value.
 *
 * | Prop | Default in this preset | Why |
 * |---|---|---|
 * | `namespace` | `"kube-system"` | unless the chart has a namespace (some clusters admit critical pods only there) |
 * | `hostNetwork` | `true` | the agent programs the node's own network namespace |
 * | `dnsPolicy` | DnsPolicy.DEFAULT (the node's resolver) for kube-proxy or a host-name `apiServerHost`: the cluster DNS is reached through rules kube-proxy has yet to write; else CLUSTER_FIRST_WITH_HOST_NET |  |
 * | `priorityClassName` | `"system-node-critical"` | a node without its network agent cannot run pods |
 * | `updateStrategy` | `UpdateStrategy.rollingUpdate()` | maxUnavailable 1, maxSurge 0 |
 * | `terminationGracePeriodSeconds` | `5` | the rules stay in place when the agent stops |
 * | `component` | `"networking"` |  |
 * | `command` | `["/usr/local/bin/kube-proxy"]` |  |
 * | `args` | kube-proxy's: --hostname-override, the healthz and metrics bind addresses, and conntrack and localhost-NodePort settings left to the node (see docs/presets/network-agent.md) |  |
 * | `runAsUser` | `0` | Root: added capabilities are only effective for UID 0, and iptables requires root. |
 * | `readOnlyRootFilesystem` | `false` | the image's iptables wrapper relinks /usr/sbin/iptables* on its first call |
 * | `addCapabilities` | `[Capability.NET_ADMIN, Capability.NET_RAW]` |  |
 * | `resources` | requests 100m CPU and 64Mi memory, memory limit 512Mi (memory grows with Services and endpoints) |  |
 * | `rbacRules` | nodes get, list, watch; services and endpointslices list, watch; events.k8s.io events create, patch |  |
 * | `env` | NODE_NAME; HOST_IP (status.hostIP) for kube-proxy; the API server's address with `apiServerHost` |  |
 * | `ports` | "healthz" (10256), and "metrics" (10249) for kube-proxy |  |
 * | `hostMounts` | /lib/modules read-only, /run/xtables.lock read-write (shared with every iptables user) |  |
 * | `liveness` | HTTP GET on the health port after 10 s, every 10 s, 6 failures |  |
 * | `readiness` | HTTP GET on the health port every 10 s |  |
 * | `initContainers` | the CNI installer, with `cniInstaller` |  |
 * | `imagePlatforms` | with the default kube-proxy image: linux/amd64, linux/arm64, linux/ppc64le, linux/s390x (the Kubernetes 1.31 release images). Not declared with your own `image`, a `cniInstaller`, or a container you add that runs an image of your own. |  |
 */
export class NetworkAgent extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The agent's image. */
  public readonly image: string;
  /** The port of the health endpoint. */
  public readonly healthPort: number;
  /** The path of the health endpoint. */
  public readonly healthPath: string;
  /** The capabilities the agent container gets (after dropping ALL). */
  public readonly capabilities: Capability[];
  /** Whether the agent may load kernel modules. */
  public readonly loadKernelModules: boolean;
  /** The node's CNI binary directory. */
  public readonly cniBinDir: string;
  /** The node's CNI configuration directory. */
  public readonly cniConfDir: string;
  /** Whether the agent is kube-proxy (the default command) rather than a CNI agent. */
  public readonly isKubeProxy: boolean;
  /** The port kube-proxy serves metrics on (undefined for a CNI agent). */
  public readonly metricsPort?: number;
  /** The cluster's pod CIDR given to kube-proxy, if any. */
  public readonly clusterCidr?: string;
  /** kube-proxy's proxy mode. */
  public readonly proxyMode: KubeProxyMode;
  /** Whether kube-proxy reads a KubeProxyConfiguration file from the preset's ConfigMap. */
  public readonly configFile: boolean;

  constructor(scope: Construct, id: string, props: NetworkAgentProps = {}) {
    super(scope, id);
    props = checkConstructProps('NetworkAgentProps', this, props);
    const {
      image, healthPort, healthPath, loadKernelModules, cniInstaller, cniBinDir, cniConfDir,
      apiServerHost, apiServerPort, metricsPort, clusterCidr, proxyMode, configFile, ...options
    } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    // kube-proxy is the agent unless the user brings another command (a CNI agent).
    this.isKubeProxy = options.command === undefined || isKubeProxyCommand(options.command);
    // With `args`, kube-proxy's ports are what its arguments say (docs/merge-rule.md: the props
    // that make arguments are derived from `args` or rejected, never ignored).
    const argPorts = this.isKubeProxy && options.args !== undefined
      ? kubeProxyArgPorts([...options.args, ...(options.extraArgs ?? [])], { healthPort, metricsPort }, problems)
      : undefined;
    this.healthPort = argPorts?.healthPort ?? healthPort ?? 10256;
    problems.check('healthPort', this.healthPort, rules.portNumber(this.healthPort));
    this.healthPath = healthPath ?? '/livez';
    if (typeof this.healthPath !== 'string' || !this.healthPath.startsWith('/')) {
      problems.add('healthPath', this.healthPath, 'expected an HTTP path starting with "/", e.g. "/healthz"');
    }
    this.loadKernelModules = loadKernelModules ?? false;
    this.cniBinDir = cniBinDir ?? '/opt/cni/bin';
    this.cniConfDir = cniConfDir ?? '/etc/cni/net.d';
    for (const [prop, value] of [['cniBinDir', cniBinDir], ['cniConfDir', cniConfDir]] as const) {
      if (value === undefined) {
        continue;
      }
      problems.check(prop, value, rules.absoluteHostPath(value));
      if (cniInstaller === undefined) {
        problems.add(prop, value, 'only the cniInstaller init container mounts it; add `cniInstaller` or remove it');
      }
    }
    if (argPorts !== undefined) {
      this.metricsPort = argPorts.metricsPort;
    } else if (this.isKubeProxy) {
      this.metricsPort = metricsPort ?? 10249;
      problems.check('metricsPort', this.metricsPort, rules.portNumber(this.metricsPort));
    } else if (metricsPort !== undefined) {
      problems.add('metricsPort', metricsPort, 'only applies to kube-proxy (its --metrics-bind-address); with another command, declare the agent\'s metrics port in `ports` with the name "metrics"');
    }
    const apiServerEnv = resolveApiServerEnv(apiServerHost, apiServerPort, problems);
    if (this.isKubeProxy && apiServerEnv === undefined && !hasClientConfig(options)) {
      // kube-proxy's in-cluster fallback is the `kubernetes` Service's ClusterIP, which only
      // kube-proxy itself makes reachable: a new or rebooted node would never get its rules.
      problems.add('apiServerHost', apiServerHost,
        'kube-proxy needs the API server\'s address: without --kubeconfig or --master it connects to the "kubernetes" Service\'s cluster IP, '
        + 'which only kube-proxy itself makes reachable, so it cannot start on a new or rebooted node. '
        + 'Give apiServerHost and apiServerPort (the control-plane endpoint, e.g. "10.0.0.10" and 6443, as kubeadm writes into kube-proxy\'s kubeconfig), '
        + 'or a client configuration in args (--kubeconfig=..., --config=...)');
    }
    this.configFile = configFile ?? false;
    this.clusterCidr = clusterCidr;
    this.proxyMode = proxyMode ?? KubeProxyMode.IPTABLES;
    if (this.isKubeProxy) {
      checkKubeProxyOptions(options, problems);
      this.checkKubeProxySettings(props, options, problems);
    } else {
      for (const [prop, value] of [['clusterCidr', clusterCidr], ['proxyMode', proxyMode], ['configFile', configFile]] as const) {
        if (value !== undefined) {
          problems.add(prop, value, 'only applies to kube-proxy (the default command); a CNI agent takes its settings in its own args or config');
        }
      }
    }
    const installer = cniInstaller && this.buildInstaller(cniInstaller, problems);

    // The node's resolver: kube-proxy resolves nothing but the API server, and the cluster DNS
    // is reached through a Service, i.e. through the rules kube-proxy has yet to write.
    const nodeResolver = this.isKubeProxy || (apiServerHost !== undefined && !IP_ADDRESS.test(apiServerHost));

    const defaults: DaemonSetProps = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name: DaemonSet.defaultName(this),
      // kube-system (unless the chart has a namespace) and a short grace period (see the class doc).
      namespace: Chart.of(this).namespace ?? 'kube-system',
      terminationGracePeriodSeconds: 5,
      component: 'networking',
      image: this.image,
      // The agent programs the node's own network namespace.
      hostNetwork: true,
      dnsPolicy: nodeResolver ? DnsPolicy.DEFAULT : undefined,
      priorityClassName: 'system-node-critical',
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(1) }),
      command: [KUBE_PROXY_COMMAND],
      // kube-proxy reads only --hostname-override (and logging flags) beside --config.
      args: this.configFile ? [`--config=${KUBE_PROXY_CONFIG_DIR}/config.conf`, '--hostname-override=$(NODE_NAME)'] : [
        '--hostname-override=$(NODE_NAME)',
        `--healthz-bind-address=0.0.0.0:${this.healthPort}`,
        // The node's IP only (kube-proxy's default, 127.0.0.1, cannot be scraped).
        `--metrics-bind-address=[$(HOST_IP)]:${this.metricsPort ?? 10249}`,
        ...(this.clusterCidr !== undefined ? [`--cluster-cidr=${this.clusterCidr}`] : []),
        ...(proxyMode !== undefined ? [`--proxy-mode=${this.proxyMode}`] : []),
        // Leave the node's conntrack table size and timeouts alone, and skip localhost
        // NodePorts (route_localnet): all of them are sysctl writes that need privileged.
        ...NO_SYSCTL_ARGS,
      ],
      volumes: this.configFile ? [AgentVolume.fromConfigMap('kube-proxy-config', `${DaemonSet.defaultName(this)}-config`)] : [],
      volumeMounts: this.configFile ? [{ volumeName: 'kube-proxy-config', mountPath: KUBE_PROXY_CONFIG_DIR, readOnly: true }] : [],
      // Root: added capabilities are only effective for UID 0, and iptables requires root.
      runAsUser: 0,
      addCapabilities: [Capability.NET_ADMIN, Capability.NET_RAW],
      // The image's iptables wrapper relinks /usr/sbin/iptables* on its first call; on a
      // read-only root filesystem its fallback execs xtables-<mode>-multi with the full path as
      // the applet name, which the multi binary does not recognise (see the class doc).
      readOnlyRootFilesystem: false,
      env: {
        ...(this.isKubeProxy ? { HOST_IP: EnvValue.fromFieldRef(EnvFieldPaths.NODE_IP) } : {}),
        ...apiServerEnv,
      },
      hostMounts: [
        HostMount.readOnly('/lib/modules', { volumeName: 'lib-modules' }),
        // The one writable host mount: iptables locks the host's file (see the class doc).
        // Shared by design: every iptables user on the node takes this lock.
        HostMount.readWrite('/run/xtables.lock', { type: HostPathVolumeType.FILE_OR_CREATE, volumeName: 'xtables-lock', shared: true }),
      ],
      initContainers: installer ? [installer] : [],
      ports: [
        { containerPort: this.healthPort, name: 'healthz' },
        ...(this.metricsPort !== undefined ? [{ containerPort: this.metricsPort, name: 'metrics' }] : []),
      ],
      liveness: Probe.fromHttpGet(this.healthPath, {
        port: this.healthPort,
        initialDelaySeconds: Duration.seconds(10),
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold: 6,
      }),
      readiness: Probe.fromHttpGet(this.healthPath, {
        port: this.healthPort,
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(5),
      }),
      // Memory grows with the number of Services and endpoints; an OOM kill stalls Service
      // updates on the node, so the limit is generous.
      resources: {
        cpu: { request: Cpu.millis(100) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(512) },
      },
      rbacRules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
      // Declared only while every image in the pod is one whose platforms were verified.
      imagePlatforms: imagePlatformsOf([this.image, ...(installer ? [installer.image] : [])], options),
    };
    // loadKernelModules adds SYS_MODULE to the capabilities (the preset's or yours).
    const resolved = DaemonSet.mergeOptions(defaults, options);
    const capabilities = [...(resolved.addCapabilities ?? [])];
    if (this.loadKernelModules && !capabilities.includes(Capability.SYS_MODULE)) {
      capabilities.push(Capability.SYS_MODULE);
    }
    this.capabilities = capabilities;
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', { ...resolved, addCapabilities: capabilities });
    if (this.configFile) {
      this.daemonSet.addConfigFiles({
        'config.conf': renderKubeProxyConfiguration({ healthPort: this.healthPort, metricsPort: this.metricsPort, clusterCidr: this.clusterCidr, mode: this.proxyMode }),
      });
    }
  }

  /**
   * The kube-proxy settings that the preset's container cannot run with, or that the user's
   * `args` would silently drop (issue 19: each is accepted by the API server and fails on the node).
   */
  private checkKubeProxySettings(props: NetworkAgentProps, options: DaemonSetOptions, problems: ValidationProblems): void {
    if (props.clusterCidr !== undefined) {
      checkClusterCidr(props.clusterCidr, problems);
    }
    if (props.proxyMode !== undefined && !Object.values(KubeProxyMode).includes(props.proxyMode)) {
      problems.add('proxyMode', props.proxyMode, `expected a KubeProxyMode: ${Object.values(KubeProxyMode).join(', ')}`);
    }
    const privileged = options.privileged === true;
    if (this.proxyMode === KubeProxyMode.IPVS && !privileged) {
      problems.add('proxyMode', props.proxyMode, 'IPVS mode writes net/ipv4/vs sysctls at start, which this unprivileged container cannot (its /proc/sys is read-only), and kube-proxy exits; use KubeProxyMode.IPTABLES or NFTABLES, or run kube-proxy privileged (privileged: true) with the IPVS modules loaded on the node');
    }
    if (options.args !== undefined) {
      for (const [prop, value] of [['clusterCidr', props.clusterCidr], ['proxyMode', props.proxyMode], ['configFile', props.configFile]] as const) {
        if (value !== undefined) {
          problems.add(prop, value, 'only makes kube-proxy arguments, which `args` replaces whole; put the flag into `args`, or add flags with `extraArgs` instead of `args`');
        }
      }
    }
    const args = [...(options.args ?? []), ...(options.extraArgs ?? [])];
    const argCount = (options.args ?? []).length;
    const propOf = (i: number) => (i < argCount ? `args[${i}]` : `extraArgs[${i - argCount}]`);
    if (this.configFile) {
      // kube-proxy ignores every flag but --hostname-override and logging beside --config.
      (options.extraArgs ?? []).forEach((arg, i) => {
        if (!(typeof arg === 'string' && /^--?v(=\d+)?$/.test(arg))) {
          problems.add(`extraArgs[${i}]`, arg, 'kube-proxy ignores flags other than --hostname-override and logging (--v) when it reads a config file (configFile: true); use the typed props (clusterCidr, proxyMode, healthPort, metricsPort), or flags without configFile');
        }
      });
      return;
    }
    // A privileged `kube-proxy --init-only` init container (kube-proxy >= 1.29) makes the sysctl
    // writes; the agent then finds them done and writes nothing (setIntSysCtl writes only a
    // value that differs).
    const initOnly = (options.initContainers ?? []).some((c) => c?.privileged === true
      && [...(c.command ?? []), ...(c.args ?? [])].includes('--init-only'));
    if (privileged || initOnly) {
      return;
    }
    const configIndex = args.findIndex((a) => typeof a === 'string' && (a === '--config' || a.startsWith('--config=')));
    if (configIndex >= 0) {
      // The file's settings are out of the library's sight; kubeadm's own keeps kube-proxy's
      // conntrack tuning (maxPerCore 32768, tcpCloseWaitTimeout 1h) and localhost NodePorts.
      problems.add(propOf(configIndex), args[configIndex], 'makes kube-proxy take every setting from that file, which this library cannot check: kubeadm\'s config.conf keeps the conntrack tuning and localhost NodePorts that write sysctls at start, which this unprivileged container cannot (kube-proxy exits on every node). Use `configFile: true` (the preset writes the file without them), or run kube-proxy privileged (privileged: true)');
      return;
    }
    checkSysctlFreeArgs(args, options.args !== undefined, propOf, problems);
  }

  private buildInstaller(installer: CniInstaller, problems: ValidationProblems): AgentContainer {
    const { name, image, binMountPath, confMountPath, ...settings } = installer;
    const binPath = binMountPath ?? '/host/opt/cni/bin';
    const confPath = confMountPath ?? '/host/etc/cni/net.d';
    problems.check('cniInstaller.binMountPath', binPath, rules.containerMountPath(binPath));
    problems.check('cniInstaller.confMountPath', confPath, rules.containerMountPath(confPath));
    // The installer's settings follow the same merge rule as the agent's props.
    return withDefaults<AgentContainer>({
      name: name ?? 'install-cni',
      image,
      // Root: the CNI directories belong to root. No capability is needed to write them.
      runAsUser: 0,
      hostMounts: [
        // Shared by design: plugin binaries (portmap, bandwidth, ...) live side by side.
        HostMount.readWrite(this.cniBinDir, { mountPath: binPath, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cni-bin-dir', shared: true }),
        // Not shared: the configuration directory holds the node's primary network (the file that
        // sorts first wins); two CNI agents writing it on one node are refused (CiliumAgent, CalicoNode).
        HostMount.readWrite(this.cniConfDir, { mountPath: confPath, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cni-net-dir' }),
      ],
    }, settings);
  }
}

/** Whether the user's args give kube-proxy a client configuration, or env the in-cluster address. */
function hasClientConfig(options: DaemonSetOptions): boolean {
  const args = [...(options.args ?? []), ...(options.extraArgs ?? [])];
  const flag = args.some((a) => typeof a === 'string' && CLIENT_CONFIG_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)));
  return flag || (options.env !== undefined && 'KUBERNETES_SERVICE_HOST' in options.env);
}

/**
 * The ports kube-proxy's own arguments give its health and metrics servers
 * (`--healthz-bind-address`, default 0.0.0.0:10256; `--metrics-bind-address`, default
 * 127.0.0.1:10249, which no scraper reaches: then no metrics port is declared). The props that
 * only set these flags are rejected beside `args`.
 */
function kubeProxyArgPorts(
  args: string[], props: { healthPort?: number; metricsPort?: number }, problems: ValidationProblems,
): { healthPort: number; metricsPort?: number } {
  for (const [prop, value] of Object.entries(props)) {
    if (value !== undefined) {
      problems.add(prop, value, 'only makes a kube-proxy argument, which `args` replaces whole; put the flag into `args` (the probes and ports follow from it), or add flags with `extraArgs` instead of `args`');
    }
  }
  const address = (flag: string) => {
    const arg = [...args].reverse().find((a) => typeof a === 'string' && a.startsWith(`${flag}=`));
    const match = arg === undefined ? undefined : /^(.*):(\d+)$/.exec(arg.slice(flag.length + 1));
    return match === undefined ? undefined : match === null ? { host: '', port: NaN } : { host: match[1], port: Number(match[2]) };
  };
  const health = address('--healthz-bind-address');
  const metrics = address('--metrics-bind-address');
  const loopback = (host: string) => host.startsWith('127.') || host === '[::1]' || host === 'localhost';
  return {
    healthPort: health?.port ?? 10256,
    metricsPort: metrics === undefined || loopback(metrics.host) ? undefined : metrics.port,
  };
}

/**
 * What kube-proxy in this preset's container cannot run with (issue 19): each is accepted by the
 * API server and fails on the node.
 */
function checkKubeProxyOptions(options: DaemonSetOptions, problems: ValidationProblems): void {
  // kube-proxy takes no positional arguments (cmd/kube-proxy/app/server.go: `Args` checks
  // that none is given) and exits at start.
  (options.extraArgs ?? []).forEach((arg, i) => {
    if (typeof arg === 'string' && !arg.startsWith('-')) {
      problems.add(`extraArgs[${i}]`, arg, 'kube-proxy takes flags only and exits on a positional argument; write it as a flag, e.g. "--cluster-cidr=10.244.0.0/16"');
    }
  });
  // It programs the node's own network namespace: in the pod's, the rules serve nobody.
  if (options.hostNetwork === false) {
    problems.add('hostNetwork', false, 'kube-proxy programs the rules of the network namespace it runs in: in its own pod namespace no Service would answer on the node; remove hostNetwork');
  }
  // The image's iptables wrapper relinks /usr/sbin/iptables* at its first call (see the class doc).
  if (options.readOnlyRootFilesystem === true) {
    problems.add('readOnlyRootFilesystem', true, 'kube-proxy\'s iptables wrapper relinks /usr/sbin/iptables* at its first call, which fails on a read-only root filesystem; remove it');
  }
  // IPVS mode sets net/ipv4/vs sysctls at start (pkg/proxy/ipvs/proxier.go NewProxier), which the
  // unprivileged container cannot write (/proc/sys is read-only): kube-proxy exits.
  const args = [...(options.args ?? []), ...(options.extraArgs ?? [])];
  args.forEach((arg, i) => {
    if (typeof arg === 'string' && /^--proxy-mode=ipvs$/.test(arg) && options.privileged !== true) {
      const prop = i < (options.args ?? []).length ? `args[${i}]` : `extraArgs[${i - (options.args ?? []).length}]`;
      problems.add(prop, arg, 'IPVS mode writes net/ipv4/vs sysctls at start, which this unprivileged container cannot (its /proc/sys is read-only), and kube-proxy exits; use the iptables mode, or run kube-proxy privileged (privileged: true) with the IPVS modules loaded on the node');
    }
  });
}

function isKubeProxyCommand(command: string[]): boolean {
  const first = Array.isArray(command) ? command[0] : undefined;
  return typeof first === 'string' && (first === 'kube-proxy' || first.endsWith('/kube-proxy'));
}

function resolveApiServerEnv(
  host: string | undefined, port: number | undefined, problems: ValidationProblems,
): { [name: string]: EnvValue } | undefined {
  if (host === undefined && port === undefined) {
    return undefined;
  }
  if (host === undefined) {
    problems.add('apiServerPort', port, 'give apiServerHost too (both or neither)');
    return {};
  }
  if (port === undefined) {
    problems.add('apiServerHost', host, 'give apiServerPort too (both or neither)');
    return {};
  }
  if (typeof host !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/.test(host)) {
    problems.add('apiServerHost', host, 'expected a host name or IP address without scheme or port, e.g. "10.0.0.10" or "api.example.com"');
  }
  problems.check('apiServerPort', port, rules.portNumber(port));
  return {
    KUBERNETES_SERVICE_HOST: EnvValue.fromValue(host),
    KUBERNETES_SERVICE_PORT: EnvValue.fromValue(String(port)),
  };
}
