import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import {
  Capability, ConfigMap, Cpu, DnsPolicy, EnvFieldPaths, EnvValue, Handler, HostPathVolumeType, MountPropagation, Probe, ResourceFieldPaths,
  SeccompProfileType,
} from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentContainer } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { IntOrPercent } from '../int-or-percent';
import { apiServerEndpoint, checkEnum, cidrPrefix } from './cilium-calico-common';
import { NetworkAgent } from './network-agent';
import { registerAppChecks } from '../private/app-checks';
import { canShareNode } from '../private/node-overlap';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { ValidationError } from '../private/validation-error';
import { TerminationMessagePolicy } from '../termination-message-policy';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';

/**
 * Cilium's agent image, pinned by tag and digest as the chart's `image` renders it at 1.17.7 (the
 * chart runs the same image in every container of the pod).
 */
const DEFAULT_IMAGE = 'quay.io/cilium/cilium:v1.17.7@sha256:b22440f49c61195171aca585c7a57c6a8867271e43a5abc38f2a2f561436ff86';
/** The ConfigMap the chart names `cilium-config`: `build-config`, the operator and clean-cilium-state read it by this name. */
const CILIUM_CONFIG_MAP = 'cilium-config';
/** Where the chart mounts the cgroup2 filesystem it mounts on the node (values.yaml `cgroup.hostRoot`). */
const CGROUP_ROOT = '/run/cilium/cgroupv2';
const CNI_BIN_DIR = '/opt/cni/bin';
const CNI_CONF_DIR = '/etc/cni/net.d';
const HOST_CONF_DIR_MOUNT = '/host/etc/cni/net.d';

/** How the agent gives pods their IP addresses (cilium-config `ipam`). */
export enum CiliumIpamMode {
  /** The operator hands each node a range from `clusterPoolIpv4Cidr` (CiliumNode `spec.ipam.podCIDRs`): the chart's default. */
  CLUSTER_POOL = 'cluster-pool',
  /** Each node's `spec.podCIDR`, as the controller manager allocates it (`--allocate-node-cidrs`). */
  KUBERNETES = 'kubernetes',
}

/** How pod traffic reaches other nodes (cilium-config `routing-mode`). */
export enum CiliumRoutingMode {
  /** Encapsulated between nodes (VXLAN or Geneve): works on any network that carries UDP between nodes. The chart's default. */
  TUNNEL = 'tunnel',
  /** Routed as it is: the network (or `autoDirectNodeRoutes` on one L2 segment) must route the pod CIDRs. */
  NATIVE = 'native',
}

/** The encapsulation of the tunnel routing mode (cilium-config `tunnel-protocol`). */
export enum CiliumTunnelProtocol {
  /** VXLAN on UDP 8472: the chart's default. */
  VXLAN = 'vxlan',
  /** Geneve on UDP 6081. */
  GENEVE = 'geneve',
}

/**
 * Props of a `CiliumAgent`: its own (the `cilium-config` settings a platform team changes), then
 * the core's (`DaemonSetOptions`) with the defaults this preset gives them (reasons and sources in
 * docs/presets/cilium-agent.md). Props you give follow the library's merge rule.
 */
export interface CiliumAgentProps extends DaemonSetOptions {
  /**
   * Cilium's image, pinned; every container of the pod runs it (as the chart does).
   *
   * @default "quay.io/cilium/cilium:v1.17.7@sha256:b22440f49c61195171aca585c7a57c6a8867271e43a5abc38f2a2f561436ff86"
   */
  readonly image?: string;

  /**
   * How pods get their addresses (`ipam`).
   *
   * @default CiliumIpamMode.CLUSTER_POOL
   */
  readonly ipamMode?: CiliumIpamMode;

  /**
   * The pod address range the operator splits into per-node ranges (`cluster-pool-ipv4-cidr`),
   * with `CiliumIpamMode.CLUSTER_POOL` only. It must not overlap the node or Service networks.
   *
   * @default "10.0.0.0/8" (the chart's `ipam.operator.clusterPoolIPv4PodCIDRList`)
   */
  readonly clusterPoolIpv4Cidr?: string;

  /**
   * The prefix length of each node's range from `clusterPoolIpv4Cidr`
   * (`cluster-pool-ipv4-mask-size`): /24 gives 254 pods a node.
   *
   * @default 24
   */
  readonly clusterPoolIpv4MaskSize?: number;

  /**
   * Tunnel or native routing between nodes (`routing-mode`).
   *
   * @default CiliumRoutingMode.TUNNEL
   */
  readonly routingMode?: CiliumRoutingMode;

