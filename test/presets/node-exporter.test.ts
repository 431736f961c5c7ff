import { Size } from 'cdk8s';
import { Capability, EnvValue } from 'cdk8s-plus-28';
import { HostMount, NodeInventory, Toleration } from '../../src';
import { NodeExporter, NodeExporterProps } from '../../src/presets/node-exporter';
import { NodeExporterCollector } from '../../src/presets/node-exporter-collector';
import { container, newChart, only, podSpec, synth, synthAgent, platformsDeclaredBy } from '../util/synth';

const MOUNT_POINTS_EXCLUDE = '^/(dev|proc|sys|run/credentials/.+|run/containerd/.+|run/containers/storage/.+|run/k3s/containerd/.+'
  + '|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/pods/.+)($|/)';
const FS_TYPES_EXCLUDE = '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|erofs|fusectl|hugetlbfs|iso9660'
  + '|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';
const NET_DEVICES_EXCLUDE = '^(veth.*|cali.*|lxc.*|eni.*|gke.*|[a-f0-9]{15})$';

/** The value of a `--flag=value` argument. */
function flag(args: string[], name: string): string | undefined {
  const found = args.filter((a) => a.startsWith(`${name}=`));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.slice(name.length + 1);
}

/** The container mount path of a host path, through the pod's volumes. */
function mountPathOf(objects: any[], hostPath: string): string | undefined {
  const volume = podSpec(objects).volumes.find((v: any) => v.hostPath?.path === hostPath);
  return container(objects).volumeMounts.find((m: any) => m.name === volume?.name)?.mountPath;
}

