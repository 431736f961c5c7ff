/**
 * The placement preview's kubelet verdicts (src/placement/kubelet-admission.ts), shown on the real
 * node: the real Node object (as `kubectl get node -o json` prints it) and the synthesized
 * DaemonSets go into `FleetPreview`, and what the preview says per agent is compared with what
 * the kubelet did with the bound pod. Two nodes, one after the other:
 * - the pod network not ready (the CNI config taken away: NotReady, "cni plugin not initialized"):
 *   a host-network agent starts, a pod-network one does not;
 * - DiskPressure (the kubelet's `evictionHard: nodefs.available<99%`): a system-node-critical
 *   agent is admitted, a non-critical one rejected ("Evicted", "The node had condition: [DiskPressure]").
 * Run with `npm run test:node`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apply, isReady, podsOf, podTrouble, report, restarts, synth, waitReady } from './agents';
import { WORK_DIR } from './host';
import { NODE_NAME, RealNode } from './real-node';
import { DaemonSet, FleetPreview, NodeInventory } from '../../src';
import { sleep, waitFor } from '../cluster/control-plane';

const CNI_CONF = path.join(WORK_DIR, 'cni', 'net.d', '10-node-tier.conflist');
const CNI_ASIDE = path.join(WORK_DIR, 'cni', '10-node-tier.conflist.aside');

/**
 * Puts the CNI config back as a new file (containerd reloads on its create and write events; a
 * rename back into the directory was not picked up).
 */
function restoreCni(): void {
  if (fs.existsSync(CNI_ASIDE)) {
    fs.copyFileSync(CNI_ASIDE, CNI_CONF);
    fs.unlinkSync(CNI_ASIDE);
  }
}

const dsOf = (objects: any[]) => objects.find((o) => o.kind === 'DaemonSet');

/** The core DaemonSet running busybox `sleep` (stops at once on SIGTERM). */
function sleeper(namespace: string, name: string, extra: { hostNetwork?: boolean; priorityClassName?: string } = {}): any[] {
  return synth(namespace, (chart) => {
    new DaemonSet(chart, name, {
      image: 'busybox:1.36',
      command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
      ...extra,
    });
  });
}

/** The preview's entry for the node, per DaemonSet, from the real Node object. */
async function previewOn(node: RealNode, daemonSets: any[]) {
  const nodeJson = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
  const preview = FleetPreview.forManifests(daemonSets, NodeInventory.fromKubectlJson(JSON.stringify(nodeJson)));
  return preview.daemonSets.map((p) => p.nodes.find((n) => n.nodeName === NODE_NAME)!);
}

async function events(node: RealNode, namespace: string, name: string): Promise<string[]> {
  const list = await node.client.get(`/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name=${name}`);
  return list.items.map((e: any) => `${e.reason}: ${e.message}`);
}

