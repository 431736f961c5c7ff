import { Chart, Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvFieldPaths, EnvValue, Handler, HostPathVolumeType, MountPropagation, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentContainer } from '../agent-container';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { IntOrPercent } from '../int-or-percent';
import { NodeAffinityTerm, NodeRequirement } from '../node-affinity';
import { imagePlatformsOf } from '../private/image-platforms';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';

/** The AWS EBS CSI driver, from the registry its project documents (the version of the anchor). */
const DEFAULT_IMAGE = 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0';
const DEFAULT_DRIVER_NAME = 'ebs.csi.aws.com';
/**
 * Nodes the EBS node plugin cannot serve, as upstream excludes them (aws-ebs-csi-driver
 * deploy/kubernetes/base/node.yaml, `nodeAffinity`): EKS Auto Mode and hybrid nodes (no EC2
 * instance metadata; Auto Mode brings its own EBS driver) and A1 instances (the first Graviton
 * generation, which the driver does not support). Fargate is excluded by the core already.
 */
const EBS_UNSUPPORTED_NODES = NodeAffinityTerm.allOf(
  NodeRequirement.notIn('eks.amazonaws.com/compute-type', ['auto', 'hybrid']),
  NodeRequirement.notIn('node.kubernetes.io/instance-type', ['a1.medium', 'a1.large', 'a1.xlarge', 'a1.2xlarge', 'a1.4xlarge']),
);
const DEFAULT_REGISTRAR_IMAGE = 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0';
const DEFAULT_LIVENESS_PROBE_IMAGE = 'registry.k8s.io/sig-storage/livenessprobe:v2.16.0';

/** Where every container of the pod sees the plugin's socket directory. */
const CSI_DIR = '/csi';
const CSI_SOCKET = `${CSI_DIR}/csi.sock`;

/** The CSI sidecars are small Go programs that only relay calls over a local socket. */
const SIDECAR_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(10) },
  memory: { request: Size.mebibytes(20), limit: Size.mebibytes(64) },
};

/**
 * Props of a `StorageDaemon`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/storage-daemon.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface StorageDaemonProps extends DaemonSetOptions {
  /**
   * The CSI plugin's image, pinned. The default `args` and `driverName` are the EBS driver's:
   * set them too when you bring another driver.
   *
   * @default "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0"
   */
  readonly image?: string;

  /**
   * The CSI driver's name, as the plugin reports it (GetPluginInfo) and as its CSIDriver object
   * is named. The socket directory and the registration path derive from it.
   *
   * @default "ebs.csi.aws.com"
   */
  readonly driverName?: string;

  /**
   * The kubelet's root directory on the node (`--root-dir`).
   *
   * @default "/var/lib/kubelet"
   */
  readonly kubeletDir?: string;

  /**
   * The node-driver-registrar sidecar's image, pinned.
   *
   * @default "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0"
   */
  readonly nodeDriverRegistrarImage?: string;

  /**
   * The livenessprobe sidecar's image, pinned.
   *
   * @default "registry.k8s.io/sig-storage/livenessprobe:v2.16.0"
   */
  readonly livenessProbeImage?: string;

  /**
   * The port the livenessprobe sidecar serves `/healthz` on. The plugin container declares it
   * and its liveness probe requests it (the containers share the pod's network).
   *
   * @default 9808
   */
  readonly healthPort?: number;

  /**
   * The port the node-driver-registrar serves `/healthz` on (`--http-endpoint`), which its
   * liveness probe requests: it fails while the registration socket is missing or does not
   * answer. Change it when two plugins on the host network would share it.
   *
   * @default 9809 (the CSI sidecars' convention)
   */
  readonly registrarHealthPort?: number;

  /**
   * The port the EBS plugin serves Prometheus metrics on, declared on the plugin container as
   * `metrics`; the default args turn the endpoint on (`--http-endpoint=0.0.0.0:<port>`, as the
   * EBS chart's `node.enableMetrics`). When you give your own `args` (another driver), no metrics
   * port is declared unless you set it, and your args must start the driver's metrics server.
   *
   * @default - 3302 (the EBS chart's) with the preset's args; none with your own `args`
   */
  readonly metricsPort?: number;
}

