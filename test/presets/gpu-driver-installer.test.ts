import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Cpu, EnvValue, Probe, TaintEffect } from 'cdk8s-plus-28';
import { AgentContainer, Errors, HostMount, InventoryNode, IntOrPercent, NodeAffinityTerm, NodeInventory, NodeRequirement, PlacementPreview, Toleration, UpdateStrategy } from '../../src';
import { GpuDriverFlavor, GpuDriverInstaller, GpuDriverInstallerProps } from '../../src/presets/gpu-driver-installer';
import { GpuNodes } from '../../src/presets/gpu-nodes';
import { container, newChart, only, podSpec, synth, VIRTUAL_NODES_EXCLUDED } from '../util/synth';

function build(props: GpuDriverInstallerProps = {}) {
  const chart = newChart();
  const preset = new GpuDriverInstaller(chart, 'gpu', props);
  const objects = synth(chart);
  return { preset, objects, daemonSet: only(objects, 'DaemonSet'), spec: podSpec(objects) };
}

function make(props: GpuDriverInstallerProps) {
  return () => new GpuDriverInstaller(newChart(), 'gpu', props);
}

/** What the COS flavor adds to the GPU nodes given: COS by GKE's label, and the opt-out. */
const COS_ADDED = [
  { key: 'cloud.google.com/gke-os-distribution', operator: 'In', values: ['cos'] },
  { key: 'nvidia.com/gpu.deploy.driver', operator: 'NotIn', values: ['false', 'pre-installed'] },
];

const LOCKED_DOWN = {
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const PRIVILEGED_ROOT = {
  privileged: true,
  allowPrivilegeEscalation: true,
  readOnlyRootFilesystem: false,
  runAsNonRoot: false,
  runAsUser: 0,
  runAsGroup: 0,
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('GpuDriverInstaller defaults (COS flavor)', () => {
  // GIVEN no props
  // WHEN
  const { preset, objects, daemonSet, spec } = build();
  const installer = container(objects, 'nvidia-driver-installer');
  const pause = container(objects);

  test('creates a ServiceAccount without a token and a DaemonSet, no RBAC', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('gpu');
  });

  test('exposes the resolved choices', () => {
    expect(preset.flavor).toBe(GpuDriverFlavor.COS);
    expect(preset.image).toBe('us.gcr.io/cos-cloud/cos-gpu-installer:v2.5.10');
    expect(preset.driverVersion).toBeUndefined();
    expect(preset.installDir).toBe('/home/kubernetes/bin/nvidia');
    expect(preset.pauseImage).toBe('registry.k8s.io/pause:3.10');
    expect(preset.operatingSystem).toBeUndefined();
    expect(preset.installerContainerName).toBe('nvidia-driver-installer');
    expect(preset.daemonSet.name).toBe('gpu');
    expect(preset.daemonSet.updateStrategy.type).toBe('OnDelete');
  });

  test('selects GKE GPU nodes whose driver GKE does not manage, on COS, not opted out, on Linux', () => {
    expect(spec.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{
            matchExpressions: [
              { key: 'cloud.google.com/gke-accelerator', operator: 'Exists' },
              { key: 'cloud.google.com/gke-gpu-driver-version', operator: 'DoesNotExist' },
              { key: 'cloud.google.com/gke-confidential-nodes-instance-type', operator: 'DoesNotExist' },
              { key: 'cloud.google.com/gke-os-distribution', operator: 'In', values: ['cos'] },
              { key: 'nvidia.com/gpu.deploy.driver', operator: 'NotIn', values: ['false', 'pre-installed'] },
              ...VIRTUAL_NODES_EXCLUDED,
            ],
          }],
        },
      },
    });
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  });

  test('tolerates every taint (nvidia.com/gpu included)', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('installs in a privileged root init container, skipped when the module is loaded, with no --version (the installer\'s default, as GKE)', () => {
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['nvidia-driver-installer']);
    expect(installer.image).toBe('us.gcr.io/cos-cloud/cos-gpu-installer:v2.5.10');
    expect(installer.imagePullPolicy).toBe('IfNotPresent');
    expect(installer.command).toEqual(['/bin/bash', '-c', expect.any(String), 'cos-gpu-installer']);
    expect(installer.command[2]).toContain('if lsmod | grep nvidia; then');
    expect(installer.command[2]).toContain('exit 0');
    expect(installer.command[2]).toContain('exec /cos-gpu-installer "$@"');
    expect(installer.args).toEqual(['install']);
    expect(installer.env).toEqual([{ name: 'NVIDIA_INSTALL_DIR_HOST', value: '/home/kubernetes/bin/nvidia' }]);
    expect(installer.securityContext).toEqual(PRIVILEGED_ROOT);
    expect(installer.startupProbe).toBeUndefined();
    expect(installer.livenessProbe).toBeUndefined();
  });

  test('keeps the pod with an unprivileged, tiny pause container and no probe', () => {
    expect(spec.containers.map((c: any) => c.name)).toEqual(['pause']);
    expect(pause.image).toBe('registry.k8s.io/pause:3.10');
    expect(pause.securityContext).toEqual(LOCKED_DOWN);
    expect(pause.volumeMounts).toBeUndefined();
    expect(pause.resources).toEqual({ requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '16Mi' } });
    expect(pause.startupProbe).toBeUndefined();
    expect(pause.readinessProbe).toBeUndefined();
    expect(pause.livenessProbe).toBeUndefined();
  });

  test('gives the installer room to link the driver, without a memory limit', () => {
    expect(installer.resources).toEqual({ requests: { cpu: '150m', memory: '512Mi' } });
  });

  test('shares the host PID and network namespaces, not IPC', () => {
    expect(spec.hostPID).toBe(true);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.hostIPC).toBe(false);
  });

  test('mounts the host read-only except /dev, /etc, the install dir, the toolchain cache and the installer\'s lock', () => {
    expect(installer.volumeMounts).toEqual([
      { name: 'host-dev', mountPath: '/dev', readOnly: false },
      { name: 'host-root', mountPath: '/root', readOnly: true },
      { name: 'host-etc', mountPath: '/root/etc', readOnly: false },
      { name: 'host-home-kubernetes-bin-nvidia', mountPath: '/root/home/kubernetes/bin/nvidia', readOnly: false },
      { name: 'host-var-lib-cos-tools', mountPath: '/build/cos-tools', readOnly: false },
      { name: 'installer-lock', mountPath: '/root/tmp/cos_gpu_installer_lock', readOnly: false },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'host-dev', hostPath: { path: '/dev', type: 'Directory' } },
      { name: 'host-root', hostPath: { path: '/', type: 'Directory' } },
      { name: 'host-etc', hostPath: { path: '/etc', type: 'Directory' } },
      { name: 'host-home-kubernetes-bin-nvidia', hostPath: { path: '/home/kubernetes/bin/nvidia', type: 'DirectoryOrCreate' } },
      { name: 'host-var-lib-cos-tools', hostPath: { path: '/var/lib/cos-tools', type: 'DirectoryOrCreate' } },
      { name: 'installer-lock', hostPath: { path: '/tmp/cos_gpu_installer_lock', type: 'FileOrCreate' } },
    ]);
  });

  test('mounts the installer\'s lock (/root/tmp/cos_gpu_installer_lock) writable on its own, after the read-only /, so it survives a recursive read-only mount', () => {
    // THEN the lock's mount comes after /root's (mounted over it), and is writable
    const names = installer.volumeMounts.map((m: any) => m.mountPath);
    expect(names.indexOf('/root/tmp/cos_gpu_installer_lock')).toBeGreaterThan(names.indexOf('/root'));
    expect(installer.volumeMounts.find((m: any) => m.mountPath === '/root/tmp/cos_gpu_installer_lock').readOnly).toBe(false);
  });

  test('is system-node-critical', () => {
    expect(spec.priorityClassName).toBe('system-node-critical');
  });

  test('is updated only when a pod is deleted', () => {
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('labels objects and pods with the component and the driver version (not the pause tag)', () => {
    for (const labels of [daemonSet.metadata.labels, daemonSet.spec.template.metadata.labels, only(objects, 'ServiceAccount').metadata.labels]) {
      expect(labels['app.kubernetes.io/component']).toBe('gpu-driver');
      expect(labels['app.kubernetes.io/version']).toBe('v2.5.10');
    }
  });
});