describe('NodeExporter defaults', () => {
  // GIVEN no props
  const chart = newChart();
  const exporter = new NodeExporter(chart, 'node-exporter');
  // WHEN
  const { objects, daemonSet, spec, main } = synthAgent(chart);
  const service = only(objects, 'Service');

  test('creates a ServiceAccount, a DaemonSet and a Service, and no RBAC or NetworkPolicy', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'Service', 'ServiceAccount']);
    expect(exporter.networkPolicy).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('names everything after the construct id, with the metrics component and the image version', () => {
    expect(daemonSet.metadata.name).toBe('node-exporter');
    expect(daemonSet.metadata.namespace).toBe('default');
    expect(daemonSet.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'node-exporter',
      'app.kubernetes.io/instance': 'node-exporter',
      'app.kubernetes.io/component': 'metrics',
      'app.kubernetes.io/version': 'v1.12.1',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(main.name).toBe('node-exporter');
  });

  test('pins the node exporter release that kube-prometheus uses', () => {
    expect(NodeExporter.DEFAULT_IMAGE).toBe('quay.io/prometheus/node-exporter:v1.12.1');
    expect(exporter.image).toBe(NodeExporter.DEFAULT_IMAGE);
    expect(main.image).toBe('quay.io/prometheus/node-exporter:v1.12.1');
    expect(main.imagePullPolicy).toBe('IfNotPresent');
  });

  test('uses the host network, not the host PID namespace (the host\'s /proc is mounted)', () => {
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBe(false);
    expect(spec.hostIPC).toBe(false);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
  });

  test('mounts /proc, /sys and / read-only, / with HostToContainer propagation', () => {
    expect(main.volumeMounts).toEqual([
      { name: 'host-proc', mountPath: '/host/proc', readOnly: true },
      { name: 'host-sys', mountPath: '/host/sys', readOnly: true },
      { name: 'host-root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'host-proc', hostPath: { path: '/proc', type: 'Directory' } },
      { name: 'host-sys', hostPath: { path: '/sys', type: 'Directory' } },
      { name: 'host-root', hostPath: { path: '/', type: 'Directory' } },
    ]);
  });

  test('points the path flags at the mounts (rootfs is the mount path of "/")', () => {
    expect(flag(main.args, '--path.procfs')).toBe(mountPathOf(objects, '/proc'));
    expect(flag(main.args, '--path.sysfs')).toBe(mountPathOf(objects, '/sys'));
    expect(flag(main.args, '--path.rootfs')).toBe(mountPathOf(objects, '/'));
    expect(flag(main.args, '--path.rootfs')).toBe('/host/root');
    expect(flag(main.args, '--path.udev.data')).toBe('/host/root/run/udev/data');
  });

  test('listens on the node address, read from status.hostIP', () => {
    expect(flag(main.args, '--web.listen-address')).toBe('[$(HOST_IP)]:9100');
    expect(main.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  });

  test('excludes kernel, container and pod mounts, pseudo filesystems and per-pod network devices', () => {
    expect(main.args).toEqual([
      '--path.procfs=/host/proc',
      '--path.sysfs=/host/sys',
      '--path.rootfs=/host/root',
      '--path.udev.data=/host/root/run/udev/data',
      '--web.listen-address=[$(HOST_IP)]:9100',
      `--collector.filesystem.mount-points-exclude=${MOUNT_POINTS_EXCLUDE}`,
      `--collector.filesystem.fs-types-exclude=${FS_TYPES_EXCLUDE}`,
      `--collector.netclass.ignored-devices=${NET_DEVICES_EXCLUDE}`,
      `--collector.netdev.device-exclude=${NET_DEVICES_EXCLUDE}`,
    ]);
    expect(exporter.args).toEqual(main.args);
    expect(exporter.enabledCollectors).toEqual([]);
    expect(exporter.disabledCollectors).toEqual([]);
  });

  test('the mount-point regex drops what it should and keeps the node filesystems', () => {
    const re = new RegExp(MOUNT_POINTS_EXCLUDE);
    for (const dropped of ['/proc', '/sys/fs/cgroup', '/dev/shm', '/var/lib/kubelet/pods/uid/volumes/x', '/run/containerd/io.containerd.grpc.v1.cri/sandboxes/id/shm',
      '/run/containers/storage/overlay-containers/id/userdata/shm', '/var/lib/docker/overlay2/x/merged']) {
      expect(re.test(dropped)).toBe(true);
    }
    for (const kept of ['/', '/boot', '/var/lib/kubelet', '/var/lib/containerd', '/run', '/data']) {
      expect(re.test(kept)).toBe(false);
    }
    const devices = new RegExp(NET_DEVICES_EXCLUDE);
    expect(['veth1a2b', 'cali0123456789a', 'lxc12ab', 'eni0a1b2c3d4e5', 'gke1234'].every((d) => devices.test(d))).toBe(true);
    expect(['eth0', 'ens5', 'bond0', 'cilium_host', 'docker0'].some((d) => devices.test(d))).toBe(false);
  });

  test('exposes port 9100 as "metrics" and probes the landing page', () => {
    expect(main.ports).toEqual([{ containerPort: 9100, name: 'metrics', protocol: 'TCP' }]);
    const probe = { httpGet: { path: '/', port: 9100, scheme: 'HTTP' }, failureThreshold: 3, timeoutSeconds: 5 };
    expect(main.readinessProbe).toEqual(probe);
    expect(main.livenessProbe).toEqual(probe);
    expect(main.startupProbe).toBeUndefined();
    expect(exporter.port).toBe(9100);
  });

  test('runs as nobody with no capabilities, no escalation and a read-only root filesystem', () => {
    expect(main.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.securityContext.runAsNonRoot).toBe(true);
  });

  test('tolerates every taint, runs on Linux, has no priority class', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.priorityClassName).toBeUndefined();
  });

  test('requests 50m CPU and 64Mi, limits memory to 180Mi and not CPU', () => {
    expect(main.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '180Mi' } });
  });

  test('rolls out one node at a time', () => {
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  });

  test('a headless Service selects exactly the DaemonSet pods and targets the named port', () => {
    expect(service.metadata.name).toBe('node-exporter');
    expect(service.metadata.namespace).toBe('default');
    expect(service.metadata.labels).toEqual(daemonSet.metadata.labels);
    expect(service.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100' });
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.selector).toEqual(daemonSet.spec.selector.matchLabels);
    expect(service.spec.selector).toEqual(exporter.daemonSet.selectorLabels);
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' }]);
    const target = main.ports.find((p: any) => p.name === service.spec.ports[0].targetPort);
    expect(target.containerPort).toBe(9100);
    // Every selector label is on the pods.
    expect(daemonSet.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  test('needs the privileged Pod Security level only for host namespaces and host paths', () => {
    const checks = new Set(exporter.daemonSet.podSecurity().reasons.filter((r) => r.violates === 'baseline').map((r) => r.check));
    expect([...checks].sort()).toEqual(['hostNamespaces', 'hostPathVolumes']);
  });
});

describe('NodeExporter NetworkPolicy', () => {
  test('admits only the Prometheus pods of its namespace, on port 9100', () => {
    // GIVEN
    const chart = newChart({ namespace: 'monitoring' });
    // WHEN
    const exporter = new NodeExporter(chart, 'node-exporter', { networkPolicy: {} });
    const objects = synth(chart);
    const policy = only(objects, 'NetworkPolicy');
    // THEN
    expect(exporter.networkPolicy).toBeDefined();
    expect(policy.metadata).toEqual({ name: 'node-exporter', namespace: 'monitoring', labels: only(objects, 'DaemonSet').metadata.labels });
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: only(objects, 'DaemonSet').spec.selector.matchLabels },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: 9100, protocol: 'TCP' }],
      }],
    });
  });

  test('admits a scraper of another namespace only when both pod and namespace match', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new NodeExporter(chart, 'node-exporter', {
      port: 9200,
      networkPolicy: { scraperPodLabels: { app: 'vmagent' }, scraperNamespaceLabels: { 'kubernetes.io/metadata.name': 'observability' } },
    });
    const policy = only(synth(chart), 'NetworkPolicy');
    // THEN one peer with both selectors (AND), on the chosen port
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { app: 'vmagent' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ port: 9200, protocol: 'TCP' }],
    }]);
  });
});

