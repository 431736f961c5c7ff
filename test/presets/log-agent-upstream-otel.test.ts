import { readFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'yaml';
import { LogAgent } from '../../src/presets/log-agent';
import { LogFlavor } from '../../src/presets/log-flavor';
import { LogOutput } from '../../src/presets/log-output';
import { container, newChart, only, podSpec, synth } from '../util/synth';

/**
 * LogFlavor.OTEL_COLLECTOR against the opentelemetry-collector chart's agent as rendered at
 * opentelemetry-collector-0.170.0 (test/fixtures/upstream/otel-collector-agent.yaml, header names
 * the values). Point by point; every difference is listed here with the reason the docs page
 * gives (docs/presets/log-agent.md, "OpenTelemetry Collector", "Compared with the chart"), and a
 * difference not listed fails.
 */

const ROOT = join(__dirname, '..', '..');
const [UPSTREAM, UPSTREAM_ROLE] = yaml.parseAllDocuments(readFileSync(join(ROOT, 'test', 'fixtures', 'upstream', 'otel-collector-agent.yaml'), 'utf8')).map((d) => d.toJS());
const PAGE = readFileSync(join(ROOT, 'docs', 'presets', 'log-agent.md'), 'utf8');
/** The page's table of the differences from the chart. */
const TABLE = PAGE.split('#### Compared with the opentelemetry-collector chart')[1]?.split('\n\n')[1] ?? '';

const chart = newChart();
new LogAgent(chart, 'otel', { flavor: LogFlavor.OTEL_COLLECTOR, kubeletMetrics: true, hostMetrics: true, output: LogOutput.otlp({ url: 'http://gw:4318' }) });
const objects = synth(chart);
const OURS = { ds: only(objects, 'DaemonSet'), spec: podSpec(objects), main: container(objects), role: only(objects, 'ClusterRole') };
const UP = { ds: UPSTREAM, spec: UPSTREAM.spec.template.spec, main: UPSTREAM.spec.template.spec.containers[0], role: UPSTREAM_ROLE };

const hostPaths = (spec: any, main: any) => (main.volumeMounts as any[]).flatMap((m) => {
  const v = (spec.volumes as any[]).find((x) => x.name === m.name);
  return v?.hostPath ? [`${v.hostPath.path} -> ${m.mountPath} ${m.readOnly ? 'ro' : 'rw'} ${v.hostPath.type ?? '-'} ${m.mountPropagation ?? 'None'}`] : [];
}).sort();
const rules = (role: any) => (role.rules as any[]).flatMap((r) => r.resources.map((res: string) => `${r.apiGroups[0] || 'core'}/${res}: ${[...r.verbs].sort().join(',')}`)).sort();
const probe = (p: any) => (p === undefined ? undefined : `${p.httpGet.path} ${p.httpGet.port}`);

/** Each compared point: what it reads from a DaemonSet, its pod spec, main container and role. */
const POINTS: Record<string, (x: typeof OURS) => unknown> = {
  'image': (x) => x.main.image,
  'command': (x) => x.main.command,
  'args': (x) => x.main.args,
  'env (names)': (x) => (x.main.env as any[]).map((e) => e.name).sort(),
  'host mounts': (x) => hostPaths(x.spec, x.main),
  'config mount': (x) => (x.main.volumeMounts as any[]).find((m) => m.mountPath === '/conf')?.readOnly ?? false,
  'runAsUser/runAsGroup': (x) => [x.main.securityContext?.runAsUser, x.main.securityContext?.runAsGroup],
  'capabilities': (x) => x.main.securityContext?.capabilities,
  'readOnlyRootFilesystem': (x) => x.main.securityContext?.readOnlyRootFilesystem ?? false,
  'liveness probe': (x) => probe(x.main.livenessProbe),
  'readiness probe': (x) => probe(x.main.readinessProbe),
  'ports': (x) => (x.main.ports as any[]).map((p) => `${p.name} ${p.containerPort}${p.hostPort ? ` host ${p.hostPort}` : ''}`).sort(),
  'resources': (x) => x.main.resources,
  'tolerations': (x) => x.spec.tolerations,
  'priorityClassName': (x) => x.spec.priorityClassName,
  'updateStrategy': (x) => x.ds.spec.updateStrategy,
  'hostNetwork/hostPID': (x) => [x.spec.hostNetwork, x.spec.hostPID],
  'automountServiceAccountToken': (x) => x.spec.automountServiceAccountToken,
  'terminationGracePeriodSeconds': (x) => x.spec.terminationGracePeriodSeconds,
  'RBAC rules': (x) => rules(x.role),
};

/** The differences, each with the reason the docs page gives. */
const DIFFERENCES: Record<string, string> = {
  'env (names)': 'the core adds NODE_NAME; GOMEMLIMIT from the limit (the chart sets it only when resources.limits.memory is given); the OTEL_K8S_* telemetry resource variables are left out with the chart\'s telemetry resource block; K8S_NODE_IP only with kubeletMetrics',
  'host mounts': '/var/log read-only (Directory) instead of /var/log/pods and /var/lib/docker/containers without a type; a state directory per agent instead of the shared /var/lib/otelcol; / typed Directory',
  'config mount': 'the ConfigMap read-only',
  'capabilities': 'every capability dropped (the chart keeps the runtime\'s defaults)',
  'readOnlyRootFilesystem': 'the root filesystem read-only, /tmp an emptyDir',
  'ports': 'no OTLP, Jaeger or Zipkin receivers and no host ports (a log and node-metrics agent; hostPorts would clash with other agents); 13133 named http and the collector\'s metrics on 8888 named metrics',
  'resources': 'the chart sets none; 100m / 128Mi, limit 256Mi',
  'tolerations': 'every taint tolerated (the chart: none), so no node is left without logs',
  'updateStrategy': 'one node at a time without a surge, spelled out (the chart: the API server\'s defaults)',
  'RBAC rules': 'no extensions/replicasets (the extensions API group is gone since Kubernetes 1.16)',
};

describe('OpenTelemetry Collector flavor vs. the opentelemetry-collector chart 0.170.0 agent', () => {
  test.each(Object.keys(POINTS))('%s: equal, or a difference the docs page explains', (point) => {
    const [up, ours] = [POINTS[point](UP as any), POINTS[point](OURS)];
    if (DIFFERENCES[point] === undefined) {
      expect(ours).toEqual(up);
    } else {
      // THEN it does differ (a listed difference that went away must be taken off the list)
      expect(ours).not.toEqual(up);
      expect(TABLE).toContain(`| ${point} | ${DIFFERENCES[point]} |`);
    }
  });

  test('the page lists exactly these differences', () => {
    expect(TABLE.split('\n').slice(2).map((row) => row.split(' | ')[0].slice(2))).toEqual(Object.keys(DIFFERENCES));
  });

  test('the exact host paths on both sides', () => {
    expect(POINTS['host mounts'](UP as any)).toEqual([
      '/ -> /hostfs ro - HostToContainer',
      '/var/lib/docker/containers -> /var/lib/docker/containers ro - None',
      '/var/lib/otelcol -> /var/lib/otelcol rw DirectoryOrCreate None',
      '/var/log/pods -> /var/log/pods ro - None',
    ]);
    expect(POINTS['host mounts'](OURS)).toEqual([
      '/ -> /hostfs ro Directory HostToContainer',
      '/var/lib/otel-collector-state/default/otel -> /var/lib/otelcol rw DirectoryOrCreate None',
      '/var/log -> /var/log ro Directory None',
    ]);
  });
});
