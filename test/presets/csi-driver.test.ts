import { EnvValue, Handler } from 'cdk8s-plus-28';
import { AgentMetrics, CsiDriver, CsiDriverType, Errors, HostMount, NodeAffinityTerm, NodeRequirement, StorageDaemon } from '../../src';
import { container, newChart, only, podSpec, synth } from '../util/synth';

const CEPH = 'quay.io/cephcsi/cephcsi:v3.12.2';
const CLUSTERS = [{ clusterId: 'ceph-prod', monitors: ['10.0.0.11:6789', '10.0.0.12:6789'] }];

function volumesByName(spec: any): { [name: string]: any } {
  return Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
}

function mount(c: any, path: string): any {
  return c.volumeMounts.find((m: any) => m.mountPath === path);
}

describe('CsiDriver.cephRbd', () => {
  // GIVEN one Ceph cluster
  const chart = newChart();
  const rbd = new StorageDaemon(chart, 'csi-rbdplugin', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }) });
  // WHEN
  const objects = synth(chart);
  const spec = podSpec(objects);
  const plugin = container(objects);
  const volumes = volumesByName(spec);

  test('runs ceph-csi\'s node server for rbd.csi.ceph.com, its paths following the kubelet directory', () => {
    expect(rbd.driver.type).toBe(CsiDriverType.CEPH_RBD);
    expect(rbd.driverName).toBe('rbd.csi.ceph.com');
    expect(rbd.socketDir).toBe('/var/lib/kubelet/plugins/rbd.csi.ceph.com');
    expect(plugin.image).toBe(CEPH);
    expect(plugin.args).toEqual([
      '--nodeid=$(NODE_ID)',
      '--pluginpath=/var/lib/kubelet/plugins',
      '--stagingpath=/var/lib/kubelet/plugins/kubernetes.io/csi/',
      '--type=rbd',
      '--nodeserver=true',
      '--endpoint=$(CSI_ENDPOINT)',
      '--csi-addons-endpoint=$(CSI_ADDONS_ENDPOINT)',
      '--v=5',
      '--drivername=rbd.csi.ceph.com',
      '--enableprofiling=false',
    ]);
    expect(plugin.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'CSI_ENDPOINT', 'CSI_NODE_NAME', 'POD_IP', 'NODE_ID', 'POD_NAMESPACE', 'CSI_ADDONS_ENDPOINT']);
  });

  test('on the node\'s network and PID namespace, privileged, with a writable root (the Ceph tools write run files)', () => {
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(plugin.securityContext).toMatchObject({ privileged: true, readOnlyRootFilesystem: false, runAsUser: 0 });
  });

  test('mounts the kubelet directory Bidirectional, /dev, /sys, /run/mount, /lib/modules, /etc/selinux and the Ceph log directory, with their types', () => {
    expect(mount(plugin, '/var/lib/kubelet')).toEqual({ name: 'kubelet-dir', mountPath: '/var/lib/kubelet', mountPropagation: 'Bidirectional', readOnly: false });
    expect(volumes['host-sys'].hostPath).toEqual({ path: '/sys', type: 'Directory' });
    expect(mount(plugin, '/sys').readOnly).toBe(false);
    expect(volumes['host-mount'].hostPath).toEqual({ path: '/run/mount', type: 'DirectoryOrCreate' });
    expect(volumes['lib-modules'].hostPath).toEqual({ path: '/lib/modules', type: 'Directory' });
    expect(mount(plugin, '/lib/modules').readOnly).toBe(true);
    expect(volumes['etc-selinux'].hostPath).toEqual({ path: '/etc/selinux', type: 'DirectoryOrCreate' });
    expect(mount(plugin, '/etc/selinux').readOnly).toBe(true);
    expect(volumes['ceph-logdir'].hostPath).toEqual({ path: '/var/log/ceph', type: 'DirectoryOrCreate' });
    expect(volumes['device-dir'].hostPath).toEqual({ path: '/dev', type: 'Directory' });
  });

  test('the keys of each call go to an in-memory directory; no Secret is mounted', () => {
    expect(volumes['keys-tmp-dir']).toEqual({ name: 'keys-tmp-dir', emptyDir: { medium: 'Memory' } });
    expect(mount(plugin, '/tmp/csi/keys')).toEqual({ name: 'keys-tmp-dir', mountPath: '/tmp/csi/keys', readOnly: false });
    expect(Object.values(volumes).filter((v: any) => v.secret)).toEqual([]);
  });

  test('config.json (typed clusters) and ceph.conf with an empty keyring, from the preset\'s ConfigMap, with the checksum annotation', () => {
    const configMap = only(objects, 'ConfigMap');
    expect(configMap.metadata.name).toBe('csi-rbdplugin-config');
    expect(JSON.parse(configMap.data['config.json'])).toEqual([{ clusterID: 'ceph-prod', monitors: ['10.0.0.11:6789', '10.0.0.12:6789'] }]);
    expect(configMap.data['ceph.conf']).toBe('[global]\nauth_cluster_required = cephx\nauth_service_required = cephx\nauth_client_required = cephx\n');
    expect(configMap.data.keyring).toBe('');
    expect(mount(plugin, '/etc/ceph-csi-config')).toEqual({ name: 'ceph-csi-config', mountPath: '/etc/ceph-csi-config', readOnly: true });
    expect(volumes['ceph-csi-config'].configMap).toMatchObject({ name: 'csi-rbdplugin-config', items: [{ key: 'config.json', path: 'config.json' }] });
    expect(volumes['ceph-config'].configMap.items).toEqual([{ key: 'ceph.conf', path: 'ceph.conf' }, { key: 'keyring', path: 'keyring' }]);
    expect(only(objects, 'DaemonSet').spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('ceph-csi\'s liveness exporter: unprivileged, on the socket, serving /metrics on 8680 as "metrics"', () => {
    const exporter = container(objects, 'liveness-prometheus');
    expect(exporter.image).toBe(CEPH);
    expect(exporter.args).toEqual(['--type=liveness', '--endpoint=$(CSI_ENDPOINT)', '--metricsport=8680', '--metricspath=/metrics', '--polltime=60s', '--timeout=3s']);
    expect(exporter.env).toEqual([
      { name: 'CSI_ENDPOINT', value: 'unix:/csi/csi.sock' },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]);
    expect(exporter.ports).toEqual([{ containerPort: 8680, name: 'metrics', protocol: 'TCP' }]);
    expect(exporter.volumeMounts).toEqual([{ name: 'plugin-dir', mountPath: '/csi', readOnly: true }]);
    expect(exporter.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsUser: 0 });
    expect(rbd.metricsPort).toBe(8680);
  });

  test('health ports of its own on the node\'s network: 9810 and 9811', () => {
    expect(rbd.healthPort).toBe(9810);
    expect(rbd.registrarHealthPort).toBe(9811);
    expect(container(objects, 'liveness-probe').args).toEqual(['--csi-address=/csi/csi.sock', '--http-endpoint=:9810']);
    expect(container(objects, 'node-driver-registrar').args).toContain('--kubelet-registration-path=/var/lib/kubelet/plugins/rbd.csi.ceph.com/csi.sock');
    expect(plugin.livenessProbe.httpGet.port).toBe(9810);
  });

  test('RBAC: nodes get; the volume healer\'s volumeattachments, persistentvolumes and secrets; nothing of the KMS', () => {
    expect(only(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['list', 'get'] },
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
    ]);
  });

  test('declares the platforms ceph-csi and both sidecars share', () => {
    expect(only(objects, 'DaemonSet').metadata.annotations['cdk8s-node-agents.dev/image-platforms']).toBe('linux/amd64,linux/arm64');
  });

  test('no EBS exclusions, no pre-stop hook', () => {
    const terms = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchExpressions.map((e: any) => e.key)).toEqual(['eks.amazonaws.com/compute-type', 'type']);
    expect(plugin.lifecycle).toBeUndefined();
  });
});

