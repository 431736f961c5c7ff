/**
 * The DatadogAgent's pod spec started unchanged on the real node with a stand-in image (the agent
 * image has no offline build): the kubelet applies its users, capabilities, host mounts with their
 * types, the API key Secret, probes and ports for real. All four containers run the same image, as
 * with the real agent, so the stand-in is one image holding each container's command: `agent` and
 * `trace-loader` (stand-in scripts that do with their mounts what the agent does and answer the
 * probes on the agent's own ports and paths), and `bash` for the init containers, which run the
 * chart's own init commands (`cp -r /etc/datadog-agent /opt`, the `cont-init.d` loop).
 * Run with `flock /tmp/node-tier.lock bash test/node/run.sh test/node/datadog-agent.test.ts`.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import { apply, containerIdOf, isReady, podsOf, procStatus, report, restarts, synth, waitReady } from './agents';
import { ImageSpec, debTree } from './images';
import { RealNode, nodeCache } from './real-node';
import { standInImage } from './stand-ins';
import { DatadogAgent } from '../../src';
import { waitFor } from '../cluster/control-plane';

const NAMESPACE = 'datadog';
/** Host paths the agent creates (DirectoryOrCreate): removed afterwards when they were absent. */
const CREATED = ['/var/run/datadog', '/var/lib/datadog-agent'];
let node: RealNode;
let existed: string[] = [];

beforeAll(async () => {
  existed = CREATED.filter((p) => fs.existsSync(p));
  node = await RealNode.start();
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop([NAMESPACE]);
  for (const p of CREATED.filter((q) => !existed.includes(q))) {
    fs.rmSync(p, { recursive: true, force: true });
  }
  console.log(`teardown: ${undone?.join('; ')}; removed ${CREATED.filter((q) => !existed.includes(q)).join(', ')}`);
}, 300_000);

