import { Capability, Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, Probe } from 'cdk8s-plus-28';
import { AgentMetrics, DaemonSet, HostMount, IntOrPercent, Toleration, UpdateStrategy } from '../../src';
import { KubeProxyMode } from '../../src/presets/kube-proxy-mode';
import { NetworkAgent, NetworkAgentProps } from '../../src/presets/network-agent';
import { yamlParser } from '../../src/private/yaml';
import { container, newChart, only, podSpec, synth, synthAgent, platformsDeclaredBy } from '../util/synth';

const KUBE_PROXY = 'registry.k8s.io/kube-proxy:v1.31.14';
const CILIUM = 'quay.io/cilium/cilium:v1.16.5';
/** The control-plane endpoint kube-proxy needs (the address of a kubeadm control plane). */
const API = { apiServerHost: '10.0.0.10', apiServerPort: 6443 };

/** Every container of the pod, init containers included. */
function allContainers(spec: any): any[] {
  return [...spec.containers, ...(spec.initContainers ?? [])];
}

/** The volumes of a pod spec by name. */
function volumesByName(spec: any): { [name: string]: any } {
  return Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
}

describe('NetworkAgent defaults', () => {
  // GIVEN no props
  const chart = newChart();
  const agent = new NetworkAgent(chart, 'kube-proxy', API);
  // WHEN
  const { objects, daemonSet, spec, main } = synthAgent(chart);

  test('creates a ServiceAccount, a ClusterRole and its binding, and a DaemonSet named after the id, in kube-system', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'ServiceAccount']);
    expect(daemonSet.metadata.name).toBe('kube-proxy');
    expect(daemonSet.metadata.namespace).toBe('kube-system');
    expect(only(objects, 'ServiceAccount').metadata.namespace).toBe('kube-system');
    expect(daemonSet.metadata.labels['app.kubernetes.io/component']).toBe('networking');
    expect(agent.daemonSet).toBeInstanceOf(DaemonSet);
  });

  test('runs the pinned kube-proxy image with kube-proxy\'s command', () => {
    expect(agent.image).toBe(KUBE_PROXY);
    expect(main.image).toBe(KUBE_PROXY);
    expect(main.name).toBe('kube-proxy');
    expect(main.command).toEqual(['/usr/local/bin/kube-proxy']);
  });

  test('passes args that need no sysctl write, bind the health server to the health port and metrics to the node\'s IP', () => {
    expect(main.args).toEqual([
      '--hostname-override=$(NODE_NAME)',
      '--healthz-bind-address=0.0.0.0:10256',
      '--metrics-bind-address=[$(HOST_IP)]:10249',
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0s',
      '--conntrack-tcp-timeout-close-wait=0s',
      '--iptables-localhost-nodeports=false',
    ]);
    expect(main.env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.10' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
    ]);
  });

  test('uses the host network and the node\'s resolver (the cluster DNS is behind a Service kube-proxy has yet to program)', () => {
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('Default');
    expect(spec.hostPID).toBe(false);
    expect(spec.hostIPC).toBe(false);
  });

  test('has no privileged container', () => {
    for (const c of allContainers(spec)) {
      expect(c.securityContext.privileged).toBe(false);
    }
    expect(spec.initContainers).toBeUndefined();
  });

  test('adds exactly NET_ADMIN and NET_RAW after dropping ALL, as root with a writable root filesystem (the iptables wrapper relinks /usr/sbin)', () => {
    expect(main.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(agent.capabilities).toEqual([Capability.NET_ADMIN, Capability.NET_RAW]);
    expect(agent.loadKernelModules).toBe(false);
  });

  test('mounts /lib/modules read-only and /run/xtables.lock read-write (FileOrCreate), nothing else', () => {
    expect(main.volumeMounts).toEqual([
      { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
      { name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'lib-modules', hostPath: { path: '/lib/modules', type: 'Directory' } },
      { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
    ]);
  });

  test('tolerates every taint, is system-node-critical, and rolls one node at a time with a 5 s grace period', () => {
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(spec.terminationGracePeriodSeconds).toBe(5);
  });

  test('declares the health port and probes /livez on it', () => {
    expect(agent.healthPort).toBe(10256);
    expect(agent.healthPath).toBe('/livez');
    expect(main.ports).toEqual([
      { containerPort: 10256, name: 'healthz', protocol: 'TCP' },
      { containerPort: 10249, name: 'metrics', protocol: 'TCP' },
    ]);
    expect(agent.metricsPort).toBe(10249);
    expect(agent.isKubeProxy).toBe(true);
    expect(main.livenessProbe).toEqual({
      httpGet: { path: '/livez', port: 10256, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    });
    expect(main.readinessProbe).toEqual({
      httpGet: { path: '/livez', port: 10256, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(main.startupProbe).toBeUndefined();
  });

  test('requests 100m CPU and 64Mi with a 512Mi memory limit', () => {
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '512Mi' } });
  });

  test('grants exactly kube-proxy\'s permissions and mounts the token', () => {
    expect(only(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    ]);
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' }]);
    expect(spec.serviceAccountName).toBe('kube-proxy');
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('resolves the CNI directories without mounting them', () => {
    expect(agent.cniBinDir).toBe('/opt/cni/bin');
    expect(agent.cniConfDir).toBe('/etc/cni/net.d');
    expect(Object.keys(volumesByName(spec))).toEqual(['lib-modules', 'xtables-lock']);
  });
});

describe('NetworkAgent with a CNI installer', () => {
  test('only the init container has the CNI directories, read-write, as root and unprivileged', () => {
    // GIVEN
    const chart = newChart();
    new NetworkAgent(chart, 'cni', {
      ...API,
      cniInstaller: { image: CILIUM, command: ['/install-plugin.sh'] },
    });
    // WHEN
    const spec = podSpec(synth(chart));
    // THEN
    expect(spec.initContainers).toHaveLength(1);
    const installer = spec.initContainers[0];
    expect(installer.name).toBe('install-cni');
    expect(installer.image).toBe(CILIUM);
    expect(installer.command).toEqual(['/install-plugin.sh']);
    expect(installer.volumeMounts).toEqual([
      { name: 'cni-bin-dir', mountPath: '/host/opt/cni/bin', readOnly: false },
      { name: 'cni-net-dir', mountPath: '/host/etc/cni/net.d', readOnly: false },
    ]);
    expect(installer.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const volumes = volumesByName(spec);
    expect(volumes['cni-bin-dir']).toEqual({ name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin', type: 'DirectoryOrCreate' } });
    expect(volumes['cni-net-dir']).toEqual({ name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d', type: 'DirectoryOrCreate' } });
    // the long-running container's only writable host mount is the iptables lock
    const main = spec.containers[0];
    expect(main.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath)).toEqual(['/run/xtables.lock']);
    expect(main.volumeMounts.map((m: any) => m.name)).not.toContain('cni-bin-dir');
    expect(main.volumeMounts.map((m: any) => m.name)).not.toContain('cni-net-dir');
  });

  test('custom CNI directories, mount paths, name and installer settings', () => {
    // GIVEN GKE's CNI binary directory
    const chart = newChart();
    const agent = new NetworkAgent(chart, 'cni', {
      ...API,
      cniBinDir: '/home/kubernetes/bin',
      cniConfDir: '/etc/cni/conf.d',
      cniInstaller: {
        name: 'install-plugin',
        image: CILIUM,
        binMountPath: '/opt/cni/bin',
        confMountPath: '/etc/cni/net.d',
        readOnlyRootFilesystem: false,
        hostMounts: [HostMount.readOnly('/etc/os-release')],
      },
    });
    // WHEN
    const spec = podSpec(synth(chart));
    // THEN
    const installer = spec.initContainers[0];
    expect(installer.name).toBe('install-plugin');
    expect(installer.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(installer.volumeMounts).toEqual([
      { name: 'cni-bin-dir', mountPath: '/opt/cni/bin', readOnly: false },
      { name: 'cni-net-dir', mountPath: '/etc/cni/net.d', readOnly: false },
      { name: 'host-etc-os-release', mountPath: '/etc/os-release', readOnly: true },
    ]);
    const volumes = volumesByName(spec);
    expect(volumes['cni-bin-dir'].hostPath).toEqual({ path: '/home/kubernetes/bin', type: 'DirectoryOrCreate' });
    expect(volumes['cni-net-dir'].hostPath).toEqual({ path: '/etc/cni/conf.d', type: 'DirectoryOrCreate' });
    expect(agent.cniBinDir).toBe('/home/kubernetes/bin');
    expect(agent.cniConfDir).toBe('/etc/cni/conf.d');
  });

  test('the installer runs before the user\'s init containers', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'cni', {
      ...API,
      cniInstaller: { image: CILIUM },
      initContainers: [{ name: 'mount-bpf-fs', image: CILIUM, privileged: true }],
    });
    const spec = podSpec(synth(chart));
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['install-cni', 'mount-bpf-fs']);
  });
});

describe('NetworkAgent overrides', () => {
  test('loadKernelModules adds SYS_MODULE', () => {
    const chart = newChart();
    const agent = new NetworkAgent(chart, 'kube-proxy', { ...API, loadKernelModules: true });
    expect(container(synth(chart)).securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_MODULE'] });
    expect(agent.capabilities).toEqual([Capability.NET_ADMIN, Capability.NET_RAW, Capability.SYS_MODULE]);
  });

  test('addCapabilities replaces the list; loadKernelModules still adds SYS_MODULE once', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'a', { ...API, addCapabilities: [Capability.NET_ADMIN], loadKernelModules: true });
    expect(container(synth(chart)).securityContext.capabilities.add).toEqual(['NET_ADMIN', 'SYS_MODULE']);
    const chart2 = newChart();
    new NetworkAgent(chart2, 'a', { ...API, addCapabilities: [Capability.NET_ADMIN, Capability.SYS_MODULE], loadKernelModules: true });
    expect(container(synth(chart2)).securityContext.capabilities.add).toEqual(['NET_ADMIN', 'SYS_MODULE']);
  });

  test('healthPort and healthPath move the port, the probes and the bind address', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, healthPort: 10266, healthPath: '/healthz' });
    const main = container(synth(chart));
    expect(main.ports[0]).toEqual({ containerPort: 10266, name: 'healthz', protocol: 'TCP' });
    expect(main.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 10266, scheme: 'HTTP' });
    expect(main.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 10266, scheme: 'HTTP' });
    expect(main.args).toContain('--healthz-bind-address=0.0.0.0:10266');
  });

  test('extraArgs are appended to the default args, and to the user\'s', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, extraArgs: ['--cluster-cidr=10.244.0.0/16'] });
    const args = container(synth(chart)).args;
    expect(args[0]).toBe('--hostname-override=$(NODE_NAME)');
    expect(args[args.length - 1]).toBe('--cluster-cidr=10.244.0.0/16');
    expect(args).toHaveLength(8);
    const chart2 = newChart();
    // (a config file of the user's: accepted only privileged, see the sysctl tests)
    new NetworkAgent(chart2, 'kube-proxy', { args: ['--config=/etc/kube-proxy/config.yaml'], extraArgs: ['--v=2'], privileged: true });
    expect(container(synth(chart2)).args).toEqual(['--config=/etc/kube-proxy/config.yaml', '--v=2']);
  });

  test('apiServerHost and apiServerPort set the in-cluster client variables; env is merged over them', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', {
      apiServerHost: '10.0.0.10',
      apiServerPort: 6443,
      env: { LOG_LEVEL: EnvValue.fromValue('info') },
    });
    expect(container(synth(chart)).env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.10' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
    const chart2 = newChart();
    new NetworkAgent(chart2, 'kube-proxy', { apiServerHost: 'api.example.com', apiServerPort: 443, env: { KUBERNETES_SERVICE_PORT: EnvValue.fromValue('8443') } });
    expect(container(synth(chart2)).env).toContainEqual({ name: 'KUBERNETES_SERVICE_PORT', value: '8443' });
  });

  test('user hostMounts are added to the lock and /lib/modules', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'cilium', {
      ...API,
      hostMounts: [HostMount.readWrite('/etc/cni/net.d', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'etc-cni-netd' })],
    });
    expect(container(synth(chart)).volumeMounts.map((m: any) => [m.mountPath, m.readOnly])).toEqual([
      ['/lib/modules', true],
      ['/run/xtables.lock', false],
      ['/etc/cni/net.d', false],
    ]);
  });

  test('user ports are added after the health and metrics ports; the probes keep using the health port', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, ports: [{ containerPort: 9090, name: 'debug' }] });
    const main = container(synth(chart));
    expect(main.ports).toEqual([
      { containerPort: 10256, name: 'healthz', protocol: 'TCP' },
      { containerPort: 10249, name: 'metrics', protocol: 'TCP' },
      { containerPort: 9090, name: 'debug', protocol: 'TCP' },
    ]);
    expect(main.livenessProbe.httpGet.port).toBe(10256);
  });

  test('labels and podAnnotations are merged with the preset\'s', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, labels: { tier: 'node' }, podAnnotations: { 'example.com/owner': 'network' } });
    const daemonSet = only(synth(chart), 'DaemonSet');
    expect(daemonSet.metadata.labels).toMatchObject({ 'tier': 'node', 'app.kubernetes.io/component': 'networking' });
    expect(daemonSet.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'network' });
  });

  test('tolerations: [] replaces every-taint with none', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, tolerations: [] });
    expect(podSpec(synth(chart)).tolerations).toBeUndefined();
  });

  test('the CNI installer\'s settings follow the same rule: runAsGroup replaces, hostMounts are added', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'cni', {
      ...API,
      cniInstaller: { image: CILIUM, runAsGroup: 1000, hostMounts: [HostMount.readOnly('/etc/os-release')] },
    });
    const installer = podSpec(synth(chart)).initContainers[0];
    expect(installer.securityContext.runAsGroup).toBe(1000);
    expect(installer.volumeMounts.map((m: any) => m.name)).toEqual(['cni-bin-dir', 'cni-net-dir', 'host-etc-os-release']);
  });

  test('fails when the CNI installer runs as a non-root user: it could not write the directories the kubelet creates as root', () => {
    const chart = newChart();
    expect(() => new NetworkAgent(chart, 'cni', { cniInstaller: { image: CILIUM, runAsUser: 1000 } })).toThrow(
      /initContainers\[0\]\.hostMounts\[0\]\.type: got "DirectoryOrCreate"; the kubelet creates \/opt\/cni\/bin owned by root, which user 1000 cannot write/,
    );
  });

  test('a CNI agent: the user\'s image, command, args, RBAC, probes, grace period and rollout win', () => {
    // GIVEN a Cilium-like agent
    const chart = newChart({ namespace: 'cilium' });
    const agent = new NetworkAgent(chart, 'cilium', {
      image: CILIUM,
      command: ['cilium-agent'],
      args: ['--config-dir=/tmp/cilium/config-map'],
      healthPort: 9879,
      healthPath: '/healthz',
      rbacRules: [{ apiGroups: ['cilium.io'], resources: ['ciliumnodes'], verbs: ['get', 'list', 'watch', 'update'] }],
      startup: Probe.fromHttpGet('/healthz', { port: 9879, failureThreshold: 105 }),
      terminationGracePeriodSeconds: 1,
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(2) }),
      priorityClassName: 'network-critical',
      tolerations: [Toleration.exists('node.cilium.io/agent-not-ready')],
      cniInstaller: { image: CILIUM, command: ['/install-plugin.sh'] },
    });
    // WHEN
    const objects = synth(chart);
    const spec = podSpec(objects);
    const main = container(objects);
    // THEN
    expect(agent.image).toBe(CILIUM);
    expect(main.image).toBe(CILIUM);
    expect(main.command).toEqual(['cilium-agent']);
    expect(main.args).toEqual(['--config-dir=/tmp/cilium/config-map']);
    expect(main.ports).toEqual([{ containerPort: 9879, name: 'healthz', protocol: 'TCP' }]);
    expect(main.startupProbe.httpGet).toEqual({ path: '/healthz', port: 9879, scheme: 'HTTP' });
    expect(main.livenessProbe.httpGet.port).toBe(9879);
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: ['cilium.io'], resources: ['ciliumnodes'], verbs: ['get', 'list', 'watch', 'update'] }]);
    expect(spec.terminationGracePeriodSeconds).toBe(1);
    expect(spec.priorityClassName).toBe('network-critical');
    expect(spec.tolerations).toEqual([{ key: 'node.cilium.io/agent-not-ready', operator: 'Exists' }]);
    expect(only(objects, 'DaemonSet').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } });
    expect(only(objects, 'DaemonSet').metadata.namespace).toBe('cilium');
    expect(only(objects, 'DaemonSet').metadata.labels['app.kubernetes.io/version']).toBe('v1.16.5');
  });

  test('name, namespace and privileged can be set (kube-proxy in IPVS mode)', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'proxy', { ...API, name: 'kube-proxy-ipvs', namespace: 'networking', privileged: true, extraArgs: ['--proxy-mode=ipvs'] });
    const objects = synth(chart);
    const daemonSet = only(objects, 'DaemonSet');
    expect(daemonSet.metadata.name).toBe('kube-proxy-ipvs');
    expect(daemonSet.metadata.namespace).toBe('networking');
    expect(container(objects).securityContext.privileged).toBe(true);
  });

  test('the docs\' example: kube-proxy\'s conntrack tuning from a privileged --init-only init container', () => {
    // GIVEN (the same code as the README section of NetworkAgent)
    const chart = newChart();
    const image = 'registry.k8s.io/kube-proxy:v1.31.14';
    const apiServer = { KUBERNETES_SERVICE_HOST: EnvValue.fromValue('10.0.0.10'), KUBERNETES_SERVICE_PORT: EnvValue.fromValue('6443') };
    const flags = ['--hostname-override=$(NODE_NAME)', '--cluster-cidr=10.244.0.0/16'];
    new NetworkAgent(chart, 'kube-proxy', {
      apiServerHost: '10.0.0.10',
      apiServerPort: 6443,
      args: flags,
      initContainers: [{
        name: 'kube-proxy-init',
        image,
        command: ['/usr/local/bin/kube-proxy', '--init-only', ...flags],
        env: { NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME), ...apiServer },
        // Writing /proc/sys and /sys needs privileged; this container exits before the agent starts.
        privileged: true,
      }],
    });
    // WHEN
    const spec = podSpec(synth(chart));
    // THEN
    expect(spec.initContainers.map((c: any) => [c.name, c.securityContext.privileged])).toEqual([['kube-proxy-init', true]]);
    expect(spec.initContainers[0].command).toEqual(['/usr/local/bin/kube-proxy', '--init-only', '--hostname-override=$(NODE_NAME)', '--cluster-cidr=10.244.0.0/16']);
    expect(spec.containers[0].securityContext.privileged).toBe(false);
    expect(spec.containers[0].securityContext.capabilities.add).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect(spec.containers[0].args).toEqual(flags);
  });
});

