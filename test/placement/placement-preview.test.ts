import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { TaintEffect } from 'cdk8s-plus-28';
import { InventoryNode, NodeInventory, PlacementPreview, PlacementReasonKind } from '../../src/placement';

const fixtures = path.join(__dirname, '..', 'fixtures', 'placement');
const kubectlNodes = () => NodeInventory.fromKubectlJson(fs.readFileSync(path.join(fixtures, 'nodes.json'), 'utf-8'));

/** A DaemonSet object as parsed from YAML, with the given pod spec fields. */
function daemonSet(podSpec: { [key: string]: unknown } = {}, spec: { [key: string]: unknown } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image: 'example.com/agent:1.0.0' }], ...podSpec },
      },
      ...spec,
    },
  };
}

function inventory(...nodes: InventoryNode[]): NodeInventory {
  return NodeInventory.fromNodes(nodes);
}

function nodeResult(preview: PlacementPreview, name: string) {
  const found = preview.nodes.find((n) => n.nodeName === name);
  if (!found) {
    throw new Error(`no node ${name}`);
  }
  return found;
}

const noSchedule = (key: string, value?: string) => ({ key, value, effect: TaintEffect.NO_SCHEDULE });
const noExecute = (key: string, value?: string) => ({ key, value, effect: TaintEffect.NO_EXECUTE });

describe('input checks', () => {
  const inv = inventory({ name: 'n' });

  test('rejects objects that are not apps/v1 DaemonSets', () => {
    expect(() => PlacementPreview.forManifest({ ...daemonSet(), kind: 'Deployment' }, inv))
      .toThrow('Expected an apps/v1 DaemonSet (apiVersion: apps/v1, kind: DaemonSet), got apiVersion string "apps/v1", kind string "Deployment"');
    expect(() => PlacementPreview.forManifest({ ...daemonSet(), apiVersion: 'extensions/v1beta1' }, inv)).toThrow(/got apiVersion string "extensions\/v1beta1"/);
    expect(() => PlacementPreview.forManifest(null, inv)).toThrow(/Expected an apps\/v1 DaemonSet object, got null/);
    expect(() => PlacementPreview.forManifest([daemonSet()], inv)).toThrow(/got a list/);
    expect(() => PlacementPreview.forManifest('kind: DaemonSet', inv)).toThrow(/got a string: parse the YAML or JSON first/);
  });

  test('rejects a DaemonSet without a pod template', () => {
    const ds = daemonSet();
    delete ds.spec.template;
    expect(() => PlacementPreview.forManifest(ds, inv)).toThrow('DaemonSet kube-system/agent: spec.template.spec is missing');
  });

  test('rejects fields of the wrong JSON type, naming the path', () => {
    expect(() => PlacementPreview.forManifest(daemonSet({ nodeSelector: { 'gpu-count': 2 } }), inv))
      .toThrow('DaemonSet kube-system/agent: spec.template.spec.nodeSelector["gpu-count"] is number 2; expected a string (quote it in YAML)');
    expect(() => PlacementPreview.forManifest(daemonSet({ tolerations: { key: 'a' } }), inv)).toThrow(/spec\.template\.spec\.tolerations is an object; expected a list/);
    expect(() => PlacementPreview.forManifest(daemonSet({ hostNetwork: 'yes' }), inv)).toThrow(/hostNetwork is string "yes"; expected true or false/);
    expect(() => PlacementPreview.forManifest(daemonSet({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] }] } } },
    }), inv)).toThrow(/nodeSelectorTerms\[0\]\.matchExpressions\[0\]\.values\[0\] is number 1; expected a string/);
  });

  test('rejects a second argument that is not a NodeInventory', () => {
    expect(() => PlacementPreview.forManifest(daemonSet(), [{ name: 'n' }] as any)).toThrow(/expected a NodeInventory/);
  });

  test('reports the DaemonSet name and namespace', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inv);
    expect(p.daemonSetName).toBe('agent');
    expect(p.daemonSetNamespace).toBe('kube-system');
  });
});