describe('CsiDriver.cephFs', () => {
  // GIVEN a cluster with a subvolume group, a kubelet of its own
  const chart = newChart();
  const fs = new StorageDaemon(chart, 'csi-cephfsplugin', {
    driver: CsiDriver.cephFs({ clusters: [{ clusterId: 'ceph-prod', monitors: ['[v2:10.0.0.11:3300,v1:10.0.0.11:6789]'], subvolumeGroup: 'k8s' }] }),
    kubeletDir: '/var/lib/k0s/kubelet',
  });
  // WHEN
  const objects = synth(chart);
  const spec = podSpec(objects);
  const plugin = container(objects);
  const volumes = volumesByName(spec);

  test('runs the CephFS node server for cephfs.csi.ceph.com', () => {
    expect(fs.driverName).toBe('cephfs.csi.ceph.com');
    expect(plugin.args).toEqual(['--nodeid=$(NODE_ID)', '--type=cephfs', '--nodeserver=true', '--endpoint=$(CSI_ENDPOINT)', '--v=5', '--drivername=cephfs.csi.ceph.com', '--enableprofiling=false']);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBe(true);
  });

  test('its mount records under the socket directory, at /csi/mountinfo; no Ceph log directory', () => {
    expect(volumes['ceph-csi-mountinfo'].hostPath).toEqual({ path: '/var/lib/k0s/kubelet/plugins/cephfs.csi.ceph.com/mountinfo', type: 'DirectoryOrCreate' });
    expect(mount(plugin, '/csi/mountinfo').readOnly).toBe(false);
    expect(volumes['ceph-logdir']).toBeUndefined();
    expect(volumes['kubelet-dir'].hostPath.path).toBe('/var/lib/k0s/kubelet');
  });

  test('the subvolume group in config.json; the exporter on 8681; health on 9812 and 9813; RBAC nodes get only', () => {
    expect(JSON.parse(only(objects, 'ConfigMap').data['config.json'])).toEqual([
      { clusterID: 'ceph-prod', monitors: ['[v2:10.0.0.11:3300,v1:10.0.0.11:6789]'], cephFS: { subvolumeGroup: 'k8s' } },
    ]);
    expect(container(objects, 'liveness-prometheus').args).toContain('--metricsport=8681');
    expect([fs.metricsPort, fs.healthPort, fs.registrarHealthPort]).toEqual([8681, 9812, 9813]);
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
  });

  test('a PodMonitor scrapes the exporter\'s port named metrics', () => {
    const c = newChart();
    new StorageDaemon(c, 'cephfs', { driver: CsiDriver.cephFs({ clusters: CLUSTERS }), metrics: AgentMetrics.podMonitor() });
    expect(only(synth(c), 'PodMonitor').spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics' })]);
  });

  test('options: image (and the exporter follows), cephConf, radosNamespace for RBD, ports', () => {
    const c = newChart();
    new StorageDaemon(c, 'rbd', {
      driver: CsiDriver.cephRbd({
        clusters: [{ clusterId: 'a', monitors: ['10.0.0.1:6789'], radosNamespace: 'team-a' }],
        image: 'registry.example.com/cephcsi/cephcsi:v3.12.2',
        cephConf: '[global]\nauth_client_required = cephx\nms_mode = secure\n',
        metricsPort: 9080,
        healthPort: 9090,
        registrarHealthPort: 9091,
      }),
    });
    const out = synth(c);
    expect(container(out).image).toBe('registry.example.com/cephcsi/cephcsi:v3.12.2');
    expect(container(out, 'liveness-prometheus').image).toBe('registry.example.com/cephcsi/cephcsi:v3.12.2');
    expect(container(out, 'liveness-prometheus').args).toContain('--metricsport=9080');
    expect(only(out, 'ConfigMap').data['ceph.conf']).toContain('ms_mode = secure');
    expect(JSON.parse(only(out, 'ConfigMap').data['config.json'])[0].rbd).toEqual({ radosNamespace: 'team-a' });
    expect(container(out).ports.map((p: any) => p.containerPort)).toEqual([9090]);
    // an image the library has not checked: no platforms declared
    expect(only(out, 'DaemonSet').metadata.annotations?.['cdk8s-node-agents.dev/image-platforms']).toBeUndefined();
  });
});

describe('CsiDriver input checks', () => {
  test('fails when a Ceph driver has no cluster, a bad or repeated cluster ID, or no monitor', () => {
    expect(() => new StorageDaemon(newChart(), 'rbd', { driver: CsiDriver.cephRbd({ clusters: [] }) }))
      .toThrow(/driver\.clusters: got \[\]; expected at least one Ceph cluster/);
    expect(() => new StorageDaemon(newChart(), 'rbd', {
      driver: CsiDriver.cephRbd({ clusters: [{ clusterId: 'a', monitors: ['10.0.0.1:6789'] }, { clusterId: 'a', monitors: [] }, { clusterId: 'b c', monitors: ['x'] }] }),
    })).toThrow(/3 invalid props[\s\S]*driver\.clusters\[1\]\.clusterId: got "a"; each cluster ID may appear only once[\s\S]*driver\.clusters\[1\]\.monitors: got \[\]; expected at least one monitor address[\s\S]*driver\.clusters\[2\]\.clusterId: got "b c"; expected a cluster ID/);
  });

  test('fails when a placement field is of the other driver', () => {
    expect(() => new StorageDaemon(newChart(), 'fs', { driver: CsiDriver.cephFs({ clusters: [{ clusterId: 'a', monitors: ['m:6789'], radosNamespace: 'x' }] }) }))
      .toThrow(/driver\.clusters\[0\]\.radosNamespace: got "x"; RBD only/);
    expect(() => new StorageDaemon(newChart(), 'rbd', { driver: CsiDriver.cephRbd({ clusters: [{ clusterId: 'a', monitors: ['m:6789'], subvolumeGroup: 'x' }] }) }))
      .toThrow(/driver\.clusters\[0\]\.subvolumeGroup: got "x"; CephFS only/);
  });

  test('fails when a driver\'s port is not a port', () => {
    expect(() => new StorageDaemon(newChart(), 'rbd', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS, metricsPort: 0 }) }))
      .toThrow(/driver\.metricsPort: got 0; expected an integer port number/);
    expect(() => new StorageDaemon(newChart(), 'x', { driver: CsiDriver.custom({ name: 'x.example.com', image: 'x:1', args: [], healthPort: 70000 }) }))
      .toThrow(/driver\.healthPort: got 70000/);
  });

  test('fails when driverName contradicts the driver', () => {
    expect(() => new StorageDaemon(newChart(), 'rbd', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), driverName: 'rbd.example.com' }))
      .toThrow(/driverName: got "rbd\.example\.com"; the driver is "rbd\.csi\.ceph\.com": leave driverName out/);
    // the same name is fine
    expect(() => new StorageDaemon(newChart(), 'rbd', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), driverName: 'rbd.csi.ceph.com' })).not.toThrow();
  });

  test('fails when a custom driver\'s name is not a CSI driver name', () => {
    expect(() => new StorageDaemon(newChart(), 'x', { driver: CsiDriver.custom({ name: 'Not_A_Name', image: 'x:1', args: [] }) }))
      .toThrow(/driver\.name: got "Not_A_Name"; expected a CSI driver name/);
  });

  test('fails (from plain JavaScript) when the factory is given no options', () => {
    expect(() => CsiDriver.cephRbd(undefined as any)).toThrow(/CsiDriver\.cephRbd/);
  });

  test('the errors are the library\'s ValidationError', () => {
    let caught: unknown;
    try {
      new StorageDaemon(newChart(), 'rbd', { driver: CsiDriver.cephRbd({ clusters: [] }) });
    } catch (e) {
      caught = e;
    }
    expect(Errors.isValidationError(caught)).toBe(true);
  });
});