describe('NetworkAgent and the API server', () => {
  test('a host name as endpoint: the in-cluster variables point at it and the node\'s resolver finds it', () => {
    // GIVEN a CNI agent (not kube-proxy) given the control-plane endpoint by name
    const chart = newChart();
    new NetworkAgent(chart, 'cilium', { image: CILIUM, command: ['cilium-agent'], args: [], apiServerHost: 'api.cluster.example.com', apiServerPort: 443 });
    // WHEN
    const objects = synth(chart);
    // THEN
    expect(podSpec(objects).dnsPolicy).toBe('Default');
    expect(container(objects).env).toContainEqual({ name: 'KUBERNETES_SERVICE_HOST', value: 'api.cluster.example.com' });
  });

  test('a CNI agent with an IP endpoint, or none, keeps the cluster DNS (ClusterFirstWithHostNet)', () => {
    for (const api of [{ apiServerHost: '10.0.0.10', apiServerPort: 6443 }, {}]) {
      const chart = newChart();
      new NetworkAgent(chart, 'cilium', { image: CILIUM, command: ['cilium-agent'], args: [], ...api });
      expect(podSpec(synth(chart)).dnsPolicy).toBe('ClusterFirstWithHostNet');
    }
  });

  test('kube-proxy with an IPv6 endpoint uses the node\'s resolver too', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { apiServerHost: 'fd00::10', apiServerPort: 6443 });
    const objects = synth(chart);
    expect(podSpec(objects).dnsPolicy).toBe('Default');
    expect(container(objects).env).toContainEqual({ name: 'KUBERNETES_SERVICE_HOST', value: 'fd00::10' });
  });

  test('a kubeconfig or config file in args, or KUBERNETES_SERVICE_HOST in env, stands in for apiServerHost', () => {
    // GIVEN kube-proxy with each client configuration kube-proxy accepts
    const inputs = [
      { args: ['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'], privileged: true },
      { extraArgs: ['--kubeconfig=/var/lib/kube-proxy/kubeconfig.conf'] },
      { extraArgs: ['--master=https://10.0.0.10:6443'] },
      { env: { KUBERNETES_SERVICE_HOST: EnvValue.fromValue('10.0.0.10'), KUBERNETES_SERVICE_PORT: EnvValue.fromValue('6443') } },
    ];
    for (const props of inputs) {
      const chart = newChart();
      // WHEN
      new NetworkAgent(chart, 'kube-proxy', props);
      // THEN no KUBERNETES_SERVICE_* variable is invented, and the node's resolver is used
      const objects = synth(chart);
      expect(podSpec(objects).dnsPolicy).toBe('Default');
      const env = container(objects).env.map((e: any) => e.name);
      expect(env.includes('KUBERNETES_SERVICE_HOST')).toBe(props.env !== undefined);
    }
  });

  test('fails when kube-proxy has no way to reach the API server', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy'))
      .toThrow(/apiServerHost: got undefined; kube-proxy needs the API server's address: without --kubeconfig or --master it connects to the "kubernetes" Service's cluster IP, which only kube-proxy itself makes reachable[^\n]*Give apiServerHost and apiServerPort/);
    // a flag that only looks like one does not count
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { extraArgs: ['--kubeconfigs=/x'] })).toThrow(/apiServerHost: got undefined/);
  });

  test('a CNI agent (another command) does not need it', () => {
    const chart = newChart();
    const agent = new NetworkAgent(chart, 'calico', { image: 'quay.io/calico/node:v3.29.1', command: ['start_runit'], args: [] });
    expect(agent.isKubeProxy).toBe(false);
    expect(agent.metricsPort).toBeUndefined();
    const main = container(synth(chart));
    expect(main.ports).toEqual([{ containerPort: 10256, name: 'healthz', protocol: 'TCP' }]);
    expect(main.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });
});