describe('NodeExporter overrides', () => {
  test('a port moves the listener, container port, probes, Service and annotations', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new NodeExporter(chart, 'node-exporter', { port: 9200 });
    const objects = synth(chart);
    const main = container(objects);
    // THEN
    expect(flag(main.args, '--web.listen-address')).toBe('[$(HOST_IP)]:9200');
    expect(main.ports).toEqual([{ containerPort: 9200, name: 'metrics', protocol: 'TCP' }]);
    expect(main.readinessProbe.httpGet.port).toBe(9200);
    expect(main.livenessProbe.httpGet.port).toBe(9200);
    const service = only(objects, 'Service');
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 9200, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(service.metadata.annotations['prometheus.io/port']).toBe('9200');
  });

  test('listenOnAllInterfaces listens on every address and needs no HOST_IP', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { listenOnAllInterfaces: true });
    const main = container(synth(chart));
    expect(flag(main.args, '--web.listen-address')).toBe(':9100');
    expect(main.env.map((e: any) => e.name)).toEqual(['NODE_NAME']);
  });

  test('collectors are turned on and off with typed names, after the preset flags', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const exporter = new NodeExporter(chart, 'node-exporter', {
      enableCollectors: [NodeExporterCollector.SYSTEMD, NodeExporterCollector.custom('pcidevice')],
      disableCollectors: [NodeExporterCollector.HWMON, NodeExporterCollector.BTRFS],
      extraArgs: ['--collector.textfile.directory=/host/root/var/lib/node-exporter'],
    });
    const args = container(synth(chart)).args;
    // THEN
    expect(args.slice(9)).toEqual([
      '--collector.systemd',
      '--collector.pcidevice',
      '--no-collector.hwmon',
      '--no-collector.btrfs',
      '--collector.textfile.directory=/host/root/var/lib/node-exporter',
    ]);
    expect(exporter.enabledCollectors.map((c) => c.name)).toEqual(['systemd', 'pcidevice']);
    expect(NodeExporterCollector.THERMAL_ZONE.enableFlag).toBe('--collector.thermal_zone');
    expect(NodeExporterCollector.WIFI.disableFlag).toBe('--no-collector.wifi');
  });

  test('the systemd and logind collectors get the host\'s D-Bus system socket, read-only', () => {
    for (const collector of [NodeExporterCollector.SYSTEMD, NodeExporterCollector.LOGIND]) {
      // GIVEN
      const chart = newChart();
      // WHEN
      new NodeExporter(chart, 'node-exporter', { enableCollectors: [collector] });
      const objects = synth(chart);
      // THEN
      const volume = podSpec(objects).volumes.find((v: any) => v.hostPath?.path === '/var/run/dbus/system_bus_socket');
      expect(volume.hostPath).toEqual({ path: '/var/run/dbus/system_bus_socket', type: 'Socket' });
      expect(container(objects).volumeMounts).toContainEqual({ name: volume.name, mountPath: '/var/run/dbus/system_bus_socket', readOnly: true });
      // still non-root: the socket is world-writable and the D-Bus policies allow reading units
      expect(container(objects).securityContext.runAsUser).toBe(65534);
    }
  });

  test('no D-Bus socket without a collector that needs it', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { enableCollectors: [NodeExporterCollector.PROCESSES] });
    expect(podSpec(synth(chart)).volumes.map((v: any) => v.hostPath.path)).toEqual(['/proc', '/sys', '/']);
  });

  test('without the host network it listens on every address of the pod, with no HOST_IP', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const exporter = new NodeExporter(chart, 'node-exporter', { hostNetwork: false });
    const { spec, main } = synthAgent(chart);
    // THEN
    expect(spec.hostNetwork).toBe(false);
    expect(spec.dnsPolicy).toBe('ClusterFirst');
    expect(flag(main.args, '--web.listen-address')).toBe(':9100');
    expect(exporter.args).toContain('--web.listen-address=:9100');
    expect(main.env.map((e: any) => e.name)).toEqual(['NODE_NAME']);
    expect(main.ports).toEqual([{ containerPort: 9100, name: 'metrics', protocol: 'TCP' }]);
  });

  test('a construct id that is no Service name gets a valid one through name', () => {
    const chart = newChart();
    new NodeExporter(chart, '2nd-node-exporter', { name: 'node-exporter-2' });
    expect(only(synth(chart), 'Service').metadata.name).toBe('node-exporter-2');
  });

  test('a construct id that is no Service name is fine without the Service', () => {
    const chart = newChart();
    new NodeExporter(chart, '2nd-node-exporter', { createService: false });
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind === 'Service')).toEqual([]);
    expect(only(objects, 'DaemonSet').metadata.name).toBe('2nd-node-exporter');
  });

  test('exclude patterns replace the defaults', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { mountPointsExclude: '^/(dev|proc|sys)($|/)', fsTypesExclude: '^(tmpfs)$', netDevicesExclude: '^veth.*$' });
    const args = container(synth(chart)).args;
    expect(flag(args, '--collector.filesystem.mount-points-exclude')).toBe('^/(dev|proc|sys)($|/)');
    expect(flag(args, '--collector.filesystem.fs-types-exclude')).toBe('^(tmpfs)$');
    expect(flag(args, '--collector.netclass.ignored-devices')).toBe('^veth.*$');
    expect(flag(args, '--collector.netdev.device-exclude')).toBe('^veth.*$');
  });

  test('a user host mount is added after the preset\'s three, which the path flags keep pointing at', () => {
    // GIVEN a textfile collector directory on the node
    const chart = newChart();
    // WHEN
    new NodeExporter(chart, 'node-exporter', {
      hostMounts: [HostMount.readOnly('/var/lib/node-exporter/textfile', { mountPath: '/textfile' })],
      extraArgs: ['--collector.textfile.directory=/textfile'],
    });
    const objects = synth(chart);
    const main = container(objects);
    // THEN
    expect(main.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/host/proc', '/host/sys', '/host/root', '/textfile']);
    expect(mountPathOf(objects, '/var/lib/node-exporter/textfile')).toBe('/textfile');
    expect(flag(main.args, '--path.procfs')).toBe(mountPathOf(objects, '/proc'));
    expect(flag(main.args, '--path.sysfs')).toBe(mountPathOf(objects, '/sys'));
    expect(flag(main.args, '--path.rootfs')).toBe(mountPathOf(objects, '/'));
    expect(flag(main.args, '--collector.textfile.directory')).toBe('/textfile');
  });

  test('a user port is added after "metrics", which the Service still targets', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { ports: [{ containerPort: 9101, name: 'textfile-http' }] });
    const objects = synth(chart);
    expect(container(objects).ports).toEqual([
      { containerPort: 9100, name: 'metrics', protocol: 'TCP' },
      { containerPort: 9101, name: 'textfile-http', protocol: 'TCP' },
    ]);
    expect(only(objects, 'Service').spec.ports[0].targetPort).toBe('metrics');
  });

  test('a user env is merged: its variables are added and HOST_IP stays', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { env: { TZ: EnvValue.fromValue('UTC') } });
    const main = container(synth(chart));
    expect(main.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'HOST_IP', 'TZ']);
    expect(flag(main.args, '--web.listen-address')).toBe('[$(HOST_IP)]:9100');
  });

  test('a user env key wins over the preset\'s (HOST_IP)', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { env: { HOST_IP: EnvValue.fromValue('10.0.0.5') } });
    expect(container(synth(chart)).env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'HOST_IP', value: '10.0.0.5' },
    ]);
  });

  test('podAnnotations and labels are merged with the preset\'s', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { labels: { team: 'sre' }, podAnnotations: { 'example.com/owner': 'sre' } });
    const daemonSet = only(synth(chart), 'DaemonSet');
    expect(daemonSet.metadata.labels).toMatchObject({ 'team': 'sre', 'app.kubernetes.io/component': 'metrics' });
    expect(daemonSet.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'sre' });
  });

  test('other core props given by the user replace the preset\'s value whole', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    const exporter = new NodeExporter(chart, 'exporter', {
      name: 'node-metrics',
      namespace: 'monitoring',
      image: 'registry.example.com/node-exporter:v1.9.1',
      tolerations: Toleration.controlPlane(),
      priorityClassName: 'system-cluster-critical',
      resources: { memory: { request: Size.mebibytes(100), limit: Size.mebibytes(200) } },
      // Capabilities only work for root (no ambient capabilities).
      runAsUser: 0,
      addCapabilities: [Capability.SYS_TIME],
      args: ['--path.rootfs=/host/root'],
      createService: false,
    });
    const objects = synth(chart);
    const spec = podSpec(objects);
    const main = container(objects);
    // THEN
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    expect(exporter.service).toBeUndefined();
    expect(only(objects, 'DaemonSet').metadata).toMatchObject({ name: 'node-metrics', namespace: 'monitoring' });
    expect(main.image).toBe('registry.example.com/node-exporter:v1.9.1');
    expect(only(objects, 'DaemonSet').metadata.labels['app.kubernetes.io/version']).toBe('v1.9.1');
    expect(spec.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(spec.priorityClassName).toBe('system-cluster-critical');
    // resources merge per resource: memory is the user's, the CPU request the preset's.
    expect(main.resources).toEqual({ requests: { cpu: '50m', memory: '100Mi' }, limits: { memory: '200Mi' } });
    expect(main.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_TIME'] });
    expect(main.args).toEqual(['--path.rootfs=/host/root']);
    expect(exporter.args).toEqual(['--path.rootfs=/host/root']);
  });

  test('tolerations: [] replaces every-taint with none', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { tolerations: [] });
    expect(podSpec(synth(chart)).tolerations).toBeUndefined();
  });
});

