/**
 * Internal: what the kubelet does with a DaemonSet pod the scheduler bound to its node, from the
 * node's conditions (`status.conditions`). Read in kubernetes/kubernetes v1.20.2 (the version
 * test/cluster builds):
 * - pkg/kubelet/kubelet.go `syncLoop`: while `runtimeState.runtimeErrors()` is not empty ("container
 *   runtime is down", "container runtime status check may not have completed yet", "PLEG is not
 *   healthy: ...", "Container runtime not ready: ...") the kubelet skips pod synchronization:
 *   no pod starts, nor is it even admitted.
 * - pkg/kubelet/kubelet.go `syncPod`: while `runtimeState.networkErrors()` is not empty ("runtime
 *   network not ready: ...", "network state unknown") only host-network pods
 *   (`IsHostNetworkPod`) start; the others fail with "network is not ready".
 * - pkg/kubelet/nodestatus/setters.go `ReadyCondition`: Ready is False (reason KubeletNotReady)
 *   with those errors (and storage, shutdown or missing-capacity errors) joined in its message,
 *   which is how the preview tells them apart. Ready is Unknown when the kubelet stopped posting
 *   status (pkg/controller/nodelifecycle): nothing on the node is known to start pods.
 * - pkg/kubelet/eviction/eviction_manager.go `(*managerImpl).Admit`, the first admit handler
 *   (kubelet.go `NewMainKubelet`): with no pressure condition every pod is admitted; a critical
 *   pod (pkg/kubelet/types/pod_update.go `IsCriticalPod`: static, mirror, or `spec.priority` >=
 *   `SystemCriticalPriority` 2000000000, i.e. system-cluster-critical and system-node-critical)
 *   always is; under MemoryPressure alone a pod that is not BestEffort is admitted, and a
 *   BestEffort one if it tolerates `node.kubernetes.io/memory-pressure:NoSchedule`, which the
 *   DaemonSet controller adds to every DaemonSet pod (`AddOrUpdateDaemonPodTolerations`), so
 *   every DaemonSet pod is admitted under memory pressure alone; under DiskPressure or
 *   PIDPressure (with or without memory pressure) every other pod is rejected: `rejectPod` sets it
 *   Failed with reason "Evicted" and message "The node had condition: [DiskPressure]. ".
 * - pkg/kubelet/eviction/eviction_manager.go `synchronize`: while a threshold is met the eviction
 *   manager evicts one running pod per pass (`evictPod`, never a critical one), ranked for memory by
 *   helpers.go `rankMemoryPressure`: pods using more memory than they request first
 *   (`exceedMemoryRequests`), then by priority, then by use above the request. A non-critical pod
 *   with no memory request uses more than it requests as soon as it runs: under MemoryPressure it
 *   is admitted, then evicted ("The node was low on resource: memory."), re-created with back-off
 *   and evicted again while the pressure lasts; one with a memory request stays while it uses less.
 *   Seen on the real node (test/node/kubelet-verdicts.test.ts): the BestEffort agent evicted within
 *   10 s, again and again, the Burstable one and the critical one left running.
 * - pkg/controller/daemon/daemon_controller.go `podsShouldBeOnNode`: the controller deletes a
 *   Failed daemon pod and creates another, with back-off (`failedPodsBackoff`): the pod never runs.
 * The kubelet's other admit handler (lifecycle/predicate.go `GeneralPredicates`: resources, node
 * name, affinity, host ports) repeats the scheduler's checks; v1.20 has no OS admission check
 * (that came in 1.23), so an image of another OS fails at pull or start (see fleet-fit.ts).
 */
import { InventoryNode } from './node-inventory';
import { PlacementReason, PlacementReasonKind } from './placement-reason';

/** pkg/apis/scheduling/types.go `SystemCriticalPriority` (2 × HighestUserDefinablePriority). */
export const SYSTEM_CRITICAL_PRIORITY = 2000000000;

/** The pressure conditions the eviction manager reports (pkg/kubelet/eviction/helpers.go `signalToNodeCondition`). */
const PRESSURE_TYPES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** `runtimeErrors()` texts (runtime.go, kubelet.go `updateRuntimeUp`): the kubelet syncs no pod. */
const RUNTIME_ERROR = /container runtime is down|container runtime status check may not have completed|PLEG is not healthy|container runtime not ready/i;

/** `networkErrors()` texts (kubelet.go `updateRuntimeUp`, errors.go `ErrNetworkUnknown`): only host-network pods start. */
const NETWORK_ERROR = /network not ready|network state unknown|network plugin (is )?not ready|cni (plugin |config )?(not initialized|uninitialized)/i;

/** How a node's kubelet treats the pods bound to it. */
export interface KubeletNode {
  /** The Ready condition's status ('True', 'False', 'Unknown'), or undefined when not reported. */
  readonly readyStatus?: string;
  /** Why no pod starts on the node (not Ready: kubelet gone, runtime down, or an unknown reason). */
  readonly startsNoPod?: string;
  /** Why pods on the pod network do not start (Ready False for the network only); host-network pods do. */
  readonly startsHostNetworkOnly?: string;
  /** The pressure conditions that are True, in the node's order. */
  readonly pressure: string[];
}

const READY: KubeletNode = { readyStatus: 'True', pressure: [] };
const UNREPORTED: KubeletNode = { pressure: [] };