  /**
   * The tunnel's encapsulation (`tunnel-protocol`), with `CiliumRoutingMode.TUNNEL` only.
   *
   * @default CiliumTunnelProtocol.VXLAN
   */
  readonly tunnelProtocol?: CiliumTunnelProtocol;

  /**
   * With native routing: the CIDR that is routed without masquerading
   * (`ipv4-native-routing-cidr`), usually the pod CIDR or the whole VPC. Required then: Cilium
   * refuses to start without it while masquerading is on.
   *
   * @default - none: required with `CiliumRoutingMode.NATIVE`
   */
  readonly ipv4NativeRoutingCidr?: string;

  /**
   * With native routing: install routes to the other nodes' pod CIDRs on this node
   * (`auto-direct-node-routes`), which works only when all nodes share one L2 network.
   *
   * @default false
   */
  readonly autoDirectNodeRoutes?: boolean;

  /**
   * Replace kube-proxy (`kube-proxy-replacement`): Cilium serves Services in eBPF, and kube-proxy
   * should not run on these nodes. Needs `apiServerHost` and `apiServerPort`: without
   * kube-proxy, the `kubernetes` Service's cluster IP is not reachable until Cilium itself runs.
   *
   * @default false
   */
  readonly kubeProxyReplacement?: boolean;

  /**
   * The API server's address (the control-plane endpoint, a host name or IP address without
   * scheme or port): KUBERNETES_SERVICE_HOST in the agent and its init containers, as the
   * chart's `k8sServiceHost`. Required with `kubeProxyReplacement`; give it with `apiServerPort`.
   *
   * @default - none: the agent uses the `kubernetes` Service (reachable through kube-proxy)
   */
  readonly apiServerHost?: string;

  /**
   * The API server's port (the chart's `k8sServicePort`). Give it with `apiServerHost`.
   *
   * @default - none: required with `apiServerHost`
   */
  readonly apiServerPort?: number;

  /**
   * The port of the agent's health API (`agent-health-port`), which the probes request on
   * 127.0.0.1 (the chart's `healthPort`).
   *
   * @default 9879
   */
  readonly healthPort?: number;

  /**
   * The port of the agent's Prometheus metrics (`prometheus-serve-addr`), declared as `metrics`
   * (the chart's `prometheus.port`).
   *
   * @default 9962
   */
  readonly metricsPort?: number;

  /**
   * The cluster's name (`cluster-name`), unique per cluster in a Cluster Mesh.
   *
   * @default "default"
   */
  readonly clusterName?: string;

  /**
   * More `cilium-config` keys, as Cilium's flags are spelled (e.g. `{ 'enable-bpf-masquerade':
   * 'true' }`). Keys this preset types (`ipam`, `routing-mode`, ...) are refused here: use their
   * props.
   *
   * @default - none
   */
  readonly extraConfig?: { [key: string]: string };
}

