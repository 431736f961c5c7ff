import { Size } from 'cdk8s';
import { LogAgent, LogAgentProps } from '../../src/presets/log-agent';
import { LOGSTASH_SINCEDB } from '../../src/presets/log-agent-config';
import { LogFilter } from '../../src/presets/log-filter';
import { LogFlavor } from '../../src/presets/log-flavor';
import { LogOutput } from '../../src/presets/log-output';
import { container, newChart, only, podSpec, synth } from '../util/synth';

/** LogFlavor.LOGSTASH: the pod, the generated pipeline and logstash.yml, and what is refused. */

function render(props: LogAgentProps = {}) {
  const chart = newChart();
  const agent = new LogAgent(chart, 'logstash', { flavor: LogFlavor.LOGSTASH, ...props });
  const objects = synth(chart);
  const files: Record<string, string> = only(objects, 'ConfigMap').data;
  return { agent, objects, spec: podSpec(objects), main: container(objects), files, pipeline: files['logstash.conf'], settings: files['logstash.yml'] };
}

describe('LogAgent (Logstash) defaults', () => {
  // GIVEN the flavor only
  // WHEN
  const { agent, objects, spec, main, pipeline, settings } = render();

  test('runs the pinned official image with the logstash binary, not the image entrypoint (env2yaml would write the read-only logstash.yml)', () => {
    expect(agent.image).toBe('docker.elastic.co/logstash/logstash:8.17.4');
    expect(main.image).toBe('docker.elastic.co/logstash/logstash:8.17.4');
    expect(main.command).toEqual(['/usr/share/logstash/bin/logstash']);
    expect(main.args).toBeUndefined();
  });

  test('a fixed 512m heap in LS_JAVA_OPTS, memory request = limit = twice the heap, no CPU limit', () => {
    expect(main.env).toContainEqual({ name: 'LS_JAVA_OPTS', value: '-Xms512m -Xmx512m -Dls.cgroup.cpuacct.path.override=/ -Dls.cgroup.cpu.path.override=/' });
    expect(main.resources).toEqual({ requests: { cpu: '250m', memory: '1024Mi' }, limits: { memory: '1024Mi' } });
  });

  test('probes the monitoring API on 9600, with a 5-minute startup probe for the JVM', () => {
    expect(main.ports).toEqual([{ containerPort: 9600, name: 'http', protocol: 'TCP' }]);
    expect(main.startupProbe).toMatchObject({ httpGet: { path: '/', port: 9600 }, periodSeconds: 10, failureThreshold: 30 });
    expect(main.livenessProbe).toMatchObject({ httpGet: { path: '/', port: 9600 }, failureThreshold: 3 });
    expect(main.readinessProbe).toMatchObject({ httpGet: { path: '/', port: 9600 } });
  });

  test('needs no API access: no ClusterRole, no token (metadata from the file names)', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'ServiceAccount']);
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('mounts the pipeline file alone in /usr/share/logstash/pipeline and logstash.yml over the image\'s, the state dir at path.data', () => {
    const mounts = Object.fromEntries(main.volumeMounts.map((m: any) => [m.mountPath, m]));
    expect(mounts['/usr/share/logstash/pipeline']).toEqual({ name: 'config', mountPath: '/usr/share/logstash/pipeline', readOnly: true });
    expect(mounts['/usr/share/logstash/config/logstash.yml']).toEqual({ name: 'settings', mountPath: '/usr/share/logstash/config/logstash.yml', readOnly: true, subPath: 'logstash.yml' });
    expect(mounts['/usr/share/logstash/data']).toMatchObject({ name: 'state', readOnly: false });
    const volumes = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
    expect(volumes.config.configMap.items).toEqual([{ key: 'logstash.conf', path: 'logstash.conf' }]);
    expect(volumes.settings.configMap.items).toEqual([{ key: 'logstash.yml', path: 'logstash.yml' }]);
    expect(volumes.state.hostPath).toEqual({ path: '/var/lib/logstash-state/default/logstash', type: 'DirectoryOrCreate' });
    expect(agent.stateHostPath).toBe('/var/lib/logstash-state/default/logstash');
    expect(volumes['host-var-log'].hostPath).toEqual({ path: '/var/log', type: 'Directory' });
  });

  test('logstash.yml: the API on 0.0.0.0:9600, path.data in the state dir, automatic reload, root allowed', () => {
    expect(settings.split('\n')).toEqual(expect.arrayContaining([
      'api.enabled: true', 'api.http.host: "0.0.0.0"', 'api.http.port: 9600', 'path.data: "/usr/share/logstash/data"',
      'config.reload.automatic: true', 'allow_superuser: true',
    ]));
  });

  test('the file input tails /var/log/containers/*.log with its sincedb in the state dir, skipping its own files by name', () => {
    expect(pipeline).toContain('path => ["/var/log/containers/*.log"]');
    expect(pipeline).toContain(`sincedb_path => "/usr/share/logstash/data/${LOGSTASH_SINCEDB}"`);
    expect(pipeline).toContain('start_position => "beginning"');
    // exclude is matched against the file name, not the path
    expect(pipeline).toContain('exclude => ["logstash-*_default_logstash-*.log"]');
  });

  test('parses CRI (joining P parts) and Docker json-file, and the pod/namespace/container from the file name', () => {
    expect(pipeline).toContain('pattern => "^\\S+ (stdout|stderr) P "');
    expect(pipeline).toContain('} else {');
    expect(pipeline).toContain('gsub => ["message", "\\n\\S+ (?:stdout|stderr) [PF] ", ""]');
    expect(pipeline).toMatch(/match => \{ "\[log\]\[file\]\[path\]" => "\^\/var\/log\/containers\/%\{K8S_NAME:\[kubernetes\]\[pod\]\[name\]\}_%\{K8S_NAME:\[kubernetes\]\[namespace\]\}_/);
  });

  test('the CRI and file-name expressions match real lines and paths', () => {
    const cri = /^\S+ (stdout|stderr) P /;
    expect(cri.test('2026-01-01T00:00:00.000000000Z stdout P first half ')).toBe(true);
    expect(cri.test('2026-01-01T00:00:00.000000000Z stdout F second half')).toBe(false);
    const joined = '2026-01-01T00:00:00.000000000Z stdout P first \n2026-01-01T00:00:00.100000000Z stdout F second';
    expect(joined.replace(/\n\S+ (?:stdout|stderr) [PF] /g, '')).toBe('2026-01-01T00:00:00.000000000Z stdout P first second');
    const path = /^\/var\/log\/containers\/([^_/]+)_([^_/]+)_(.*?)-([0-9a-f]{64})\.log$/;
    expect(path.exec(`/var/log/containers/web-7d9f-abcde_shop_nginx-proxy-${'a'.repeat(64)}.log`)!.slice(1, 4)).toEqual(['web-7d9f-abcde', 'shop', 'nginx-proxy']);
  });

  test('ships to stdout as JSON lines by default; serves no Prometheus metrics', () => {
    expect(pipeline).toMatch(/output \{\n {2}stdout \{\n {4}codec => json_lines\n {2}\}\n\}\n$/);
    expect(agent.serveMetrics).toBe(false);
  });
});

describe('LogAgent (Logstash) options', () => {
  test('jvmHeap sets -Xms/-Xmx and the memory', () => {
    const { main } = render({ jvmHeap: Size.gibibytes(1) });
    expect(main.env).toContainEqual(expect.objectContaining({ name: 'LS_JAVA_OPTS', value: expect.stringMatching(/^-Xms1024m -Xmx1024m /) }));
    expect(main.resources.limits).toEqual({ memory: '2048Mi' });
  });

  test('Elasticsearch: hosts, index (not a data stream), TLS, CA, basic auth from env; the encoded API key as a header', () => {
    const { pipeline, main } = render({
      output: LogOutput.elasticsearch({ host: 'es.logging.svc', tls: true, caBundle: { name: 'es-ca', key: 'ca.crt' }, apiKey: { name: 'es-key', key: 'encoded' } }),
    });
    expect(pipeline).toContain('hosts => ["https://es.logging.svc:9200"]');
    expect(pipeline).toContain('index => "kubernetes-logs"');
    expect(pipeline).toContain('data_stream => "false"');
    expect(pipeline).toContain('ssl_verification_mode => "full"');
    expect(pipeline).toContain('ssl_certificate_authorities => ["/etc/log-output/ca/ca.crt"]');
    expect(pipeline).toContain('custom_headers => { "Authorization" => "ApiKey ${LOG_OUTPUT_API_KEY}" }');
    expect(main.env).toContainEqual({ name: 'LOG_OUTPUT_API_KEY', valueFrom: { secretKeyRef: { name: 'es-key', key: 'encoded' } } });
    const basic = render({ output: LogOutput.elasticsearch({ host: 'es', credentialsSecret: 'es-writer' }) }).pipeline;
    expect(basic).toContain('user => "${LOG_OUTPUT_USERNAME}"');
    expect(basic).toContain('password => "${LOG_OUTPUT_PASSWORD}"');
    expect(basic).not.toContain('ssl_');
  });

  test('filters: addFields as mutate add_field, custom plugins inserted before the output', () => {
    const { pipeline } = render({ filters: [LogFilter.addFields({ cluster: 'prod-eu-1' }), LogFilter.custom({ logstash: 'mutate {\n  add_tag => ["k8s"]\n}' })] });
    expect(pipeline).toContain('add_field => { "cluster" => "prod-eu-1" }');
    expect(pipeline.indexOf('add_tag')).toBeGreaterThan(pipeline.indexOf('add_field'));
    expect(pipeline.indexOf('add_tag')).toBeLessThan(pipeline.indexOf('output {'));
  });

  test('a custom output: any plugin of the image', () => {
    const { pipeline } = render({ output: LogOutput.custom({ logstash: 'kafka {\n  bootstrap_servers => "kafka:9092"\n  topic_id => "logs"\n}' }) });
    expect(pipeline).toMatch(/output \{\n {2}kafka \{\n {4}bootstrap_servers => "kafka:9092"/);
  });

  test('excludeNamespaces by file name', () => {
    expect(render({ excludeNamespaces: ['kube-system'] }).pipeline).toContain('exclude => ["logstash-*_default_logstash-*.log", "*_kube-system_*.log"]');
  });

  test('configOverride needs both files', () => {
    expect(() => render({ configOverride: { 'logstash.conf': 'input {}' } })).toThrow(/configOverride: got \["logstash.conf"\]; expected the files the agent is started with, "logstash.conf" and "logstash.yml"/);
    expect(render({ configOverride: { 'logstash.conf': 'input { stdin {} }', 'logstash.yml': 'api.http.port: 9600\n' } }).files['logstash.yml']).toBe('api.http.port: 9600\n');
  });

  test.each([
    [LogOutput.openSearch({ host: 'os' }), /output: got "opensearch"; the official Logstash image has no OpenSearch output plugin/],
    [LogOutput.loki({ url: 'http://loki:3100' }), /output: got "loki"; the official Logstash image has no Loki output plugin/],
    [LogOutput.otlp({ url: 'http://otel:4318' }), /output: got "otlp"; Logstash has no OpenTelemetry \(OTLP\) output plugin/],
  ])('fails when the output is one the image has no plugin for (%#)', (output, error) => {
    expect(() => render({ output })).toThrow(error);
  });

  test('fails when jvmHeap is too small, not whole MiB, or given to another flavor', () => {
    expect(() => render({ jvmHeap: Size.mebibytes(128) })).toThrow(/jvmHeap: got "128Mi"; expected whole MiB, at least 256Mi/);
    expect(() => render({ jvmHeap: Size.kibibytes(300000) })).toThrow(/jvmHeap: got "292.96875Mi"; expected whole MiB/);
    expect(() => new LogAgent(newChart(), 'fb', { jvmHeap: Size.mebibytes(512) })).toThrow(/jvmHeap: got 512; only Logstash runs on a JVM/);
  });

  test('fails when serveMetrics is asked for (JSON only) or a custom text is unbalanced', () => {
    expect(() => render({ serveMetrics: true })).toThrow(/serveMetrics: got true; Logstash serves its metrics as JSON on its monitoring API/);
    expect(() => render({ output: LogOutput.custom({ logstash: 'kafka {\n  topic_id => "logs"\n' }) })).toThrow(/output\.logstash: got .*; a "\{" is never closed/);
    expect(() => render({ output: LogOutput.custom({ logstash: '} output { stdout {} ' }) })).toThrow(/output\.logstash: got .*; the braces are not balanced/);
  });
});
