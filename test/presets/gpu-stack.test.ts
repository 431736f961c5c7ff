import { ApiObject, JsonPatch } from 'cdk8s';
import { TaintEffect } from 'cdk8s-plus-28';
import {
  DcgmCounterType, DcgmExporter, DcgmExporterProps, GpuContainerToolkit, GpuContainerToolkitProps, GpuDeviceIdStrategy,
  GpuDeviceListStrategy, GpuDevicePlugin, GpuDevicePluginProps, GpuDriverFlavor, GpuDriverInstaller, GpuNodes, NodeInventory,
} from '../../src';
import { container, newChart, only, podSpec, synth, VIRTUAL_NODES_EXCLUDED } from '../util/synth';

const GPU_TERM = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }, ...VIRTUAL_NODES_EXCLUDED] }],
    },
  },
};
const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const WAIT_FOR_TOOLKIT = 'until [ -e /run/nvidia/validations/toolkit-ready ]; do echo "waiting for the NVIDIA container toolkit (/run/nvidia/validations/toolkit-ready)"; sleep 5; done; echo "the NVIDIA container toolkit: ready"';

function env(c: any): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? `fieldRef:${e.valueFrom?.fieldRef?.fieldPath}`]));
}

function mounts(objects: any[], c: any): string[] {
  const volumes = new Map<string, any>(podSpec(objects).volumes.map((v: any) => [v.name, v]));
  return (c.volumeMounts ?? []).map((m: any) => {
    const v = volumes.get(m.name);
    const from = v.hostPath ? `${v.hostPath.path} (${v.hostPath.type})` : v.configMap ? `configMap ${v.configMap.name}` : 'other';
    return `${from} at ${m.mountPath} ${m.readOnly ? 'ro' : 'rw'}${m.mountPropagation ? ` ${m.mountPropagation}` : ''}`;
  });
}