describe('NetworkAgent on the preset base', () => {
  test('a CPU-only resources override keeps the preset\'s memory request and limit', () => {
    // GIVEN only a CPU request
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, resources: { cpu: { request: Cpu.millis(250) } } });
    // THEN memory stays kube-proxy's 64Mi/512Mi
    expect(container(synth(chart)).resources).toEqual({ requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '512Mi' } });
  });

  test('namespace and grace period fall back to kube-system and 5 s, and the user\'s win', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, namespace: 'networking', terminationGracePeriodSeconds: 20 });
    const objects = synth(chart);
    expect(only(objects, 'DaemonSet').metadata.namespace).toBe('networking');
    expect(podSpec(objects).terminationGracePeriodSeconds).toBe(20);
  });

  test('fails once, naming the user\'s construct, with the preset\'s and the core\'s problems together', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { image: 'registry.k8s.io/kube-proxy:latest' }))
      .toThrow(/2 invalid props for NetworkAgent 'test\/kube-proxy':\n {2}- apiServerHost: got undefined; kube-proxy needs[^\n]*\n {2}- image: got "registry.k8s.io\/kube-proxy:latest"/);
  });
});

describe('NetworkAgent metrics', () => {
  test('a PodMonitor scrapes kube-proxy\'s port named metrics', () => {
    // GIVEN kube-proxy with a PodMonitor
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, metrics: AgentMetrics.podMonitor() });
    // WHEN
    const monitor = only(synth(chart), 'PodMonitor');
    // THEN it scrapes the declared port by name
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics' })]);
  });

  test('metricsPort moves the declared port and the bind address', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'kube-proxy', { ...API, metricsPort: 10259 });
    const main = container(synth(chart));
    expect(main.ports).toContainEqual({ containerPort: 10259, name: 'metrics', protocol: 'TCP' });
    expect(main.args).toContain('--metrics-bind-address=[$(HOST_IP)]:10259');
  });

  test('fails when metricsPort is given to a CNI agent or is not a port', () => {
    expect(() => new NetworkAgent(newChart(), 'cilium', { image: CILIUM, command: ['cilium-agent'], metricsPort: 9962 }))
      .toThrow(/metricsPort: got 9962; only applies to kube-proxy/);
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { ...API, metricsPort: 0 }))
      .toThrow(/metricsPort: got 0; expected an integer port number/);
  });
});

