import * as yaml from 'yaml';
import { LogAgent, LogAgentProps } from '../../src/presets/log-agent';
import { LogFilter } from '../../src/presets/log-filter';
import { LogFlavor } from '../../src/presets/log-flavor';
import { LogOutput } from '../../src/presets/log-output';
import { all, container, newChart, only, podSpec, synth } from '../util/synth';

/** LogFlavor.OTEL_COLLECTOR: the pod, the generated relay.yaml, and what is refused. */

function render(props: LogAgentProps = {}) {
  const chart = newChart();
  const agent = new LogAgent(chart, 'otel', { flavor: LogFlavor.OTEL_COLLECTOR, ...props });
  const objects = synth(chart);
  const text: string = only(objects, 'ConfigMap').data['relay.yaml'];
  return { agent, objects, spec: podSpec(objects), main: container(objects), text, config: yaml.parse(text) };
}

/**
 * Every configuration key the preset writes, per component, as declared by the component's
 * `mapstructure` tags in opentelemetry-collector-contrib (and core, for the otlphttp exporter,
 * debug exporter, batch and memory_limiter processors and the service section). Read in the
 * stored versions named in docs/presets/log-agent.md (Provenance, "OpenTelemetry Collector"),
 * and the same keys the opentelemetry-collector chart 0.170.0 renders for collector 0.158.0
 * (templates/_config.tpl: logsCollectionConfig, kubeletMetricsConfig, hostMetricsConfig,
 * kubernetesAttributesConfig; values.yaml `config`). A key not in this list fails the test.
 */
const KNOWN_KEYS: Record<string, string[]> = {
  // pkg/stanza/fileconsumer/config.go (include, exclude, start_at, include_file_path,
  // include_file_name), pkg/stanza/adapter (operators, storage, retry_on_failure.enabled).
  'receivers.file_log': ['include', 'exclude', 'start_at', 'retry_on_failure', 'retry_on_failure.enabled', 'storage', 'include_file_path', 'include_file_name', 'operators'],
  // pkg/stanza/operator/parser/container/config.go: type, id, max_log_size (add_metadata_from_filepath defaults true).
  'receivers.file_log.operators[]': ['type', 'id', 'max_log_size'],
  // receiver/kubeletstatsreceiver/config.go (ClientConfig: auth_type, endpoint; collection_interval from scraperhelper).
  'receivers.kubeletstats': ['collection_interval', 'auth_type', 'endpoint'],
  // receiver/hostmetricsreceiver/config.go (root_path, scrapers, collection_interval);
  // internal/scraper/filesystemscraper/config.go (exclude_mount_points, exclude_fs_types with filterset match_type).
  'receivers.hostmetrics': ['root_path', 'collection_interval', 'scrapers'],
  'receivers.hostmetrics.scrapers': ['cpu', 'load', 'memory', 'disk', 'filesystem', 'network'],
  'receivers.hostmetrics.scrapers.filesystem': ['exclude_mount_points', 'exclude_mount_points.mount_points', 'exclude_mount_points.match_type', 'exclude_fs_types', 'exclude_fs_types.fs_types', 'exclude_fs_types.match_type'],
  // processor/k8sattributesprocessor/config.go: filter.node_from_env_var, passthrough,
  // pod_association[].sources[].from/name, extract.metadata, extract.otel_annotations.
  'processors.k8s_attributes': ['filter', 'filter.node_from_env_var', 'passthrough', 'pod_association', 'extract', 'extract.otel_annotations', 'extract.metadata'],
  'processors.memory_limiter': ['check_interval', 'limit_percentage', 'spike_limit_percentage'],
  'processors.batch': [],
  // extension/healthcheckextension/config.go (confighttp.ServerConfig endpoint).
  'extensions.health_check': ['endpoint'],
  // extension/storage/filestorage/config.go.
  'extensions.file_storage': ['directory'],
  // extension/basicauthextension/config.go.
  'extensions.basicauth/output': ['client_auth', 'client_auth.username', 'client_auth.password'],
  // exporter/otlphttpexporter/config.go (confighttp.ClientConfig: endpoint, headers, auth.authenticator, tls.ca_file).
  'exporters.otlphttp': ['endpoint', 'headers', 'auth', 'auth.authenticator', 'tls', 'tls.ca_file'],
  'exporters.debug': ['verbosity'],
  // exporter/elasticsearchexporter/config.go (endpoints, logs_index; AuthenticationSettings user,
  // password, api_key; confighttp.ClientConfig tls.ca_file, tls.insecure_skip_verify).
  'exporters.elasticsearch': ['endpoints', 'logs_index', 'user', 'password', 'api_key', 'tls', 'tls.ca_file', 'tls.insecure_skip_verify'],
};

