import { Size } from 'cdk8s';
import { Capability, Cpu, EnvValue, Handler, Probe } from 'cdk8s-plus-28';
import { AgentMetrics, AgentVolume, DaemonSet, HostMount, IntOrPercent, UpdateStrategy } from '../../src';
import { StorageDaemon, StorageDaemonProps } from '../../src/presets/storage-daemon';
import { container, newChart, only, podSpec, synth, platformsDeclaredBy } from '../util/synth';

const EBS = 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0';
const REGISTRAR = 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0';
const LIVENESS_PROBE = 'registry.k8s.io/sig-storage/livenessprobe:v2.16.0';
const NFS = 'registry.k8s.io/sig-storage/nfsplugin:v4.7.0';

/** The volumes of a pod spec by name. */
function volumesByName(spec: any): { [name: string]: any } {
  return Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
}

/** The arg of a container that starts with a prefix, without the prefix. */
function argValue(c: any, prefix: string): string {
  const found = (c.args as string[]).find((a) => a.startsWith(prefix));
  if (found === undefined) {
    throw new Error(`no ${prefix} arg in ${c.name}`);
  }
  return found.slice(prefix.length);
}

describe('StorageDaemon defaults', () => {
  // GIVEN no props
  const chart = newChart();
  const csi = new StorageDaemon(chart, 'ebs-csi-node');
  // WHEN
  const objects = synth(chart);
  const daemonSet = only(objects, 'DaemonSet');
  const spec = podSpec(objects);
  const plugin = container(objects);
  const registrar = container(objects, 'node-driver-registrar');
  const probe = container(objects, 'liveness-probe');
  const volumes = volumesByName(spec);

  test('creates a ServiceAccount, a ClusterRole and its binding, and a DaemonSet named after the id, in kube-system', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'ServiceAccount']);
    expect(daemonSet.metadata.name).toBe('ebs-csi-node');
    expect(daemonSet.metadata.namespace).toBe('kube-system');
    expect(daemonSet.metadata.labels['app.kubernetes.io/component']).toBe('storage');
    expect(csi.daemonSet).toBeInstanceOf(DaemonSet);
  });

  test('runs the plugin and the two CSI sidecars, pinned', () => {
    expect(spec.containers.map((c: any) => [c.name, c.image])).toEqual([
      ['ebs-csi-node', EBS],
      ['node-driver-registrar', REGISTRAR],
      ['liveness-probe', LIVENESS_PROBE],
    ]);
    expect(spec.initContainers).toBeUndefined();
    expect(csi.image).toBe(EBS);
    expect(csi.nodeDriverRegistrarImage).toBe(REGISTRAR);
    expect(csi.livenessProbeImage).toBe(LIVENESS_PROBE);
  });

  test('resolves the driver name and the paths derived from it', () => {
    expect(csi.driverName).toBe('ebs.csi.aws.com');
    expect(csi.kubeletDir).toBe('/var/lib/kubelet');
    expect(csi.socketDir).toBe('/var/lib/kubelet/plugins/ebs.csi.aws.com');
    expect(csi.registrationPath).toBe('/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock');
  });

  test('the plugin runs EBS\'s pre-stop hook; the sidecars have none', () => {
    expect(plugin.lifecycle).toEqual({ preStop: { exec: { command: ['/bin/aws-ebs-csi-driver', 'pre-stop-hook'] } } });
    expect(registrar.lifecycle).toBeUndefined();
    expect(probe.lifecycle).toBeUndefined();
  });

  test('the plugin is privileged, root, with a read-only root filesystem', () => {
    expect(plugin.securityContext).toEqual({
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the plugin runs the EBS node service on the CSI socket, with its metrics server on', () => {
    expect(plugin.args).toEqual([
      'node',
      '--endpoint=$(CSI_ENDPOINT)',
      '--csi-mount-point-prefix=/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/',
      '--http-endpoint=0.0.0.0:3302',
      '--v=2',
    ]);
    expect(plugin.env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'CSI_ENDPOINT', value: 'unix:/csi/csi.sock' },
      { name: 'CSI_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
  });

  test('the plugin mounts the kubelet directory (Bidirectional), its socket directory and /dev', () => {
    expect(plugin.volumeMounts).toEqual([
      { name: 'kubelet-dir', mountPath: '/var/lib/kubelet', mountPropagation: 'Bidirectional', readOnly: false },
      { name: 'plugin-dir', mountPath: '/csi', readOnly: false },
      { name: 'device-dir', mountPath: '/dev', readOnly: false },
    ]);
    expect(volumes['kubelet-dir'].hostPath).toEqual({ path: '/var/lib/kubelet', type: 'Directory' });
    expect(volumes['plugin-dir'].hostPath).toEqual({ path: '/var/lib/kubelet/plugins/ebs.csi.aws.com', type: 'DirectoryOrCreate' });
    expect(volumes['device-dir'].hostPath).toEqual({ path: '/dev', type: 'Directory' });
  });

  test('only the plugin is privileged, and only it has Bidirectional propagation', () => {
    expect(spec.containers.filter((c: any) => c.securityContext.privileged).map((c: any) => c.name)).toEqual(['ebs-csi-node']);
    const bidirectional = spec.containers.flatMap((c: any) => (c.volumeMounts ?? [])
      .filter((m: any) => m.mountPropagation === 'Bidirectional')
      .map((m: any) => `${c.name}:${m.mountPath}`));
    expect(bidirectional).toEqual(['ebs-csi-node:/var/lib/kubelet']);
  });

  test('the sidecars are unprivileged: drop ALL, no escalation, read-only root, as root for the sockets', () => {
    for (const sidecar of [registrar, probe]) {
      expect(sidecar.securityContext).toEqual({
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: false,
        runAsUser: 0,
        runAsGroup: 0,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(sidecar.resources).toEqual({ requests: { cpu: '10m', memory: '20Mi' }, limits: { memory: '64Mi' } });
      expect(sidecar.env).toBeUndefined();
    }
  });

  test('the registrar: socket directory read-only, registration directory read-write, a /healthz that fails without a live registration socket', () => {
    expect(registrar.args).toEqual([
      '--csi-address=/csi/csi.sock',
      '--kubelet-registration-path=/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock',
      '--http-endpoint=:9809',
      '--v=2',
    ]);
    expect(registrar.volumeMounts).toEqual([
      { name: 'plugin-dir', mountPath: '/csi', readOnly: true },
      { name: 'registration-dir', mountPath: '/registration', readOnly: false },
    ]);
    expect(volumes['registration-dir'].hostPath).toEqual({ path: '/var/lib/kubelet/plugins_registry', type: 'Directory' });
    expect(csi.registrarHealthPort).toBe(9809);
    expect(registrar.ports).toEqual([{ containerPort: 9809, name: 'reg-healthz', protocol: 'TCP' }]);
    // not the exec probe in --mode=kubelet-registration-probe, which exits 0 since v2.9.0
    expect(registrar.livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 9809, scheme: 'HTTP' },
      initialDelaySeconds: 30,
      periodSeconds: 90,
      timeoutSeconds: 15,
      failureThreshold: 3,
    });
  });

  test('socket paths agree: the plugin\'s endpoint, the sidecars\' address, the registration path and the mounts', () => {
    // The plugin listens on CSI_ENDPOINT, inside the socket directory mounted at /csi ...
    const endpoint = plugin.env.find((e: any) => e.name === 'CSI_ENDPOINT').value as string;
    expect(endpoint).toBe('unix:/csi/csi.sock');
    const socketInContainer = endpoint.replace(/^unix:/, '');
    const pluginDir = plugin.volumeMounts.find((m: any) => m.name === 'plugin-dir');
    expect(socketInContainer.startsWith(`${pluginDir.mountPath}/`)).toBe(true);
    // ... which both sidecars dial at the same path, through the same host volume ...
    for (const sidecar of [registrar, probe]) {
      expect(argValue(sidecar, '--csi-address=')).toBe(socketInContainer);
      expect(sidecar.volumeMounts.find((m: any) => m.name === 'plugin-dir').mountPath).toBe(pluginDir.mountPath);
    }
    // ... and the registration path the kubelet gets is that socket on the node.
    const registration = argValue(registrar, '--kubelet-registration-path=');
    const hostSocket = `${volumes['plugin-dir'].hostPath.path}/${socketInContainer.slice(pluginDir.mountPath.length + 1)}`;
    expect(registration).toBe(hostSocket);
    expect(registration).toBe(csi.registrationPath);
  });

  test('health: the livenessprobe sidecar serves the port the plugin declares and probes', () => {
    expect(csi.healthPort).toBe(9808);
    expect(probe.args).toEqual(['--csi-address=/csi/csi.sock', '--http-endpoint=:9808']);
    expect(probe.volumeMounts).toEqual([{ name: 'plugin-dir', mountPath: '/csi', readOnly: true }]);
    expect(probe.ports).toBeUndefined();
    expect(plugin.ports).toEqual([
      { containerPort: 9808, name: 'healthz', protocol: 'TCP' },
      { containerPort: 3302, name: 'metrics', protocol: 'TCP' },
    ]);
    expect(csi.metricsPort).toBe(3302);
    expect(plugin.livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 9808, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 5,
    });
    expect(plugin.readinessProbe).toBeUndefined();
  });

  test('tolerates every taint, is system-node-critical, rolls at most 10% of the nodes at a time, on the pod network', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } });
    expect(spec.hostNetwork).toBe(false);
    expect(spec.dnsPolicy).toBe('ClusterFirst');
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  });

  test('the plugin requests 10m CPU and 40Mi with a 256Mi memory limit', () => {
    expect(plugin.resources).toEqual({ requests: { cpu: '10m', memory: '40Mi' }, limits: { memory: '256Mi' } });
  });

  test('grants exactly get, list and watch on nodes (the taint watcher\'s informer) and list, watch on volumeattachments (the pre-stop hook), and mounts the token', () => {
    expect(only(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['list', 'watch'] },
    ]);
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'ebs-csi-node', namespace: 'kube-system' }]);
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('has exactly the four host volumes of the layout', () => {
    expect(Object.keys(volumes).sort()).toEqual(['device-dir', 'kubelet-dir', 'plugin-dir', 'registration-dir']);
  });
});

