/**
 * The NVIDIA GPU stack (toolkit, device plugin, DCGM exporter) started for real on the node, with
 * stand-in images (no NVIDIA binary or GPU here): the pod specs as the presets synthesize them,
 * their users, capabilities, host mounts and probes applied by the kubelet, and the order kept on
 * the node by the readiness files: nothing of the toolkit runs before the driver's `nvidia-smi`
 * is in the driver root, and the device plugin and DCGM exporter wait for
 * `/run/nvidia/validations/toolkit-ready`, which the toolkit's sidecar writes once containerd's
 * configuration names the runtime and removes when the toolkit stops. The device plugin's socket
 * appears under the kubelet's device-plugins directory, next to the kubelet's own.
 *
 * What stands in: the RuntimeClass `nvidia` gets the handler `runc` (the NVIDIA runtime is a runc
 * shim; this node's containerd has no other handler), and containerd's configuration that the
 * toolkit edits is a scratch file (`containerdConfig`), so that the node's own is not touched.
 * Run with `npm run test:node` (or `flock /tmp/node-tier.lock bash test/node/run.sh test/node/gpu-stack.test.ts`).
 */
import * as fs from 'fs';
import { apply, containerIdOf, isReady, podLog, podsOf, procStatus, report, restarts, synth, waitReady } from './agents';
import { NODE_NAME, RealNode } from './real-node';
import { standInImage } from './stand-ins';
import { DcgmExporter, GpuContainerToolkit, GpuDevicePlugin } from '../../src';
import { waitFor } from '../cluster/control-plane';

const SCRATCH = '/tmp/node-tier-gpu-stack';
const CONTAINERD_CONFIG = `${SCRATCH}/etc/containerd/config.toml`;
const GPU_LABEL = { 'nvidia.com/gpu.present': 'true' };
let node: RealNode;

beforeAll(async () => {
  node = await RealNode.start();
  await node.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { metadata: { labels: GPU_LABEL } });
}, 300_000);

