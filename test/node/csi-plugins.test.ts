/**
 * The Ceph CSI node plugins (StorageDaemon with CsiDriver.cephRbd and CsiDriver.cephFs), their pod
 * specs started unchanged on the real node with stand-in images (ceph-csi cannot be had offline):
 * the kubelet applies the host network and PID namespace, the privileged plugin, every host mount
 * with its type and propagation, the ConfigMap files and the in-memory keys directory for real;
 * the stand-ins listen on the plugin's socket, register under the kubelet's plugins_registry and
 * answer the probes and the liveness exporter's /metrics on the ports the preset gives them.
 * Run with `flock /tmp/node-tier.lock bash test/node/run.sh test/node/csi-plugins.test.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apply, containerIdOf, isReady, kubeletLogged, podsOf, report, restarts, synth, waitReady } from './agents';
import { RealNode } from './real-node';
import { StandIn, standInImage } from './stand-ins';
import { CsiDriver, StorageDaemon } from '../../src';
import { waitFor } from '../cluster/control-plane';

const NAMESPACES = ['kube-system'];
/** A host path the RBD plugin's DirectoryOrCreate makes and this machine lacks; removed after if absent before. */
const CEPH_LOG_DIR = '/var/log/ceph';
const cephLogDirBefore = fs.existsSync(CEPH_LOG_DIR);
let node: RealNode;