describe('StorageDaemon overrides', () => {
  test('driverName and kubeletDir move every derived path consistently', () => {
    // GIVEN another driver on a kubelet with its own root directory (k0s)
    const chart = newChart();
    const csi = new StorageDaemon(chart, 'nfs', {
      image: NFS,
      driverName: 'nfs.csi.k8s.io',
      kubeletDir: '/var/lib/k0s/kubelet/',
      args: ['--nodeid=$(NODE_NAME)', '--endpoint=$(CSI_ENDPOINT)'],
    });
    // WHEN
    const objects = synth(chart);
    const spec = podSpec(objects);
    const volumes = volumesByName(spec);
    const registrar = container(objects, 'node-driver-registrar');
    // THEN
    expect(csi.kubeletDir).toBe('/var/lib/k0s/kubelet');
    expect(csi.socketDir).toBe('/var/lib/k0s/kubelet/plugins/nfs.csi.k8s.io');
    expect(container(objects).args).toEqual(['--nodeid=$(NODE_NAME)', '--endpoint=$(CSI_ENDPOINT)']);
    expect(container(objects).volumeMounts[0]).toEqual({ name: 'kubelet-dir', mountPath: '/var/lib/k0s/kubelet', mountPropagation: 'Bidirectional', readOnly: false });
    expect(volumes['kubelet-dir'].hostPath.path).toBe('/var/lib/k0s/kubelet');
    expect(volumes['plugin-dir'].hostPath.path).toBe('/var/lib/k0s/kubelet/plugins/nfs.csi.k8s.io');
    expect(volumes['registration-dir'].hostPath.path).toBe('/var/lib/k0s/kubelet/plugins_registry');
    expect(argValue(registrar, '--kubelet-registration-path=')).toBe('/var/lib/k0s/kubelet/plugins/nfs.csi.k8s.io/csi.sock');
    // with the user's args (another driver), no metrics port unless asked for, no EBS hook or its RBAC
    expect(csi.metricsPort).toBeUndefined();
    expect(container(objects).lifecycle).toBeUndefined();
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
    expect(container(objects).ports.map((p: any) => p.name)).toEqual(['healthz']);
  });

  test('the default args follow driverName and kubeletDir; extraArgs are appended', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', { driverName: 'ebs.example.com', extraArgs: ['--volume-attach-limit=25'] });
    expect(container(synth(chart)).args).toEqual([
      'node',
      '--endpoint=$(CSI_ENDPOINT)',
      '--csi-mount-point-prefix=/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.example.com/',
      '--http-endpoint=0.0.0.0:3302',
      '--v=2',
      '--volume-attach-limit=25',
    ]);
  });

  test('sidecar images and the health port', () => {
    const chart = newChart();
    const csi = new StorageDaemon(chart, 'ebs', {
      nodeDriverRegistrarImage: 'public.ecr.aws/csi-components/csi-node-driver-registrar:v2.14.0-eksbuild.4',
      livenessProbeImage: 'public.ecr.aws/csi-components/livenessprobe:v2.16.0-eksbuild.4',
      healthPort: 9809,
      registrarHealthPort: 9810,
      metricsPort: 3303,
    });
    const objects = synth(chart);
    expect(container(objects, 'node-driver-registrar').image).toBe('public.ecr.aws/csi-components/csi-node-driver-registrar:v2.14.0-eksbuild.4');
    expect(container(objects, 'liveness-probe').image).toBe('public.ecr.aws/csi-components/livenessprobe:v2.16.0-eksbuild.4');
    expect(container(objects, 'liveness-probe').args).toContain('--http-endpoint=:9809');
    expect(container(objects).ports).toEqual([
      { containerPort: 9809, name: 'healthz', protocol: 'TCP' },
      { containerPort: 3303, name: 'metrics', protocol: 'TCP' },
    ]);
    expect(container(objects).args).toContain('--http-endpoint=0.0.0.0:3303');
    expect(container(objects).livenessProbe.httpGet.port).toBe(9809);
    expect(container(objects, 'node-driver-registrar').args).toContain('--http-endpoint=:9810');
    expect(container(objects, 'node-driver-registrar').livenessProbe.httpGet.port).toBe(9810);
    expect(csi.healthPort).toBe(9809);
  });

  test('the user\'s hostMounts, volumeMounts, ports, sidecars and volumes are added to the CSI wiring, env is merged', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', {
      hostMounts: [HostMount.readOnly('/etc/selinux')],
      ports: [{ containerPort: 8080, name: 'debug' }],
      volumes: [AgentVolume.fromConfigMap('config', 'ebs-config')],
      volumeMounts: [{ volumeName: 'config', mountPath: '/etc/ebs' }],
      sidecars: [{ name: 'metrics-proxy', image: 'registry.example.com/metrics-proxy:1.0.0' }],
      env: { AWS_REGION: EnvValue.fromValue('eu-west-1') },
    });
    const objects = synth(chart);
    const spec = podSpec(objects);
    const plugin = container(objects);
    expect(plugin.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/kubelet', '/csi', '/dev', '/etc/selinux', '/etc/ebs']);
    expect(plugin.ports.map((p: any) => p.name)).toEqual(['healthz', 'metrics', 'debug']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['ebs', 'node-driver-registrar', 'liveness-probe', 'metrics-proxy']);
    expect(Object.keys(volumesByName(spec))).toContain('config');
    // env is merged: the preset's CSI_ENDPOINT and CSI_NODE_NAME stay
    expect(plugin.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'CSI_ENDPOINT', 'CSI_NODE_NAME', 'AWS_REGION']);
  });

  test('a user env key wins over the preset\'s, and labels and podAnnotations are merged', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', {
      env: { CSI_NODE_NAME: EnvValue.fromValue('node-a') },
      labels: { team: 'storage' },
      podAnnotations: { 'example.com/owner': 'storage' },
    });
    const objects = synth(chart);
    expect(container(objects).env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'CSI_ENDPOINT', value: 'unix:/csi/csi.sock' },
      { name: 'CSI_NODE_NAME', value: 'node-a' },
    ]);
    const daemonSet = only(objects, 'DaemonSet');
    expect(daemonSet.metadata.labels).toMatchObject({ 'team': 'storage', 'app.kubernetes.io/component': 'storage' });
    expect(daemonSet.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'storage' });
  });

  test('the user\'s lifecycle replaces the pre-stop hook', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', { lifecycle: { preStop: Handler.fromCommand(['/bin/sleep', '5']) } });
    expect(container(synth(chart)).lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sleep', '5'] } } });
  });

  test('tolerations: [] replaces every-taint with none', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', { tolerations: [] });
    expect(podSpec(synth(chart)).tolerations).toBeUndefined();
  });

  test('fails (in the core) when a user sidecar or port repeats a preset name', () => {
    expect(() => new StorageDaemon(newChart(), 'ebs', { sidecars: [{ name: 'liveness-probe', image: LIVENESS_PROBE }] }))
      .toThrow(/containerName\/sidecars\/initContainers: got "liveness-probe"; each container name may appear only once/);
    expect(() => new StorageDaemon(newChart(), 'ebs', { ports: [{ containerPort: 9809, name: 'healthz' }] }))
      .toThrow(/ports: got "healthz"; each port name may appear only once/);
  });

  test('the user\'s core props win: RBAC, rollout, priority, resources, probe, name and namespace', () => {
    const chart = newChart({ namespace: 'storage' });
    new StorageDaemon(chart, 'ebs', {
      name: 'ebs-csi-node',
      rbacRules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch', 'list', 'watch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['csinodes'], verbs: ['get'] },
        { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['get', 'list', 'watch'] },
      ],
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(1) }),
      priorityClassName: 'storage-critical',
      liveness: Probe.fromHttpGet('/healthz', { port: 9808, failureThreshold: 3 }),
      terminationGracePeriodSeconds: 60,
      resources: { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(512) } },
    });
    const objects = synth(chart);
    const daemonSet = only(objects, 'DaemonSet');
    expect(daemonSet.metadata.name).toBe('ebs-csi-node');
    expect(daemonSet.metadata.namespace).toBe('storage');
    expect(only(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch', 'list', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['csinodes'], verbs: ['get'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(daemonSet.spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    expect(podSpec(objects).priorityClassName).toBe('storage-critical');
    expect(podSpec(objects).terminationGracePeriodSeconds).toBe(60);
    // resources merge per resource: memory is the user's, the CPU request stays the preset's.
    expect(container(objects).resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } });
    expect(container(objects).livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 9808, scheme: 'HTTP' }, failureThreshold: 3 });
  });

  test('the docs\' example: another driver on another kubelet directory, without API access', () => {
    // GIVEN (the same code as the README section of StorageDaemon)
    const chart = newChart();
    new StorageDaemon(chart, 'csi-nfs-node', {
      image: NFS,
      driverName: 'nfs.csi.k8s.io',
      kubeletDir: '/var/lib/k0s/kubelet',
      args: ['--nodeid=$(NODE_NAME)', '--endpoint=$(CSI_ENDPOINT)', '--v=2'],
      hostNetwork: true,
      healthPort: 29653,
      registrarHealthPort: 29654,
      rbacRules: [],
    });
    // WHEN
    const objects = synth(chart);
    // THEN the node plugin is on the host network (as csi-driver-nfs deploy/v4.7.0/csi-nfs-node.yaml), with NFS's ports
    expect(podSpec(objects).hostNetwork).toBe(true);
    expect(podSpec(objects).dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(container(objects).ports).toEqual([{ containerPort: 29653, name: 'healthz', protocol: 'TCP' }]);
    expect(container(objects, 'liveness-probe').args).toContain('--http-endpoint=:29653');
    expect(container(objects, 'node-driver-registrar').args).toContain('--http-endpoint=:29654');
    // rbacRules: [] means no ClusterRole and no token
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    expect(podSpec(objects).automountServiceAccountToken).toBe(false);
    expect(container(objects).image).toBe(NFS);
    expect(argValue(container(objects, 'node-driver-registrar'), '--kubelet-registration-path=')).toBe('/var/lib/k0s/kubelet/plugins/nfs.csi.k8s.io/csi.sock');
  });

  test('fails (in the core) when privileged is turned off: Bidirectional needs it', () => {
    expect(() => new StorageDaemon(newChart(), 'ebs', { privileged: false, addCapabilities: [Capability.SYS_ADMIN] }))
      .toThrow(/hostMounts\[0\].propagation: got "Bidirectional"; Bidirectional propagation is only allowed in a privileged container/);
  });
});

