import { TaintEffect } from 'cdk8s-plus-28';
import { DaemonSet, IntOrPercent, NodeInventory, PodInventory, Toleration, UpdateStrategy } from '../src';
import { newChart } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';

const inventory = NodeInventory.fromNodes([
  { name: 'linux-1', labels: { 'kubernetes.io/os': 'linux' } },
  { name: 'linux-gpu', labels: { 'kubernetes.io/os': 'linux' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }] },
  { name: 'windows-1', labels: { 'kubernetes.io/os': 'windows' } },
]);

describe('DaemonSet.previewPlacement', () => {
  test('the defaults cover every Linux node, tainted ones included', () => {
    const preview = new DaemonSet(newChart(), 'agent', { image: IMAGE }).previewPlacement(inventory);
    expect(preview.scheduledNodeNames).toEqual(['linux-1', 'linux-gpu']);
    expect(preview.eligibleCount).toBe(2);
    expect(preview.totalCount).toBe(3);
    const windows = preview.nodes.find((n) => n.nodeName === 'windows-1')!;
    expect(windows.scheduled).toBe(false);
    expect(windows.reasons.map((r) => r.message).join('\n')).toMatch(/kubernetes.io\/os/);
  });

  test('without tolerations the tainted node is eligible but gets no pod, with the taint as reason', () => {
    const preview = new DaemonSet(newChart(), 'agent', { image: IMAGE, tolerations: [] }).previewPlacement(inventory);
    expect(preview.scheduledNodeNames).toEqual(['linux-1']);
    expect(preview.fullCoverage).toBe(false);
    expect(preview.uncoveredNodeNames).toEqual(['linux-gpu']);
    const gpu = preview.nodes.find((n) => n.nodeName === 'linux-gpu')!;
    expect(gpu.reasons.map((r) => r.message).join('\n')).toMatch(/nvidia.com\/gpu=present:NoSchedule/);
  });

  test('a narrower toleration list is honoured', () => {
    const preview = new DaemonSet(newChart(), 'agent', { image: IMAGE, tolerations: [Toleration.exists('nvidia.com/gpu')] }).previewPlacement(inventory);
    expect(preview.scheduledNodeNames).toEqual(['linux-1', 'linux-gpu']);
  });
});

test('with the pods already running, a node without room for the agent is reported with the numbers', () => {
  // GIVEN a small node where an app already requests most of the memory
  const small = NodeInventory.fromNodes([
    { name: 'small', labels: { 'kubernetes.io/os': 'linux' }, allocatable: { cpu: '2', memory: '700Mi', pods: '110' } },
  ]);
  const pods = PodInventory.fromKubectlJson(JSON.stringify({
    kind: 'List',
    items: [{
      kind: 'Pod',
      metadata: { name: 'app', namespace: 'default' },
      spec: { nodeName: 'small', containers: [{ name: 'app', resources: { requests: { memory: '650Mi' } } }] },
      status: { phase: 'Running' },
    }],
  }));
  // WHEN the agent's placement is previewed with them
  const preview = new DaemonSet(newChart(), 'agent', { image: IMAGE }).previewPlacement(small, { pods });
  // THEN the controller makes the pod, and the scheduler would leave it Pending
  const node = preview.nodes[0];
  expect(node.scheduled).toBe(true);
  expect(node.runs).toBe(false);
  expect(node.reasons.map((r) => r.message).join('\n')).toMatch(/Insufficient memory: needs 64Mi memory, 50Mi free of 700Mi allocatable/);
});

describe('DaemonSet.rolloutPlan', () => {
  test('the default rolls one node at a time', () => {
    const plan = new DaemonSet(newChart(), 'agent', { image: IMAGE, minReadySeconds: 10 }).rolloutPlan(inventory);
    expect(plan.maxUnavailable).toBe(1);
    expect(plan.maxSurge).toBe(0);
    expect(plan.waves).toBe(2);
    expect(plan.minimumDurationSeconds).toBe(20);
  });

  test('a percentage is rounded up over the scheduled nodes', () => {
    const plan = new DaemonSet(newChart(), 'agent', { image: IMAGE, updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }) }).rolloutPlan(inventory);
    expect(plan.maxUnavailable).toBe(1);
  });
});
