import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, MountPropagation, Probe } from 'cdk8s-plus-28';
import { LogFlavor } from './log-flavor';
import { LogOutputType } from './log-output';
import { HostMount } from '../host-mount';
import { RbacRule } from '../rbac-rule';

/** What a flavor's profile depends on besides the flavor (the flavor-specific props). */
export interface LogProfileOptions {
  /** Logstash: the JVM heap in MiB. */
  readonly jvmHeapMiB?: number;
  /** OpenTelemetry Collector: the kubeletstats receiver (node, pod and container metrics). */
  readonly kubeletMetrics?: boolean;
  /** OpenTelemetry Collector: the hostmetrics receiver (the node's CPU, memory, disks, network). */
  readonly hostMetrics?: boolean;
}

/** The key of a flavor's text in `LogOutput.custom` and `LogFilter.custom`. */
export type CustomTextKey = 'fluentBit' | 'fluentd' | 'filebeat' | 'logstash' | 'otelCollector';

/**
 * What each `LogFlavor` needs from its pod (internal: not exported from the package): paths,
 * port, probes, resources, API permissions and the default images. The generated configuration
 * (log-agent-config.ts) uses the same paths, and the tests check that they agree.
 */
export interface LogFlavorProfile {
  readonly flavor: LogFlavor;
  /** Where the ConfigMap is mounted (read-only) in the container. */
  readonly configDirectory: string;
  /** The ConfigMap key the agent is started with. */
  readonly mainConfigFile: string;
  /** Where the read-write state directory (read positions) is mounted in the container. */
  readonly stateDirectory: string;
  /** The port of the agent's HTTP health/monitoring endpoint. */
  readonly httpPort: number;
  /**
   * The port that serves Prometheus metrics (the same as `httpPort` for Fluent Bit), or undefined
   * when the flavor has no Prometheus endpoint (Filebeat: JSON at /stats only).
   */
  readonly metricsPort?: number;
  /** The path of the Prometheus metrics. */
  readonly metricsPath?: string;
  readonly command?: string[];
  readonly args?: string[];
  /** Environment the generated configuration relies on (besides NODE_NAME, which the core adds). */
  readonly env: { [name: string]: EnvValue };
  /** Exactly the API permissions the flavor's Kubernetes metadata enrichment uses. */
  readonly rbacRules: RbacRule[];
  readonly resources: ContainerResources;
  readonly liveness: Probe;
  readonly readiness: Probe;
  readonly startup?: Probe;
  /**
   * The ConfigMap keys mounted in `configDirectory`, when not all of them (Logstash loads every
   * file in its pipeline directory as pipeline configuration).
   */
  readonly configItems?: string[];
  /** A ConfigMap key mounted on its own (subPath) at a path, beside the image's other files there. */
  readonly settingsFile?: { readonly file: string; readonly mountPath: string };
  /** The files a `configOverride` must contain. */
  readonly requiredFiles: string[];
  /** Host paths besides /var/log and the state directory (read-only). */
  readonly hostMounts: HostMount[];
  /** The key of this flavor's text in `LogOutput.custom` and `LogFilter.custom`. */
  readonly customKey: CustomTextKey;
  /** Why an output cannot be used with this flavor, or undefined when it can. */
  readonly refuseOutput: (type: LogOutputType) => string | undefined;
  /** Why this flavor has no Prometheus endpoint (when `metricsPort` is undefined). */
  readonly noMetrics?: string;
}

/** Fluent Bit 4.0.8 from the project's own registry (the chart's default registry). */
export const FLUENT_BIT_IMAGE = 'cr.fluentbit.io/fluent/fluent-bit:4.0.8';
/** fluentd-kubernetes-daemonset images bundle one output plugin each; all have the metadata and CRI plugins. */
export const FLUENTD_ELASTICSEARCH_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1';
export const FLUENTD_OPENSEARCH_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-opensearch-1.1';
/** Filebeat 8.17.4 (the 8.17 line is the long-lived 8.x release). */
export const FILEBEAT_IMAGE = 'docker.elastic.co/beats/filebeat:8.17.4';
/** Logstash 8.17.4, the same Elastic release as Filebeat. */
export const LOGSTASH_IMAGE = 'docker.elastic.co/logstash/logstash:8.17.4';
/** The collector-contrib release the opentelemetry-collector chart 0.170.0 pins (its appVersion). */
export const OTEL_COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib:0.158.0';

