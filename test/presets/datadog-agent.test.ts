import { readFileSync } from 'fs';
import { join } from 'path';
import { EnvValue, Protocol } from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { DaemonSet, Errors } from '../../src';
import { DatadogAgent, DatadogAgentProps } from '../../src/presets/datadog-agent';
import { DatadogRuntimeSocket } from '../../src/presets/datadog-runtime-socket';
import { DatadogSite } from '../../src/presets/datadog-site';
import { container, newChart, only, podSpec, synth } from '../util/synth';

const API_KEY = { apiKeySecretName: 'datadog-secret' };

function made(props: Partial<DatadogAgentProps> = {}): { agent: DatadogAgent; objects: any[] } {
  const chart = newChart();
  const agent = new DatadogAgent(chart, 'datadog', { ...API_KEY, ...props });
  return { agent, objects: synth(chart) };
}

/** A container's env as name -> value (or valueFrom). */
function envOf(c: any): Record<string, any> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** A container's mounts as mountPath -> { readOnly, hostPath, type, emptyDir }. */
function mountsOf(spec: any, c: any): Record<string, any> {
  const volumes = new Map<string, any>(spec.volumes.map((v: any) => [v.name, v]));
  return Object.fromEntries((c.volumeMounts ?? []).map((m: any) => {
    const v = volumes.get(m.name);
    const source = v.hostPath ? { hostPath: v.hostPath.path, type: v.hostPath.type } : { emptyDir: v.emptyDir !== undefined };
    return [m.mountPath, { readOnly: m.readOnly ?? false, ...source }];
  }));
}

