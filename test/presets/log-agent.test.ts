import { createHash } from 'crypto';
import { ApiObject, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import { Cpu, EnvValue } from 'cdk8s-plus-28';
import { AgentVolume, HostMount, IntOrPercent, Toleration, UpdateStrategy } from '../../src';
import { LogAgent, LogAgentProps } from '../../src/presets/log-agent';
import { LogFlavor } from '../../src/presets/log-flavor';
import { LogOutput, LogOutputType } from '../../src/presets/log-output';
import { container, newChart, only, podSpec, synth } from '../util/synth';

const FLAVORS = [LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT] as const;
const MAIN_FILE: Record<LogFlavor, string> = {
  [LogFlavor.FLUENT_BIT]: 'fluent-bit.conf',
  [LogFlavor.FLUENTD]: 'fluent.conf',
  [LogFlavor.FILEBEAT]: 'filebeat.yml',
  [LogFlavor.LOGSTASH]: 'logstash.conf',
  [LogFlavor.OTEL_COLLECTOR]: 'relay.yaml',
};

/** Synthesizes one LogAgent in a fresh chart. */
function render(props: LogAgentProps = {}, chartNamespace?: string) {
  const chart = newChart({ namespace: chartNamespace });
  const agent = new LogAgent(chart, 'logs', props);
  const objects = synth(chart);
  const configMap = only(objects, 'ConfigMap');
  const main = container(objects);
  const files: Record<string, string> = configMap.data;
  return { agent, objects, configMap, main, spec: podSpec(objects), files, config: Object.values(files).join('\n') };
}

/** The mount that holds a container path (the longest mount path that is a prefix of it). */
function mountOf(main: any, path: string): any {
  const holders = (main.volumeMounts as any[]).filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
  return holders.sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}

/** The paths a generated config reads (host logs) and writes (state), per flavor. */
function configPaths(flavor: LogFlavor, config: string): { reads: string[]; writes: string[]; configFile: string } {
  const values = (re: RegExp) => [...config.matchAll(re)].map((m) => m[1]);
  switch (flavor) {
    case LogFlavor.FLUENT_BIT:
      return {
        reads: [...values(/^\s+Path\s+(\S+)$/gm), ...values(/^\s+Exclude_Path\s+(\S+)$/gm)],
        writes: values(/^\s+DB\s+(\S+)$/gm),
        configFile: '/fluent-bit/etc/conf/fluent-bit.conf',
      };
    case LogFlavor.FLUENTD:
      return {
        reads: [...values(/^\s+path (\S+)$/gm), ...values(/^\s+exclude_path \["([^"]+)"\]$/gm)],
        writes: values(/^\s+pos_file (\S+)$/gm),
        configFile: '/fluentd/etc/fluent.conf',
      };
    case LogFlavor.FILEBEAT:
    default:
      return {
        reads: [...values(/^\s+- "(\/var\/log\/[^"]+)"$/gm), ...values(/^\s+logs_path: "([^"]+)"$/gm)],
        writes: values(/^path\.data: "([^"]+)"$/gm),
        configFile: '/etc/filebeat/filebeat.yml',
      };
  }
}

describe('LogAgent defaults', () => {
  // GIVEN no props
  // WHEN
  const { agent, objects, configMap, main, spec, files, config } = render();
  const daemonSet = only(objects, 'DaemonSet');

  test('creates a ServiceAccount, ClusterRole, ClusterRoleBinding, DaemonSet and ConfigMap', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'ServiceAccount']);
  });

  test('runs Fluent Bit, pinned, shipping to stdout', () => {
    expect(agent.flavor).toBe(LogFlavor.FLUENT_BIT);
    expect(agent.output?.type).toBe(LogOutputType.STDOUT);
    expect(agent.image).toBe('cr.fluentbit.io/fluent/fluent-bit:4.0.8');
    expect(main.image).toBe('cr.fluentbit.io/fluent/fluent-bit:4.0.8');
    expect(main.command).toEqual(['/fluent-bit/bin/fluent-bit']);
    expect(main.args).toEqual(['--workdir=/fluent-bit/etc', '--config=/fluent-bit/etc/conf/fluent-bit.conf']);
    expect(config).toMatch(/\[OUTPUT\]\n\s+Name\s+stdout\n\s+Match\s+kube\.\*\n\s+Format\s+json_lines\n$/);
  });

  test('names everything after the construct id, labels it logging', () => {
    expect(agent.daemonSet.name).toBe('logs');
    expect(daemonSet.metadata.name).toBe('logs');
    expect(daemonSet.metadata.labels['app.kubernetes.io/component']).toBe('logging');
    expect(configMap.metadata).toEqual({ name: 'logs-config', namespace: 'default', labels: daemonSet.metadata.labels });
    expect(agent.configMap.name).toBe('logs-config');
  });

  test('runs as root with every capability dropped, read-only root filesystem, no escalation', () => {
    expect(main.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.securityContext.runAsNonRoot).toBe(false);
  });

  test('mounts /var/log read-only, a DirectoryOrCreate state directory read-write, the config read-only and /tmp', () => {
    expect(main.volumeMounts).toEqual([
      { name: 'host-var-log', mountPath: '/var/log', readOnly: true },
      { name: 'state', mountPath: '/fluent-bit/state', readOnly: false },
      { name: 'config', mountPath: '/fluent-bit/etc/conf', readOnly: true },
      { name: 'tmp', mountPath: '/tmp', readOnly: false },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'host-var-log', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'state', hostPath: { path: '/var/lib/fluent-bit-state/default/logs', type: 'DirectoryOrCreate' } },
      { name: 'config', configMap: { name: 'logs-config', defaultMode: 0o444 } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(agent.stateHostPath).toBe('/var/lib/fluent-bit-state/default/logs');
  });

  test('grants exactly GET on pods (the kubernetes filter reads each pod), with the token mounted', () => {
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'logs', namespace: 'default' }]);
    expect(spec.serviceAccountName).toBe('logs');
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('tolerates every taint, no priority class, 30 s grace, no host network, Linux nodes', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.priorityClassName).toBeUndefined();
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.hostNetwork).toBe(false);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  });

  test('probes Fluent Bit\'s HTTP server: liveness on /, readiness on /api/v1/health; its port is named metrics', () => {
    expect(main.ports).toEqual([{ containerPort: 2020, name: 'metrics', protocol: 'TCP' }]);
    expect(agent.serveMetrics).toBe(true);
    expect(main.livenessProbe).toEqual({ httpGet: { path: '/', port: 2020, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 });
    expect(main.readinessProbe).toEqual({ httpGet: { path: '/api/v1/health', port: 2020, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 });
    expect(main.startupProbe).toBeUndefined();
    expect(config).toMatch(/HTTP_Server\s+On/);
    expect(config).toMatch(/HTTP_Listen\s+0\.0\.0\.0/);
    expect(config).toMatch(/HTTP_Port\s+2020/);
    expect(config).toMatch(/Health_Check\s+On/);
  });

  test('requests 50m CPU and 64Mi with a 128Mi memory limit', () => {
    expect(main.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  });

  test('passes only NODE_NAME (no credentials without credentialsSecret)', () => {
    expect(main.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });

  test('annotates the pods with the SHA-256 of the ConfigMap data', () => {
    const expected = createHash('sha256').update(JSON.stringify(files)).digest('hex');
    expect(daemonSet.spec.template.metadata.annotations).toEqual({ 'checksum/config': expected });
    expect(agent.configChecksum).toBe(expected);
    expect(Object.keys(files)).toEqual(['fluent-bit.conf']);
  });

  test('flushes within the grace period: Grace = 30 - 5 seconds', () => {
    expect(config).toMatch(/^\s+Grace\s+25$/m);
  });

  test('synthesizes byte-identical objects on every run', () => {
    expect(JSON.stringify(render().objects)).toEqual(JSON.stringify(objects));
  });
});

describe.each(FLAVORS)('LogAgent flavor %s', (flavor) => {
  const es = LogOutput.elasticsearch({ host: 'es.logging.svc', port: 9243, index: 'k8s-logs', tls: true });

  test('reads and writes only under the mounts: logs under read-only /var/log, state under the read-write host directory', () => {
    // GIVEN / WHEN
    const { main, spec, files, config } = render({ flavor, output: es });
    const { reads, writes, configFile } = configPaths(flavor, config);
    // THEN every path the config names is found, and lies under the right mount
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(writes).toHaveLength(1);
    for (const path of reads) {
      expect({ path, mount: mountOf(main, path)?.name }).toEqual({ path, mount: 'host-var-log' });
    }
    for (const path of writes) {
      const mount = mountOf(main, path);
      expect({ path, mount: mount?.name, readOnly: mount?.readOnly }).toEqual({ path, mount: 'state', readOnly: false });
      expect(spec.volumes.find((v: any) => v.name === 'state').hostPath).toEqual({ path: `/var/lib/${flavor}-state/default/logs`, type: 'DirectoryOrCreate' });
    }
    // the file the agent starts with is in the ConfigMap, which is mounted read-only
    const configMount = mountOf(main, configFile);
    expect(configMount).toMatchObject({ name: 'config', readOnly: true });
    expect(Object.keys(files)).toEqual([configFile.slice(configMount.mountPath.length + 1)]);
    expect([...(main.command ?? []), ...(main.args ?? []), ...(main.env ?? []).map((e: any) => e.value)].join(' ')).toContain(
      flavor === LogFlavor.FLUENTD ? 'fluent.conf' : configFile);
  });

  test('tails the container logs, parsing CRI and Docker json, and skips its own log files', () => {
    const { config } = render({ flavor, output: es });
    expect(config).toContain('/var/log/containers/*.log');
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/multiline\.parser\s+docker, cri/);
      expect(config).toMatch(/Exclude_Path\s+\/var\/log\/containers\/logs-\*_default_logs-\*\.log/);
    } else if (flavor === LogFlavor.FLUENTD) {
      expect(config).toContain('@type multi_format');
      expect(config).toContain('format json');
      expect(config).toContain('expression /^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<log>.*)$/');
      expect(config).toMatch(/@type concat\n(.*\n)*\s+partial_key logtag\n\s+partial_value P/);
      expect(config).toContain('exclude_path ["/var/log/containers/logs-*_default_logs-*.log"]');
    } else {
      expect(config).toMatch(/parsers:\n(\s+#.*\n)?\s+- container: ~/);
      const excluded = /prospector\.scanner\.exclude_files:\n\s+- '([^']+)'/.exec(config)![1];
      expect(new RegExp(excluded).test('/var/log/containers/logs-x7k2p_default_logs-0123abcd.log')).toBe(true);
      expect(new RegExp(excluded).test('/var/log/containers/web-x7k2p_default_logs-0123abcd.log')).toBe(false);
      expect(new RegExp(excluded).test('/var/log/containers/logs-x7k2p_other_logs-0123abcd.log')).toBe(false);
    }
  });

  test('enriches the records with Kubernetes metadata, with exactly the API access that needs', () => {
    const { config, objects, main } = render({ flavor, output: es });
    const rules = only(objects, 'ClusterRole').rules;
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/\[FILTER\]\n\s+Name\s+kubernetes\n\s+Match\s+kube\.\*/);
      expect(rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    } else if (flavor === LogFlavor.FLUENTD) {
      expect(config).toMatch(/<filter kubernetes\.\*\*>\n\s+@type kubernetes_metadata/);
      expect(rules).toEqual([{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }]);
      // the metadata filter watches only this node's pods
      expect(main.env).toContainEqual({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    } else {
      expect(config).toMatch(/- add_kubernetes_metadata:\n\s+node: \$\{NODE_NAME\}\n\s+use_kubeadm: false/);
      expect(rules).toEqual([{ apiGroups: [''], resources: ['namespaces', 'nodes', 'pods'], verbs: ['get', 'list', 'watch'] }]);
    }
  });

  test('writes the Elasticsearch output as typed: host, port, index, TLS', () => {
    const { config } = render({ flavor, output: es });
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/\[OUTPUT\]\n\s+Name\s+es\n\s+Match\s+kube\.\*\n\s+Host\s+es\.logging\.svc\n\s+Port\s+9243\n\s+Index\s+k8s-logs\n/);
      expect(config).toMatch(/\s+tls\s+On\n\s+tls\.verify\s+On\n/);
    } else if (flavor === LogFlavor.FLUENTD) {
      expect(config).toMatch(/<match kubernetes\.\*\*>\n\s+@type elasticsearch\n\s+@id out_elasticsearch\n\s+host es\.logging\.svc\n\s+port 9243\n\s+scheme https\n\s+ssl_verify true\n\s+index_name k8s-logs\n/);
      expect(config).toContain('flush_at_shutdown true');
    } else {
      expect(config).toMatch(/output\.elasticsearch:\n\s+hosts: \["https:\/\/es\.logging\.svc:9243"\]\n\s+index: "k8s-logs"\n\s+ssl\.verification_mode: full\n/);
      expect(config).toContain('setup.template.pattern: "k8s-logs*"');
    }
  });

  test('writes the stdout output by default', () => {
    const { config } = render({ flavor });
    expect(config).toMatch({
      [LogFlavor.FLUENT_BIT]: /Name\s+stdout/,
      [LogFlavor.FLUENTD]: /<match kubernetes\.\*\*>\n\s+@type stdout/,
      [LogFlavor.FILEBEAT]: /output\.console:\n\s+codec\.json:\n\s+pretty: false\n$/,
    }[flavor]);
  });

  test('stops flushing 5 s before the termination grace period ends', () => {
    const { config, spec } = render({ flavor, output: es, terminationGracePeriodSeconds: 60 });
    expect(spec.terminationGracePeriodSeconds).toBe(60);
    if (flavor === LogFlavor.FLUENT_BIT) {
      expect(config).toMatch(/^\s+Grace\s+55$/m);
    } else if (flavor === LogFlavor.FILEBEAT) {
      expect(config).toContain('filebeat.shutdown_timeout: 55s');
    } else {
      // Fluentd flushes its buffers at shutdown without a timeout of its own
      expect(config).toContain('flush_at_shutdown true');
    }
  });

  test('passes the output credentials from the Secret as environment variables only', () => {
    const { main, config } = render({ flavor, output: LogOutput.elasticsearch({ host: 'es', credentialsSecret: 'es-credentials' }) });
    expect(main.env).toContainEqual({ name: 'LOG_OUTPUT_USERNAME', valueFrom: { secretKeyRef: { name: 'es-credentials', key: 'username' } } });
    expect(main.env).toContainEqual({ name: 'LOG_OUTPUT_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-credentials', key: 'password' } } });
    expect(config).toContain({
      [LogFlavor.FLUENT_BIT]: 'HTTP_Passwd        ${LOG_OUTPUT_PASSWORD}',
      [LogFlavor.FLUENTD]: 'password "#{ENV[\'LOG_OUTPUT_PASSWORD\']}"',
      [LogFlavor.FILEBEAT]: 'password: "${LOG_OUTPUT_PASSWORD}"',
    }[flavor]);
    expect(config).not.toContain('es-credentials');
  });

  test('mounts /var/lib/docker/containers read-only with mountDockerLogs, DirectoryOrCreate so that a containerd node of a mixed fleet starts the pod', () => {
    const { main, spec } = render({ flavor, mountDockerLogs: true });
    expect(main.volumeMounts).toContainEqual({ name: 'host-var-lib-docker-containers', mountPath: '/var/lib/docker/containers', readOnly: true });
    expect(spec.volumes).toContainEqual({ name: 'host-var-lib-docker-containers', hostPath: { path: '/var/lib/docker/containers', type: 'DirectoryOrCreate' } });
  });
});

