import { Duration, Size } from 'cdk8s';
import { Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, k8s, MountPropagation, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { NodeExporterCollector } from './node-exporter-collector';
import { imagePlatformsOf } from '../private/image-platforms';
import { checkKeyValueMap } from '../private/label-map';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { ValidationProblems } from '../validation-problems';

/** Who may scrape the node exporter, for `NodeExporterProps.networkPolicy`. */
export interface NodeExporterNetworkPolicyOptions {
  /**
   * Labels of the scraper's pods (all must match). At least one label: an empty selector would
   * admit every pod of the selected namespaces.
   *
   * @default { 'app.kubernetes.io/name': 'prometheus' } (the Prometheus pods of kube-prometheus
   * and the Prometheus Operator)
   */
  readonly scraperPodLabels?: { [key: string]: string };

  /**
   * Labels of the scraper's namespace, when it runs in another namespace (e.g.
   * `{ 'kubernetes.io/metadata.name': 'monitoring' }`). Pod and namespace labels must both match.
   *
   * @default - the scraper runs in the node exporter's own namespace
   */
  readonly scraperNamespaceLabels?: { [key: string]: string };
}

/**
 * Props of a `NodeExporter`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/node-exporter.md). Props you give follow
 * the library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface NodeExporterProps extends DaemonSetOptions {
  /**
   * The node exporter image, pinned.
   *
   * @default "quay.io/prometheus/node-exporter:v1.12.1" (`NodeExporter.DEFAULT_IMAGE`)
   */
  readonly image?: string;

  /**
   * The port node exporter listens on, on the node's address (the pods use the host network).
   * Named `metrics` in the container, the Service and the NetworkPolicy.
   *
   * @default 9100
   */
  readonly port?: number;

  /**
   * Listen on every address of the node instead of only the node's primary address
   * (`status.hostIP`). The default keeps the metrics off other interfaces of multi-homed nodes
   * (public, storage or management networks). Without the host network (`hostNetwork: false`)
   * the pod has its own network namespace, where the node's address does not exist: the
   * exporter then always listens on every address of the pod (its one interface and loopback).
   *
   * @default - false with the host network; true without it
   */
  readonly listenOnAllInterfaces?: boolean;

  /**
   * Collectors to turn on (`--collector.<name>`), e.g. `NodeExporterCollector.SYSTEMD`.
   * `SYSTEMD` and `LOGIND` talk to the host's D-Bus system bus: the preset then also mounts the
   * host's socket, /var/run/dbus/system_bus_socket, read-only (type `Socket`: a node without
   * D-Bus does not start the pod).
   *
   * @default - none besides node exporter's own default set
   */
  readonly enableCollectors?: NodeExporterCollector[];

  /**
   * Collectors to turn off (`--no-collector.<name>`), e.g. `NodeExporterCollector.HWMON`.
   *
   * @default - none: node exporter's own default set (kube-prometheus turns off hwmon and btrfs)
   */
  readonly disableCollectors?: NodeExporterCollector[];

  /**
   * Mount points the filesystem collector ignores (`--collector.filesystem.mount-points-exclude`,
   * an RE2 regular expression matched against the path on the node).
   *
   * @default - the kernel filesystems (/dev, /proc, /sys), systemd credentials, and the per-pod
   * and per-container mounts of the kubelet, Docker, containerd, k3s and CRI-O (kube-prometheus's
   * list plus node exporter's own defaults and the runtimes' shm mounts)
   */
  readonly mountPointsExclude?: string;

  /**
   * Filesystem types the filesystem collector ignores
   * (`--collector.filesystem.fs-types-exclude`, an RE2 regular expression).
   *
   * @default - node exporter's own default list: pseudo and read-only image filesystems
   */
  readonly fsTypesExclude?: string;

  /**
   * Network devices the netclass and netdev collectors ignore
   * (`--collector.netclass.ignored-devices` and `--collector.netdev.device-exclude`, an RE2
   * regular expression).
   *
   * @default - the per-pod interfaces of CNI plugins, which come and go with every pod: veth
   * pairs and 15-hex-digit names (kube-prometheus's list), plus Calico's cali*, Cilium's lxc*,
   * the AWS VPC CNI's eni* and GKE's gke*
   */
  readonly netDevicesExclude?: string;

  /**
   * Create a headless Service (clusterIP None) that selects the pods, for Prometheus'
   * `endpoints` service discovery, with `prometheus.io/scrape` and `prometheus.io/port`
   * annotations.
   *
   * @default true
   */
  readonly createService?: boolean;

  /**
   * Create a NetworkPolicy that admits only the scraper, on the metrics port. Off by default:
   * the pods use the host network, and most CNI plugins do not apply NetworkPolicies to
   * host-network pods, so the policy documents intent more than it enforces it (see the docs).
   *
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: NodeExporterNetworkPolicyOptions;
}

const HOST_PROC = '/host/proc';
const HOST_SYS = '/host/sys';
const HOST_ROOT = '/host/root';
/** The D-Bus system bus socket (the D-Bus specification's well-known system bus address). */
const DBUS_SYSTEM_SOCKET = '/var/run/dbus/system_bus_socket';
/** The collectors that read systemd's and logind's D-Bus APIs. */
const DBUS_COLLECTORS: Array<string | undefined> = [NodeExporterCollector.SYSTEMD.name, NodeExporterCollector.LOGIND.name];

/** kube-prometheus's list plus node exporter's defaults (/run/credentials, containers storage) and the runtimes' per-pod shm mounts. */
const DEFAULT_MOUNT_POINTS_EXCLUDE = '^/(dev|proc|sys|run/credentials/.+|run/containerd/.+|run/containers/storage/.+|run/k3s/containerd/.+'
  + '|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/pods/.+)($|/)';
/** node exporter's own default. */
const DEFAULT_FS_TYPES_EXCLUDE = '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|erofs|fusectl|hugetlbfs|iso9660'
  + '|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';
/** kube-prometheus's list plus the per-pod interfaces of Calico, Cilium, the AWS VPC CNI and GKE. */
const DEFAULT_NET_DEVICES_EXCLUDE = '^(veth.*|cali.*|lxc.*|eni.*|gke.*|[a-f0-9]{15})$';

const COLLECTOR_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Prometheus node exporter on every node: a DaemonSet, a headless Service for scraping and,
 * when asked for, a NetworkPolicy that admits only the scraper.
 *
 * Host access it needs, and why:
 * - **host network** (`hostNetwork`): the network collectors (netdev, netstat, sockstat, ...)
 *   read the network namespace of the exporter's own process (`/proc/net` is `/proc/self/net`,
 *   netlink answers for the caller's namespace), and Prometheus scrapes the node's address.
 * - **no host PID namespace**: the host's `/proc` is mounted and `--path.procfs` points at it;
 *   that procfs belongs to the host's PID namespace, so its `1/mountinfo` (the filesystem
 *   collector's mount list) is the host's, whatever namespace the exporter runs in. The
 *   upstream README's `--pid=host` is for its Docker example, which reads the container's own
 *   `/proc` (see docs/presets/node-exporter.md; the integration test runs the real binary in
 *   a child PID namespace). Set `hostPid: true` if your own collectors need it.
 * - **`/proc`, `/sys` and `/` read-only** at /host/proc, /host/sys and /host/root, with the
 *   matching `--path.procfs`, `--path.sysfs`, `--path.rootfs` (and `--path.udev.data`) flags;
 *   `/` with HostToContainer propagation so that filesystems mounted after the pod started are
 *   seen. Nothing is writable.
 * - **the D-Bus system socket** read-only, only with the systemd or logind collector.
 *
 * Everything else is the core's locked-down default: non-root (65534), no capabilities
 * (kube-prometheus adds SYS_TIME for the timex collector on old runtimes; reading the clock state
 * needs no capability on current ones: add it with `addCapabilities` and `runAsUser: 0` if timex
 * metrics are missing, as added capabilities reach only a root user),
 * no privilege escalation, read-only root filesystem, RuntimeDefault seccomp, no service-account
 * token, and every taint tolerated (a node without node exporter is a node without metrics).
 *
 * Compared with the anchors:
 * - It listens on the node's primary address (`status.hostIP`), like the prometheus-node-exporter
 *   chart's non-default mode, instead of every interface.
 * - No kube-rbac-proxy (kube-prometheus puts one in front, listening with TLS and checking each
 *   scrape's token with a TokenReview and a SubjectAccessReview): it needs a second image, an
 *   API token and a ClusterRole in a host-network pod, and TLS certificates managed for every
 *   scraper; metrics stay plain HTTP here, reachable from the cluster network only on the
 *   node's primary address. Add it as a sidecar (`sidecars`, `rbacRules`) if your scrapes must be
 *   authenticated.
 * - No priority class, like the chart (kube-prometheus uses system-cluster-critical): the node
 *   does not need the exporter to run, and the system-* classes are quota-limited outside
 *   kube-system on some platforms (GKE). Set `priorityClassName` on busy clusters so that the
 *   exporter is not left out of a full node.
 * - Small requests (50m CPU, 64Mi) and kube-prometheus's 180Mi memory limit; no CPU limit, so a
 *   scrape is never throttled.
 * - No NetworkPolicy by default (kube-prometheus ships one): see `networkPolicy`.
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
 * | `hostNetwork` | `true` | the network collectors read the network namespace the exporter runs in |
 * | `dnsPolicy` | `DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET` | cluster DNS on the host network |
 * | `hostPid` | `false` | as the core: the mounted host /proc is read whatever the PID namespace |
 * | `component` | `"metrics"` |  |
 * | `resources` | requests 50m CPU and 64Mi memory, memory limit 180Mi, no CPU limit |  |
 * | `args` | the path flags (/host/proc, /host/sys, /host/root, /host/root/run/udev/data), `--web.listen-address`, the exclude patterns and the collector flags |  |
 * | `env` | NODE_NAME, and HOST_IP (status.hostIP) when listening on the node's address only |  |
 * | `ports` | "metrics" on `port` (9100) |  |
 * | `hostMounts` | /proc, /sys and / read-only at /host/proc, /host/sys and /host/root (/ with HostToContainer), and /var/run/dbus/system_bus_socket read-only with the systemd or logind collector |  |
 * | `readiness` | HTTP GET / on the metrics port, timeout 5 s |  |
 * | `liveness` | HTTP GET / on the metrics port, timeout 5 s |  |
 * | `imagePlatforms` | with the default image: linux/amd64, linux/arm64, linux/arm/v7, linux/ppc64le, linux/riscv64, linux/s390x (node exporter's release architectures). Not declared when a container runs an image of your own. |  |
 *
 * @example
 * new NodeExporter(chart, 'node-exporter', { namespace: 'monitoring' });
 */
export class NodeExporter extends Construct {
  /** The image used unless `image` is given. */
  public static readonly DEFAULT_IMAGE = 'quay.io/prometheus/node-exporter:v1.12.1';

  /** The DaemonSet (and its ServiceAccount). */
  public readonly daemonSet: DaemonSet;
  /** The headless Service for scraping, unless `createService` is false. */
  public readonly service?: k8s.KubeService;
  /** The NetworkPolicy, when `networkPolicy` is given. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The image chosen. */
  public readonly image: string;
  /** The metrics port. */
  public readonly port: number;
  /** The container's arguments: the preset's (or `args` when given), then `extraArgs`. */
  public readonly args: string[];
  /** The collectors turned on beyond node exporter's defaults. */
  public readonly enabledCollectors: NodeExporterCollector[];
  /** The collectors turned off. */
  public readonly disabledCollectors: NodeExporterCollector[];

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id);
    props = checkConstructProps('NodeExporterProps', this, props);
    const {
      image, port, listenOnAllInterfaces, enableCollectors, disableCollectors, mountPointsExclude, fsTypesExclude,
      netDevicesExclude, createService, networkPolicy, ...options
    } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? NodeExporter.DEFAULT_IMAGE;
    // The props that only make arguments: `args` replaces the preset's arguments whole, so they
    // would be ignored (docs/merge-rule.md: derived or rejected, never ignored).
    if (options.args !== undefined) {
      const argMakers = { port, listenOnAllInterfaces, enableCollectors, disableCollectors, mountPointsExclude, fsTypesExclude, netDevicesExclude };
      for (const [prop, value] of Object.entries(argMakers)) {
        if (value !== undefined) {
          problems.add(prop, value, 'only makes node exporter arguments, which `args` replaces whole; put the flag into `args` (the port, collectors and mounts follow from them), or add flags with `extraArgs` instead of `args`');
        }
      }
    }
    const givenPort = port ?? 9100;
    problems.check('port', givenPort, rules.portNumber(givenPort));
    checkCollectors(enableCollectors ?? [], disableCollectors ?? [], problems);
    const hostNetwork = options.hostNetwork ?? true;
    if (listenOnAllInterfaces === false && !hostNetwork) {
      problems.add('listenOnAllInterfaces', false, 'without the host network the node\'s address is not in the pod\'s network namespace, so node exporter cannot listen on it; remove listenOnAllInterfaces or set hostNetwork: true');
    }
    // The node's address exists only in the host's network namespace.
    const allInterfaces = listenOnAllInterfaces ?? !hostNetwork;
    const listenAddress = allInterfaces ? `:${givenPort}` : `[$(HOST_IP)]:${givenPort}`;
    const presetArgs = [
      `--path.procfs=${HOST_PROC}`,
      `--path.sysfs=${HOST_SYS}`,
      `--path.rootfs=${HOST_ROOT}`,
      `--path.udev.data=${HOST_ROOT}/run/udev/data`,
      `--web.listen-address=${listenAddress}`,
      `--collector.filesystem.mount-points-exclude=${checkPattern('mountPointsExclude', mountPointsExclude, problems) ?? DEFAULT_MOUNT_POINTS_EXCLUDE}`,
      `--collector.filesystem.fs-types-exclude=${checkPattern('fsTypesExclude', fsTypesExclude, problems) ?? DEFAULT_FS_TYPES_EXCLUDE}`,
      `--collector.netclass.ignored-devices=${checkPattern('netDevicesExclude', netDevicesExclude, problems) ?? DEFAULT_NET_DEVICES_EXCLUDE}`,
      `--collector.netdev.device-exclude=${netDevicesExclude ?? DEFAULT_NET_DEVICES_EXCLUDE}`,
      ...(enableCollectors ?? []).map((c) => c.enableFlag),
      ...(disableCollectors ?? []).map((c) => c.disableFlag),
    ];

    // What node exporter will do is what its arguments say: the port, the collectors and the
    // D-Bus mount follow from the final arguments (the preset's or `args`, then `extraArgs`).
    const userArgs = options.args ?? [];
    this.args = [...(options.args ?? presetArgs), ...(options.extraArgs ?? [])];
    const flags = parseFlags(this.args, options.args === undefined ? presetArgs.length : userArgs.length, options.args === undefined, problems);
    this.port = flags.port ?? 9100;
    this.enabledCollectors = flags.enabled.map((n) => NodeExporterCollector.custom(n));
    this.disabledCollectors = flags.disabled.map((n) => NodeExporterCollector.custom(n));

    const name = options.name ?? DaemonSet.defaultName(this);
    const serviceWanted = createService ?? true;
    if (serviceWanted) {
      const problem = rules.dns1035Label(name);
      if (problem !== undefined) {
        problems.add('name', name, `the Service is named after the agent (from \`name\`, else the construct id): ${problem}; set name, or createService: false`);
      }
    }
    const scraperPodLabels = networkPolicy?.scraperPodLabels ?? { 'app.kubernetes.io/name': 'prometheus' };
    if (networkPolicy !== undefined) {
      checkLabels('networkPolicy.scraperPodLabels', scraperPodLabels, problems);
      if (networkPolicy.scraperNamespaceLabels !== undefined) {
        checkLabels('networkPolicy.scraperNamespaceLabels', networkPolicy.scraperNamespaceLabels, problems);
      }
    }

    // The host is read through three read-only mounts (always there: `hostMounts` you give are
    // added to them), and the path flags point at them. "/" propagates host mounts made later
    // (HostToContainer).
    const hostMounts = [
      HostMount.readOnly('/proc', { mountPath: HOST_PROC }),
      HostMount.readOnly('/sys', { mountPath: HOST_SYS }),
      HostMount.readOnly('/', { mountPath: HOST_ROOT, propagation: MountPropagation.HOST_TO_CONTAINER }),
      // The systemd and logind collectors connect to the system bus at its well-known address
      // (godbus' default), as the exporter's user: the socket is world-writable, and reading
      // units and sessions is allowed to every user by their D-Bus policies.
      ...(this.enabledCollectors.some((c) => DBUS_COLLECTORS.includes(c.name))
        ? [HostMount.readOnly(DBUS_SYSTEM_SOCKET, { mountPath: DBUS_SYSTEM_SOCKET, type: HostPathVolumeType.SOCKET })]
        : []),
    ];
    const probe = () => Probe.fromHttpGet('/', { port: this.port, timeoutSeconds: Duration.seconds(5) });
    const defaults: DaemonSetProps = {
      name,
      image: this.image,
      component: 'metrics',
      args: presetArgs,
      env: flags.hostIp ? { HOST_IP: EnvValue.fromFieldRef(EnvFieldPaths.NODE_IP) } : {},
      ports: [{ containerPort: this.port, name: 'metrics' }],
      hostMounts,
      // Relaxed from the core's default: the host network (see the class doc).
      hostNetwork: true,
      resources: {
        cpu: { request: Cpu.millis(50) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(180) },
      },
      readiness: probe(),
      liveness: probe(),
      // Declared only while every image in the pod is one whose platforms were verified.
      imagePlatforms: imagePlatformsOf([this.image], options),
    };
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
    const ds = this.daemonSet;

    if (serviceWanted) {
      this.service = new k8s.KubeService(this, 'Service', {
        metadata: {
          name: ds.name,
          namespace: ds.namespace,
          labels: ds.labels,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(this.port) },
        },
        spec: {
          clusterIp: 'None',
          selector: ds.selectorLabels,
          ports: [{ name: 'metrics', port: this.port, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
        },
      });
    }

    if (networkPolicy !== undefined) {
      const from: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { ...scraperPodLabels } } };
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: ds.name, namespace: ds.namespace, labels: ds.labels },
        spec: {
          podSelector: { matchLabels: ds.selectorLabels },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [networkPolicy.scraperNamespaceLabels === undefined
              ? from
              : { ...from, namespaceSelector: { matchLabels: { ...networkPolicy.scraperNamespaceLabels } } }],
            ports: [{ port: k8s.IntOrString.fromNumber(this.port), protocol: 'TCP' }],
          }],
        },
      });
    }
  }
}

