/**
 * The placement preview's kubelet verdicts (src/placement/kubelet-admission.ts), shown on the real
 * node: the real Node object (as `kubectl get node -o json` prints it) and the synthesized
 * DaemonSets go into `FleetPreview`, and what the preview says per agent is compared with what
 * the kubelet did with the bound pod. Five nodes, one after the other:
 * - the pod network not ready (the CNI config taken away: NotReady, "cni plugin not initialized"):
 *   a host-network agent starts, a pod-network one does not;
 * - DiskPressure (the kubelet's `evictionHard: nodefs.available<99%`): a system-node-critical
 *   agent is admitted, a non-critical one rejected ("Evicted", "The node had condition: [DiskPressure]");
 * - Ready=Unknown (the node lifecycle controller, the kubelet stopped with SIGSTOP): the
 *   controller's unreachable taints; an agent tolerating every taint is bound and never starts,
 *   one tolerating none gets no pod; the kubelet back, the held pod starts;
 * - MemoryPressure (`memory.available<99%`): every DaemonSet pod admitted (BestEffort ones too:
 *   the controller's memory-pressure toleration), a bare BestEffort pod rejected; the eviction
 *   manager then evicts the BestEffort agent (above its zero memory request), not the Burstable
 *   or the critical one;
 * - PIDPressure (`pid.available` < the machine's pid_max): as DiskPressure.
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

function condition(nodeJson: any, type: string): any {
  return (nodeJson.status?.conditions ?? []).find((c: any) => c.type === type);
}

/** Waits for the node condition `type` to be True; returns the Node and the seconds it took. */
async function waitCondition(node: RealNode, type: string): Promise<{ nodeJson: any; seconds: number }> {
  const t0 = Date.now();
  const nodeJson = await waitFor(`${type}=True`, async () => {
    const n = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
    return condition(n, type)?.status === 'True' ? n : undefined;
  }, 120_000, 500);
  return { nodeJson, seconds: (Date.now() - t0) / 1000 };
}

/** The kubelet's admission rejection of one of `pods()`: the pod Failed/Evicted, or its "Evicted" event. */
async function rejection(node: RealNode, namespace: string, pods: () => Promise<any[]>, what: string): Promise<{ how: string; message: string }> {
  return waitFor(what, async () => {
    for (const p of await pods()) {
      if (p.status?.phase === 'Failed' && p.status?.reason === 'Evicted') {
        return { how: `pod ${p.metadata.name} Failed, ${p.status.reason}: ${p.status.message}`, message: p.status.message as string };
      }
      const evs = await events(node, namespace, p.metadata.name);
      const ev = evs.find((e) => e.startsWith('Evicted:'));
      if (ev) {
        return { how: `event on pod ${p.metadata.name}: ${ev}`, message: ev };
      }
    }
    return undefined;
  }, 90_000, 250);
}

/** Every event of the namespace's pods whose name starts with `prefix`, as "pod reason: message". */
async function podEvents(node: RealNode, namespace: string, prefix: string): Promise<string[]> {
  const list = await node.client.get(`/api/v1/namespaces/${namespace}/events`);
  return list.items
    .filter((e: any) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name.startsWith(prefix))
    .map((e: any) => `${e.involvedObject.name} ${e.reason}: ${e.message}`);
}

const taintsOf = (nodeJson: any): string[] => (nodeJson.spec?.taints ?? []).map((t: any) => `${t.key}:${t.effect}`);