/**
 * Cilium's agent on every node, as the Cilium chart renders its DaemonSet (cilium/cilium
 * `install/kubernetes/cilium/templates/cilium-agent/daemonset.yaml`), with its `cilium-config`
 * ConfigMap typed for what platform teams change, its ClusterRole and the namespaced Role for
 * the ConfigMap. Runs with the cilium-operator (a Deployment, not a node agent: install it from
 * the chart with `agent=false`), which registers Cilium's CRDs and hands out the cluster-pool
 * ranges.
 *
 * - **Capabilities, not privileged** (the chart's `securityContext.privileged: false`): the
 *   agent gets CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_MODULE, SYS_ADMIN, SYS_RESOURCE,
 *   DAC_OVERRIDE, FOWNER, SETGID and SETUID, root, AppArmor unconfined and SELinux `spc_t`;
 *   writes to the node's sysctls go through `/proc/sys/net` and `/proc/sys/kernel` mounted at
 *   `/host/proc/sys/...`.
 * - **Init steps** (the chart's): `config` (`cilium-dbg build-config` writes the ConfigMap to
 *   /tmp/cilium/config-map), `mount-cgroup` and `apply-sysctl-overwrites` (enter the host's
 *   mount namespace through /proc/1/ns), `mount-bpf-fs` (the one privileged container: mounts
 *   bpffs with Bidirectional propagation), `clean-cilium-state`, `install-cni-binaries`.
 * - **Probes on 127.0.0.1:9879 `/healthz` with the header `brief: true`** (startup, liveness,
 *   readiness, the chart's thresholds): the health API listens on loopback only.
 * - **Host network, every taint, `system-node-critical`, 2 nodes at a time, 1 s grace** (the chart's).
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
 * | `namespace` | `"kube-system"` | unless the chart has a namespace (the chart's release namespace) |
 * | `hostNetwork` | `true` | the agent programs the node's own network namespace |
 * | `dnsPolicy` | `DnsPolicy.DEFAULT` | the cluster DNS is a pod this agent has yet to connect |
 * | `priorityClassName` | `"system-node-critical"` | a node without its CNI agent runs no pods |
 * | `updateStrategy` | RollingUpdate, maxUnavailable 2, maxSurge 0 | the chart's |
 * | `terminationGracePeriodSeconds` | `1` | the chart's: the datapath stays in the kernel |
 * | `component` | `"networking"` |  |
 * | `command` | `["cilium-agent"]` |  |
 * | `args` | `["--config-dir=/tmp/cilium/config-map"]` | the files `build-config` writes |
 * | `runAsUser` | `0` | Root: capabilities are only effective for UID 0. |
 * | `readOnlyRootFilesystem` | `false` | the chart's |
 * | `addCapabilities` | the chart's `capabilities.ciliumAgent` list (12 capabilities) |  |
 * | `seLinuxOptions` | level s0, type spc_t | the chart's, pod-wide |
 * | `podAnnotations` | AppArmor unconfined for the agent, mount-cgroup, apply-sysctl-overwrites and clean-cilium-state |  |
 * | `resources` | requests 100m CPU and 256Mi memory, memory limit 1Gi |  |
 * | `env` | NODE_NAME, K8S_NODE_NAME, CILIUM_K8S_NAMESPACE, GOMEMLIMIT; the API server's address with `apiServerHost` |  |
 * | `ports` | "health" (9879), "metrics" (9962), "cilium-health" (4240) |  |
 * | `hostMounts` | /proc/sys/net, /proc/sys/kernel, /sys/fs/bpf, the cgroup2 root, /var/run/cilium, /etc/cni/net.d, /lib/modules, /run/xtables.lock |  |
 * | `volumes` | the `tmp` emptyDir |  |
 * | `volumeMounts` | `tmp` at /tmp |  |
 * | `initContainers` | config, mount-cgroup, apply-sysctl-overwrites, mount-bpf-fs, clean-cilium-state, install-cni-binaries |  |
 * | `lifecycle` | pre-stop `/cni-uninstall.sh` |  |
 * | `terminationMessagePolicy` | `FALLBACK_TO_LOGS_ON_ERROR`, on the init containers too | the chart's |
 * | `startup` | HTTP GET 127.0.0.1:9879/healthz every 2 s, 105 failures, after 5 s |  |
 * | `liveness` | HTTP GET 127.0.0.1:9879/healthz every 30 s, timeout 5 s, 10 failures |  |
 * | `readiness` | HTTP GET 127.0.0.1:9879/healthz every 30 s, timeout 5 s, 3 failures |  |
 * | `rbacRules` | the chart's `cilium` ClusterRole |  |
 * | `namespacedRbacRules` | configmaps get, list, watch (the chart's `cilium-config-agent` Role) |  |
 */
