/**
 * Every preset with no binary offline, its pod spec started unchanged on the real node with a
 * stand-in image (stand-ins.ts): the kubelet applies its user, capabilities, host mounts with their
 * types, ConfigMaps, Secrets, probes and ports for real; the stand-in does with its mounts what the
 * agent does and answers the probes on the agent's own ports and paths.
 * Run with `npm run test:node`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apply, containerIdOf, kubeletLogged, startLogSource, isReady, podLog, podsOf, report, restarts, synth, waitReady } from './agents';
import { NODE_NAME, PAUSE_IMAGE, RealNode, nodeCache } from './real-node';
import { StandIn, standInImage } from './stand-ins';
import {
  GpuDriverFlavor, GpuDriverInstaller, LogAgent, LogFlavor, SecurityAgent, StorageDaemon,
} from '../../src';
import { waitFor } from '../cluster/control-plane';

const NAMESPACES = ['logsrc', 'logging', 'falco', 'kube-system'];
/** The log line the agents must find, set in beforeAll. */
let marker = '';
let node: RealNode;

beforeAll(async () => {
  node = await RealNode.start();
  marker = await startLogSource(node, 'stand-ins');
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(NAMESPACES);
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

/** Labels the node so that a DaemonSet's required node affinity selects it (Exists / In terms). */
async function labelFor(ds: any): Promise<Record<string, string>> {
  const labels: Record<string, string> = {};
  const required = ds.spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  for (const term of required?.nodeSelectorTerms?.slice(0, 1) ?? []) {
    for (const e of term.matchExpressions ?? []) {
      if (e.operator === 'Exists') {
        labels[e.key] = 'true';
      } else if (e.operator === 'In') {
        labels[e.key] = e.values[0];
      }
    }
  }
  if (Object.keys(labels).length) {
    await node.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { metadata: { labels } });
  }
  return labels;
}

async function unlabel(labels: Record<string, string>): Promise<void> {
  if (Object.keys(labels).length) {
    await node.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { metadata: { labels: Object.fromEntries(Object.keys(labels).map((k) => [k, null])) } });
  }
}

