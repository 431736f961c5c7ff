import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { brand } from './private/brand';
import { checkKeyValueMap } from './private/label-map';
import { BoundMetrics, MetricsTarget } from './private/metrics-target';
import * as rules from './private/rules';
import { checkArgs } from './private/shapes';
import { ValidationProblems } from './validation-problems';

/** How Prometheus scrapes the agent (a PodMonitor's or ServiceMonitor's endpoint). */
export interface MonitorOptions {
  /**
   * How often Prometheus scrapes each pod.
   *
   * @default - Prometheus's global scrape interval
   */
  readonly interval?: Duration;

  /**
   * How long a scrape may take; at most `interval`.
   *
   * @default - Prometheus's global scrape timeout
   */
  readonly scrapeTimeout?: Duration;

  /**
   * The name of the container port that serves the metrics (of any container of the pod).
   *
   * @default "metrics"
   */
  readonly port?: string;

  /**
   * The HTTP path of the metrics.
   *
   * @default "/metrics"
   */
  readonly path?: string;

  /**
   * Labels of the monitor object, added to the agent's labels: the place for the label your
   * Prometheus selects monitors by (e.g. `release: kube-prometheus-stack`).
   *
   * @default - the agent's labels
   */
  readonly labels?: { [key: string]: string };
}

/** Options of a ServiceMonitor. */
export interface ServiceMonitorOptions extends MonitorOptions {
  /**
   * The name of the headless Service made for the monitor (a DNS-1035 label).
   *
   * @default - the agent's name and "-metrics"
   */
  readonly serviceName?: string;
}

/**
 * Makes Prometheus (with the prometheus-operator) scrape the agent on every node: a
 * `monitoring.coreos.com/v1` PodMonitor, or a ServiceMonitor with the headless Service it needs,
 * in the agent's namespace, selecting the DaemonSet's pods by its selector labels. Each series
 * gets a `node` label (the node the pod runs on), since the default `instance` label is the
 * pod's address, which changes with every rollout, and a `job` label that is the agent's name
 * (`jobLabel: app.kubernetes.io/name`), whatever the monitor: what dashboards and alerts select
 * by (the node-exporter mixin's `job="node-exporter"`), where the operator's default would be
 * the Service's name (`<name>-metrics`) or `<namespace>/<monitor>`.
 *
 * @example
 * AgentMetrics.podMonitor({ interval: Duration.seconds(30), labels: { release: 'prometheus' } });
 */
export class AgentMetrics {
  /** A PodMonitor: Prometheus scrapes the pods directly (no Service). */
  public static podMonitor(options: MonitorOptions = {}): AgentMetrics {
    checkArgs('AgentMetrics.podMonitor', [options]);
    return new AgentMetrics('PodMonitor', options, undefined);
  }

  /**
   * A ServiceMonitor and the headless Service it finds the pods through (for Prometheus setups
   * that only select ServiceMonitors). The Service is labelled
   * `cdk8s-node-agents/metrics-service: <its name>` and the monitor selects it by that label
   * and the DaemonSet's selector labels, so no other Service of the agent is scraped twice.
   */
  public static serviceMonitor(options: ServiceMonitorOptions = {}): AgentMetrics {
    checkArgs('AgentMetrics.serviceMonitor', [options]);
    return new AgentMetrics('ServiceMonitor', options, options.serviceName);
  }

  /** The name of the container port scraped. */
  public readonly port: string;

  /** The HTTP path scraped. */
  public readonly path: string;

  private constructor(
    /** The kind of the monitor: "PodMonitor" or "ServiceMonitor". */
    public readonly kind: string,
    private readonly options: MonitorOptions,
    private readonly serviceName: string | undefined,
  ) {
    this.port = options.port ?? 'metrics';
    this.path = options.path ?? '/metrics';
  }

