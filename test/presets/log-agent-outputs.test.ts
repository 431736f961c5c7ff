import { parse } from 'yaml';
import { AgentMetrics } from '../../src/agent-metrics';
import { LogAgent, LogAgentProps } from '../../src/presets/log-agent';
import { LogFilter } from '../../src/presets/log-filter';
import { LogFlavor } from '../../src/presets/log-flavor';
import { LogOutput } from '../../src/presets/log-output';
import { container, newChart, only, podSpec, synth } from '../util/synth';

/** Synthesizes one LogAgent: its main container, pod spec and the generated configuration. */
function render(props: LogAgentProps = {}) {
  const chart = newChart();
  const agent = new LogAgent(chart, 'logs', props);
  const objects = synth(chart);
  const configMap = only(objects, 'ConfigMap');
  return { agent, objects, main: container(objects), spec: podSpec(objects), config: Object.values(configMap.data as Record<string, string>).join('\n'), configMap };
}
const make = (props: LogAgentProps) => () => new LogAgent(newChart(), 'logs', props);
const secretEnv = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

describe('LogAgent metrics (a container port named metrics)', () => {
  test('Fluent Bit: its HTTP server on 2020 is the metrics port (/api/v2/metrics/prometheus)', () => {
    // GIVEN / WHEN
    const { main, config } = render();
    // THEN
    expect(main.ports).toEqual([{ containerPort: 2020, name: 'metrics', protocol: 'TCP' }]);
    expect(config).toMatch(/HTTP_Server\s+On\n\s+HTTP_Listen\s+0\.0\.0\.0\n\s+HTTP_Port\s+2020/);
  });

  test('Fluentd: the prometheus input on 24231 beside monitor_agent on 24220', () => {
    const { main, config } = render({ flavor: LogFlavor.FLUENTD });
    expect(main.ports).toEqual([{ containerPort: 24220, name: 'http', protocol: 'TCP' }, { containerPort: 24231, name: 'metrics', protocol: 'TCP' }]);
    expect(config).toContain('<source>\n  @type prometheus\n  @id in_prometheus\n  bind 0.0.0.0\n  port 24231\n  metrics_path /metrics\n</source>');
    expect(config).toContain('@type prometheus_output_monitor');
  });

  test('Filebeat: no metrics port by default (its endpoint serves JSON, not Prometheus)', () => {
    const { main, agent } = render({ flavor: LogFlavor.FILEBEAT });
    expect(main.ports).toEqual([{ containerPort: 5066, name: 'http', protocol: 'TCP' }]);
    expect(agent.serveMetrics).toBe(false);
  });

  test('serveMetrics: false names Fluent Bit\'s port http and drops Fluentd\'s prometheus input', () => {
    expect(render({ serveMetrics: false }).main.ports).toEqual([{ containerPort: 2020, name: 'http', protocol: 'TCP' }]);
    const fluentd = render({ flavor: LogFlavor.FLUENTD, serveMetrics: false });
    expect(fluentd.main.ports).toEqual([{ containerPort: 24220, name: 'http', protocol: 'TCP' }]);
    expect(fluentd.config).not.toContain('@type prometheus');
  });

  test('fails when metrics is asked of Filebeat', () => {
    expect(make({ flavor: LogFlavor.FILEBEAT, serveMetrics: true })).toThrow(/serveMetrics: got true; Filebeat serves its metrics as JSON at \/stats/);
    expect(make({ flavor: LogFlavor.FILEBEAT, metrics: AgentMetrics.podMonitor() })).toThrow(/metrics: got "PodMonitor"; Filebeat has no Prometheus endpoint/);
  });

  test('a PodMonitor scrapes Fluentd\'s metrics port at /metrics', () => {
    // GIVEN / WHEN
    const { objects } = render({ flavor: LogFlavor.FLUENTD, metrics: AgentMetrics.podMonitor() });
    // THEN
    const monitor = objects.find((o: any) => o.kind === 'PodMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
  });

  test('a PodMonitor for Fluent Bit needs its path, /api/v2/metrics/prometheus', () => {
    expect(make({ metrics: AgentMetrics.podMonitor() })).toThrow(/metrics\.path: got "\/metrics"; fluent-bit serves Prometheus metrics at \/api\/v2\/metrics\/prometheus/);
    const { objects } = render({ metrics: AgentMetrics.podMonitor({ path: '/api/v2/metrics/prometheus' }) });
    expect(objects.find((o: any) => o.kind === 'PodMonitor').spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/api/v2/metrics/prometheus' })]);
    expect(make({ serveMetrics: false, metrics: AgentMetrics.podMonitor({ path: '/api/v2/metrics/prometheus' }) })).toThrow(/metrics: got "PodMonitor"; the agent serves no metrics with `serveMetrics: false`/);
  });
});

describe('LogAgent Elasticsearch API key and CA bundle', () => {
  const output = LogOutput.elasticsearch({ host: 'es.logging.svc', tls: true, apiKey: { name: 'es-key', key: 'encoded' }, caBundle: { name: 'es-ca', key: 'ca.pem' } });

  test.each([LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT] as const)('%s: the key from the Secret through env, the CA bundle mounted read-only', (flavor) => {
    // GIVEN / WHEN
    const { main, spec, config } = render({ flavor, output });
    // THEN the key is an env var from the Secret, the CA a Secret volume; neither is in the ConfigMap
    expect(main.env).toContainEqual(secretEnv('LOG_OUTPUT_API_KEY', 'es-key', 'encoded'));
    expect(spec.volumes).toContainEqual({ name: 'output-ca', secret: expect.objectContaining({ secretName: 'es-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] }) });
    expect(main.volumeMounts).toContainEqual({ name: 'output-ca', mountPath: '/etc/log-output/ca', readOnly: true });
    expect(config).not.toMatch(/es-key|es-ca/);
    expect(config).toContain({
      [LogFlavor.FLUENT_BIT]: 'HTTP_API_Key       ${LOG_OUTPUT_API_KEY}',
      [LogFlavor.FLUENTD]: 'custom_headers "{\\"Authorization\\":\\"ApiKey #{ENV[\'LOG_OUTPUT_API_KEY\']}\\"}"',
      [LogFlavor.FILEBEAT]: '  headers:\n    Authorization: "ApiKey ${LOG_OUTPUT_API_KEY}"',
    }[flavor]);
    expect(config).toContain({
      [LogFlavor.FLUENT_BIT]: 'tls.ca_file        /etc/log-output/ca/ca.crt',
      [LogFlavor.FLUENTD]: 'ca_file /etc/log-output/ca/ca.crt',
      [LogFlavor.FILEBEAT]: 'ssl.certificate_authorities: ["/etc/log-output/ca/ca.crt"]',
    }[flavor]);
  });

  test('fails when the API key goes to OpenSearch, comes with credentials, or the CA bundle without TLS', () => {
    expect(make({ output: LogOutput.openSearch({ host: 'os', apiKey: { name: 'k', key: 'v' } }) })).toThrow(/output\.apiKey: got .*; OpenSearch has no API keys/);
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', credentialsSecret: 'c', apiKey: { name: 'k', key: 'v' } }) })).toThrow(/output\.credentialsSecret: got "c"; choose one authentication: credentialsSecret or apiKey/);
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', caBundle: { name: 'ca', key: 'ca.crt' } }) })).toThrow(/output\.caBundle: got .*; a CA bundle only applies with `tls: true`/);
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', apiKey: { name: 'Bad_Name', key: 'a/b' } }) }))
      .toThrow(/output\.apiKey\.name: got "Bad_Name"; expected a DNS-1123 subdomain(.*\n)*.*output\.apiKey\.key: got "a\/b"; expected a Secret key/);
  });
});

describe('LogAgent Loki tenant, bearer token and CA bundle', () => {
  const output = LogOutput.loki({ url: 'https://loki.example.com', tenantId: 'team-a', bearerToken: { name: 'loki', key: 'token' }, caBundle: { name: 'loki-ca', key: 'ca.crt' } });

  test('Fluent Bit: Tenant_ID (X-Scope-OrgID), Bearer_Token from env, tls.ca_file', () => {
    const { main, config } = render({ output });
    expect(config).toMatch(/Tenant_ID\s+team-a\n/);
    expect(config).toMatch(/Bearer_Token\s+\$\{LOG_OUTPUT_BEARER_TOKEN\}\n/);
    expect(config).toMatch(/tls\.ca_file\s+\/etc\/log-output\/ca\/ca\.crt\n/);
    expect(main.env).toContainEqual(secretEnv('LOG_OUTPUT_BEARER_TOKEN', 'loki', 'token'));
  });

  test('Fluentd: tenant, and the token as a mounted file (the plugin reads bearer_token_file only)', () => {
    const { main, spec, config } = render({ flavor: LogFlavor.FLUENTD, output, image: 'registry.example.com/fluentd-loki:1' });
    expect(config).toContain('  tenant "team-a"\n  bearer_token_file /etc/log-output/token/token\n  ca_cert /etc/log-output/ca/ca.crt\n');
    expect(spec.volumes).toContainEqual({ name: 'output-token', secret: expect.objectContaining({ secretName: 'loki', items: [{ key: 'token', path: 'token' }] }) });
    expect(main.volumeMounts).toContainEqual({ name: 'output-token', mountPath: '/etc/log-output/token', readOnly: true });
    expect(main.env.map((e: any) => e.name)).not.toContain('LOG_OUTPUT_BEARER_TOKEN');
  });

  test.each([[''], ['a b'], ['.'], ['..'], ["it's"], ['a'.repeat(151)]])('fails when the tenant is %j', (tenantId) => {
    expect(make({ output: LogOutput.loki({ url: 'http://loki', tenantId }) })).toThrow(/output\.tenantId: got .*; expected a Loki tenant ID/);
  });

  test('fails when the bearer token comes with credentials, or a CA bundle with http://', () => {
    expect(make({ output: LogOutput.loki({ url: 'http://loki', credentialsSecret: 'c', bearerToken: { name: 't', key: 'token' } }) }))
      .toThrow(/output\.credentialsSecret: got "c"; choose one authentication: credentialsSecret or bearerToken/);
    expect(make({ output: LogOutput.loki({ url: 'http://loki', caBundle: { name: 'ca', key: 'ca.crt' } }) })).toThrow(/output\.caBundle: got .*; a CA bundle only applies to an https:\/\/ URL/);
  });
});

describe('LogAgent OTLP output', () => {
  test('Fluent Bit: the opentelemetry output with host, port, /v1/logs, headers and the bearer token from env', () => {
    // GIVEN / WHEN
    const { main, config } = render({
      output: LogOutput.otlp({ url: 'https://otel.example.com:4318', headers: { 'X-Team': 'a' }, bearerToken: { name: 'otel', key: 'token' } }),
    });
    // THEN
    expect(config).toMatch(/\[OUTPUT\]\n\s+Name\s+opentelemetry\n\s+Match\s+kube\.\*\n\s+Host\s+otel\.example\.com\n\s+Port\s+4318\n\s+Logs_URI\s+\/v1\/logs\n\s+Header\s+X-Team a\n\s+Header\s+Authorization Bearer \$\{LOG_OUTPUT_BEARER_TOKEN\}\n\s+Retry_Limit\s+False\n\s+tls\s+On\n\s+tls\.verify\s+On\n$/);
    expect(main.env).toContainEqual(secretEnv('LOG_OUTPUT_BEARER_TOKEN', 'otel', 'token'));
  });

  test('a URL ending with /v1/logs is used as is; http:// on port 80 without TLS', () => {
    expect(render({ output: LogOutput.otlp({ url: 'http://collector/otlp/v1/logs' }) }).config).toMatch(/Port\s+80\n\s+Logs_URI\s+\/otlp\/v1\/logs\n(.*\n)*\s+tls\s+Off/);
  });

  test.each([[LogFlavor.FLUENTD, /the fluentd-kubernetes-daemonset images have no OpenTelemetry output plugin/], [LogFlavor.FILEBEAT, /Filebeat ships to Elasticsearch or stdout only/]])(
    'fails for %s, naming the flavor', (flavor, message) => {
      expect(make({ flavor, output: LogOutput.otlp({ url: 'http://collector:4318' }) })).toThrow(message);
    });

  test('fails when the URL is bad or a header carries credentials', () => {
    expect(make({ output: LogOutput.otlp({ url: 'collector:4318' }) })).toThrow(/output\.url: got "collector:4318"; expected an http:\/\/ or https:\/\/ URL of an OTLP\/HTTP receiver/);
    expect(make({ output: LogOutput.otlp({ url: 'http://c', headers: { Authorization: 'Bearer x' } }) })).toThrow(/output\.headers\.Authorization: got "Authorization"; credentials do not belong in the ConfigMap/);
    expect(make({ output: LogOutput.otlp({ url: 'http://c', headers: { 'X-A': 'a"b' } }) })).toThrow(/output\.headers\.X-A: got "a\\"b"; expected a header value/);
  });
});

describe('LogOutput.custom', () => {
  const kafka = LogOutput.custom({
    fluentBit: 'Name kafka\nBrokers kafka:9092\nrdkafka.sasl.password ${KAFKA_PASSWORD}',
    fluentd: '@type kafka2\nbrokers kafka:9092\npassword "#{ENV[\'KAFKA_PASSWORD\']}"\n<format>\n  @type json\n</format>',
    filebeat: 'output.kafka:\n  hosts: ["kafka:9092"]\n  password: "${KAFKA_PASSWORD}"',
    secretEnv: { KAFKA_PASSWORD: { name: 'kafka', key: 'password' } },
  });

  test.each([LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT])('%s: inserted as the output, secrets through env', (flavor) => {
    // GIVEN / WHEN
    const { main, config } = render({ flavor, output: kafka, ...(flavor === LogFlavor.FLUENTD ? { image: 'registry.example.com/fluentd-kafka:1' } : {}) });
    // THEN
    expect(main.env).toContainEqual(secretEnv('KAFKA_PASSWORD', 'kafka', 'password'));
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/\[OUTPUT\]\n\s+Name\s+kafka\n\s+Match\s+kube\.\*\n\s+Brokers\s+kafka:9092\n\s+rdkafka\.sasl\.password \$\{KAFKA_PASSWORD\}\n$/);
    } else if (flavor === LogFlavor.FLUENTD) {
      expect(config).toContain('<match kubernetes.**>\n  @type kafka2\n  brokers kafka:9092\n  password "#{ENV[\'KAFKA_PASSWORD\']}"\n  <format>\n    @type json\n  </format>\n</match>');
    } else {
      expect(parse(config)['output.kafka']).toEqual({ hosts: ['kafka:9092'], password: '${KAFKA_PASSWORD}' });
    }
  });

  test('Fluent Bit: a Match of the user\'s own is kept, none added', () => {
    const { config } = render({ output: LogOutput.custom({ fluentBit: 'Name null\nMatch_Regex ^kube\\.var\\.log\\.containers\\.web' }) });
    expect(config).toMatch(/\[OUTPUT\]\n\s+Name\s+null\n\s+Match_Regex\s+\^kube\\\.var\\\.log\\\.containers\\\.web\n$/);
  });

  test('fails for a flavor it has no text for, naming the flavor', () => {
    expect(make({ flavor: LogFlavor.FLUENTD, output: LogOutput.custom({ fluentBit: 'Name null' }) }))
      .toThrow(/output\.fluentd: got undefined; the agent runs fluentd, and the custom output has text for fluentBit only; add `fluentd`/);
  });

  test('fails when the text would leave its section or directive', () => {
    expect(make({ output: LogOutput.custom({ fluentBit: 'Name null\n[INPUT]\nName dummy' }) })).toThrow(/output\.fluentBit: got .*; expected one "Key value" per line/);
    expect(make({ output: LogOutput.custom({ fluentBit: 'Brokers kafka:9092' }) })).toThrow(/output\.fluentBit: got .*; expected a "Name <plugin>" line/);
    expect(make({ flavor: LogFlavor.FLUENTD, output: LogOutput.custom({ fluentd: '@type null\n</match>\n<match **>\n@type stdout' }) })).toThrow(/output\.fluentd: got .*; the directives are not balanced at "<\/match>"/);
    expect(make({ flavor: LogFlavor.FILEBEAT, output: LogOutput.custom({ filebeat: 'output.kafka:\n  hosts: [a]\nlogging.level: debug' }) })).toThrow(/output\.filebeat: got .*; expected YAML with one top-level setting/);
    expect(make({ flavor: LogFlavor.FILEBEAT, output: LogOutput.custom({ filebeat: 'processors: []' }) })).toThrow(/output\.filebeat: got .*; expected the output setting "output.<type>", got "processors"/);
    expect(make({ output: LogOutput.custom({}) })).toThrow(/output\.custom: got undefined; expected the output for at least one flavor/);
    expect(make({ output: LogOutput.custom({ fluentBit: 'Name null', secretEnv: { 'bad-name': { name: 's', key: 'k' } } }) })).toThrow(/output\.secretEnv\.bad-name: got "bad-name"/);
  });
});

describe('LogAgent excludeNamespaces', () => {
  test.each([LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT])('%s: the namespaces\' files are never read, the agent\'s own still skipped', (flavor) => {
    // GIVEN / WHEN
    const { config } = render({ flavor, excludeNamespaces: ['kube-system', 'load-test', 'kube-system'] });
    // THEN
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/Exclude_Path\s+\/var\/log\/containers\/logs-\*_default_logs-\*\.log,\/var\/log\/containers\/\*_kube-system_\*\.log,\/var\/log\/containers\/\*_load-test_\*\.log\n/);
    } else if (flavor === LogFlavor.FLUENTD) {
      expect(config).toContain('exclude_path ["/var/log/containers/logs-*_default_logs-*.log","/var/log/containers/*_kube-system_*.log","/var/log/containers/*_load-test_*.log"]');
    } else {
      const patterns = (parse(config)['filebeat.inputs'][0]['prospector.scanner.exclude_files'] as string[]).map((p) => new RegExp(p));
      const excluded = (file: string) => patterns.some((p) => p.test(file));
      expect(excluded('/var/log/containers/coredns-5d78c9869d-abcde_kube-system_coredns-0123abcd.log')).toBe(true);
      expect(excluded('/var/log/containers/k6-x7k2p_load-test_k6-0123abcd.log')).toBe(true);
      expect(excluded('/var/log/containers/web-x7k2p_kube-system-extra_web-0123abcd.log')).toBe(false);
      expect(excluded('/var/log/containers/web-x7k2p_default_web-0123abcd.log')).toBe(false);
    }
  });

  test('fails when a namespace is not a DNS label, or with configOverride', () => {
    expect(make({ excludeNamespaces: ['Kube_System'] })).toThrow(/excludeNamespaces\[0\]: got "Kube_System"; expected a DNS-1123 label/);
    // Two props with the same bad value are two problems: neither hides the other.
    expect(make({ excludeNamespaces: ['Bad_NS'], namespace: 'Bad_NS' }))
      .toThrow(/^2 invalid props for LogAgent[^\n]*\n {2}- excludeNamespaces\[0\]: got "Bad_NS"; expected a DNS-1123 label[^\n]*\n {2}- namespace: got "Bad_NS"; expected a DNS-1123 label/);
    expect(make({ excludeNamespaces: ['a'], configOverride: { 'fluent-bit.conf': '' } })).toThrow(/excludeNamespaces: got \["a"\]; configOverride replaces the generated configuration/);
  });
});

describe('LogAgent filters', () => {
  test.each([LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT])('%s: addFields after the Kubernetes metadata, before the output', (flavor) => {
    // GIVEN / WHEN
    const { config } = render({ flavor, filters: [LogFilter.addFields({ env: 'prod', cluster: 'prod-eu-1' })] });
    // THEN
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/Name\s+kubernetes(.*\n)*\[FILTER\]\n\s+Name\s+modify\n\s+Match\s+kube\.\*\n\s+Add\s+cluster prod-eu-1\n\s+Add\s+env prod\n\n?\[OUTPUT\]/);
    } else if (flavor === LogFlavor.FLUENTD) {
      expect(config).toMatch(/@type kubernetes_metadata\n(.*\n)*<filter kubernetes\.\*\*>\n {2}@type record_transformer\n {2}<record>\n {4}cluster prod-eu-1\n {4}env prod\n {2}<\/record>\n<\/filter>\n\n<match kubernetes\.\*\*>/);
    } else {
      const processors = parse(config)['filebeat.inputs'][0].processors;
      expect(processors.map((p: any) => Object.keys(p)[0])).toEqual(['add_kubernetes_metadata', 'add_fields']);
      expect(processors[1].add_fields).toEqual({ target: '', fields: { cluster: 'prod-eu-1', env: 'prod' } });
    }
  });

  test('a custom filter per flavor, in order after addFields', () => {
    const filter = LogFilter.custom({ fluentBit: 'Name grep\nExclude log ^DEBUG', filebeat: 'drop_event:\n  when:\n    regexp:\n      message: "^DEBUG"' });
    expect(render({ filters: [LogFilter.addFields({ a: 'b' }), filter] }).config).toMatch(/Name\s+modify(.*\n)*\[FILTER\]\n\s+Name\s+grep\n\s+Match\s+kube\.\*\n\s+Exclude\s+log \^DEBUG\n/);
    const processors = parse(render({ flavor: LogFlavor.FILEBEAT, filters: [filter] }).config)['filebeat.inputs'][0].processors;
    expect(processors[1]).toEqual({ drop_event: { when: { regexp: { message: '^DEBUG' } } } });
  });

  test('fails for a flavor the custom filter has no text for, a bad field, or with configOverride', () => {
    expect(make({ flavor: LogFlavor.FLUENTD, filters: [LogFilter.custom({ fluentBit: 'Name grep\nExclude log x' })] }))
      .toThrow(/filters\[0\]\.fluentd: got undefined; the agent runs fluentd, and the custom filter has text for fluentBit only/);
    expect(make({ filters: [LogFilter.addFields({ '1st': 'x', 'ok': '${SECRET}' })] }))
      .toThrow(/filters\[0\]\.fields\.1st: got "1st"; expected a field name(.*\n)*.*filters\[0\]\.fields\.ok: got "\$\{SECRET\}"; expected a value/);
    expect(make({ filters: [LogFilter.addFields({})] })).toThrow(/filters\[0\]\.fields: got \{\}; expected at least one field/);
    expect(make({ filters: [LogFilter.addFields({ a: 'b' })], configOverride: { 'fluent-bit.conf': '' } })).toThrow(/filters: got \["add-fields"\]; configOverride replaces the generated configuration/);
    expect(make({ filters: [{ type: 'custom' } as any] })).toThrow(/filters\[0\]: got \{"type":"custom"\}; expected a LogFilter \(LogFilter\.addFields\(\), LogFilter\.custom\(\)\)/);
  });
});

describe('LogAgent secrets never enter the ConfigMap', () => {
  const ref = (name: string) => ({ name, key: `${name}-key` });
  const outputs: Array<[LogFlavor, LogOutput, string[]]> = [
    [LogFlavor.FLUENT_BIT, LogOutput.elasticsearch({ host: 'es', tls: true, apiKey: ref('s-api'), caBundle: ref('s-ca') }), ['s-api', 's-ca']],
    [LogFlavor.FLUENT_BIT, LogOutput.loki({ url: 'https://loki', bearerToken: ref('s-token'), caBundle: ref('s-ca') }), ['s-token', 's-ca']],
    [LogFlavor.FLUENT_BIT, LogOutput.otlp({ url: 'https://otel', credentialsSecret: 's-basic', caBundle: ref('s-ca') }), ['s-basic', 's-ca']],
    [LogFlavor.FLUENTD, LogOutput.elasticsearch({ host: 'es', tls: true, apiKey: ref('s-api') }), ['s-api']],
    [LogFlavor.FLUENTD, LogOutput.loki({ url: 'https://loki', bearerToken: ref('s-token') }), ['s-token']],
    [LogFlavor.FILEBEAT, LogOutput.elasticsearch({ host: 'es', tls: true, credentialsSecret: 's-basic', caBundle: ref('s-ca') }), ['s-basic', 's-ca']],
  ];

  test.each(outputs)('%s, case %#: referenced from the pod only', (flavor, output, secrets) => {
    // GIVEN / WHEN
    const { configMap, spec } = render({ flavor, output, image: flavor === LogFlavor.FLUENTD ? 'registry.example.com/fluentd-loki:1' : undefined });
    // THEN no Secret name or key is in the ConfigMap, and each is referenced by the pod
    const data = JSON.stringify(configMap.data);
    const podRefs = JSON.stringify(spec);
    for (const secret of secrets) {
      expect({ secret, inConfigMap: data.includes(secret) }).toEqual({ secret, inConfigMap: false });
      expect({ secret, inPod: podRefs.includes(`"${secret}"`) }).toEqual({ secret, inPod: true });
    }
  });
});
