import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch, Size, Yaml } from 'cdk8s';
import { Capability, EnvValue } from 'cdk8s-plus-28';
import { AgentVolume, HostMount, Toleration } from '../../src';
import { SecurityAgent, SecurityAgentProps } from '../../src/presets/security-agent';
import { SecurityAgentDriver } from '../../src/presets/security-agent-driver';
import { SecurityAgentPriority } from '../../src/presets/security-agent-priority';
import { SecurityAgentRuntimeEngine, SecurityAgentRuntimeSocket } from '../../src/presets/security-agent-runtime-socket';
import { container, newChart, only, podSpec, synth, synthAgent, platformsDeclaredBy } from '../util/synth';

// The chart's four, plus DAC_READ_SEARCH: the read part of the runtime defaults the chart keeps and the core drops.
const LEAST_PRIVILEGED_CAPABILITIES = ['BPF', 'DAC_READ_SEARCH', 'PERFMON', 'SYS_PTRACE', 'SYS_RESOURCE'];
const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/** Parses YAML text with cdk8s' own loader. */
function parseYaml(text: string): any {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'falco-')), 'falco.yaml');
  fs.writeFileSync(file, text);
  return Yaml.load(file)[0];
}

/** Every container of the pod, init containers included. */
function allContainers(objects: any[]): any[] {
  const spec = podSpec(objects);
  return [...spec.containers, ...(spec.initContainers ?? [])];
}

/** The mounts of a container with the host path and type of each. */
function hostMounts(objects: any[], c: any): Array<{ hostPath: string; type: string; mountPath: string; readOnly: boolean }> {
  const volumes = podSpec(objects).volumes;
  return c.volumeMounts
    .map((m: any) => ({ m, v: volumes.find((v: any) => v.name === m.name) }))
    .filter(({ v }: any) => v.hostPath !== undefined)
    .map(({ m, v }: any) => ({ hostPath: v.hostPath.path, type: v.hostPath.type, mountPath: m.mountPath, readOnly: m.readOnly }));
}

