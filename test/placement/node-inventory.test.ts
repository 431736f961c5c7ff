import * as fs from 'fs';
import * as path from 'path';
import { TaintEffect } from 'cdk8s-plus-28';
import { NodeInventory } from '../../src/placement';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'placement', name), 'utf-8');

describe('NodeInventory.fromKubectlJson', () => {
  test('reads kubectl get nodes -o json (kind List)', () => {
    const inv = NodeInventory.fromKubectlJson(fixture('nodes.json'));
    expect(inv.nodeCount).toBe(5);
    expect(inv.nodes.map((n) => n.name)).toEqual(['worker-1', 'worker-2', 'gpu-1', 'control-plane-1', 'edge-1']);
    const gpu = inv.findNode('gpu-1')!;
    expect(gpu.labels).toMatchObject({ accelerator: 'nvidia', role: 'worker' });
    expect(gpu.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE },
      { key: 'spot', value: 'true', effect: TaintEffect.PREFER_NO_SCHEDULE },
    ]);
    expect(inv.findNode('worker-2')!.unschedulable).toBe(true);
    expect(inv.findNode('worker-1')!.unschedulable).toBe(false);
    expect(inv.findNode('worker-1')!.taints).toEqual([]);
    expect(inv.findNode('nope')).toBeUndefined();
  });

  test('a taint without a value gets the empty value', () => {
    const inv = NodeInventory.fromKubectlJson(fixture('nodes.json'));
    expect(inv.findNode('control-plane-1')!.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', value: '', effect: 'NoSchedule' }]);
  });

  test('accepts kind NodeList and a single Node', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'solo', labels: { a: 'b' } } };
    expect(NodeInventory.fromKubectlJson(JSON.stringify(node)).nodes[0]).toEqual({ name: 'solo', labels: { a: 'b' }, taints: [], unschedulable: false });
    expect(NodeInventory.fromKubectlJson(JSON.stringify({ kind: 'NodeList', items: [node] })).nodeCount).toBe(1);
  });

  test('an empty list is an empty inventory', () => {
    expect(NodeInventory.fromKubectlJson('{"kind":"List","items":[]}').nodeCount).toBe(0);
  });

  test('rejects text that is not JSON', () => {
    expect(() => NodeInventory.fromKubectlJson('apiVersion: v1')).toThrow(/not valid JSON.*kubectl get nodes -o json/);
  });

  test('rejects JSON that is not a node list', () => {
    expect(() => NodeInventory.fromKubectlJson('[]')).toThrow(/got a list; expected the output of "kubectl get nodes -o json"/);
    expect(() => NodeInventory.fromKubectlJson('{"kind":"PodList","items":[]}')).toThrow(/got kind string "PodList"/);
    expect(() => NodeInventory.fromKubectlJson('{"kind":"List"}')).toThrow(/has no "items" list/);
    expect(() => NodeInventory.fromKubectlJson('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"p"}}]}'))
      .toThrow(/items\[0\] has kind string "Pod"; expected kind "Node"/);
  });

  test('rejects a node without a name', () => {
    expect(() => NodeInventory.fromKubectlJson('{"kind":"List","items":[{"kind":"Node","metadata":{}}]}'))
      .toThrow(/items\[0\]\.metadata\.name is nothing \(absent\); every node needs a non-empty name/);
  });

  test('rejects a taint with an unknown effect, naming the node and the allowed effects', () => {
    expect(() => NodeInventory.fromKubectlJson(fixture('bad-nodes.json')))
      .toThrow('Node inventory: items[1] ("broken-1").spec.taints[0].effect is string "NoSchedul"; expected one of NoSchedule, PreferNoSchedule, NoExecute');
  });

  test('rejects a taint without a key and a non-string label', () => {
    const list = (spec: unknown, labels: unknown = {}) => JSON.stringify({ kind: 'List', items: [{ kind: 'Node', metadata: { name: 'n', labels }, spec }] });
    expect(() => NodeInventory.fromKubectlJson(list({ taints: [{ effect: 'NoSchedule' }] }))).toThrow(/taints\[0\]\.key .*non-empty key/);
    expect(() => NodeInventory.fromKubectlJson(list({}, { n: 1 }))).toThrow(/metadata\.labels\["n"\] is number 1; label values are strings/);
  });

  test('rejects duplicate node names', () => {
    const n = { kind: 'Node', metadata: { name: 'dup' } };
    expect(() => NodeInventory.fromKubectlJson(JSON.stringify({ kind: 'List', items: [n, n] }))).toThrow(/"dup" appears twice/);
  });
});

describe('NodeInventory.fromNodes', () => {
  test('describes nodes in code', () => {
    const inv = NodeInventory.fromNodes([
      { name: 'a', labels: { role: 'worker' } },
      { name: 'b', taints: [{ key: 'dedicated', value: 'db', effect: TaintEffect.NO_EXECUTE }], unschedulable: true },
    ]);
    expect(inv.nodes).toEqual([
      { name: 'a', labels: { role: 'worker' }, taints: [], unschedulable: false },
      { name: 'b', labels: {}, taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }], unschedulable: true },
    ]);
  });

  test('rejects bad input with the node index and what is expected', () => {
    expect(() => NodeInventory.fromNodes([{ name: '' }])).toThrow(/nodes\[0\]\.name is string ""; every node needs a non-empty name/);
    expect(() => NodeInventory.fromNodes([{ name: 'a', taints: [{ key: 'k', effect: 'Evict' as TaintEffect }] }]))
      .toThrow(/nodes\[0\] \("a"\)\.taints\[0\]\.effect is string "Evict"; expected one of NoSchedule, PreferNoSchedule, NoExecute/);
    expect(() => NodeInventory.fromNodes([{ name: 'a' }, { name: 'a' }])).toThrow(/appears twice/);
  });
});

describe('allocatable', () => {
  test('reads status.allocatable from kubectl output, numbers as quantities', () => {
    // GIVEN kubectl output with status.allocatable (and a YAML number for pods)
    const inv = NodeInventory.fromKubectlJson(fixture('fleet/nodes.json'));
    const yaml = NodeInventory.fromKubectlObject({ kind: 'Node', metadata: { name: 'n' }, status: { allocatable: { cpu: '2', pods: 110 } } });
    // THEN
    expect(inv.findNode('t3-1')!.allocatable).toEqual({ 'cpu': '1930m', 'memory': '1400Mi', 'ephemeral-storage': '95491281146', 'pods': '11' });
    expect(yaml.nodes[0].allocatable).toEqual({ cpu: '2', pods: '110' });
    expect(NodeInventory.fromNodes([{ name: 'n' }]).nodes[0].allocatable).toBeUndefined();
  });

  test('fails when allocatable is not an object of quantities, naming the node and resource', () => {
    expect(() => NodeInventory.fromNodes([{ name: 'n', allocatable: { memory: '16 GB' } }]))
      .toThrow('Node inventory: nodes[0] ("n").allocatable["memory"] is string "16 GB"; expected a quantity such as "2", "3920m" or "15Gi"');
    expect(() => NodeInventory.fromKubectlObject({ kind: 'List', items: [{ kind: 'Node', metadata: { name: 'k' }, status: { allocatable: ['cpu'] } }] }))
      .toThrow('Node inventory: items[0] ("k").status.allocatable is a list; expected an object of quantities such as { cpu: "2", memory: "8Gi", pods: "110" }');
  });
});
