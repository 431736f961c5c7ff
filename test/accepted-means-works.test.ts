/**
 * Issue 10: every input ends in a manifest that works on a node, or in the library's own error.
 * Each case is the input a user would write and the manifest or error they get.
 */
import { App, Chart } from 'cdk8s';
import { Capability, ContainerRestartPolicy, HostPathVolumeType, Probe } from 'cdk8s-plus-28';
import {
  AgentNamespace, AgentVolume, DaemonSet, Errors, HostMount, IntOrPercent, LogAgent, NetworkAgent, NodeExporter, NodeAffinityTerm,
  NodeRequirement, PodSecurityLevel, StorageDaemon, Toleration, UpdateStrategy,
} from '../src';
import { container, newChart, only, podSpec, synth, synthApp } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';

function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    expect(Errors.isValidationError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('files the agent mounts are readable by the user it runs as', () => {
  test('a non-root agent reads its Secret through the pod fsGroup and a group-readable mode', () => {
    // GIVEN the default user (65534) and a Secret volume
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      volumes: [AgentVolume.fromSecret('tls', 'agent-tls'), AgentVolume.fromConfigMap('config', 'agent-config')],
      volumeMounts: [{ volumeName: 'tls', mountPath: '/etc/tls' }, { volumeName: 'config', mountPath: '/etc/agent' }],
    });
    // THEN the files are root:65534 0440 (Secret) and 0444 (ConfigMap): the agent reads both
    const spec = podSpec(synth(chart));
    expect(spec.securityContext.fsGroup).toBe(65534);
    expect(spec.volumes.find((v: any) => v.name === 'tls').secret.defaultMode).toBe(0o440);
    expect(spec.volumes.find((v: any) => v.name === 'config').configMap.defaultMode).toBe(0o444);
  });

  test('a root agent needs no fsGroup; an explicit fsGroup is kept', () => {
    const root = newChart();
    new DaemonSet(root, 'agent', { image: IMAGE, runAsUser: 0, volumes: [AgentVolume.fromSecret('tls', 'agent-tls')], volumeMounts: [{ volumeName: 'tls', mountPath: '/tls' }] });
    expect(podSpec(synth(root)).securityContext.fsGroup).toBeUndefined();
    const explicit = newChart();
    new DaemonSet(explicit, 'agent', { image: IMAGE, fsGroup: 2000, volumes: [AgentVolume.fromSecret('tls', 'agent-tls')], volumeMounts: [{ volumeName: 'tls', mountPath: '/tls' }] });
    expect(podSpec(synth(explicit)).securityContext.fsGroup).toBe(2000);
  });

  test('fails when a non-root agent mounts the pod logs, which are root 0640', () => {
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, hostMounts: [HostMount.readOnly('/var/log')] })))
      .toMatch(/hostMounts\[0\]\.path: got "\/var\/log"; files under \/var\/log\/pods: the container runtime writes pod logs as root with mode 0640, so user 65534 cannot read them; run this container as root/);
    // As root (no capabilities, read-only) it works, as LogAgent does.
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, runAsUser: 0, hostMounts: [HostMount.readOnly('/var/log')] });
    expect(container(synth(chart)).securityContext).toMatchObject({ runAsUser: 0, capabilities: { drop: ['ALL'] } });
  });

  test('fails when a non-root container writes a host path the kubelet creates as root', () => {
    const input = { image: IMAGE, hostMounts: [HostMount.readWrite('/var/lib/agent', { type: HostPathVolumeType.DIRECTORY_OR_CREATE })] };
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', input)))
      .toMatch(/hostMounts\[0\]\.type: got "DirectoryOrCreate"; the kubelet creates \/var\/lib\/agent owned by root, which user 65534 cannot write; prepare it in an init container that runs as root \(runAsUser: 0\)[^\n]*or run this container as root \(runAsUser: 0\)/);
    // As root it is accepted.
    const chart = newChart();
    new DaemonSet(chart, 'agent', { ...input, runAsUser: 0 });
    expect(container(synth(chart)).volumeMounts).toEqual([{ name: 'host-var-lib-agent', mountPath: '/var/lib/agent', readOnly: false }]);
  });

  test('fails when a host path is mounted over the container\'s own root', () => {
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, hostMounts: [HostMount.readOnly('/')] })))
      .toMatch(/hostMounts\[0\]\.mountPath: got "\/"; a mount at "\/" hides the container's own filesystem/);
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, hostMounts: [HostMount.readOnly('/', { mountPath: '/host/root' })] });
    expect(container(synth(chart)).volumeMounts[0].mountPath).toBe('/host/root');
  });

  test('fails when a Secret or ConfigMap volume has a mode or item the API server rejects', () => {
    const message = errorOf(() => new DaemonSet(newChart(), 'agent', {
      image: IMAGE,
      volumes: [
        AgentVolume.fromSecret('tls', 'agent-tls', { defaultMode: 777 }),
        AgentVolume.fromConfigMap('config', 'agent-config', { items: { 'a/b': 'x', 'ok': '../escape' } }),
      ],
    }));
    expect(message).toMatch(/volumes\[0\]\.defaultMode: got 777; expected file mode bits from 0 to 0o777/);
    expect(message).toMatch(/volumes\[1\]\.items\.a\/b: got "a\/b"; expected a ConfigMap or Secret key/);
    expect(message).toMatch(/volumes\[1\]\.items\.ok: got "\.\.\/escape"; expected a relative file path inside the volume/);
  });
});