describe('GpuDriverInstaller DRIVER_CONTAINER flavor', () => {
  // GIVEN NVIDIA's driver container
  // WHEN
  const { preset, objects, daemonSet, spec } = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER });
  const driver = container(objects);

  test('runs nvcr.io/nvidia/driver:<version>-<os> as the privileged main container, after the unload guard', () => {
    expect(preset.image).toBe('nvcr.io/nvidia/driver:550.127.05-ubuntu22.04');
    expect(preset.driverVersion).toBe('550.127.05');
    expect(preset.operatingSystem).toBe('ubuntu22.04');
    expect(preset.installDir).toBeUndefined();
    expect(preset.pauseImage).toBeUndefined();
    expect(preset.installerContainerName).toBe('nvidia-driver');
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['driver-unload-guard']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['nvidia-driver']);
    expect(driver.image).toBe('nvcr.io/nvidia/driver:550.127.05-ubuntu22.04');
    expect(driver.command).toEqual(['nvidia-driver']);
    expect(driver.args).toEqual(['init']);
    expect(driver.securityContext).toEqual(PRIVILEGED_ROOT);
    expect(driver.resources).toEqual({ requests: { cpu: '150m', memory: '512Mi' } });
  });

  test('has a startup probe that allows a 20-minute compile', () => {
    expect(driver.startupProbe).toEqual({
      exec: { command: ['nvidia-smi'] },
      initialDelaySeconds: 60,
      periodSeconds: 10,
      timeoutSeconds: 60,
      failureThreshold: 120,
    });
    expect(driver.livenessProbe).toBeUndefined();
  });

  test('mounts /run/nvidia read-write and Bidirectional, /etc/os-release read-only, and the firmware directory at /lib/firmware (GPU Operator)', () => {
    expect(driver.volumeMounts).toEqual([
      { name: 'host-run-nvidia', mountPath: '/run/nvidia', readOnly: false, mountPropagation: 'Bidirectional' },
      { name: 'host-etc-os-release', mountPath: '/host-etc/os-release', readOnly: true },
      { name: 'nv-firmware', mountPath: '/lib/firmware', readOnly: false },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'host-run-nvidia', hostPath: { path: '/run/nvidia', type: 'DirectoryOrCreate' } },
      { name: 'host-etc-os-release', hostPath: { path: '/etc/os-release', type: 'File' } },
      { name: 'nv-firmware', hostPath: { path: '/run/nvidia/driver/lib/firmware', type: 'DirectoryOrCreate' } },
    ]);
  });

  test('selects nvidia.com/gpu.present=true nodes of the image\'s OS by NFD\'s os_release labels, not COS, not opted out; host PID but pod network', () => {
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] },
          { key: 'feature.node.kubernetes.io/system-os_release.ID', operator: 'In', values: ['ubuntu'] },
          { key: 'feature.node.kubernetes.io/system-os_release.VERSION_ID', operator: 'In', values: ['22.04'] },
          { key: 'cloud.google.com/gke-os-distribution', operator: 'NotIn', values: ['cos'] },
          { key: 'nvidia.com/gpu.deploy.driver', operator: 'NotIn', values: ['false', 'pre-installed'] },
          ...VIRTUAL_NODES_EXCLUDED,
        ],
      },
    ]);
    expect(spec.hostPID).toBe(true);
    expect(spec.hostNetwork).toBe(false);
    expect(spec.dnsPolicy).toBe('ClusterFirst');
  });

  test('keeps the shared defaults: every taint, system-node-critical, OnDelete, version label', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(daemonSet.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('550.127.05');
  });

  test('plumbs driverVersion and operatingSystem into the image tag and the label', () => {
    const { preset: p, daemonSet: ds } = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, driverVersion: '535.216.03', operatingSystem: 'rhel9.4' });
    expect(p.image).toBe('nvcr.io/nvidia/driver:535.216.03-rhel9.4');
    expect(ds.spec.template.spec.containers[0].image).toBe('nvcr.io/nvidia/driver:535.216.03-rhel9.4');
    expect(ds.metadata.labels['app.kubernetes.io/version']).toBe('535.216.03');
  });
});

