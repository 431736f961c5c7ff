import { Chart } from 'cdk8s';
import { Capability, EnvValue, HostPathVolumeType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GpuNodes } from './gpu-nodes';
import { resolveGpuNodes, DEFAULT_RUNTIME_CLASS, gpuTaintToleration, waitForToolkit } from './gpu-stack';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { Toleration } from '../toleration';
import { ValidationProblems } from '../validation-problems';

/**
 * How the device plugin tells the container runtime which GPUs a container gets
 * (`DEVICE_LIST_STRATEGY`; k8s-device-plugin v0.17.0 `api/config/v1/consts.go`).
 */
export enum GpuDeviceListStrategy {
  /** `NVIDIA_VISIBLE_DEVICES` in the container's environment, read by the NVIDIA runtime (the plugin's default). */
  ENVVAR = 'envvar',
  /** Mounts under `/var/run/nvidia-container-devices`; the toolkit must accept them (`ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS`). */
  VOLUME_MOUNTS = 'volume-mounts',
  /** CDI annotations on the container, resolved by the NVIDIA runtime in CDI mode. */
  CDI_ANNOTATIONS = 'cdi-annotations',
  /** CDI device names in the CRI response, resolved by a CDI-enabled containerd (1.7 and later). */
  CDI_CRI = 'cdi-cri',
}

/** How the device plugin names GPUs to the kubelet (`DEVICE_ID_STRATEGY`). */
export enum GpuDeviceIdStrategy {
  /** The GPU's UUID (the plugin's default): stable when GPUs are added or fail. */
  UUID = 'uuid',
  /** The GPU's index on the node. */
  INDEX = 'index',
}

/**
 * Time-slicing: each GPU is advertised as `replicas` devices, so that as many containers share
 * it in turn (no memory or fault isolation between them). Written to the plugin's configuration
 * file as `sharing.timeSlicing` (k8s-device-plugin v0.17.0 `api/config/v1/replicas.go`).
 */
export interface GpuTimeSlicing {
  /** How many containers may share each GPU (at least 2). */
  readonly replicas: number;

  /**
   * Advertise the shared GPUs under another resource name, so that workloads ask for a shared
   * GPU explicitly, e.g. "nvidia.com/gpu.shared" (a name without "nvidia.com/" gets it prefixed).
   *
   * @default - "nvidia.com/gpu" (the shared GPUs replace the whole ones)
   */
  readonly rename?: string;

  /**
   * Refuse requests for more than one shared GPU, which would get no more GPU time than one
   * (`failRequestsGreaterThanOne`).
   *
   * @default false
   */
  readonly failRequestsGreaterThanOne?: boolean;
}

/**
 * Props of a `GpuDevicePlugin`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/gpu-device-plugin.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface GpuDevicePluginProps extends DaemonSetOptions {
  /**
   * The device plugin's image, pinned.
   *
   * @default "nvcr.io/nvidia/k8s-device-plugin:v0.17.0"
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
   * Exit when the plugin cannot start (no driver, no NVML) instead of advertising no GPU and
   * idling (`FAIL_ON_INIT_ERROR`). An exit is a restart the kubelet shows and retries; idling
   * hides a broken node.
   *
   * @default true
   */
  readonly failOnInitError?: boolean;

  /**
   * How allocated GPUs reach the container runtime (`DEVICE_LIST_STRATEGY`). The CDI
   * strategies also mount `/var/run/cdi` read-write, where the plugin writes its CDI spec;
   * `VOLUME_MOUNTS` needs SYS_ADMIN, as in NVIDIA's chart.
   *
   * @default GpuDeviceListStrategy.ENVVAR
   */
  readonly deviceListStrategy?: GpuDeviceListStrategy;

  /**
   * How GPUs are named to the kubelet (`DEVICE_ID_STRATEGY`).
   *
   * @default GpuDeviceIdStrategy.UUID
   */
  readonly deviceIdStrategy?: GpuDeviceIdStrategy;

  /**
   * Share each GPU between several containers by time-slicing. The configuration is written
   * to the agent's ConfigMap and read through `CONFIG_FILE`; a change rolls the pods.
   *
   * @default - no sharing: one container per GPU
   */
  readonly timeSlicing?: GpuTimeSlicing;

  /**
   * Wait, in an init container, until the NVIDIA container toolkit is set up on the node
   * (`/run/nvidia/validations/toolkit-ready`, written by `GpuContainerToolkit`). Turn it off
   * where the NVIDIA runtime comes with the node image and nothing writes that file.
   *
   * @default true
   */
  readonly waitForToolkit?: boolean;
}