describe('DatadogAgent defaults', () => {
  // GIVEN only the API key's Secret
  const { agent, objects } = made();
  const spec = podSpec(objects);
  const main = container(objects, 'agent');
  const trace = container(objects, 'trace-agent');
  const initConfig = container(objects, 'init-config');

  test('creates a ServiceAccount, a ClusterRole and its binding, and a DaemonSet; no Secret, no monitor', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'ServiceAccount']);
    expect(only(objects, 'DaemonSet').metadata.name).toBe('datadog');
  });

  test('runs the chart\'s containers: agent and trace-agent, init-volume then init-config, all on the pinned image', () => {
    expect(spec.containers.map((c: any) => c.name)).toEqual(['agent', 'trace-agent']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['init-volume', 'init-config']);
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.image).toBe('registry.datadoghq.com/agent:7.81.1');
    }
    expect(main.command).toEqual(['agent', 'run']);
    expect(trace.command).toEqual(['trace-loader', '/etc/datadog-agent/datadog.yaml', 'trace-agent', '-config=/etc/datadog-agent/datadog.yaml']);
    expect(container(objects, 'init-volume').args).toEqual(['cp -r /etc/datadog-agent /opt']);
    expect(agent.image).toBe('registry.datadoghq.com/agent:7.81.1');
  });

  test('reads the API key from the Secret in every container that talks to Datadog, never a literal', () => {
    for (const c of [main, trace, initConfig]) {
      expect(envOf(c).DD_API_KEY).toEqual({ secretKeyRef: { name: 'datadog-secret', key: 'api-key' } });
    }
    expect(JSON.stringify(objects)).not.toMatch(/"DD_API_KEY","value"/);
  });

  test('sends to datadoghq.com, with DogStatsD and APM on the sockets in /var/run/datadog', () => {
    const env = envOf(main);
    expect(env.DD_SITE).toBe('datadoghq.com');
    expect(env.DD_DOGSTATSD_SOCKET).toBe('/var/run/datadog/dsd.socket');
    expect(env.DD_APM_RECEIVER_SOCKET).toBe('/var/run/datadog/apm.socket');
    expect(envOf(trace).DD_APM_RECEIVER_SOCKET).toBe('/var/run/datadog/apm.socket');
    expect(env.DD_CLUSTER_AGENT_ENABLED).toBe('false');
    expect(env.DD_CRI_SOCKET_PATH).toBe('/host/var/run/containerd/containerd.sock');
    expect(env.DD_KUBERNETES_KUBELET_HOST).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
    expect(env.DD_KUBELET_TLS_VERIFY).toBeUndefined();
    expect(env.DD_CLUSTER_NAME).toBeUndefined();
  });

  test('opens no host port: DogStatsD 8125/UDP and APM 8126/TCP are container ports', () => {
    expect(main.ports).toEqual([
      { containerPort: 8125, name: 'dogstatsdport', protocol: 'UDP' },
      { containerPort: 5555, name: 'healthport', protocol: 'TCP' },
    ]);
    expect(trace.ports).toEqual([{ containerPort: 8126, name: 'traceport', protocol: 'TCP' }]);
    expect(spec.hostNetwork).toBe(false);
  });

  test('runs every container as root without capabilities, escalation or a writable root', () => {
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 0,
        runAsNonRoot: false,
        runAsUser: 0,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(spec.hostPID).toBe(true);
  });

  test('mounts the node\'s /proc, cgroups, passwd, os-release and runtime socket read-only with types, the socket dir read-write', () => {
    expect(mountsOf(spec, main)).toEqual({
      '/host/proc': { readOnly: true, hostPath: '/proc', type: 'Directory' },
      '/host/sys/fs/cgroup': { readOnly: true, hostPath: '/sys/fs/cgroup', type: 'Directory' },
      '/etc/passwd': { readOnly: true, hostPath: '/etc/passwd', type: 'File' },
      '/host/etc/os-release': { readOnly: true, hostPath: '/etc/os-release', type: 'File' },
      '/host/var/run/containerd': { readOnly: true, hostPath: '/var/run/containerd', type: 'DirectoryOrCreate' },
      '/var/run/datadog': { readOnly: false, hostPath: '/var/run/datadog', type: 'DirectoryOrCreate' },
      '/etc/datadog-agent': { readOnly: false, emptyDir: true },
      '/etc/datadog-agent/auth': { readOnly: false, emptyDir: true },
      '/var/log/datadog': { readOnly: false, emptyDir: true },
      '/tmp': { readOnly: false, emptyDir: true },
      '/opt/datadog-agent/run': { readOnly: false, emptyDir: true },
    });
    expect(mountsOf(spec, trace)['/etc/datadog-agent']).toEqual({ readOnly: true, emptyDir: true });
    expect(mountsOf(spec, trace)['/var/run/datadog']).toEqual({ readOnly: false, hostPath: '/var/run/datadog', type: 'DirectoryOrCreate' });
    expect(spec.volumes.filter((v: any) => v.hostPath?.path === '/var/log/pods')).toEqual([]);
  });

  test('probes as the chart: /live, /ready, /startup on 5555; the trace-agent TCP 8126', () => {
    for (const [probe, path] of [['livenessProbe', '/live'], ['readinessProbe', '/ready'], ['startupProbe', '/startup']]) {
      expect(main[probe]).toEqual({
        httpGet: { path, port: 5555, scheme: 'HTTP' },
        initialDelaySeconds: 15,
        periodSeconds: 15,
        timeoutSeconds: 5,
        successThreshold: 1,
        failureThreshold: 6,
      });
    }
    expect(trace.livenessProbe).toMatchObject({ tcpSocket: { port: 8126 }, initialDelaySeconds: 15, periodSeconds: 15, timeoutSeconds: 5 });
    expect(envOf(main).DD_HEALTH_PORT).toBe('5555');
  });

  test('grants the kubelet reads and, standalone, read-only metadata; nothing that writes', () => {
    const role = only(objects, 'ClusterRole');
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['nodes/metrics', 'nodes/spec', 'nodes/proxy', 'nodes/stats'], verbs: ['get'] });
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['services', 'endpoints', 'pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] });
    const verbs = new Set(role.rules.flatMap((r: any) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('rolls 10% of the nodes at a time, with no surge', () => {
    expect(only(objects, 'DaemonSet').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } });
  });

  test('is privileged for Pod Security (host PID, host paths)', () => {
    const report = agent.daemonSet.podSecurity();
    expect(report.level).toBe('privileged');
    expect(report.reasons.map((r: any) => r.field)).toContain('hostPID');
  });
});

