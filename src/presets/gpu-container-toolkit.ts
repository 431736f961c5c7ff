import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, HostPathVolumeType, k8s, MountPropagation, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GpuNodes } from './gpu-nodes';
import { resolveGpuNodes, DEFAULT_RUNTIME_CLASS, gpuTaintToleration, noGpuEnv, TOOLKIT_READY_FILE, VALIDATIONS_DIR, WAIT_RESOURCES, waitScript } from './gpu-stack';
import { AgentContainer } from '../agent-container';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { clusterScoped } from '../private/cluster-scoped';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { ValidationProblems } from '../validation-problems';

/**
 * Props of a `GpuContainerToolkit`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/gpu-container-toolkit.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface GpuContainerToolkitProps extends DaemonSetOptions {
  /**
   * The toolkit installer's image, pinned.
   *
   * @default "nvcr.io/nvidia/k8s/container-toolkit:v1.17.0-ubuntu20.04"
   */
  readonly image?: string;

  /**
   * The GPU nodes, the same as the driver installer's (see `GpuNodes`). Replaced whole by
   * `requiredNodeAffinity` if that is given, so give only one of them.
   *
   * @default - GpuNodes.gpuPresent() (nvidia.com/gpu.present=true)
   */
  readonly gpuNodes?: GpuNodes;

  /**
   * Where the driver's files are on the node (`NVIDIA_DRIVER_ROOT`): "/run/nvidia/driver" for
   * NVIDIA's driver container (`GpuDriverFlavor.DRIVER_CONTAINER`), "/" for a driver
   * installed on the host. The toolkit waits until `<driverRoot>/usr/bin/nvidia-smi` exists.
   *
   * @default "/run/nvidia/driver"
   */
  readonly driverRoot?: string;

  /**
   * The host directory the toolkit is installed into (`ROOT`); the NVIDIA runtime is
   * `<installDir>/toolkit/nvidia-container-runtime`.
   *
   * @default "/usr/local/nvidia"
   */
  readonly installDir?: string;

  /**
   * containerd's configuration file on the node (`CONTAINERD_CONFIG`); its directory is mounted.
   *
   * @default "/etc/containerd/config.toml"
   */
  readonly containerdConfig?: string;

  /**
   * containerd's socket on the node (`CONTAINERD_SOCKET`): the toolkit sends containerd SIGHUP
   * through it to reload the configuration. Its directory is mounted.
   *
   * @default "/run/containerd/containerd.sock"
   */
  readonly containerdSocket?: string;

  /**
   * The containerd runtime handler the toolkit adds, and the RuntimeClass that names it
   * (`CONTAINERD_RUNTIME_CLASS`). The device plugin and DCGM exporter run with "nvidia": give
   * them `runtimeClassName` with another name.
   *
   * @default "nvidia"
   */
  readonly runtimeClass?: string;

  /**
   * Make the NVIDIA runtime containerd's default runtime on GPU nodes
   * (`CONTAINERD_SET_AS_DEFAULT`; the toolkit's own default is true), so that GPU workloads get
   * their GPUs without naming the RuntimeClass. Off by default: every other pod on the node,
   * the driver installer's included, stays on runc, and after a reboot, before the driver is
   * back, containers whose image sets NVIDIA_VISIBLE_DEVICES (every CUDA image) would fail to
   * start under a default NVIDIA runtime. GPU workloads then set `runtimeClassName: nvidia`.
   *
   * @default false
   */
  readonly setAsDefault?: boolean;

  /**
   * Create the cluster-scoped RuntimeClass `runtimeClass` (handler `runtimeClass`). Turn it off
   * when the cluster has it already (the GPU Operator's, or a second toolkit of the app).
   *
   * @default true
   */
  readonly createRuntimeClass?: boolean;

  /**
   * Wait, in an init container, until the driver is on the node (`<driverRoot>/usr/bin/nvidia-smi`).
   *
   * @default true
   */
  readonly waitForDriver?: boolean;
}

const DEFAULT_IMAGE = 'nvcr.io/nvidia/k8s/container-toolkit:v1.17.0-ubuntu20.04';
/** Where the containerd directories appear in the container (the GPU Operator's paths). */
const CONFIG_TARGET_DIR = '/runtime/config-dir';
const SOCKET_TARGET_DIR = '/runtime/sock-dir';
const DRIVER_ROOT_CTR_PATH = '/driver-root';
const TOOLKIT_STATE_DIR = '/run/nvidia/toolkit';

