import { Capability, HostPathVolumeType, SeccompProfileType } from 'cdk8s-plus-28';
import { AgentNamespace, DaemonSet, HostMount, NodeExporter, PodSecurity, PodSecurityLevel } from '../src';
import { newChart, only, synth } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';

describe('PodSecurity.evaluate', () => {
  test('the core defaults meet restricted', () => {
    const ds = new DaemonSet(newChart(), 'agent', { image: IMAGE });
    expect(ds.podSecurity()).toEqual({ level: PodSecurityLevel.RESTRICTED, reasons: [] });
  });

  test('a host path makes the pod privileged, naming the volume', () => {
    const ds = new DaemonSet(newChart(), 'agent', { image: IMAGE, hostMounts: [HostMount.readOnly('/sys')] });
    const report = ds.podSecurity();
    expect(report.level).toBe(PodSecurityLevel.PRIVILEGED);
    expect(report.reasons).toContainEqual(expect.objectContaining({ violates: PodSecurityLevel.BASELINE, check: 'hostPathVolumes', field: 'volumes[host-sys].hostPath' }));
  });

  test.each([
    [{ hostNetwork: true }, 'hostNamespaces'],
    [{ hostPid: true }, 'hostNamespaces'],
    [{ hostIpc: true }, 'hostNamespaces'],
    [{ privileged: true }, 'privileged'],
    [{ runAsUser: 0, addCapabilities: [Capability.SYS_ADMIN] }, 'capabilities_baseline'],
    [{ ports: [{ containerPort: 8125, hostPort: 8125 }] }, 'hostPorts'],
    [{ seccompProfile: { type: SeccompProfileType.UNCONFINED } }, 'seccompProfile_baseline'],
  ])('%j makes the pod privileged (%s)', (props, check) => {
    const report = new DaemonSet(newChart(), 'agent', { image: IMAGE, ...props }).podSecurity();
    expect(report.level).toBe(PodSecurityLevel.PRIVILEGED);
    expect(report.reasons.map((r) => r.check)).toContain(check);
  });

  test.each([
    [{ runAsUser: 0 }, ['runAsNonRoot', 'runAsUser']],
    [{ runAsUser: 0, addCapabilities: [Capability.CHOWN] }, ['runAsNonRoot', 'runAsUser', 'capabilities_restricted']],
    [{ allowPrivilegeEscalation: true }, ['allowPrivilegeEscalation']],
  ])('%j makes the pod baseline (%s)', (props, checks) => {
    const report = new DaemonSet(newChart(), 'agent', { image: IMAGE, ...props }).podSecurity();
    expect(report.level).toBe(PodSecurityLevel.BASELINE);
    expect(report.reasons.map((r) => r.check).sort()).toEqual([...checks].sort());
  });

  test('restricted needs every container, init containers included', () => {
    const ds = new DaemonSet(newChart(), 'agent', { image: IMAGE, initContainers: [{ name: 'setup', image: IMAGE, runAsUser: 0 }] });
    const report = ds.podSecurity();
    expect(report.level).toBe(PodSecurityLevel.BASELINE);
    expect(report.reasons.every((r) => r.field.startsWith('initContainers[setup]'))).toBe(true);
  });

  test('reads a plain pod spec from any source, pod-level settings included', () => {
    const spec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'a', image: 'x:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'cfg', configMap: { name: 'c' } }],
    };
    expect(PodSecurity.evaluate(spec).level).toBe(PodSecurityLevel.RESTRICTED);
    expect(PodSecurity.evaluate({ ...spec, volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] }).reasons)
      .toEqual([expect.objectContaining({ violates: PodSecurityLevel.RESTRICTED, check: 'restrictedVolumes', field: 'volumes[n].nfs' })]);
    expect(PodSecurity.evaluate({ ...spec, securityContext: { ...spec.securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }).level)
      .toBe(PodSecurityLevel.PRIVILEGED);
  });

  test('meets orders the levels', () => {
    expect(PodSecurity.meets(PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE)).toBe(true);
    expect(PodSecurity.meets(PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED)).toBe(false);
    expect(PodSecurity.meets(PodSecurityLevel.PRIVILEGED, PodSecurityLevel.PRIVILEGED)).toBe(true);
  });
});

describe('AgentNamespace', () => {
  test('labels the namespace at exactly the level its agents need', () => {
    const chart = newChart();
    new AgentNamespace(chart, 'monitoring');
    new DaemonSet(chart, 'agent', { image: IMAGE, namespace: 'monitoring', hostMounts: [HostMount.readOnly('/proc')] });
    const ns = only(synth(chart), 'Namespace');
    expect(ns.metadata.name).toBe('monitoring');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'privileged',
      'pod-security.kubernetes.io/warn-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'privileged',
      'pod-security.kubernetes.io/audit-version': 'v1.28',
    });
  });

  test('is restricted when its agents are', () => {
    const chart = newChart();
    new AgentNamespace(chart, 'ns', { name: 'agents' });
    new DaemonSet(chart, 'agent', { image: IMAGE, namespace: 'agents' });
    expect(only(synth(chart), 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('fails when an agent needs a less restrictive level than the one enforced', () => {
    const chart = newChart();
    new AgentNamespace(chart, 'logging', { level: PodSecurityLevel.BASELINE });
    new DaemonSet(chart, 'agent', { image: IMAGE, namespace: 'logging', hostMounts: [HostMount.readOnly('/sys', { type: HostPathVolumeType.DIRECTORY })] });
    expect(() => synth(chart)).toThrow(/level: got "baseline", but DaemonSet 'test\/agent' needs "privileged" because of volumes\[host-sys\]\.hostPath \(hostPathVolumes\)/);
  });

  test('fails when the name is invalid', () => {
    expect(() => new AgentNamespace(newChart(), 'ns', { name: 'Logging' })).toThrow(/name: got "Logging"; expected a DNS-1123 label/);
  });
});

describe('AgentNamespace in the manifest', () => {
  test('comes first in its chart even when declared after its agents, so one kubectl apply creates it before them', () => {
    // GIVEN agents declared before their namespace
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { namespace: 'monitoring' });
    new DaemonSet(chart, 'agent', { image: 'registry.example.com/agent:1.2.3', namespace: 'monitoring' });
    new AgentNamespace(chart, 'monitoring');
    // WHEN
    const kinds = synth(chart).map((o) => o.kind);
    // THEN the Namespace is the first object, and nothing else is lost
    expect(kinds[0]).toBe('Namespace');
    expect(kinds.filter((k) => k === 'DaemonSet')).toHaveLength(2);
  });
});

describe('AgentNamespace admitCriticalPods (issue 19)', () => {
  test('a ResourceQuota scoped to the critical priority classes, in the namespace', () => {
    // GIVEN
    const chart = newChart();
    new AgentNamespace(chart, 'networking', { admitCriticalPods: true });
    // WHEN
    const quota = only(synth(chart), 'ResourceQuota');
    // THEN
    expect(quota.metadata).toEqual({ name: 'critical-pods', namespace: 'networking' });
    expect(quota.spec).toEqual({
      hard: { pods: '1000000000' },
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['system-node-critical', 'system-cluster-critical'] }] },
    });
  });

  test('none by default', () => {
    const chart = newChart();
    new AgentNamespace(chart, 'networking');
    expect(synth(chart).filter((o) => o.kind === 'ResourceQuota')).toEqual([]);
  });
});
