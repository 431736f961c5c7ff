import { readFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'yaml';
import { LogAgent } from '../../src/presets/log-agent';
import { LogFlavor } from '../../src/presets/log-flavor';
import { LogOutput } from '../../src/presets/log-output';
import { container, newChart, only, podSpec, synth } from '../util/synth';

/**
 * LogFlavor.LOGSTASH against the pod of Elastic's logstash chart (a StatefulSet: Elastic ships no
 * Logstash node-agent DaemonSet), rendered at v8.5.1 with the preset's image tag
 * (test/fixtures/upstream/logstash-statefulset.yaml). Point by point; every difference is listed
 * with the reason the docs page gives (docs/presets/log-agent.md, "Logstash", "Compared with
 * Elastic's logstash chart"), and a difference not listed fails.
 */

const ROOT = join(__dirname, '..', '..');
const UPSTREAM = yaml.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'upstream', 'logstash-statefulset.yaml'), 'utf8'));
const PAGE = readFileSync(join(ROOT, 'docs', 'presets', 'log-agent.md'), 'utf8');
const TABLE = PAGE.split('#### Compared with Elastic\'s logstash chart')[1]?.split('\n\n')[2] ?? '';

const chart = newChart();
new LogAgent(chart, 'logstash', { flavor: LogFlavor.LOGSTASH, output: LogOutput.elasticsearch({ host: 'es' }) });
const objects = synth(chart);
const OURS = { spec: podSpec(objects), main: container(objects) };
const UP = { spec: UPSTREAM.spec.template.spec, main: UPSTREAM.spec.template.spec.containers[0] };

const portOf = (main: any, port: unknown) => (typeof port === 'number' ? port : (main.ports as any[]).find((p) => p.name === port)?.containerPort);
const probe = (main: any, p: any) => (p === undefined ? undefined : `${p.httpGet.path} ${portOf(main, p.httpGet.port)}`);
const mountAt = (main: any, path: string) => (main.volumeMounts as any[]).find((m) => m.mountPath === path || path.startsWith(`${m.mountPath}/`));

const POINTS: Record<string, (x: typeof OURS) => unknown> = {
  'image': (x) => x.main.image,
  'command': (x) => x.main.command,
  'args': (x) => x.main.args,
  'LS_JAVA_OPTS': (x) => (x.main.env as any[]).find((e) => e.name === 'LS_JAVA_OPTS')?.value,
  'logstash.yml': (x) => {
    const m = mountAt(x.main, '/usr/share/logstash/config/logstash.yml');
    return m && `${m.mountPath} ${m.subPath ?? ''}`;
  },
  'pipeline mount': (x) => mountAt(x.main, '/usr/share/logstash/pipeline/logstash.conf')?.mountPath,
  'host mounts': (x) => (x.spec.volumes as any[]).filter((v) => v.hostPath).map((v) => v.hostPath.path).sort(),
  'user': (x) => [x.main.securityContext?.runAsUser, x.main.securityContext?.runAsNonRoot],
  'capabilities': (x) => x.main.securityContext?.capabilities,
  'fsGroup': (x) => x.spec.securityContext?.fsGroup,
  'readOnlyRootFilesystem': (x) => x.main.securityContext?.readOnlyRootFilesystem ?? false,
  'ports': (x) => (x.main.ports as any[]).map((p) => `${p.name} ${p.containerPort}`),
  'liveness probe': (x) => probe(x.main, x.main.livenessProbe),
  'readiness probe': (x) => probe(x.main, x.main.readinessProbe),
  'JVM start': (x) => [x.main.livenessProbe.initialDelaySeconds, x.main.startupProbe === undefined ? undefined : probe(x.main, x.main.startupProbe)],
  'resources': (x) => x.main.resources,
  'terminationGracePeriodSeconds': (x) => x.spec.terminationGracePeriodSeconds,
  'tolerations': (x) => x.spec.tolerations,
  'pod anti-affinity': (x) => x.spec.affinity?.podAntiAffinity !== undefined,
};

const DIFFERENCES: Record<string, string> = {
  'command': 'the logstash binary instead of the image\'s entrypoint, whose env2yaml would rewrite the read-only logstash.yml because of NODE_NAME',
  'LS_JAVA_OPTS': 'a 512m heap (jvmHeap) instead of 1g, and the cgroup path overrides the entrypoint would have added',
  'pipeline mount': 'the pipeline directory holds only logstash.conf (a ConfigMap item), mounted as a directory so that config.reload.automatic sees edits; the chart mounts the file by subPath',
  'host mounts': '/var/log read-only and the state directory read-write: a node agent reads the node\'s files; the chart reads from the network',
  'user': 'root (UID 0): the container logs and the state directory are root\'s; the chart runs as 1000, non-root',
  'fsGroup': 'none: root reads its ConfigMap and Secrets as their owner',
  'readOnlyRootFilesystem': 'the root filesystem read-only; path.data in the state directory and /tmp an emptyDir are the only writable places',
  'JVM start': 'a startup probe (up to 5 minutes) instead of a 300 s initial delay: the liveness probe takes over as soon as the API answers',
  'resources': '1Gi request and limit for a 512m heap (twice the heap), 250m CPU and no CPU limit; the chart: 1536Mi for 1g, 100m, limit 1000m',
  'terminationGracePeriodSeconds': 'the core\'s 30 s instead of 120 s: an agent reading files can stop quickly, its position is in the sincedb',
  'tolerations': 'every taint tolerated: no node is left without logs',
  'pod anti-affinity': 'none: a DaemonSet runs one pod per node by construction',
};

describe('Logstash flavor vs. the pod of Elastic\'s logstash chart v8.5.1', () => {
  test.each(Object.keys(POINTS))('%s: equal, or a difference the docs page explains', (point) => {
    const [up, ours] = [POINTS[point](UP), POINTS[point](OURS)];
    if (DIFFERENCES[point] === undefined) {
      expect(ours).toEqual(up);
    } else {
      expect(ours).not.toEqual(up);
      expect(TABLE).toContain(`| ${point} | ${DIFFERENCES[point]} |`);
    }
  });

  test('the page lists exactly these differences', () => {
    expect(TABLE.split('\n').slice(2).map((row) => row.split(' | ')[0].slice(2))).toEqual(Object.keys(DIFFERENCES));
  });

  test('no ClusterRole on either side: the chart creates none by default, the preset needs no API access', () => {
    expect(objects.some((o) => o.kind === 'ClusterRole')).toBe(false);
    expect(only(objects, 'DaemonSet').spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});