describe('NodeExporter fails when', () => {
  const make = (props: any) => () => new NodeExporter(newChart(), 'node-exporter', props);

  test('fails when the Service name (from the construct id) does not start with a letter', () => {
    expect(() => new NodeExporter(newChart(), '2nd-node-exporter'))
      .toThrow(/name: got "2nd-node-exporter"; the Service is named after the agent \(from `name`, else the construct id\): expected a DNS-1035 label .*; set name, or createService: false/);
  });

  test('fails when listenOnAllInterfaces is false without the host network', () => {
    expect(make({ hostNetwork: false, listenOnAllInterfaces: false }))
      .toThrow(/listenOnAllInterfaces: got false; without the host network the node's address is not in the pod's network namespace/);
  });

  test('fails when the port is out of range', () => {
    expect(make({ port: 70000 })).toThrow(/Invalid props for NodeExporter 'test\/node-exporter':\n {2}- port: got 70000; expected an integer port number from 1 to 65535/);
  });

  test('fails when a collector is both turned on and off', () => {
    expect(make({ enableCollectors: [NodeExporterCollector.HWMON], disableCollectors: [NodeExporterCollector.HWMON] }))
      .toThrow(/disableCollectors\[0\]: got "hwmon"; already in enableCollectors; a collector is either turned on or off/);
  });

  test('fails when a collector is listed twice', () => {
    expect(make({ disableCollectors: [NodeExporterCollector.WIFI, NodeExporterCollector.custom('wifi')] }))
      .toThrow(/disableCollectors\[1\]: got "wifi"; each collector may appear only once/);
  });

  test('fails when a custom collector name is not a collector name', () => {
    expect(make({ enableCollectors: [NodeExporterCollector.custom('Thermal-Zone')] }))
      .toThrow(/enableCollectors\[0\]: got "Thermal-Zone"; expected a collector name: lowercase letters, digits and "_"/);
  });

  test('fails when an extra argument repeats a flag the preset sets', () => {
    expect(make({ extraArgs: ['--path.rootfs=/'] }))
      .toThrow(/extraArgs\[0\]: got "--path.rootfs=\/"; the preset already sets this flag and node exporter refuses repeated flags/);
  });

  test('fails when an extra argument is not a flag', () => {
    expect(make({ extraArgs: ['collector.systemd'] })).toThrow(/extraArgs\[0\]: got "collector.systemd"; expected a flag/);
  });

  test('fails when props that only make arguments come with args, which replaces them (they would be ignored)', () => {
    // GIVEN the exporter told to listen on 9200 by its arguments, and a port and a collector beside them
    const props = { args: ['--web.listen-address=:9200'], port: 9300, enableCollectors: [NodeExporterCollector.SYSTEMD] };
    // THEN both props are reported, each with the fix
    expect(make(props)).toThrow(/2 invalid props[\s\S]*port: got 9300; only makes node exporter arguments, which `args` replaces whole[\s\S]*enableCollectors: got \[\{"name":"systemd"\}\]; only makes/);
  });

  test('fails when a flag is given twice across args and extraArgs', () => {
    expect(make({ args: ['--collector.systemd'], extraArgs: ['--no-collector.systemd'] }))
      .toThrow(/extraArgs\[0\]: got "--no-collector.systemd"; args\[0\] already sets this flag and node exporter refuses repeated flags/);
  });

  test('fails (in the core) when a user port repeats the name "metrics"', () => {
    expect(make({ ports: [{ containerPort: 9200, name: 'metrics' }] }))
      .toThrow(/ports: got "metrics"; each port name may appear only once/);
  });

  test('fails (in the core) when a user host mount repeats a preset mount path', () => {
    expect(make({ hostMounts: [HostMount.readOnly('/proc', { mountPath: '/host/proc' })] }))
      .toThrow(/hostMounts\/volumeMounts: got "\/host\/proc"; each mount path may appear only once/);
  });

  test('fails when the NetworkPolicy would admit every pod', () => {
    expect(make({ networkPolicy: { scraperPodLabels: {} } }))
      .toThrow(/networkPolicy.scraperPodLabels: got \{\}; expected at least one label/);
  });

  test('fails when a scraper label is not a label', () => {
    expect(make({ networkPolicy: { scraperNamespaceLabels: { 'bad key!': 'x' } } }))
      .toThrow(/networkPolicy.scraperNamespaceLabels.bad key!: got "bad key!"; expected a qualified name/);
  });

  test('fails when an exclude pattern is empty', () => {
    expect(make({ fsTypesExclude: '' })).toThrow(/fsTypesExclude: got ""; expected a non-empty RE2 regular expression/);
  });

  test('fails when the image is not pinned (the core rule still applies)', () => {
    expect(make({ image: 'quay.io/prometheus/node-exporter:latest' })).toThrow(/image: got "quay.io\/prometheus\/node-exporter:latest"; expected a pinned version/);
  });
});