/**
 * NVIDIA's container toolkit on GPU nodes: installs `nvidia-container-runtime` and its hook into
 * a host directory, adds the `nvidia` runtime to containerd's configuration and makes
 * containerd reload it, so that containers get the node's GPUs and driver libraries. On
 * shutdown it takes the runtime out of the configuration again. Also creates the RuntimeClass
 * `nvidia`.
 *
 * Laid out as the GPU Operator renders it with containerd (gpu-operator v24.9.0
 * `assets/state-container-toolkit/0500_daemonset.yaml` and `transformForRuntime` in
 * `controllers/object_controls.go`): container `nvidia-container-toolkit-ctr`, `ROOT`,
 * `RUNTIME=containerd`, `CONTAINERD_CONFIG` and `CONTAINERD_SOCKET` at `/runtime/config-dir` and
 * `/runtime/sock-dir`, `CONTAINERD_RUNTIME_CLASS`, `NVIDIA_VISIBLE_DEVICES=void`,
 * `TOOLKIT_PID_FILE`, the host's `/` read-only at /host, the driver root at /driver-root,
 * privileged with hostPID, `system-node-critical`, tolerating `nvidia.com/gpu`.
 *
 * **Privileged, as upstream**: it rewrites root-owned host files (containerd's configuration,
 * the install directory) and sends the host's containerd SIGHUP (its PID from the socket's peer
 * credentials, hostPID so that the PID is the host's), which the runtime's default AppArmor
 * profile refuses towards an unconfined host process; on SELinux nodes only a privileged
 * container (spc_t) may write containerd's configuration. From the source (v1.17.0, CDI off)
 * root without capabilities, hostPID and AppArmor unconfined look sufficient, but that was not
 * tried on a GPU node, so the preset keeps upstream's privileged.
 *
 * Order on the node: an init container waits for the driver (`waitForDriver`), and a
 * `toolkit-ready` sidecar writes `/run/nvidia/validations/toolkit-ready` once the runtime is
 * installed and configured, removing it when the pod stops; the device plugin and DCGM exporter
 * wait for that file (see docs/presets/gpu-stack.md).
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
 * | `component` | `"gpu-container-toolkit"` |  |
 * | `containerName` | "nvidia-container-toolkit-ctr" | the GPU Operator's |
 * | `priorityClassName` | `"system-node-critical"` | the GPU Operator's: no GPU container starts without it |
 * | `tolerations` | `nvidia.com/gpu` (NoSchedule) | the GPU Operator's |
 * | `requiredNodeAffinity` | the GPU nodes, from `gpuNodes` |  |
 * | `hostPid` | `true` | the GPU Operator's: the toolkit signals the host's containerd |
 * | `privileged` | `true` | the GPU Operator's: writes containerd's configuration and signals containerd, which AppArmor and SELinux refuse an unprivileged container |
 * | `readOnlyRootFilesystem` | `false` | the installer writes its own configuration before copying it |
 * | `command` | `["/bin/bash", "-c", "sleep 5 && exec nvidia-toolkit"]` | the GPU Operator's entrypoint, less its wait for the driver |
 * | `env` | ROOT, RUNTIME, RUNTIME_ARGS, CONTAINERD_CONFIG, CONTAINERD_SOCKET, CONTAINERD_RUNTIME_CLASS, CONTAINERD_SET_AS_DEFAULT, NVIDIA_DRIVER_ROOT, DRIVER_ROOT_CTR_PATH, NVIDIA_CONTAINER_RUNTIME_MODES_CDI_DEFAULT_KIND, NVIDIA_VISIBLE_DEVICES=void, TOOLKIT_PID_FILE |  |
 * | `hostMounts` | containerd's configuration directory, its socket directory, the install directory, /run/nvidia/toolkit, the driver root (HostToContainer) and / (read-only, HostToContainer) |  |
 * | `initContainers` | wait-for-driver (unless `waitForDriver: false`) |  |
 * | `sidecars` | toolkit-ready (writes the readiness file) |  |
 * | `resources` | requests 50m CPU and 64Mi memory, memory limit 256Mi | the installer copies binaries and runs nvidia-ctk |
 */
export class GpuContainerToolkit extends Construct {
  /** The default image. */
  public static readonly DEFAULT_IMAGE = DEFAULT_IMAGE;

  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The toolkit's image. */
  public readonly image: string;
  /** The nodes selected. */
  public readonly gpuNodes: GpuNodes;
  /** The driver root on the node. */
  public readonly driverRoot: string;
  /** The host install directory. */
  public readonly installDir: string;
  /** containerd's configuration file on the node. */
  public readonly containerdConfig: string;
  /** containerd's socket on the node. */
  public readonly containerdSocket: string;
  /** The runtime handler and RuntimeClass name. */
  public readonly runtimeClass: string;
  /** Whether the NVIDIA runtime becomes containerd's default. */
  public readonly setAsDefault: boolean;
  /** Whether the RuntimeClass is created. */
  public readonly createRuntimeClass: boolean;
  /** Whether the toolkit waits for the driver. */
  public readonly waitForDriver: boolean;
  /** The file on the node that says the toolkit is set up. */
  public readonly readyFile: string = TOOLKIT_READY_FILE;

