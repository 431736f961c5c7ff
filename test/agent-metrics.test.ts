import { Duration } from 'cdk8s';
import { ContainerRestartPolicy } from 'cdk8s-plus-28';
import { AgentMetrics, DaemonSet, DaemonSetProps, NodeExporter } from '../src';
import { prometheusProblems } from './util/prometheus-schema';
import { all, newChart, only, synth } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';
const SELECTOR = { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'agent' };
const LABELS = { ...SELECTOR, 'app.kubernetes.io/version': '1.2.3', 'app.kubernetes.io/managed-by': 'cdk8s' };
const NODE_LABEL = { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' };

/** An agent serving metrics on port 9100 named "metrics", in namespace "monitoring". */
function agent(props: Partial<DaemonSetProps>) {
  const chart = newChart({ namespace: 'monitoring' });
  const ds = new DaemonSet(chart, 'agent', { image: IMAGE, ports: [{ containerPort: 9100, name: 'metrics' }], ...props });
  return { ds, objects: synth(chart) };
}

function make(props: Partial<DaemonSetProps>): () => DaemonSet {
  return () => new DaemonSet(newChart(), 'agent', { image: IMAGE, ports: [{ containerPort: 9100, name: 'metrics' }], ...props });
}

describe('AgentMetrics.podMonitor', () => {
  test('a PodMonitor selecting the DaemonSet\'s pods and their "metrics" port', () => {
    // GIVEN / WHEN
    const { objects, ds } = agent({ metrics: AgentMetrics.podMonitor() });
    // THEN
    expect(only(objects, 'PodMonitor')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'agent', namespace: 'monitoring', labels: LABELS },
      spec: {
        // The job is the agent's name (the label's value), as dashboards and alerts select it.
        jobLabel: 'app.kubernetes.io/name',
        selector: { matchLabels: SELECTOR },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', relabelings: [NODE_LABEL] }],
      },
    });
    expect(only(objects, 'DaemonSet').spec.selector.matchLabels).toEqual(SELECTOR);
    expect(objects.filter((o) => o.kind === 'Service')).toEqual([]);
    expect(ds.monitor).toBeDefined();
    expect(ds.metricsService).toBeUndefined();
  });

  test('with an interval, timeout, port, path and the label Prometheus selects by', () => {
    // GIVEN / WHEN
    const { objects } = agent({
      ports: [{ containerPort: 2020, name: 'http' }],
      metrics: AgentMetrics.podMonitor({
        interval: Duration.seconds(30),
        scrapeTimeout: Duration.millis(2500),
        port: 'http',
        path: '/api/v1/metrics/prometheus',
        labels: { release: 'kube-prometheus-stack' },
      }),
    });
    const monitor = only(objects, 'PodMonitor');
    // THEN
    expect(monitor.metadata.labels).toEqual({ ...LABELS, release: 'kube-prometheus-stack' });
    expect(monitor.spec.podMetricsEndpoints).toEqual([{
      port: 'http', path: '/api/v1/metrics/prometheus', interval: '30s', scrapeTimeout: '2500ms', relabelings: [NODE_LABEL],
    }]);
  });

  test('a port of a sidecar or native sidecar counts', () => {
    const { objects } = agent({
      ports: [],
      initContainers: [{ name: 'exporter', image: IMAGE, restartPolicy: ContainerRestartPolicy.ALWAYS, ports: [{ containerPort: 9200, name: 'metrics' }] }],
      metrics: AgentMetrics.podMonitor(),
    });
    expect(only(objects, 'PodMonitor').spec.podMetricsEndpoints[0].port).toBe('metrics');
  });
});