/** Whether a Unix socket on the host accepts a connection. */
function connects(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket, () => {
      c.end();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

/** One image for every container of the pod (they share the agent's image), from each one's stand-in. */
function datadogStandIn(ds: any): ImageSpec {
  const spec = ds.spec.template.spec;
  const [agent, trace] = ['agent', 'trace-agent'].map((n) => spec.containers.find((c: any) => c.name === n));
  const agentImage = standInImage(agent, false, {
    work: [
      // What init-volume copied and init-config wrote into the config emptyDir.
      'test -f /etc/datadog-agent/datadog.yaml',
      'grep -q init-config /etc/datadog-agent/conf.d/stand-in.yaml',
      // The node's processes (host PID namespace and /host/proc), cgroups, users and OS.
      'echo "stand-in: pid 1 is $(cat /proc/1/comm), /host/proc/1 is $(cat /host/proc/1/comm)"',
      'ls /host/sys/fs/cgroup > /dev/null',
      'grep -q "^root:" /etc/passwd',
      'grep -q "^ID=" /host/etc/os-release',
      // The runtime socket, as the agent's container checks use it.
      'ctr -a "$DD_CRI_SOCKET_PATH" -n k8s.io containers ls -q > /tmp/containers',
      'echo "stand-in: ctr listed $(wc -l < /tmp/containers) containers"',
      // The auth token the trace-agent reads; DogStatsD's socket; the logs' pointer on the node.
      'mkdir -p /etc/datadog-agent/auth && echo stand-in > /etc/datadog-agent/auth/token',
      '/stand-in/unix-listen "$DD_DOGSTATSD_SOCKET" &',
      'ls /var/log/pods /var/log/containers > /dev/null',
      'echo "{\\"stand-in\\": true}" > /opt/datadog-agent/run/registry.json',
    ].join('\n'),
  });
  const traceImage = standInImage(trace, false, {
    work: [
      'while [ ! -f /etc/datadog-agent/auth/token ]; do sleep 0.2; done',
      '/stand-in/unix-listen "$DD_APM_RECEIVER_SOCKET" &',
      // The TCP port of its probe (busybox httpd: a listener on 8126).
      'httpd -p 8126 -h /tmp',
    ].join('\n'),
  });
  const cache = nodeCache();
  return {
    name: agent.image,
    trees: [debTree(cache, 'busybox-static'), debTree(cache, 'libc6')],
    busyboxLinks: true,
    files: {
      ...agentImage.files,
      ...traceImage.files,
      // The init containers' `bash -c ...`: busybox's shell runs the chart's commands as they are.
      '/usr/local/bin/bash': { content: '#!/bin/sh\nexec /bin/sh "$@"\n', mode: 0o755 },
      '/etc/datadog-agent/datadog.yaml': { content: '# stand-in for the image\'s datadog.yaml\n' },
      '/etc/cont-init.d/50-stand-in.sh': { content: 'mkdir -p /etc/datadog-agent/conf.d\necho "# written by init-config" > /etc/datadog-agent/conf.d/stand-in.yaml\nls /host/proc/1 > /dev/null\n' },
      '/usr/bin/ctr': { content: fs.readFileSync(path.join(cache, 'debs', 'containerd', 'usr/bin/ctr')), mode: 0o755 },
    },
  };
}

describe('DatadogAgent (stand-in image)', () => {
  test('is Ready with 0 restarts; root without capabilities reads the node, talks to containerd, and serves DogStatsD and APM on sockets in the host\'s /var/run/datadog', async () => {
    // GIVEN the preset with logs and both host ports, its API key Secret, and the stand-in image
    const objects = synth(NAMESPACE, (chart) => {
      new k8s.KubeSecret(chart, 'api-key', { metadata: { name: 'datadog-secret' }, stringData: { 'api-key': 'stand-in' } });
      new DatadogAgent(chart, 'datadog', { apiKeySecretName: 'datadog-secret', logs: true, dogstatsdHostPort: true, apmHostPort: true });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const spec = ds.spec.template.spec;
    const image = node.importImage(datadogStandIn(ds));

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 180_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN the containers run as root with no capabilities and no privilege escalation
    const agentId = containerIdOf(pod, 'agent');
    const traceId = containerIdOf(pod, 'trace-agent');
    for (const id of [agentId, traceId]) {
      const status = procStatus(node.pidOf(id));
      expect(status.Uid.split(/\s+/)[0]).toBe('0');
      expect(status.CapEff).toBe('0000000000000000');
      expect(status.NoNewPrivs).toBe('1');
      expect(status.Seccomp).toBe('2');
    }
    // AND the init containers ran the chart's commands (the agent checked what they wrote)
    expect((pod.status.initContainerStatuses ?? []).map((s: any) => [s.name, s.state.terminated?.exitCode])).toEqual([['init-volume', 0], ['init-config', 0]]);
    // AND the host PID namespace: the agent's pid 1 is the node's
    const pid1 = node.exec(agentId, ['cat', '/proc/1/comm']);
    expect(pid1.out.trim()).toBe(fs.readFileSync('/proc/1/comm', 'utf-8').trim());
    // AND containerd answered over the runtime socket mounted read-only from the host
    const listed = node.exec(agentId, ['ctr', '-a', '/host/var/run/containerd/containerd.sock', '-n', 'k8s.io', 'containers', 'ls', '-q']);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')).toContain(agentId);
    // AND the read-only mounts refuse writes
    const readOnly = ['/etc/passwd', '/host/etc/os-release', '/var/log/pods/x', '/host/sys/fs/cgroup/x', '/usr/x'];
    const refused = readOnly.map((p) => [p, node.exec(agentId, ['touch', p]).out.includes('Read-only file system')]);
    expect(refused).toEqual(readOnly.map((p) => [p, true]));
    // AND the sockets are on the host, where applications mount them, and accept connections
    const sockets = ['/var/run/datadog/dsd.socket', '/var/run/datadog/apm.socket'];
    await waitFor('both sockets on the host', async () => (sockets.every((s) => fs.existsSync(s)) ? true : undefined), 30_000, 250);
    for (const s of sockets) {
      expect(fs.statSync(s).isSocket()).toBe(true);
      expect(await connects(s)).toBe(true);
    }
    // AND the logs pointer is kept on the host
    expect(fs.readFileSync('/var/lib/datadog-agent/logs/registry.json', 'utf-8')).toMatch(/stand-in/);
    // AND the host ports are declared as the kubelet received them
    const agentPorts = pod.spec.containers.find((c: any) => c.name === 'agent').ports;
    expect(agentPorts).toContainEqual({ containerPort: 8125, hostPort: 8125, name: 'dogstatsdport', protocol: 'UDP' });
    expect(pod.spec.containers.find((c: any) => c.name === 'trace-agent').ports).toEqual([{ containerPort: 8126, hostPort: 8126, name: 'traceport', protocol: 'TCP' }]);
    expect(restarts(pod)).toBe(0);

    await node.client.delete(`/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Foreground' });
    await waitFor('the Datadog pod gone', async () => ((await podsOf(node, ds)).length === 0 ? true : undefined), 120_000, 500);

    report({
      agent: 'DatadogAgent (agent, trace-agent, init-volume, init-config)',
      image: `${image} (one stand-in for the four containers)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `probes answered: agent ${spec.containers[0].readinessProbe.httpGet.port} /live, /ready, /startup; trace-agent TCP ${spec.containers[1].livenessProbe.tcpSocket.port}`,
        'agent and trace-agent as uid 0 with CapEff 0, NoNewPrivs 1, Seccomp 2; read-only /etc/passwd, /host/etc/os-release, /var/log/pods, /host/sys/fs/cgroup and root refuse writes',
        'init-volume and init-config ran the chart\'s commands (bash -c) into the config emptyDir; the agent found their output',
        `host PID namespace (pid 1 ${pid1.out.trim()}); ctr over /host/var/run/containerd/containerd.sock listed ${listed.out.trim().split('\n').length} containers, its own among them`,
        'dsd.socket and apm.socket in the host\'s /var/run/datadog accept connections from the host; logs pointer written to /var/lib/datadog-agent/logs',
        'host ports 8125/UDP and 8126/TCP declared (not exercised: the tier\'s CNI config has no portmap plugin)',
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  }, 400_000);
});
