import { Chart, Duration, Size } from 'cdk8s';
import { Capability, Cpu, EnvValue, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GpuNodes } from './gpu-nodes';
import { resolveGpuNodes, DEFAULT_RUNTIME_CLASS, gpuTaintToleration, waitForToolkit } from './gpu-stack';
import { AgentMetrics } from '../agent-metrics';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { ValidationProblems } from '../validation-problems';

/** The Prometheus type of a DCGM counter (the second column of dcgm-exporter's counters CSV). */
export enum DcgmCounterType {
  /** A value that goes up and down. */
  GAUGE = 'gauge',
  /** A value that only goes up. */
  COUNTER = 'counter',
  /** A value exported as a label of the other series (e.g. the driver version). */
  LABEL = 'label',
}

/** One line of dcgm-exporter's counters CSV: a DCGM field exported as a Prometheus series. */
export interface DcgmCounter {
  /**
   * The DCGM field, e.g. "DCGM_FI_DEV_GPU_UTIL" (`DCGM_FI_*`), or one of dcgm-exporter's own:
   * "DCGM_EXP_XID_ERRORS_COUNT", "DCGM_EXP_CLOCK_EVENTS_COUNT".
   */
  readonly field: string;
  /** The Prometheus type. */
  readonly type: DcgmCounterType;
  /** The series' help text (no commas, no line breaks). */
  readonly help: string;
}

/**
 * Props of a `DcgmExporter`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/dcgm-exporter.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface DcgmExporterProps extends DaemonSetOptions {
  /**
   * The exporter's image, pinned.
   *
   * @default "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04"
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
   * The port of `/metrics` and `/health`, named `metrics` (`DCGM_EXPORTER_LISTEN`).
   *
   * @default 9400
   */
  readonly port?: number;

  /**
   * The DCGM fields exported, written to the agent's ConfigMap as the counters CSV and passed
   * with `-f`. The profiling fields (`DCGM_FI_PROF_*`) need SYS_ADMIN, which the preset adds.
   *
   * @default - the image's /etc/dcgm-exporter/dcp-metrics-included.csv (the chart's default set)
   */
  readonly counters?: DcgmCounter[];

  /**
   * Extended resources besides `nvidia.com/gpu` whose pods get their GPU's series labelled
   * with pod and namespace (`NVIDIA_RESOURCE_NAMES`), e.g. a time-sliced GPU's
   * `GpuDevicePlugin.resourceName` such as "nvidia.com/gpu.shared".
   *
   * @default - none: only nvidia.com/gpu (and MIG resources)
   */
  readonly resourceNames?: string[];

  /**
   * Wait, in an init container, until the NVIDIA container toolkit is set up on the node
   * (`/run/nvidia/validations/toolkit-ready`, written by `GpuContainerToolkit`).
   *
   * @default true
   */
  readonly waitForToolkit?: boolean;
}

const DEFAULT_IMAGE = 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04';
/** The chart's counters file, as the image has it (dcgm-exporter etc/dcp-metrics-included.csv). */
const IMAGE_COUNTERS = '/etc/dcgm-exporter/dcp-metrics-included.csv';
const COUNTERS_DIR = '/etc/dcgm-exporter/custom';
const COUNTERS_FILE = 'counters.csv';
const POD_RESOURCES = '/var/lib/kubelet/pod-resources';
/** A DCGM field name (go-dcgm's DCGM_FI map), or one of the exporter's own fields (pkg/dcgmexporter/exporter_metrics.go). */
const FIELD = /^DCGM_FI_[A-Z0-9_]+$/;
const EXPORTER_FIELDS = ['DCGM_EXP_XID_ERRORS_COUNT', 'DCGM_EXP_CLOCK_EVENTS_COUNT'];