describe('the plugin\'s socket: an --endpoint that moves it is refused (issue 19)', () => {
  test('fails when args point the plugin at another socket than the sidecars dial', () => {
    expect(() => new StorageDaemon(newChart(), 'nfs', { image: 'registry.k8s.io/sig-storage/nfsplugin:v4.7.0', args: ['--nodeid=$(NODE_NAME)', '--endpoint=unix:///csi/nfs.sock'] }))
      .toThrow(/args\[1\]: got "--endpoint=unix:\/\/\/csi\/nfs\.sock"; the plugin must listen on unix:\/csi\/csi\.sock \(CSI_ENDPOINT\), the socket the node-driver-registrar and the livenessprobe sidecar dial and the kubelet is told of \(\/var\/lib\/kubelet\/plugins\/ebs\.csi\.aws\.com\/csi\.sock\): use --endpoint=\$\(CSI_ENDPOINT\)/);
  });

  test('fails for the two-argument form, extraArgs and a driver\'s own args', () => {
    expect(() => new StorageDaemon(newChart(), 'x', { args: ['--endpoint', 'unix:/tmp/csi.sock'] })).toThrow(/args\[0\]: got "--endpoint"/);
    expect(() => new StorageDaemon(newChart(), 'ebs', { extraArgs: ['--endpoint=tcp://0.0.0.0:10000'] })).toThrow(/extraArgs\[0\]: got "--endpoint=tcp:\/\/0\.0\.0\.0:10000"/);
    expect(() => new StorageDaemon(newChart(), 'x', { driver: CsiDriver.custom({ name: 'x.example.com', image: 'x:1', args: ['-endpoint=/var/run/x.sock'] }) }))
      .toThrow(/driver\.args\[0\]: got "-endpoint=\/var\/run\/x\.sock"/);
  });

  test('fails when CSI_ENDPOINT is set to another socket', () => {
    expect(() => new StorageDaemon(newChart(), 'ebs', { env: { CSI_ENDPOINT: EnvValue.fromValue('unix:/csi/other.sock') } }))
      .toThrow(/env\.CSI_ENDPOINT: got "unix:\/csi\/other\.sock"; the plugin must listen on unix:\/csi\/csi\.sock/);
  });

  test('accepts every spelling of the same socket', () => {
    for (const endpoint of ['$(CSI_ENDPOINT)', 'unix:/csi/csi.sock', 'unix:///csi/csi.sock', '/csi/csi.sock']) {
      expect(() => new StorageDaemon(newChart(), 'x', { args: [`--endpoint=${endpoint}`] })).not.toThrow();
    }
    expect(() => new StorageDaemon(newChart(), 'ebs', { env: { CSI_ENDPOINT: EnvValue.fromValue('unix:///csi/csi.sock') } })).not.toThrow();
  });
});