describe('NodeExporter imagePlatforms', () => {
  const platformsOf = (props: NodeExporterProps = {}) => platformsDeclaredBy((chart) => new NodeExporter(chart, 'node-exporter', props));

  test('declared for the default image: the architectures of node exporter\'s release (DOCKER_ARCHS)', () => {
    // GIVEN / WHEN the default image
    // THEN
    expect(platformsOf()).toBe('linux/amd64,linux/arm64,linux/arm/v7,linux/ppc64le,linux/riscv64,linux/s390x');
    // (the same image given explicitly is the same claim)
    expect(platformsOf({ image: NodeExporter.DEFAULT_IMAGE })).toBe(platformsOf());
  });

  test('cleared by an image of your own, and by a container of your own', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ image: 'registry.example.com/node-exporter:v1.12.1-custom' })).toBeUndefined();
    expect(platformsOf({ sidecars: [{ name: 'textfile', image: 'registry.example.com/textfile-writer:1.0' }] })).toBeUndefined();
  });

  test('yours wins, with or without your own image', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ imagePlatforms: ['linux/amd64'] })).toBe('linux/amd64');
    expect(platformsOf({ image: 'registry.example.com/node-exporter:v1.12.1-custom', imagePlatforms: ['linux/arm64'] })).toBe('linux/arm64');
  });

  test('the placement preview runs the exporter on a riscv64 node, not on a mips64le one', () => {
    // GIVEN
    const inventory = NodeInventory.fromNodes([
      { name: 'riscv', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'riscv64' } },
      { name: 'mips', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'mips64le' } },
    ]);
    // WHEN
    const preview = new NodeExporter(newChart(), 'node-exporter').daemonSet.previewPlacement(inventory);
    // THEN
    expect(preview.nodes.map((n) => [n.nodeName, n.runs])).toEqual([['riscv', true], ['mips', false]]);
  });
});

