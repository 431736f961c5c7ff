import { Size } from 'cdk8s';
import { Capability, Cpu, EnvValue, MountPropagation, Probe, Protocol, SeccompProfileType, TaintEffect } from 'cdk8s-plus-28';
import { AgentVolume, DaemonSet, DaemonSetProps, HostMount, IntOrPercent, NodeAffinityTerm, NodeRequirement, Toleration, UpdateStrategy } from '../src';
import { newChart, synth } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';

function make(props: Partial<DaemonSetProps>, id = 'agent') {
  return () => new DaemonSet(newChart(), id, { image: IMAGE, ...props });
}

describe('fails when', () => {
  test.each([
    ['registry.example.com/agent', /image: got "registry.example.com\/agent"; expected a tag or digest/],
    ['registry.example.com/agent:latest', /image: got "registry.example.com\/agent:latest"; expected a pinned version/],
    ['Registry/Agent:1.0', /image: got "Registry\/Agent:1.0"; expected a valid image reference/],
    [' agent:1.0', /image: .*without surrounding spaces/],
    ['', /image: got ""/],
  ])('the image is %j', (image, error) => {
    expect(make({ image })).toThrow(error);
  });

  test('the image is pinned by digest and tagged latest: accepted', () => {
    expect(make({ image: `registry.example.com/agent:latest@sha256:${'0'.repeat(64)}` })).not.toThrow();
  });

  test('a host path is relative or climbs with ..', () => {
    expect(make({ hostMounts: [HostMount.readOnly('var/log')] })).toThrow(/hostMounts\[0\]\.path: got "var\/log"; expected an absolute path/);
    expect(make({ hostMounts: [HostMount.readOnly('/var/../etc')] })).toThrow(/hostMounts\[0\]\.path: got "\/var\/..\/etc"/);
  });

  test('a mount path is relative', () => {
    expect(make({ hostMounts: [HostMount.readOnly('/proc', { mountPath: 'host/proc' })] })).toThrow(/hostMounts\[0\]\.mountPath: got "host\/proc"/);
  });

  test('two mounts use the same mount path', () => {
    expect(make({ hostMounts: [HostMount.readOnly('/proc', { mountPath: '/host' }), HostMount.readOnly('/sys', { mountPath: '/host' })] }))
      .toThrow(/got "\/host"; each mount path may appear only once/);
  });

  test('two different host paths claim the same volume name', () => {
    expect(make({ hostMounts: [HostMount.readOnly('/proc', { volumeName: 'host' }), HostMount.readOnly('/sys', { volumeName: 'host', mountPath: '/s' })] }))
      .toThrow(/hostMounts\[1\]\.volumeName: got "host"; already names another volume/);
  });

  test('Bidirectional propagation in an unprivileged container', () => {
    expect(make({ hostMounts: [HostMount.readWrite('/var/lib/kubelet', { propagation: MountPropagation.BIDIRECTIONAL })] }))
      .toThrow(/hostMounts\[0\]\.propagation: got "Bidirectional"; Bidirectional propagation is only allowed in a privileged container/);
  });

  test.each([0, 65536, -1, 1.5])('a container port is %p', (port) => {
    expect(make({ ports: [{ containerPort: port }] })).toThrow(new RegExp(`ports\\[0\\]\\.containerPort: got ${port}; expected an integer port number from 1 to 65535`));
  });

  test('a host port is out of range, or differs from the container port with hostNetwork', () => {
    expect(make({ ports: [{ containerPort: 80, hostPort: 70000 }] })).toThrow(/ports\[0\]\.hostPort: got 70000/);
    expect(make({ hostNetwork: true, ports: [{ containerPort: 9100, hostPort: 9200 }] })).toThrow(/ports\[0\]\.hostPort: got 9200; with hostNetwork the host port must equal containerPort \(9100\)/);
  });

  test('port names are invalid or repeated', () => {
    expect(make({ ports: [{ containerPort: 80, name: 'this-name-is-far-too-long' }] })).toThrow(/ports\[0\]\.name: got "this-name-is-far-too-long"; expected a port name/);
    expect(make({ ports: [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }] })).toThrow(/ports: got "http"; each port name may appear only once/);
    expect(make({ ports: [{ containerPort: 80 }, { containerPort: 80, protocol: Protocol.TCP }] })).toThrow(/got "80\/TCP"; each containerPort\/protocol/);
  });

  test('the update strategy has maxUnavailable and maxSurge both 0', () => {
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(0) }) }))
      .toThrow(/updateStrategy\.maxUnavailable: got "0 with maxSurge 0"; expected maxUnavailable or maxSurge above 0/);
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(0), maxSurge: IntOrPercent.percent(0) }) }))
      .toThrow(/maxUnavailable or maxSurge above 0/);
  });

  test('the update strategy has maxUnavailable and maxSurge both non-zero', () => {
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(1), maxSurge: IntOrPercent.percent(10) }) }))
      .toThrow(/updateStrategy\.maxSurge: got "10% with maxUnavailable 1"; Kubernetes allows only one of maxUnavailable and maxSurge to be non-zero/);
  });

  test('the update strategy is negative, fractional or above 100%', () => {
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(-1) }) }))
      .toThrow(/updateStrategy\.maxUnavailable: got "-1"; expected a non-negative integer count/);
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(150) }) }))
      .toThrow(/updateStrategy\.maxUnavailable: got "150%"; expected an integer percentage from 0 to 100/);
    expect(make({ updateStrategy: UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.absolute(1.5) }) }))
      .toThrow(/updateStrategy\.maxSurge: got "1.5"/);
  });

  test('a surge is asked for with host ports', () => {
    const updateStrategy = UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.absolute(1), maxUnavailable: IntOrPercent.absolute(0) });
    expect(make({ hostNetwork: true, ports: [{ containerPort: 9100 }], updateStrategy }))
      .toThrow(/updateStrategy\.maxSurge: got "1"; a surge rollout starts the new pod beside the old one/);
  });

  test('names are not DNS-1123 labels', () => {
    expect(make({ name: 'Agent' })).toThrow(/name: got "Agent"; expected a DNS-1123 label/);
    expect(make({ namespace: 'kube_system' })).toThrow(/namespace: got "kube_system"; expected a DNS-1123 label/);
    expect(make({ containerName: 'main.container' })).toThrow(/containerName: got "main.container"/);
  });

  test('label keys or values are invalid', () => {
    expect(make({ labels: { 'bad key': 'x' } })).toThrow(/labels\.bad key: got "bad key"; expected a qualified name/);
    expect(make({ labels: { team: 'a b' } })).toThrow(/labels\.team: got "a b"; expected a label value/);
    expect(make({ nodeSelector: { 'kubernetes.io/os': '-linux' } })).toThrow(/nodeSelector\.kubernetes\.io\/os: got "-linux"/);
  });

  test('tolerations are inconsistent', () => {
    expect(make({ tolerations: [Toleration.exists('a', { effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: 10 })] }))
      .toThrow(/tolerations\[0\]: got .*tolerationSeconds is only valid with effect NoExecute/);
    expect(make({ tolerations: [Toleration.exists('')] })).toThrow(/tolerations\[0\]: .*an empty key is only valid as Toleration.all\(\)/);
    expect(make({ tolerations: [Toleration.equal('a', 'not valid!')] })).toThrow(/tolerations\[0\]\.value: got "not valid!"/);
  });

  test('affinity operators have the wrong values', () => {
    expect(make({ requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.in('zone', []))] }))
      .toThrow(/requiredNodeAffinity\[0\]\.requirements\[0\]: got \[\]; In needs at least one value/);
    expect(make({ requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.gt('cores', 1.5))] }))
      .toThrow(/Gt needs exactly one integer value/);
    expect(make({ requiredNodeAffinity: [NodeAffinityTerm.allOf()] })).toThrow(/requiredNodeAffinity\[0\]: got "an empty term"; an empty term matches no node/);
  });

  test('runAsNonRoot is true with runAsUser 0', () => {
    expect(make({ runAsUser: 0, runAsNonRoot: true })).toThrow(/runAsNonRoot: got true; runAsUser is 0 \(root\), so the kubelet would refuse/);
  });

  test('allowPrivilegeEscalation is false with privileged or SYS_ADMIN', () => {
    expect(make({ privileged: true, allowPrivilegeEscalation: false })).toThrow(/allowPrivilegeEscalation: got false; a privileged container always allows privilege escalation/);
    expect(make({ addCapabilities: [Capability.SYS_ADMIN], allowPrivilegeEscalation: false })).toThrow(/allowPrivilegeEscalation: got false; CAP_SYS_ADMIN/);
  });

  test('ALL is added as a capability', () => {
    expect(make({ addCapabilities: [Capability.ALL] })).toThrow(/addCapabilities\[0\]: got "ALL"/);
  });

  test('a memory or CPU request is above its limit', () => {
    expect(make({ resources: { memory: { request: Size.mebibytes(256), limit: Size.mebibytes(128) } } }))
      .toThrow(/resources\.memory\.request: got "256Mi"; must not exceed the memory limit \(128Mi\)/);
    expect(make({ resources: { cpu: { request: Cpu.units(2), limit: Cpu.millis(500) } } }))
      .toThrow(/resources\.cpu\.request: got "2"; must not exceed the CPU limit \(500m\)/);
  });

  test('a quantity is negative', () => {
    expect(make({ resources: { cpu: { request: Cpu.millis(-5) } } })).toThrow(/resources\.cpu\.request: got "-5m"; expected a quantity of at least 0/);
  });

  test('a quantity does not parse', () => {
    expect(make({ resources: { cpu: { request: Cpu.units(Number.NaN) } } })).toThrow(/resources\.cpu\.request: got "NaN"; expected a Kubernetes quantity/);
  });

  test('a probe targets a port the container does not declare (at synth, on the rendered pod)', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, ports: [{ containerPort: 8080 }], liveness: Probe.fromHttpGet('/healthz', { port: 9090 }) });
    expect(() => synth(chart)).toThrow(/liveness\.port: got 9090; the httpGet probe's port must be one of the container's ports \(8080\)/);
  });

  test('an init container has a probe', () => {
    expect(make({ initContainers: [{ name: 'setup', image: IMAGE, liveness: Probe.fromCommand(['true']) }] }))
      .toThrow(/initContainers\[0\]\.liveness: got "a probe"; init containers run to completion/);
  });

  test('container names repeat', () => {
    expect(make({ sidecars: [{ name: 'agent', image: IMAGE }] })).toThrow(/got "agent"; each container name may appear only once/);
  });

  test('a volume mount names no volume', () => {
    expect(make({ volumeMounts: [{ volumeName: 'config', mountPath: '/etc/agent' }] }))
      .toThrow(/volumeMounts\[0\]\.volumeName: got "config"; expected the name of a volume in `volumes` \(none declared\)/);
  });

  test('a volume is mounted by no container (it would be left out of the pod)', () => {
    // GIVEN a Secret volume and an emptyDir, only the emptyDir mounted (by a sidecar)
    const props = {
      volumes: [AgentVolume.fromSecret('tls', 'agent-tls'), AgentVolume.fromEmptyDir('tmp')],
      sidecars: [{ name: 'reloader', image: IMAGE, volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp' }] }],
    };
    // WHEN / THEN
    expect(make(props)).toThrow(/volumes\[0\]: got "tls"; no container mounts this volume/);
    expect(make(props)).not.toThrow(/volumes\[1\]/);
  });

  test('a negative grace period, history limit or minReadySeconds', () => {
    expect(make({ terminationGracePeriodSeconds: -1 })).toThrow(/terminationGracePeriodSeconds: got -1; expected a non-negative integer/);
    expect(make({ revisionHistoryLimit: -1 })).toThrow(/revisionHistoryLimit: got -1/);
    expect(make({ minReadySeconds: 1.5 })).toThrow(/minReadySeconds: got 1.5/);
  });

  test('rbac rules have no verbs or no resources', () => {
    expect(make({ rbacRules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] })).toThrow(/rbacRules\[0\]\.verbs: got \[\]; expected at least one verb/);
    expect(make({ rbacRules: [{ verbs: ['get'] }] })).toThrow(/rbacRules\[0\]: .*expected resources/);
  });

  test('the token is turned off while rbac rules are given', () => {
    expect(make({ automountServiceAccountToken: false, rbacRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }))
      .toThrow(/automountServiceAccountToken: got false; rbacRules grant API access/);
  });

  test('an environment variable name is invalid', () => {
    expect(make({ env: { '1BAD': EnvValue.fromValue('x') } })).toThrow(/env\.1BAD: got "1BAD"; expected an environment variable name/);
  });

  test('a subPath is absolute or climbs', () => {
    const volumes = [AgentVolume.fromEmptyDir('scratch')];
    expect(make({ volumes, volumeMounts: [{ volumeName: 'scratch', mountPath: '/s', subPath: '../x' }] })).toThrow(/volumeMounts\[0\]\.subPath: got "..\/x"/);
  });

  test('memory is not a whole number of MiB', () => {
    expect(make({ resources: { memory: { request: Size.kibibytes(1536) } } })).toThrow(/resources\.memory\.request: got 1.5; expected a whole, positive number of MiB/);
  });

  test('a user or group ID is out of range', () => {
    expect(make({ runAsUser: -1 })).toThrow(/runAsUser: got -1; expected an integer ID from 0 to 2147483647/);
    expect(make({ runAsGroup: 2 ** 31 })).toThrow(/runAsGroup: got 2147483648/);
  });

  test('a Localhost seccomp profile names no profile', () => {
    expect(make({ seccompProfile: { type: SeccompProfileType.LOCALHOST } })).toThrow(/seccompProfile: got .*a Localhost profile needs localhostProfile/);
  });

  test('a priority class or service account name is invalid', () => {
    expect(make({ priorityClassName: 'System_Critical' })).toThrow(/priorityClassName: got "System_Critical"; expected a DNS-1123 subdomain/);
    expect(make({ serviceAccountName: 'My SA' })).toThrow(/serviceAccountName: got "My SA"/);
  });

  test('an annotation key is invalid', () => {
    expect(make({ annotations: { 'a/b/c': 'x' } })).toThrow(/annotations\.a\/b\/c: got "a\/b\/c"; expected a qualified name/);
  });

  test('two agents share a namespace and name (at synth)', () => {
    const chart = newChart();
    new DaemonSet(chart, 'a', { image: IMAGE, name: 'agent' });
    new DaemonSet(chart, 'b', { image: IMAGE, name: 'agent' });
    expect(() => synth(chart)).toThrow(/'test\/a' and 'test\/b' both emit ServiceAccount "agent" \(in namespace "default"\), DaemonSet "agent" \(in namespace "default"\): names must be unique/);
  });

  test('several problems are reported together, with the construct path', () => {
    expect(make({ image: 'agent', name: 'Bad', ports: [{ containerPort: 0 }] }))
      .toThrow(/3 invalid props for DaemonSet 'test\/agent':\n {2}- name: .*\n {2}- image: .*\n {2}- ports\[0\]\.containerPort/);
  });
});