const DEFAULT_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0';
/** The chart's `mps.root` (the plugin's MPS_ROOT); only MPS sharing uses it. */
const MPS_ROOT = '/run/nvidia/mps';
const CONFIG_DIR = '/config';
const CONFIG_FILE_NAME = 'config.yaml';
/** k8s-device-plugin api/config/v1/consts.go: `MaxResourceNameLength`. */
const MAX_RESOURCE_NAME_LENGTH = 63;

/**
 * NVIDIA's Kubernetes device plugin on GPU nodes: it finds the node's GPUs through NVML,
 * registers with the kubelet through its socket in `/var/lib/kubelet/device-plugins` and
 * advertises them as the extended resource `nvidia.com/gpu`, so that the scheduler places GPU
 * workloads; at allocation it tells the NVIDIA runtime which GPUs the container gets.
 *
 * Laid out as NVIDIA's chart renders it (k8s-device-plugin v0.17.0,
 * `deployments/helm/nvidia-device-plugin`): container `nvidia-device-plugin-ctr`, command
 * `nvidia-device-plugin`, `NVIDIA_VISIBLE_DEVICES=all` and
 * `NVIDIA_DRIVER_CAPABILITIES=compute,utility` (the NVIDIA runtime gives the plugin every GPU
 * and NVML), the kubelet's device-plugins directory read-write (the plugin's socket goes there;
 * shared by design with the kubelet and every other device plugin), `allowPrivilegeEscalation:
 * false` and every capability dropped, `system-node-critical`, tolerating `nvidia.com/gpu` and
 * `CriticalAddonsOnly`.
 *
 * Differences, each with its reason on docs/presets/gpu-device-plugin.md:
 * - `runtimeClassName: nvidia`, as the GPU Operator sets it with containerd (the chart leaves
 *   it unset and relies on the NVIDIA runtime being the node's default): without the NVIDIA
 *   runtime the plugin finds no NVML and (with `failOnInitError`) exits. `GpuContainerToolkit`
 *   creates the RuntimeClass.
 * - An init container `wait-for-toolkit` keeps the plugin from starting before the toolkit is
 *   set up on the node (the GPU Operator's `toolkit-validation`).
 * - Root (uid 0) explicitly, with no capabilities: the plugin creates its socket in the
 *   kubelet's root-owned directory. Read-only root filesystem.
 * - Only the GPU nodes (`gpuNodes`), the driver installer's selection, rather than the chart's
 *   three NFD and `nvidia.com/gpu.present` terms.
 * - No MPS host mounts (`/run/nvidia/mps`): MPS sharing is not offered; time-slicing is, from
 *   one ConfigMap instead of the chart's config-manager sidecar.
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
 * | `component` | `"gpu-device-plugin"` |  |
 * | `containerName` | "nvidia-device-plugin-ctr" | NVIDIA's chart |
 * | `priorityClassName` | `"system-node-critical"` | NVIDIA's chart: GPU workloads cannot be placed without it |
 * | `tolerations` | `nvidia.com/gpu` (NoSchedule) and `CriticalAddonsOnly` | NVIDIA's chart |
 * | `requiredNodeAffinity` | the GPU nodes, from `gpuNodes` |  |
 * | `runtimeClassName` | "nvidia" | the GPU Operator's (with containerd): the plugin needs the NVIDIA runtime for NVML |
 * | `command` | `["nvidia-device-plugin"]` | NVIDIA's chart |
 * | `env` | MPS_ROOT, FAIL_ON_INIT_ERROR, DEVICE_LIST_STRATEGY, DEVICE_ID_STRATEGY, NVIDIA_VISIBLE_DEVICES=all, NVIDIA_DRIVER_CAPABILITIES=compute,utility; CONFIG_FILE with `timeSlicing` |  |
 * | `runAsUser` | `0` | the plugin creates its socket in the kubelet's root-owned directory |
 * | `addCapabilities` | SYS_ADMIN with `GpuDeviceListStrategy.VOLUME_MOUNTS` only (NVIDIA's chart) |  |
 * | `hostMounts` | /var/lib/kubelet/device-plugins read-write (shared); /var/run/cdi with a CDI strategy |  |
 * | `initContainers` | wait-for-toolkit (unless `waitForToolkit: false`) |  |
 * | `volumes` | the configuration ConfigMap with `timeSlicing` |  |
 * | `volumeMounts` | /config with `timeSlicing` |  |
 */