describe('NodeExporter with args (what the exporter does is what its arguments say)', () => {
  test('the port, the collectors and the D-Bus mount follow the arguments, and the public fields say so', () => {
    // GIVEN arguments of your own: another port, systemd on, hwmon off
    const chart = newChart();
    const exporter = new NodeExporter(chart, 'node-exporter', {
      args: ['--path.procfs=/host/proc', '--web.listen-address=:9200', '--collector.systemd', '--no-collector.hwmon'],
    });
    // WHEN
    const { objects, main } = synthAgent(chart);
    // THEN the probes, the container port and the Service use the port the exporter listens on
    expect(exporter.port).toBe(9200);
    expect(main.ports).toEqual([{ containerPort: 9200, name: 'metrics', protocol: 'TCP' }]);
    expect([main.readinessProbe.httpGet.port, main.livenessProbe.httpGet.port]).toEqual([9200, 9200]);
    expect(only(objects, 'Service').spec.ports[0].port).toBe(9200);
    // and the collectors and the D-Bus mount follow the flags
    expect(exporter.enabledCollectors.map((c) => c.name)).toEqual(['systemd']);
    expect(exporter.disabledCollectors.map((c) => c.name)).toEqual(['hwmon']);
    expect(main.volumeMounts.map((m: any) => m.mountPath)).toContain('/var/run/dbus/system_bus_socket');
    // and no HOST_IP: the address is not the node's
    expect((main.env ?? []).map((e: any) => e.name)).not.toContain('HOST_IP');
  });

  test('extraArgs come after args, as in every preset (docs/merge-rule.md)', () => {
    // GIVEN
    const chart = newChart();
    const exporter = new NodeExporter(chart, 'node-exporter', { args: ['--web.listen-address=:9200'], extraArgs: ['--collector.textfile.directory=/host/root/var/lib/ne'] });
    // WHEN
    const { main } = synthAgent(chart);
    // THEN
    expect(main.args).toEqual(['--web.listen-address=:9200', '--collector.textfile.directory=/host/root/var/lib/ne']);
    expect(exporter.args).toEqual(main.args);
  });

  test('without a listen address in args, node exporter\'s own default (:9100) is probed', () => {
    const chart = newChart();
    const exporter = new NodeExporter(chart, 'node-exporter', { args: ['--path.procfs=/host/proc'] });
    const { main } = synthAgent(chart);
    expect(exporter.port).toBe(9100);
    expect(main.readinessProbe.httpGet.port).toBe(9100);
  });

  test('fails when the listen address in args has no port', () => {
    expect(() => new NodeExporter(newChart(), 'node-exporter', { args: ['--web.listen-address=localhost'] }))
      .toThrow(/args\[0\]: got "--web.listen-address=localhost"; expected an address with a port/);
  });
});