describe('SecurityAgent defaults', () => {
  // GIVEN no props
  const chart = newChart();
  const agent = new SecurityAgent(chart, 'falco');
  // WHEN
  const { objects, daemonSet, spec, main } = synthAgent(chart);
  const configMap = only(objects, 'ConfigMap');
  const config = parseYaml(configMap.data['falco.yaml']);

  test('creates a ServiceAccount, a DaemonSet and a ConfigMap, and no RBAC at all', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'ServiceAccount']);
    expect(objects.filter((o) => RBAC_KINDS.includes(o.kind))).toEqual([]);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('pins a Falco release, names everything after the id, with the security component', () => {
    expect(SecurityAgent.DEFAULT_IMAGE).toBe('docker.io/falcosecurity/falco:0.44.1');
    expect(agent.image).toBe(SecurityAgent.DEFAULT_IMAGE);
    expect(main.image).toBe('docker.io/falcosecurity/falco:0.44.1');
    expect(main.imagePullPolicy).toBe('IfNotPresent');
    expect(main.args).toEqual(['/usr/bin/falco']);
    expect(main.name).toBe('falco');
    expect(daemonSet.metadata.name).toBe('falco');
    expect(daemonSet.metadata.labels['app.kubernetes.io/component']).toBe('security');
    expect(daemonSet.metadata.labels['app.kubernetes.io/version']).toBe('0.44.1');
    expect(agent.driver).toBe(SecurityAgentDriver.MODERN_EBPF);
  });

  test('runs Falco privileged (as the chart\'s default), as root, with no init container', () => {
    expect(agent.privileged).toBe(true);
    expect(spec.initContainers).toBeUndefined();
    expect(main.securityContext).toEqual({
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('needs no AppArmor annotation (a privileged container is unconfined) and rolls on config changes', () => {
    expect(daemonSet.spec.template.metadata.annotations).toEqual({
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  test('shares no host namespace, like the chart', () => {
    expect(spec.hostPID).toBe(false);
    expect(spec.hostNetwork).toBe(false);
    expect(spec.hostIPC).toBe(false);
  });

  test('mounts /proc, /etc, /sys/kernel and the runtime socket directories read-only, nothing writable from the host', () => {
    expect(hostMounts(objects, main)).toEqual([
      { hostPath: '/proc', type: 'Directory', mountPath: '/host/proc', readOnly: true },
      { hostPath: '/etc', type: 'Directory', mountPath: '/host/etc', readOnly: true },
      { hostPath: '/sys/kernel', type: 'Directory', mountPath: '/sys/kernel', readOnly: true },
      { hostPath: '/run/containerd', type: 'DirectoryOrCreate', mountPath: '/host/run/containerd', readOnly: true },
      { hostPath: '/run/crio', type: 'DirectoryOrCreate', mountPath: '/host/run/crio', readOnly: true },
    ]);
    // No Socket-typed volume: a node without one of the runtimes still runs the agent.
    expect(spec.volumes.filter((v: any) => v.hostPath?.type === 'Socket')).toEqual([]);
  });

  test('mounts the config over falco.yaml, an emptyDir for /root/.falco and no rules directory', () => {
    expect(main.volumeMounts.filter((m: any) => !m.name.startsWith('host-'))).toEqual([
      { name: 'falco-config', mountPath: '/etc/falco/falco.yaml', subPath: 'falco.yaml', readOnly: true },
      { name: 'falco-state', mountPath: '/root/.falco', readOnly: false },
    ]);
    expect(spec.volumes.find((v: any) => v.name === 'falco-config')).toEqual({
      name: 'falco-config',
      configMap: { name: 'falco-config', items: [{ key: 'falco.yaml', path: 'falco.yaml' }], defaultMode: 0o444 },
    });
    expect(spec.volumes.find((v: any) => v.name === 'falco-state')).toEqual({ name: 'falco-state', emptyDir: {} });
  });

  test('tells Falco where the host is and which node it runs on', () => {
    expect(main.env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'HOST_ROOT', value: '/host' },
      { name: 'FALCO_HOSTNAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
  });

  test('probes the webserver /healthz on port 8765 (named "metrics", it serves /metrics too) with the chart timings', () => {
    expect(main.ports).toEqual([{ containerPort: 8765, name: 'metrics', protocol: 'TCP' }]);
    const httpGet = { path: '/healthz', port: 8765, scheme: 'HTTP' };
    expect(main.startupProbe).toEqual({ httpGet, initialDelaySeconds: 3, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 20 });
    expect(main.livenessProbe).toEqual({ httpGet, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 });
    expect(main.readinessProbe).toEqual({ httpGet, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 });
  });

  test('requests the chart resources and limits memory but not CPU', () => {
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1024Mi' } });
  });

  test('tolerates every taint, runs on Linux, has no priority class', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.priorityClassName).toBeUndefined();
  });

  test('the ConfigMap holds falco.yaml, next to the DaemonSet', () => {
    expect(configMap.metadata).toEqual({ name: 'falco-config', namespace: 'default', labels: daemonSet.metadata.labels });
    expect(Object.keys(configMap.data)).toEqual(['falco.yaml']);
    expect(agent.falcoConfig).toBe(configMap.data['falco.yaml']);
  });

  test('falco.yaml enables the modern eBPF engine, JSON output on stdout and the webserver', () => {
    expect(config.engine).toEqual({ kind: 'modern_ebpf', modern_ebpf: { cpus_for_each_buffer: 2, buf_size_preset: 4, drop_failed_exit: false } });
    expect(config.json_output).toBe(true);
    expect(config.json_include_output_property).toBe(true);
    expect(config.json_include_tags_property).toBe(true);
    expect(config.stdout_output).toEqual({ enabled: true });
    expect(config.syslog_output).toEqual({ enabled: false });
    expect(config.log_syslog).toBe(false);
    expect(config.log_stderr).toBe(true);
    expect(config.webserver).toEqual({
      enabled: true,
      threadiness: 0,
      listen_port: 8765,
      listen_address: '0.0.0.0',
      k8s_healthz_endpoint: '/healthz',
      prometheus_metrics_enabled: true,
      ssl_enabled: false,
    });
    expect(config.rules_files).toEqual(['/etc/falco/falco_rules.yaml', '/etc/falco/falco_rules.local.yaml', '/etc/falco/rules.d']);
  });

  test('falco.yaml turns on the metrics that /metrics serves, with the chart\'s values', () => {
    expect(config.metrics).toEqual({
      enabled: true,
      interval: '1h',
      output_rule: false,
      rules_counters_enabled: true,
      resource_utilization_enabled: true,
      state_counters_enabled: true,
      kernel_event_counters_enabled: true,
      kernel_event_counters_per_cpu_enabled: false,
      libbpf_stats_enabled: true,
      plugins_metrics_enabled: true,
      kernel_iter_event_counters_enabled: true,
      jemalloc_stats_enabled: false,
      convert_memory_to_mb: true,
      include_empty_values: false,
    });
  });

  test('falco.yaml runs every rule (priority debug) and has no HTTP output', () => {
    expect(agent.minimumPriority).toBe(SecurityAgentPriority.DEBUG);
    expect(config.priority).toBe('debug');
    expect(config.http_output).toEqual({ enabled: false });
  });

  test('falco.yaml loads the container plugin once, with the CRI engine on the mounted sockets', () => {
    // No config_files: the image's config.d, which declares the plugin again, is never read.
    expect(config.config_files).toBeUndefined();
    expect(config.load_plugins).toEqual(['container']);
    expect(config.plugins).toEqual([{
      name: 'container',
      library_path: 'libcontainer.so',
      init_config: {
        label_max_len: 100,
        with_size: false,
        hooks: ['create'],
        engines: {
          docker: { enabled: false, sockets: [] },
          podman: { enabled: false, sockets: [] },
          containerd: { enabled: false, sockets: [] },
          cri: { enabled: true, sockets: ['/run/containerd/containerd.sock', '/run/crio/crio.sock'] },
          lxc: { enabled: false },
          libvirt_lxc: { enabled: false },
          bpm: { enabled: false },
        },
      },
    }]);
    // The plugin looks for each socket under HOST_ROOT, where its directory is mounted.
    for (const socket of config.plugins[0].init_config.engines.cri.sockets) {
      const mount = hostMounts(objects, main).find((m) => socket.startsWith(`${m.hostPath}/`));
      expect(mount?.mountPath).toBe(`/host${mount?.hostPath}`);
    }
  });
});

describe('SecurityAgent least privilege (privileged: false)', () => {
  // GIVEN
  const chart = newChart();
  const agent = new SecurityAgent(chart, 'falco', { privileged: false });
  // WHEN
  const { objects, daemonSet, main } = synthAgent(chart);

  test('has no privileged container anywhere and exactly the four capabilities', () => {
    expect(agent.privileged).toBe(false);
    for (const c of allContainers(objects)) {
      expect(c.securityContext.privileged).toBe(false);
    }
    expect(main.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ['ALL'], add: ['BPF', 'SYS_RESOURCE', 'PERFMON', 'SYS_PTRACE', 'DAC_READ_SEARCH'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect([...main.securityContext.capabilities.add].sort()).toEqual(LEAST_PRIVILEGED_CAPABILITIES);
  });

  test('runs unconfined by AppArmor through the annotation, as the chart in least-privileged mode', () => {
    expect(daemonSet.spec.template.metadata.annotations).toEqual({
      'container.apparmor.security.beta.kubernetes.io/falco': 'unconfined',
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  test('the same mounts and engine as the default', () => {
    expect(hostMounts(objects, main).map((m) => m.hostPath)).toEqual(['/proc', '/etc', '/sys/kernel', '/run/containerd', '/run/crio']);
    expect(parseYaml(agent.falcoConfig).engine.kind).toBe('modern_ebpf');
  });

  test('the appArmorProfile field cannot replace the annotation: cdk8s-plus-28\'s 1.28 types drop it', () => {
    // GIVEN the field (Kubernetes 1.30+) added through the escape hatch
    const patched = newChart();
    const a = new SecurityAgent(patched, 'falco', { privileged: false });
    ApiObject.of(a.daemonSet.workload).addJsonPatch(
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/appArmorProfile', { type: 'Unconfined' }));
    // WHEN
    const securityContext = container(synth(patched)).securityContext;
    // THEN it is not in the manifest, which is why the preset keeps the annotation
    expect(securityContext.appArmorProfile).toBeUndefined();
    expect(securityContext.capabilities.add).toContain('PERFMON');
  });
});

describe('SecurityAgent kernel module', () => {
  const synthDriver = (driver: SecurityAgentDriver) => {
    const chart = newChart();
    const agent = new SecurityAgent(chart, 'falco', { driver });
    return { agent, objects: synth(chart) };
  };

  test('sets privileged only on the containers that need it, in each mode', () => {
    const privileged = (props: SecurityAgentProps) => {
      const chart = newChart();
      new SecurityAgent(chart, 'falco', props);
      return allContainers(synth(chart)).filter((c) => c.securityContext.privileged === true).map((c) => c.name);
    };
    expect(privileged({})).toEqual(['falco']);
    expect(privileged({ privileged: false })).toEqual([]);
    expect(privileged({ driver: SecurityAgentDriver.KERNEL_MODULE })).toEqual(['falco', 'falco-driver-loader']);
  });

  test('the kernel module: a privileged driver loader, the module devices and kmod engine', () => {
    // GIVEN / WHEN
    const { agent, objects } = synthDriver(SecurityAgentDriver.KERNEL_MODULE);
    const main = container(objects);
    const loader = container(objects, 'falco-driver-loader');
    const config = parseYaml(agent.falcoConfig);
    // THEN the main container is privileged with no capability list and no AppArmor override
    expect(main.securityContext).toMatchObject({ privileged: true, runAsUser: 0, allowPrivilegeEscalation: true });
    expect(main.securityContext.capabilities).toBeUndefined();
    expect(only(objects, 'DaemonSet').spec.template.metadata.annotations).toEqual({ 'checksum/config': expect.any(String) });
    expect(hostMounts(objects, main)).toEqual([
      { hostPath: '/proc', type: 'Directory', mountPath: '/host/proc', readOnly: true },
      { hostPath: '/etc', type: 'Directory', mountPath: '/host/etc', readOnly: true },
      { hostPath: '/dev', type: 'Directory', mountPath: '/host/dev', readOnly: true },
      { hostPath: '/sys/module', type: 'Directory', mountPath: '/sys/module', readOnly: true },
      { hostPath: '/run/containerd', type: 'DirectoryOrCreate', mountPath: '/host/run/containerd', readOnly: true },
      { hostPath: '/run/crio', type: 'DirectoryOrCreate', mountPath: '/host/run/crio', readOnly: true },
    ]);
    // THEN the driver loader loads the module; /lib/modules is its only writable host path
    expect(loader.image).toBe(SecurityAgent.DEFAULT_DRIVER_LOADER_IMAGE);
    expect(loader.image).toBe('docker.io/falcosecurity/falco-driver-loader:0.44.1');
    expect(loader.args).toEqual(['kmod']);
    expect(loader.env).toEqual([
      { name: 'HOST_ROOT', value: '/host' },
      { name: 'FALCOCTL_DRIVER_CONFIG_UPDATE_FALCO', value: 'false' },
    ]);
    expect(loader.securityContext).toMatchObject({ privileged: true, readOnlyRootFilesystem: false });
    expect(hostMounts(objects, loader)).toEqual([
      { hostPath: '/proc', type: 'Directory', mountPath: '/host/proc', readOnly: true },
      { hostPath: '/boot', type: 'Directory', mountPath: '/host/boot', readOnly: true },
      { hostPath: '/lib/modules', type: 'Directory', mountPath: '/host/lib/modules', readOnly: false },
      { hostPath: '/usr', type: 'Directory', mountPath: '/host/usr', readOnly: true },
      { hostPath: '/etc', type: 'Directory', mountPath: '/host/etc', readOnly: true },
    ]);
    expect(loader.volumeMounts).toContainEqual({ name: 'falco-state', mountPath: '/root/.falco', readOnly: false });
    expect(config.engine).toEqual({ kind: 'kmod', kmod: { buf_size_preset: 4, drop_failed_exit: false } });
  });

  test('no mode mounts a runtime socket writable or adds RBAC', () => {
    for (const props of [{}, { privileged: false }, { driver: SecurityAgentDriver.KERNEL_MODULE }]) {
      const chart = newChart();
      new SecurityAgent(chart, 'falco', props);
      const objects = synth(chart);
      const socketMounts = allContainers(objects).flatMap((c) => hostMounts(objects, c)).filter((m) => m.mountPath.startsWith('/host/run/'));
      expect(socketMounts.length).toBeGreaterThan(0);
      expect(socketMounts.every((m) => m.readOnly)).toBe(true);
      expect(objects.filter((o) => RBAC_KINDS.includes(o.kind))).toEqual([]);
    }
  });
});

describe('SecurityAgent config checksum', () => {
  const checksum = (objects: any[]) => only(objects, 'DaemonSet').spec.template.metadata.annotations['checksum/config'];

  test('is the same for the same config, and changes with the config', () => {
    // GIVEN
    const make = (props: SecurityAgentProps) => {
      const chart = newChart();
      new SecurityAgent(chart, 'falco', props);
      return checksum(synth(chart));
    };
    // WHEN / THEN
    expect(make({})).toBe(make({}));
    expect(make({ driver: SecurityAgentDriver.KERNEL_MODULE })).not.toBe(make({}));
  });

  test('changes when the ConfigMap is patched through the escape hatch after construction', () => {
    // GIVEN two identical agents
    const plainChart = newChart();
    new SecurityAgent(plainChart, 'falco');
    const patchedChart = newChart();
    const patched = new SecurityAgent(patchedChart, 'falco');
    // WHEN one ConfigMap is patched after construction
    ApiObject.of(patched.configMap).addJsonPatch(JsonPatch.replace('/data/falco.yaml', `${patched.falcoConfig}log_level: debug\n`));
    const objects = synth(patchedChart);
    // THEN the patched config is synthesized and the pods' checksum differs
    expect(only(objects, 'ConfigMap').data['falco.yaml']).toMatch(/log_level: debug\n$/);
    expect(checksum(objects)).not.toBe(checksum(synth(plainChart)));
  });

  test('a checksum/config the user gives wins', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { podAnnotations: { 'checksum/config': 'pinned' } });
    expect(checksum(synth(chart))).toBe('pinned');
  });
});

describe('SecurityAgent runtime sockets and rules', () => {
  test('Docker is mounted as a Socket-typed file, read-only, and enables the docker engine', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const agent = new SecurityAgent(chart, 'falco', { runtimeSockets: [SecurityAgentRuntimeSocket.docker(), SecurityAgentRuntimeSocket.k3s()] });
    const objects = synth(chart);
    // THEN
    expect(hostMounts(objects, container(objects)).slice(3)).toEqual([
      { hostPath: '/var/run/docker.sock', type: 'Socket', mountPath: '/host/var/run/docker.sock', readOnly: true },
      { hostPath: '/run/k3s/containerd', type: 'DirectoryOrCreate', mountPath: '/host/run/k3s/containerd', readOnly: true },
    ]);
    const engines = parseYaml(agent.falcoConfig).plugins[0].init_config.engines;
    expect(engines.docker).toEqual({ enabled: true, sockets: ['/var/run/docker.sock'] });
    expect(engines.cri).toEqual({ enabled: true, sockets: ['/run/k3s/containerd/containerd.sock'] });
  });

  test('custom sockets mount their directory once, with their engine', () => {
    const chart = newChart();
    const agent = new SecurityAgent(chart, 'falco', {
      runtimeSockets: [
        SecurityAgentRuntimeSocket.custom(SecurityAgentRuntimeEngine.CONTAINERD, '/run/host-containerd/containerd.sock'),
        SecurityAgentRuntimeSocket.custom(SecurityAgentRuntimeEngine.CRI, '/run/host-containerd/cri.sock'),
      ],
    });
    const objects = synth(chart);
    expect(hostMounts(objects, container(objects)).slice(3)).toEqual([
      { hostPath: '/run/host-containerd', type: 'DirectoryOrCreate', mountPath: '/host/run/host-containerd', readOnly: true },
    ]);
    const engines = parseYaml(agent.falcoConfig).plugins[0].init_config.engines;
    expect(engines.containerd).toEqual({ enabled: true, sockets: ['/run/host-containerd/containerd.sock'] });
    expect(engines.cri).toEqual({ enabled: true, sockets: ['/run/host-containerd/cri.sock'] });
  });

  test('no sockets: nothing mounted, every engine off, the plugin still loaded for the rules', () => {
    const chart = newChart();
    const agent = new SecurityAgent(chart, 'falco', { runtimeSockets: [] });
    const objects = synth(chart);
    expect(hostMounts(objects, container(objects)).map((m) => m.hostPath)).toEqual(['/proc', '/etc', '/sys/kernel']);
    const config = parseYaml(agent.falcoConfig);
    expect(config.load_plugins).toEqual(['container']);
    expect(Object.values(config.plugins[0].init_config.engines).every((e: any) => e.enabled === false)).toBe(true);
  });

  test('custom rules go into the ConfigMap and /etc/falco/rules.d, and change the checksum', () => {
    // GIVEN
    const rulesChart = newChart();
    const plainChart = newChart();
    // WHEN
    new SecurityAgent(rulesChart, 'falco', { customRules: { 'b-rules.yaml': '- list: b\n  items: []\n', 'a-rules.yml': '- list: a\n  items: []\n' } });
    new SecurityAgent(plainChart, 'falco');
    const objects = synth(rulesChart);
    const spec = podSpec(objects);
    // THEN
    expect(Object.keys(only(objects, 'ConfigMap').data).sort()).toEqual(['a-rules.yml', 'b-rules.yaml', 'falco.yaml']);
    expect(only(objects, 'ConfigMap').data['a-rules.yml']).toBe('- list: a\n  items: []\n');
    expect(spec.volumes.find((v: any) => v.name === 'falco-rules')).toEqual({
      name: 'falco-rules',
      configMap: { name: 'falco-config', items: [{ key: 'a-rules.yml', path: 'a-rules.yml' }, { key: 'b-rules.yaml', path: 'b-rules.yaml' }], defaultMode: 0o444 },
    });
    expect(container(objects).volumeMounts).toContainEqual({ name: 'falco-rules', mountPath: '/etc/falco/rules.d', readOnly: true });
    const checksum = (o: any[]) => only(o, 'DaemonSet').spec.template.metadata.annotations['checksum/config'];
    expect(checksum(objects)).not.toBe(checksum(synth(plainChart)));
  });
});

describe('SecurityAgent outputs and priority', () => {
  test('httpOutput POSTs alerts to falcosidekick, and stdout stays on', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const agent = new SecurityAgent(chart, 'falco', { httpOutput: { url: 'http://falcosidekick.falco.svc:2801' } });
    const config = parseYaml(only(synth(chart), 'ConfigMap').data['falco.yaml']);
    // THEN
    expect(config.http_output).toEqual({ enabled: true, url: 'http://falcosidekick.falco.svc:2801' });
    expect(config.stdout_output).toEqual({ enabled: true });
    expect(config.json_output).toBe(true);
    expect(agent.falcoConfig).toContain('url: http://falcosidekick.falco.svc:2801');
  });

  test('an https URL is accepted', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { httpOutput: { url: 'https://alerts.example.com/falco' } });
    expect(parseYaml(only(synth(chart), 'ConfigMap').data['falco.yaml']).http_output.url).toBe('https://alerts.example.com/falco');
  });

  test.each(Object.values(SecurityAgentPriority))('minimumPriority %s becomes falco.yaml\'s priority', (priority) => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { minimumPriority: priority });
    expect(parseYaml(only(synth(chart), 'ConfigMap').data['falco.yaml']).priority).toBe(priority);
  });
});

describe('SecurityAgent overrides', () => {
  test('other core props given by the user replace the preset\'s value whole', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new SecurityAgent(chart, 'falco', {
      namespace: 'falco',
      image: 'registry.example.com/falco:0.44.1',
      tolerations: Toleration.controlPlane(),
      priorityClassName: 'security-critical',
      resources: { memory: { request: Size.mebibytes(256), limit: Size.mebibytes(768) } },
      privileged: false,
      addCapabilities: [Capability.BPF, Capability.PERFMON, Capability.SYS_RESOURCE, Capability.SYS_PTRACE, Capability.DAC_READ_SEARCH],
      args: ['/usr/bin/falco', '-o', 'log_level=debug'],
    });
    const objects = synth(chart);
    const spec = podSpec(objects);
    const main = container(objects);
    // THEN
    expect(only(objects, 'DaemonSet').metadata.namespace).toBe('falco');
    expect(only(objects, 'ConfigMap').metadata.namespace).toBe('falco');
    expect(main.image).toBe('registry.example.com/falco:0.44.1');
    expect(spec.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(spec.priorityClassName).toBe('security-critical');
    // resources merge per resource: memory is the user's, the CPU request stays the preset's.
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '768Mi' } });
    expect(main.securityContext.capabilities.add).toEqual(['BPF', 'PERFMON', 'SYS_RESOURCE', 'SYS_PTRACE', 'DAC_READ_SEARCH']);
    expect(main.args).toEqual(['/usr/bin/falco', '-o', 'log_level=debug']);
  });

  test('tolerations: [] replaces every-taint with none', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { tolerations: [] });
    expect(podSpec(synth(chart)).tolerations).toBeUndefined();
  });

  test('a user env is merged: its variables are added and HOST_ROOT stays', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { env: { FALCO_LOG: EnvValue.fromValue('debug') } });
    expect(container(synth(chart)).env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'HOST_ROOT', value: '/host' },
      { name: 'FALCO_HOSTNAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'FALCO_LOG', value: 'debug' },
    ]);
  });

  test('a user env key wins over the preset\'s (FALCO_HOSTNAME)', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { env: { FALCO_HOSTNAME: EnvValue.fromValue('node-a') } });
    expect(container(synth(chart)).env).toContainEqual({ name: 'FALCO_HOSTNAME', value: 'node-a' });
  });

  test('podAnnotations are merged: the AppArmor annotation and checksum stay, the user\'s AppArmor profile wins', () => {
    const annotations = (podAnnotations: { [key: string]: string }) => {
      const chart = newChart();
      new SecurityAgent(chart, 'falco', { privileged: false, podAnnotations });
      return only(synth(chart), 'DaemonSet').spec.template.metadata.annotations;
    };
    expect(annotations({ team: 'security' })).toEqual({
      'container.apparmor.security.beta.kubernetes.io/falco': 'unconfined',
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
      'team': 'security',
    });
    expect(annotations({ 'container.apparmor.security.beta.kubernetes.io/falco': 'localhost/falco' })).toEqual({
      'container.apparmor.security.beta.kubernetes.io/falco': 'localhost/falco',
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  test('user hostMounts, volumes and volumeMounts are added after the preset\'s', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', {
      hostMounts: [HostMount.readOnly('/boot', { mountPath: '/host/boot' })],
      volumes: [AgentVolume.fromConfigMap('extra-config', 'falco-extra')],
      volumeMounts: [{ volumeName: 'extra-config', mountPath: '/etc/falco/config.d' }],
    });
    const objects = synth(chart);
    expect(container(objects).volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/host/proc', '/host/etc', '/sys/kernel', '/host/run/containerd', '/host/run/crio', '/host/boot',
      '/etc/falco/falco.yaml', '/root/.falco', '/etc/falco/config.d',
    ]);
    expect(podSpec(objects).volumes.map((v: any) => v.name)).toEqual(expect.arrayContaining(['falco-config', 'falco-state', 'extra-config']));
  });

  test('with the kernel module, user initContainers run after the driver loader', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', {
      driver: SecurityAgentDriver.KERNEL_MODULE,
      initContainers: [{ name: 'wait-for-module', image: 'registry.example.com/busybox:1.36.1', command: ['true'] }],
    });
    expect(podSpec(synth(chart)).initContainers.map((c: any) => c.name)).toEqual(['falco-driver-loader', 'wait-for-module']);
  });

  test('a driver loader image can be given with the kernel module', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'falco', { driver: SecurityAgentDriver.KERNEL_MODULE, driverLoaderImage: 'registry.example.com/falco-driver-loader:0.44.1' });
    expect(container(synth(chart), 'falco-driver-loader').image).toBe('registry.example.com/falco-driver-loader:0.44.1');
  });

  test('the AppArmor annotation follows containerName', () => {
    const chart = newChart();
    new SecurityAgent(chart, 'security', { containerName: 'falco', privileged: false });
    const annotations = only(synth(chart), 'DaemonSet').spec.template.metadata.annotations;
    expect(annotations['container.apparmor.security.beta.kubernetes.io/falco']).toBe('unconfined');
  });
});