describe('no constraints', () => {
  test('a DaemonSet without selectors, affinity or tolerations runs on every untainted node, cordoned or not', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory({ name: 'a' }, { name: 'b', unschedulable: true }));
    expect(p.scheduledNodeNames).toEqual(['a', 'b']);
    expect(nodeResult(p, 'b')).toMatchObject({ eligible: true, scheduled: true, unschedulable: true, reasons: [] });
  });
});

describe('nodeName', () => {
  const inv = inventory({ name: 'a' }, { name: 'b' }, { name: 'c', taints: [noSchedule('dedicated', 'x')] });

  test('pins the pods to that node only', () => {
    const p = PlacementPreview.forManifest(daemonSet({ nodeName: 'b' }), inv);
    expect(p.scheduledNodeNames).toEqual(['b']);
    expect(p.eligibleCount).toBe(1);
    expect(nodeResult(p, 'a').reasons).toEqual([{
      kind: PlacementReasonKind.NODE_NAME,
      message: 'spec.template.spec.nodeName pins the pods to node "b"',
      key: 'nodeName',
      expected: 'b',
      nodeValue: 'a',
    }]);
    expect(nodeResult(p, 'a').existingPodKeepsRunning).toBe(false);
  });

  test('taints still apply to the pinned node', () => {
    const p = PlacementPreview.forManifest(daemonSet({ nodeName: 'c' }), inv);
    expect(nodeResult(p, 'c')).toMatchObject({ eligible: true, scheduled: false });
    expect(p.uncoveredNodeNames).toEqual(['c']);
  });

  test('a nodeName that is not in the inventory targets nothing and is flagged', () => {
    const p = PlacementPreview.forManifest(daemonSet({ nodeName: 'zzz' }), inv);
    expect(p.eligibleCount).toBe(0);
    expect(p.warnings).toContain('spec.template.spec.nodeName pins the pods to "zzz", which is not in the node inventory');
    expect(p.warnings).toContain('the DaemonSet targets no node of the inventory');
  });

  test('an empty nodeName is no constraint', () => {
    expect(PlacementPreview.forManifest(daemonSet({ nodeName: '' }), inv).eligibleCount).toBe(3);
  });
});

describe('nodeSelector', () => {
  const inv = inventory(
    { name: 'worker', labels: { role: 'worker', zone: 'a' } },
    { name: 'edge', labels: { role: 'edge', zone: 'a' } },
    { name: 'bare' },
  );

  test('all labels must match exactly; the failing label is reported with expected and node values', () => {
    const p = PlacementPreview.forManifest(daemonSet({ nodeSelector: { role: 'worker', zone: 'a' } }), inv);
    expect(p.scheduledNodeNames).toEqual(['worker']);
    expect(nodeResult(p, 'edge').reasons).toEqual([
      expect.objectContaining({ kind: PlacementReasonKind.NODE_SELECTOR, key: 'role', expected: 'worker', nodeValue: 'edge' }),
    ]);
    const bare = nodeResult(p, 'bare').reasons;
    expect(bare.map((r) => [r.key, r.nodeValue])).toEqual([['role', undefined], ['zone', undefined]]);
  });
});