describe('NodeExporter patterns (RE2, compiled by node exporter at start; issue 19)', () => {
  const make = (props: any) => () => new NodeExporter(newChart(), 'node-exporter', props);

  test.each([
    ['mountPointsExclude', '^/(dev|proc', /mountPointsExclude: got "\^\/\(dev\|proc"; expected a valid RE2 regular expression \(node exporter exits on this one\)/],
    ['fsTypesExclude', '^(?!ext4)', /fsTypesExclude: got "\^\(\?!ext4\)"; expected an RE2 regular expression: lookahead and lookbehind/],
    ['netDevicesExclude', '^(veth)\\1$', /netDevicesExclude: got "[^"]+"; expected an RE2 regular expression: backreferences/],
  ])('fails when %s does not compile as RE2: %s', (prop, pattern, error) => {
    expect(make({ [prop]: pattern })).toThrow(error);
  });

  test('RE2\'s own forms are accepted: named groups (?P<name>...) and a leading flag group', () => {
    expect(make({ netDevicesExclude: '(?i)^(?P<kind>veth|cali).*$' })).not.toThrow();
  });
});

test('the page\'s SYS_TIME advice works as written: with runAsUser 0 it is accepted, without it refused (issue 19)', () => {
  // GIVEN the advice of docs/presets/node-exporter.md
  const chart = newChart();
  new NodeExporter(chart, 'node-exporter', { addCapabilities: [Capability.SYS_TIME], runAsUser: 0 });
  // THEN
  expect(container(synth(chart)).securityContext.capabilities.add).toEqual(['SYS_TIME']);
  expect(() => new NodeExporter(newChart(), 'node-exporter', { addCapabilities: [Capability.SYS_TIME] })).toThrow(/addCapabilities/);
});
