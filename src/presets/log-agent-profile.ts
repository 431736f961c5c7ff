import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvFieldPaths, EnvValue, k8s, Probe } from 'cdk8s-plus-28';
import { LogFlavor } from './log-flavor';
import { LogOutputType } from './log-output';

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
  readonly rbacRules: k8s.PolicyRule[];
  readonly resources: ContainerResources;
  readonly liveness: Probe;
  readonly readiness: Probe;
  readonly startup?: Probe;
}

/** Fluent Bit 4.0.8 from the project's own registry (the chart's default registry). */
export const FLUENT_BIT_IMAGE = 'cr.fluentbit.io/fluent/fluent-bit:4.0.8';
/** fluentd-kubernetes-daemonset images bundle one output plugin each; all have the metadata and CRI plugins. */
export const FLUENTD_ELASTICSEARCH_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1';
export const FLUENTD_OPENSEARCH_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-opensearch-1.1';
/** Filebeat 8.17.4 (the 8.17 line is the long-lived 8.x release). */
export const FILEBEAT_IMAGE = 'docker.elastic.co/beats/filebeat:8.17.4';

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
  }
  return undefined;
}

const READ_METADATA = ['get', 'list', 'watch'];

/** The profile of a flavor. Probes are new objects on every call. */
export function profileOf(flavor: LogFlavor): LogFlavorProfile {
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
      };
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
      };
  }
}