describe('capabilities only where they take effect', () => {
  test('fails when capabilities are added for a non-root user', () => {
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, addCapabilities: [Capability.NET_ADMIN] })))
      .toMatch(/addCapabilities: got \["NET_ADMIN"\]; capabilities have no effect for a non-root user \(runAsUser 65534\)/);
  });

  test('fails when a preset that needs capabilities is given a non-root user', () => {
    expect(errorOf(() => new NetworkAgent(newChart(), 'kube-proxy', { apiServerHost: '10.0.0.1', apiServerPort: 6443, runAsUser: 1000 })))
      .toMatch(/^\d+ invalid props for NetworkAgent 'test\/kube-proxy':\n {2}- addCapabilities: got \["NET_ADMIN","NET_RAW"\]; capabilities have no effect for a non-root user \(runAsUser 1000\)/);
  });
});

describe('probes that can succeed', () => {
  test('fails at synth when an HTTP probe names no port and the container declares none (cdk8s-plus probes 80)', () => {
    // GIVEN a probe without a port, on a container without ports: cdk8s-plus renders port 80
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, liveness: Probe.fromHttpGet('/healthz') });
    // THEN the rendered pod's probe is reported, with the fix
    expect(errorOf(() => synth(chart)))
      .toMatch(/liveness\.port: got 80; the httpGet probe's port must be one of the container's ports \(none declared\); a probe that names no port probes 80 \(cdk8s-plus's default\)/);
  });

  test('fails at synth when an HTTP probe names no port although the container declares one (cdk8s-plus still probes 80)', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, ports: [{ containerPort: 8080 }, { containerPort: 9090 }], liveness: Probe.fromHttpGet('/healthz') });
    expect(errorOf(() => synth(chart)))
      .toMatch(/liveness\.port: got 80; the httpGet probe's port must be one of the container's ports \(8080, 9090\); .*e\.g\. Probe\.fromHttpGet\('\/healthz', \{ port: 8080 \}\)/);
  });

  test('fails when a sidecar\'s or a native sidecar\'s HTTP probe aims at port 80 by default or at an undeclared port (issue 18)', () => {
    // GIVEN a sidecar without ports probed by default on port 80, and a native sidecar probed on a port it does not declare
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      sidecars: [{ name: 'proxy', image: IMAGE, readiness: Probe.fromHttpGet('/healthz') }],
      initContainers: [{ name: 'helper', image: IMAGE, restartPolicy: ContainerRestartPolicy.ALWAYS, ports: [{ containerPort: 9000 }], liveness: Probe.fromTcpSocket({ port: 9001 }) }],
    });
    // THEN both are reported, each under the container's own prop
    const message = errorOf(() => synth(chart));
    expect(message).toMatch(/sidecars\[0\]\.readiness\.port: got 80; the httpGet probe's port must be one of the container's ports \(none declared\)/);
    expect(message).toMatch(/initContainers\[0\]\.liveness\.port: got 9001; the tcpSocket probe's port must be one of the container's ports \(9000\)/);
  });

  test('a probe on a declared port, or a command probe, is accepted', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      ports: [{ containerPort: 8080 }],
      liveness: Probe.fromHttpGet('/healthz', { port: 8080 }),
      readiness: Probe.fromCommand(['/bin/agent', 'ready']),
    });
    const main = container(synth(chart));
    expect(main.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
    expect(main.readinessProbe.exec).toEqual({ command: ['/bin/agent', 'ready'] });
  });
});