describe('LogAgent per-flavor defaults', () => {
  test('Fluentd: image per output, monitor_agent probes with a startup probe, 100m / 256Mi / 512Mi', () => {
    const { main, config, agent } = render({ flavor: LogFlavor.FLUENTD });
    expect(agent.image).toBe('fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1');
    expect(render({ flavor: LogFlavor.FLUENTD, output: LogOutput.openSearch({ host: 'os' }) }).main.image)
      .toBe('fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-opensearch-1.1');
    expect(main.command).toBeUndefined();
    expect(main.args).toBeUndefined();
    expect(main.env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'FLUENTD_CONF', value: 'fluent.conf' },
      { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
    expect(main.ports).toEqual([{ containerPort: 24220, name: 'http', protocol: 'TCP' }, { containerPort: 24231, name: 'metrics', protocol: 'TCP' }]);
    const probe = { httpGet: { path: '/api/plugins.json', port: 24220, scheme: 'HTTP' }, timeoutSeconds: 5 };
    expect(main.startupProbe).toEqual({ ...probe, periodSeconds: 5, failureThreshold: 24 });
    expect(main.livenessProbe).toEqual({ ...probe, periodSeconds: 10, failureThreshold: 3 });
    expect(main.readinessProbe).toEqual({ ...probe, periodSeconds: 10, failureThreshold: 3 });
    expect(config).toMatch(/<source>\n\s+@type monitor_agent\n\s+@id in_monitor_agent\n\s+bind 0\.0\.0\.0\n\s+port 24220\n\s+include_config false\n<\/source>/);
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(main.volumeMounts.map((m: any) => [m.name, m.mountPath])).toEqual([
      ['host-var-log', '/var/log'], ['state', '/fluentd/state'], ['config', '/fluentd/etc'], ['tmp', '/tmp'],
    ]);
  });

  test('Filebeat: pinned image, HTTP endpoint on 5066, 100m / 128Mi / 256Mi, state in its data path', () => {
    const { main, config, agent } = render({ flavor: LogFlavor.FILEBEAT });
    expect(agent.image).toBe('docker.elastic.co/beats/filebeat:8.17.4');
    expect(main.args).toEqual(['-c', '/etc/filebeat/filebeat.yml', '-e']);
    expect(main.ports).toEqual([{ containerPort: 5066, name: 'http', protocol: 'TCP' }]);
    const probe = { httpGet: { path: '/', port: 5066, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 };
    expect(main.livenessProbe).toEqual(probe);
    expect(main.readinessProbe).toEqual(probe);
    expect(main.startupProbe).toBeUndefined();
    expect(config).toContain('http.enabled: true\nhttp.host: "0.0.0.0"\nhttp.port: 5066\n');
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(main.volumeMounts.map((m: any) => [m.name, m.mountPath])).toEqual([
      ['host-var-log', '/var/log'], ['state', '/usr/share/filebeat/data'], ['config', '/etc/filebeat'], ['tmp', '/tmp'],
    ]);
  });
});

describe('LogAgent outputs', () => {
  test('OpenSearch with Fluent Bit and Fluentd', () => {
    const output = LogOutput.openSearch({ host: 'opensearch.logging.svc' });
    expect(render({ output }).config).toMatch(/Name\s+opensearch\n\s+Match\s+kube\.\*\n\s+Host\s+opensearch\.logging\.svc\n\s+Port\s+9200\n\s+Index\s+kubernetes-logs\n(.*\n)*\s+tls\s+Off\n$/);
    expect(render({ flavor: LogFlavor.FLUENTD, output }).config).toMatch(/@type opensearch\n\s+@id out_opensearch\n\s+host opensearch\.logging\.svc\n\s+port 9200\n\s+scheme http\n\s+index_name kubernetes-logs\n/);
  });

  test('Elasticsearch with TLS but without certificate verification', () => {
    const output = LogOutput.elasticsearch({ host: 'es', tls: true, tlsVerify: false });
    expect(render({ output }).config).toMatch(/tls\s+On\n\s+tls\.verify\s+Off/);
    expect(render({ flavor: LogFlavor.FLUENTD, output }).config).toContain('ssl_verify false');
    expect(render({ flavor: LogFlavor.FILEBEAT, output }).config).toContain('ssl.verification_mode: none');
  });

  test('Loki with Fluent Bit: host, port and push path from the URL, static plus metadata labels', () => {
    const output = LogOutput.loki({ url: 'https://logs.example.com/tenant-a', labels: { cluster: 'prod-eu-1', env: 'prod' } });
    const { config, agent } = render({ output });
    expect(config).toMatch(/\[OUTPUT\]\n\s+Name\s+loki\n\s+Match\s+kube\.\*\n\s+Host\s+logs\.example\.com\n\s+Port\s+443\n\s+Uri\s+\/tenant-a\/loki\/api\/v1\/push\n/);
    expect(config).toContain("Labels      cluster=prod-eu-1, env=prod, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name']\n");
    expect(config).toMatch(/tls\s+On\n\s+tls\.verify\s+On/);
    expect(agent.output?.url).toBe('https://logs.example.com/tenant-a');
  });

  test('Loki URL: a full push URL is used as is, a bare URL gets the push path and the scheme port', () => {
    expect(render({ output: LogOutput.loki({ url: 'http://loki:3100/loki/api/v1/push' }) }).config).toMatch(/Port\s+3100\n\s+Uri\s+\/loki\/api\/v1\/push\n/);
    expect(render({ output: LogOutput.loki({ url: 'http://loki-gateway.loki.svc' }) }).config).toMatch(/Host\s+loki-gateway\.loki\.svc\n\s+Port\s+80\n\s+Uri\s+\/loki\/api\/v1\/push\n(.*\n)*\s+tls\s+Off/);
  });

  test('Loki with Fluentd and an image that has the plugin', () => {
    const output = LogOutput.loki({ url: 'http://loki:3100/loki/api/v1/push', labels: { cluster: 'c1' }, credentialsSecret: 'loki' });
    const { config, main } = render({ flavor: LogFlavor.FLUENTD, output, image: 'registry.example.com/fluentd-loki:1.19.3' });
    expect(main.image).toBe('registry.example.com/fluentd-loki:1.19.3');
    expect(config).toMatch(/@type loki\n\s+@id out_loki\n\s+url "http:\/\/loki:3100"\n\s+username "#\{ENV\['LOG_OUTPUT_USERNAME'\]\}"\n\s+password "#\{ENV\['LOG_OUTPUT_PASSWORD'\]\}"\n\s+extra_labels \{"cluster":"c1"\}\n/);
    expect(config).toMatch(/<label>\n\s+namespace \$\.kubernetes\.namespace_name\n\s+pod \$\.kubernetes\.pod_name\n\s+container \$\.kubernetes\.container_name\n\s+<\/label>/);
  });

  test('a different output is a different ConfigMap, hence a different checksum', () => {
    const a = render().agent.configChecksum;
    const b = render({ output: LogOutput.elasticsearch({ host: 'es' }) }).agent.configChecksum;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
  });
});

describe('LogAgent config checksum (config changes roll the pods)', () => {
  const sha = (data: Record<string, string>) => createHash('sha256').update(JSON.stringify(data)).digest('hex');
  const annotation = (objects: any[]) => only(objects, 'DaemonSet').spec.template.metadata.annotations['checksum/config'];

  test('follows data added to the ConfigMap after construction', () => {
    // GIVEN
    const chart = newChart();
    const agent = new LogAgent(chart, 'logs');
    const before = agent.configChecksum;
    // WHEN
    agent.configMap.addData('extra.conf', '[FILTER]\n    Name grep\n');
    const objects = synth(chart);
    // THEN
    const data = only(objects, 'ConfigMap').data;
    expect(Object.keys(data)).toEqual(['extra.conf', 'fluent-bit.conf']);
    expect(annotation(objects)).toBe(sha(data));
    expect(annotation(objects)).not.toBe(before);
    expect(agent.configChecksum).toBe(annotation(objects));
  });

  test('follows a JSON patch on the ConfigMap object (the escape hatch)', () => {
    // GIVEN
    const chart = newChart();
    const agent = new LogAgent(chart, 'logs', { flavor: LogFlavor.FILEBEAT });
    const before = annotation(synth(chart));
    // WHEN
    ApiObject.of(agent.configMap).addJsonPatch(JsonPatch.replace('/data/filebeat.yml', 'output.console: {}\n'));
    const objects = synth(chart);
    // THEN
    expect(only(objects, 'ConfigMap').data).toEqual({ 'filebeat.yml': 'output.console: {}\n' });
    expect(annotation(objects)).toBe(sha({ 'filebeat.yml': 'output.console: {}\n' }));
    expect(annotation(objects)).not.toBe(before);
  });

  test('covers binaryData too', () => {
    const chart = newChart();
    const agent = new LogAgent(chart, 'logs');
    const before = agent.configChecksum;
    agent.configMap.addBinaryData('geoip.mmdb', Buffer.from('db').toString('base64'));
    expect(annotation(synth(chart))).not.toBe(before);
  });

  test('a checksum/config the user sets in podAnnotations wins', () => {
    const { objects } = render({ podAnnotations: { 'checksum/config': 'pinned' } });
    expect(annotation(objects)).toBe('pinned');
  });
});

describe('LogAgent overrides', () => {
  test('core props win: name, namespace, tolerations, priority, resources, image', () => {
    const { objects, spec, main, configMap, config, agent } = render({
      name: 'fluent-bit',
      namespace: 'logging',
      tolerations: Toleration.controlPlane(),
      priorityClassName: 'system-node-critical',
      resources: { cpu: { request: Cpu.millis(200) }, memory: { request: Size.mebibytes(100), limit: Size.mebibytes(300) } },
      image: 'registry.example.com/fluent-bit:4.0.8-custom',
    });
    expect(only(objects, 'DaemonSet').metadata).toMatchObject({ name: 'fluent-bit', namespace: 'logging' });
    expect(configMap.metadata).toMatchObject({ name: 'fluent-bit-config', namespace: 'logging' });
    expect(spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'fluent-bit-config', defaultMode: 0o444 } });
    expect(spec.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(main.resources).toEqual({ requests: { cpu: '200m', memory: '100Mi' }, limits: { memory: '300Mi' } });
    expect(main.image).toBe('registry.example.com/fluent-bit:4.0.8-custom');
    expect(agent.image).toBe('registry.example.com/fluent-bit:4.0.8-custom');
    // the state directory and the own-log exclusion follow the name and namespace
    expect(agent.stateHostPath).toBe('/var/lib/fluent-bit-state/logging/fluent-bit');
    expect(config).toMatch(/Exclude_Path\s+\/var\/log\/containers\/fluent-bit-\*_logging_fluent-bit-\*\.log/);
  });

  test('resources merge per resource: a CPU-only override keeps Fluentd\'s 256Mi request and 512Mi limit', () => {
    // GIVEN / WHEN
    const { main } = render({ flavor: LogFlavor.FLUENTD, resources: { cpu: { request: Cpu.millis(300) } } });
    // THEN
    expect(main.resources).toEqual({ requests: { cpu: '300m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  });

  test('the chart namespace is the agent\'s namespace', () => {
    const { objects, configMap, config } = render({}, 'observability');
    expect(only(objects, 'DaemonSet').metadata.namespace).toBe('observability');
    expect(configMap.metadata.namespace).toBe('observability');
    expect(config).toContain('_observability_logs-*.log');
  });

  test('user hostMounts, volumes and volumeMounts are added after the preset\'s', () => {
    const { main, spec } = render({
      hostMounts: [HostMount.readOnly('/var/lib/docker/containers')],
      volumes: [AgentVolume.fromConfigMap('parsers', 'custom-parsers')],
      volumeMounts: [{ volumeName: 'parsers', mountPath: '/fluent-bit/etc/parsers' }],
    });
    expect(main.volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/var/log', '/fluent-bit/state', '/var/lib/docker/containers', '/fluent-bit/etc/conf', '/tmp', '/fluent-bit/etc/parsers',
    ]);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(expect.arrayContaining(['config', 'tmp', 'parsers']));
  });

  test('an empty list adds nothing: hostMounts: [] keeps the preset\'s mounts', () => {
    const { main } = render({ hostMounts: [] });
    expect(main.volumeMounts.map((m: any) => m.name)).toEqual(['host-var-log', 'state', 'config', 'tmp']);
  });

  test('tolerations: [] replaces every-taint with none; args replace the preset\'s', () => {
    const { spec, main } = render({ tolerations: [], args: ['--config=/fluent-bit/etc/conf/fluent-bit.conf'] });
    expect(spec.tolerations).toBeUndefined();
    expect(main.args).toEqual(['--config=/fluent-bit/etc/conf/fluent-bit.conf']);
  });

  test('fails (in the core) when a user mount repeats a preset mount path', () => {
    expect(() => render({ hostMounts: [HostMount.readWrite('/var/log/app', { mountPath: '/tmp' })] }))
      .toThrow(/hostMounts\/volumeMounts: got "\/tmp"; each mount path may appear only once/);
  });

  test('env and podAnnotations keep what the configuration relies on; the user\'s keys win', () => {
    const { main, objects, agent } = render({
      flavor: LogFlavor.FLUENTD,
      output: LogOutput.elasticsearch({ host: 'es', credentialsSecret: 'es' }),
      env: { TZ: EnvValue.fromValue('UTC'), FLUENTD_CONF: EnvValue.fromValue('other.conf') },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
    });
    expect(main.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'FLUENTD_CONF', 'K8S_NODE_NAME', 'LOG_OUTPUT_USERNAME', 'LOG_OUTPUT_PASSWORD', 'TZ']);
    expect(main.env[1]).toEqual({ name: 'FLUENTD_CONF', value: 'other.conf' });
    expect(only(objects, 'DaemonSet').spec.template.metadata.annotations).toEqual({ 'checksum/config': agent.configChecksum, 'prometheus.io/scrape': 'true' });
  });

  test('configOverride replaces the generated files, and the checksum follows them', () => {
    const files = { 'fluent-bit.conf': '[INPUT]\n    Name dummy\n@INCLUDE outputs.conf\n', 'outputs.conf': '[OUTPUT]\n    Name null\n' };
    const { configMap, agent, objects } = render({ configOverride: files });
    expect(configMap.data).toEqual(files);
    expect(agent.output).toBeUndefined();
    expect(agent.configChecksum).toBe(createHash('sha256').update(JSON.stringify({ 'fluent-bit.conf': files['fluent-bit.conf'], 'outputs.conf': files['outputs.conf'] })).digest('hex'));
    expect(only(objects, 'DaemonSet').spec.template.metadata.annotations['checksum/config']).toBe(agent.configChecksum);
    const changed = render({ configOverride: { ...files, 'outputs.conf': '[OUTPUT]\n    Name stdout\n' } }).agent.configChecksum;
    expect(changed).not.toBe(agent.configChecksum);
  });

  test.each(FLAVORS)('configOverride for %s needs its main file only', (flavor) => {
    expect(render({ flavor, configOverride: { [MAIN_FILE[flavor]]: '# mine\n' } }).configMap.data).toEqual({ [MAIN_FILE[flavor]]: '# mine\n' });
  });

  test('default state directories never collide: namespace c + name a-b vs namespace c-a + name b', () => {
    // GIVEN two agents whose "<namespace>-<name>" would be the same
    const a = render({ namespace: 'c', name: 'a-b' });
    const b = render({ namespace: 'c-a', name: 'b' });
    // WHEN / THEN
    const path = (spec: any) => spec.volumes.find((v: any) => v.name === 'state').hostPath.path;
    expect(path(a.spec)).toBe('/var/lib/fluent-bit-state/c/a-b');
    expect(path(b.spec)).toBe('/var/lib/fluent-bit-state/c-a/b');
  });

  test('fails at synth when two LogAgents that can share a node write one stateHostPath', () => {
    // GIVEN two agents in two namespaces with the same state directory
    const app = Testing.app();
    const chart = new Chart(app, 'logging');
    new LogAgent(chart, 'a', { namespace: 'team-a', stateHostPath: '/var/lib/logs-state' });
    new LogAgent(chart, 'b', { namespace: 'team-b', stateHostPath: '/var/lib/logs-state' });
    // WHEN / THEN the core's app-wide check names both
    expect(() => app.synth()).toThrow(/'logging\/a' .*and 'logging\/b' .*can run on the same node and both claim writable host path \/var\/lib\/logs-state/);
  });

  test('two LogAgents with the default state directories do not conflict', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'logging');
    new LogAgent(chart, 'a', { namespace: 'c', name: 'a-b' });
    new LogAgent(chart, 'b', { namespace: 'c-a', name: 'b' });
    expect(() => app.synth()).not.toThrow();
  });

  test('stateHostPath moves the state directory', () => {
    const { spec } = render({ stateHostPath: '/mnt/disks/logs-state' });
    expect(spec.volumes).toContainEqual({ name: 'state', hostPath: { path: '/mnt/disks/logs-state', type: 'DirectoryOrCreate' } });
  });
});

describe('LogAgent fails when', () => {
  const make = (props: LogAgentProps) => () => new LogAgent(newChart(), 'logs', props);

  test('the error names the preset, its path, the prop, the value and what is allowed', () => {
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', port: 70000 }) }))
      .toThrow(/^Invalid props for LogAgent 'test\/logs':\n {2}- output\.port: got 70000; expected an integer port number from 1 to 65535$/);
  });

  test.each([
    ['loki:3100'],
    ['ftp://loki:3100'],
    ['http://'],
    ['http://user:secret@loki:3100'],
    ['http://loki:3100?tenant=a'],
    ['http://loki:3100/#x'],
    ['http://lo ki:3100'],
    ['http://loki:3100/${SECRET}'],
    ['http://loki:99999'],
    [''],
  ])('the Loki URL is %j', (url) => {
    expect(make({ output: LogOutput.loki({ url }) })).toThrow(/output\.url: got .*; expected an http:\/\/ or https:\/\/ URL of Loki/);
  });

  test.each([[0], [65536], [1.5], [-1]])('the Elasticsearch port is %j', (port) => {
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', port }) })).toThrow(new RegExp(`output\\.port: got ${port}; expected an integer port number from 1 to 65535`));
  });

  test.each([[''], ['Logs'], ['-logs'], ['logs*'], ['logs 2024'], ['a'.repeat(256)]])('the index is %j', (index) => {
    expect(make({ output: LogOutput.openSearch({ host: 'os', index }) })).toThrow(/output\.index: got .*; expected an index name/);
  });

  test.each([['https://es:9200'], ['es:9200'], [''], ['es\nHost evil']])('the host is %j', (host) => {
    expect(make({ output: LogOutput.elasticsearch({ host }) })).toThrow(/output\.host: got .*; expected a host name or IPv4 address without scheme, port or path/);
  });

  test('tlsVerify is off without tls', () => {
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', tlsVerify: false }) })).toThrow(/output\.tlsVerify: got false; certificate verification only applies with `tls: true`/);
  });

  test('a Loki label is reserved, badly named or has an unsafe value', () => {
    const loki = (labels: Record<string, string>) => make({ output: LogOutput.loki({ url: 'http://loki', labels }) });
    expect(loki({ namespace: 'x' })).toThrow(/output\.labels\.namespace: got "namespace"; the agent sets namespace, pod, container/);
    expect(loki({ '1st': 'x' })).toThrow(/output\.labels\.1st: got "1st"; expected a Loki label name/);
    expect(loki({ __name__: 'x' })).toThrow(/output\.labels\.__name__: got "__name__"; expected a Loki label name/);
    expect(loki({ team: 'a, b' })).toThrow(/output\.labels\.team: got "a, b"; expected a label value/);
  });

  test('the credentials Secret name is not a DNS subdomain', () => {
    expect(make({ output: LogOutput.elasticsearch({ host: 'es', credentialsSecret: 'ES_Creds' }) })).toThrow(/output\.credentialsSecret: got "ES_Creds"; expected a DNS-1123 subdomain/);
  });

  test.each([
    ['loki', () => LogOutput.loki({ url: 'http://loki:3100' })],
    ['opensearch', () => LogOutput.openSearch({ host: 'os' })],
  ])('Filebeat is asked for %s', (type, output) => {
    expect(make({ flavor: LogFlavor.FILEBEAT, output: output() })).toThrow(new RegExp(`output: got "${type}"; Filebeat ships to Elasticsearch or stdout only`));
  });

  test('Fluentd is asked for Loki without an image that has the plugin', () => {
    expect(make({ flavor: LogFlavor.FLUENTD, output: LogOutput.loki({ url: 'http://loki:3100' }) }))
      .toThrow(/image: got undefined; no published fluentd-kubernetes-daemonset image has the Loki plugin/);
  });

  test('configOverride comes with an output, lacks the main file or has a bad file name', () => {
    expect(make({ configOverride: { 'fluent-bit.conf': '' }, output: LogOutput.stdout() })).toThrow(/output: got "stdout"; configOverride replaces the generated configuration/);
    expect(make({ flavor: LogFlavor.FILEBEAT, configOverride: { 'fluent-bit.conf': '' } })).toThrow(/configOverride: got \["fluent-bit.conf"\]; expected the file the agent is started with, "filebeat.yml"/);
    expect(make({ configOverride: { 'fluent-bit.conf': '', 'conf/extra.conf': '' } })).toThrow(/configOverride\.conf\/extra\.conf: got "conf\/extra\.conf"; expected a file name/);
  });

  test('stateHostPath is relative or the root', () => {
    expect(make({ stateHostPath: 'var/lib/state' })).toThrow(/stateHostPath: got "var\/lib\/state"; expected an absolute path/);
    expect(make({ stateHostPath: '/' })).toThrow(/stateHostPath: got "\/"; expected a dedicated directory/);
  });

  test('the update strategy surges (two agents would share the read positions)', () => {
    const updateStrategy = UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(0), maxSurge: IntOrPercent.percent(10) });
    expect(make({ updateStrategy })).toThrow(/updateStrategy\.maxSurge: got "10%"; two agents on one node would share the state directory/);
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }) })).not.toThrow();
  });

  test('an untyped caller passes a plain object as output, or a string as mountDockerLogs', () => {
    expect(make({ output: { type: 'loki', url: 'http://loki' } } as any)).toThrow(/output: got \{"type":"loki","url":"http:\/\/loki"\}; expected a LogOutput \(LogOutput\.custom\(\), LogOutput\.elasticsearch\(\)/);
    expect(make({ mountDockerLogs: 'yes' } as any)).toThrow(/mountDockerLogs: got "yes"; expected true or false/);
  });

  test('the flavor is not a LogFlavor', () => {
    expect(make({ flavor: 'vector' as LogFlavor })).toThrow(/flavor: got "vector"; expected one of fluent-bit, fluentd, filebeat/);
  });

  test('a core prop is invalid: the core reports it', () => {
    expect(make({ terminationGracePeriodSeconds: -1 })).toThrow(/terminationGracePeriodSeconds: got -1; expected a non-negative integer/);
  });

  test('the preset\'s and the core\'s problems come in one error, naming the user\'s construct', () => {
    // GIVEN a bad output (the preset's check) and a bad grace period (the core's)
    const props = { output: LogOutput.elasticsearch({ host: 'es', port: 0 }), stateHostPath: 'rel', terminationGracePeriodSeconds: -1 };
    // WHEN / THEN
    expect(make(props)).toThrow(/^3 invalid props for LogAgent 'test\/logs':\n {2}- output\.port: got 0;.*\n {2}- stateHostPath: got "rel";.*\n {2}- terminationGracePeriodSeconds: got -1;/);
  });
});