/** Logstash's default heap (MiB): enough for the file input, a few filters and one output. */
export const LOGSTASH_DEFAULT_HEAP_MIB = 512;
/** The smallest heap accepted (MiB): Logstash 8 with one pipeline does not start reliably below it. */
export const LOGSTASH_MIN_HEAP_MIB = 256;
/** The collector's memory limit (MiB); GOMEMLIMIT is 80% of it, as the chart's gomemlimit helper computes. */
export const OTEL_MEMORY_LIMIT_MIB = 256;

/**
 * The image repository names each flavor's agent is published under (the last path segment,
 * without tag or digest), to tell an image of another agent from a mirror or a build of your own.
 */
const FLAVOR_IMAGE_NAMES: { [flavor: string]: string[] } = {
  [LogFlavor.FLUENT_BIT]: ['fluent-bit'],
  [LogFlavor.FLUENTD]: ['fluentd', 'fluentd-kubernetes-daemonset'],
  [LogFlavor.FILEBEAT]: ['filebeat', 'filebeat-oss', 'filebeat-wolfi'],
  [LogFlavor.LOGSTASH]: ['logstash', 'logstash-oss', 'logstash-wolfi'],
  [LogFlavor.OTEL_COLLECTOR]: ['opentelemetry-collector', 'opentelemetry-collector-contrib', 'opentelemetry-collector-k8s', 'otelcol', 'otelcol-contrib', 'otelcol-k8s'],
};

/**
 * The flavor whose agent an image is, when it is another flavor's: its configuration, paths and
 * command would be the wrong agent's, and the pod crash-loops. Undefined for this flavor's
 * images and for names no flavor is published under (a mirror or a build of your own).
 */
export function otherFlavorOfImage(flavor: LogFlavor, image: string): LogFlavor | undefined {
  const name = /([^/@:]+)(:[^/@]*)?(@.*)?$/.exec(image)?.[1];
  if (name === undefined || FLAVOR_IMAGE_NAMES[flavor]?.includes(name)) {
    return undefined;
  }
  return (Object.keys(FLAVOR_IMAGE_NAMES) as LogFlavor[]).find((f) => FLAVOR_IMAGE_NAMES[f].includes(name));
}

/** The default image for a flavor and output, or undefined when no published image can do it. */
export function defaultImage(flavor: LogFlavor, output: LogOutputType | undefined): string | undefined {
  switch (flavor) {
    case LogFlavor.FLUENT_BIT:
      return FLUENT_BIT_IMAGE;
    case LogFlavor.FLUENTD:
      if (output === LogOutputType.OPENSEARCH) {
        return FLUENTD_OPENSEARCH_IMAGE;
      }
      // No fluentd-kubernetes-daemonset variant carries fluent-plugin-grafana-loki.
      return output === LogOutputType.LOKI ? undefined : FLUENTD_ELASTICSEARCH_IMAGE;
    case LogFlavor.FILEBEAT:
      return FILEBEAT_IMAGE;
    case LogFlavor.LOGSTASH:
      return LOGSTASH_IMAGE;
    case LogFlavor.OTEL_COLLECTOR:
      return OTEL_COLLECTOR_IMAGE;
  }
  return undefined;
}

const READ_METADATA = ['get', 'list', 'watch'];

const httpProbe = (path: string, port: number, failureThreshold = 3, periodSeconds = 10) =>
  Probe.fromHttpGet(path, { port, periodSeconds: Duration.seconds(periodSeconds), failureThreshold, timeoutSeconds: Duration.seconds(5) });