  constructor(scope: Construct, id: string, props: GpuContainerToolkitProps = {}) {
    super(scope, id);
    props = checkConstructProps('GpuContainerToolkitProps', this, props);
    const {
      image, gpuNodes, driverRoot, installDir, containerdConfig, containerdSocket, runtimeClass, setAsDefault,
      createRuntimeClass, waitForDriver, ...options
    } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    problems.check('image', this.image, rules.pinnedImage(this.image));
    this.gpuNodes = resolveGpuNodes(gpuNodes, options, problems);
    this.driverRoot = hostPath('driverRoot', driverRoot ?? '/run/nvidia/driver', problems, true);
    this.installDir = hostPath('installDir', installDir ?? '/usr/local/nvidia', problems, false);
    this.containerdConfig = hostPath('containerdConfig', containerdConfig ?? '/etc/containerd/config.toml', problems, false);
    this.containerdSocket = hostPath('containerdSocket', containerdSocket ?? '/run/containerd/containerd.sock', problems, false);
    this.runtimeClass = runtimeClass ?? DEFAULT_RUNTIME_CLASS;
    // A RuntimeClass name and its handler are DNS-1123 labels (node.k8s.io/v1 validation).
    problems.check('runtimeClass', this.runtimeClass, rules.dns1123Label(this.runtimeClass));
    this.setAsDefault = setAsDefault ?? false;
    this.createRuntimeClass = createRuntimeClass ?? true;
    this.waitForDriver = waitForDriver ?? true;

    const configDir = parentOf(this.containerdConfig);
    const socketDir = parentOf(this.containerdSocket);
    const configInContainer = `${CONFIG_TARGET_DIR}/${baseOf(this.containerdConfig)}`;
    const defaults: DaemonSetProps = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name: DaemonSet.defaultName(this),
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'gpu-container-toolkit',
      image: this.image,
      containerName: 'nvidia-container-toolkit-ctr',
      priorityClassName: 'system-node-critical',
      tolerations: [gpuTaintToleration()],
      requiredNodeAffinity: [this.gpuNodes.toAffinityTerm()],
      // Relaxed, as the GPU Operator: the toolkit signals the host's containerd by its PID.
      hostPid: true,
      // Relaxed, as the GPU Operator (see the class doc).
      privileged: true,
      readOnlyRootFilesystem: false,
      // The GPU Operator's entrypoint: a pause before the install works around containerd
      // (from 1.6.9) sending the restarted toolkit SIGTERM (gpu-operator commit 963b8dc).
      command: ['/bin/bash', '-c', 'sleep 5 && exec nvidia-toolkit'],
      env: {
        ROOT: EnvValue.fromValue(this.installDir),
        RUNTIME: EnvValue.fromValue('containerd'),
        RUNTIME_ARGS: EnvValue.fromValue(''),
        CONTAINERD_CONFIG: EnvValue.fromValue(configInContainer),
        CONTAINERD_SOCKET: EnvValue.fromValue(`${SOCKET_TARGET_DIR}/${baseOf(this.containerdSocket)}`),
        CONTAINERD_RUNTIME_CLASS: EnvValue.fromValue(this.runtimeClass),
        CONTAINERD_SET_AS_DEFAULT: EnvValue.fromValue(String(this.setAsDefault)),
        NVIDIA_DRIVER_ROOT: EnvValue.fromValue(this.driverRoot),
        DRIVER_ROOT_CTR_PATH: EnvValue.fromValue(DRIVER_ROOT_CTR_PATH),
        NVIDIA_CONTAINER_RUNTIME_MODES_CDI_DEFAULT_KIND: EnvValue.fromValue('management.nvidia.com/gpu'),
        NVIDIA_VISIBLE_DEVICES: EnvValue.fromValue('void'),
        TOOLKIT_PID_FILE: EnvValue.fromValue(`${TOOLKIT_STATE_DIR}/toolkit.pid`),
      },
      hostMounts: [
        // The toolkit's own: only it writes containerd's configuration and its install directory.
        HostMount.readWrite(configDir, { mountPath: CONFIG_TARGET_DIR, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'containerd-config' }),
        // Connecting to a socket needs no write access to its mount.
        HostMount.readOnly(socketDir, { mountPath: SOCKET_TARGET_DIR, volumeName: 'containerd-socket' }),
        HostMount.readWrite(this.installDir, { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'toolkit-install-dir' }),
        // Its PID file. Under /run/nvidia, the GPU stack's common directory, which the driver
        // container mounts whole: shared by design (the install directory and containerd's
        // configuration still refuse a second toolkit on the same nodes).
        HostMount.readWrite(TOOLKIT_STATE_DIR, { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'toolkit-root', shared: true }),
        // The driver container publishes its filesystem here after the pod started: HostToContainer.
        // Read-only: the toolkit writes into it only with CDI (CREATE_DEVICE_NODES), which is off.
        this.driverRootMount(),
        // The toolkit finds the host's low-level runtimes (runc) through /host (HOST_ROOT_MOUNT).
        HostMount.readOnly('/', { mountPath: '/host', propagation: MountPropagation.HOST_TO_CONTAINER, volumeName: 'host-root' }),
      ],
      initContainers: this.waitForDriver ? [this.waitForDriverContainer()] : undefined,
      sidecars: [this.readySidecar(configInContainer)],
      resources: {
        cpu: { request: Cpu.millis(50) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
    };
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));