/**
 * A CSI node plugin on every node: the driver's plugin container, the node-driver-registrar
 * sidecar that registers it with the kubelet, and the livenessprobe sidecar that turns the
 * CSI Probe call into an HTTP health endpoint. Compared with the AWS EBS CSI node plugin:
 *
 * - **The plugin container is privileged**, because CSI mounting requires it: it mounts volumes
 *   into the kubelet's directory with Bidirectional propagation (which Kubernetes allows only in
 *   privileged containers) so that the mounts reach the node and the pods, it formats and
 *   resizes block devices that appear in /dev at attach time (no device list can be declared in
 *   advance), and it runs mount(8) and mkfs. It runs as root with a read-only root filesystem
 *   (as in EBS).
 * - **Host mounts of the plugin**: the kubelet directory (`kubeletDir`, type Directory,
 *   Bidirectional, read-write), its socket directory `<kubeletDir>/plugins/<driverName>` at
 *   /csi (DirectoryOrCreate) and `/dev` (Directory), as in EBS.
 * - **The sidecars are unprivileged**: drop ALL, no privilege escalation, read-only root
 *   filesystem, RuntimeDefault seccomp. They run as root because the plugin's socket and the
 *   kubelet's registration directory belong to root. They mount only the socket directory,
 *   read-only (connecting to a socket needs no write access to the mount); the registrar also
 *   gets the registration directory `<kubeletDir>/plugins_registry` (Directory) read-write to
 *   create its registration socket.
 * - **Health**: the livenessprobe sidecar serves `/healthz` on `healthPort` (9808); the port is
 *   declared on the plugin container, whose liveness probe requests it (EBS's thresholds). The
 *   registrar serves its own `/healthz` on `registrarHealthPort` (9809), which fails while its
 *   registration socket is missing or does not answer, and its liveness probe requests it: the
 *   exec probe EBS uses (`--mode=kubelet-registration-probe`) exits 0 since node-driver-registrar
 *   v2.9.0 and so can never fail.
 * - **Metrics**: the EBS plugin's metrics server on port 3302, named `metrics`
 *   (`--http-endpoint`, the EBS chart's `node.enableMetrics`).
 * - **Pre-stop hook** (EBS): `aws-ebs-csi-driver pre-stop-hook` waits, on a node being drained,
 *   until the node's VolumeAttachments are gone, so that volumes are unmounted before the plugin
 *   stops (bounded by the 30 s grace period). Only with the preset's (EBS's) args.
 * - **Every taint tolerated, `system-node-critical`** (EBS), **rolling update with at most 10%
 *   of the nodes unavailable and no surge** (EBS): volumes on a node cannot be mounted or
 *   unmounted while its plugin is down, so the rollout is bounded by share, not one node at a
 *   time, which would take hours on large clusters.
 * - **Pod network** (EBS): the plugin talks to the kubelet over the socket, not the network.
 * - **Least RBAC**: get, list and watch on nodes: get to read its node's topology when instance
 *   metadata is unavailable (and for the pre-stop hook's drain check), list and watch for the
 *   nodes informer of the not-ready taint watcher that the plugin starts at every start; list
 *   and watch on volumeattachments for the pre-stop hook (EBS's args only). EBS's chart also
 *   grants nodes patch and csinodes get, to remove the `ebs.csi.aws.com/agent-not-ready` taint
 *   if you taint nodes with it: add them with `rbacRules` if you use it.
 * - **Namespace kube-system** unless the chart has one: some clusters admit critical-priority
 *   pods only there.
 *
 * Props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's (the plugin's three
 * host mounts, its health and metrics ports, the two sidecars); `env`, `labels`,
 * `annotations` and `podAnnotations` are merged (your keys win, e.g. over CSI_ENDPOINT and
 * CSI_NODE_NAME); any other prop replaces the preset's value.
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
 * | `namespace` | `"kube-system"` | unless the chart has a namespace |
 * | `priorityClassName` | `"system-node-critical"` | pods cannot mount their volumes without it |
 * | `updateStrategy` | RollingUpdate, maxUnavailable 10%, maxSurge 0 |  |
 * | `component` | `"storage"` |  |
 * | `requiredNodeAffinity` | with EBS's driver and args: not EKS Auto Mode or hybrid nodes (`eks.amazonaws.com/compute-type`), not A1 instances (`node.kubernetes.io/instance-type`) | upstream's node.yaml excludes them: no instance metadata there (the plugin crash-loops), A1 is unsupported |
 * | `privileged` | `true` | CSI mounting requires it (Bidirectional mounts); it also makes the plugin container root |
 * | `args` | EBS's node args: node, --endpoint, --csi-mount-point-prefix, --http-endpoint with `metricsPort`, --v=2 |  |
 * | `env` | NODE_NAME, CSI_ENDPOINT and CSI_NODE_NAME |  |
 * | `resources` | requests 10m CPU and 40Mi memory, memory limit 256Mi (mkfs and fsck run in the plugin's cgroup) |  |
 * | `rbacRules` | nodes get, list and watch; volumeattachments list and watch (EBS's args only) |  |
 * | `lifecycle` | EBS's pre-stop hook (EBS's args only) |  |
 * | `ports` | "healthz" (9808), and "metrics" (`metricsPort`: 3302 with EBS's image) |  |
 * | `sidecars` | node-driver-registrar and liveness-probe (unprivileged) |  |
 * | `hostMounts` | the kubelet directory (Bidirectional), the plugin's socket directory, /dev |  |
 * | `liveness` | HTTP GET /healthz on the health port after 10 s, every 10 s, timeout 3 s, 5 failures |  |
 * | `imagePlatforms` | with the default images: linux/amd64, linux/arm64 (the Linux platforms the EBS driver and both sidecars share). Not declared when a container runs an image of your own (`image`, `nodeDriverRegistrarImage`, `livenessProbeImage` or a container you add). |  |
 */