describe('StorageDaemon on the preset base', () => {
  test('a CPU-only resources override keeps the plugin\'s memory request and limit; the sidecars keep theirs', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', { resources: { cpu: { request: Cpu.millis(100) } } });
    const objects = synth(chart);
    expect(container(objects).resources).toEqual({ requests: { cpu: '100m', memory: '40Mi' }, limits: { memory: '256Mi' } });
    expect(container(objects, 'liveness-probe').resources).toEqual({ requests: { cpu: '10m', memory: '20Mi' }, limits: { memory: '64Mi' } });
  });

  test('the namespace falls back to kube-system, the chart\'s wins', () => {
    const inKubeSystem = newChart();
    new StorageDaemon(inKubeSystem, 'ebs');
    expect(only(synth(inKubeSystem), 'DaemonSet').metadata.namespace).toBe('kube-system');
    const inStorage = newChart({ namespace: 'storage' });
    new StorageDaemon(inStorage, 'ebs');
    expect(only(synth(inStorage), 'DaemonSet').metadata.namespace).toBe('storage');
  });
});

describe('StorageDaemon metrics', () => {
  test('a PodMonitor scrapes the EBS plugin\'s port named metrics', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs', { metrics: AgentMetrics.podMonitor() });
    const monitor = only(synth(chart), 'PodMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics' })]);
  });

  test('fails when a monitor is asked of another driver without a metrics port', () => {
    expect(() => new StorageDaemon(newChart(), 'nfs', { image: NFS, args: ['--endpoint=$(CSI_ENDPOINT)'], metrics: AgentMetrics.podMonitor() }))
      .toThrow(/metrics\.port: got "metrics"; Prometheus scrapes a named container port, and the pod has none named "metrics"/);
  });
});