describe('GpuDevicePlugin', () => {
  function build(props: GpuDevicePluginProps = {}) {
    const chart = newChart();
    const preset = new GpuDevicePlugin(chart, 'nvidia-device-plugin', props);
    const objects = synth(chart);
    return { preset, objects, spec: podSpec(objects), main: container(objects, 'nvidia-device-plugin-ctr') };
  }

  describe('defaults', () => {
    // GIVEN no props / WHEN
    const { preset, objects, spec, main } = build();

    test('runs NVIDIA\'s plugin, pinned, with the settings written out', () => {
      expect(main.image).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.17.0');
      expect(main.command).toEqual(['nvidia-device-plugin']);
      expect(env(main)).toEqual({
        NODE_NAME: 'fieldRef:spec.nodeName',
        MPS_ROOT: '/run/nvidia/mps',
        FAIL_ON_INIT_ERROR: 'true',
        DEVICE_LIST_STRATEGY: 'envvar',
        DEVICE_ID_STRATEGY: 'uuid',
        NVIDIA_VISIBLE_DEVICES: 'all',
        NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
      });
      expect(preset.resourceName).toBe('nvidia.com/gpu');
      expect(preset.config).toBeUndefined();
    });

    test('as root with no capabilities, no privilege escalation, read-only root', () => {
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
    });

    test('writes its socket into the kubelet\'s device-plugins directory, nothing else from the host', () => {
      expect(mounts(objects, main)).toEqual(['/var/lib/kubelet/device-plugins (Directory) at /var/lib/kubelet/device-plugins rw']);
    });

    test('with the NVIDIA runtime, on the GPU nodes, tolerating the GPU taint, system-node-critical, in kube-system', () => {
      expect(spec.runtimeClassName).toBe('nvidia');
      expect(spec.affinity).toEqual(GPU_TERM);
      expect(spec.tolerations).toEqual([GPU_TOLERATION, { key: 'CriticalAddonsOnly', operator: 'Exists' }]);
      expect(spec.priorityClassName).toBe('system-node-critical');
      expect(only(objects, 'DaemonSet').metadata.namespace).toBe('kube-system');
      expect(spec.hostPID).toBe(false);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    });

    test('waits for the toolkit in an unprivileged init container that the NVIDIA runtime leaves alone', () => {
      expect(spec.initContainers).toHaveLength(1);
      const wait = spec.initContainers[0];
      expect(wait.name).toBe('wait-for-toolkit');
      expect(wait.image).toBe(main.image);
      expect(wait.command).toEqual(['sh', '-c', WAIT_FOR_TOOLKIT]);
      expect(env(wait)).toEqual({ NVIDIA_VISIBLE_DEVICES: 'void' });
      expect(wait.securityContext.runAsUser).toBe(65534);
      expect(wait.securityContext.capabilities).toEqual({ drop: ['ALL'] });
      expect(mounts(objects, wait)).toEqual(['/run/nvidia/validations (DirectoryOrCreate) at /run/nvidia/validations ro HostToContainer']);
    });

    test('is Pod Security privileged (host paths) and nothing more is asked', () => {
      expect(preset.daemonSet.podSecurity().level).toBe('privileged');
    });
  });

  test('time-slicing writes the plugin\'s config file, mounted and named in CONFIG_FILE, and renames the resource', () => {
    // GIVEN / WHEN
    const { preset, objects, main } = build({ timeSlicing: { replicas: 4, rename: 'gpu.shared', failRequestsGreaterThanOne: true } });
    // THEN
    expect(preset.resourceName).toBe('nvidia.com/gpu.shared');
    const config = only(objects, 'ConfigMap');
    expect(config.metadata.name).toBe('nvidia-device-plugin-config');
    expect(config.data['config.yaml']).toBe([
      'version: v1',
      'sharing:',
      '  timeSlicing:',
      '    failRequestsGreaterThanOne: true',
      '    resources:',
      '    - name: nvidia.com/gpu',
      '      replicas: 4',
      '      rename: nvidia.com/gpu.shared',
      '',
    ].join('\n'));
    expect(env(main).CONFIG_FILE).toBe('/config/config.yaml');
    expect(mounts(objects, main)).toContain('configMap nvidia-device-plugin-config at /config ro');
    expect(podSpec(objects).volumes.find((v: any) => v.name === 'config')).toBeDefined();
    expect(only(objects, 'DaemonSet').spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the CDI strategies mount /var/run/cdi; volume-mounts adds SYS_ADMIN as NVIDIA\'s chart', () => {
    const cdi = build({ deviceListStrategy: GpuDeviceListStrategy.CDI_CRI });
    expect(env(cdi.main).DEVICE_LIST_STRATEGY).toBe('cdi-cri');
    expect(mounts(cdi.objects, cdi.main)).toContain('/var/run/cdi (DirectoryOrCreate) at /var/run/cdi rw');
    const vm = build({ deviceListStrategy: GpuDeviceListStrategy.VOLUME_MOUNTS, deviceIdStrategy: GpuDeviceIdStrategy.INDEX });
    expect(vm.main.securityContext.capabilities).toEqual({ add: ['SYS_ADMIN'], drop: ['ALL'] });
    expect(env(vm.main).DEVICE_ID_STRATEGY).toBe('index');
  });

  test('waitForToolkit: false leaves out the init container; failOnInitError: false is written', () => {
    const { spec, main } = build({ waitForToolkit: false, failOnInitError: false });
    expect(spec.initContainers).toBeUndefined();
    expect(env(main).FAIL_ON_INIT_ERROR).toBe('false');
  });

  test('runtimeClassName is removed with the escape hatch where the NVIDIA runtime is the nodes\' default (docs)', () => {
    // GIVEN
    const chart = newChart();
    const plugin = new GpuDevicePlugin(chart, 'nvidia-device-plugin', { waitForToolkit: false });
    // WHEN
    ApiObject.of(plugin.daemonSet.workload).addJsonPatch(JsonPatch.remove('/spec/template/spec/runtimeClassName'));
    // THEN
    const spec = podSpec(synth(chart));
    expect(spec.runtimeClassName).toBeUndefined();
    expect(spec.initContainers).toBeUndefined();
  });

  test('fails when time-slicing has fewer than 2 replicas or a bad name', () => {
    expect(() => new GpuDevicePlugin(newChart(), 'p', { timeSlicing: { replicas: 1 } }))
      .toThrow(/timeSlicing\.replicas: got 1; expected a whole number of at least 2/);
    expect(() => new GpuDevicePlugin(newChart(), 'p', { timeSlicing: { replicas: 2, rename: 'GPU_Shared' } }))
      .toThrow(/timeSlicing\.rename: got "GPU_Shared"; expected a resource name "nvidia.com\/<name>" of at most 63 characters/);
    expect(() => new GpuDevicePlugin(newChart(), 'p', { timeSlicing: { replicas: 2, rename: `gpu.${'x'.repeat(60)}` } }))
      .toThrow(/timeSlicing\.rename: got "gpu\.x{60}"/);
  });

  test('fails when gpuNodes and requiredNodeAffinity are both given, or the strategy is unknown', () => {
    expect(() => new GpuDevicePlugin(newChart(), 'p', { gpuNodes: GpuNodes.gpuPresent(), requiredNodeAffinity: [] }))
      .toThrow(/gpuNodes: got "together with requiredNodeAffinity"/);
    expect(() => new GpuDevicePlugin(newChart(), 'p', { deviceListStrategy: 'env' as GpuDeviceListStrategy }))
      .toThrow(/deviceListStrategy: got "env"; expected one of envvar, volume-mounts, cdi-annotations, cdi-cri/);
  });
});

describe('GpuContainerToolkit', () => {
  function build(props: GpuContainerToolkitProps = {}) {
    const chart = newChart();
    const preset = new GpuContainerToolkit(chart, 'nvidia-container-toolkit', props);
    const objects = synth(chart);
    return { preset, objects, spec: podSpec(objects), main: container(objects, 'nvidia-container-toolkit-ctr') };
  }

  describe('defaults', () => {
    const { preset, objects, spec, main } = build();

    test('configures containerd through the GPU Operator\'s variables, not as the default runtime', () => {
      expect(main.image).toBe('nvcr.io/nvidia/k8s/container-toolkit:v1.17.0-ubuntu20.04');
      expect(main.command).toEqual(['/bin/bash', '-c', 'sleep 5 && exec nvidia-toolkit']);
      expect(env(main)).toEqual({
        NODE_NAME: 'fieldRef:spec.nodeName',
        ROOT: '/usr/local/nvidia',
        RUNTIME: 'containerd',
        RUNTIME_ARGS: '',
        CONTAINERD_CONFIG: '/runtime/config-dir/config.toml',
        CONTAINERD_SOCKET: '/runtime/sock-dir/containerd.sock',
        CONTAINERD_RUNTIME_CLASS: 'nvidia',
        CONTAINERD_SET_AS_DEFAULT: 'false',
        NVIDIA_DRIVER_ROOT: '/run/nvidia/driver',
        DRIVER_ROOT_CTR_PATH: '/driver-root',
        NVIDIA_CONTAINER_RUNTIME_MODES_CDI_DEFAULT_KIND: 'management.nvidia.com/gpu',
        NVIDIA_VISIBLE_DEVICES: 'void',
        TOOLKIT_PID_FILE: '/run/nvidia/toolkit/toolkit.pid',
      });
    });

    test('is privileged with hostPID, as the GPU Operator', () => {
      expect(main.securityContext.privileged).toBe(true);
      expect(main.securityContext.runAsUser).toBe(0);
      expect(spec.hostPID).toBe(true);
      expect(spec.hostNetwork).toBe(false);
      expect(preset.daemonSet.podSecurity().level).toBe('privileged');
    });

    test('writes only containerd\'s configuration directory, its install directory and its PID file', () => {
      expect(mounts(objects, main)).toEqual([
        '/etc/containerd (DirectoryOrCreate) at /runtime/config-dir rw',
        '/run/containerd (Directory) at /runtime/sock-dir ro',
        '/usr/local/nvidia (DirectoryOrCreate) at /usr/local/nvidia rw',
        '/run/nvidia/toolkit (DirectoryOrCreate) at /run/nvidia/toolkit rw',
        '/run/nvidia/driver (DirectoryOrCreate) at /driver-root ro HostToContainer',
        '/ (Directory) at /host ro HostToContainer',
      ]);
    });

    test('waits for the driver\'s nvidia-smi, and a sidecar writes toolkit-ready once containerd names the runtime', () => {
      const wait = spec.initContainers[0];
      expect(spec.initContainers.map((c: any) => c.name)).toEqual(['wait-for-driver']);
      expect(wait.command[2]).toContain('until [ -e /driver-root/usr/bin/nvidia-smi ]');
      expect(env(wait)).toEqual({ NVIDIA_VISIBLE_DEVICES: 'void' });
      expect(mounts(objects, wait)).toEqual(['/run/nvidia/driver (DirectoryOrCreate) at /driver-root ro HostToContainer']);
      const ready = container(objects, 'toolkit-ready');
      expect(ready.command[2]).toContain('until [ -x /usr/local/nvidia/toolkit/nvidia-container-runtime ] && grep -q \'runtimes.nvidia\\b\' /runtime/config-dir/config.toml');
      expect(ready.command[2]).toContain('touch /run/nvidia/validations/toolkit-ready');
      expect(ready.command[2]).toContain('trap \'rm -f /run/nvidia/validations/toolkit-ready; exit 0\' TERM INT');
      expect(ready.readinessProbe.exec.command).toEqual(['test', '-f', '/run/nvidia/validations/toolkit-ready']);
      expect(ready.securityContext).toMatchObject({ privileged: false, runAsUser: 0, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(mounts(objects, ready)).toEqual([
        '/run/nvidia/validations (DirectoryOrCreate) at /run/nvidia/validations rw',
        '/usr/local/nvidia (DirectoryOrCreate) at /usr/local/nvidia ro',
        '/etc/containerd (DirectoryOrCreate) at /runtime/config-dir ro',
      ]);
      expect(preset.readyFile).toBe('/run/nvidia/validations/toolkit-ready');
    });

    test('creates the nvidia RuntimeClass', () => {
      expect(only(objects, 'RuntimeClass')).toMatchObject({ apiVersion: 'node.k8s.io/v1', metadata: { name: 'nvidia' }, handler: 'nvidia' });
    });
  });

  test('k3s paths, a host driver, its own runtime class as default, no RuntimeClass', () => {
    // GIVEN / WHEN
    const { objects, main } = build({
      containerdConfig: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
      containerdSocket: '/run/k3s/containerd/containerd.sock',
      driverRoot: '/',
      runtimeClass: 'nvidia-gpu',
      setAsDefault: true,
      createRuntimeClass: false,
    });
    // THEN
    expect(env(main)).toMatchObject({ CONTAINERD_RUNTIME_CLASS: 'nvidia-gpu', CONTAINERD_SET_AS_DEFAULT: 'true', NVIDIA_DRIVER_ROOT: '/' });
    expect(mounts(objects, main)).toEqual(expect.arrayContaining([
      '/var/lib/rancher/k3s/agent/etc/containerd (DirectoryOrCreate) at /runtime/config-dir rw',
      '/run/k3s/containerd (Directory) at /runtime/sock-dir ro',
      '/ (DirectoryOrCreate) at /driver-root ro HostToContainer',
    ]));
    expect(objects.filter((o) => o.kind === 'RuntimeClass')).toEqual([]);
  });

  test('fails on relative paths and a runtime class that is not a DNS label', () => {
    expect(() => new GpuContainerToolkit(newChart(), 't', { installDir: 'usr/local/nvidia', runtimeClass: 'NVIDIA' }))
      .toThrow(/installDir: got "usr\/local\/nvidia"; expected an absolute host path other than "\/"[\s\S]*runtimeClass: got "NVIDIA"; expected a DNS-1123 label/);
    expect(() => new GpuContainerToolkit(newChart(), 't', { containerdConfig: '/' })).toThrow(/containerdConfig: got "\/"/);
  });
});

describe('DcgmExporter', () => {
  function build(props: DcgmExporterProps = {}) {
    const chart = newChart();
    const preset = new DcgmExporter(chart, 'dcgm-exporter', props);
    const objects = synth(chart);
    return { preset, objects, spec: podSpec(objects), main: container(objects, 'exporter') };
  }

  describe('defaults', () => {
    const { preset, objects, spec, main } = build();

    test('exports the chart\'s counters on 9400 with pod labels, probes on /health', () => {
      expect(main.image).toBe('nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04');
      expect(main.args).toEqual(['-f', '/etc/dcgm-exporter/dcp-metrics-included.csv']);
      expect(env(main)).toEqual({ NODE_NAME: 'fieldRef:spec.nodeName', DCGM_EXPORTER_KUBERNETES: 'true', DCGM_EXPORTER_LISTEN: ':9400', NO_SETCAP: 'true' });
      expect(main.ports).toEqual([{ containerPort: 9400, name: 'metrics', protocol: 'TCP' }]);
      expect(main.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 9400 }, initialDelaySeconds: 45, periodSeconds: 5 });
      expect(main.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 9400 }, initialDelaySeconds: 45 });
      expect(mounts(objects, main)).toEqual(['/var/lib/kubelet/pod-resources (Directory) at /var/lib/kubelet/pod-resources ro']);
      expect(preset.countersFile).toBe('/etc/dcgm-exporter/dcp-metrics-included.csv');
    });

    test('as root with SYS_ADMIN only', () => {
      expect(main.securityContext).toMatchObject({ runAsUser: 0, privileged: false, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] }, allowPrivilegeEscalation: true });
      expect(spec.runtimeClassName).toBe('nvidia');
      expect(spec.tolerations).toEqual([GPU_TOLERATION]);
      expect(spec.affinity).toEqual(GPU_TERM);
    });

    test('a ServiceMonitor with its headless Service finds it', () => {
      const monitor = only(objects, 'ServiceMonitor');
      expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics', interval: '15s' })]);
      expect(only(objects, 'Service').spec.ports).toEqual([expect.objectContaining({ name: 'metrics', port: 9400, targetPort: 'metrics' })]);
      expect(objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')).toEqual([]);
    });
  });

  test('counters are written as the CSV the exporter reads, and resource names are passed', () => {
    const { objects, main, preset } = build({
      counters: [
        { field: 'DCGM_FI_DEV_GPU_UTIL', type: DcgmCounterType.GAUGE, help: 'GPU utilization (in %).' },
        { field: 'DCGM_EXP_XID_ERRORS_COUNT', type: DcgmCounterType.COUNTER, help: 'XID errors.' },
        { field: 'DCGM_FI_DRIVER_VERSION', type: DcgmCounterType.LABEL, help: 'Driver Version' },
      ],
      resourceNames: ['nvidia.com/gpu.shared'],
    });
    expect(only(objects, 'ConfigMap').data['counters.csv']).toBe('DCGM_FI_DEV_GPU_UTIL, gauge, GPU utilization (in %).\nDCGM_EXP_XID_ERRORS_COUNT, counter, XID errors.\nDCGM_FI_DRIVER_VERSION, label, Driver Version\n');
    expect(main.args).toEqual(['-f', '/etc/dcgm-exporter/custom/counters.csv']);
    expect(preset.countersFile).toBe('/etc/dcgm-exporter/custom/counters.csv');
    expect(mounts(objects, main)).toContain('configMap dcgm-exporter-config at /etc/dcgm-exporter/custom ro');
    expect(env(main).NVIDIA_RESOURCE_NAMES).toBe('nvidia.com/gpu.shared');
  });

  test('fails on a counter the exporter would refuse', () => {
    expect(() => new DcgmExporter(newChart(), 'd', {
      counters: [
        { field: 'GPU_UTIL', type: DcgmCounterType.GAUGE, help: 'x' },
        { field: 'DCGM_FI_DEV_FB_USED', type: DcgmCounterType.GAUGE, help: 'used, in MiB' },
        { field: 'DCGM_FI_DEV_FB_USED', type: DcgmCounterType.GAUGE, help: 'again' },
      ],
    })).toThrow(/counters\[0\]\.field: got "GPU_UTIL"; expected a DCGM field name[\s\S]*counters\[1\]\.help: got "used, in MiB"; expected a line of text without commas[\s\S]*counters\[2\]\.field: got "DCGM_FI_DEV_FB_USED"; each field once/);
    expect(() => new DcgmExporter(newChart(), 'd', { counters: [{ field: 'DCGM_FI_DEV_FB_USED', type: 'histogramm' as DcgmCounterType, help: 'x' }] }))
      .toThrow(/counters\[0\]\.type: got "histogramm"; expected one of gauge, counter, label/);
    expect(() => new DcgmExporter(newChart(), 'd', { counters: [] })).toThrow(/counters: got "\[\]"; expected at least one counter/);
  });
});