export class GpuDevicePlugin extends Construct {
  /** The default image. */
  public static readonly DEFAULT_IMAGE = DEFAULT_IMAGE;

  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The plugin's image. */
  public readonly image: string;
  /** The nodes selected. */
  public readonly gpuNodes: GpuNodes;
  /** Whether the plugin exits on an initialization error. */
  public readonly failOnInitError: boolean;
  /** The device list strategy. */
  public readonly deviceListStrategy: GpuDeviceListStrategy;
  /** The device ID strategy. */
  public readonly deviceIdStrategy: GpuDeviceIdStrategy;
  /** The extended resource the GPUs are advertised as ("nvidia.com/gpu", or the time-slicing `rename`). */
  public readonly resourceName: string;
  /** Whether the plugin waits for the toolkit. */
  public readonly waitForToolkit: boolean;
  /** The plugin's configuration file (with `timeSlicing`), as written to the ConfigMap. */
  public readonly config?: string;

  constructor(scope: Construct, id: string, props: GpuDevicePluginProps = {}) {
    super(scope, id);
    props = checkConstructProps('GpuDevicePluginProps', this, props);
    const {
      image, gpuNodes, failOnInitError, deviceListStrategy, deviceIdStrategy, timeSlicing, waitForToolkit: wait,
      ...options
    } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    problems.check('image', this.image, rules.pinnedImage(this.image));
    this.gpuNodes = resolveGpuNodes(gpuNodes, options, problems);
    this.failOnInitError = failOnInitError ?? true;
    this.deviceListStrategy = deviceListStrategy ?? GpuDeviceListStrategy.ENVVAR;
    if (!Object.values(GpuDeviceListStrategy).includes(this.deviceListStrategy)) {
      problems.add('deviceListStrategy', this.deviceListStrategy, `expected one of ${Object.values(GpuDeviceListStrategy).join(', ')} (GpuDeviceListStrategy)`);
    }
    this.deviceIdStrategy = deviceIdStrategy ?? GpuDeviceIdStrategy.UUID;
    if (!Object.values(GpuDeviceIdStrategy).includes(this.deviceIdStrategy)) {
      problems.add('deviceIdStrategy', this.deviceIdStrategy, `expected one of ${Object.values(GpuDeviceIdStrategy).join(', ')} (GpuDeviceIdStrategy)`);
    }
    this.waitForToolkit = wait ?? true;
    this.resourceName = 'nvidia.com/gpu';
    if (timeSlicing !== undefined) {
      this.resourceName = checkTimeSlicing(timeSlicing, problems) ?? this.resourceName;
      this.config = timeSlicingConfig(timeSlicing, this.resourceName);
    }
    const name = options.name ?? DaemonSet.defaultName(this);
    const cdi = this.deviceListStrategy === GpuDeviceListStrategy.CDI_ANNOTATIONS || this.deviceListStrategy === GpuDeviceListStrategy.CDI_CRI;

    const defaults: DaemonSetProps = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name,
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'gpu-device-plugin',
      image: this.image,
      containerName: 'nvidia-device-plugin-ctr',
      // NVIDIA's chart: GPU workloads cannot be placed on the node without it.
      priorityClassName: 'system-node-critical',
      tolerations: [gpuTaintToleration(), Toleration.exists('CriticalAddonsOnly')],
      requiredNodeAffinity: [this.gpuNodes.toAffinityTerm()],
      // The GPU Operator's (containerd): the NVIDIA runtime gives the plugin NVML and the GPUs.
      runtimeClassName: DEFAULT_RUNTIME_CLASS,
      command: ['nvidia-device-plugin'],
      env: {
        MPS_ROOT: EnvValue.fromValue(MPS_ROOT),
        FAIL_ON_INIT_ERROR: EnvValue.fromValue(String(this.failOnInitError)),
        DEVICE_LIST_STRATEGY: EnvValue.fromValue(this.deviceListStrategy),
        DEVICE_ID_STRATEGY: EnvValue.fromValue(this.deviceIdStrategy),
        NVIDIA_VISIBLE_DEVICES: EnvValue.fromValue('all'),
        NVIDIA_DRIVER_CAPABILITIES: EnvValue.fromValue('compute,utility'),
        ...(this.config !== undefined ? { CONFIG_FILE: EnvValue.fromValue(`${CONFIG_DIR}/${CONFIG_FILE_NAME}`) } : {}),
      },
      // Root for the kubelet's root-owned socket directory; no capabilities (NVIDIA's chart).
      runAsUser: 0,
      // NVIDIA's chart: the volume-mounts strategy needs SYS_ADMIN (requiresCapSysAdmin).
      addCapabilities: this.deviceListStrategy === GpuDeviceListStrategy.VOLUME_MOUNTS ? [Capability.SYS_ADMIN] : undefined,
      hostMounts: [
        // The kubelet's and every device plugin's: shared by design.
        HostMount.readWrite('/var/lib/kubelet/device-plugins', { volumeName: 'device-plugin', shared: true }),
        // The CDI strategies write the plugin's CDI spec there; CDI specs of other vendors live there too.
        ...(cdi ? [HostMount.readWrite('/var/run/cdi', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cdi-root', shared: true })] : []),
      ],
      initContainers: this.waitForToolkit ? [waitForToolkit(this.image)] : undefined,
      volumes: this.config !== undefined ? [AgentVolume.fromConfigMap('config', `${name}-config`)] : undefined,
      volumeMounts: this.config !== undefined ? [{ volumeName: 'config', mountPath: CONFIG_DIR }] : undefined,
    };
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
    if (this.config !== undefined) {
      this.daemonSet.addConfigFiles({ [CONFIG_FILE_NAME]: this.config });
    }
  }
}

/** Checks time-slicing as the plugin's config parser does; returns the resource name advertised. */
function checkTimeSlicing(ts: GpuTimeSlicing, problems: ValidationProblems): string | undefined {
  // replicas.go: "number of replicas must be >= 2".
  if (!Number.isInteger(ts.replicas) || ts.replicas < 2) {
    problems.add('timeSlicing.replicas', ts.replicas, 'expected a whole number of at least 2 (the device plugin refuses fewer: "number of replicas must be >= 2")');
  }
  if (ts.rename === undefined) {
    return undefined;
  }
  // resources.go NewResourceName: "nvidia.com/" is prefixed when missing; at most 63 characters;
  // the name after the prefix is a DNS-1123 subdomain.
  const full = ts.rename.startsWith('nvidia.com/') ? ts.rename : `nvidia.com/${ts.rename}`;
  const name = full.slice('nvidia.com/'.length);
  if (full.length > MAX_RESOURCE_NAME_LENGTH || rules.dns1123Subdomain(name) !== undefined) {
    problems.add('timeSlicing.rename', ts.rename, 'expected a resource name "nvidia.com/<name>" of at most 63 characters whose <name> is a DNS-1123 subdomain, e.g. "nvidia.com/gpu.shared" (a name without "nvidia.com/" gets it prefixed)');
    return undefined;
  }
  return full;
}

/** The plugin's configuration file (api/config/v1/config.go `Config`, version v1). */
function timeSlicingConfig(ts: GpuTimeSlicing, resourceName: string): string {
  const lines = [
    'version: v1',
    'sharing:',
    '  timeSlicing:',
    ...(ts.failRequestsGreaterThanOne ? ['    failRequestsGreaterThanOne: true'] : []),
    '    resources:',
    '    - name: nvidia.com/gpu',
    `      replicas: ${ts.replicas}`,
    ...(resourceName !== 'nvidia.com/gpu' ? [`      rename: ${resourceName}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