describe('host paths and mounts that slipped past the rules (issue 19)', () => {
  test.each(['/var/log//pods', '/var/./log', '/var/log/.'])('fails when a host path is not normalized: %s (the text rules would miss it)', (path) => {
    expect(make({ hostMounts: [HostMount.readOnly(path, { mountPath: '/host/logs' })] })).toThrow(/hostMounts\[0\]\.path: got "[^"]+"; expected a normalized path, without empty or "." segments/);
  });

  test.each([
    ['/var/log/journal', /journald writes its files as root:systemd-journal/],
    ['/run/containerd', /containerd's socket is root's/],
    ['/var/lib/containerd', /containerd's state is root's/],
    ['/etc/shadow', /the password hashes are root's/],
  ])('fails when the non-root default user reads %s', (path, why) => {
    expect(make({ hostMounts: [HostMount.readOnly(path, { mountPath: '/host/x' })] })).toThrow(why);
  });

  test.each(['/etc', '/usr', '/lib'])('fails when a host mount hides the container\'s own %s', (mountPath) => {
    expect(make({ hostMounts: [HostMount.readOnly('/etc', { mountPath })] })).toThrow(new RegExp(`hostMounts\\[0\\]\\.mountPath: got "${mountPath}"; a mount at "${mountPath}" hides the container's own`));
  });

  test('a mount below a system directory is accepted (/lib/modules, as kube-proxy mounts it)', () => {
    expect(make({ hostMounts: [HostMount.readOnly('/lib/modules')] })).not.toThrow();
  });
});