    if (this.createRuntimeClass) {
      // Cluster-scoped, named after the handler, as the GPU Operator creates it.
      clusterScoped(new k8s.KubeRuntimeClass(this, 'RuntimeClass', {
        metadata: { name: this.runtimeClass, labels: this.daemonSet.labels },
        handler: this.runtimeClass,
      }));
    }
  }

  /** The driver root, read-only; the driver container publishes it after the pod started: HostToContainer. */
  private driverRootMount(): HostMount {
    return HostMount.readOnly(this.driverRoot, {
      mountPath: DRIVER_ROOT_CTR_PATH,
      type: HostPathVolumeType.DIRECTORY_OR_CREATE,
      propagation: MountPropagation.HOST_TO_CONTAINER,
      volumeName: 'driver-install-dir',
    });
  }

  /** Waits until the driver's nvidia-smi is in the driver root (published after the driver loaded). */
  private waitForDriverContainer(): AgentContainer {
    const nvidiaSmi = `${DRIVER_ROOT_CTR_PATH}/usr/bin/nvidia-smi`;
    return {
      name: 'wait-for-driver',
      image: this.image,
      command: ['sh', '-c', waitScript(nvidiaSmi, 'the NVIDIA driver')],
      env: noGpuEnv(),
      hostMounts: [this.driverRootMount()],
      resources: WAIT_RESOURCES,
    };
  }

  /**
   * Writes the readiness file once the runtime is installed and containerd's configuration
   * names it, and removes it when the pod stops (the toolkit then takes the runtime out again).
   */
  private readySidecar(configInContainer: string): AgentContainer {
    const runtime = `${this.installDir}/toolkit/nvidia-container-runtime`;
    const script = [
      `until [ -x ${runtime} ] && grep -q 'runtimes.${this.runtimeClass}\\b' ${configInContainer}; do echo "waiting for the toolkit to configure containerd"; sleep 5; done`,
      `trap 'rm -f ${TOOLKIT_READY_FILE}; exit 0' TERM INT`,
      `touch ${TOOLKIT_READY_FILE}`,
      `echo "toolkit ready: ${TOOLKIT_READY_FILE}"`,
      'while true; do sleep 3600 & wait $!; done',
    ].join('\n');
    return {
      name: 'toolkit-ready',
      image: this.image,
      command: ['/bin/bash', '-c', script],
      env: noGpuEnv(),
      // Root: the validations directory and containerd's configuration belong to root.
      runAsUser: 0,
      hostMounts: [
        // The readiness files of the GPU stack, under the driver container's /run/nvidia: shared by design.
        HostMount.readWrite(VALIDATIONS_DIR, { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'run-nvidia-validations', shared: true }),
        HostMount.readOnly(this.installDir, { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'toolkit-install-dir' }),
        HostMount.readOnly(parentOf(this.containerdConfig), { mountPath: CONFIG_TARGET_DIR, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'containerd-config' }),
      ],
      readiness: Probe.fromCommand(['test', '-f', TOOLKIT_READY_FILE], { periodSeconds: Duration.seconds(5) }),
      resources: WAIT_RESOURCES,
    };
  }
}

function hostPath(prop: string, value: string, problems: ValidationProblems, rootAllowed: boolean): string {
  const trimmed = typeof value === 'string' && value !== '/' ? value.replace(/\/+$/, '') : value;
  if (rules.absoluteHostPath(trimmed) !== undefined || (!rootAllowed && trimmed === '/')) {
    problems.add(prop, value, `expected an absolute host path${rootAllowed ? '' : ' other than "/"'}, without ".." segments`);
  }
  return trimmed;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