/** Builds and imports a stand-in for every container of the DaemonSet (`byName` adds each one's work). */
function importStandIns(ds: any, byName: Record<string, StandIn>, keep: string[] = []): string[] {
  const spec = ds.spec.template.spec;
  const images: string[] = [];
  for (const [containers, init] of [[spec.initContainers ?? [], true], [spec.containers, false]] as Array<[any[], boolean]>) {
    for (const c of containers) {
      if (!keep.includes(c.image)) {
        images.push(node.importImage(standInImage(c, init, byName[c.name])));
      }
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

describe.each([
  ['Fluent Bit', LogFlavor.FLUENT_BIT],
  ['Fluentd', LogFlavor.FLUENTD],
  ['Filebeat', LogFlavor.FILEBEAT],
])('LogAgent (%s, stand-in image)', (label, flavor) => {
  test('is Ready with 0 restarts; its user reads a real pod\'s log line through /var/log/containers and writes its state dir on the host', async () => {
    // GIVEN the preset with its defaults, and a stand-in at its command path serving its probes
    const objects = synth('logging', (chart) => {
      new LogAgent(chart, `log-${flavor}`, { flavor });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const container = ds.spec.template.spec.containers[0];
    const logMount = container.volumeMounts.find((m: any) => m.mountPath === '/var/log' || m.mountPath.startsWith('/var/log'));
    const volumeOf = (m: any) => ds.spec.template.spec.volumes.find((v: any) => v.name === m.name);
    const stateMount = container.volumeMounts.find((m: any) => !m.readOnly && volumeOf(m)?.hostPath);
    const [image] = importStandIns(ds, {});

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN, as the container's own user, the log line is read through the kubelet's symlinks
    const id = containerIdOf(pod, container.name);
    const read = node.exec(id, ['sh', '-c', `for f in ${logMount.mountPath}/containers/logsrc_logsrc_logsrc-*.log; do readlink "$f"; cat "$f"; done`]);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/^\/var\/log\/pods\/logsrc_logsrc_[0-9a-f-]+\/logsrc\/0\.log$/m);
    expect(read.out).toContain(`stdout F ${marker}`);
    // AND its state dir is written through to the host path
    const write = node.exec(id, ['sh', '-c', `echo "${marker} read" > ${stateMount.mountPath}/stand-in.pos`]);
    expect(write).toEqual({ code: 0, out: '' });
    const hostState = hostPathOf(ds, container, stateMount.mountPath);
    expect(fs.readFileSync(path.join(hostState, 'stand-in.pos'), 'utf-8')).toBe(`${marker} read\n`);
    // AND its config (the preset's ConfigMap) is mounted
    const configMount = container.volumeMounts.find((m: any) => ds.spec.template.spec.volumes.find((v: any) => v.name === m.name)?.configMap);
    const config = node.exec(id, ['sh', '-c', `ls ${configMount.mountPath}`]);
    expect(config.code).toBe(0);
    expect(config.out.trim()).not.toBe('');
    expect(restarts(pod)).toBe(0);
    await deleteDaemonSet(ds);

    report({
      agent: `LogAgent (${label})`,
      image: `${image} (stand-in)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `probes answered on ${[...new Set([container.livenessProbe, container.readinessProbe, container.startupProbe].filter((p) => p?.httpGet).map((p) => `${p.httpGet.port}${p.httpGet.path}`))].join(', ')}`,
        `uid ${container.securityContext.runAsUser} read "${marker}" via ${logMount.mountPath}/containers -> /var/log/pods (read-only hostPath)`,
        `wrote ${stateMount.mountPath}/stand-in.pos, seen on the host at ${hostState}; config files: ${config.out.trim().split('\n').join(' ')}`,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});

describe('SecurityAgent (Falco, stand-in image)', () => {
  test('is Ready with 0 restarts; its user talks to containerd over the runtime socket mounted from the host', async () => {
    // GIVEN the preset with its defaults; the stand-in carries containerd's ctr client
    const objects = synth('falco', (chart) => {
      new SecurityAgent(chart, 'falco');
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const container = ds.spec.template.spec.containers[0];
    const images = importStandIns(ds, {
      [container.name]: { packages: ['libc6'], files: { '/usr/bin/ctr': { content: fs.readFileSync(path.join(nodeCache(), 'debs', 'containerd', 'usr/bin/ctr')), mode: 0o755 } } },
    });

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 180_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN its user lists the node's containers (its own among them) through the socket
    const id = containerIdOf(pod, container.name);
    const socketMount = container.volumeMounts.find((m: any) => m.mountPath.endsWith('/run/containerd'));
    const listed = node.exec(id, ['ctr', '-a', `${socketMount.mountPath}/containerd.sock`, '-n', 'k8s.io', 'containers', 'ls', '-q']);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')).toContain(id);
    // AND it reads the host's processes and kernel tree
    const host = node.exec(id, ['sh', '-c', 'cat /host/proc/1/comm; ls /sys/kernel | head -3; cat /etc/falco/falco.yaml | head -1']);
    expect(host.code).toBe(0);
    expect(restarts(pod)).toBe(0);
    await deleteDaemonSet(ds);

    report({
      agent: 'SecurityAgent (Falco)',
      image: `${images.join(', ')} (stand-in)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `probes answered on ${container.readinessProbe.httpGet.port}${container.readinessProbe.httpGet.path} (startup, liveness, readiness)`,
        `ctr over ${socketMount.mountPath}/containerd.sock listed ${listed.out.trim().split('\n').length} containers, its own among them`,
        `host /proc (pid 1: ${host.out.split('\n')[0]}), /sys/kernel and falco.yaml (ConfigMap subPath) readable`,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});

describe('StorageDaemon (EBS CSI node plugin, registrar, liveness probe; stand-in images)', () => {
  test('is Ready with 0 restarts; the plugin socket is shared with the sidecars and the registration socket appears in the kubelet\'s plugins_registry', async () => {
    // GIVEN the preset with its defaults; the plugin listens on its CSI socket, the registrar waits
    // for it and listens on the registration socket, the liveness sidecar serves /healthz once it exists
    let preset!: StorageDaemon;
    const objects = synth('kube-system', (chart) => {
      preset = new StorageDaemon(chart, 'ebs-csi-node');
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const [plugin, registrar, liveness] = ds.spec.template.spec.containers;
    const csiAddress = (c: any) => c.args.find((a: string) => a.startsWith('--csi-address=')).split('=')[1];
    const regPath = registrar.args.find((a: string) => a.startsWith('--kubelet-registration-path=')).split('=')[1];
    const driver = path.basename(path.dirname(regPath));
    const images = importStandIns(ds, {
      [plugin.name]: { work: 'sock=$(echo "$CSI_ENDPOINT" | sed "s#^unix:/*#/#"); /stand-in/unix-listen "$sock" &' },
      [registrar.name]: { work: `while [ ! -S ${csiAddress(registrar)} ]; do sleep 0.2; done; /stand-in/unix-listen /registration/${driver}-reg.sock &` },
      [liveness.name]: { work: `while [ ! -S ${csiAddress(liveness)} ]; do sleep 0.2; done` },
    });

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 180_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN the plugin's socket is on the host under the kubelet's plugin dir, and the registration
    // socket in plugins_registry, where the kubelet's plugin watcher looks
    const hostSocket = path.join(path.dirname(regPath), path.basename(csiAddress(registrar)));
    const registration = path.join('/var/lib/kubelet/plugins_registry', `${driver}-reg.sock`);
    expect(fs.statSync(hostSocket).isSocket()).toBe(true);
    expect(fs.statSync(registration).isSocket()).toBe(true);
    // AND the kubelet saw it (it then asks the socket for the driver's info over gRPC, which only the real registrar answers)
    await kubeletLogged(`${driver}-reg.sock`);
    // AND the plugin's mount of the kubelet dir is Bidirectional: a mount it makes shows on the host
    const pluginId = containerIdOf(pod, plugin.name);
    const probeDir = `/var/lib/kubelet/plugins/${driver}/bidi-probe`;
    const mounted = node.exec(pluginId, ['sh', '-c', `mkdir -p ${probeDir} && mount -t tmpfs stand-in ${probeDir} && echo ok`]);
    expect(mounted).toEqual({ code: 0, out: 'ok\n' });
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf-8')).toContain(` ${probeDir} `);
    node.exec(pluginId, ['umount', probeDir]);
    expect(restarts(pod)).toBe(0);
    await deleteDaemonSet(ds);

    report({
      agent: 'StorageDaemon (EBS CSI node)',
      image: `${images.join(', ')} (stand-ins)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `plugin socket ${hostSocket} (hostPath DirectoryOrCreate) shared with both sidecars; registration socket ${registration}, seen by the kubelet's plugin watcher`,
        `liveness sidecar served ${preset.healthPort}/healthz for the plugin's liveness probe only after the socket existed; registrar ${registrar.livenessProbe.httpGet.port}/healthz`,
        'a tmpfs the privileged plugin mounted under /var/lib/kubelet (Bidirectional) appeared on the host',
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});

describe.each([
  ['COS installer', GpuDriverFlavor.COS],
  ['driver container', GpuDriverFlavor.DRIVER_CONTAINER],
])('GpuDriverInstaller (%s, stand-in image)', (label, flavor) => {
  test('is Ready with 0 restarts on a node labelled as its GPU nodes, and finds and writes its host paths', async () => {
    // GIVEN the preset with its defaults; the installer stand-in checks and writes its host paths
    let preset!: GpuDriverInstaller;
    const objects = synth('kube-system', (chart) => {
      preset = new GpuDriverInstaller(chart, `gpu-${flavor}`, { flavor });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const spec = ds.spec.template.spec;
    const installer = [...(spec.initContainers ?? []), ...spec.containers].find((c: any) => c.securityContext?.privileged);
    const volumeOf = (m: any) => spec.volumes.find((v: any) => v.name === m.name);
    // The host paths it installs into (not the host's /etc or /dev, which it only needs to find);
    // a file (the COS installer's lock) is written itself, a directory gets a marker file.
    const isFile = (m: any) => ['File', 'FileOrCreate'].includes(volumeOf(m)?.hostPath?.type);
    const writable = installer.volumeMounts.filter((m: any) => !m.readOnly && !['/etc', '/dev', '/'].includes(volumeOf(m)?.hostPath?.path ?? '/'));
    const readable = installer.volumeMounts.filter((m: any) => m.readOnly);
    const target = (m: any) => (isFile(m) ? m.mountPath : `${m.mountPath}/.stand-in-${flavor}`);
    const work = [
      ...readable.map((m: any) => `test -e ${m.mountPath}`),
      ...writable.map((m: any) => `echo installed > ${target(m)}`),
      'test -c /dev/null',
    ].join(' && ');
    // Host files the kubelet creates for FileOrCreate mounts, removed afterwards if new.
    const createdFiles = writable.filter(isFile).map((m: any) => hostPathOf(ds, installer, m.mountPath)).filter((f: string) => !fs.existsSync(f));
    // The driver container's unload guard runs the real script from the driver image (the
    // stand-in's busybox sh): it reads /sys/module/nvidia*, absent here, and lets the driver start.
    const guard = (spec.initContainers ?? []).find((c: any) => c.name === 'driver-unload-guard');
    const images: string[] = [];
    for (const [containers, init] of [[spec.initContainers ?? [], true], [spec.containers, false]] as Array<[any[], boolean]>) {
      for (const c of containers) {
        if (c !== guard && c.image !== preset.pauseImage) {
          const standIn = c.name === installer.name ? { work, execProbes: { 'nvidia-smi': `test -e /run/nvidia/.stand-in-${flavor}` } } : {};
          images.push(node.importImage(standInImage(c, init, standIn)));
        }
      }
    }
    expect(guard === undefined || guard.image === installer.image).toBe(true);
    if (preset.pauseImage) {
      node.importImage({ name: preset.pauseImage, trees: [], files: { '/pause': { content: fs.readFileSync(path.join(nodeCache(), 'pause', 'pause')), mode: 0o755 } }, entrypoint: ['/pause'] });
    }
    const labels = await labelFor(ds);

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 240_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN it wrote into each writable host path, seen on the host
    const written = writable.map((m: any) => (isFile(m) ? hostPathOf(ds, installer, m.mountPath) : path.join(hostPathOf(ds, installer, m.mountPath), `.stand-in-${flavor}`)));
    for (const file of written) {
      expect(fs.readFileSync(file, 'utf-8')).toBe('installed\n');
    }
    expect(podLog(pod, installer.name)).toContain('stand-in for');
    // AND the driver container's guard found no driver in use and let it start
    if (guard) {
      expect(podLog(pod, guard.name)).toContain('NVIDIA driver not loaded, or loaded and unused');
    }
    expect(restarts(pod)).toBe(0);
    await deleteDaemonSet(ds);
    await unlabel(labels);
    createdFiles.forEach((f: string) => fs.rmSync(f, { force: true }));

    report({
      agent: `GpuDriverInstaller (${label})`,
      image: `${images.join(', ')} (stand-in)${preset.pauseImage ? ` + ${preset.pauseImage} (pause.c)` : ''}`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `node labelled ${JSON.stringify(labels)} to match its required node affinity`,
        `found ${readable.map((m: any) => m.mountPath).join(', ')} (read-only) and wrote ${written.join(', ')} on the host`,
        ...(guard ? [`init container ${guard.name} (the real script, in the stand-in's sh) found no driver in use and exited 0`] : []),
        `${installer.startupProbe?.exec ? `startup probe ${installer.startupProbe.exec.command.join(' ')} (stand-in: the driver dir marker) passed after initialDelaySeconds ${installer.startupProbe.initialDelaySeconds}` : 'init container exited 0; pause keeps the pod'}`,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});

test('the sandbox image is the pause binary built from kubernetes\' pause.c', () => {
  // GIVEN the node's containerd
  // WHEN its images are listed
  const images = node.ctr(['images', 'ls', '-q']).split('\n');
  // THEN the sandbox image is there under the name containerd was told
  expect(images).toContain(PAUSE_IMAGE);
});