describe('CsiDriver.custom', () => {
  test('a driver of your own gets what EBS and Ceph get: mounts, config files, sidecars, RBAC, hook, metrics, exclusions, platforms, network', () => {
    // GIVEN
    const chart = newChart();
    const daemon = new StorageDaemon(chart, 'acme-csi-node', {
      driver: CsiDriver.custom({
        name: 'block.csi.acme.example',
        image: 'registry.example.com/acme/csi:2.1.0',
        args: ['--node', '--endpoint=$(CSI_ENDPOINT)', '--metrics=:9200'],
        env: { ACME_REGION: EnvValue.fromValue('eu-1') },
        hostMounts: [HostMount.readOnly('/etc/iscsi')],
        configDirectories: [{ volumeName: 'acme-config', mountPath: '/etc/acme', files: { 'acme.yaml': 'region: eu-1\n' } }],
        sidecars: [{ name: 'acme-exporter', image: 'registry.example.com/acme/exporter:1.0.0', args: ['--csi=$(CSI_ENDPOINT)'] }],
        rbacRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
        lifecycle: { preStop: Handler.fromCommand(['/acme', 'drain']) },
        metricsPort: 9200,
        requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.exists('acme.example/storage'))],
        imagePlatforms: ['linux/amd64'],
        hostNetwork: true,
        healthPort: 29700,
        registrarHealthPort: 29701,
      }),
    });
    // WHEN
    const objects = synth(chart);
    const spec = podSpec(objects);
    const plugin = container(objects);
    // THEN
    expect(daemon.driver.type).toBe(CsiDriverType.CUSTOM);
    expect(daemon.socketDir).toBe('/var/lib/kubelet/plugins/block.csi.acme.example');
    expect(plugin.args).toEqual(['--node', '--endpoint=$(CSI_ENDPOINT)', '--metrics=:9200']);
    expect(plugin.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'CSI_ENDPOINT', 'CSI_NODE_NAME', 'ACME_REGION']);
    expect(plugin.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/kubelet', '/csi', '/dev', '/etc/iscsi', '/etc/acme']);
    expect(only(objects, 'ConfigMap').data).toEqual({ 'acme.yaml': 'region: eu-1\n' });
    expect(container(objects, 'acme-exporter').volumeMounts).toEqual([{ name: 'plugin-dir', mountPath: '/csi', readOnly: true }]);
    expect(container(objects, 'acme-exporter').env).toEqual([{ name: 'CSI_ENDPOINT', value: 'unix:/csi/csi.sock' }]);
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(plugin.lifecycle).toEqual({ preStop: { exec: { command: ['/acme', 'drain'] } } });
    expect(plugin.ports).toEqual([{ containerPort: 29700, name: 'healthz', protocol: 'TCP' }, { containerPort: 9200, name: 'metrics', protocol: 'TCP' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0])
      .toEqual({ key: 'acme.example/storage', operator: 'Exists' });
    expect(spec.hostNetwork).toBe(true);
    // the exporter's image is not verified: no platforms declared
    expect(only(objects, 'DaemonSet').metadata.annotations?.['cdk8s-node-agents.dev/image-platforms']).toBeUndefined();
  });

  test('its verified platforms are declared, intersected with the sidecars\'', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'x', { driver: CsiDriver.custom({ name: 'x.example.com', image: 'registry.example.com/x:1.0.0', args: ['--endpoint=$(CSI_ENDPOINT)'], imagePlatforms: ['linux/amd64', 'linux/riscv64'] }) });
    expect(only(synth(chart), 'DaemonSet').metadata.annotations['cdk8s-node-agents.dev/image-platforms']).toBe('linux/amd64');
    // ... and dropped when `image` replaces the driver's image
    const other = newChart();
    new StorageDaemon(other, 'x', { image: 'registry.example.com/x:1.0.1', driver: CsiDriver.custom({ name: 'x.example.com', image: 'registry.example.com/x:1.0.0', args: [], imagePlatforms: ['linux/amd64'] }) });
    expect(only(synth(other), 'DaemonSet').metadata.annotations?.['cdk8s-node-agents.dev/image-platforms']).toBeUndefined();
  });

  test('without rbacRules: no ClusterRole and no token', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'x', { driver: CsiDriver.custom({ name: 'x.example.com', image: 'x:1', args: [] }) });
    const objects = synth(chart);
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    expect(podSpec(objects).automountServiceAccountToken).toBe(false);
  });

  test('fails when two configuration directories hold the same file name', () => {
    expect(() => new StorageDaemon(newChart(), 'x', {
      driver: CsiDriver.custom({
        name: 'x.example.com',
        image: 'x:1',
        args: [],
        configDirectories: [{ volumeName: 'a', mountPath: '/etc/a', files: { 'c.conf': '' } }, { volumeName: 'b', mountPath: '/etc/b', files: { 'c.conf': '' } }],
      }),
    })).toThrow(/driver\.configDirectories: got "c\.conf"; each file name may appear only once/);
  });
});