describe('SecurityAgent fails when', () => {
  const make = (props: any) => () => new SecurityAgent(newChart(), 'falco', props);

  test('fails when the driver is unknown', () => {
    expect(make({ driver: 'ebpf' })).toThrow(/Invalid props for SecurityAgent 'test\/falco':\n {2}- driver: got "ebpf"; expected one of modern_ebpf, kmod/);
  });

  test('fails when minimumPriority is not a Falco priority', () => {
    expect(make({ minimumPriority: 'info' }))
      .toThrow(/minimumPriority: got "info"; expected one of emergency, alert, critical, error, warning, notice, informational, debug/);
  });

  test.each(['falcosidekick:2801', 'ftp://sidekick.example.com', 'http://', '', 'http://side kick'])('fails when the httpOutput URL is %j', (url) => {
    expect(make({ httpOutput: { url } })).toThrow(/httpOutput.url: got .*; expected an absolute http:\/\/ or https:\/\/ URL/);
  });

  test('fails when the kernel module is asked to run unprivileged', () => {
    expect(make({ driver: SecurityAgentDriver.KERNEL_MODULE, privileged: false }))
      .toThrow(/privileged: got false; the kernel module runs only in a privileged container; use driver: SecurityAgentDriver.MODERN_EBPF for the least-privileged mode/);
  });

  test('fails with one error that lists the preset\'s and the core\'s problems, naming the user\'s construct', () => {
    // GIVEN a non-root user in least-privileged mode and an unpinned image (a core rule)
    // WHEN / THEN the runAsUser reason is the preset's, not a core complaint about capabilities the user never set
    // and what the non-root user could not read is named too (the runtime sockets are root's)
    expect(make({ privileged: false, runAsUser: 1000, image: 'falco' })).toThrow(new RegExp([
      '^4 invalid props for SecurityAgent \'test/falco\':',
      '  - runAsUser: got 1000; Falco must run as root \\(0\\)[^\\n]*',
      '  - image: got "falco"; expected a tag or digest[^\\n]*',
      '  - hostMounts\\[3\\].path: got "/run/containerd"; files under /run/containerd: containerd\'s socket is root\'s[^\\n]*',
      '  - hostMounts\\[4\\].path: got "/run/crio"; files under /run/crio: CRI-O\'s socket is root\'s[^\\n]*$',
    ].join('\n')));
  });

  test.each([[{}], [{ privileged: false }]])('fails when a non-root user is given (%j)', (props) => {
    expect(make({ ...props, runAsUser: 1000 }))
      .toThrow(/runAsUser: got 1000; Falco must run as root \(0\): Linux gives a container's capabilities, and a privileged container's, to its root user only/);
  });

  test('fails when a driver loader image is given without the kernel module', () => {
    expect(make({ driverLoaderImage: 'docker.io/falcosecurity/falco-driver-loader:0.44.1' }))
      .toThrow(/driverLoaderImage: got "docker.io\/falcosecurity\/falco-driver-loader:0.44.1"; only the kernel module is loaded by an init container/);
  });

  test('fails (in the core) when a user mount repeats a preset mount path', () => {
    expect(make({ hostMounts: [HostMount.readOnly('/proc', { mountPath: '/host/proc' })] }))
      .toThrow(/hostMounts\/volumeMounts: got "\/host\/proc"; each mount path may appear only once/);
  });

  test('fails when a custom socket sits in a shared directory', () => {
    expect(make({ runtimeSockets: [SecurityAgentRuntimeSocket.custom(SecurityAgentRuntimeEngine.DOCKER, '/run/docker.sock')] }))
      .toThrow(/runtimeSockets\[0\].socketPath: got "\/run\/docker.sock"; its directory \/run would be mounted, exposing every other socket there/);
  });

  test('fails when a socket path is not absolute', () => {
    expect(make({ runtimeSockets: [SecurityAgentRuntimeSocket.custom(SecurityAgentRuntimeEngine.CRI, 'run/crio/crio.sock')] }))
      .toThrow(/runtimeSockets\[0\].socketPath: got "run\/crio\/crio.sock"; expected an absolute path/);
  });

  test('fails when a socket is listed twice', () => {
    expect(make({ runtimeSockets: [SecurityAgentRuntimeSocket.crio(), SecurityAgentRuntimeSocket.crio()] }))
      .toThrow(/runtimeSockets\[1\].socketPath: got "\/run\/crio\/crio.sock"; each socket may appear only once/);
  });

  test('fails when a rules file name is not a YAML file name or is falco.yaml', () => {
    expect(make({ customRules: { 'rules.txt': '- list: a' } })).toThrow(/customRules.rules.txt: got "rules.txt"; expected a file name ending in .yaml or .yml/);
    expect(make({ customRules: { 'falco.yaml': '- list: a' } })).toThrow(/customRules.falco.yaml: got "falco.yaml"; expected a file name .* other than "falco.yaml"/);
  });

  test('fails when a rules file is not YAML, or not a list of Falco items (Falco would exit on every node; issue 19)', () => {
    expect(make({ customRules: { 'bad.yaml': '- rule: a\n  desc: [unclosed' } })).toThrow(/customRules.bad.yaml: got "[^"]*"; expected YAML, as Falco loads it/);
    expect(make({ customRules: { 'map.yaml': 'rule: a\ndesc: b\n' } })).toThrow(/customRules.map.yaml: got "rule: a\\ndesc: b\\n"; expected a YAML list of Falco items/);
    expect(make({ customRules: { 'items.yaml': '- name: a\n' } })).toThrow(/customRules.items.yaml: got "- name: a\\n"; expected a YAML list of Falco items, each a map with one of rule, macro, list/);
  });

  test('a rules file of rules, macros and lists is accepted', () => {
    expect(make({ customRules: { 'ok.yaml': '- required_engine_version: 26\n- list: shells\n  items: [bash]\n- macro: m\n  condition: proc.name in (shells)\n- rule: r\n  desc: d\n  condition: m\n  output: o\n  priority: WARNING\n' } })).not.toThrow();
  });

  test('fails when a rules file is empty', () => {
    expect(make({ customRules: { 'empty.yaml': '  ' } })).toThrow(/customRules.empty.yaml: got " {2}"; expected the rules as non-empty YAML text/);
  });

  test('fails when the image is not pinned (the core rule still applies)', () => {
    expect(make({ image: 'falcosecurity/falco' })).toThrow(/image: got "falcosecurity\/falco"; expected a tag or digest/);
  });
});