beforeAll(async () => {
  node = await RealNode.start();
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(NAMESPACES);
  if (!cephLogDirBefore && fs.existsSync(CEPH_LOG_DIR)) {
    fs.rmSync(CEPH_LOG_DIR, { recursive: true, force: true });
  }
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

async function deleteDaemonSet(ds: any): Promise<void> {
  await node.client.delete(`/apis/apps/v1/namespaces/${ds.metadata.namespace}/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Foreground' });
  await waitFor(`${ds.metadata.name}'s pods gone`, async () => ((await podsOf(node, ds)).length === 0 ? true : undefined), 120_000, 500);
}

/** A mount of a container as /proc/self/mountinfo shows it: its options, propagation and filesystem type. */
function mountInfo(containerId: string, mountPath: string): { options: string; optional: string; fsType: string } | undefined {
  const out = node.exec(containerId, ['cat', '/proc/self/mountinfo']).out;
  for (const line of out.split('\n')) {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    if (fields[4] === mountPath && right !== undefined) {
      return { options: fields[5], optional: fields.slice(6).join(' '), fsType: right.split(' ')[0] };
    }
  }
  return undefined;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

describe.each([
  ['Ceph RBD', 'csi-rbdplugin', () => CsiDriver.cephRbd({ clusters: [{ clusterId: 'ceph-node-tier', monitors: ['127.0.0.1:6789'] }] })],
  ['CephFS', 'csi-cephfsplugin', () => CsiDriver.cephFs({ clusters: [{ clusterId: 'ceph-node-tier', monitors: ['127.0.0.1:6789'], subvolumeGroup: 'csi' }] })],
])('StorageDaemon with %s (plugin, registrar, livenessprobe, liveness exporter; stand-in images)', (label, id, driver) => {
  test('is Ready with 0 restarts on the host network; the socket, the registration socket, the mounts and the probes are the preset\'s', async () => {
    // GIVEN the preset with its defaults; the plugin listens on its CSI socket, the registrar waits
    // for it and listens on the registration socket; the ceph-csi image (plugin and exporter) is one
    // stand-in that takes the exporter's role with `--type=liveness`
    let preset!: StorageDaemon;
    const objects = synth('kube-system', (chart) => {
      preset = new StorageDaemon(chart, id, { driver: driver() });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const containers: any[] = ds.spec.template.spec.containers;
    const byName = (n: string) => containers.find((c) => c.name === n);
    const plugin = byName(id);
    const registrar = byName('node-driver-registrar');
    const exporter = byName('liveness-prometheus');
    const regPath = registrar.args.find((a: string) => a.startsWith('--kubelet-registration-path=')).split('=')[1];
    const driverName = path.basename(path.dirname(regPath));
    const waitSocket = 'sock=$(echo "$CSI_ENDPOINT" | sed "s#^unix:/*#/#"); while [ ! -S "$sock" ]; do sleep 0.2; done';
    const standIns: Record<string, StandIn> = {
      [plugin.name]: {
        work: [
          'case " $* " in',
          `  *" --type=liveness "*) ${waitSocket}`,
          '    port=$(echo " $* " | sed "s/.* --metricsport=\\([0-9]*\\) .*/\\1/")',
          '    httpd -f -p "$port" -h /stand-in/metrics-www &',
          '    echo "stand-in: liveness exporter on $port"',
          '    trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done;;',
          'esac',
          'sock=$(echo "$CSI_ENDPOINT" | sed "s#^unix:/*#/#"); /stand-in/unix-listen "$sock" &',
        ].join('\n'),
        files: { '/stand-in/metrics-www/metrics': { content: `# stand-in for ceph-csi's liveness exporter\ncsi_liveness{driver="${driverName}"} 1\n` } },
      },
      [registrar.name]: { work: `while [ ! -S /csi/csi.sock ]; do sleep 0.2; done; /stand-in/unix-listen /registration/${driverName}-reg.sock &` },
      'liveness-probe': { work: 'while [ ! -S /csi/csi.sock ]; do sleep 0.2; done' },
    };
    const images: string[] = [];
    for (const c of containers) {
      if (c.name !== exporter.name) {
        images.push(node.importImage(standInImage(c, false, standIns[c.name])));
      }
    }
    expect(exporter.image).toBe(plugin.image);

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 180_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN it is on the node's network (and PID namespace)
    expect(pod.status.podIP).toBe(pod.status.hostIP);
    expect(pod.spec.hostPID).toBe(true);
    // AND the plugin's socket is on the host under the kubelet's plugin dir, the registration socket
    // in plugins_registry, where the kubelet's plugin watcher looks
    const hostSocket = path.join(preset.socketDir, 'csi.sock');
    const registration = path.join('/var/lib/kubelet/plugins_registry', `${driverName}-reg.sock`);
    expect(hostSocket).toBe(regPath);
    expect(fs.statSync(hostSocket).isSocket()).toBe(true);
    expect(fs.statSync(registration).isSocket()).toBe(true);
    await kubeletLogged(`${driverName}-reg.sock`);
    // AND the probes and the exporter answer on their own ports, on the node's address
    const host = pod.status.hostIP;
    const health = await get(`http://${host}:${preset.healthPort}/healthz`);
    const registrarHealth = await get(`http://${host}:${preset.registrarHealthPort}/healthz`);
    const metrics = await get(`http://${host}:${preset.metricsPort}/metrics`);
    expect([health.status, registrarHealth.status, metrics.status]).toEqual([200, 200, 200]);
    expect(metrics.body).toContain(`csi_liveness{driver="${driverName}"} 1`);

    // AND the plugin's mounts are there with their modes and propagation
    const pluginId = containerIdOf(pod, plugin.name);
    const kubelet = mountInfo(pluginId, '/var/lib/kubelet');
    expect(kubelet?.optional).toMatch(/shared:/);
    for (const [p, mode] of [['/dev', 'rw'], ['/sys', 'rw'], ['/run/mount', 'rw'], ['/lib/modules', 'ro'], ['/etc/selinux', 'ro'], ['/csi', 'rw']]) {
      expect({ p, options: mountInfo(pluginId, p)?.options.split(',')[0] }).toEqual({ p, options: mode });
    }
    expect(mountInfo(pluginId, '/tmp/csi/keys')).toMatchObject({ fsType: 'tmpfs' });
    const keys = node.exec(pluginId, ['sh', '-c', 'echo key > /tmp/csi/keys/stand-in && cat /tmp/csi/keys/stand-in && rm /tmp/csi/keys/stand-in']);
    expect(keys).toEqual({ code: 0, out: 'key\n' });
    // AND the configuration files from the preset's ConfigMap
    const config = node.exec(pluginId, ['sh', '-c', 'cat /etc/ceph-csi-config/config.json; echo; cat /etc/ceph/ceph.conf; wc -c < /etc/ceph/keyring']);
    expect(config.code).toBe(0);
    expect(config.out).toContain('"clusterID": "ceph-node-tier"');
    expect(config.out).toContain('auth_client_required = cephx');
    expect(config.out.trim().endsWith('0')).toBe(true);
    // AND a mount the plugin makes in the kubelet's staging area shows on the host (Bidirectional)
    const staging = `/var/lib/kubelet/plugins/kubernetes.io/csi/${driverName}/stand-in-volume/globalmount`;
    const mounted = node.exec(pluginId, ['sh', '-c', `mkdir -p ${staging} && mount -t tmpfs stand-in ${staging} && echo ok`]);
    expect(mounted).toEqual({ code: 0, out: 'ok\n' });
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf-8')).toContain(` ${staging} `);
    node.exec(pluginId, ['umount', staging]);
    // AND (RBD) its log directory, (CephFS) its mount records, written through to the host
    const own = driverName.startsWith('rbd') ? { inPod: '/var/log/ceph', onHost: CEPH_LOG_DIR } : { inPod: '/csi/mountinfo', onHost: path.join(preset.socketDir, 'mountinfo') };
    const written = node.exec(pluginId, ['sh', '-c', `echo stand-in > ${own.inPod}/stand-in.json && echo ok`]);
    expect(written).toEqual({ code: 0, out: 'ok\n' });
    expect(fs.readFileSync(path.join(own.onHost, 'stand-in.json'), 'utf-8')).toBe('stand-in\n');
    fs.rmSync(path.join(own.onHost, 'stand-in.json'));
    // AND the exporter is not privileged: it cannot mount
    const exporterId = containerIdOf(pod, exporter.name);
    expect(node.exec(exporterId, ['sh', '-c', 'mount -t tmpfs x /tmp 2>/dev/null && echo mounted || echo refused']).out).toBe('refused\n');
    expect(restarts(pod)).toBe(0);
    await deleteDaemonSet(ds);

    report({
      agent: `StorageDaemon (${label} CSI node)`,
      image: `${images.join(', ')} (stand-ins)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `host network (pod IP ${pod.status.podIP} = node IP) and PID namespace`,
        `plugin socket ${hostSocket} (DirectoryOrCreate) shared with the sidecars; registration socket ${registration}, seen by the kubelet's plugin watcher`,
        `answered on the node: ${preset.healthPort}/healthz (plugin liveness), ${preset.registrarHealthPort}/healthz (registrar), ${preset.metricsPort}/metrics (liveness exporter, unprivileged)`,
        '/var/lib/kubelet shared (Bidirectional: a tmpfs mounted in the staging area appeared on the host); /dev, /sys, /run/mount rw; /lib/modules, /etc/selinux ro; /tmp/csi/keys tmpfs',
        `config.json and ceph.conf (empty keyring) from the preset's ConfigMap; ${own.inPod} written through to ${own.onHost}`,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});