/** What node exporter's final arguments say. */
interface NodeExporterFlags {
  /** The port of `--web.listen-address` (undefined: node exporter's default, 9100). */
  readonly port?: number;
  /** Whether the listen address is the node's (`$(HOST_IP)`), which needs the HOST_IP variable. */
  readonly hostIp: boolean;
  readonly enabled: string[];
  readonly disabled: string[];
}

/**
 * Reads node exporter's final arguments as kingpin, its flag parser, does: a flag may be given
 * once (kingpin refuses a repeated flag, and the exporter exits), `--collector.<name>` and
 * `--no-collector.<name>` turn a collector on or off, `--web.listen-address` is the address.
 * `own` is how many of the arguments came from the preset or `args`; the rest are `extraArgs`.
 */
function parseFlags(args: string[], own: number, presetOwned: boolean, problems: ValidationProblems): NodeExporterFlags {
  const seen = new Map<string, string>();
  let port: number | undefined;
  let hostIp = false;
  const enabled: string[] = [];
  const disabled: string[] = [];
  args.forEach((arg, i) => {
    const prop = i < own ? `args[${i}]` : `extraArgs[${i - own}]`;
    // The preset's own arguments come from props it checked itself.
    const checked = presetOwned && i < own;
    if (typeof arg !== 'string' || !arg.startsWith('--')) {
      problems.add(prop, arg, 'expected a flag such as "--collector.textfile.directory=/host/root/var/lib/node-exporter" (node exporter takes no positional arguments)');
      return;
    }
    const flag = arg.split('=')[0];
    const collector = /^--(no-)?collector\.([a-z][a-z0-9_]*)$/.exec(flag);
    // A collector's on and off flags are one kingpin flag: both count as a repeat.
    const key = collector ? `collector.${collector[2]}` : flag;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add(prop, arg, presetOwned && first.startsWith('args[')
        ? 'the preset already sets this flag and node exporter refuses repeated flags; use the matching prop (port, mountPointsExclude, enableCollectors, ...) or give `args` whole'
        : `${first} already sets this flag and node exporter refuses repeated flags; give it once`);
      return;
    }
    seen.set(key, prop);
    if (collector) {
      (collector[1] ? disabled : enabled).push(collector[2]);
    } else if (flag === '--web.listen-address') {
      const address = arg.slice(flag.length + 1);
      const match = /:(\d+)$/.exec(address);
      const listened = match ? Number(match[1]) : NaN;
      if (rules.portNumber(listened) !== undefined && !checked) {
        problems.add(prop, arg, 'expected an address with a port, e.g. "--web.listen-address=:9100" (the probes, the container port and the Service use that port)');
      } else if (rules.portNumber(listened) === undefined) {
        port = listened;
        hostIp = address.includes('$(HOST_IP)');
      }
    }
  });
  return { port, hostIp, enabled, disabled };
}

