/**
 * The LogAgent's Logstash and OpenTelemetry Collector flavors on the real node, their pod specs
 * started unchanged with stand-in images (stand-ins.ts; neither Logstash nor the collector can be
 * had offline): the kubelet applies the user, mounts (the subPath logstash.yml, the ConfigMap items,
 * the node's / at /hostfs with HostToContainer), probes and ports for real; the stand-in reads a real
 * pod's log line through /var/log, writes the state directory and answers the probes on 9600 and
 * 13133. Modelled on the LogAgent cases of stand-ins.test.ts.
 * Run with `flock /tmp/node-tier.lock bash test/node/run.sh test/node/log-flavors.test.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apply, containerIdOf, startLogSource, isReady, podsOf, report, restarts, synth, waitReady } from './agents';
import { RealNode } from './real-node';
import { standInImage } from './stand-ins';
import { LogAgent, LogAgentProps, LogFlavor } from '../../src';
import { waitFor } from '../cluster/control-plane';

const NAMESPACES = ['logsrc', 'logging'];
/** The log line the agents must find, set in beforeAll. */
let marker = '';
let node: RealNode;

beforeAll(async () => {
  node = await RealNode.start();
  marker = await startLogSource(node, 'log-flavors');
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(NAMESPACES);
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

/** Builds and imports a stand-in for every container of the DaemonSet (`byName` adds each one's work). */
function importStandIns(ds: any): string[] {
  const spec = ds.spec.template.spec;
  const images: string[] = [];
  for (const [containers, init] of [[spec.initContainers ?? [], true], [spec.containers, false]] as Array<[any[], boolean]>) {
    for (const c of containers) {
      images.push(node.importImage(standInImage(c, init)));
    }
  }
  return images;
}

/** The host path behind a container's mount. */
function hostPathOf(ds: any, container: any, mountPath: string): string {
  const mount = container.volumeMounts.find((m: any) => m.mountPath === mountPath);
  const volume = ds.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
  return volume.hostPath.path;
}

async function deleteDaemonSet(ds: any): Promise<void> {
  await node.client.delete(`/apis/apps/v1/namespaces/${ds.metadata.namespace}/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Foreground' });
  await waitFor(`${ds.metadata.name}'s pods gone`, async () => ((await podsOf(node, ds)).length === 0 ? true : undefined), 120_000, 500);
}


/** What each flavor's pod must show besides the common checks: [shell run in the container, what its output must match, what the report says]. */
const EXTRA: Record<string, Array<[string, RegExp, string]>> = {
  [LogFlavor.LOGSTASH]: [
    // The pipeline directory holds only the pipeline (a ConfigMap item), logstash.yml sits beside the image's files.
    ['ls /usr/share/logstash/pipeline; cat /usr/share/logstash/config/logstash.yml', /^logstash\.conf\n[\s\S]*api\.http\.port: 9600\n[\s\S]*path\.data: "\/usr\/share\/logstash\/data"/, 'pipeline dir holds logstash.conf only; logstash.yml (subPath) has api.http.port 9600 and path.data'],
    ['echo "$LS_JAVA_OPTS"', /^-Xms512m -Xmx512m /, 'LS_JAVA_OPTS -Xms512m -Xmx512m'],
  ],
  [LogFlavor.OTEL_COLLECTOR]: [
    ['ls /conf; grep -c file_log /conf/relay.yaml', /^relay\.yaml\n[1-9]/, '/conf/relay.yaml mounted'],
    // The node's / read-only at /hostfs: the host's pod logs are visible there, and it cannot be written.
    ['ls -d /hostfs/var/log/pods/logsrc_logsrc_*; touch /hostfs/stand-in 2>&1; true', /^\/hostfs\/var\/log\/pods\/logsrc_logsrc_[\s\S]*Read-only file system/, 'the node\'s / at /hostfs (read-only, HostToContainer)'],
    ['echo "$MY_POD_IP $K8S_NODE_NAME $K8S_NODE_IP $GOMEMLIMIT"', /^\d+\.\d+\.\d+\.\d+ \S+ \d+\.\d+\.\d+\.\d+ 204MiB\n$/, 'MY_POD_IP, K8S_NODE_NAME, K8S_NODE_IP, GOMEMLIMIT set'],
  ],
};

describe.each([
  ['Logstash', LogFlavor.LOGSTASH, {}],
  ['OpenTelemetry Collector', LogFlavor.OTEL_COLLECTOR, { kubeletMetrics: true, hostMetrics: true }],
] as Array<[string, LogFlavor, LogAgentProps]>)('LogAgent (%s, stand-in image)', (label, flavor, props) => {
  test('is Ready with 0 restarts; its user reads a real pod\'s log line through /var/log and writes its state dir on the host', async () => {
    // GIVEN the preset with its defaults, and a stand-in at its command path serving its probes
    const objects = synth('logging', (chart) => {
      new LogAgent(chart, `log-${flavor}`, { flavor, ...props });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const container = ds.spec.template.spec.containers[0];
    const logMount = container.volumeMounts.find((m: any) => m.mountPath === '/var/log');
    const volumeOf = (m: any) => ds.spec.template.spec.volumes.find((v: any) => v.name === m.name);
    const stateMount = container.volumeMounts.find((m: any) => !m.readOnly && volumeOf(m)?.hostPath);
    const [image] = importStandIns(ds);

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN, as the container's own user, the log line is read through the kubelet's symlinks
    const id = containerIdOf(pod, container.name);
    const read = node.exec(id, ['sh', '-c', `for f in ${logMount.mountPath}/containers/logsrc_logsrc_logsrc-*.log; do readlink "$f"; cat "$f"; done; cat ${logMount.mountPath}/pods/logsrc_logsrc_*/logsrc/0.log`]);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/^\/var\/log\/pods\/logsrc_logsrc_[0-9a-f-]+\/logsrc\/0\.log$/m);
    expect(read.out.split(`stdout F ${marker}`).length).toBe(3);
    // AND its state dir is written through to the host path
    const write = node.exec(id, ['sh', '-c', `echo "${marker} read" > ${stateMount.mountPath}/stand-in.pos`]);
    expect(write).toEqual({ code: 0, out: '' });
    const hostState = hostPathOf(ds, container, stateMount.mountPath);
    expect(fs.readFileSync(path.join(hostState, 'stand-in.pos'), 'utf-8')).toBe(`${marker} read\n`);
    // AND what only this flavor has
    const extra = EXTRA[flavor].map(([cmd, expected, says]) => {
      const r = node.exec(id, ['sh', '-c', cmd]);
      expect(r.out).toMatch(expected);
      return says;
    });
    // AND the probes were answered (Ready) on the flavor's port
    const ports = [...new Set([container.livenessProbe, container.readinessProbe, container.startupProbe].filter((p) => p?.httpGet).map((p) => `${p.httpGet.port}${p.httpGet.path}`))];
    expect(ports).toEqual([flavor === LogFlavor.LOGSTASH ? '9600/' : '13133/']);
    expect(restarts(pod)).toBe(0);
    await deleteDaemonSet(ds);
    fs.rmSync(hostState, { recursive: true, force: true });

    report({
      agent: `LogAgent (${label})`,
      image: `${image} (stand-in)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `probes answered on ${ports.join(', ')}`,
        `uid ${container.securityContext.runAsUser} read "${marker}" via ${logMount.mountPath}/containers and /var/log/pods (read-only hostPath)`,
        `wrote ${stateMount.mountPath}/stand-in.pos, seen on the host at ${hostState}`,
        ...extra,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});

describe('two log agents on the node', () => {
  test('read the same files at once, each writing its own state directory', async () => {
    // GIVEN Logstash and the collector in one app (the app-wide checks let them: /var/log is read-only for both)
    const objects = synth('logging', (chart) => {
      new LogAgent(chart, 'ls', { flavor: LogFlavor.LOGSTASH });
      new LogAgent(chart, 'otel', { flavor: LogFlavor.OTEL_COLLECTOR });
    });
    const sets = objects.filter((o) => o.kind === 'DaemonSet');
    sets.forEach((ds) => importStandIns(ds));
    // WHEN both are applied
    await apply(node, objects);
    const pods = await Promise.all(sets.map((ds) => waitReady(node, ds)));
    // THEN each reads the line and writes its own state directory
    const states = sets.map((ds, i) => {
      const c = ds.spec.template.spec.containers[0];
      const stateMount = c.volumeMounts.find((m: any) => !m.readOnly && ds.spec.template.spec.volumes.find((v: any) => v.name === m.name)?.hostPath);
      const id = containerIdOf(pods[i], c.name);
      expect(node.exec(id, ['sh', '-c', 'cat /var/log/containers/logsrc_logsrc_logsrc-*.log']).out).toContain(marker);
      expect(node.exec(id, ['sh', '-c', `echo ${ds.metadata.name} > ${stateMount.mountPath}/owner`]).code).toBe(0);
      return hostPathOf(ds, c, stateMount.mountPath);
    });
    expect(new Set(states).size).toBe(2);
    expect(states.map((s) => fs.readFileSync(path.join(s, 'owner'), 'utf-8').trim())).toEqual(['ls', 'otel']);
    expect(pods.map(restarts)).toEqual([0, 0]);
    for (const ds of sets) {
      await deleteDaemonSet(ds);
    }
    states.forEach((s) => fs.rmSync(s, { recursive: true, force: true }));
    report({
      agent: 'LogAgent (Logstash + OpenTelemetry Collector together)',
      image: 'stand-ins',
      ready: pods.every(isReady),
      restarts: pods.map(restarts).reduce((a, b) => a + b, 0),
      checked: [`both read "${marker}"; state directories ${states.join(' and ')}`],
    });
  });
});