describe('DatadogAgent options', () => {
  test('site and cluster name reach every container', () => {
    // GIVEN
    const { objects } = made({ site: DatadogSite.EU1, clusterName: 'prod-eu-1.team' });
    // THEN
    for (const name of ['agent', 'trace-agent', 'init-config']) {
      expect(envOf(container(objects, name)).DD_SITE).toBe('datadoghq.eu');
      expect(envOf(container(objects, name)).DD_CLUSTER_NAME).toBe('prod-eu-1.team');
    }
  });

  test('a custom site', () => {
    expect(envOf(container(made({ site: DatadogSite.custom('us7.datadoghq.com') }).objects)).DD_SITE).toBe('us7.datadoghq.com');
  });

  test('dogstatsdHostPort and apmHostPort open 8125/UDP and 8126/TCP on the node', () => {
    // GIVEN
    const { objects } = made({ dogstatsdHostPort: true, apmHostPort: true });
    // THEN
    expect(container(objects, 'agent').ports[0]).toEqual({ containerPort: 8125, hostPort: 8125, name: 'dogstatsdport', protocol: 'UDP' });
    expect(container(objects, 'trace-agent').ports).toEqual([{ containerPort: 8126, hostPort: 8126, name: 'traceport', protocol: 'TCP' }]);
  });

  test('apm: false removes the trace-agent and tells the agent', () => {
    const { objects } = made({ apm: false });
    expect(podSpec(objects).containers.map((c: any) => c.name)).toEqual(['agent']);
    expect(envOf(container(objects)).DD_APM_ENABLED).toBe('false');
    expect(envOf(container(objects)).DD_APM_RECEIVER_SOCKET).toBeUndefined();
  });

  test('logs mount the pod logs read-only and keep the pointer directory on the node', () => {
    // GIVEN
    const { objects } = made({ logs: true, logsCollectAll: true });
    const spec = podSpec(objects);
    const main = container(objects);
    // THEN
    const mounts = mountsOf(spec, main);
    expect(mounts['/var/log/pods']).toEqual({ readOnly: true, hostPath: '/var/log/pods', type: 'Directory' });
    expect(mounts['/var/log/containers']).toEqual({ readOnly: true, hostPath: '/var/log/containers', type: 'Directory' });
    expect(mounts['/opt/datadog-agent/run']).toEqual({ readOnly: false, hostPath: '/var/lib/datadog-agent/logs', type: 'DirectoryOrCreate' });
    expect(mounts['/var/lib/docker/containers']).toBeUndefined();
    const env = envOf(main);
    expect([env.DD_LOGS_ENABLED, env.DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL, env.DD_LOGS_CONFIG_K8S_CONTAINER_USE_FILE]).toEqual(['true', 'true', 'true']);
    expect(spec.volumes.find((v: any) => v.name === 'datadogrun')).toBeUndefined();
  });

  test('Docker: the socket file alone (type Socket), DOCKER_HOST, and Docker\'s log directory with logs', () => {
    // GIVEN
    const { objects } = made({ runtimeSocket: DatadogRuntimeSocket.docker(), logs: true });
    const spec = podSpec(objects);
    // THEN
    const mounts = mountsOf(spec, container(objects));
    expect(mounts['/host/var/run/docker.sock']).toEqual({ readOnly: true, hostPath: '/var/run/docker.sock', type: 'Socket' });
    expect(mounts['/var/lib/docker/containers']).toEqual({ readOnly: true, hostPath: '/var/lib/docker/containers', type: 'Directory' });
    expect(envOf(container(objects)).DOCKER_HOST).toBe('unix:///host/var/run/docker.sock');
    expect(envOf(container(objects)).DD_CRI_SOCKET_PATH).toBeUndefined();
  });

  test('CRI-O and k3s sockets', () => {
    expect(envOf(container(made({ runtimeSocket: DatadogRuntimeSocket.crio() }).objects)).DD_CRI_SOCKET_PATH).toBe('/host/var/run/crio/crio.sock');
    expect(envOf(container(made({ runtimeSocket: DatadogRuntimeSocket.k3s() }).objects)).DD_CRI_SOCKET_PATH).toBe('/host/run/k3s/containerd/containerd.sock');
  });

  test('kubeletTlsVerify: false is written for kubelets with self-signed certificates', () => {
    expect(envOf(container(made({ kubeletTlsVerify: false }).objects)).DD_KUBELET_TLS_VERIFY).toBe('false');
  });

  test('clusterAgent joins a cluster agent: its Service and token, and no standalone metadata RBAC', () => {
    // GIVEN
    const { objects } = made({ clusterAgent: { serviceName: 'datadog-cluster-agent', tokenSecretName: 'dca-token' } });
    // THEN
    for (const name of ['agent', 'trace-agent']) {
      const env = envOf(container(objects, name));
      expect(env.DD_CLUSTER_AGENT_ENABLED).toBe('true');
      expect(env.DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME).toBe('datadog-cluster-agent');
      expect(env.DD_CLUSTER_AGENT_AUTH_TOKEN).toEqual({ secretKeyRef: { name: 'dca-token', key: 'token' } });
    }
    expect(only(objects, 'ClusterRole').rules.flatMap((r: any) => r.resources ?? [])).not.toContain('pods');
  });

  test('the user\'s env is merged over the agent\'s', () => {
    const { objects } = made({ env: { DD_TAGS: EnvValue.fromValue('team:platform'), DD_LOG_LEVEL: EnvValue.fromValue('debug') } });
    expect(envOf(container(objects)).DD_TAGS).toBe('team:platform');
    expect(envOf(container(objects)).DD_LOG_LEVEL).toBe('debug');
  });

  test('fails when the API key Secret, the cluster name or the health port is wrong, naming each prop', () => {
    expect(() => made({ apiKeySecretName: 'Not A Name', clusterName: 'Prod_1', healthPort: 8126 })).toThrow(
      /apiKeySecretName: got "Not A Name"[\s\S]*clusterName: got "Prod_1"; expected dot-separated tokens[\s\S]*healthPort: got 8126; must differ/,
    );
  });

  test('fails when the props are missing (no API key Secret)', () => {
    expect(() => new DatadogAgent(newChart(), 'datadog', undefined as any)).toThrow(/apiKeySecretName/);
  });

  test('fails when apmHostPort is set without apm, or logsCollectAll without logs', () => {
    expect(() => made({ apm: false, apmHostPort: true, logsCollectAll: true })).toThrow(/apmHostPort: got true; the APM port belongs to the trace-agent[\s\S]*logsCollectAll: got true; collects logs only with `logs: true`/);
  });

  test('fails when the socket directory is a shared system directory', () => {
    expect(() => made({ socketDir: '/var/run' })).toThrow(/socketDir: got "\/var\/run"; expected an absolute directory of the agent's own/);
  });

  test('fails when a custom runtime socket sits directly in /run', () => {
    expect(() => made({ runtimeSocket: DatadogRuntimeSocket.custom('/run/my.sock') })).toThrow(/runtimeSocket: got "\/run\/my.sock"/);
  });

  test('fails when a custom site is not a domain', () => {
    expect(() => made({ site: DatadogSite.custom('eu') })).toThrow(/site: got "eu"; expected a Datadog site's domain/);
  });
});

describe('DatadogAgent conflicts with other agents', () => {
  test('fails when another agent on the same nodes opens host port 8125/UDP and DogStatsD opens it too', () => {
    // GIVEN a core DaemonSet on every Linux node with hostPort 8125/UDP (a statsd exporter)
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', { ...API_KEY, dogstatsdHostPort: true });
    new DaemonSet(chart, 'statsd', { image: 'registry.example.com/statsd:1.0.0', ports: [{ containerPort: 8125, hostPort: 8125, protocol: Protocol.UDP }] });
    // THEN
    expect(() => synth(chart)).toThrow(/'test\/datadog' \(default\/datadog\) and 'test\/statsd' \(default\/statsd\) can run on the same node and both claim host port 8125\/UDP/);
  });

  test('fails when another agent opens host port 8126/TCP and APM opens it too', () => {
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', { ...API_KEY, apmHostPort: true });
    new DaemonSet(chart, 'tracer', { image: 'registry.example.com/otel:1.0.0', ports: [{ containerPort: 8126, hostPort: 8126 }] });
    expect(() => synth(chart)).toThrow(/can run on the same node and both claim host port 8126\/TCP/);
  });

  test('with the default sockets, no host port is claimed: the statsd DaemonSet is accepted', () => {
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', API_KEY);
    new DaemonSet(chart, 'statsd', { image: 'registry.example.com/statsd:1.0.0', ports: [{ containerPort: 8125, hostPort: 8125, protocol: Protocol.UDP }] });
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet').length).toBe(2);
  });

  test('fails when two Datadog agents run on the same nodes: both write /var/run/datadog', () => {
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', API_KEY);
    new DatadogAgent(chart, 'datadog-canary', API_KEY);
    expect(() => synth(chart)).toThrow(/'test\/datadog' .*and 'test\/datadog-canary' .*can run on the same node and both claim writable host path \/var\/run\/datadog/);
  });

  test('fails when two Datadog agents with logs share the pointer directory, even with their own socket dirs', () => {
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', { ...API_KEY, logs: true });
    new DatadogAgent(chart, 'datadog-canary', { ...API_KEY, logs: true, socketDir: '/var/run/datadog-canary' });
    expect(() => synth(chart)).toThrow(/both claim writable host path \/var\/lib\/datadog-agent\/logs/);
  });

  test('two Datadog agents on disjoint nodes are accepted', () => {
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', { ...API_KEY, nodeSelector: { pool: 'a' } });
    new DatadogAgent(chart, 'datadog-b', { ...API_KEY, nodeSelector: { pool: 'b' } });
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet').length).toBe(2);
  });

  test('the conflict is the library\'s ValidationError', () => {
    const chart = newChart();
    new DatadogAgent(chart, 'datadog', API_KEY);
    new DatadogAgent(chart, 'datadog-2', API_KEY);
    let thrown: unknown;
    try {
      synth(chart);
    } catch (e) {
      thrown = e;
    }
    expect(Errors.isValidationError(thrown)).toBe(true);
  });
});

/**
 * The agent's environment variables, each one the chart emits: those of the chart's default
 * rendering (test/fixtures/upstream/datadog-agent.yaml) and, for the options it renders only when
 * set, these, with the template line that emits each (charts/datadog at datadog-3.240.0).
 */
const CHART_WHEN_SET: Record<string, string> = {
  DD_CLUSTER_NAME: 'templates/_components-common-env.yaml line 30 (datadog.clusterName)',
  DD_SITE: 'templates/_components-common-env.yaml line 68 (datadog.site)',
  DD_KUBELET_TLS_VERIFY: 'templates/_containers-common-env.yaml line 22 (datadog.kubelet.tlsVerify)',
  DD_CRI_SOCKET_PATH: 'templates/_containers-common-env.yaml line 129 (datadog.criSocketPath)',
  DOCKER_HOST: 'templates/_containers-common-env.yaml line 120 (datadog.dockerSocketPath)',
  DD_LOGS_CONFIG_K8S_CONTAINER_USE_FILE: 'templates/_container-agent.yaml line 149 (datadog.logs.enabled)',
};

test('every environment variable the preset sets is one the chart sets (the agent\'s config keys at 7.81.1)', () => {
  // GIVEN the chart's default env names and those it sets only for an option
  const upstream = parseAllDocuments(readFileSync(join(__dirname, '..', 'fixtures', 'upstream', 'datadog-agent.yaml'), 'utf8')).map((d) => d.toJS());
  const spec = upstream.find((o) => o.kind === 'DaemonSet').spec.template.spec;
  const chartNames = new Set<string>([...spec.containers, ...spec.initContainers].flatMap((c: any) => (c.env ?? []).map((e: any) => e.name)));
  Object.keys(CHART_WHEN_SET).forEach((n) => chartNames.add(n));
  // WHEN the preset sets every option that adds a variable
  const { objects } = made({
    site: DatadogSite.EU1,
    clusterName: 'c',
    kubeletTlsVerify: true,
    logs: true,
    logsCollectAll: true,
    clusterAgent: { serviceName: 'dca', tokenSecretName: 'dca' },
  });
  const docker = made({ runtimeSocket: DatadogRuntimeSocket.docker() }).objects;
  const ours = new Set<string>([objects, docker].flatMap((o) => [...podSpec(o).containers, ...podSpec(o).initContainers])
    .flatMap((c: any) => (c.env ?? []).map((e: any) => e.name)));
  // THEN each is the chart's (NODE_NAME is the core's, which the agent ignores)
  expect([...ours].filter((n) => !chartNames.has(n) && n !== 'NODE_NAME')).toEqual([]);
});