describe('required node affinity', () => {
  const inv = inventory(
    { name: 'n1', labels: { zone: 'a', cpus: '8', gpu: 'true' } },
    { name: 'n2', labels: { zone: 'b', cpus: 'eight' } },
    { name: 'n3', labels: {} },
  );
  const withTerms = (nodeSelectorTerms: unknown) => daemonSet({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
  });

  test('In, with the failing node value reported', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]), inv);
    expect(p.scheduledNodeNames).toEqual(['n1']);
    expect(nodeResult(p, 'n2').reasons[0]).toMatchObject({ kind: PlacementReasonKind.NODE_AFFINITY, key: 'zone', expected: 'In [a]', nodeValue: 'b', termIndex: 0 });
    expect(nodeResult(p, 'n2').reasons[0].message).toBe('node affinity nodeSelectorTerms[0]: zone In [a] not satisfied: the node has zone="b"');
  });

  test('NotIn matches nodes without the label', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }]), inv);
    expect(p.scheduledNodeNames).toEqual(['n2', 'n3']);
  });

  test('DoesNotExist', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }]), inv);
    expect(p.scheduledNodeNames).toEqual(['n2', 'n3']);
    expect(nodeResult(p, 'n1').reasons[0]).toMatchObject({ expected: 'DoesNotExist', nodeValue: 'true' });
  });

  test('Gt with a non-integer node label fails, and says so', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchExpressions: [{ key: 'cpus', operator: 'Gt', values: ['4'] }] }]), inv);
    expect(p.scheduledNodeNames).toEqual(['n1']);
    expect(nodeResult(p, 'n2').reasons[0].message).toContain('cpus="eight", which is not an integer');
    expect(nodeResult(p, 'n3').reasons[0].message).toContain('the node has no label "cpus"');
  });

  test('Lt', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchExpressions: [{ key: 'cpus', operator: 'Lt', values: ['16'] }] }]), inv);
    expect(p.scheduledNodeNames).toEqual(['n1']);
  });

  test('matchFields metadata.name', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n3'] }] }]), inv);
    expect(p.scheduledNodeNames).toEqual(['n3']);
    expect(nodeResult(p, 'n1').reasons[0]).toMatchObject({ key: 'metadata.name', expected: 'In [n3]', nodeValue: 'n1' });
  });

  test('terms are ORed, expressions ANDed', () => {
    const p = PlacementPreview.forManifest(withTerms([
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gpu', operator: 'DoesNotExist' }] },
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
    ]), inv);
    expect(p.scheduledNodeNames).toEqual(['n2']);
    expect(nodeResult(p, 'n1').reasons.map((r) => [r.termIndex, r.key])).toEqual([[0, 'gpu'], [1, 'zone']]);
  });

  test('an empty term matches no node', () => {
    const p = PlacementPreview.forManifest(withTerms([{}]), inv);
    expect(p.eligibleCount).toBe(0);
    expect(nodeResult(p, 'n1').reasons[0].message).toContain('nodeSelectorTerms[0] is empty');
  });

  test('an empty terms list matches no node and is flagged as rejected by the API server', () => {
    const p = PlacementPreview.forManifest(withTerms([]), inv);
    expect(p.eligibleCount).toBe(0);
    expect(p.warnings[0]).toContain('the API server rejects this');
  });

  test('no required affinity (only preferred) is no constraint', () => {
    const ds = daemonSet({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } } });
    expect(PlacementPreview.forManifest(ds, inv).eligibleCount).toBe(3);
  });

  test('an invalid expression makes its term match nothing and is flagged', () => {
    const p = PlacementPreview.forManifest(withTerms([{ matchExpressions: [{ key: 'cpus', operator: 'Gt', values: ['four'] }] }]), inv);
    expect(p.eligibleCount).toBe(0);
    expect(nodeResult(p, 'n1').reasons[0].message).toContain('is invalid and matches no node');
    expect(p.warnings.join('\n')).toContain('Gt value "four" is not an integer');
  });

  test('nodeSelector and affinity must both match', () => {
    const ds = withTerms([{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }]);
    ds.spec.template.spec.nodeSelector = { zone: 'b' };
    expect(PlacementPreview.forManifest(ds, inv).scheduledNodeNames).toEqual(['n2']);
  });
});

