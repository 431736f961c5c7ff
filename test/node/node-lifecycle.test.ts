/**
 * What a DaemonSet does when its node comes and goes, on the real node: a node that becomes
 * eligible after the DaemonSet exists gets its pod, and a deleted Node's pod is collected (the
 * pod garbage collector, `podgc`, deletes pods bound to a Node that no longer exists; the
 * DaemonSet controller does not make another). Run with `npm run test:node`.
 */
import { apply, isReady, podsOf, report, restarts, synth, waitReady } from './agents';
import { NODE_NAME, RealNode } from './real-node';
import { DaemonSet } from '../../src';
import { sleep, waitFor } from '../cluster/control-plane';

const HOLD = { key: 'node-tier/joining', value: 'true', effect: 'NoSchedule' };
let node: RealNode;

beforeAll(async () => {
  // podgc: the controller that collects the pods of deleted Nodes (pkg/controller/podgc).
  node = await RealNode.start({ controllers: ['podgc'] });
  node.importBusybox('busybox:1.36');
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(['lifecycle']);
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

/** The core DaemonSet running busybox `sleep`, tolerating no taint of its own (the controller adds its usual ones). */
const objects = synth('lifecycle', (chart) => {
  new DaemonSet(chart, 'sleeper', {
    image: 'busybox:1.36',
    command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
    tolerations: [],
  });
});
const ds = objects.find((o) => o.kind === 'DaemonSet');

async function dsStatus(): Promise<any> {
  return (await node.client.get(`/apis/apps/v1/namespaces/lifecycle/daemonsets/${ds.metadata.name}`)).status ?? {};
}

describe('a DaemonSet as its node comes and goes, on the real node', () => {
  let pod: any;

  test('a node that becomes eligible after the DaemonSet exists gets its pod', async () => {
    // GIVEN the only node tainted with a taint the DaemonSet does not tolerate
    await node.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { spec: { taints: [HOLD] } });
    // AND the DaemonSet applied: no pod, nothing desired
    await apply(node, objects);
    await sleep(8_000);
    expect(await podsOf(node, ds)).toEqual([]);
    expect((await dsStatus()).desiredNumberScheduled ?? 0).toBe(0);

    // WHEN the taint comes off (the node becomes eligible)
    const t0 = Date.now();
    await node.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { spec: { taints: null } });

    // THEN the controller creates the pod there and it runs
    pod = await waitReady(node, ds, 120_000);
    const toReady = (Date.now() - t0) / 1000;
    expect(pod.spec.nodeName).toBe(NODE_NAME);
    expect((await dsStatus()).desiredNumberScheduled).toBe(1);

    report({
      agent: 'DaemonSet behaviour (node becomes eligible)',
      image: 'busybox:1.36',
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `node tainted ${HOLD.key}=${HOLD.value}:${HOLD.effect} (not tolerated): DaemonSet applied, no pod after 8 s, desiredNumberScheduled 0`,
        `taint removed: pod created, bound to ${NODE_NAME} and Ready in ${toReady.toFixed(1)} s`,
      ],
    });
  }, 300_000);

  test('a deleted Node\'s pod is collected and not replaced', async () => {
    expect(pod).toBeDefined();
    // WHEN the Node object is deleted (a v1.20 kubelet registers only once: it does not re-create it)
    const t0 = Date.now();
    await node.client.delete(`/api/v1/nodes/${NODE_NAME}`);

    // THEN the pod garbage collector deletes the pod bound to the missing node (after its 40 s quarantine)
    await waitFor('the deleted Node\'s pod collected', async () => ((await podsOf(node, ds)).length === 0 ? true : undefined), 180_000, 500);
    const toCollected = (Date.now() - t0) / 1000;

    // AND the kubelet stops its container
    await waitFor('the pod\'s containers stopped on the node', async () => {
      const running = node.ctr(['tasks', 'ls']).trim().split('\n').slice(1).filter((l) => l.includes('RUNNING'));
      return running.length === 0 ? true : undefined;
    }, 60_000, 500);

    // AND the DaemonSet controller makes no other pod: no node, nothing desired
    await sleep(5_000);
    expect(await podsOf(node, ds)).toEqual([]);
    expect((await dsStatus()).desiredNumberScheduled ?? 0).toBe(0);
    await expect(node.client.get(`/api/v1/nodes/${NODE_NAME}`)).rejects.toThrow(/404|not found/i);

    report({
      agent: 'DaemonSet behaviour (Node deleted)',
      image: 'busybox:1.36',
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `(Ready and restarts as before the deletion) Node deleted: its pod ${pod.metadata.name} deleted by podgc ${toCollected.toFixed(1)} s later`,
        'the kubelet stopped its containers (no running task left); the Node stays deleted (the v1.20 kubelet registers once)',
        'no replacement pod: desiredNumberScheduled 0',
      ],
    });
  }, 300_000);
});
