/**
 * A v1.20 scheduler state the fleets meet by chance (CI, fleet 21-40, 2026-11-29: one fleet never
 * settled): a pod preempted for, whose freed room a higher-priority pod takes before it is retried,
 * stays Pending with its `nominatedNodeName` for good. Built here on purpose, step by step, so that
 * awaitOutcome is shown to settle on it (after SCHEDULER_RETRY_BOUND_MS) instead of timing out.
 */
import { awaitOutcome, createAll, createBoundPods, createNamespace, createNodes, SCHEDULER_RETRY_BOUND_MS } from './cluster-state';
import { ControlPlane, waitFor } from './control-plane';

let plane: ControlPlane;

beforeAll(async () => {
  plane = await ControlPlane.start();
}, 300_000);

afterAll(async () => {
  await plane?.stop();
});

const pod = (name: string, priorityClassName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'stuck' },
  spec: {
    nodeName: 'node-1',
    ...(priorityClassName ? { priorityClassName } : {}),
    automountServiceAccountToken: false,
    containers: [{ name: 'c', image: 'workload', resources: { requests: { cpu: '600m' } } }],
  },
});

test('a preemptor whose room a higher-priority pod takes stays Pending and nominated, and awaitOutcome settles on it', async () => {
  // GIVEN one node of 1 cpu, 600m of it taken by a pod without priority
  const client = plane.client;
  await createAll(client, [
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'agents' }, value: 1000 },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'urgent' }, value: 5000 },
  ]);
  await createNamespace(client, 'stuck');
  await createNodes(client, [{ metadata: { name: 'node-1' }, status: { allocatable: { 'cpu': '1', 'memory': '1Gi', 'pods': '10', 'ephemeral-storage': '1Gi' } } }]);
  await createBoundPods(client, [pod('workload')]);

  // WHEN a DaemonSet of higher priority asks for 600m: the scheduler preempts the workload and
  // nominates the node; before the workload is gone, a pod of still higher priority is bound there
  await createAll(client, [{
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'stuck' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { priorityClassName: 'agents', automountServiceAccountToken: false, containers: [{ name: 'agent', image: 'agent', resources: { requests: { cpu: '600m' } } }] },
      },
    },
  }]);
  const agentPod = await waitFor('the agent pod nominated to node-1, the workload Terminating', async () => {
    const pods = (await client.get('/api/v1/namespaces/stuck/pods')).items as any[];
    const agent = pods.find((p) => p.metadata.name.startsWith('agent-') && p.status?.nominatedNodeName === 'node-1');
    const workload = pods.find((p) => p.metadata.name === 'workload');
    return agent && workload?.metadata.deletionTimestamp ? agent : undefined;
  }, 60_000);
  await createBoundPods(client, [pod('urgent', 'urgent')]);
  // awaitOutcome removes the Terminating workload (the kubelet stand-in) and waits
  const started = Date.now();
  const { outcome, preempted } = await awaitOutcome(client, [{ namespace: 'stuck', name: 'agent' }]);

  // THEN the agent stayed Pending on the node, still nominated, and awaitOutcome said so
  // after the scheduler's retry bound
  expect(preempted).toEqual(['stuck/workload on node-1']);
  const onNode = outcome.get('stuck/agent')?.get('node-1');
  expect(onNode).toEqual({ created: true, bound: false, pendingMessage: '0/1 nodes are available: 1 Insufficient cpu.' });
  const agentNow = await client.get(`/api/v1/namespaces/stuck/pods/${agentPod.metadata.name}`);
  expect(agentNow.spec.nodeName).toBeUndefined();
  expect(agentNow.status.nominatedNodeName).toBe('node-1');
  expect(Date.now() - started).toBeGreaterThanOrEqual(SCHEDULER_RETRY_BOUND_MS);
}, 300_000);