export class CiliumAgent extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The `cilium-config` ConfigMap. */
  public readonly configMap: ConfigMap;
  /** The image of every container. */
  public readonly image: string;
  /** The IPAM mode. */
  public readonly ipamMode: CiliumIpamMode;
  /** The routing mode. */
  public readonly routingMode: CiliumRoutingMode;
  /** Whether Cilium replaces kube-proxy. */
  public readonly kubeProxyReplacement: boolean;
  /** The health API's port (on 127.0.0.1). */
  public readonly healthPort: number;
  /** The metrics port. */
  public readonly metricsPort: number;
  /** The `cilium-config` data, as emitted. */
  public readonly config: { [key: string]: string };

  constructor(scope: Construct, id: string, props: CiliumAgentProps = {}) {
    super(scope, id);
    props = checkConstructProps('CiliumAgentProps', this, props);
    const {
      image, ipamMode, clusterPoolIpv4Cidr, clusterPoolIpv4MaskSize, routingMode, tunnelProtocol, ipv4NativeRoutingCidr,
      autoDirectNodeRoutes, kubeProxyReplacement, apiServerHost, apiServerPort, healthPort, metricsPort, clusterName, extraConfig,
      ...options
    } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    this.ipamMode = ipamMode ?? CiliumIpamMode.CLUSTER_POOL;
    checkEnum(problems, 'ipamMode', this.ipamMode, CiliumIpamMode);
    this.routingMode = routingMode ?? CiliumRoutingMode.TUNNEL;
    checkEnum(problems, 'routingMode', this.routingMode, CiliumRoutingMode);
    const tunnel = tunnelProtocol ?? CiliumTunnelProtocol.VXLAN;
    checkEnum(problems, 'tunnelProtocol', tunnel, CiliumTunnelProtocol);
    this.kubeProxyReplacement = kubeProxyReplacement ?? false;
    this.healthPort = healthPort ?? 9879;
    problems.check('healthPort', this.healthPort, rules.portNumber(this.healthPort));
    this.metricsPort = metricsPort ?? 9962;
    problems.check('metricsPort', this.metricsPort, rules.portNumber(this.metricsPort));
    if (this.metricsPort === this.healthPort) {
      problems.add('metricsPort', this.metricsPort, `must differ from healthPort (${this.healthPort})`);
    }

    const poolCidr = clusterPoolIpv4Cidr ?? '10.0.0.0/8';
    const maskSize = clusterPoolIpv4MaskSize ?? 24;
    if (this.ipamMode !== CiliumIpamMode.CLUSTER_POOL) {
      for (const [prop, value] of [['clusterPoolIpv4Cidr', clusterPoolIpv4Cidr], ['clusterPoolIpv4MaskSize', clusterPoolIpv4MaskSize]] as const) {
        if (value !== undefined) {
          problems.add(prop, value, `only applies with ipamMode CiliumIpamMode.CLUSTER_POOL (got ${this.ipamMode}); remove it`);
        }
      }
    } else {
      const prefix = cidrPrefix(poolCidr);
      if (prefix === undefined) {
        problems.add('clusterPoolIpv4Cidr', clusterPoolIpv4Cidr, 'expected an IPv4 CIDR, e.g. "10.0.0.0/8"');
      }
      if (!Number.isInteger(maskSize) || maskSize < 1 || maskSize > 30 || (prefix !== undefined && maskSize <= prefix)) {
        problems.add('clusterPoolIpv4MaskSize', clusterPoolIpv4MaskSize, `expected a prefix length longer than the pool's (/${prefix ?? '?'}) and at most 30, e.g. 24`);
      }
    }
    if (this.routingMode === CiliumRoutingMode.NATIVE) {
      if (tunnelProtocol !== undefined) {
        problems.add('tunnelProtocol', tunnelProtocol, 'only applies with routingMode CiliumRoutingMode.TUNNEL; remove it');
      }
      if (ipv4NativeRoutingCidr === undefined) {
        problems.add('ipv4NativeRoutingCidr', ipv4NativeRoutingCidr, 'required with routingMode CiliumRoutingMode.NATIVE: Cilium refuses to start without it while masquerading is on; give the CIDR routed without NAT, e.g. the pod CIDR "10.0.0.0/8"');
      } else if (cidrPrefix(ipv4NativeRoutingCidr) === undefined) {
        problems.add('ipv4NativeRoutingCidr', ipv4NativeRoutingCidr, 'expected an IPv4 CIDR, e.g. "10.0.0.0/8"');
      }
    } else {
      for (const [prop, value] of [['ipv4NativeRoutingCidr', ipv4NativeRoutingCidr], ['autoDirectNodeRoutes', autoDirectNodeRoutes]] as const) {
        if (value !== undefined) {
          problems.add(prop, value, 'only applies with routingMode CiliumRoutingMode.NATIVE; remove it');
        }
      }
    }
    const apiServerEnv = apiServerEndpoint(apiServerHost, apiServerPort, problems);
    if (this.kubeProxyReplacement && apiServerEnv === undefined && !(options.env && 'KUBERNETES_SERVICE_HOST' in options.env)) {
      problems.add('apiServerHost', apiServerHost,
        'required with kubeProxyReplacement: without kube-proxy the "kubernetes" Service\'s cluster IP is reachable only once Cilium runs, so the agent could never start on a new node; '
        + 'give apiServerHost and apiServerPort (the control-plane endpoint, e.g. "10.0.0.10" and 6443)');
    }
    const name = clusterName ?? 'default';
    problems.check('clusterName', name, rules.dns1123Label(name));

    const config: { [key: string]: string } = {
      // Typed settings (docs/presets/cilium-agent.md, Provenance: pkg/option/config.go).
      'ipam': this.ipamMode,
      ...(this.ipamMode === CiliumIpamMode.CLUSTER_POOL ? {
        'cluster-pool-ipv4-cidr': poolCidr,
        'cluster-pool-ipv4-mask-size': String(maskSize),
      } : { 'k8s-require-ipv4-pod-cidr': 'true' }),
      'routing-mode': this.routingMode,
      ...(this.routingMode === CiliumRoutingMode.TUNNEL ? { 'tunnel-protocol': tunnel } : {
        'ipv4-native-routing-cidr': ipv4NativeRoutingCidr ?? '',
        'auto-direct-node-routes': String(autoDirectNodeRoutes ?? false),
      }),
      'kube-proxy-replacement': String(this.kubeProxyReplacement),
      'cluster-name': name,
      'cluster-id': '0',
      'agent-health-port': String(this.healthPort),
      'prometheus-serve-addr': `:${this.metricsPort}`,
      // The chart's defaults for the rest of a working agent.
      'identity-allocation-mode': 'crd',
      'enable-ipv4': 'true',
      'enable-ipv6': 'false',
      'enable-ipv4-masquerade': 'true',
      'enable-health-checking': 'true',
      'enable-endpoint-health-checking': 'true',
      'enable-l7-proxy': 'true',
      // No separate cilium-envoy DaemonSet: the agent runs its embedded proxy.
      'external-envoy-proxy': 'false',
      'cni-exclusive': 'true',
      'write-cni-conf-when-ready': `${HOST_CONF_DIR_MOUNT}/05-cilium.conflist`,
      'remove-cilium-node-taints': 'true',
      'set-cilium-is-up-condition': 'true',
      // Hubble on the agent's local socket only: its TCP listener (:4244, for Hubble Relay) needs
      // the TLS certificates the chart generates.
      'enable-hubble': 'true',
    };
    for (const [key, value] of Object.entries(extraConfig ?? {})) {
      if (TYPED_KEYS[key] !== undefined) {
        problems.add(`extraConfig.${key}`, value, `set by the preset's \`${TYPED_KEYS[key]}\` prop; use it instead`);
      } else if (typeof value !== 'string') {
        problems.add(`extraConfig.${key}`, value, 'expected a string (Cilium reads every ConfigMap value as a flag\'s text, e.g. "true")');
      } else if (!/^[a-z0-9][a-z0-9-]*$/.test(key)) {
        problems.add('extraConfig', key, 'expected a Cilium flag name without "--", e.g. "enable-bpf-masquerade"');
      } else {
        config[key] = value;
      }
    }
    this.config = config;

    const cniEnvFrom = (key: string) => EnvValue.fromConfigMap(ConfigMap.fromConfigMapName(this, `ConfigRef-${key}`, CILIUM_CONFIG_MAP), key, { optional: true });
    const k8sEnv = {
      K8S_NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
      CILIUM_K8S_NAMESPACE: EnvValue.fromFieldRef(EnvFieldPaths.POD_NAMESPACE),
      ...apiServerEnv,
    };
    const bpfMaps = (propagation?: MountPropagation) => HostMount.readWrite('/sys/fs/bpf', {
      type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'bpf-maps', propagation, shared: true,
    });
    const cgroup = (propagation?: MountPropagation) => HostMount.readWrite(CGROUP_ROOT, {
      type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cilium-cgroup', propagation,
    });
    const run = HostMount.readWrite('/var/run/cilium', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cilium-run' });
    // The init containers that enter the host's mount namespace: /proc (for /proc/1/ns) and the CNI bin dir (to run a binary copied there).
    const hostProc = HostMount.readOnly('/proc', { mountPath: '/hostproc', volumeName: 'hostproc' });
    const cniPath = (mountPath: string) => HostMount.readWrite(CNI_BIN_DIR, {
      mountPath, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cni-path', shared: true,
    });
    const nsenterStep = (
      containerName: string, binary: string, nsenter: string, capabilities: Capability[], env: { [k: string]: EnvValue },
    ): AgentContainer => ({
      name: containerName,
      image: this.image,
      command: ['sh', '-ec', `cp /usr/bin/${binary} /hostbin/${binary};\nnsenter ${nsenter} "\${BIN_PATH}/${binary}"${binary === 'cilium-mount' ? ' $CGROUP_ROOT' : ''};\nrm /hostbin/${binary}\n`],
      env: { BIN_PATH: EnvValue.fromValue(CNI_BIN_DIR), ...env },
      runAsUser: 0,
      addCapabilities: capabilities,
      seccompProfile: UNCONFINED,
      hostMounts: [hostProc, cniPath('/hostbin')],
    });

    const probe = (kind: 'startup' | 'liveness' | 'readiness') => Probe.fromHttpGet('/healthz', {
      host: '127.0.0.1',
      port: this.healthPort,
      ...(kind === 'startup' ? { periodSeconds: Duration.seconds(2), failureThreshold: 105, initialDelaySeconds: Duration.seconds(5) }
        : { periodSeconds: Duration.seconds(30), timeoutSeconds: Duration.seconds(5), failureThreshold: kind === 'liveness' ? 10 : 3 }),
    });

    const defaults: DaemonSetProps = {
      name: DaemonSet.defaultName(this),
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'networking',
      // The chart's name: the AppArmor annotations and `kubectl logs -c` name it.
      containerName: 'cilium-agent',
      image: this.image,
      hostNetwork: true,
      // The node's resolver: the cluster DNS runs in pods that only this agent connects.
      dnsPolicy: DnsPolicy.DEFAULT,
      priorityClassName: 'system-node-critical',
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(2) }),
      terminationGracePeriodSeconds: 1,
      command: ['cilium-agent'],
      args: ['--config-dir=/tmp/cilium/config-map'],
      // Root: the capabilities below are only effective for UID 0.
      runAsUser: 0,
      readOnlyRootFilesystem: false,
      seccompProfile: UNCONFINED,
      addCapabilities: [
        Capability.CHOWN, Capability.KILL, Capability.NET_ADMIN, Capability.NET_RAW, Capability.IPC_LOCK, Capability.SYS_MODULE,
        Capability.SYS_ADMIN, Capability.SYS_RESOURCE, Capability.DAC_OVERRIDE, Capability.FOWNER, Capability.SETGID, Capability.SETUID,
      ],
      seLinuxOptions: { level: 's0', type: 'spc_t' },
      podAnnotations: Object.fromEntries(['cilium-agent', 'clean-cilium-state', 'mount-cgroup', 'apply-sysctl-overwrites']
        .map((c) => [`container.apparmor.security.beta.kubernetes.io/${c}`, 'unconfined'])),
      env: {
        ...k8sEnv,
        CILIUM_CLUSTERMESH_CONFIG: EnvValue.fromValue('/var/lib/cilium/clustermesh/'),
        GOMEMLIMIT: EnvValue.fromResource(ResourceFieldPaths.MEMORY_LIMIT, { divisor: '1' }),
      },
      ports: [
        { containerPort: this.healthPort, name: 'health' },
        { containerPort: this.metricsPort, name: 'metrics' },
        { containerPort: 4240, name: 'cilium-health' },
      ],
      hostMounts: [
        // Sysctls: an unprivileged container's /proc/sys is read-only; the host's is mounted to write them.
        HostMount.readWrite('/proc/sys/net', { mountPath: '/host/proc/sys/net', volumeName: 'host-proc-sys-net', shared: true }),
        HostMount.readWrite('/proc/sys/kernel', { mountPath: '/host/proc/sys/kernel', volumeName: 'host-proc-sys-kernel', shared: true }),
        // bpffs, mounted by mount-bpf-fs (Bidirectional): seen here through HostToContainer.
        bpfMaps(MountPropagation.HOST_TO_CONTAINER),
        // The cgroup2 root (/run/cilium/cgroupv2) is seen through cilium-run, as in the chart.
        run,
        // The CNI configuration: the agent writes 05-cilium.conflist (and, cni-exclusive, renames
        // other CNIs' files). Not shared: one primary CNI a node.
        HostMount.readWrite(CNI_CONF_DIR, { mountPath: HOST_CONF_DIR_MOUNT, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'etc-cni-netd' }),
        // Untyped, as in the chart: nodes without /lib/modules (some immutable OSes) still start it.
        HostMount.readOnly('/lib/modules', { type: HostPathVolumeType.DEFAULT, volumeName: 'lib-modules' }),
        HostMount.readWrite('/run/xtables.lock', { type: HostPathVolumeType.FILE_OR_CREATE, volumeName: 'xtables-lock', shared: true }),
      ],
      volumes: [AgentVolume.fromEmptyDir('tmp')],
      volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp', readOnly: false }],
      // The chart's: a step that fails without writing a termination message shows its log's tail.
      initContainers: [
        {
          name: 'config',
          image: this.image,
          command: ['cilium-dbg', 'build-config'],
          env: k8sEnv,
          volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp', readOnly: false }],
        },
        nsenterStep('mount-cgroup', 'cilium-mount', '--cgroup=/hostproc/1/ns/cgroup --mount=/hostproc/1/ns/mnt',
          [Capability.SYS_ADMIN, Capability.SYS_CHROOT, Capability.SYS_PTRACE], { CGROUP_ROOT: EnvValue.fromValue(CGROUP_ROOT) }),
        nsenterStep('apply-sysctl-overwrites', 'cilium-sysctlfix', '--mount=/hostproc/1/ns/mnt',
          [Capability.SYS_ADMIN, Capability.SYS_CHROOT, Capability.SYS_PTRACE], {}),
        {
          // Bidirectional propagation (the bpffs mount must reach the node) is only allowed privileged.
          name: 'mount-bpf-fs',
          image: this.image,
          command: ['/bin/bash', '-c', '--'],
          args: ['mount | grep "/sys/fs/bpf type bpf" || mount -t bpf bpf /sys/fs/bpf'],
          privileged: true,
          seccompProfile: UNCONFINED,
          // mount(8) may record the mount under /run/mount: the chart's writable root.
          readOnlyRootFilesystem: false,
          hostMounts: [bpfMaps(MountPropagation.BIDIRECTIONAL)],
        },
        {
          name: 'clean-cilium-state',
          image: this.image,
          command: ['/init-container.sh'],
          env: {
            CILIUM_ALL_STATE: cniEnvFrom('clean-cilium-state'),
            CILIUM_BPF_STATE: cniEnvFrom('clean-cilium-bpf-state'),
            WRITE_CNI_CONF_WHEN_READY: cniEnvFrom('write-cni-conf-when-ready'),
            ...apiServerEnv,
          },
          runAsUser: 0,
          addCapabilities: [Capability.NET_ADMIN, Capability.SYS_MODULE, Capability.SYS_ADMIN, Capability.SYS_RESOURCE],
          seccompProfile: UNCONFINED,
          // The script runs cilium-dbg cleanups that were not audited for writes: the chart's writable root.
          readOnlyRootFilesystem: false,
          hostMounts: [bpfMaps(), cgroup(MountPropagation.HOST_TO_CONTAINER), run],
        },
        {
          // "Install the CNI binaries in an InitContainer so we don't have a writable host mount in the agent" (the chart).
          name: 'install-cni-binaries',
          image: this.image,
          command: ['/install-plugin.sh'],
          runAsUser: 0,
          hostMounts: [cniPath('/host/opt/cni/bin')],
        },
      ].map((step) => ({ ...step, terminationMessagePolicy: TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR })),
      lifecycle: { preStop: Handler.fromCommand(['/cni-uninstall.sh']) },
      terminationMessagePolicy: TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR,
      startup: probe('startup'),
      liveness: probe('liveness'),
      readiness: probe('readiness'),
      resources: {
        cpu: { request: Cpu.millis(100) },
        memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
      },
      rbacRules: CILIUM_AGENT_RULES,
      // build-config reads cilium-config through the API (the chart's cilium-config-agent Role).
      namespacedRbacRules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    };
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));

    // `cilium-config` by that name: build-config, clean-cilium-state and the operator read it so.
    this.configMap = new ConfigMap(this, 'Config', {
      metadata: { name: CILIUM_CONFIG_MAP, namespace: this.daemonSet.namespace, labels: this.daemonSet.labels },
      data: Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]])),
    });
    if (this.kubeProxyReplacement) {
      this.refuseKubeProxyOnTheSameNodes();
    }
    // The chart's probe headers (cdk8s-plus has no httpHeaders): `brief: true` asks for the short
    // answer; the liveness probe also sends `require-k8s-connectivity: false`, so that an API
    // server outage does not restart every agent of the cluster.
    const agent = ApiObject.of(this.daemonSet.workload);
    // Only on the preset's own probes: a probe you give replaces it whole.
    const given: { [kind: string]: unknown } = { startupProbe: options.startup, livenessProbe: options.liveness, readinessProbe: options.readiness };
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'].filter((k) => given[k] === undefined)) {
      const headers = [{ name: 'brief', value: 'true' }, ...(kind === 'livenessProbe' ? [{ name: 'require-k8s-connectivity', value: 'false' }] : [])];
      agent.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/0/${kind}/httpGet/httpHeaders`, headers));
    }
  }

  /**
   * With kube-proxy replacement, a kube-proxy `NetworkAgent` of the same app that can run on the
   * same nodes is refused at synth (the app-wide conflicts): both would program every Service,
   * Cilium in eBPF and kube-proxy in iptables, and kube-proxy would keep the Service network
   * depending on itself. On disjoint nodes (a node-by-node migration) both are allowed.
   */
  private refuseKubeProxyOnTheSameNodes(): void {
    const agents = registerAppChecks(this);
    const ds = this.daemonSet;
    this.node.addValidation({
      validate: () => {
        const mine = agents.find((a) => a.ownerPath === ds._ownerPath);
        const conflicts = this.node.root.node.findAll()
          .filter((c): c is NetworkAgent => c instanceof NetworkAgent && c.isKubeProxy)
          .map((kp) => agents.find((a) => a.ownerPath === kp.daemonSet._ownerPath))
          .filter((kp) => mine !== undefined && kp !== undefined && canShareNode(mine.nodeTerms, kp.nodeTerms))
          .map((kp) => `'${mine!.ownerPath}' (${mine!.id}) replaces kube-proxy (kubeProxyReplacement: true) and '${kp!.ownerPath}' (${kp!.id}) runs kube-proxy, and they can run on the same node: `
            + 'both would program every Service (Cilium in eBPF, kube-proxy in iptables). Remove the kube-proxy NetworkAgent, '
            + 'keep them on different nodes (nodeSelector or requiredNodeAffinity, e.g. while migrating node by node), or set kubeProxyReplacement: false');
        if (conflicts.length > 0) {
          throw new ValidationError('the app\'s agents', this.node.root.node.path, conflicts, 'conflict');
        }
        return [];
      },
    });
  }
}

/**
 * The chart leaves seccomp unset: Unconfined on a kubelet without `--seccomp-default`. The agent
 * and its init steps call bpf(), perf_event_open(), mount() and setns(), which the runtime's
 * default profile allows only by capability on some runtimes; the preset keeps the chart's
 * behaviour, stated instead of left to the kubelet.
 */
const UNCONFINED = { type: SeccompProfileType.UNCONFINED };

/** The cilium-config keys the preset's props own, and the prop. */
const TYPED_KEYS: { [key: string]: string } = {
  'ipam': 'ipamMode',
  'cluster-pool-ipv4-cidr': 'clusterPoolIpv4Cidr',
  'cluster-pool-ipv4-mask-size': 'clusterPoolIpv4MaskSize',
  'routing-mode': 'routingMode',
  'tunnel-protocol': 'tunnelProtocol',
  'ipv4-native-routing-cidr': 'ipv4NativeRoutingCidr',
  'auto-direct-node-routes': 'autoDirectNodeRoutes',
  'kube-proxy-replacement': 'kubeProxyReplacement',
  'cluster-name': 'clusterName',
  'agent-health-port': 'healthPort',
  'prometheus-serve-addr': 'metricsPort',
};

/** The chart's `cilium` ClusterRole (templates/cilium-agent/clusterrole.yaml), default values. */
const CILIUM_AGENT_RULES = [
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['namespaces', 'services', 'pods', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list', 'watch', 'get'] },
  {
    apiGroups: ['cilium.io'],
    resources: [
      'ciliumloadbalancerippools', 'ciliumbgppeeringpolicies', 'ciliumbgpnodeconfigs', 'ciliumbgpadvertisements', 'ciliumbgppeerconfigs',
      'ciliumclusterwideenvoyconfigs', 'ciliumclusterwidenetworkpolicies', 'ciliumegressgatewaypolicies', 'ciliumendpoints',
      'ciliumendpointslices', 'ciliumenvoyconfigs', 'ciliumidentities', 'ciliumlocalredirectpolicies', 'ciliumnetworkpolicies',
      'ciliumnodes', 'ciliumnodeconfigs', 'ciliumcidrgroups', 'ciliuml2announcementpolicies', 'ciliumpodippools',
    ],
    verbs: ['list', 'watch'],
  },
  { apiGroups: ['cilium.io'], resources: ['ciliumidentities', 'ciliumendpoints', 'ciliumnodes'], verbs: ['create'] },
  { apiGroups: ['cilium.io'], resources: ['ciliumidentities'], verbs: ['update'] },
  { apiGroups: ['cilium.io'], resources: ['ciliumendpoints'], verbs: ['delete', 'get'] },
  { apiGroups: ['cilium.io'], resources: ['ciliumnodes', 'ciliumnodes/status'], verbs: ['get', 'update'] },
  {
    apiGroups: ['cilium.io'],
    resources: ['ciliumendpoints/status', 'ciliumendpoints', 'ciliuml2announcementpolicies/status', 'ciliumbgpnodeconfigs/status'],
    verbs: ['patch'],
  },
];