describe('GpuDriverInstaller overrides', () => {
  test('COS: driverVersion, image, installDir and pauseImage reach the pod', () => {
    const { preset, objects, spec } = build({
      driverVersion: '550.90.07',
      image: 'registry.example.com/cos-gpu-installer:v2.5.10',
      installDir: '/var/lib/nvidia/',
      pauseImage: 'registry.example.com/pause:3.10',
    });
    const installer = container(objects, 'nvidia-driver-installer');
    expect(installer.image).toBe('registry.example.com/cos-gpu-installer:v2.5.10');
    expect(installer.args).toEqual(['install', '--version=550.90.07']);
    expect(installer.env).toEqual([{ name: 'NVIDIA_INSTALL_DIR_HOST', value: '/var/lib/nvidia' }]);
    expect(installer.volumeMounts).toContainEqual({ name: 'host-var-lib-nvidia', mountPath: '/root/var/lib/nvidia', readOnly: false });
    expect(spec.volumes).toContainEqual({ name: 'host-var-lib-nvidia', hostPath: { path: '/var/lib/nvidia', type: 'DirectoryOrCreate' } });
    expect(container(objects).image).toBe('registry.example.com/pause:3.10');
    expect(preset.installDir).toBe('/var/lib/nvidia');
  });

  test.each(['latest', '535.104.05', '390.46'])('COS accepts the driver version %j', (driverVersion) => {
    const { objects } = build({ driverVersion });
    expect(container(objects, 'nvidia-driver-installer').args).toEqual(['install', `--version=${driverVersion}`]);
  });

  test('gpuNodes selects by a label value, a label key, or any requirements (COS and the opt-out added)', () => {
    const terms = (gpuNodes: GpuNodes) => build({ gpuNodes }).spec
      .affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms(GpuNodes.withLabel('feature.node.kubernetes.io/pci-10de.present', 'true'))).toEqual([
      { matchExpressions: [{ key: 'feature.node.kubernetes.io/pci-10de.present', operator: 'In', values: ['true'] }, ...COS_ADDED, ...VIRTUAL_NODES_EXCLUDED] },
    ]);
    expect(terms(GpuNodes.withLabelKey('cloud.google.com/gke-accelerator'))).toEqual([
      { matchExpressions: [{ key: 'cloud.google.com/gke-accelerator', operator: 'Exists' }, ...COS_ADDED, ...VIRTUAL_NODES_EXCLUDED] },
    ]);
    expect(terms(GpuNodes.gpuPresent())).toEqual([
      { matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }, ...COS_ADDED, ...VIRTUAL_NODES_EXCLUDED] },
    ]);
    expect(terms(GpuNodes.matching(NodeRequirement.in('pool', ['a100', 'h100']), NodeRequirement.doesNotExist('driver-preinstalled')))).toEqual([
      {
        matchExpressions: [
          { key: 'pool', operator: 'In', values: ['a100', 'h100'] },
          { key: 'driver-preinstalled', operator: 'DoesNotExist' },
          ...COS_ADDED,
          ...VIRTUAL_NODES_EXCLUDED,
        ],
      },
    ]);
  });

  test('COS: gpuNodes that are already COS by NFD\'s label get no GKE OS label', () => {
    const { preset, spec } = build({ gpuNodes: GpuNodes.matching(NodeRequirement.exists('gpu'), NodeRequirement.in('feature.node.kubernetes.io/system-os_release.ID', ['cos'])) });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'gpu', operator: 'Exists' },
      { key: 'feature.node.kubernetes.io/system-os_release.ID', operator: 'In', values: ['cos'] },
      { key: 'nvidia.com/gpu.deploy.driver', operator: 'NotIn', values: ['false', 'pre-installed'] },
      ...VIRTUAL_NODES_EXCLUDED,
    ]);
    expect(preset.nodeSelection.requirements.map((r) => r.key)).toEqual(['gpu', 'feature.node.kubernetes.io/system-os_release.ID', 'nvidia.com/gpu.deploy.driver']);
  });

  test('the user\'s core props win: tolerations, priority class, rollout, namespaces, name', () => {
    const { preset, daemonSet, spec } = build({
      name: 'nvidia-driver-installer',
      namespace: 'kube-system',
      tolerations: [Toleration.exists('nvidia.com/gpu', { effect: TaintEffect.NO_SCHEDULE })],
      priorityClassName: 'gpu-critical',
      updateStrategy: UpdateStrategy.rollingUpdate(),
      hostNetwork: false,
    });
    expect(daemonSet.metadata.name).toBe('nvidia-driver-installer');
    expect(daemonSet.metadata.namespace).toBe('kube-system');
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('gpu-critical');
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(spec.hostNetwork).toBe(false);
    expect(preset.daemonSet.updateStrategy.type).toBe('RollingUpdate');
  });

  test('requiredNodeAffinity replaces gpuNodes; the OS and the opt-out are added to each of its terms', () => {
    // GIVEN two terms for COS (one already COS by GKE's label), one for the driver container
    const cos = build({
      requiredNodeAffinity: [
        NodeAffinityTerm.allOf(NodeRequirement.exists('gpu'), NodeRequirement.in('cloud.google.com/gke-os-distribution', ['cos'])),
        NodeAffinityTerm.allOf(NodeRequirement.in('pool', ['gpu'])),
      ],
    });
    const driver = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.exists('gpu'))] });
    // THEN
    const optOut = { key: 'nvidia.com/gpu.deploy.driver', operator: 'NotIn', values: ['false', 'pre-installed'] };
    expect(cos.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'gpu', operator: 'Exists' }, { key: 'cloud.google.com/gke-os-distribution', operator: 'In', values: ['cos'] }, optOut, ...VIRTUAL_NODES_EXCLUDED] },
      { matchExpressions: [{ key: 'pool', operator: 'In', values: ['gpu'] }, ...COS_ADDED, ...VIRTUAL_NODES_EXCLUDED] },
    ]);
    expect(driver.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'gpu', operator: 'Exists' },
          { key: 'feature.node.kubernetes.io/system-os_release.ID', operator: 'In', values: ['ubuntu'] },
          { key: 'feature.node.kubernetes.io/system-os_release.VERSION_ID', operator: 'In', values: ['22.04'] },
          { key: 'cloud.google.com/gke-os-distribution', operator: 'NotIn', values: ['cos'] },
          optOut,
          ...VIRTUAL_NODES_EXCLUDED,
        ],
      },
    ]);
  });

  test('allowParallelRollout accepts a wider rolling update', () => {
    const percent = build({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }), allowParallelRollout: true });
    expect(percent.daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } });
  });

  test('fails when a surge rollout is asked for on the host network, even with allowParallelRollout', () => {
    // The COS installer's pod uses the node's network: a surge pod could not bind the node's ports.
    expect(() => build({
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(0), maxSurge: IntOrPercent.absolute(1) }),
      allowParallelRollout: true,
    })).toThrow(/updateStrategy\.maxSurge: got "1"; a surge rollout starts the new pod beside the old one, which cannot bind the same node ports \(hostNetwork/);
  });

  test('COS: resources reach the installer (the container that does the work), merged per resource', () => {
    // GIVEN a memory-only override
    const { objects } = build({ resources: { memory: { request: Size.gibibytes(1), limit: Size.gibibytes(4) } } });
    // THEN the installer keeps its CPU request; pause keeps its own small sizing
    expect(container(objects, 'nvidia-driver-installer').resources).toEqual({ requests: { cpu: '150m', memory: '1024Mi' }, limits: { memory: '4096Mi' } });
    expect(container(objects).resources).toEqual({ requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '16Mi' } });
  });

  test('COS: env, args, hostMounts and privileged reach the installer, not pause', () => {
    // GIVEN container settings a user gives for the installer
    const { objects } = build({
      env: { HTTPS_PROXY: EnvValue.fromValue('http://proxy:3128') },
      args: ['install', '--version=latest'],
      hostMounts: [HostMount.readOnly('/var/log', { mountPath: '/host/var/log' })],
    });
    // WHEN
    const installer = container(objects, 'nvidia-driver-installer');
    const pause = container(objects);
    // THEN
    expect(installer.env.map((e: any) => e.name)).toEqual(['NVIDIA_INSTALL_DIR_HOST', 'HTTPS_PROXY']);
    expect(installer.args).toEqual(['install', '--version=latest']);
    expect(installer.volumeMounts.map((m: any) => m.mountPath)).toContain('/host/var/log');
    expect(installer.securityContext.privileged).toBe(true);
    expect(pause.args).toBeUndefined();
    expect(pause.volumeMounts).toBeUndefined();
    expect((pause.env ?? []).map((e: any) => e.name)).not.toContain('HTTPS_PROXY');
    expect(pause.securityContext.privileged).toBe(false);
  });

  test('COS: fails when probes or lifecycle hooks are given (the installer is an init container)', () => {
    expect(() => build({ liveness: Probe.fromCommand(['true']) }))
      .toThrow(/liveness: got "given"; with COS the installer is an init container, which cannot have probes or lifecycle hooks/);
  });

  test('DRIVER_CONTAINER: resources size the installer, the main container, merged per resource', () => {
    const resources = { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(2) } };
    const { objects } = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, resources });
    expect(container(objects).resources).toEqual({ requests: { cpu: '250m', memory: '2048Mi' } });
  });

  test('DRIVER_CONTAINER: a custom image and startup probe win', () => {
    const { objects } = build({
      flavor: GpuDriverFlavor.DRIVER_CONTAINER,
      image: 'registry.example.com/nvidia/driver:550.127.05-ubuntu22.04',
      startup: Probe.fromCommand(['sh', '-c', 'lsmod | grep -q nvidia'], { failureThreshold: 240 }),
    });
    const driver = container(objects);
    expect(driver.image).toBe('registry.example.com/nvidia/driver:550.127.05-ubuntu22.04');
    expect(driver.startupProbe).toEqual({ exec: { command: ['sh', '-c', 'lsmod | grep -q nvidia'] }, failureThreshold: 240 });
  });

  test('labels are merged over the version label, and the user\'s version label wins', () => {
    const merged = build({ labels: { team: 'ml' } }).daemonSet.metadata.labels;
    expect(merged.team).toBe('ml');
    expect(merged['app.kubernetes.io/version']).toBe('v2.5.10');
    expect(build({ labels: { 'app.kubernetes.io/version': 'cos-113' } }).daemonSet.metadata.labels['app.kubernetes.io/version']).toBe('cos-113');
  });

  test('initContainers run after the installer', () => {
    const partition: AgentContainer = { name: 'partition-gpus', image: 'registry.example.com/partition-gpus:1.0.0', privileged: true };
    const { spec } = build({ initContainers: [partition] });
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['nvidia-driver-installer', 'partition-gpus']);
  });

  test('DRIVER_CONTAINER: user hostMounts are added after /run/nvidia, /etc/os-release and the firmware', () => {
    const { objects } = build({
      flavor: GpuDriverFlavor.DRIVER_CONTAINER,
      hostMounts: [HostMount.readOnly('/var/log', { mountPath: '/var/log' })],
    });
    expect(container(objects).volumeMounts.map((m: any) => m.mountPath)).toEqual(['/run/nvidia', '/host-etc/os-release', '/lib/firmware', '/var/log']);
  });

  test('DRIVER_CONTAINER: a CPU-only resources override keeps the 512Mi request and gets no memory limit', () => {
    // GIVEN only a CPU request
    const { objects } = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, resources: { cpu: { request: Cpu.millis(500) } } });
    // THEN the memory sizing is the preset's, without the core's 128Mi limit that would OOM-kill a compile
    expect(container(objects).resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' } });
  });

  test('COS: driverVersion is passed to the installer after the skip-if-loaded check', () => {
    const { objects, daemonSet } = build({ driverVersion: '535.104.05' });
    const installer = container(objects, 'nvidia-driver-installer');
    expect(installer.args).toEqual(['install', '--version=535.104.05']);
    expect(installer.command[0]).toBe('/bin/bash');
    expect(daemonSet.metadata.labels['app.kubernetes.io/version']).toBe('535.104.05');
  });

  test('podAnnotations are merged, and tolerations: [] replaces every-taint with none', () => {
    const { daemonSet, spec } = build({ podAnnotations: { 'example.com/owner': 'ml-platform' }, tolerations: [] });
    expect(daemonSet.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'ml-platform' });
    expect(spec.tolerations).toBeUndefined();
  });

  test('fails (in the core) when a user init container takes the installer\'s name', () => {
    expect(make({ initContainers: [{ name: 'nvidia-driver-installer', image: 'registry.example.com/installer:1.0.0' }] }))
      .toThrow(/containerName\/sidecars\/initContainers: got "nvidia-driver-installer"; each container name may appear only once/);
  });
});