describe('AgentMetrics.serviceMonitor', () => {
  test('a ServiceMonitor and the headless Service it scrapes through', () => {
    // GIVEN / WHEN
    const { objects, ds } = agent({ metrics: AgentMetrics.serviceMonitor({ interval: Duration.minutes(1) }) });
    // THEN
    expect(only(objects, 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'agent-metrics', namespace: 'monitoring', labels: { ...LABELS, 'cdk8s-node-agents/metrics-service': 'agent-metrics' } },
      spec: {
        clusterIP: 'None',
        selector: SELECTOR,
        ports: [{ name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' }],
      },
    });
    expect(only(objects, 'ServiceMonitor')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'agent', namespace: 'monitoring', labels: LABELS },
      spec: {
        // job="agent", not the Service's name "agent-metrics" (the node-exporter mixin selects job="node-exporter").
        jobLabel: 'app.kubernetes.io/name',
        selector: { matchLabels: { ...SELECTOR, 'cdk8s-node-agents/metrics-service': 'agent-metrics' } },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '60s', relabelings: [NODE_LABEL] }],
      },
    });
    expect(ds.metricsService).toBeDefined();
  });

  test('on a preset with its own Service (NodeExporter), selects only the metrics Service', () => {
    // GIVEN
    const chart = newChart({ namespace: 'monitoring' });
    new NodeExporter(chart, 'node-exporter', { metrics: AgentMetrics.serviceMonitor() });
    // WHEN
    const objects = synth(chart);
    const monitor = only(objects, 'ServiceMonitor');
    const selected = all(objects, 'Service').filter((svc) =>
      Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels?.[k] === v));
    // THEN
    expect(all(objects, 'Service')).toHaveLength(2);
    expect(selected.map((svc) => svc.metadata.name)).toEqual(['node-exporter-metrics']);
    expect(only(objects, 'DaemonSet').spec.template.spec.containers[0].ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
  });

  test('with its own Service name', () => {
    const { objects } = agent({ metrics: AgentMetrics.serviceMonitor({ serviceName: 'agent-scrape' }) });
    expect(only(objects, 'Service').metadata.name).toBe('agent-scrape');
  });

  test('fails when the default Service name is not a DNS-1035 label (the agent\'s name starts with a digit)', () => {
    expect(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, name: '2nd-agent', ports: [{ containerPort: 9100, name: 'metrics' }], metrics: AgentMetrics.serviceMonitor() }))
      .toThrow(/metrics\.serviceName: got "2nd-agent-metrics"; expected a DNS-1035 label.*pass a `serviceName`/);
  });

  test('fails when the Service name is too long', () => {
    expect(make({ metrics: AgentMetrics.serviceMonitor({ serviceName: 'a'.repeat(64) }) })).toThrow(/metrics\.serviceName: got "a{64}"; expected a DNS-1035 label/);
  });
});

describe('fails when', () => {
  test('the pod has no port named "metrics"', () => {
    expect(make({ ports: [{ containerPort: 9100, name: 'http' }], metrics: AgentMetrics.podMonitor() }))
      .toThrow(/metrics\.port: got "metrics"; Prometheus scrapes a named container port, and the pod has none named "metrics" \(named ports: http\)/);
  });

  test('the pod has no named port at all', () => {
    expect(make({ ports: [{ containerPort: 9100 }], metrics: AgentMetrics.serviceMonitor() })).toThrow(/\(named ports: none\)/);
  });

  test.each([
    ['a timeout longer than the interval', { interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(15) }, /metrics\.scrapeTimeout: got "15000ms"; must not exceed the interval \(10000ms\)/],
    ['a zero interval', { interval: Duration.seconds(0) }, /metrics\.interval: got "0ms"; expected a positive Duration/],
    ['a relative path', { path: 'metrics' }, /metrics\.path: got "metrics"; expected an HTTP path starting with "\/"/],
    ['a port name that is not one', { port: 'Metrics_Port' }, /metrics\.port: got "Metrics_Port"; expected a port name/],
    ['a label that is not one', { labels: { release: 'a b' } }, /metrics\.labels\.release: got "a b"; expected a label value/],
  ])('given %s', (_, options, error) => {
    expect(make({ metrics: AgentMetrics.podMonitor(options) })).toThrow(error);
  });

  test('given an interval that is not a Duration (untyped callers): the factory itself refuses it', () => {
    expect(() => AgentMetrics.podMonitor({ interval: '30s' as any }))
      .toThrow(/interval: got "30s"; expected a Duration \(Duration\.days\(\)/);
  });

  test('metrics is not made by AgentMetrics (untyped callers)', () => {
    expect(make({ metrics: { kind: 'PodMonitor' } as any })).toThrow(/metrics: got .*expected an AgentMetrics \(AgentMetrics.podMonitor\(\), AgentMetrics.serviceMonitor\(\)\)/);
  });
});

describe('the CRD schema check itself', () => {
  test('rejects a PodMonitor with a malformed interval, and accepts what the library emits', () => {
    // GIVEN what the library emits
    const monitor = only(agent({ metrics: AgentMetrics.podMonitor({ interval: Duration.seconds(30) }) }).objects, 'PodMonitor');
    // WHEN / THEN
    expect(prometheusProblems(monitor)).toEqual([]);
    const broken = { ...monitor, spec: { ...monitor.spec, podMetricsEndpoints: [{ port: 'metrics', interval: '30 seconds' }] } };
    expect(prometheusProblems(broken)).toEqual([expect.stringMatching(/PodMonitor\/agent: \/spec\/podMetricsEndpoints\/0\/interval must match pattern/)]);
  });

  test('rejects a ServiceMonitor without endpoints', () => {
    const monitor = only(agent({ metrics: AgentMetrics.serviceMonitor() }).objects, 'ServiceMonitor');
    expect(prometheusProblems({ ...monitor, spec: { selector: monitor.spec.selector } })).toEqual([expect.stringMatching(/ServiceMonitor\/agent: \/spec must have required property endpoints/)]);
  });
});