describe('CsiDriver.awsEbs', () => {
  test('is the default: the same manifest as no driver', () => {
    const a = newChart();
    new StorageDaemon(a, 'ebs-csi-node');
    const b = newChart();
    new StorageDaemon(b, 'ebs-csi-node', { driver: CsiDriver.awsEbs() });
    expect(synth(b)).toEqual(synth(a));
  });

  test('its image and metrics port are options', () => {
    const chart = newChart();
    const ebs = new StorageDaemon(chart, 'ebs', { driver: CsiDriver.awsEbs({ image: 'registry.example.com/ebs/aws-ebs-csi-driver:v1.46.0', metricsPort: 3303 }) });
    const plugin = container(synth(chart));
    expect(plugin.image).toBe('registry.example.com/ebs/aws-ebs-csi-driver:v1.46.0');
    expect(plugin.args).toContain('--http-endpoint=0.0.0.0:3303');
    expect(ebs.metricsPort).toBe(3303);
  });
});

describe('CSI plugins beside each other (app-wide checks)', () => {
  test('EBS and Ceph RBD on the same nodes do not conflict: each its own socket directory, the kubelet directory shared by design', () => {
    // GIVEN
    const chart = newChart();
    new StorageDaemon(chart, 'ebs-csi-node');
    new StorageDaemon(chart, 'csi-rbdplugin', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }) });
    new StorageDaemon(chart, 'csi-cephfsplugin', { driver: CsiDriver.cephFs({ clusters: CLUSTERS }) });
    // WHEN / THEN
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(3);
  });

  test('fails when two plugins of the same driver run on the same nodes', () => {
    // GIVEN two Ceph RBD plugins (on the host network: their ports clash too)
    const chart = newChart();
    new StorageDaemon(chart, 'rbd-a', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }) });
    new StorageDaemon(chart, 'rbd-b', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), healthPort: 9900, registrarHealthPort: 9901, metricsPort: 9902 });
    // THEN the socket directory is claimed twice
    expect(() => synth(chart)).toThrow(/test\/rbd-a[\s\S]*test\/rbd-b[\s\S]*\/var\/lib\/kubelet\/plugins\/rbd\.csi\.ceph\.com/);
  });

  test('fails when two EBS plugins run on the same nodes', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'ebs-a');
    new StorageDaemon(chart, 'ebs-b', { driver: CsiDriver.awsEbs() });
    expect(() => synth(chart)).toThrow(/\/var\/lib\/kubelet\/plugins\/ebs\.csi\.aws\.com/);
  });

  test('fails when two Ceph plugins on the host network keep the same ports (the node\'s ports)', () => {
    // GIVEN RBD twice under different driver names (no socket clash), the same ports
    const chart = newChart();
    new StorageDaemon(chart, 'rbd-a', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }) });
    new StorageDaemon(chart, 'rbd-b', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), kubeletDir: '/var/lib/k0s/kubelet' });
    // THEN
    expect(() => synth(chart)).toThrow(/both claim host port 9810\/TCP/);
  });

  test('the StorageDaemon\'s metricsPort moves ceph-csi\'s exporter', () => {
    const chart = newChart();
    const rbd = new StorageDaemon(chart, 'rbd', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), metricsPort: 9902 });
    const exporter = container(synth(chart), 'liveness-prometheus');
    expect(exporter.args).toContain('--metricsport=9902');
    expect(exporter.ports).toEqual([{ containerPort: 9902, name: 'metrics', protocol: 'TCP' }]);
    expect(rbd.metricsPort).toBe(9902);
  });

  test('two plugins of the same driver on nodes that cannot overlap are fine', () => {
    const chart = newChart();
    new StorageDaemon(chart, 'rbd-a', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), nodeSelector: { 'kubernetes.io/os': 'linux', 'pool': 'a' } });
    new StorageDaemon(chart, 'rbd-b', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }), nodeSelector: { 'kubernetes.io/os': 'linux', 'pool': 'b' } });
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });
});