describe('NetworkAgent input checks', () => {
  test('fails when healthPort is not a port number', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { ...API, healthPort: 70000 }))
      .toThrow(/Invalid props for NetworkAgent 'test\/kube-proxy':\n {2}- healthPort: got 70000; expected an integer port number from 1 to 65535/);
  });

  test('fails when healthPath is not an absolute HTTP path', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { ...API, healthPath: 'livez' }))
      .toThrow(/healthPath: got "livez"; expected an HTTP path starting with "\/"/);
  });

  test('fails when a CNI directory is given without a CNI installer', () => {
    expect(() => new NetworkAgent(newChart(), 'cni', { ...API, cniBinDir: '/opt/cni/bin' }))
      .toThrow(/cniBinDir: got "\/opt\/cni\/bin"; only the cniInstaller init container mounts it; add `cniInstaller` or remove it/);
  });

  test('fails when a CNI directory is not an absolute path', () => {
    expect(() => new NetworkAgent(newChart(), 'cni', { ...API, cniConfDir: 'etc/cni', cniInstaller: { image: CILIUM } }))
      .toThrow(/cniConfDir: got "etc\/cni"; expected an absolute path/);
  });

  test('fails when an installer mount path is not absolute', () => {
    expect(() => new NetworkAgent(newChart(), 'cni', { ...API, cniInstaller: { image: CILIUM, binMountPath: 'host/bin' } }))
      .toThrow(/cniInstaller.binMountPath: got "host\/bin"; expected an absolute path inside the container/);
  });

  test('fails when only one of apiServerHost and apiServerPort is given', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { apiServerHost: '10.0.0.10' }))
      .toThrow(/apiServerHost: got "10.0.0.10"; give apiServerPort too \(both or neither\)/);
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { apiServerPort: 6443 }))
      .toThrow(/apiServerPort: got 6443; give apiServerHost too \(both or neither\)/);
  });

  test('fails when apiServerHost is a URL or apiServerPort is not a port', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { apiServerHost: 'https://10.0.0.10:6443', apiServerPort: 0 }))
      .toThrow(/2 invalid props for NetworkAgent 'test\/kube-proxy':\n {2}- apiServerHost: got "https:\/\/10.0.0.10:6443"; expected a host name or IP address without scheme or port[^\n]*\n {2}- apiServerPort: got 0; expected an integer port number/);
  });

  test('fails (in the core) when the image is not pinned', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { ...API, image: 'registry.k8s.io/kube-proxy:latest' }))
      .toThrow(/image: got "registry.k8s.io\/kube-proxy:latest"; expected a pinned version/);
  });

  test('fails (in the core) when a user port repeats the preset\'s health port name', () => {
    expect(() => new NetworkAgent(newChart(), 'kube-proxy', { ...API, ports: [{ containerPort: 10266, name: 'healthz' }] }))
      .toThrow(/ports: got "healthz"; each port name may appear only once/);
  });
});