describe('StorageDaemon beside other agents', () => {
  test('fails when two plugins on the host network keep the same health ports; distinct ports and drivers share the kubelet directory, /dev and the registration directory', () => {
    // GIVEN two NFS-like plugins on the host network with the default ports
    const clash = newChart();
    new StorageDaemon(clash, 'nfs', { image: NFS, driverName: 'nfs.csi.k8s.io', args: ['--endpoint=$(CSI_ENDPOINT)'], hostNetwork: true });
    new StorageDaemon(clash, 'smb', { image: NFS, driverName: 'smb.csi.k8s.io', args: ['--endpoint=$(CSI_ENDPOINT)'], hostNetwork: true });
    // THEN the node's ports are claimed twice
    expect(() => synth(clash)).toThrow(/both claim host port 9808\/TCP/);
    // GIVEN distinct ports
    const fine = newChart();
    new StorageDaemon(fine, 'nfs', { image: NFS, driverName: 'nfs.csi.k8s.io', args: ['--endpoint=$(CSI_ENDPOINT)'], hostNetwork: true });
    new StorageDaemon(fine, 'smb', {
      image: NFS, driverName: 'smb.csi.k8s.io', args: ['--endpoint=$(CSI_ENDPOINT)'], hostNetwork: true, healthPort: 29643, registrarHealthPort: 29644,
    });
    // THEN the shared host paths are not reported
    expect(synth(fine).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });
});

describe('StorageDaemon input checks', () => {
  test('fails when driverName is not a CSI driver name', () => {
    expect(() => new StorageDaemon(newChart(), 'csi', { driverName: 'EBS_CSI' }))
      .toThrow(/Invalid props for StorageDaemon 'test\/csi':\n {2}- driverName: got "EBS_CSI"; expected a CSI driver name: at most 63 lowercase letters/);
  });

  test('fails when driverName is longer than 63 characters', () => {
    const long = `${'a'.repeat(60)}.example.com`;
    expect(() => new StorageDaemon(newChart(), 'csi', { driverName: long })).toThrow(/driverName: got "a{60}\.example\.com"; expected a CSI driver name/);
  });

  test('fails when kubeletDir is relative or the root', () => {
    expect(() => new StorageDaemon(newChart(), 'csi', { kubeletDir: 'var/lib/kubelet' }))
      .toThrow(/kubeletDir: got "var\/lib\/kubelet"; expected an absolute path other than "\/"/);
    expect(() => new StorageDaemon(newChart(), 'csi', { kubeletDir: '/' })).toThrow(/kubeletDir: got "\/"; expected an absolute path/);
  });

  test('fails when healthPort is not a port number', () => {
    expect(() => new StorageDaemon(newChart(), 'csi', { healthPort: 0 }))
      .toThrow(/healthPort: got 0; expected an integer port number from 1 to 65535/);
  });

  test('fails when a port is shared by two of the pod\'s servers', () => {
    expect(() => new StorageDaemon(newChart(), 'csi', { registrarHealthPort: 9808 }))
      .toThrow(/registrarHealthPort: got 9808; must differ from healthPort \(9808\)/);
    expect(() => new StorageDaemon(newChart(), 'csi', { metricsPort: 9809 }))
      .toThrow(/metricsPort: got 9809; must differ from healthPort and registrarHealthPort/);
    expect(() => new StorageDaemon(newChart(), 'csi', { registrarHealthPort: 70000 }))
      .toThrow(/registrarHealthPort: got 70000; expected an integer port number/);
  });

  test('reports every problem at once', () => {
    expect(() => new StorageDaemon(newChart(), 'csi', { driverName: '-bad', healthPort: 99999 }))
      .toThrow(/2 invalid props for StorageDaemon 'test\/csi':\n {2}- driverName: got "-bad"[^\n]*\n {2}- healthPort: got 99999/);
  });

  test('fails (in the core) when a sidecar image is not pinned', () => {
    expect(() => new StorageDaemon(newChart(), 'csi', { livenessProbeImage: 'registry.k8s.io/sig-storage/livenessprobe' }))
      .toThrow(/sidecars\[1\].image: got "registry.k8s.io\/sig-storage\/livenessprobe"; expected a tag or digest/);
  });
});

describe('StorageDaemon imagePlatforms', () => {
  const platformsOf = (props: StorageDaemonProps = {}) => platformsDeclaredBy((chart) => new StorageDaemon(chart, 'ebs-csi-node', props));

  test('declared for the default images: the platforms the EBS driver and both sidecars share', () => {
    // GIVEN / WHEN (the sidecars add linux/arm, ppc64le and s390x; the driver has none of them)
    // THEN
    expect(platformsOf()).toBe('linux/amd64,linux/arm64');
  });

  test('cleared by an image of your own in any container', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ image: 'registry.example.com/csi-driver:1.0.0' })).toBeUndefined();
    expect(platformsOf({ nodeDriverRegistrarImage: 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.15.0' })).toBeUndefined();
    expect(platformsOf({ livenessProbeImage: 'registry.k8s.io/sig-storage/livenessprobe:v2.17.0' })).toBeUndefined();
  });

  test('yours wins', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ imagePlatforms: ['linux/amd64'] })).toBe('linux/amd64');
    expect(platformsOf({ image: 'registry.example.com/csi-driver:1.0.0', imagePlatforms: ['linux/arm64'] })).toBe('linux/arm64');
  });
});

describe('StorageDaemon on nodes upstream excludes', () => {
  test('with EBS\'s driver, not on EKS Auto Mode, hybrid or Fargate nodes, nor on A1 instances (upstream node.yaml)', () => {
    // GIVEN / WHEN
    const chart = newChart();
    new StorageDaemon(chart, 'ebs');
    const terms = podSpec(synth(chart)).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    // THEN one term: upstream's exclusions, then the core's virtual nodes
    expect(terms).toEqual([{
      matchExpressions: [
        { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['auto', 'hybrid'] },
        { key: 'node.kubernetes.io/instance-type', operator: 'NotIn', values: ['a1.medium', 'a1.large', 'a1.xlarge', 'a1.2xlarge', 'a1.4xlarge'] },
        { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] },
        { key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] },
      ],
    }]);
  });

  test('another driver keeps only the core\'s exclusions', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'other', { driverName: 'other.csi.example.com', args: ['--endpoint=$(CSI_ENDPOINT)'] });
    const terms = podSpec(synth(chart)).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchExpressions.map((e: any) => e.key)).toEqual(['eks.amazonaws.com/compute-type', 'type']);
  });
});