describe('SecurityAgent imagePlatforms', () => {
  const platformsOf = (props: SecurityAgentProps = {}) => platformsDeclaredBy((chart) => new SecurityAgent(chart, 'falco', props));

  test('declared for the default images: Falco\'s release manifests (x86_64 and aarch64)', () => {
    // GIVEN / WHEN the default Falco image, alone or with the default driver loader
    // THEN
    expect(platformsOf()).toBe('linux/amd64,linux/arm64');
    expect(platformsOf({ driver: SecurityAgentDriver.KERNEL_MODULE })).toBe('linux/amd64,linux/arm64');
  });

  test('cleared by an image of your own in any container: Falco, the driver loader or yours', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ image: 'registry.example.com/falco:0.44.1-custom' })).toBeUndefined();
    expect(platformsOf({ driver: SecurityAgentDriver.KERNEL_MODULE, driverLoaderImage: 'registry.example.com/falco-driver-loader:0.44.1' })).toBeUndefined();
    expect(platformsOf({ sidecars: [{ name: 'falcosidekick', image: 'docker.io/falcosecurity/falcosidekick:2.31.1' }] })).toBeUndefined();
  });

  test('yours wins', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ imagePlatforms: ['linux/amd64'] })).toBe('linux/amd64');
    expect(platformsOf({ image: 'registry.example.com/falco:0.44.1-custom', imagePlatforms: ['linux/arm64'] })).toBe('linux/arm64');
  });
});