describe('GpuDriverInstaller fails when', () => {
  const head = /^Invalid props for GpuDriverInstaller 'test\/gpu':\n {2}- /;

  test.each(['550', 'v550.127.05', '550.127.05-ubuntu22.04', 'latest', 'default', ''])('the driver container gets the driver version %j', (driverVersion) => {
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, driverVersion }))
      .toThrow(/driverVersion: got ".*"; expected an NVIDIA driver version such as "550.127.05"/);
  });

  test.each(['550', 'newest', 'r535', 'R535', 'default', '550.127.05 '])('fails when COS gets the driver version %j (the installer would take it as a literal version)', (driverVersion) => {
    expect(make({ driverVersion })).toThrow(/driverVersion: got ".*"; expected an NVIDIA driver version such as "550.127.05" or "535.104.05", or "latest"; leave it out for the default driver of the node's COS build/);
  });

  test('the error names the preset and its path', () => {
    expect(make({ driverVersion: 'x' })).toThrow(head);
  });

  test('a rolling update would replace the driver on more than one node', () => {
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(2) }) }))
      .toThrow(/updateStrategy\.maxUnavailable: got "2"; a driver rolls to one GPU node at a time: .*set allowParallelRollout: true/);
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }) }))
      .toThrow(/updateStrategy\.maxUnavailable: got "10%"; .*a percentage grows with the node pool/);
  });

  test('a rolling update would surge a second installer onto a node', () => {
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(0), maxSurge: IntOrPercent.absolute(1) }) }))
      .toThrow(/updateStrategy\.maxSurge: got "1"; a surge starts a second installer .*expected 0, or set allowParallelRollout: true/);
  });

  test('a prop of the other flavor is given', () => {
    expect(make({ operatingSystem: 'ubuntu22.04' })).toThrow(/operatingSystem: got "ubuntu22.04"; only applies to the DRIVER_CONTAINER flavor \(flavor is cos\)/);
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, installDir: '/opt/nvidia' })).toThrow(/installDir: got "\/opt\/nvidia"; only applies to the COS flavor/);
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, pauseImage: 'registry.k8s.io/pause:3.10' })).toThrow(/pauseImage: got .*; only applies to the COS flavor/);
  });

  test.each(['Ubuntu22.04', 'ubuntu 22.04', 'ubuntu', '22.04'])('the operating system tag is %j', (operatingSystem) => {
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem })).toThrow(/operatingSystem: got ".*"; expected the OS tag of an NVIDIA driver image/);
  });

  test.each(['/', 'home/kubernetes/bin/nvidia', '/home/../etc'])('the install dir is %j', (installDir) => {
    expect(make({ installDir })).toThrow(/installDir: got ".*"; expected an absolute host path other than "\/"/);
  });

  test('an image is not pinned', () => {
    expect(make({ image: 'us.gcr.io/cos-cloud/cos-gpu-installer:latest' })).toThrow(/image: got "us.gcr.io\/cos-cloud\/cos-gpu-installer:latest"; expected a pinned version/);
    expect(make({ pauseImage: 'registry.k8s.io/pause' })).toThrow(/pauseImage: got "registry.k8s.io\/pause"; expected a tag or digest/);
  });

  test('gpuNodes and requiredNodeAffinity are both given', () => {
    expect(make({ gpuNodes: GpuNodes.gpuPresent(), requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.exists('gpu'))] }))
      .toThrow(/gpuNodes: got "together with requiredNodeAffinity"; requiredNodeAffinity replaces the GPU node selection \(the OS and opt-out requirements are added to its terms too\); give only one of them/);
  });

  test('gpuNodes selects every node or has an invalid label', () => {
    expect(make({ gpuNodes: GpuNodes.matching() })).toThrow(/gpuNodes: got "no requirement"; a driver installer must be limited to GPU nodes/);
    expect(make({ gpuNodes: GpuNodes.withLabel('nvidia.com/gpu present', 'true') })).toThrow(/gpuNodes\.requirements\[0\]\.key: got "nvidia.com\/gpu present"; expected a qualified name/);
    expect(make({ gpuNodes: GpuNodes.withLabel('gpu', 'yes please') })).toThrow(/gpuNodes\.requirements\[0\]\.values: got "yes please"; expected a label value/);
  });

  test('the flavor is not one of GpuDriverFlavor', () => {
    expect(make({ flavor: 'ubuntu' as GpuDriverFlavor })).toThrow(/flavor: got "ubuntu"; expected one of cos, driver-container/);
  });

  test('operatingSystem is given with a custom image that has no OS tag', () => {
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, image: 'registry.example.com/driver:550.127.05', operatingSystem: 'ubuntu22.04' }))
      .toThrow(/operatingSystem: got "ubuntu22.04"; the image "registry.example.com\/driver:550.127.05" has no OS tag \(NVIDIA tags its driver images "<version>-<os>"/);
  });

  test('a custom driver image has no OS tag and nothing else selects the nodes', () => {
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, image: 'registry.example.com/driver:550.127.05' }))
      .toThrow(/image: got "registry.example.com\/driver:550.127.05"; expected a driver image tagged "<version>-<os>".*or give requiredNodeAffinity/);
  });

  test('operatingSystem is not the custom image\'s OS tag', () => {
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, image: 'nvcr.io/nvidia/driver:550.127.05-rhel9.4', operatingSystem: 'ubuntu22.04' }))
      .toThrow(/operatingSystem: got "ubuntu22.04"; the image "nvcr.io\/nvidia\/driver:550.127.05-rhel9.4" is built for "rhel9.4"/);
  });

  test('the driver container is asked for COS, by operatingSystem, gpuNodes or requiredNodeAffinity', () => {
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem: 'cos113' }))
      .toThrow(/operatingSystem: got "cos113"; NVIDIA's driver container does not run on Container-Optimized OS/);
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, gpuNodes: GpuNodes.withLabel('cloud.google.com/gke-os-distribution', 'cos') }))
      .toThrow(/gpuNodes: got "cloud.google.com\/gke-os-distribution In \[cos\]"; selects only Container-Optimized OS nodes/);
    expect(make({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.in('feature.node.kubernetes.io/system-os_release.ID', ['cos']))] }))
      .toThrow(/requiredNodeAffinity\[0\]: got "feature.node.kubernetes.io\/system-os_release.ID In \[cos\]"; selects only Container-Optimized OS nodes/);
  });

  test('the COS installer is asked for nodes that are not COS, by gpuNodes or requiredNodeAffinity', () => {
    expect(make({ gpuNodes: GpuNodes.matching(NodeRequirement.exists('cloud.google.com/gke-accelerator'), NodeRequirement.in('feature.node.kubernetes.io/system-os_release.ID', ['ubuntu'])) }))
      .toThrow(/gpuNodes: got "cloud.google.com\/gke-accelerator Exists, feature.node.kubernetes.io\/system-os_release.ID In \[ubuntu\]"; selects no Container-Optimized OS node/);
    expect(make({ gpuNodes: GpuNodes.withLabel('cloud.google.com/gke-os-distribution', 'ubuntu') }))
      .toThrow(/gpuNodes: got .*; selects no Container-Optimized OS node/);
    expect(make({ requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.exists('gpu')), NodeAffinityTerm.allOf(NodeRequirement.in('cloud.google.com/gke-os-distribution', ['ubuntu']))] }))
      .toThrow(/requiredNodeAffinity\[1\]: got "cloud.google.com\/gke-os-distribution In \[ubuntu\]"; selects no Container-Optimized OS node/);
  });

  test('several problems are reported together', () => {
    expect(make({ driverVersion: 'x', operatingSystem: 'y' })).toThrow(/2 invalid props for GpuDriverInstaller 'test\/gpu':\n {2}- driverVersion: .*\n {2}- operatingSystem: /);
  });
});