describe('rollouts that can progress', () => {
  test('fails when a host-network agent surges, even with no declared port', () => {
    const strategy = UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(0), maxSurge: IntOrPercent.absolute(1) });
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, hostNetwork: true, updateStrategy: strategy })))
      .toMatch(/updateStrategy\.maxSurge: got "1"; a surge rollout starts the new pod beside the old one, which cannot bind the same node ports/);
    // On the pod network without host ports, a surge is fine.
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, updateStrategy: strategy });
    expect(only(synth(chart), 'DaemonSet').spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  test('Gt and Lt take negative integers (the scheduler parses them as int64)', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.gt('offset', -5))] });
    const terms = podSpec(synth(chart)).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchExpressions[0]).toEqual({ key: 'offset', operator: 'Gt', values: ['-5'] });
  });
});

describe('names and state shared across the cluster', () => {
  test('one agent name in two namespaces gets two ClusterRoles, neither taking the other\'s permissions', () => {
    // GIVEN fluent-bit in logging and in logging-canary
    const app = new App();
    new LogAgent(new Chart(app, 'prod', { namespace: 'logging' }), 'fluent-bit');
    new LogAgent(new Chart(app, 'canary', { namespace: 'logging-canary' }), 'fluent-bit');
    // THEN each has its own ClusterRole and binding, bound to its own ServiceAccount
    const objects = synthApp(app);
    const roles = objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name);
    expect(roles.sort()).toEqual(['logging-canary:fluent-bit', 'logging:fluent-bit']);
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding');
    expect(bindings.map((b) => [b.metadata.name, b.roleRef.name, b.subjects[0].namespace]).sort()).toEqual([
      ['logging-canary:fluent-bit', 'logging-canary:fluent-bit', 'logging-canary'],
      ['logging:fluent-bit', 'logging:fluent-bit', 'logging'],
    ]);
  });

  test('fails at synth when two constructs emit the same cluster-scoped object', () => {
    const app = new App();
    new AgentNamespace(new Chart(app, 'a'), 'monitoring', { level: PodSecurityLevel.PRIVILEGED });
    new AgentNamespace(new Chart(app, 'b'), 'monitoring', { level: PodSecurityLevel.PRIVILEGED });
    expect(() => app.synth()).toThrow(/'a\/monitoring[^']*' and 'b\/monitoring[^']*' both emit Namespace "monitoring" \(cluster-wide\)/);
  });
});