/** The node's pid_max: `pid.available` is pid_max minus the running processes (eviction/helpers.go makeSignalObservations). */
function pidMax(): number {
  return Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf-8').trim());
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

describe('Ready=Unknown (the kubelet stopped): the preview and the node lifecycle controller', () => {
  let node: RealNode;
  const GRACE_SECONDS = 16;

  beforeAll(async () => {
    // The node lifecycle controller (pkg/controller/nodelifecycle): Ready=Unknown once the kubelet
    // has posted no status and renewed no lease for --node-monitor-grace-period (default 40 s; 16 s
    // here, 8 of the kubelet's 2 s status updates), checked every --node-monitor-period (default 5 s).
    node = await RealNode.start({
      controllers: ['nodelifecycle'],
      controllerManagerArgs: [`--node-monitor-grace-period=${GRACE_SECONDS}s`, '--node-monitor-period=2s'],
    });
    node.importBusybox('busybox:1.36');
  }, 300_000);

  afterAll(async () => {
    node?.thawKubelet();
    const undone = await node?.stop(['verdicts']);
    console.log(`teardown: ${undone?.join('; ')}`);
  }, 300_000);

  test('an agent tolerating every taint is bound and never starts, one tolerating none gets no pod, as the preview says', async () => {
    // GIVEN the kubelet stopped (SIGSTOP): no status, no lease
    node.freezeKubelet();
    const t0 = Date.now();
    const seen = new Set<string>();
    const unknown = await waitFor('Ready=Unknown', async () => {
      const n = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
      taintsOf(n).forEach((t) => seen.add(t));
      return readyCondition(n)?.status === 'Unknown' ? n : undefined;
    }, 120_000, 250);
    const toUnknown = (Date.now() - t0) / 1000;
    // AND the controller's unreachable:NoSchedule taint (TaintNodesByCondition)
    const nodeJson = await waitFor('the unreachable:NoSchedule taint', async () => {
      const n = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
      taintsOf(n).forEach((t) => seen.add(t));
      return taintsOf(n).includes('node.kubernetes.io/unreachable:NoSchedule') ? n : undefined;
    }, 60_000, 250);
    const toTaint = (Date.now() - t0) / 1000;
    expect(readyCondition(unknown).reason).toBe('NodeStatusUnknown');
    // (Its only node unreachable, the controller enters its full-disruption mode and keeps the
    // unreachable:NoExecute taint off: node_lifecycle_controller.go handleDisruption, markNodeAsReachable.)
    const kcmLog = fs.readFileSync(path.join(path.dirname(node.plane.kubeconfig), 'kube-controller-manager.log'), 'utf-8');
    const fullDisruption = /Entering master disruption mode/.test(kcmLog);

    // WHEN an agent tolerating every taint (the core's default) and one tolerating none are applied
    const all = sleeper('verdicts', 'all-taints');
    const none = synth('verdicts', (chart) => {
      new DaemonSet(chart, 'no-taints', {
        image: 'busybox:1.36',
        command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
        tolerations: [],
      });
    });
    const [allDs, noneDs] = [dsOf(all), dsOf(none)];
    const [allPlace, nonePlace] = await previewOn(node, [allDs, noneDs]);
    await apply(node, [...all, ...none]);

    // THEN the first agent's pod is created and bound to the node
    const bound = await waitFor('the pod bound to the unreachable node', async () => {
      const pods = await podsOf(node, allDs);
      return pods.length === 1 && pods[0].spec.nodeName === NODE_NAME ? pods[0] : undefined;
    }, 60_000, 250);
    // AND it does not start: no container, no IP, Pending (nothing on the node to start it)
    await sleep(8_000);
    const [held] = await podsOf(node, allDs);
    expect(held.metadata.uid).toBe(bound.metadata.uid);
    expect(held.status?.phase).toBe('Pending');
    expect(held.status?.containerStatuses).toBeUndefined();
    expect(held.status?.podIP).toBeUndefined();
    // AND the agent tolerating none gets no pod (the controller's own tolerations cover unreachable:NoExecute, not NoSchedule)
    expect(await podsOf(node, noneDs)).toEqual([]);
    const noneStatus = (await node.client.get(`/apis/apps/v1/namespaces/verdicts/daemonsets/${noneDs.metadata.name}`)).status ?? {};
    expect(noneStatus.desiredNumberScheduled ?? 0).toBe(0);

    // AND the preview said so, from the same Node object
    expect(allPlace).toMatchObject({ scheduled: true, bound: true, runs: false });
    expect(allPlace.reasons.map((r) => r.kind)).toEqual(['NodeNotReady']);
    expect(allPlace.reasons[0].nodeValue).toBe('Unknown');
    expect(nonePlace).toMatchObject({ scheduled: false, runs: false });
    expect(nonePlace.reasons.map((r) => r.kind)).toContain('Taint');

    // AND with the kubelet back the held pod starts on the node
    const t1 = Date.now();
    node.thawKubelet();
    const started = await waitReady(node, allDs, 120_000);
    const toStarted = (Date.now() - t1) / 1000;
    expect(started.metadata.uid).toBe(held.metadata.uid);

    report({
      agent: 'Kubelet verdicts: Ready=Unknown',
      image: 'busybox:1.36',
      ready: isReady(started),
      restarts: restarts(started),
      checked: [
        `kubelet stopped (SIGSTOP): Ready=Unknown (${readyCondition(unknown).reason}) ${toUnknown.toFixed(1)} s later (--node-monitor-grace-period=${GRACE_SECONDS}s, --node-monitor-period=2s); unreachable:NoSchedule after ${toTaint.toFixed(1)} s; taints seen: ${[...seen].join(', ')}; at the apply: ${taintsOf(nodeJson).join(', ')}${fullDisruption ? ' (the controller logged "Entering master disruption mode": no NoExecute taint with every node unreachable)' : ''}`,
        `agent tolerating every taint: pod bound, Pending, no container after 8 s; preview: bound=${allPlace.bound} runs=${allPlace.runs} (${allPlace.verdict.split(':')[0]})`,
        `agent tolerating none: no pod, desiredNumberScheduled 0; preview: scheduled=${nonePlace.scheduled} (${nonePlace.reasons.map((r) => r.kind).join(', ')})`,
        `kubelet resumed (SIGCONT): the same pod Ready ${toStarted.toFixed(1)} s later`,
      ],
    });
  }, 300_000);
});

describe('MemoryPressure: the preview and the kubelet\'s admission', () => {
  let node: RealNode;

  beforeAll(async () => {
    // memory.available<99% of capacity holds on this shared machine (its processes use more than
    // 1%): MemoryPressure. A threshold above the capacity ("100Gi" on 23 GiB) stops the kubelet at
    // start: the hard threshold is reserved from allocatable (pkg/kubelet/cm/helpers.go
    // hardEvictionReservation) and validateNodeAllocatable refuses a negative one. So allocatable
    // memory is 1% (about 235 MiB here): room for the 64 MiB requests below. evictionHard replaces
    // the tier's thresholds (a v1.20 kubelet defaults them only when evictionHard is absent).
    node = await RealNode.start({ kubelet: { evictionHard: { 'memory.available': '99%' }, imageMinimumGCAge: '24h' } });
    node.importBusybox('busybox:1.36');
  }, 300_000);

  afterAll(async () => {
    const undone = await node?.stop(['verdicts']);
    console.log(`teardown: ${undone?.join('; ')}`);
  }, 300_000);

  test('every DaemonSet pod is admitted (BestEffort too), a bare BestEffort pod is rejected, as the preview says', async () => {
    // GIVEN the node reporting MemoryPressure
    const { nodeJson, seconds } = await waitCondition(node, 'MemoryPressure');

    // WHEN a critical agent, a Burstable one (the core's default resources) and a BestEffort one
    // (resources taken out of the synthesized manifest, as a vendor's YAML may have it) are applied
    const critical = sleeper('kube-system', 'critical-mem', { priorityClassName: 'system-node-critical' });
    const burstable = sleeper('verdicts', 'burstable');
    const bestEffort = sleeper('verdicts', 'best-effort');
    const [critDs, burstDs, beDs] = [dsOf(critical), dsOf(burstable), dsOf(bestEffort)];
    delete beDs.spec.template.spec.containers[0].resources;
    const [critPlace, burstPlace, bePlace] = await previewOn(node, [critDs, burstDs, beDs]);
    await apply(node, [...critical, ...burstable, ...bestEffort]);
    // AND a bare BestEffort pod bound to the node, with no toleration (not a DaemonSet pod)
    await node.client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare-best-effort', namespace: 'verdicts' },
      spec: {
        nodeName: NODE_NAME,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }],
      },
    });

    // THEN the critical pod runs
    const critPod = await waitReady(node, critDs, 90_000);
    // AND the bare BestEffort pod is rejected at admission: "The node had condition: [MemoryPressure]"
    const bare = await rejection(node, 'verdicts', async () => [await node.client.get('/api/v1/namespaces/verdicts/pods/bare-best-effort')], 'the bare BestEffort pod rejected');
    expect(bare.message).toMatch(/The node had condition: \[MemoryPressure\]/);
    // AND the Burstable agent is admitted and runs
    const burstPod = await waitReady(node, burstDs, 90_000);
    // AND the BestEffort agent is admitted too (it starts), then evicted by the eviction manager
    // (one pod per pass while the threshold is met, those above their memory request first)
    const t0 = Date.now();
    const beEvicted = await waitFor('the BestEffort agent evicted after it started', async () => {
      const evs = await podEvents(node, 'verdicts', beDs.metadata.name);
      const started = evs.find((e) => / Started: /.test(e));
      const evicted = evs.find((e) => / Evicted: The node was low on resource: memory\./.test(e));
      return started && evicted ? { started, evicted } : undefined;
    }, 90_000, 500);
    const toEvicted = (Date.now() - t0) / 1000;
    expect(beEvicted.evicted).toMatch(/exceeds its request of 0/);
    // AND neither agent's pod was rejected at admission
    const admissionRejected = [...await podEvents(node, 'verdicts', burstDs.metadata.name), ...await podEvents(node, 'verdicts', beDs.metadata.name)]
      .filter((e) => /The node had condition/.test(e));
    expect(admissionRejected).toEqual([]);
    // AND the Burstable and critical pods are still the same, Ready (within their requests, or critical: not evicted)
    const [burstAfter] = (await podsOf(node, burstDs)).filter((p) => !p.metadata.deletionTimestamp);
    expect(burstAfter.metadata.uid).toBe(burstPod.metadata.uid);
    expect(isReady(burstAfter)).toBe(true);
    const [critAfter] = await podsOf(node, critDs);
    expect(critAfter.metadata.uid).toBe(critPod.metadata.uid);
    expect(isReady(critAfter)).toBe(true);

    // AND the preview said so, from the same Node object
    expect(critPlace.runs).toBe(true);
    expect(critPlace.verdict).not.toMatch(/MemoryPressure/);
    expect(burstPlace.runs).toBe(true);
    expect(burstPlace.verdict).toMatch(/MemoryPressure: admitted/);
    expect(bePlace).toMatchObject({ bound: true, runs: false });
    expect(bePlace.reasons.map((r) => [r.kind, r.nodeValue])).toEqual([['NodePressure', 'MemoryPressure']]);

    report({
      agent: 'Kubelet verdicts: MemoryPressure',
      image: 'busybox:1.36',
      ready: isReady(critAfter),
      restarts: restarts(critAfter),
      checked: [
        `evictionHard memory.available<99%: MemoryPressure=True ${seconds.toFixed(1)} s after the node was up; taints: ${taintsOf(nodeJson).join(', ') || 'none (no node lifecycle controller here)'}`,
        `system-node-critical pod (priority ${critPod.spec.priority}) Ready, never evicted; preview: runs=${critPlace.runs}`,
        `Burstable agent (64Mi requested) admitted, Ready, not evicted; preview: runs=${burstPlace.runs} (${burstPlace.verdict})`,
        `BestEffort agent admitted (${beEvicted.started}) then evicted ${toEvicted.toFixed(1)} s after the Burstable one was Ready (${beEvicted.evicted}); preview: runs=${bePlace.runs} (${bePlace.reasons.map((r) => `${r.kind} ${r.nodeValue}`).join(', ')})`,
        `bare BestEffort pod without the memory-pressure toleration rejected at admission: ${bare.how}`,
      ],
    });
  }, 300_000);
});