/**
 * NVIDIA's DCGM exporter on GPU nodes: GPU utilization, memory, temperature, power, errors and
 * (with SYS_ADMIN) profiling counters as Prometheus metrics on port 9400 at `/metrics`, each
 * series labelled with the pod that holds the GPU (read from the kubelet's pod-resources
 * socket), and a ServiceMonitor so that a Prometheus operator scrapes it.
 *
 * Laid out as NVIDIA's chart renders it (dcgm-exporter 3.3.8-3.6.0, `deployment/`): container
 * `exporter`, args `-f <counters CSV>`, `DCGM_EXPORTER_KUBERNETES=true`,
 * `DCGM_EXPORTER_LISTEN=:9400`, port `metrics`, the pod-resources directory read-only, root
 * with SYS_ADMIN (the profiling metrics), HTTP probes on `/health` after 45 s,
 * `system-node-critical`, rolling one node at a time, a ServiceMonitor scraping every 15 s.
 *
 * Differences, each with its reason on docs/presets/dcgm-exporter.md: `runtimeClassName: nvidia`
 * (as the GPU Operator; the chart relies on the node's default runtime), every other
 * capability dropped, `NO_SETCAP` (the image's entrypoint would `setcap` its binary, which
 * needs CAP_SETFCAP; root already has SYS_ADMIN), tolerating `nvidia.com/gpu` (the chart
 * tolerates nothing, so it misses tainted GPU nodes), only the GPU nodes, no Role (the chart's
 * ConfigMap read is unused with its own arguments) and no token, and an init container that
 * waits for the toolkit.
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
 * | `component` | `"dcgm-exporter"` | NVIDIA's chart |
 * | `containerName` | "exporter" | NVIDIA's chart |
 * | `priorityClassName` | `"system-node-critical"` | NVIDIA's chart |
 * | `tolerations` | `nvidia.com/gpu` (NoSchedule) | the GPU Operator's: GPU nodes are often tainted |
 * | `requiredNodeAffinity` | the GPU nodes, from `gpuNodes` |  |
 * | `runtimeClassName` | "nvidia" | the GPU Operator's (with containerd): DCGM needs the NVIDIA runtime |
 * | `args` | `-f` and the counters CSV |  |
 * | `env` | DCGM_EXPORTER_KUBERNETES=true, DCGM_EXPORTER_LISTEN, NO_SETCAP; NVIDIA_RESOURCE_NAMES with `resourceNames` |  |
 * | `ports` | "metrics" on `port` (9400) |  |
 * | `runAsUser` | `0` | NVIDIA's chart: DCGM reads the GPUs' device files and profiling counters as root |
 * | `addCapabilities` | `["SYS_ADMIN"]` | NVIDIA's chart: the profiling (DCP) metrics |
 * | `readOnlyRootFilesystem` | `false` | NVIDIA's chart: the embedded DCGM host engine was not verified on a read-only root |
 * | `hostMounts` | /var/lib/kubelet/pod-resources read-only |  |
 * | `liveness` | HTTP GET /health on the port after 45 s, every 5 s |  |
 * | `readiness` | HTTP GET /health on the port after 45 s |  |
 * | `resources` | requests 50m CPU and 128Mi memory, memory limit 512Mi | DCGM's host engine runs inside the exporter |
 * | `initContainers` | wait-for-toolkit (unless `waitForToolkit: false`) |  |
 * | `volumes` | the configuration ConfigMap with `counters` |  |
 * | `volumeMounts` | the counters directory with `counters` |  |
 * | `metrics` | a ServiceMonitor scraping `metrics` every 15 s (NVIDIA's chart) |  |
 */
export class DcgmExporter extends Construct {
  /** The default image. */
  public static readonly DEFAULT_IMAGE = DEFAULT_IMAGE;

  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The exporter's image. */
  public readonly image: string;
  /** The nodes selected. */
  public readonly gpuNodes: GpuNodes;
  /** The metrics port. */
  public readonly port: number;
  /** The counters CSV the exporter reads, in the container. */
  public readonly countersFile: string;
  /** Whether the exporter waits for the toolkit. */
  public readonly waitForToolkit: boolean;