describe('GpuDriverInstaller synthesizes schema-valid manifests', () => {
  test.each<[string, GpuDriverInstallerProps]>([
    ['COS defaults', {}],
    ['COS with a one-node rolling update and narrow tolerations', {
      updateStrategy: UpdateStrategy.rollingUpdate(),
      tolerations: [Toleration.exists('nvidia.com/gpu', { effect: TaintEffect.NO_SCHEDULE })],
      gpuNodes: GpuNodes.withLabelKey('cloud.google.com/gke-accelerator'),
    }],
    ['DRIVER_CONTAINER defaults', { flavor: GpuDriverFlavor.DRIVER_CONTAINER }],
    ['DRIVER_CONTAINER on Ubuntu 24.04 in kube-system', { flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem: 'ubuntu24.04', namespace: 'kube-system' }],
  ])('%s', (_, props) => {
    // GIVEN / WHEN synth validates every object against the Kubernetes schema
    const { objects } = build(props);
    // THEN
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
  });
});

describe('GpuDriverInstaller beside other agents', () => {
  test('fails when two COS installers would install into one directory on one node', () => {
    // GIVEN two installers selecting the same GKE GPU nodes
    const chart = newChart();
    new GpuDriverInstaller(chart, 'gpu');
    new GpuDriverInstaller(chart, 'gpu-2');
    // THEN the install directory and the installer's lock are claimed twice (/dev and /etc are shared by design)
    expect(() => synth(chart)).toThrow(/both claim writable host path \/home\/kubernetes\/bin\/nvidia, writable host path \/var\/lib\/cos-tools, writable host path \/tmp\/cos_gpu_installer_lock/);
  });

  test('fails when two driver containers for one OS can run on one node, with the library\'s ValidationError', () => {
    // GIVEN two driver containers for ubuntu22.04 on the same GPU nodes
    const chart = newChart();
    new GpuDriverInstaller(chart, 'gpu', { flavor: GpuDriverFlavor.DRIVER_CONTAINER });
    new GpuDriverInstaller(chart, 'gpu-2', { flavor: GpuDriverFlavor.DRIVER_CONTAINER, driverVersion: '535.216.03' });
    // WHEN synthesized
    let error: unknown;
    try {
      synth(chart);
    } catch (e) {
      error = e;
    }
    // THEN the firmware directory is claimed twice (/run/nvidia is shared by design)
    expect(Errors.isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(/'test\/gpu' \(default\/gpu\) and 'test\/gpu-2' \(default\/gpu-2\) can run on the same node and both claim writable host path \/run\/nvidia\/driver\/lib\/firmware;/);
  });

  test('fails when a driver container with a custom image of no OS tag can run where another driver container does', () => {
    // GIVEN the default driver container, and one whose nodes are chosen by requiredNodeAffinity
    const chart = newChart();
    new GpuDriverInstaller(chart, 'gpu', { flavor: GpuDriverFlavor.DRIVER_CONTAINER });
    new GpuDriverInstaller(chart, 'custom', {
      flavor: GpuDriverFlavor.DRIVER_CONTAINER,
      image: 'registry.example.com/driver:550.127.05',
      requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.in('nvidia.com/gpu.present', ['true']))],
    });
    // THEN both could run on an Ubuntu 22.04 GPU node
    expect(() => synth(chart)).toThrow(/'test\/gpu' \(default\/gpu\) and 'test\/custom' \(default\/custom\) can run on the same node and both claim writable host path \/run\/nvidia\/driver\/lib\/firmware/);
  });

  test('a COS installer and a driver container never share a node, however their nodes are given: the OS requirements keep them apart', () => {
    // GIVEN a COS installer on NFD-labelled COS nodes, and driver containers whose own terms name no OS
    const chart = newChart();
    const cos = new GpuDriverInstaller(chart, 'cos', { gpuNodes: GpuNodes.withLabel('feature.node.kubernetes.io/system-os_release.ID', 'cos') });
    const driver = new GpuDriverInstaller(chart, 'driver', {
      flavor: GpuDriverFlavor.DRIVER_CONTAINER,
      image: 'registry.example.com/driver:550.127.05',
      requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.exists('cloud.google.com/gke-accelerator'))],
    });
    // WHEN synthesized THEN accepted: the COS installer needs a COS node, the driver container one that is not COS by either label
    const terms = synth(chart).filter((o) => o.kind === 'DaemonSet').map((ds) => ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions);
    expect(terms[0]).toContainEqual({ key: 'feature.node.kubernetes.io/system-os_release.ID', operator: 'In', values: ['cos'] });
    expect(terms[1]).toContainEqual({ key: 'feature.node.kubernetes.io/system-os_release.ID', operator: 'NotIn', values: ['cos'] });
    expect(terms[1]).toContainEqual({ key: 'cloud.google.com/gke-os-distribution', operator: 'NotIn', values: ['cos'] });
    expect(cos.flavor).toBe(GpuDriverFlavor.COS);
    expect(driver.operatingSystem).toBeUndefined();
  });

  test('one installer per OS: COS and driver containers for ubuntu22.04, ubuntu24.04 and rhel9.4 are accepted together (their nodes never overlap)', () => {
    // GIVEN an installer for each OS of the fleet
    const chart = newChart();
    new GpuDriverInstaller(chart, 'cos');
    new GpuDriverInstaller(chart, 'ubuntu2204', { flavor: GpuDriverFlavor.DRIVER_CONTAINER });
    new GpuDriverInstaller(chart, 'ubuntu2404', { flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem: 'ubuntu24.04' });
    new GpuDriverInstaller(chart, 'rhel94', { flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem: 'rhel9.4' });
    // WHEN synthesized THEN no conflict
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(4);
  });
});