describe('PIDPressure: the preview and the kubelet\'s admission', () => {
  let node: RealNode;

  beforeAll(async () => {
    // pid.available (pid_max - running processes, eviction/helpers.go) < pid_max always holds: PIDPressure.
    node = await RealNode.start({ kubelet: { evictionHard: { 'pid.available': String(pidMax()) }, imageMinimumGCAge: '24h' } });
    node.importBusybox('busybox:1.36');
  }, 300_000);

  afterAll(async () => {
    const undone = await node?.stop(['verdicts']);
    console.log(`teardown: ${undone?.join('; ')}`);
  }, 300_000);

  test('a system-node-critical agent is admitted, a non-critical one is rejected (Evicted), as the preview says', async () => {
    // GIVEN the node reporting PIDPressure
    const { nodeJson, seconds } = await waitCondition(node, 'PIDPressure');

    // WHEN a critical and a non-critical agent are applied
    const critical = sleeper('kube-system', 'critical-pid', { priorityClassName: 'system-node-critical' });
    const plain = sleeper('verdicts', 'plain-pid');
    const [critDs, plainDs] = [dsOf(critical), dsOf(plain)];
    const [critPlace, plainPlace] = await previewOn(node, [critDs, plainDs]);
    await apply(node, [...critical, ...plain]);

    // THEN the critical pod runs
    const critPod = await waitReady(node, critDs, 90_000);
    // AND the kubelet rejects the non-critical one at admission (eviction_manager.go Admit: any condition but MemoryPressure alone)
    const rejected = await rejection(node, 'verdicts', () => podsOf(node, plainDs), 'the non-critical pod rejected by the kubelet');
    expect(rejected.message).toMatch(/The node had condition: \[PIDPressure\]/);
    expect((await podsOf(node, plainDs)).some((p) => isReady(p))).toBe(false);

    // AND the preview said so, from the same Node object
    expect(critPlace.runs).toBe(true);
    expect(plainPlace.bound).toBe(true);
    expect(plainPlace.runs).toBe(false);
    expect(plainPlace.reasons.map((r) => r.kind)).toContain('NodePressure');
    expect(plainPlace.reasons.find((r) => r.kind === 'NodePressure')?.nodeValue).toBe('PIDPressure');

    report({
      agent: 'Kubelet verdicts: PIDPressure',
      image: 'busybox:1.36',
      ready: isReady(critPod),
      restarts: restarts(critPod),
      checked: [
        `evictionHard pid.available<${pidMax()} (pid_max): PIDPressure=True ${seconds.toFixed(1)} s after the node was up; taints: ${taintsOf(nodeJson).join(', ') || 'none (no node lifecycle controller here)'}`,
        `system-node-critical pod (priority ${critPod.spec.priority}) Ready; preview: runs=${critPlace.runs}`,
        `non-critical pod rejected: ${rejected.how}; preview: runs=${plainPlace.runs} (${plainPlace.reasons.map((r) => r.kind).join(', ')})`,
      ],
    });
  }, 300_000);
});