/** The dotted keys of a mapping (maps below the listed depth are values: headers, scrapers' settings). */
function keysOf(value: any, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [];
  }
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...(k === 'headers' || k === 'scrapers' ? [] : keysOf(v, `${prefix}${k}.`))]);
}

describe('LogAgent (OpenTelemetry Collector) defaults', () => {
  // GIVEN the flavor only
  // WHEN
  const { agent, objects, spec, main, config } = render();

  test('runs the contrib image the chart pins, with --config=/conf/relay.yaml', () => {
    expect(agent.image).toBe('otel/opentelemetry-collector-contrib:0.158.0');
    expect(main.command).toBeUndefined();
    expect(main.args).toEqual(['--config=/conf/relay.yaml']);
    expect(main.volumeMounts).toContainEqual({ name: 'config', mountPath: '/conf', readOnly: true });
  });

  test('health_check on 13133 for the probes, the collector\'s metrics on 8888 named metrics', () => {
    expect(main.ports).toEqual([{ containerPort: 13133, name: 'http', protocol: 'TCP' }, { containerPort: 8888, name: 'metrics', protocol: 'TCP' }]);
    expect(main.livenessProbe.httpGet).toMatchObject({ path: '/', port: 13133 });
    expect(main.readinessProbe.httpGet).toMatchObject({ path: '/', port: 13133 });
    expect(config.extensions.health_check).toEqual({ endpoint: '${env:MY_POD_IP}:13133' });
    expect(config.service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({ host: '${env:MY_POD_IP}', port: 8888 });
    expect(agent.serveMetrics).toBe(true);
  });

  test('file_log reads /var/log/pods with the container parser, offsets in file_storage in the state dir', () => {
    expect(config.receivers.file_log).toMatchObject({
      include: ['/var/log/pods/*/*/*.log'],
      exclude: ['/var/log/pods/default_otel-*_*/otel/*.log'],
      storage: 'file_storage',
      operators: [{ type: 'container', id: 'container-parser', max_log_size: 102400 }],
    });
    expect(config.extensions.file_storage).toEqual({ directory: '/var/lib/otelcol' });
    expect(main.volumeMounts).toContainEqual({ name: 'state', mountPath: '/var/lib/otelcol', readOnly: false });
    expect(spec.volumes.find((v: any) => v.name === 'state').hostPath).toEqual({ path: '/var/lib/otel-collector-state/default/otel', type: 'DirectoryOrCreate' });
    expect(config.service.extensions).toEqual(['health_check', 'file_storage']);
  });

  test('k8s_attributes as the chart configures it, with the chart\'s RBAC (pods, namespaces, replicasets)', () => {
    expect(config.processors.k8s_attributes.filter).toEqual({ node_from_env_var: 'K8S_NODE_NAME' });
    expect(main.env).toContainEqual({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(only(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('a logs pipeline only, to the debug exporter (stdout), no host metrics mount', () => {
    expect(config.service.pipelines).toEqual({ logs: { receivers: ['file_log'], processors: ['k8s_attributes', 'memory_limiter', 'batch'], exporters: ['debug'] } });
    expect(config.exporters).toEqual({ debug: { verbosity: 'detailed' } });
    expect(spec.volumes.map((v: any) => v.name)).not.toContain('hostfs');
  });

  test('GOMEMLIMIT at 80% of the 256Mi limit, as the chart computes it', () => {
    expect(main.env).toContainEqual({ name: 'GOMEMLIMIT', value: '204MiB' });
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
  });
});

describe('LogAgent (OpenTelemetry Collector) node metrics and outputs', () => {
  const full = render({
    kubeletMetrics: true,
    hostMetrics: true,
    output: LogOutput.otlp({ url: 'https://otel-gateway.observability.svc:4318', credentialsSecret: 'otel-writer', caBundle: { name: 'ca', key: 'ca.crt' }, headers: { 'X-Tenant': 'a' } }),
    filters: [LogFilter.addFields({ cluster: 'prod' }), LogFilter.custom({ otelCollector: 'filter:\n  error_mode: ignore' })],
  });

  test('kubeletstats on the node IP with nodes/stats, hostmetrics on /hostfs from / read-only HostToContainer', () => {
    const { config, main, spec, objects } = full;
    expect(config.receivers.kubeletstats).toEqual({ collection_interval: '20s', auth_type: 'serviceAccount', endpoint: '${env:K8S_NODE_IP}:10250' });
    expect(main.env).toContainEqual({ name: 'K8S_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
    expect(only(objects, 'ClusterRole').rules).toContainEqual({ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get', 'list', 'watch'] });
    expect(config.receivers.hostmetrics.root_path).toBe('/hostfs');
    expect(main.volumeMounts).toContainEqual({ name: 'hostfs', mountPath: '/hostfs', readOnly: true, mountPropagation: 'HostToContainer' });
    expect(spec.volumes.find((v: any) => v.name === 'hostfs').hostPath).toEqual({ path: '/', type: 'Directory' });
    expect(config.service.pipelines.metrics).toEqual({ receivers: ['kubeletstats', 'hostmetrics'], processors: ['k8s_attributes', 'memory_limiter', 'batch'], exporters: ['otlphttp'] });
  });

  test('OTLP/HTTP: the base endpoint, headers, basic auth through basicauth with env, the CA file', () => {
    const { config, main } = full;
    expect(config.exporters.otlphttp).toEqual({
      endpoint: 'https://otel-gateway.observability.svc:4318',
      headers: { 'X-Tenant': 'a' },
      auth: { authenticator: 'basicauth/output' },
      tls: { ca_file: '/etc/log-output/ca/ca.crt' },
    });
    expect(config.extensions['basicauth/output']).toEqual({ client_auth: { username: '${env:LOG_OUTPUT_USERNAME}', password: '${env:LOG_OUTPUT_PASSWORD}' } });
    expect(config.service.extensions).toEqual(['health_check', 'file_storage', 'basicauth/output']);
    expect(main.env.map((e: any) => e.name)).toEqual(expect.arrayContaining(['LOG_OUTPUT_USERNAME', 'LOG_OUTPUT_PASSWORD']));
    const bearer = render({ output: LogOutput.otlp({ url: 'http://gw:4318/v1/logs', bearerToken: { name: 't', key: 'token' } }) }).config.exporters.otlphttp;
    expect(bearer).toEqual({ endpoint: 'http://gw:4318', headers: { Authorization: 'Bearer ${env:LOG_OUTPUT_BEARER_TOKEN}' } });
  });

  test('filters: addFields as an attributes processor (insert), custom processors by type, before batch', () => {
    const { config } = full;
    expect(config.processors['attributes/add-fields-0']).toEqual({ actions: [{ key: 'cluster', value: 'prod', action: 'insert' }] });
    expect(config.processors['filter/custom-1']).toEqual({ error_mode: 'ignore' });
    expect(config.service.pipelines.logs.processors).toEqual(['k8s_attributes', 'memory_limiter', 'attributes/add-fields-0', 'filter/custom-1', 'batch']);
  });

  test('Elasticsearch: the elasticsearch exporter with the index, the encoded API key or basic auth from env, the CA', () => {
    const es = render({ output: LogOutput.elasticsearch({ host: 'es.logging.svc', tls: true, apiKey: { name: 'es-key', key: 'encoded' }, caBundle: { name: 'ca', key: 'ca.crt' } }) });
    expect(es.config.exporters).toEqual({
      elasticsearch: { endpoints: ['https://es.logging.svc:9200'], logs_index: 'kubernetes-logs', api_key: '${env:LOG_OUTPUT_API_KEY}', tls: { ca_file: '/etc/log-output/ca/ca.crt' } },
    });
    expect(es.main.env).toContainEqual({ name: 'LOG_OUTPUT_API_KEY', valueFrom: { secretKeyRef: { name: 'es-key', key: 'encoded' } } });
    const basic = render({ output: LogOutput.elasticsearch({ host: 'es', tls: true, tlsVerify: false, credentialsSecret: 'w' }) }).config.exporters.elasticsearch;
    expect(basic).toEqual({ endpoints: ['https://es:9200'], logs_index: 'kubernetes-logs', user: '${env:LOG_OUTPUT_USERNAME}', password: '${env:LOG_OUTPUT_PASSWORD}', tls: { insecure_skip_verify: true } });
  });

  test('every key written is one the component declares (list above, with its source)', () => {
    const es = render({ output: LogOutput.elasticsearch({ host: 'es', tls: true, tlsVerify: false, credentialsSecret: 'w', index: 'k8s' }) });
    const esKey = render({ output: LogOutput.elasticsearch({ host: 'es', tls: true, apiKey: { name: 'k', key: 'k' }, caBundle: { name: 'ca', key: 'ca' } }) });
    for (const { config } of [full, render(), es, esKey]) {
      for (const section of ['receivers', 'processors', 'extensions', 'exporters']) {
        for (const [name, settings] of Object.entries<any>(config[section])) {
          const known = KNOWN_KEYS[`${section}.${name}`];
          if (name.includes('/custom') || name.startsWith('attributes/')) {
            continue; // the user's own, or the attributes processor's actions (key, value, action)
          }
          expect([`${section}.${name}`, known === undefined ? 'unknown component' : keysOf(settings).filter((k) => !known.includes(k))]).toEqual([`${section}.${name}`, []]);
          if (name === 'file_log') {
            for (const op of settings.operators) {
              expect(Object.keys(op).filter((k) => !KNOWN_KEYS['receivers.file_log.operators[]'].includes(k))).toEqual([]);
            }
          }
          if (name === 'hostmetrics') {
            expect(Object.keys(settings.scrapers).filter((k) => !KNOWN_KEYS['receivers.hostmetrics.scrapers'].includes(k))).toEqual([]);
            expect(keysOf(settings.scrapers.filesystem).filter((k) => !KNOWN_KEYS['receivers.hostmetrics.scrapers.filesystem'].includes(k))).toEqual([]);
          }
        }
      }
    }
  });

  test('a custom exporter by type', () => {
    const { config } = render({ output: LogOutput.custom({ otelCollector: 'kafka:\n  brokers: ["kafka:9092"]\n  topic: logs' }) });
    expect(config.exporters).toEqual({ 'kafka/custom': { brokers: ['kafka:9092'], topic: 'logs' } });
    expect(config.service.pipelines.logs.exporters).toEqual(['kafka/custom']);
  });

  test.each([
    [LogOutput.loki({ url: 'http://loki:3100' }), /output: got "loki"; the Loki exporter was removed from collector-contrib/],
    [LogOutput.openSearch({ host: 'os' }), /output: got "opensearch"; the library does not model the collector's opensearch exporter yet/],
  ])('fails when the output is not modelled for the collector (%#)', (output, error) => {
    expect(() => render({ output })).toThrow(error);
  });

  test('fails when node metrics are asked of another flavor, or a custom component is not one mapping', () => {
    expect(() => new LogAgent(newChart(), 'fb', { kubeletMetrics: true, hostMetrics: true })).toThrow(/kubeletMetrics: got true; node metrics are collected by the OpenTelemetry Collector only[\s\S]*hostMetrics: got true/);
    expect(() => render({ output: LogOutput.custom({ otelCollector: 'exporters:\n  kafka: {}\nservice: {}' }) })).toThrow(/output\.otelCollector: got .*; expected YAML with one key, the component's type/);
    expect(() => render({ output: LogOutput.custom({ otelCollector: 'Kafka-X:\n  brokers: []' }) })).toThrow(/expected a component type of lowercase letters/);
  });
});

describe('two log agents on the same nodes', () => {
  test('may read the same files (every flavor reads /var/log read-only)', () => {
    // GIVEN Fluent Bit, Logstash and the collector in one app
    const chart = newChart();
    new LogAgent(chart, 'fluent-bit', {});
    new LogAgent(chart, 'logstash', { flavor: LogFlavor.LOGSTASH });
    new LogAgent(chart, 'otel', { flavor: LogFlavor.OTEL_COLLECTOR, hostMetrics: true });
    // WHEN / THEN
    expect(all(synth(chart), 'DaemonSet')).toHaveLength(3);
  });

  test('fails when two of them write the same state directory', () => {
    const chart = newChart();
    new LogAgent(chart, 'logstash', { flavor: LogFlavor.LOGSTASH, stateHostPath: '/var/lib/log-state' });
    new LogAgent(chart, 'otel', { flavor: LogFlavor.OTEL_COLLECTOR, stateHostPath: '/var/lib/log-state' });
    expect(() => synth(chart)).toThrow(/both claim writable host path \/var\/lib\/log-state/);
  });
});