describe('GpuDriverInstaller on a mixed GPU fleet (placement preview)', () => {
  // GIVEN GPU nodes of several OSes, GKE's COS and Ubuntu GPU nodes, nodes with a driver of their own, and a CPU node
  const nfd = (id: string, version: string) => ({ 'feature.node.kubernetes.io/system-os_release.ID': id, 'feature.node.kubernetes.io/system-os_release.VERSION_ID': version });
  const linux = { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' };
  const gpu = { ...linux, 'nvidia.com/gpu.present': 'true' };
  const gke = (distribution: string) => ({ ...linux, 'cloud.google.com/gke-accelerator': 'nvidia-l4', 'cloud.google.com/gke-os-distribution': distribution });
  const nodes: InventoryNode[] = [
    { name: 'ubuntu2204', labels: { ...gpu, ...nfd('ubuntu', '22.04') } },
    { name: 'ubuntu2404', labels: { ...gpu, ...nfd('ubuntu', '24.04') } },
    { name: 'rhel94', labels: { ...gpu, ...nfd('rhel', '9.4') } },
    { name: 'al2023', labels: { ...gpu, ...nfd('amzn', '2023') } },
    { name: 'gke-cos', labels: gke('cos') },
    { name: 'gke-ubuntu', labels: { ...gke('ubuntu'), ...gpu, ...nfd('ubuntu', '22.04') } },
    { name: 'opted-out', labels: { ...gpu, ...nfd('ubuntu', '22.04'), 'nvidia.com/gpu.deploy.driver': 'false' } },
    { name: 'pre-installed', labels: { ...gpu, ...nfd('ubuntu', '22.04'), 'nvidia.com/gpu.deploy.driver': 'pre-installed' } },
    { name: 'cos-opted-out', labels: { ...gke('cos'), 'nvidia.com/gpu.deploy.driver': 'false' } },
    { name: 'cpu', labels: { ...linux, ...nfd('ubuntu', '22.04') } },
  ];
  const inventory = NodeInventory.fromNodes(nodes.map((n) => ({ ...n, allocatable: { cpu: '8', memory: '32Gi', pods: '110' } })));
  const nodesOf = (props: GpuDriverInstallerProps) => PlacementPreview.forManifest(only(build(props).objects, 'DaemonSet'), inventory).scheduledNodeNames;

  test('the driver container runs only on GPU nodes of its image\'s OS, not on COS, not where a driver is preinstalled or opted out', () => {
    // WHEN previewed THEN
    expect(nodesOf({ flavor: GpuDriverFlavor.DRIVER_CONTAINER })).toEqual(['ubuntu2204', 'gke-ubuntu']);
    expect(nodesOf({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem: 'ubuntu24.04' })).toEqual(['ubuntu2404']);
    expect(nodesOf({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, operatingSystem: 'rhel9.4' })).toEqual(['rhel94']);
    expect(nodesOf({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, image: 'registry.example.com/nvidia/driver:550.127.05-amzn2023' })).toEqual(['al2023']);
  });

  test('the COS installer runs only on GKE\'s COS GPU nodes, not on GKE\'s Ubuntu GPU nodes or opted-out ones', () => {
    expect(nodesOf({})).toEqual(['gke-cos']);
  });
});

describe('GpuDriverInstaller OS selection', () => {
  test('a custom driver image\'s OS tag selects the nodes (precompiled tags too); operatingSystem may repeat it', () => {
    // GIVEN custom images tagged <version>-<os>
    const osOf = (props: GpuDriverInstallerProps) => {
      const { preset, spec } = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER, ...props });
      const expressions = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
      return [preset.operatingSystem, ...expressions.filter((e: any) => e.key.startsWith('feature.node.kubernetes.io/system-os_release.')).map((e: any) => e.values[0])];
    };
    // THEN
    expect(osOf({ image: 'registry.example.com/driver:550.127.05-rhel9.4' })).toEqual(['rhel9.4', 'rhel', '9.4']);
    expect(osOf({ image: 'nvcr.io/nvidia/driver:535-5.15.0-1048-nvidia-ubuntu22.04' })).toEqual(['ubuntu22.04', 'ubuntu', '22.04']);
    expect(osOf({ image: 'nvcr.io/nvidia/driver:550.127.05-ubuntu24.04@sha256:0000000000000000000000000000000000000000000000000000000000000000', operatingSystem: 'ubuntu24.04' })).toEqual(['ubuntu24.04', 'ubuntu', '24.04']);
  });

  test('a custom image without an OS tag is accepted with requiredNodeAffinity (the nodes are yours to choose)', () => {
    const { preset, spec } = build({
      flavor: GpuDriverFlavor.DRIVER_CONTAINER,
      image: 'registry.example.com/driver:550.127.05',
      requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.in('pool', ['gpu-ubuntu']))],
    });
    expect(preset.operatingSystem).toBeUndefined();
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: 'pool', operator: 'In', values: ['gpu-ubuntu'] });
  });

  test('the opt-out label is the GPU Operator\'s: nvidia.com/gpu.deploy.driver, false or pre-installed', () => {
    for (const flavor of [GpuDriverFlavor.COS, GpuDriverFlavor.DRIVER_CONTAINER]) {
      const { preset } = build({ flavor });
      expect(preset.nodeSelection.requirements.find((r) => r.key === 'nvidia.com/gpu.deploy.driver')).toMatchObject({ operator: 'NotIn', values: ['false', 'pre-installed'] });
    }
  });
});