describe('agents that cannot share a node', () => {
  test('fails when two node exporters can land on one node with host port 9100', () => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { namespace: 'monitoring' });
    new NodeExporter(chart, 'node-exporter-2', { namespace: 'monitoring-canary' });
    expect(() => synth(chart)).toThrow(/'test\/node-exporter' \(monitoring\/node-exporter\) and 'test\/node-exporter-2' \(monitoring-canary\/node-exporter-2\) can run on the same node and both claim host port 9100\/TCP/);
  });

  test('two node exporters on disjoint node pools are fine', () => {
    const chart = newChart();
    new NodeExporter(chart, 'a', { nodeSelector: { pool: 'blue' } });
    new NodeExporter(chart, 'b', { nodeSelector: { pool: 'green' } });
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });

  test('fails when two kube-proxies claim the health port; a CNI agent beside kube-proxy shares the xtables lock', () => {
    const clash = newChart();
    new NetworkAgent(clash, 'kube-proxy', { apiServerHost: '10.0.0.1', apiServerPort: 6443 });
    new NetworkAgent(clash, 'kube-proxy-2', { apiServerHost: '10.0.0.1', apiServerPort: 6443 });
    expect(() => synth(clash)).toThrow(/both claim host port 10256\/TCP/);
  });

  test('fails when two storage daemons serve one driver socket; two drivers share the kubelet directory', () => {
    const clash = newChart();
    new StorageDaemon(clash, 'ebs', {});
    new StorageDaemon(clash, 'ebs-2', { healthPort: 9818 });
    expect(() => synth(clash)).toThrow(/both claim writable host path \/var\/lib\/kubelet\/plugins\/ebs\.csi\.aws\.com/);
    const fine = newChart();
    new StorageDaemon(fine, 'ebs', {});
    new StorageDaemon(fine, 'efs', { driverName: 'efs.csi.aws.com', healthPort: 9818 });
    expect(synth(fine).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });

  test('fails when two log agents keep their read positions in one host directory', () => {
    const chart = newChart();
    new LogAgent(chart, 'a', { stateHostPath: '/var/lib/logs-state' });
    new LogAgent(chart, 'b', { stateHostPath: '/var/lib/logs-state' });
    expect(() => synth(chart)).toThrow(/both claim writable host path \/var\/lib\/logs-state/);
  });

  test('fails when one agent writes inside another\'s host directory; a sibling with a common prefix is fine', () => {
    // GIVEN root agents writing /var/lib/agent, /var/lib/agent/cache (inside it) and /var/lib/agentx (beside it)
    const writer = (chart: Chart, id: string, path: string) =>
      new DaemonSet(chart, id, { image: IMAGE, runAsUser: 0, hostMounts: [HostMount.readWrite(path)] });
    const nested = newChart();
    writer(nested, 'outer', '/var/lib/agent');
    writer(nested, 'inner', '/var/lib/agent/cache/');
    writer(nested, 'beside', '/var/lib/agentx');
    // THEN only the nested pair is reported, with both paths
    expect(() => synth(nested)).toThrow(/^1 conflict between the app's agents:\n {2}- 'test\/outer' \(default\/outer\) and 'test\/inner' \(default\/inner\) can run on the same node and both claim writable host path \/var\/lib\/agent and \/var\/lib\/agent\/cache\/;[^\n]*$/);
    const siblings = newChart();
    writer(siblings, 'outer', '/var/lib/agent');
    writer(siblings, 'beside', '/var/lib/agentx');
    expect(synth(siblings).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });
});

describe('public values that tell the truth', () => {
  test('the chosen values are frozen: changing them after construction fails instead of silently doing nothing', () => {
    const ds = new DaemonSet(newChart(), 'agent', { image: IMAGE });
    expect(() => ds.tolerations.push(Toleration.all())).toThrow(TypeError);
    expect(() => { (ds.labels as any).team = 'x'; }).toThrow(TypeError);
    expect(() => { (ds.nodeSelector as any).pool = 'x'; }).toThrow(TypeError);
  });

  test('the cdk8s-plus escape hatch adds tolerations and node affinity instead of being overwritten', () => {
    const chart = newChart();
    const ds = new DaemonSet(chart, 'agent', { image: IMAGE, tolerations: Toleration.controlPlane() });
    ds.workload.scheduling.tolerate({ taintSelector: [{ _toKube: () => ({ key: 'gpu', operator: 'Exists' }) }] } as any);
    const spec = podSpec(synth(chart));
    expect(spec.tolerations.map((t: any) => t.key)).toEqual(['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master', 'gpu']);
  });
});

describe('two agents on one host port that can never share a node are accepted (issue 19: the overlap is exact for every operator)', () => {
  test.each([
    ['In / NotIn', NodeRequirement.in('pool', ['gpu']), NodeRequirement.notIn('pool', ['gpu'])],
    ['Exists / DoesNotExist', NodeRequirement.exists('gpu'), NodeRequirement.doesNotExist('gpu')],
    ['Gt / Lt', NodeRequirement.gt('generation', 5), NodeRequirement.lt('generation', 6)],
  ])('%s', (_, first, second) => {
    // GIVEN node exporter's port on the host network, twice, on nodes split by one label
    const chart = newChart();
    const agent = (id: string, requirement: NodeRequirement) => new DaemonSet(chart, id, {
      image: IMAGE,
      hostNetwork: true,
      ports: [{ containerPort: 9100, name: 'metrics' }],
      requiredNodeAffinity: [NodeAffinityTerm.allOf(requirement)],
    });
    agent('one', first);
    agent('other', second);
    // THEN the app synthesizes
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });

  test('fails when the split leaves a node both can run on (Gt 5 / Lt 7)', () => {
    const chart = newChart();
    for (const [id, requirement] of [['one', NodeRequirement.gt('generation', 5)], ['other', NodeRequirement.lt('generation', 7)]] as const) {
      new DaemonSet(chart, id, {
        image: IMAGE, hostNetwork: true, ports: [{ containerPort: 9100 }], requiredNodeAffinity: [NodeAffinityTerm.allOf(requirement)],
      });
    }
    expect(() => synth(chart)).toThrow(/can run on the same node and both claim host port 9100\/TCP/);
  });
});