/** Reads the node's conditions. A node that reports none is taken as Ready, without pressure. */
export function kubeletNode(node: InventoryNode): KubeletNode {
  const conditions = node.conditions;
  if (conditions === undefined || conditions.length === 0) {
    return UNREPORTED;
  }
  let ready: { status: string; reason?: string; message?: string } | undefined;
  const pressure: string[] = [];
  for (const c of conditions) {
    if (c.type === 'Ready') {
      ready = c;
    } else if (c.status === 'True' && PRESSURE_TYPES.includes(c.type)) {
      pressure.push(c.type);
    }
  }
  if (ready === undefined) {
    return pressure.length === 0 ? UNREPORTED : { pressure };
  }
  if (ready.status === 'True') {
    return pressure.length === 0 ? READY : { readyStatus: 'True', pressure };
  }
  const message = ready.message ?? '';
  const quoted = `Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${message ? `: "${message}"` : ''}`;
  if (ready.status !== 'False') {
    return {
      readyStatus: ready.status,
      pressure,
      startsNoPod: `node not Ready, ${quoted}: its kubelet has stopped reporting, so the pod is bound to the node but is never seen to start`,
    };
  }
  if (RUNTIME_ERROR.test(message)) {
    return {
      readyStatus: 'False',
      pressure,
      startsNoPod: `node not Ready, ${quoted}: while the container runtime is not ready the kubelet skips every pod (kubelet.go syncLoop), so the pod is bound but never starts`,
    };
  }
  if (NETWORK_ERROR.test(message)) {
    return {
      readyStatus: 'False',
      pressure,
      startsHostNetworkOnly: `node not Ready, ${quoted}: while the pod network (CNI) is not ready the kubelet starts only host-network pods (kubelet.go syncPod: "network is not ready")`,
    };
  }
  return {
    readyStatus: 'False',
    pressure,
    startsNoPod: `node not Ready, ${quoted}: a reason the preview does not recognize (a v1.20 kubelet holds pods back while the container runtime or the pod network is not ready), so the pod is assumed never to start`,
  };
}

/** What the kubelet does with one agent's pod once bound: the reasons it does not run, and a remark when it runs. */
export interface KubeletOutcome {
  readonly reasons: PlacementReason[];
  /** Set when the pod runs on a node that is not Ready (a host-network pod on a node whose pod network is not ready). */
  readonly caveat?: string;
}

const NONE: KubeletOutcome = { reasons: [] };

/**
 * The kubelet's verdict on a bound pod: not Ready first (a kubelet that skips pod
 * synchronization admits nothing), then the eviction manager's admission.
 */
export function kubeletOutcome(k: KubeletNode, hostNetwork: boolean, priority: number, memoryRequest?: number): KubeletOutcome {
  if (k.startsNoPod === undefined && k.startsHostNetworkOnly === undefined && k.pressure.length === 0) {
    return NONE;
  }
  const reasons: PlacementReason[] = [];
  let caveat: string | undefined;
  if (k.startsNoPod !== undefined) {
    reasons.push({ kind: PlacementReasonKind.NODE_NOT_READY, message: k.startsNoPod, nodeValue: k.readyStatus });
  } else if (k.startsHostNetworkOnly !== undefined) {
    if (hostNetwork) {
      caveat = 'node not Ready (the pod network is not ready): this host-network pod starts all the same';
    } else {
      reasons.push({ kind: PlacementReasonKind.NODE_NOT_READY, message: `${k.startsHostNetworkOnly}; this pod uses the pod network and does not start`, nodeValue: k.readyStatus });
    }
  }
  // eviction_manager.go Admit: critical pods always; memory pressure alone admits every
  // DaemonSet pod (not BestEffort, or tolerating memory-pressure, which the controller adds).
  const memoryOnly = k.pressure.length === 1 && k.pressure[0] === 'MemoryPressure';
  const rejects = k.pressure.length > 0 && priority < SYSTEM_CRITICAL_PRIORITY && !memoryOnly;
  if (memoryOnly && priority < SYSTEM_CRITICAL_PRIORITY && memoryRequest !== undefined) {
    // synchronize + rankMemoryPressure: admitted, then evicted first when it requests no memory.
    if (memoryRequest === 0) {
      reasons.push({
        kind: PlacementReasonKind.NODE_PRESSURE,
        message: 'the kubelet admits the pod under MemoryPressure (the DaemonSet controller\'s memory-pressure toleration) and then evicts it (Evicted: "The node was low on resource: memory."): while the pressure lasts its eviction manager evicts pods that use more memory than they request first, and with no memory request any use is more; the controller creates another, with back-off, and it is evicted again',
        nodeValue: 'MemoryPressure',
      });
    } else {
      caveat = [caveat, 'MemoryPressure: admitted; while the pressure lasts the kubelet evicts non-critical pods that use more memory than they request first, so this one stays while it uses less than its memory request']
        .filter((c) => c !== undefined).join('; ');
    }
  }
  if (rejects) {
    reasons.push({
      kind: PlacementReasonKind.NODE_PRESSURE,
      message: `the kubelet rejects the pod at admission (Evicted: "The node had condition: [${k.pressure.join(' ')}]."): under ${k.pressure.filter((p) => p !== 'MemoryPressure').join(' and ')} only critical pods (priority >= ${SYSTEM_CRITICAL_PRIORITY}: system-cluster-critical, system-node-critical) are admitted; the controller deletes the failed pod and creates another, with back-off`,
      nodeValue: k.pressure.join(','),
    });
  }
  return { reasons, caveat };
}