describe('GpuDriverInstaller driver unload guard (DRIVER_CONTAINER)', () => {
  // GIVEN the driver container
  const { objects, spec } = build({ flavor: GpuDriverFlavor.DRIVER_CONTAINER });
  const guard = container(objects, 'driver-unload-guard');

  test('runs before the driver container, in the driver image, unprivileged, as nobody, with no host mount', () => {
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['driver-unload-guard']);
    expect(guard.image).toBe('nvcr.io/nvidia/driver:550.127.05-ubuntu22.04');
    expect(guard.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(guard.securityContext).toEqual(LOCKED_DOWN);
    expect(guard.volumeMounts).toBeUndefined();
    expect(guard.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } });
  });

  test('waits while the driver is in use, with the driver container\'s own test (_unload_driver), and never unloads it', () => {
    const script: string = guard.command[2];
    for (const module of ['nvidia_modeset', 'nvidia_uvm', 'nvidia_peermem']) {
      expect(script).toContain(module);
    }
    expect(script).toContain('[ "$r" -gt "$deps" ]');
    expect(script).toContain('sleep 30');
    expect(script).not.toMatch(/rmmod|modprobe -r/);
  });

  test('its script decides as the driver container would, run with /bin/sh over a fake /sys/module', () => {
    // GIVEN the guard's script with /sys/module pointed at a temporary tree
    const run = (modules: { [module: string]: number }) => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
      for (const [m, refs] of Object.entries(modules)) {
        fs.mkdirSync(path.join(root, m), { recursive: true });
        fs.writeFileSync(path.join(root, m, 'refcnt'), `${refs}\n`);
      }
      const script = (guard.command[2] as string).split('/sys/module').join(root).replace('sleep 30', 'exit 3');
      const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf-8' });
      fs.rmSync(root, { recursive: true });
      return result.status;
    };
    // WHEN / THEN: not loaded, or loaded with only its own modules holding it: go on (0)
    expect(run({})).toBe(0);
    expect(run({ nvidia: 2, nvidia_modeset: 0, nvidia_uvm: 0 })).toBe(0);
    // a process (a GPU pod) holds nvidia, or nvidia_uvm: wait (the test stops at the first wait)
    expect(run({ nvidia: 3, nvidia_modeset: 0, nvidia_uvm: 0 })).toBe(3);
    expect(run({ nvidia: 2, nvidia_modeset: 0, nvidia_uvm: 1 })).toBe(3);
    expect(run({ nvidia: 1 })).toBe(3);
  });

  test('COS has no guard: its installer never unloads (it skips the install when the module is loaded)', () => {
    const cos = build();
    expect(cos.spec.initContainers.map((c: any) => c.name)).toEqual(['nvidia-driver-installer']);
    expect(container(cos.objects, 'nvidia-driver-installer').command[2]).toContain('if lsmod | grep nvidia; then');
  });
});