describe('LogAgent: an image of another flavor\'s agent (issue 19)', () => {
  const es = LogOutput.elasticsearch({ host: 'es.example.com' });

  test.each([
    [LogFlavor.FLUENT_BIT, 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1', 'fluentd', 'FLUENTD'],
    [LogFlavor.FLUENTD, 'cr.fluentbit.io/fluent/fluent-bit:4.0.8', 'fluent-bit', 'FLUENT_BIT'],
    [LogFlavor.FILEBEAT, 'docker.elastic.co/logstash/logstash:8.17.4', 'logstash', 'LOGSTASH'],
    [LogFlavor.OTEL_COLLECTOR, 'docker.elastic.co/beats/filebeat:8.17.4@sha256:' + 'a'.repeat(64), 'filebeat', 'FILEBEAT'],
  ])('fails when flavor %s is given %s', (flavor, image, imageFlavor, key) => {
    expect(() => new LogAgent(newChart(), 'logs', { flavor, image, output: es }))
      .toThrow(new RegExp(`image: got "${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"; is an image of ${imageFlavor}, and flavor ${flavor} configures and starts ${flavor}: set flavor to the image's \\(LogFlavor.${key}\\)`));
  });

  test('a mirror of the flavor\'s own image, or an image of your own name, is accepted', () => {
    // GIVEN
    const chart = newChart();
    new LogAgent(chart, 'mirror', { image: 'registry.example.com/mirror/fluent-bit:4.0.8', output: es });
    new LogAgent(chart, 'own', { image: 'registry.example.com/logs/agent:1.0.0', output: es, name: 'own', stateHostPath: '/var/lib/own-state' });
    // THEN
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet').map((d) => d.spec.template.spec.containers[0].image))
      .toEqual(['registry.example.com/mirror/fluent-bit:4.0.8', 'registry.example.com/logs/agent:1.0.0']);
  });
});