function checkCollectors(enable: NodeExporterCollector[], disable: NodeExporterCollector[], problems: ValidationProblems): void {
  const seen = new Map<string, string>();
  for (const [prop, list] of [['enableCollectors', enable], ['disableCollectors', disable]] as const) {
    list.forEach((c, i) => {
      const name = c?.name;
      if (typeof name !== 'string' || !COLLECTOR_NAME.test(name)) {
        problems.add(`${prop}[${i}]`, name, 'expected a collector name: lowercase letters, digits and "_", starting with a letter (e.g. "systemd")');
        return;
      }
      const other = seen.get(name);
      if (other !== undefined) {
        problems.add(`${prop}[${i}]`, name, other === prop
          ? 'each collector may appear only once'
          : `already in ${other}; a collector is either turned on or off`);
      }
      seen.set(name, prop);
    });
  }
}

function checkPattern(prop: string, value: string | undefined, problems: ValidationProblems): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0 || /\s/.test(value))) {
    problems.add(prop, value, 'expected a non-empty RE2 regular expression without whitespace');
  } else if (value !== undefined) {
    problems.check(prop, value, re2Problem(value));
  }
  return value;
}

/**
 * Why node exporter (Go's regexp, RE2 syntax) would refuse the pattern at start and exit, as far as
 * a JavaScript engine can tell: what RE2 lacks (lookaround, backreferences; Go regexp/syntax
 * doc), then the pattern compiled with RE2's own forms translated (`(?P<name>`, a leading flag
 * group such as `(?i)`), which catches unbalanced groups and misplaced quantifiers.
 */
function re2Problem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) {
    return 'expected an RE2 regular expression: lookahead and lookbehind ((?=, (?!, (?<=, (?<!) do not exist in RE2, and node exporter exits';
  }
  if (/\\[1-9]|\\k</.test(pattern)) {
    return 'expected an RE2 regular expression: backreferences (\\1, \\k<name>) do not exist in RE2, and node exporter exits';
  }
  try {
    new RegExp(pattern.replace(/^\(\?[imsU]+\)/, '').replace(/\(\?P</g, '(?<'));
  } catch (e) {
    return `expected a valid RE2 regular expression (node exporter exits on this one): ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  return undefined;
}

function checkLabels(prop: string, labels: { [key: string]: string }, problems: ValidationProblems): void {
  if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
    problems.add(prop, labels, 'expected at least one label: an empty selector matches every pod (or namespace)');
    return;
  }
  checkKeyValueMap(labels, prop, problems, 'labels');
}