describe('ceph-csi\'s config.json keys', () => {
  /**
   * The JSON keys ceph-csi v3.12.2 reads from config.json, copied from its own type:
   * ceph/ceph-csi api/deploy/kubernetes/csi-config-map.go lines 19-61 (ClusterInfo, CephFS, RBD,
   * NFS, ReadAffinity), as dotted paths.
   */
  const CEPH_CSI_KEYS = [
    'clusterID', 'monitors',
    'cephFS', 'cephFS.netNamespaceFilePath', 'cephFS.subvolumeGroup', 'cephFS.kernelMountOptions', 'cephFS.fuseMountOptions',
    'rbd', 'rbd.netNamespaceFilePath', 'rbd.radosNamespace', 'rbd.mirrorDaemonCount',
    'nfs', 'nfs.netNamespaceFilePath',
    'readAffinity', 'readAffinity.enabled', 'readAffinity.crushLocationLabels',
  ];

  function keysOf(value: any, prefix = ''): string[] {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return [];
    }
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...keysOf(v, `${prefix}${k}.`)]);
  }

  test.each([
    ['RBD', () => CsiDriver.cephRbd({ clusters: [{ clusterId: 'a', monitors: ['m:6789'], radosNamespace: 'ns' }, { clusterId: 'b', monitors: ['n:6789'] }] })],
    ['CephFS', () => CsiDriver.cephFs({ clusters: [{ clusterId: 'a', monitors: ['m:6789'], subvolumeGroup: 'g' }] })],
  ])('every key the %s preset writes is one ceph-csi reads', (_, driver) => {
    // GIVEN every optional field set
    const chart = newChart();
    new StorageDaemon(chart, 'ceph', { driver: driver() });
    // WHEN
    const config = JSON.parse(only(synth(chart), 'ConfigMap').data['config.json']);
    // THEN
    const written = [...new Set(config.flatMap((c: any) => keysOf(c)))];
    expect(written.filter((k) => !CEPH_CSI_KEYS.includes(k as string))).toEqual([]);
    expect(written.length).toBeGreaterThan(2);
  });
});