afterAll(async () => {
  await node?.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { metadata: { labels: { 'nvidia.com/gpu.present': null } } }).catch(() => undefined);
  // The host paths the stack makes the kubelet create (/run/nvidia, /usr/local/nvidia, the
  // scratch containerd directory) are recorded by apply() and removed here with the rest.
  const undone = await node?.stop(['kube-system']);
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

/** The stand-in image for a container; `/bin/bash` is busybox's sh (the toolkit's commands use bash). */
function importStandIn(container: any, work: string): string {
  return node.importImage(standInImage(container, false, {
    work,
    files: { '/bin/bash': { content: '#!/bin/sh\nexec /bin/sh "$@"\n', mode: 0o755 } },
  }));
}

async function podOf(ds: any): Promise<any> {
  const pods = await podsOf(node, ds);
  return pods.find((p) => !p.metadata.deletionTimestamp);
}

/** Whether the pod's init container `name` is running (the pod waits in it). */
function waitingIn(pod: any, name: string): boolean {
  return (pod?.status?.initContainerStatuses ?? []).some((s: any) => s.name === name && s.state?.running);
}

function startedAt(pod: any, name: string): number {
  const s = (pod.status.containerStatuses ?? []).find((c: any) => c.name === name);
  return Date.parse(s.state.running.startedAt);
}

describe('the GPU stack (stand-in images)', () => {
  test('starts in order on the node: toolkit after the driver, device plugin and DCGM exporter after the toolkit; the plugin\'s socket in the kubelet\'s device-plugins dir', async () => {
    // GIVEN the three presets (the toolkit's containerd configuration a scratch file)
    let toolkit!: GpuContainerToolkit;
    let plugin!: GpuDevicePlugin;
    let dcgm!: DcgmExporter;
    const objects = synth('kube-system', (chart) => {
      toolkit = new GpuContainerToolkit(chart, 'nvidia-container-toolkit', { containerdConfig: CONTAINERD_CONFIG });
      plugin = new GpuDevicePlugin(chart, 'nvidia-device-plugin');
      dcgm = new DcgmExporter(chart, 'dcgm-exporter');
    });
    const dsOf = (name: string) => objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === name);
    const [toolkitDs, pluginDs, dcgmDs] = [dsOf('nvidia-container-toolkit'), dsOf('nvidia-device-plugin'), dsOf('dcgm-exporter')];
    const mainOf = (ds: any) => ds.spec.template.spec.containers[0];
    // The RuntimeClass the toolkit creates, with this node's one handler standing in for NVIDIA's.
    const runtimeClass = objects.find((o) => o.kind === 'RuntimeClass');
    expect(runtimeClass).toMatchObject({ metadata: { name: 'nvidia' }, handler: 'nvidia' });
    // No prometheus-operator CRDs on this node: the ServiceMonitor is left out (unit tests hold it).
    const applied = objects.filter((o) => o.kind !== 'ServiceMonitor').map((o) => (o === runtimeClass ? { ...o, handler: 'runc' } : o));

    // Stand-ins: what each agent does with its mounts. The toolkit installs its runtime and adds
    // it to containerd's configuration (through the mounts the preset gives it); the plugin checks
    // the kubelet's registration socket and listens on its own socket next to it; the exporter
    // checks the kubelet's pod-resources socket and answers /health on 9400.
    const toolkitWork = [
      'test -S /runtime/sock-dir/containerd.sock',
      'test -e /host/etc/os-release',
      'test -e /driver-root/usr/bin/nvidia-smi',
      'mkdir -p /usr/local/nvidia/toolkit',
      'cp /bin/busybox /usr/local/nvidia/toolkit/nvidia-container-runtime',
      'chmod 755 /usr/local/nvidia/toolkit/nvidia-container-runtime',
      'echo $$ > /run/nvidia/toolkit/toolkit.pid',
      'printf \'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]\\n  runtime_type = "io.containerd.runc.v2"\\n\' >> /runtime/config-dir/config.toml',
    ].join(' && ');
    const images = [
      // The toolkit's command execs `nvidia-toolkit` from the PATH: the stand-in sits there.
      importStandIn({ ...mainOf(toolkitDs), command: ['/usr/local/bin/nvidia-toolkit'] }, toolkitWork),
      importStandIn(mainOf(pluginDs), 'test -S /var/lib/kubelet/device-plugins/kubelet.sock\n/stand-in/unix-listen /var/lib/kubelet/device-plugins/nvidia-gpu.sock &'),
      importStandIn(mainOf(dcgmDs), 'test -S /var/lib/kubelet/pod-resources/kubelet.sock'),
    ];
    fs.rmSync('/run/nvidia/driver/usr', { recursive: true, force: true });

    // WHEN the three are applied on a node where no driver is published yet
    const t0 = Date.now();
    await apply(node, applied);

    // THEN each waits in its init container: the toolkit for the driver, the others for the toolkit
    await waitFor('the three pods waiting in their init containers', async () => {
      const [t, p, d] = await Promise.all([podOf(toolkitDs), podOf(pluginDs), podOf(dcgmDs)]);
      return waitingIn(t, 'wait-for-driver') && waitingIn(p, 'wait-for-toolkit') && waitingIn(d, 'wait-for-toolkit') ? true : undefined;
    }, 120_000, 500);
    await new Promise((r) => setTimeout(r, 6_000)); // a loop turn or more: still waiting
    const waiting = await Promise.all([podOf(toolkitDs), podOf(pluginDs), podOf(dcgmDs)]);
    expect(waiting.map((p) => p.status.phase)).toEqual(['Pending', 'Pending', 'Pending']);
    expect(podLog(waiting[0], 'wait-for-driver')).toContain('waiting for the NVIDIA driver (/driver-root/usr/bin/nvidia-smi)');
    expect(podLog(waiting[1], 'wait-for-toolkit')).toContain('waiting for the NVIDIA container toolkit (/run/nvidia/validations/toolkit-ready)');
    expect(fs.existsSync(toolkit.readyFile)).toBe(false);

    // WHEN the driver is published in the driver root (as NVIDIA's driver container does once loaded)
    fs.mkdirSync('/run/nvidia/driver/usr/bin', { recursive: true });
    fs.writeFileSync('/run/nvidia/driver/usr/bin/nvidia-smi', '#!/bin/sh\n', { mode: 0o755 });
    const driverAt = Date.now();

    // THEN the toolkit configures containerd and its sidecar writes toolkit-ready; then the others start
    const toolkitPod = await waitReady(node, toolkitDs, 120_000);
    const readyAt = fs.statSync(toolkit.readyFile).mtimeMs;
    const pluginPod = await waitReady(node, pluginDs, 120_000);
    const dcgmPod = await waitReady(node, dcgmDs, 180_000);
    const allReadySeconds = (Date.now() - t0) / 1000;
    expect(startedAt(toolkitPod, 'nvidia-container-toolkit-ctr')).toBeGreaterThanOrEqual(Math.floor(driverAt / 1000) * 1000);
    expect(startedAt(pluginPod, 'nvidia-device-plugin-ctr')).toBeGreaterThanOrEqual(Math.floor(readyAt / 1000) * 1000);
    expect(startedAt(dcgmPod, 'exporter')).toBeGreaterThanOrEqual(Math.floor(readyAt / 1000) * 1000);
    expect(fs.readFileSync(CONTAINERD_CONFIG, 'utf-8')).toContain('containerd.runtimes.nvidia]');
    expect(() => fs.accessSync(`${toolkit.installDir}/toolkit/nvidia-container-runtime`, fs.constants.X_OK)).not.toThrow();
    expect(fs.readFileSync('/run/nvidia/toolkit/toolkit.pid', 'utf-8').trim()).toMatch(/^\d+$/);

    // AND the device plugin's socket is under the kubelet's device-plugins directory, made by root
    // with no capabilities (the directory is root's)
    const socket = '/var/lib/kubelet/device-plugins/nvidia-gpu.sock';
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(fs.statSync(socket).uid).toBe(0);
    const pluginStatus = procStatus(node.pidOf(containerIdOf(pluginPod, 'nvidia-device-plugin-ctr')));
    expect(pluginStatus.Uid.split(/\s+/)[0]).toBe('0');
    expect(pluginStatus.CapEff).toBe('0000000000000000');
    expect(pluginStatus.NoNewPrivs).toBe('1');
    // AND the exporter runs as root with SYS_ADMIN (bit 21) only; its probes answered /health on 9400
    const dcgmStatus = procStatus(node.pidOf(containerIdOf(dcgmPod, 'exporter')));
    expect(dcgmStatus.Uid.split(/\s+/)[0]).toBe('0');
    expect(dcgmStatus.CapEff).toBe('0000000000200000');
    // AND the toolkit is privileged in the host's PID namespace
    const toolkitStatus = procStatus(node.pidOf(containerIdOf(toolkitPod, 'nvidia-container-toolkit-ctr')));
    expect(BigInt(`0x${toolkitStatus.CapEff}`) > BigInt(0x200000)).toBe(true);
    expect(node.exec(containerIdOf(toolkitPod, 'nvidia-container-toolkit-ctr'), ['sh', '-c', 'cat /proc/1/comm']).out).toBe(fs.readFileSync('/proc/1/comm', 'utf-8'));
    const readySidecar = (toolkitPod.status.containerStatuses ?? []).find((c: any) => c.name === 'toolkit-ready');
    expect(readySidecar.ready).toBe(true);
    for (const pod of [toolkitPod, pluginPod, dcgmPod]) {
      expect(restarts(pod)).toBe(0);
    }

    // WHEN the toolkit is removed, THEN its sidecar takes the readiness file away
    await node.client.delete(`/apis/apps/v1/namespaces/kube-system/daemonsets/${toolkitDs.metadata.name}`, { propagationPolicy: 'Foreground' });
    await waitFor('toolkit-ready removed', async () => (fs.existsSync(toolkit.readyFile) ? undefined : true), 60_000, 250);
    for (const ds of [pluginDs, dcgmDs]) {
      await node.client.delete(`/apis/apps/v1/namespaces/kube-system/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Foreground' });
    }
    await node.client.delete(`/apis/node.k8s.io/v1/runtimeclasses/${runtimeClass.metadata.name}`);
    await waitFor('the stack\'s pods gone', async () => ((await Promise.all([toolkitDs, pluginDs, dcgmDs].map((ds) => podsOf(node, ds)))).flat().length === 0 ? true : undefined), 120_000, 500);

    report({
      agent: 'GPU stack: GpuContainerToolkit, GpuDevicePlugin, DcgmExporter',
      image: `${images.join(', ')} (stand-ins)`,
      ready: isReady(toolkitPod) && isReady(pluginPod) && isReady(dcgmPod),
      restarts: restarts(toolkitPod) + restarts(pluginPod) + restarts(dcgmPod),
      checked: [
        `node labelled ${JSON.stringify(GPU_LABEL)}; RuntimeClass nvidia with handler runc standing in for NVIDIA's`,
        'before the driver: toolkit waiting in wait-for-driver, plugin and exporter in wait-for-toolkit, all Pending',
        `after ${toolkit.driverRoot}/usr/bin/nvidia-smi appeared: toolkit Ready, ${toolkit.readyFile} written once containerd's configuration named the runtime; plugin and exporter started after it`,
        `plugin socket ${socket} (uid 0, CapEff 0, NoNewPrivs 1) next to the kubelet's kubelet.sock; exporter uid 0 CapEff ${dcgmStatus.CapEff} (SYS_ADMIN), /health on ${dcgm.port} after 45 s`,
        `toolkit privileged with hostPID; toolkit-ready removed when the toolkit was deleted; resource ${plugin.resourceName}`,
        `apply to all Ready ${allReadySeconds.toFixed(1)} s`,
      ],
    });
  });
});