  constructor(scope: Construct, id: string, props: DcgmExporterProps = {}) {
    super(scope, id);
    props = checkConstructProps('DcgmExporterProps', this, props);
    const { image, gpuNodes, port, counters, resourceNames, waitForToolkit: wait, ...options } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    problems.check('image', this.image, rules.pinnedImage(this.image));
    this.gpuNodes = resolveGpuNodes(gpuNodes, options, problems);
    this.port = port ?? 9400;
    problems.check('port', this.port, rules.portNumber(this.port));
    this.waitForToolkit = wait ?? true;
    const csv = counters !== undefined ? countersCsv(counters, problems) : undefined;
    this.countersFile = csv !== undefined ? `${COUNTERS_DIR}/${COUNTERS_FILE}` : IMAGE_COUNTERS;
    (resourceNames ?? []).forEach((r, i) => problems.check(`resourceNames[${i}]`, r, rules.qualifiedName(r)));

    const name = options.name ?? DaemonSet.defaultName(this);
    const defaults: DaemonSetProps = {
      name,
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'dcgm-exporter',
      image: this.image,
      containerName: 'exporter',
      priorityClassName: 'system-node-critical',
      tolerations: [gpuTaintToleration()],
      requiredNodeAffinity: [this.gpuNodes.toAffinityTerm()],
      // The GPU Operator's (containerd): the NVIDIA runtime gives DCGM the driver and the GPUs.
      runtimeClassName: DEFAULT_RUNTIME_CLASS,
      args: ['-f', this.countersFile],
      env: {
        DCGM_EXPORTER_KUBERNETES: EnvValue.fromValue('true'),
        DCGM_EXPORTER_LISTEN: EnvValue.fromValue(`:${this.port}`),
        // The entrypoint's setcap needs CAP_SETFCAP (dropped); root has SYS_ADMIN already.
        NO_SETCAP: EnvValue.fromValue('true'),
        ...(resourceNames !== undefined && resourceNames.length > 0 ? { NVIDIA_RESOURCE_NAMES: EnvValue.fromValue(resourceNames.join(',')) } : {}),
      },
      ports: [{ containerPort: this.port, name: 'metrics' }],
      // NVIDIA's chart: root with SYS_ADMIN for the profiling metrics; the rest dropped here.
      runAsUser: 0,
      addCapabilities: [Capability.SYS_ADMIN],
      readOnlyRootFilesystem: false,
      hostMounts: [HostMount.readOnly(POD_RESOURCES, { volumeName: 'pod-gpu-resources' })],
      liveness: Probe.fromHttpGet('/health', { port: this.port, initialDelaySeconds: Duration.seconds(45), periodSeconds: Duration.seconds(5) }),
      readiness: Probe.fromHttpGet('/health', { port: this.port, initialDelaySeconds: Duration.seconds(45) }),
      resources: {
        cpu: { request: Cpu.millis(50) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
      },
      initContainers: this.waitForToolkit ? [waitForToolkit(this.image)] : undefined,
      volumes: csv !== undefined ? [AgentVolume.fromConfigMap('counters', `${name}-config`)] : undefined,
      volumeMounts: csv !== undefined ? [{ volumeName: 'counters', mountPath: COUNTERS_DIR }] : undefined,
      metrics: AgentMetrics.serviceMonitor({ interval: Duration.seconds(15) }),
    };
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
    if (csv !== undefined) {
      this.daemonSet.addConfigFiles({ [COUNTERS_FILE]: csv });
    }
  }
}

/** The counters CSV (dcgm-exporter internal/pkg/counters: field, type, help). */
function countersCsv(counters: DcgmCounter[], problems: ValidationProblems): string {
  if (counters.length === 0) {
    problems.add('counters', '[]', 'expected at least one counter; leave `counters` out for the image\'s default set');
  }
  const seen = new Set<string>();
  counters.forEach((c, i) => {
    if (typeof c.field !== 'string' || !(FIELD.test(c.field) || EXPORTER_FIELDS.includes(c.field))) {
      problems.add(`counters[${i}].field`, c.field, `expected a DCGM field name such as "DCGM_FI_DEV_GPU_UTIL" (DCGM_FI_*) or one of dcgm-exporter's own: ${EXPORTER_FIELDS.join(', ')}`);
    } else if (seen.has(c.field)) {
      problems.add(`counters[${i}].field`, c.field, 'each field once');
    }
    seen.add(c.field);
    if (!Object.values(DcgmCounterType).includes(c.type)) {
      problems.add(`counters[${i}].type`, c.type, `expected one of ${Object.values(DcgmCounterType).join(', ')} (DcgmCounterType)`);
    }
    if (typeof c.help !== 'string' || /[,\r\n]/.test(c.help)) {
      problems.add(`counters[${i}].help`, c.help, 'expected a line of text without commas (the CSV\'s separator)');
    }
  });
  return counters.map((c) => `${c.field}, ${c.type}, ${c.help}`).join('\n') + '\n';
}