describe('the GPU stack together', () => {
  function stack() {
    const chart = newChart();
    const driver = new GpuDriverInstaller(chart, 'nvidia-driver', { flavor: GpuDriverFlavor.DRIVER_CONTAINER });
    const toolkit = new GpuContainerToolkit(chart, 'nvidia-container-toolkit');
    const plugin = new GpuDevicePlugin(chart, 'nvidia-device-plugin');
    const dcgm = new DcgmExporter(chart, 'dcgm-exporter');
    return { chart, driver, toolkit, plugin, dcgm };
  }

  test('selects the driver installer\'s GPU nodes (without its OS and opt-out requirements) and passes the app-wide checks (the /run/nvidia paths are shared by design)', () => {
    // GIVEN the driver container and the three presets
    const { chart } = stack();
    // WHEN
    const objects = synth(chart);
    // THEN the three have the GPU nodes' term; the driver's is the same term narrowed to its OS
    // and to nodes without a driver of their own
    const termOf = (ds: any) => ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const daemonSets = objects.filter((o) => o.kind === 'DaemonSet');
    expect(daemonSets).toHaveLength(4);
    const [driver, ...stackSets] = daemonSets;
    for (const ds of stackSets) {
      expect(ds.spec.template.spec.affinity).toEqual(GPU_TERM);
    }
    const [driverTerm] = termOf(driver);
    const [gpuTerm] = GPU_TERM.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(driverTerm.matchExpressions).toEqual(expect.arrayContaining(gpuTerm.matchExpressions));
  });

  test('fails when two toolkits can land on one node (containerd\'s configuration and the install directory)', () => {
    const chart = newChart();
    new GpuContainerToolkit(chart, 'a');
    new GpuContainerToolkit(chart, 'b', { createRuntimeClass: false });
    expect(() => synth(chart)).toThrow(/'test\/a' \(kube-system\/a\) and 'test\/b' \(kube-system\/b\) can run on the same node and both claim writable host path \/etc\/containerd, writable host path \/usr\/local\/nvidia/);
  });

  test('two toolkits on disjoint GPU pools are allowed', () => {
    const chart = newChart();
    new GpuContainerToolkit(chart, 'a', { gpuNodes: GpuNodes.withLabel('pool', 'a') });
    new GpuContainerToolkit(chart, 'b', { gpuNodes: GpuNodes.withLabel('pool', 'b'), createRuntimeClass: false });
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });

  test('the preview places the stack on a GPU node whose driver is not ready yet (it cannot see the readiness files), and on no other node', () => {
    // GIVEN a GPU node (labelled, tainted) whose driver is still being installed, and a CPU node
    const { driver, toolkit, plugin, dcgm } = stack();
    const inventory = NodeInventory.fromNodes([
      {
        name: 'gpu-1',
        labels: {
          'nvidia.com/gpu.present': 'true',
          'feature.node.kubernetes.io/system-os_release.ID': 'ubuntu',
          'feature.node.kubernetes.io/system-os_release.VERSION_ID': '22.04',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
        },
        taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }],
        allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      },
      { name: 'cpu-1', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' }, allocatable: { cpu: '4', memory: '16Gi', pods: '110' } },
    ]);
    for (const preset of [driver, toolkit, plugin, dcgm]) {
      // WHEN
      const preview = preset.daemonSet.previewPlacement(inventory);
      // THEN placed and counted as running on the GPU node; the CPU node is not eligible
      expect(preview.scheduledNodeNames).toEqual(['gpu-1']);
      expect(preview.runningNodeNames).toEqual(['gpu-1']);
      expect(preview.eligibleCount).toBe(1);
      expect(preview.nodes.find((n) => n.nodeName === 'cpu-1')!.reasons.map((r) => r.message)).toContain(
        'node affinity nodeSelectorTerms[0]: nvidia.com/gpu.present In [true] not satisfied: the node has no label "nvidia.com/gpu.present"',
      );
    }
  });
});