function readyCondition(nodeJson: any): any {
  return (nodeJson.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
}

describe('the pod network not ready: the preview and the kubelet', () => {
  let node: RealNode;

  beforeAll(async () => {
    node = await RealNode.start();
    node.importBusybox('busybox:1.36');
  }, 300_000);

  afterAll(async () => {
    restoreCni();
    const undone = await node?.stop(['verdicts']);
    console.log(`teardown: ${undone?.join('; ')}`);
  }, 300_000);

  test('NotReady for the CNI: the host-network agent starts, the pod-network agent does not, as the preview says', async () => {
    // GIVEN the node NotReady because containerd has no CNI config (its conf dir is watched)
    fs.renameSync(CNI_CONF, CNI_ASIDE);
    const t0 = Date.now();
    const notReady = await waitFor('the node NotReady for the pod network', async () => {
      const n = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
      const ready = readyCondition(n);
      return ready?.status === 'False' && /network/i.test(ready.message ?? '') ? ready : undefined;
    }, 60_000, 250);
    const toNotReady = (Date.now() - t0) / 1000;
    expect(notReady.message).toMatch(/network plugin is not ready|cni plugin not initialized|network not ready/i);

    // WHEN a host-network agent and a pod-network agent are applied
    const hostNet = sleeper('verdicts', 'host-net', { hostNetwork: true });
    const podNet = sleeper('verdicts', 'pod-net');
    const [hostDs, podDs] = [dsOf(hostNet), dsOf(podNet)];
    const [hostPlace, podPlace] = await previewOn(node, [hostDs, podDs]);
    await apply(node, [...hostNet, ...podNet]);

    // THEN the host-network pod runs, Ready, on the NotReady node
    const hostPod = await waitReady(node, hostDs, 60_000);
    expect(hostPod.spec.nodeName).toBe(NODE_NAME);
    // AND the pod-network pod is bound but the kubelet does not start it (NetworkNotReady)
    const podNetEvents = await waitFor('the kubelet holding the pod-network pod back', async () => {
      const pods = await podsOf(node, podDs);
      if (pods.length !== 1 || pods[0].spec.nodeName !== NODE_NAME) {
        return undefined;
      }
      const evs = await events(node, 'verdicts', pods[0].metadata.name);
      return evs.some((e) => /NetworkNotReady|network is not ready/i.test(e)) ? { pod: pods[0], evs } : undefined;
    }, 60_000, 500);
    await sleep(5_000);
    const [held] = await podsOf(node, podDs);
    expect(isReady(held)).toBe(false);
    expect(held.status?.containerStatuses?.[0]?.state?.running).toBeUndefined();
    expect(held.status?.podIP).toBeUndefined();

    // AND the preview said so, from the same Node object
    expect(hostPlace.runs).toBe(true);
    expect(podPlace.bound).toBe(true);
    expect(podPlace.runs).toBe(false);
    expect(podPlace.reasons.map((r) => r.kind)).toContain('NodeNotReady');

    // AND with the CNI config back the held pod starts (it was the network that held it)
    restoreCni();
    const started = await waitReady(node, podDs, 90_000);
    expect(started.metadata.uid).toBe(held.metadata.uid);

    report({
      agent: 'Kubelet verdicts: pod network not ready',
      image: 'busybox:1.36',
      ready: isReady(hostPod),
      restarts: restarts(hostPod),
      checked: [
        `CNI config removed: Node Ready=False in ${toNotReady.toFixed(1)} s ("${notReady.message}")`,
        `host-network pod Ready on the NotReady node; preview: runs=${hostPlace.runs} (${hostPlace.verdict})`,
        `pod-network pod bound, not started: ${podNetEvents.evs.find((e: string) => /network/i.test(e))}; preview: runs=${podPlace.runs} (${podPlace.reasons.map((r) => r.kind).join(', ')})`,
        'CNI config back: the same pod started and became Ready',
      ],
    });
  }, 300_000);
});

describe('DiskPressure: the preview and the kubelet\'s admission', () => {
  let node: RealNode;

  beforeAll(async () => {
    // nodefs.available<99% holds on this disk: DiskPressure (the kubelet ignores 0% and 100%
    // thresholds: pkg/kubelet/eviction/helpers.go parseThresholdStatement). Images must survive the eviction
    // manager's image reclaim (unused images younger than imageMinimumGCAge are kept).
    node = await RealNode.start({ kubelet: { evictionHard: { 'nodefs.available': '99%' }, imageMinimumGCAge: '24h' } });
    node.importBusybox('busybox:1.36');
  }, 300_000);

  afterAll(async () => {
    const undone = await node?.stop(['verdicts']);
    console.log(`teardown: ${undone?.join('; ')}`);
  }, 300_000);

  test('a system-node-critical agent is admitted, a non-critical one is rejected (Evicted), as the preview says', async () => {
    // GIVEN the node reporting DiskPressure
    const t0 = Date.now();
    const nodeJson = await waitFor('DiskPressure=True', async () => {
      const n = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
      return (n.status?.conditions ?? []).some((c: any) => c.type === 'DiskPressure' && c.status === 'True') ? n : undefined;
    }, 120_000, 500);
    const toPressure = (Date.now() - t0) / 1000;
    const taints = (nodeJson.spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`);

    // WHEN a critical and a non-critical agent are applied
    const critical = sleeper('kube-system', 'critical', { priorityClassName: 'system-node-critical' });
    const plain = sleeper('verdicts', 'plain');
    const [critDs, plainDs] = [dsOf(critical), dsOf(plain)];
    const [critPlace, plainPlace] = await previewOn(node, [critDs, plainDs]);
    await apply(node, [...critical, ...plain]);

    // THEN the critical pod runs
    const critPod = await waitReady(node, critDs, 90_000);
    expect(critPod.spec.priority).toBeGreaterThanOrEqual(2000000000);
    // AND the kubelet rejects the non-critical one at admission: Evicted, "The node had condition: [DiskPressure]"
    const rejected = await waitFor('the non-critical pod rejected by the kubelet', async () => {
      for (const p of await podsOf(node, plainDs)) {
        if (p.status?.phase === 'Failed' && p.status?.reason === 'Evicted') {
          return { how: `pod ${p.metadata.name} Failed, ${p.status.reason}: ${p.status.message}`, message: p.status.message as string };
        }
        const evs = await events(node, 'verdicts', p.metadata.name);
        const ev = evs.find((e) => e.startsWith('Evicted:'));
        if (ev) {
          return { how: `event on pod ${p.metadata.name}: ${ev}`, message: ev };
        }
      }
      return undefined;
    }, 90_000, 250);
    expect(rejected.message).toMatch(/The node had condition: \[DiskPressure\]/);
    const plainPods = await podsOf(node, plainDs);
    expect(plainPods.some((p) => isReady(p))).toBe(false);

    // AND the preview said so, from the same Node object
    expect(critPlace.runs).toBe(true);
    expect(plainPlace.bound).toBe(true);
    expect(plainPlace.runs).toBe(false);
    expect(plainPlace.reasons.map((r) => r.kind)).toContain('NodePressure');

    report({
      agent: 'Kubelet verdicts: DiskPressure',
      image: 'busybox:1.36',
      ready: isReady(critPod),
      restarts: restarts(critPod),
      checked: [
        `evictionHard nodefs.available<99%: DiskPressure=True ${toPressure.toFixed(1)} s after the node was up; taints: ${taints.join(', ') || 'none (no node lifecycle controller here)'}`,
        `system-node-critical pod (priority ${critPod.spec.priority}) Ready; preview: runs=${critPlace.runs}`,
        `non-critical pod rejected: ${rejected.how}; preview: runs=${plainPlace.runs} (${plainPlace.reasons.map((r) => r.kind).join(', ')})`,
        plainPods.map((p) => podTrouble(p).split('\n')[0]).join('; ') || 'no non-critical pod left at the time of the check',
      ],
    });
  }, 300_000);
});