describe('NetworkAgent imagePlatforms', () => {
  const platformsOf = (props: NetworkAgentProps) => platformsDeclaredBy((chart) => new NetworkAgent(chart, 'kube-proxy', props));

  test('declared for the default kube-proxy image: the Kubernetes 1.31 server platforms', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf(API)).toBe('linux/amd64,linux/arm64,linux/ppc64le,linux/s390x');
  });

  test('cleared by an image of your own, and by a CNI installer (always your image)', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ ...API, image: 'registry.k8s.io/kube-proxy:v1.32.0' })).toBeUndefined();
    expect(platformsOf({ ...API, cniInstaller: { image: 'quay.io/cilium/cilium:v1.16.5' } })).toBeUndefined();
  });

  test('yours wins', () => {
    // GIVEN / WHEN / THEN
    expect(platformsOf({ ...API, imagePlatforms: ['linux/amd64'] })).toBe('linux/amd64');
    expect(platformsOf({ ...API, cniInstaller: { image: 'quay.io/cilium/cilium:v1.16.5' }, imagePlatforms: ['linux/amd64', 'linux/arm64'] })).toBe('linux/amd64,linux/arm64');
  });
});

describe('NetworkAgent: kube-proxy settings that fail on the node are refused (issue 19)', () => {
  const make = (props: any) => () => new NetworkAgent(newChart(), 'kube-proxy', { apiServerHost: '10.0.0.10', apiServerPort: 6443, ...props });

  test('fails when an extra argument is not a flag (kube-proxy exits on positional arguments)', () => {
    expect(make({ extraArgs: ['cluster-cidr=10.244.0.0/16'] })).toThrow(/extraArgs\[0\]: got "cluster-cidr=10.244.0.0\/16"; kube-proxy takes flags only/);
  });

  test('fails without the host network, on a read-only root filesystem, and in IPVS mode', () => {
    expect(make({ hostNetwork: false })).toThrow(/hostNetwork: got false; kube-proxy programs the rules of the network namespace it runs in/);
    expect(make({ readOnlyRootFilesystem: true })).toThrow(/readOnlyRootFilesystem: got true; kube-proxy's iptables wrapper relinks/);
    expect(make({ extraArgs: ['--proxy-mode=ipvs'] })).toThrow(/extraArgs\[0\]: got "--proxy-mode=ipvs"; IPVS mode writes net\/ipv4\/vs sysctls/);
  });

  test('a CNI agent (another command) may run without the host network', () => {
    const chart = newChart();
    new NetworkAgent(chart, 'cni', { command: ['/usr/bin/cni-agent'], hostNetwork: false, readOnlyRootFilesystem: true });
    expect(podSpec(synth(chart)).hostNetwork).toBe(false);
  });
});

describe('NetworkAgent: kube-proxy writes no sysctl, whichever way it is configured (issue 19)', () => {
  /** A NetworkAgent's problems, or [] when it is accepted. */
  const problemsOf = (props: NetworkAgentProps): string => {
    try {
      new NetworkAgent(newChart(), 'kube-proxy', props);
      return '';
    } catch (e: any) {
      return e.message;
    }
  };

  test('your args without the no-sysctl flags are refused, naming the missing flags', () => {
    // GIVEN kube-proxy configured with a kubeconfig in args, the way kubeadm's docs show
    const message = problemsOf({ args: ['--kubeconfig=/var/lib/kube-proxy/kubeconfig.conf', '--hostname-override=$(NODE_NAME)'] });
    // THEN the error says which flags keep kube-proxy from writing /proc/sys
    expect(message).toMatch(/args: got "\[--kubeconfig=\/var\/lib\/kube-proxy\/kubeconfig.conf, --hostname-override=\$\(NODE_NAME\)\]"; replaces the preset's flags, and without --conntrack-max-per-core=0, --conntrack-tcp-timeout-established=0s, --conntrack-tcp-timeout-close-wait=0s, --iptables-localhost-nodeports=false kube-proxy uses its own defaults/);
  });

  test('your args with the no-sysctl flags are accepted; nftables needs no localhost-NodePorts flag', () => {
    const safe = ['--conntrack-max-per-core=0', '--conntrack-tcp-timeout-established=0s', '--conntrack-tcp-timeout-close-wait=0s'];
    expect(problemsOf({ args: ['--kubeconfig=/k', ...safe, '--iptables-localhost-nodeports=false'] })).toBe('');
    expect(problemsOf({ args: ['--kubeconfig=/k', ...safe, '--proxy-mode=nftables'] })).toBe('');
    expect(problemsOf({ args: ['--kubeconfig=/k', ...safe] })).toMatch(/without --iptables-localhost-nodeports=false kube-proxy/);
  });

  test.each([
    ['--conntrack-max-per-core=32768'],
    ['--conntrack-tcp-timeout-close-wait=1h0m0s'],
    ['--conntrack-tcp-be-liberal'],
    ['--conntrack-udp-timeout=30s'],
    ['--iptables-localhost-nodeports=true'],
  ])('fails when extraArgs %s would make kube-proxy write a sysctl', (arg) => {
    expect(problemsOf({ ...API, extraArgs: [arg] })).toMatch(new RegExp(`extraArgs\\[0\\]: got "${arg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"; makes kube-proxy write a sysctl at start, which this unprivileged container cannot`));
  });

  test('a zero written another way is still zero; privileged or a privileged --init-only init container lifts the check', () => {
    expect(problemsOf({ ...API, extraArgs: ['--conntrack-tcp-timeout-established=0h0m0s'] })).toBe('');
    expect(problemsOf({ ...API, extraArgs: ['--conntrack-max-per-core=32768'], privileged: true })).toBe('');
    expect(problemsOf({
      ...API,
      extraArgs: ['--conntrack-max-per-core=32768'],
      initContainers: [{ name: 'init', image: KUBE_PROXY, command: ['/usr/local/bin/kube-proxy', '--init-only', '--conntrack-max-per-core=32768'], privileged: true }],
    })).toBe('');
  });

  test('fails when a config file of your own is given unprivileged: its settings are out of sight', () => {
    expect(problemsOf({ ...API, args: ['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'] }))
      .toMatch(/args\[0\]: got "--config=\/var\/lib\/kube-proxy\/config.conf"; makes kube-proxy take every setting from that file[^\n]*Use `configFile: true`/);
  });

  test('clusterCidr and proxyMode become flags', () => {
    // GIVEN
    const chart = newChart();
    const agent = new NetworkAgent(chart, 'kube-proxy', { ...API, clusterCidr: '10.244.0.0/16,fd00:10:244::/56', proxyMode: KubeProxyMode.NFTABLES });
    // THEN
    const args = container(synth(chart)).args;
    expect(args).toContain('--cluster-cidr=10.244.0.0/16,fd00:10:244::/56');
    expect(args).toContain('--proxy-mode=nftables');
    expect(agent.proxyMode).toBe(KubeProxyMode.NFTABLES);
  });

  test.each([
    [{ clusterCidr: '10.244.0.0' }, /clusterCidr: got "10.244.0.0"; expected the cluster's pod CIDR/],
    [{ clusterCidr: '10.244.0.0/16,10.245.0.0/16' }, /clusterCidr: got "10.244.0.0\/16,10.245.0.0\/16"; expected/],
    [{ proxyMode: KubeProxyMode.IPVS }, /proxyMode: got "ipvs"; IPVS mode writes net\/ipv4\/vs sysctls/],
    [{ clusterCidr: '10.244.0.0/16', args: ['--v=2'] }, /clusterCidr: got "10.244.0.0\/16"; only makes kube-proxy arguments, which `args` replaces whole/],
    [{ configFile: true, extraArgs: ['--cluster-cidr=10.244.0.0/16'] }, /extraArgs\[0\]: got "--cluster-cidr=10.244.0.0\/16"; kube-proxy ignores flags other than --hostname-override and logging/],
    [{ command: ['cilium-agent'], image: CILIUM, clusterCidr: '10.0.0.0/8' }, /clusterCidr: got "10.0.0.0\/8"; only applies to kube-proxy/],
  ])('fails when %j', (props, message) => {
    expect(problemsOf({ ...API, ...props } as NetworkAgentProps)).toMatch(message);
  });

  describe('configFile: the kubeadm way, a KubeProxyConfiguration in the preset\'s ConfigMap', () => {
    // GIVEN
    const chart = newChart();
    const agent = new NetworkAgent(chart, 'kube-proxy', { ...API, configFile: true, clusterCidr: '10.244.0.0/16', extraArgs: ['--v=2'] });
    // WHEN
    const objects = synth(chart);
    const configMap = only(objects, 'ConfigMap');
    const config = yamlParser().parse(configMap.data['config.conf']);

    test('kube-proxy reads the file, with --hostname-override as kubeadm runs it', () => {
      expect(agent.configFile).toBe(true);
      expect(configMap.metadata.name).toBe('kube-proxy-config');
      expect(container(objects).args).toEqual(['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)', '--v=2']);
      expect(container(objects).volumeMounts).toContainEqual({ name: 'kube-proxy-config', mountPath: '/var/lib/kube-proxy', readOnly: true });
      expect(volumesByName(podSpec(objects))['kube-proxy-config'].configMap.name).toBe('kube-proxy-config');
      expect(podSpec(objects) && only(objects, 'DaemonSet').spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    });

    test('the file leaves conntrack and route_localnet to the node, and serves health and metrics where the probes and scrapers look', () => {
      expect(config).toEqual({
        apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
        kind: 'KubeProxyConfiguration',
        mode: 'iptables',
        clusterCIDR: '10.244.0.0/16',
        healthzBindAddress: '0.0.0.0:10256',
        metricsBindAddress: '0.0.0.0:10249',
        conntrack: { maxPerCore: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
        iptables: { localhostNodePorts: false },
      });
      expect(container(objects).ports).toEqual(expect.arrayContaining([{ containerPort: 10256, name: 'healthz', protocol: 'TCP' }, { containerPort: 10249, name: 'metrics', protocol: 'TCP' }]));
    });
  });
});