export class StorageDaemon extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The CSI plugin's image. */
  public readonly image: string;
  /** The CSI driver's name. */
  public readonly driverName: string;
  /** The kubelet's root directory on the node. */
  public readonly kubeletDir: string;
  /** The plugin's socket directory on the node: `<kubeletDir>/plugins/<driverName>`. */
  public readonly socketDir: string;
  /** The plugin's socket on the node, as the registrar reports it to the kubelet. */
  public readonly registrationPath: string;
  /** The node-driver-registrar sidecar's image. */
  public readonly nodeDriverRegistrarImage: string;
  /** The livenessprobe sidecar's image. */
  public readonly livenessProbeImage: string;
  /** The port of the health endpoint. */
  public readonly healthPort: number;
  /** The port of the registrar's health endpoint. */
  public readonly registrarHealthPort: number;
  /** The port of the plugin's metrics endpoint, if it has one. */
  public readonly metricsPort?: number;

  constructor(scope: Construct, id: string, props: StorageDaemonProps = {}) {
    super(scope, id);
    props = checkConstructProps('StorageDaemonProps', this, props);
    const {
      image, driverName, kubeletDir, nodeDriverRegistrarImage, livenessProbeImage, healthPort, registrarHealthPort,
      metricsPort, ...options
    } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    this.driverName = driverName ?? DEFAULT_DRIVER_NAME;
    // CSI spec: at most 63 characters; the kubelet also uses it as a path segment.
    const nameProblem = rules.dns1123Subdomain(this.driverName);
    if (nameProblem !== undefined || this.driverName.length > 63) {
      problems.add('driverName', this.driverName, 'expected a CSI driver name: at most 63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (e.g. "ebs.csi.aws.com")');
    }
    this.kubeletDir = (kubeletDir ?? '/var/lib/kubelet').replace(/(.)\/+$/, '$1');
    if (rules.absoluteHostPath(this.kubeletDir) !== undefined || this.kubeletDir === '/') {
      problems.add('kubeletDir', kubeletDir, 'expected an absolute path other than "/" and without ".." segments, e.g. "/var/lib/kubelet"');
    }
    this.socketDir = `${this.kubeletDir}/plugins/${this.driverName}`;
    this.registrationPath = `${this.socketDir}/csi.sock`;
    this.nodeDriverRegistrarImage = nodeDriverRegistrarImage ?? DEFAULT_REGISTRAR_IMAGE;
    this.livenessProbeImage = livenessProbeImage ?? DEFAULT_LIVENESS_PROBE_IMAGE;
    this.healthPort = healthPort ?? 9808;
    problems.check('healthPort', this.healthPort, rules.portNumber(this.healthPort));
    this.registrarHealthPort = registrarHealthPort ?? 9809;
    problems.check('registrarHealthPort', this.registrarHealthPort, rules.portNumber(this.registrarHealthPort));
    if (this.registrarHealthPort === this.healthPort) {
      problems.add('registrarHealthPort', this.registrarHealthPort, `must differ from healthPort (${this.healthPort}): the sidecars share the pod's network`);
    }
    // The preset's args are EBS's: the metrics server and the pre-stop hook are EBS's too; with
    // the user's args (another driver), metrics only if asked and no hook.
    const ebs = options.args === undefined;
    this.metricsPort = metricsPort ?? (ebs ? 3302 : undefined);
    if (this.metricsPort !== undefined) {
      problems.check('metricsPort', this.metricsPort, rules.portNumber(this.metricsPort));
      if (this.metricsPort === this.healthPort || this.metricsPort === this.registrarHealthPort) {
        problems.add('metricsPort', this.metricsPort, 'must differ from healthPort and registrarHealthPort: the containers share the pod\'s network');
      }
    }

    const defaults: DaemonSetProps = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name: DaemonSet.defaultName(this),
      // kube-system unless the chart has a namespace (see the class doc).
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'storage',
      // EBS's own exclusions, with EBS's driver only (see EBS_UNSUPPORTED_NODES).
      requiredNodeAffinity: ebs && this.driverName === DEFAULT_DRIVER_NAME ? [EBS_UNSUPPORTED_NODES] : undefined,
      image: this.image,
      priorityClassName: 'system-node-critical',
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }),
      args: [
        'node',
        '--endpoint=$(CSI_ENDPOINT)',
        `--csi-mount-point-prefix=${this.kubeletDir}/plugins/kubernetes.io/csi/${this.driverName}/`,
        // The node plugin's metrics (EBS's chart: node.enableMetrics).
        ...(this.metricsPort !== undefined ? [`--http-endpoint=0.0.0.0:${this.metricsPort}`] : []),
        '--v=2',
      ],
      env: {
        CSI_ENDPOINT: EnvValue.fromValue(`unix:${CSI_SOCKET}`),
        CSI_NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
      },
      ports: [
        { containerPort: this.healthPort, name: 'healthz' },
        ...(this.metricsPort !== undefined ? [{ containerPort: this.metricsPort, name: 'metrics' }] : []),
      ],
      hostMounts: [
        // Mounts made here must reach the node and the pods: Bidirectional, privileged only.
        // Shared by design with the kubelet and every other CSI plugin; the socket directory is this driver's own.
        HostMount.readWrite(this.kubeletDir, { propagation: MountPropagation.BIDIRECTIONAL, volumeName: 'kubelet-dir', shared: true }),
        HostMount.readWrite(this.socketDir, { mountPath: CSI_DIR, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'plugin-dir' }),
        HostMount.readWrite('/dev', { volumeName: 'device-dir', shared: true }),
      ],
      sidecars: [this.registrar(), this.livenessProbe()],
      // CSI mounting requires privileged (see the class doc); it also makes the container root.
      privileged: true,
      liveness: Probe.fromHttpGet('/healthz', {
        port: this.healthPort,
        initialDelaySeconds: Duration.seconds(10),
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(3),
        failureThreshold: 5,
      }),
      // mkfs and fsck run in the plugin's cgroup: the limit leaves them room.
      resources: {
        cpu: { request: Cpu.millis(10) },
        memory: { request: Size.mebibytes(40), limit: Size.mebibytes(256) },
      },
      // EBS's pre-stop hook: on a node being drained, wait until the node's VolumeAttachments are
      // gone, so that volumes are unmounted before the plugin stops (cmd/hooks/prestop.go).
      lifecycle: ebs ? { preStop: Handler.fromCommand(['/bin/aws-ebs-csi-driver', 'pre-stop-hook']) } : undefined,
      rbacRules: [
        // get: its node's topology when instance metadata is unavailable (pkg/cloud/metadata/k8s.go),
        // and the pre-stop hook's drain check; list and watch: the not-ready taint watcher's nodes
        // informer, started at every start (pkg/driver/node.go, startNotReadyTaintWatcher).
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        // The pre-stop hook's VolumeAttachments informer and list (cmd/hooks/prestop.go).
        ...(ebs ? [{ apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['list', 'watch'] }] : []),
      ],
      // Declared only while every image in the pod is one whose platforms were verified.
      imagePlatforms: imagePlatformsOf([this.image, this.nodeDriverRegistrarImage, this.livenessProbeImage], options),
    };
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
  }

  /** The socket directory, read-only: the sidecars only connect to the plugin's socket. */
  private socketMount(): HostMount {
    return HostMount.readOnly(this.socketDir, { mountPath: CSI_DIR, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'plugin-dir' });
  }

  private registrar(): AgentContainer {
    const registrationArg = `--kubelet-registration-path=${this.registrationPath}`;
    return {
      name: 'node-driver-registrar',
      image: this.nodeDriverRegistrarImage,
      args: [`--csi-address=${CSI_SOCKET}`, registrationArg, `--http-endpoint=:${this.registrarHealthPort}`, '--v=2'],
      // Root: the plugin's socket and the registration directory belong to root.
      runAsUser: 0,
      hostMounts: [
        this.socketMount(),
        HostMount.readWrite(`${this.kubeletDir}/plugins_registry`, { mountPath: '/registration', volumeName: 'registration-dir', shared: true }),
      ],
      ports: [{ containerPort: this.registrarHealthPort, name: 'reg-healthz' }],
      // /healthz fails while the registration socket is missing or does not answer; the exec
      // probe `--mode=kubelet-registration-probe` is a no-op since v2.9.0 (exits 0).
      liveness: Probe.fromHttpGet('/healthz', {
        port: this.registrarHealthPort,
        initialDelaySeconds: Duration.seconds(30),
        periodSeconds: Duration.seconds(90),
        timeoutSeconds: Duration.seconds(15),
      }),
      resources: SIDECAR_RESOURCES,
    };
  }

  private livenessProbe(): AgentContainer {
    return {
      name: 'liveness-probe',
      image: this.livenessProbeImage,
      args: [`--csi-address=${CSI_SOCKET}`, `--http-endpoint=:${this.healthPort}`],
      // Root: the plugin's socket belongs to root.
      runAsUser: 0,
      hostMounts: [this.socketMount()],
      resources: SIDECAR_RESOURCES,
    };
  }
}