describe('taints and tolerations', () => {
  test('an untolerated NoSchedule taint keeps new pods off an eligible node, but a running pod stays', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory({ name: 'gpu', taints: [noSchedule('nvidia.com/gpu', 'present')] }));
    expect(nodeResult(p, 'gpu')).toMatchObject({ eligible: true, scheduled: false, existingPodKeepsRunning: true });
    expect(nodeResult(p, 'gpu').reasons).toEqual([{
      kind: PlacementReasonKind.TAINT,
      message: 'taint nvidia.com/gpu=present:NoSchedule is not tolerated',
      key: 'nvidia.com/gpu',
      nodeValue: 'present',
      taint: 'nvidia.com/gpu=present:NoSchedule',
    }]);
    expect(p.fullCoverage).toBe(false);
    expect(p.uncoveredNodeNames).toEqual(['gpu']);
  });

  test('an untolerated NoExecute taint also evicts a running pod', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory({ name: 'edge', taints: [noExecute('dedicated', 'edge')] }));
    expect(nodeResult(p, 'edge')).toMatchObject({ eligible: true, scheduled: false, existingPodKeepsRunning: false });
  });

  test('PreferNoSchedule never blocks', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory({ name: 'spot', taints: [{ key: 'spot', value: 'true', effect: TaintEffect.PREFER_NO_SCHEDULE }] }));
    expect(p.scheduledNodeNames).toEqual(['spot']);
  });

  test('Equal with an empty value does not tolerate a taint with a value, and the hint says why', () => {
    const ds = daemonSet({ tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', effect: 'NoSchedule' }] });
    const p = PlacementPreview.forManifest(ds, inventory({ name: 'gpu', taints: [noSchedule('nvidia.com/gpu', 'present')] }));
    expect(p.scheduledCount).toBe(0);
    expect(nodeResult(p, 'gpu').reasons[0].message).toContain('value "" is not "present" (use operator Exists to tolerate any value)');
  });

  test('Exists with a key and no effect tolerates every effect of that key', () => {
    const ds = daemonSet({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
    const p = PlacementPreview.forManifest(ds, inventory(
      { name: 'a', taints: [noSchedule('dedicated', 'x')] },
      { name: 'b', taints: [noExecute('dedicated')] },
      { name: 'c', taints: [noSchedule('other')] },
    ));
    expect(p.scheduledNodeNames).toEqual(['a', 'b']);
  });

  test('an empty key with Exists tolerates everything', () => {
    const ds = daemonSet({ tolerations: [{ operator: 'Exists' }] });
    expect(PlacementPreview.forManifest(ds, kubectlNodes()).scheduledCount).toBe(5);
  });

  test('tolerationSeconds does not matter for placement', () => {
    const taints = [noExecute('dedicated', 'edge')];
    for (const tolerationSeconds of [0, 30, undefined]) {
      const ds = daemonSet({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoExecute', tolerationSeconds }] });
      expect(PlacementPreview.forManifest(ds, inventory({ name: 'edge', taints })).scheduledCount).toBe(1);
    }
  });

  test('every pod tolerates the node-condition taints the controller adds tolerations for', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory(
      { name: 'not-ready', taints: [noExecute('node.kubernetes.io/not-ready')] },
      { name: 'unreachable', taints: [noExecute('node.kubernetes.io/unreachable')] },
      { name: 'disk', taints: [noSchedule('node.kubernetes.io/disk-pressure')] },
      { name: 'memory', taints: [noSchedule('node.kubernetes.io/memory-pressure')] },
      { name: 'pid', taints: [noSchedule('node.kubernetes.io/pid-pressure')] },
      { name: 'cordoned', unschedulable: true, taints: [noSchedule('node.kubernetes.io/unschedulable')] },
    ));
    expect(p.scheduledCount).toBe(6);
  });

  test('the default tolerations have fixed effects: not-ready:NoSchedule is not tolerated', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory({ name: 'n', taints: [noSchedule('node.kubernetes.io/not-ready')] }));
    expect(p.scheduledCount).toBe(0);
  });

  test('network-unavailable is tolerated only with hostNetwork', () => {
    const inv = inventory({ name: 'no-cni', taints: [noSchedule('node.kubernetes.io/network-unavailable')] });
    expect(PlacementPreview.forManifest(daemonSet(), inv).scheduledCount).toBe(0);
    expect(PlacementPreview.forManifest(daemonSet({ hostNetwork: true }), inv).scheduledCount).toBe(1);
  });

  test('a user toleration that duplicates a default one (with tolerationSeconds) changes nothing', () => {
    const ds = daemonSet({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] });
    const p = PlacementPreview.forManifest(ds, inventory({ name: 'n', taints: [noExecute('node.kubernetes.io/not-ready')] }));
    expect(p.scheduledCount).toBe(1);
    expect(p.warnings).toEqual([]);
  });

  test('tolerations the API server rejects are flagged', () => {
    const ds = daemonSet({
      tolerations: [
        { key: 'a', operator: 'exists' },
        { operator: 'Equal', value: 'x' },
        { key: 'b', operator: 'Exists', value: 'x' },
        { key: 'c', operator: 'Exists', effect: 'Evict' },
      ],
    });
    const warnings = PlacementPreview.forManifest(ds, inventory({ name: 'n' })).warnings.join('\n');
    expect(warnings).toContain('operator "exists" is not Equal or Exists');
    expect(warnings).toContain('an empty key requires operator Exists');
    expect(warnings).toContain('operator Exists takes no value');
    expect(warnings).toContain('effect "Evict" is not NoSchedule, PreferNoSchedule or NoExecute');
  });

  test('every untolerated taint is reported', () => {
    const p = PlacementPreview.forManifest(daemonSet(), inventory({ name: 'n', taints: [noSchedule('a'), noExecute('b', 'x'), noSchedule('c')] }));
    expect(nodeResult(p, 'n').reasons.map((r) => r.taint)).toEqual(['a:NoSchedule', 'b=x:NoExecute', 'c:NoSchedule']);
  });
});