  /** Records every problem of these options for an agent with these container port names. @internal */
  public _check(agentName: string, portNames: string[], problems: ValidationProblems): void {
    const o = this.options ?? {};
    problems.check('metrics.port', this.port, rules.portName(this.port));
    if (!portNames.includes(this.port)) {
      problems.add('metrics.port', this.port, `Prometheus scrapes a named container port, and the pod has none named "${this.port}" (named ports: ${portNames.join(', ') || 'none'}); name the metrics port "${this.port}" in \`ports\`, or pass its name as \`port\``);
    }
    if (typeof this.path !== 'string' || !this.path.startsWith('/')) {
      problems.add('metrics.path', this.path, 'expected an HTTP path starting with "/", e.g. "/metrics"');
    }
    for (const [prop, value] of [['interval', o.interval], ['scrapeTimeout', o.scrapeTimeout]] as const) {
      if (value !== undefined && (!(value instanceof Duration) || value.toMilliseconds() <= 0)) {
        problems.add(`metrics.${prop}`, value instanceof Duration ? `${value.toMilliseconds()}ms` : value, 'expected a positive Duration, e.g. Duration.seconds(30)');
      }
    }
    // Prometheus refuses a scrape config whose timeout exceeds its interval.
    if (o.interval instanceof Duration && o.scrapeTimeout instanceof Duration && o.scrapeTimeout.toMilliseconds() > o.interval.toMilliseconds()) {
      problems.add('metrics.scrapeTimeout', `${o.scrapeTimeout.toMilliseconds()}ms`, `must not exceed the interval (${o.interval.toMilliseconds()}ms)`);
    }
    checkKeyValueMap(o.labels, 'metrics.labels', problems, 'labels');
    if (this.kind === 'ServiceMonitor') {
      const serviceName = this.serviceName ?? `${agentName}-metrics`;
      const problem = rules.dns1035Label(serviceName);
      if (problem !== undefined) {
        problems.add('metrics.serviceName', serviceName, `${problem}${this.serviceName === undefined ? '; the default is the agent\'s name and "-metrics": pass a `serviceName`' : ''}`);
      }
    }
  }

  /** Creates the monitor (and Service) under `scope`. @internal */
  public _bind(scope: Construct, target: MetricsTarget): BoundMetrics {
    const o = this.options ?? {};
    const labels = { ...target.labels, ...o.labels };
    const endpoint = {
      port: this.port,
      path: this.path,
      interval: o.interval && promDuration(o.interval),
      scrapeTimeout: o.scrapeTimeout && promDuration(o.scrapeTimeout),
      relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
    };
    if (this.kind === 'PodMonitor') {
      const monitor = new ApiObject(scope, 'PodMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: target.name, namespace: target.namespace, labels },
        spec: {
          jobLabel: JOB_LABEL,
          selector: { matchLabels: { ...target.selectorLabels } },
          podMetricsEndpoints: [endpoint],
        },
      });
      return { monitor };
    }
    const serviceName = this.serviceName ?? `${target.name}-metrics`;
    const containerPort = target.ports.find((p) => p.name === this.port)!;
    // Selected by this label too, so that another Service of the agent (NodeExporter has one)
    // is not scraped a second time.
    const serviceLabel = { [METRICS_SERVICE_LABEL]: serviceName };
    const service = new k8s.KubeService(scope, 'MetricsService', {
      metadata: { name: serviceName, namespace: target.namespace, labels: { ...target.labels, ...serviceLabel } },
      spec: {
        // Headless: Prometheus needs each pod's endpoint, never a load-balanced address.
        clusterIp: 'None',
        selector: { ...target.selectorLabels },
        ports: [{ name: this.port, port: containerPort.number, targetPort: k8s.IntOrString.fromString(this.port), protocol: 'TCP' }],
      },
    });
    const monitor = new ApiObject(scope, 'ServiceMonitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: target.name, namespace: target.namespace, labels },
      spec: {
        jobLabel: JOB_LABEL,
        selector: { matchLabels: { ...target.selectorLabels, ...serviceLabel } },
        endpoints: [endpoint],
      },
    });
    return { monitor, service };
  }
}
brand(AgentMetrics, 'AgentMetrics');

/** The label whose value becomes the series' `job`: the agent's name, on its pods and Services alike. */
const JOB_LABEL = 'app.kubernetes.io/name';

/** The label that marks the Service a ServiceMonitor of this library scrapes (its value: the Service's name). */
const METRICS_SERVICE_LABEL = 'cdk8s-node-agents/metrics-service';

/** A Prometheus duration: whole seconds as "30s", anything finer in milliseconds. */
function promDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