describe('GpuDriverInstaller imagePlatforms', () => {
  const platformsOf = (props: GpuDriverInstallerProps): string | undefined =>
    build(props).daemonSet.metadata.annotations?.['cdk8s-node-agents.dev/image-platforms'];
  const DRIVER_CONTAINER = GpuDriverFlavor.DRIVER_CONTAINER;

  test('declared for the default driver container (550.127.05-ubuntu22.04): NVIDIA\'s multi-arch build', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ flavor: DRIVER_CONTAINER })).toBe('linux/amd64,linux/arm64');
    expect(platformsOf({ flavor: DRIVER_CONTAINER, driverVersion: '550.127.05', operatingSystem: 'ubuntu22.04' })).toBe('linux/amd64,linux/arm64');
  });

  test('not declared with COS: the installer image\'s platforms are not verified', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({})).toBeUndefined();
  });

  test('cleared by another driver version, OS or image of your own', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ flavor: DRIVER_CONTAINER, driverVersion: '535.216.03' })).toBeUndefined();
    expect(platformsOf({ flavor: DRIVER_CONTAINER, operatingSystem: 'rhel9.4' })).toBeUndefined();
    expect(platformsOf({ flavor: DRIVER_CONTAINER, image: 'registry.example.com/driver:550.127.05-ubuntu22.04' })).toBeUndefined();
    expect(platformsOf({ flavor: DRIVER_CONTAINER, initContainers: [{ name: 'wait', image: 'registry.example.com/wait:1.0' }] })).toBeUndefined();
  });

  test('yours wins', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ flavor: DRIVER_CONTAINER, imagePlatforms: ['linux/amd64'] })).toBe('linux/amd64');
    expect(platformsOf({ imagePlatforms: ['linux/amd64', 'linux/arm64'] })).toBe('linux/amd64,linux/arm64');
  });
});

describe('GpuDriverInstaller: the other flavor\'s image (issue 19)', () => {
  test('fails when the COS flavor is given NVIDIA\'s driver container', () => {
    expect(() => new GpuDriverInstaller(newChart(), 'gpu', { flavor: GpuDriverFlavor.COS, image: 'nvcr.io/nvidia/driver:550.127.05-ubuntu22.04' }))
      .toThrow(/image: got "nvcr.io\/nvidia\/driver:550.127.05-ubuntu22.04"; is NVIDIA's driver container, and flavor cos runs cos-gpu-installer[^\n]*GpuDriverFlavor.DRIVER_CONTAINER/);
  });

  test('fails when the driver container flavor is given GKE\'s COS installer', () => {
    expect(() => new GpuDriverInstaller(newChart(), 'gpu', { flavor: GpuDriverFlavor.DRIVER_CONTAINER, image: 'us.gcr.io/cos-cloud/cos-gpu-installer:v2.5.10' }))
      .toThrow(/image: got "us.gcr.io\/cos-cloud\/cos-gpu-installer:v2.5.10"; is GKE's COS installer[^\n]*GpuDriverFlavor.COS/);
  });

  test('a mirror of the flavor\'s own image is accepted', () => {
    const chart = newChart();
    new GpuDriverInstaller(chart, 'gpu', { flavor: GpuDriverFlavor.COS, image: 'registry.example.com/cos-cloud/cos-gpu-installer:v2.5.10' });
    expect(podSpec(synth(chart)).initContainers.map((c: any) => c.image)).toContain('registry.example.com/cos-cloud/cos-gpu-installer:v2.5.10');
  });
});