describe('multiple reasons', () => {
  test('nodeName, nodeSelector, affinity and taint failures are all reported for one node', () => {
    const ds = daemonSet({
      nodeName: 'other',
      nodeSelector: { role: 'worker' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
    });
    const p = PlacementPreview.forManifest(ds, inventory({ name: 'n', labels: { role: 'edge', zone: 'b' }, taints: [noSchedule('dedicated', 'edge')] }));
    const n = nodeResult(p, 'n');
    expect(n).toMatchObject({ eligible: false, scheduled: false, existingPodKeepsRunning: false });
    expect(n.reasons.map((r) => r.kind)).toEqual([
      PlacementReasonKind.NODE_NAME, PlacementReasonKind.NODE_SELECTOR, PlacementReasonKind.NODE_AFFINITY, PlacementReasonKind.TAINT,
    ]);
  });
});

describe('totals on a kubectl inventory and synthesized YAML', () => {
  const docs = Yaml.load(path.join(fixtures, 'app.k8s.yaml'));
  const fluentBit = docs.find((d) => d.kind === 'DaemonSet' && d.metadata?.name === 'fluent-bit');
  const nodeExporter = docs.find((d) => d.kind === 'DaemonSet' && d.metadata?.name === 'node-exporter');

  test('eligible = targeted by the selectors; scheduled = eligible with every blocking taint tolerated', () => {
    const p = PlacementPreview.forManifest(fluentBit, kubectlNodes());
    expect([p.scheduledCount, p.eligibleCount, p.totalCount]).toEqual([2, 3, 5]);
    expect(p.scheduledNodeNames).toEqual(['worker-1', 'worker-2']);
    expect(p.uncoveredNodeNames).toEqual(['gpu-1']);
    expect(p.fullCoverage).toBe(false);
    expect(nodeResult(p, 'control-plane-1').reasons.map((r) => r.kind)).toEqual([PlacementReasonKind.NODE_SELECTOR, PlacementReasonKind.TAINT]);
    // edge-1 is not-ready (tolerated by default) and dedicated=edge:NoExecute (not tolerated)
    expect(nodeResult(p, 'edge-1').reasons.map((r) => r.taint ?? r.key)).toEqual(['role', 'dedicated=edge:NoExecute']);
  });

  test('a DaemonSet tolerating everything covers every node', () => {
    const p = PlacementPreview.forManifest(nodeExporter, kubectlNodes());
    expect([p.scheduledCount, p.eligibleCount, p.totalCount]).toEqual([5, 5, 5]);
    expect(p.fullCoverage).toBe(true);
  });
});