/** The profile of a flavor. Probes and mounts are new objects on every call. */
export function profileOf(flavor: LogFlavor, options: LogProfileOptions = {}): LogFlavorProfile {
  switch (flavor) {
    case LogFlavor.FLUENT_BIT:
      return {
        flavor,
        configDirectory: '/fluent-bit/etc/conf',
        mainConfigFile: 'fluent-bit.conf',
        stateDirectory: '/fluent-bit/state',
        httpPort: 2020,
        metricsPort: 2020,
        metricsPath: '/api/v2/metrics/prometheus',
        command: ['/fluent-bit/bin/fluent-bit'],
        args: ['--workdir=/fluent-bit/etc', '--config=/fluent-bit/etc/conf/fluent-bit.conf'],
        env: {},
        // The kubernetes filter GETs each pod (/api/v1/namespaces/<ns>/pods/<pod>) and caches it;
        // it reads namespaces only with Namespace_Labels/Namespace_Annotations, which are off.
        rbacRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        resources: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
        // Liveness on "/" (the process answers); readiness on the health check, which fails
        // after repeated output errors, so a rollout with a broken output stops at one node.
        liveness: Probe.fromHttpGet('/', { port: 2020, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
        readiness: Probe.fromHttpGet('/api/v1/health', { port: 2020, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
        requiredFiles: ['fluent-bit.conf'],
        hostMounts: [],
        customKey: 'fluentBit',
        refuseOutput: () => undefined,
      };
    case LogFlavor.FLUENTD:
      return {
        flavor,
        configDirectory: '/fluentd/etc',
        mainConfigFile: 'fluent.conf',
        stateDirectory: '/fluentd/state',
        httpPort: 24220,
        // fluent-plugin-prometheus (in both default images' Gemfiles), on its own port.
        metricsPort: 24231,
        metricsPath: '/metrics',
        env: {
          // The image's entrypoint runs `fluentd -c /fluentd/etc/$FLUENTD_CONF`.
          FLUENTD_CONF: EnvValue.fromValue('fluent.conf'),
          // kubernetes_metadata watches only this node's pods when K8S_NODE_NAME is set
          // (without it every agent watches every pod of the cluster).
          K8S_NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
        },
        // kubernetes_metadata watches pods (on this node) and namespaces (namespace labels).
        rbacRules: [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: READ_METADATA }],
        resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
        // monitor_agent answers once every plugin has started; Ruby plus plugins can take a minute.
        startup: Probe.fromHttpGet('/api/plugins.json', { port: 24220, periodSeconds: Duration.seconds(5), failureThreshold: 24, timeoutSeconds: Duration.seconds(5) }),
        liveness: Probe.fromHttpGet('/api/plugins.json', { port: 24220, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
        readiness: Probe.fromHttpGet('/api/plugins.json', { port: 24220, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
        requiredFiles: ['fluent.conf'],
        hostMounts: [],
        customKey: 'fluentd',
        refuseOutput: (type) => (type === LogOutputType.OTLP
          ? 'the fluentd-kubernetes-daemonset images have no OpenTelemetry output plugin; use LogFlavor.FLUENT_BIT, or LogOutput.custom with an image that has fluent-plugin-opentelemetry'
          : undefined),
      };
    case LogFlavor.LOGSTASH:
      return logstashProfile(options.jvmHeapMiB ?? LOGSTASH_DEFAULT_HEAP_MIB);
    case LogFlavor.OTEL_COLLECTOR:
      return otelCollectorProfile(options.kubeletMetrics ?? false, options.hostMetrics ?? false);
    case LogFlavor.FILEBEAT:
    default:
      return {
        flavor,
        configDirectory: '/etc/filebeat',
        mainConfigFile: 'filebeat.yml',
        stateDirectory: '/usr/share/filebeat/data',
        httpPort: 5066,
        args: ['-c', '/etc/filebeat/filebeat.yml', '-e'],
        env: {},
        // add_kubernetes_metadata watches this node's pods, and by default also adds node and
        // namespace metadata (add_resource_metadata.node/namespace). Deployment and CronJob names
        // (replicasets, jobs) are off by default, leases are only for autodiscover leader
        // election, and use_kubeadm is turned off, so none of those are granted.
        rbacRules: [{ apiGroups: [''], resources: ['namespaces', 'nodes', 'pods'], verbs: READ_METADATA }],
        resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
        liveness: Probe.fromHttpGet('/', { port: 5066, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
        readiness: Probe.fromHttpGet('/', { port: 5066, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
        requiredFiles: ['filebeat.yml'],
        hostMounts: [],
        customKey: 'filebeat',
        refuseOutput: (type) => ([LogOutputType.ELASTICSEARCH, LogOutputType.STDOUT, LogOutputType.CUSTOM].includes(type) ? undefined
          : 'Filebeat ships to Elasticsearch or stdout only (it has no Loki or OTLP output and refuses non-Elastic servers); use LogFlavor.FLUENT_BIT, or LogOutput.custom for another Filebeat output'),
        noMetrics: 'Filebeat serves its metrics as JSON at /stats on port 5066 (port "http"), not in the Prometheus format; scrape it with an exporter, or use LogFlavor.FLUENT_BIT',
      };
  }
}

/** Where the Logstash image keeps its pipeline files and settings. */
export const LOGSTASH_HOME = '/usr/share/logstash';

/**
 * Logstash 8.17.4 from Elastic's image, started without the image's entrypoint: the entrypoint's
 * env2yaml rewrites logstash.yml whenever an environment variable names a setting, and the
 * NODE_NAME the core adds names `node.name`, so it would write into the read-only ConfigMap file
 * and exit (docker/data/logstash/bin/docker-entrypoint; env2yaml's setting list).
 */
function logstashProfile(heapMiB: number): LogFlavorProfile {
  // Heap, plus as much again for what the JVM holds beside it: direct buffers (sized like the
  // heap by default), metaspace, JRuby's compiled code and thread stacks. Elastic's logstash
  // chart gives a 1g heap 1536Mi; a node agent gets a little more headroom instead of an OOM kill.
  const memory = Size.mebibytes(heapMiB * 2);
  return {
    flavor: LogFlavor.LOGSTASH,
    configDirectory: `${LOGSTASH_HOME}/pipeline`,
    mainConfigFile: 'logstash.conf',
    configItems: ['logstash.conf'],
    settingsFile: { file: 'logstash.yml', mountPath: `${LOGSTASH_HOME}/config/logstash.yml` },
    requiredFiles: ['logstash.conf', 'logstash.yml'],
    stateDirectory: `${LOGSTASH_HOME}/data`,
    httpPort: 9600,
    command: [`${LOGSTASH_HOME}/bin/logstash`],
    env: {
      // The heap fixed (-Xms = -Xmx, as Elastic's chart does), and the cgroup paths the image's
      // entrypoint sets for the monitoring API's cgroup stats.
      LS_JAVA_OPTS: EnvValue.fromValue(`-Xms${heapMiB}m -Xmx${heapMiB}m -Dls.cgroup.cpuacct.path.override=/ -Dls.cgroup.cpu.path.override=/`),
    },
    // Kubernetes metadata (pod, namespace, container) comes from the file names: no API access.
    rbacRules: [],
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: memory, limit: memory } },
    // The JVM and JRuby take 30-90 s to start the API on a small node: 5 minutes before the
    // liveness probe takes over (Elastic's chart waits 300 s before its first liveness probe).
    startup: httpProbe('/', 9600, 30, 10),
    liveness: httpProbe('/', 9600),
    readiness: httpProbe('/', 9600),
    hostMounts: [],
    customKey: 'logstash',
    refuseOutput: (type) => {
      switch (type) {
        case LogOutputType.OPENSEARCH:
          return 'the official Logstash image has no OpenSearch output plugin (logstash-output-opensearch is not bundled, and the elasticsearch output refuses OpenSearch); use LogFlavor.FLUENT_BIT, or LogOutput.custom with an image that has the plugin';
        case LogOutputType.LOKI:
          return 'the official Logstash image has no Loki output plugin; use LogFlavor.FLUENT_BIT, or LogOutput.custom with an image that has logstash-output-loki';
        case LogOutputType.OTLP:
          return 'Logstash has no OpenTelemetry (OTLP) output plugin; use LogFlavor.OTEL_COLLECTOR or LogFlavor.FLUENT_BIT';
        default:
          return undefined;
      }
    },
    noMetrics: 'Logstash serves its metrics as JSON on its monitoring API (port 9600, /_node/stats), not in the Prometheus format; scrape it with an exporter, or use LogFlavor.FLUENT_BIT or LogFlavor.OTEL_COLLECTOR',
  };
}

/** Where the collector's configuration is mounted (the chart's /conf). */
export const OTEL_CONFIG_DIRECTORY = '/conf';

/**
 * The OpenTelemetry Collector (contrib) as the opentelemetry-collector chart's agent mode runs it
 * (charts/opentelemetry-collector/templates/_pod.tpl at opentelemetry-collector-0.170.0).
 */
function otelCollectorProfile(kubeletMetrics: boolean, hostMetrics: boolean): LogFlavorProfile {
  const memoryLimit = Size.mebibytes(OTEL_MEMORY_LIMIT_MIB);
  return {
    flavor: LogFlavor.OTEL_COLLECTOR,
    configDirectory: OTEL_CONFIG_DIRECTORY,
    mainConfigFile: 'relay.yaml',
    requiredFiles: ['relay.yaml'],
    stateDirectory: '/var/lib/otelcol',
    httpPort: 13133,
    metricsPort: 8888,
    metricsPath: '/metrics',
    args: [`--config=${OTEL_CONFIG_DIRECTORY}/relay.yaml`],
    env: {
      // The chart binds every endpoint to the pod IP.
      MY_POD_IP: EnvValue.fromFieldRef(EnvFieldPaths.POD_IP),
      // k8s_attributes watches only this node's pods (filter.node_from_env_var).
      K8S_NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
      ...(kubeletMetrics ? { K8S_NODE_IP: EnvValue.fromFieldRef(EnvFieldPaths.NODE_IP) } : {}),
      // The Go runtime collects garbage before the container's limit (the chart's useGOMEMLIMIT).
      GOMEMLIMIT: EnvValue.fromValue(`${Math.floor(OTEL_MEMORY_LIMIT_MIB * 0.8)}MiB`),
    },
    // The chart's kubernetesAttributes preset (pods, namespaces; replicasets for the Deployment
    // name), and nodes/stats for kubeletstats.
    rbacRules: [
      { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: READ_METADATA },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ_METADATA },
      ...(kubeletMetrics ? [{ apiGroups: [''], resources: ['nodes/stats'], verbs: READ_METADATA }] : []),
    ],
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: memoryLimit } },
    // health_check answers 200 once every component has started (the chart probes "/" on 13133).
    liveness: httpProbe('/', 13133),
    readiness: httpProbe('/', 13133),
    hostMounts: hostMetrics
      // The node's filesystems for the hostmetrics receiver (root_path /hostfs), as the chart's
      // hostMetrics preset mounts them: read-only, HostToContainer so later mounts show.
      ? [HostMount.readOnly('/', { mountPath: '/hostfs', propagation: MountPropagation.HOST_TO_CONTAINER, type: HostPathVolumeType.DIRECTORY, volumeName: 'hostfs' })]
      : [],
    customKey: 'otelCollector',
    refuseOutput: (type) => {
      switch (type) {
        case LogOutputType.LOKI:
          return 'the Loki exporter was removed from collector-contrib (Loki 3 takes OTLP natively); use LogOutput.otlp with Loki\'s OTLP endpoint (e.g. "http://loki-gateway.loki.svc/otlp")';
        case LogOutputType.OPENSEARCH:
          return 'the library does not model the collector\'s opensearch exporter yet; use LogOutput.custom with `otelCollector` (e.g. "opensearch:\\n  http:\\n    endpoint: ..."), or LogOutput.otlp to a gateway collector';
        default:
          return undefined;
      }
    },
  };
}
