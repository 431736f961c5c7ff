/**
 * Internal: the scheduler's filters that can keep a DaemonSet pod Pending on the node the
 * controller made it for, its preemption, and which agents compete for a node
 * (kubernetes/kubernetes v1.28, pkg/scheduler/framework/plugins):
 * - noderesources/fit.go `fitsRequest`: the node's pod count + 1 must not exceed
 *   `allocatable.pods` ("Too many pods"); then, when the pod requests anything, every resource it
 *   requests (> 0) must fit in allocatable minus the requests of the pods already on the node
 *   ("Insufficient cpu", "Insufficient memory", "Insufficient nvidia.com/gpu", ...).
 * - nodeports/node_ports.go `fitsPorts` and framework/types.go `HostPortInfo.CheckConflict`:
 *   "node(s) didn't have free ports for the requested pod ports".
 * - defaultpreemption/default_preemption.go `SelectVictimsOnNode`: remove every pod of lower
 *   priority; if the pod then fits, add them back one by one, most important first
 *   (framework/util `MoreImportantPod`: higher priority, then earlier start), keeping each that
 *   still leaves room; those that cannot come back are the victims. PodDisruptionBudgets are not
 *   modelled (the scheduler prefers, but does not require, victims whose eviction respects them).
 * - queuesort/priority_sort.go `Less`: the scheduler takes higher-priority pods first, then the
 *   earlier-created ones.
 */
import { formatHostPort, HostPort, portsConflict, Resources } from './pod-resources';
import { formatResource } from './quantity';

/** A pod on a node (already there, or an agent's). */
export interface FitPod {
  /** `namespace/name`, as messages name it. */
  readonly name: string;
  /** How messages name its owner: `pod ns/name` or `DaemonSet ns/name`. */
  readonly label: string;
  readonly request: Resources;
  readonly ports: HostPort[];
  readonly priority: number;
  /** `status.startTime`, '' when unknown (then the scheduler uses "now": the least important). */
  readonly startTime: string;
}

/** One failed filter. */
export interface FilterFailure {
  readonly kind: 'NodeResourcesFit' | 'NodePorts';
  /** The resource (`cpu`, `memory`, `pods`, `nvidia.com/gpu`) or the port (`9100/TCP`). */
  readonly subject: string;
  readonly message: string;
  /** NodePorts: the pod holding the port. */
  readonly heldBy?: string;
}

/** A node's allocatable resources and the pods bound to it, as the scheduler's cache holds them. */
export class NodeState {
  public readonly requested = new Resources();
  public readonly pods: FitPod[] = [];

  /** `allocatable` undefined: the node reports none, and resources are not checked. */
  constructor(public readonly allocatable: Resources | undefined, public readonly allowedPods: number) {}

  public add(pod: FitPod): void {
    this.requested.add(pod.request);
    this.pods.push(pod);
  }

  public remove(pod: FitPod): void {
    const i = this.pods.lastIndexOf(pod);
    if (i >= 0) {
      this.pods.splice(i, 1);
      this.requested.add(pod.request, -1);
    }
  }

  /** Every filter the pod fails on this node, with the numbers. */
  public failures(pod: FitPod): FilterFailure[] {
    const out: FilterFailure[] = [];
    if (this.allocatable !== undefined) {
      if (this.pods.length + 1 > this.allowedPods) {
        out.push({
          kind: 'NodeResourcesFit',
          subject: 'pods',
          message: `Too many pods: needs 1 pod, ${Math.max(0, this.allowedPods - this.pods.length)} free of ${this.allowedPods} allocatable (${this.pods.length} pods on the node)`,
        });
      }
      for (const name of pod.request.names()) {
        const need = pod.request.get(name);
        const allocatable = this.allocatable.get(name);
        const free = allocatable - this.requested.get(name);
        if (need > 0 && need > free) {
          const none = allocatable === 0 && name !== 'cpu' && name !== 'memory' ? ` (the node has no ${name})` : '';
          out.push({
            kind: 'NodeResourcesFit',
            subject: name,
            message: `Insufficient ${name}: needs ${formatResource(name, need)} ${name}, ${formatResource(name, Math.max(0, free))} free of ${formatResource(name, allocatable)} allocatable${none}`,
          });
        }
      }
    }
    for (const want of pod.ports) {
      const holder = this.pods.find((p) => p.ports.some((used) => portsConflict(want, used)));
      if (holder !== undefined) {
        out.push({
          kind: 'NodePorts',
          subject: formatHostPort(want),
          message: `host port ${formatHostPort(want)} is already used by ${holder.label} (node(s) didn't have free ports for the requested pod ports)`,
          heldBy: holder.name,
        });
      }
    }
    return out;
  }
}

/** An agent competing for a node. */
export interface FitAgent {
  readonly pod: FitPod;
  /** `preemptionPolicy: Never`. */
  readonly preemptNever: boolean;
}

/** What the scheduler does with an agent's pod on one node. */
export interface FitOutcome {
  /** The pod is bound (it fits, possibly after preemption). */
  readonly binds: boolean;
  /** Why it is not bound, in the likely order. */
  readonly failures: FilterFailure[];
  /** The pods it preempts (`namespace/name`). */
  readonly preempts: string[];
  /** Whether another order of the agents changes the outcome. */
  readonly contended: boolean;
  /** The agents (`namespace/name`) whose order decides it. */
  readonly contendedWith: string[];
}

interface Placement {
  readonly ok: boolean;
  readonly failures: FilterFailure[];
  readonly victims: FitPod[];
}

/** `MoreImportantPod`: higher priority, then the earlier start; an unknown start is "now". */
function moreImportantFirst(a: FitPod, b: FitPod): number {
  if (a.priority !== b.priority) {
    return b.priority - a.priority;
  }
  const sa = a.startTime === '' ? '\uffff' : a.startTime;
  const sb = b.startTime === '' ? '\uffff' : b.startTime;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Schedules the agent's pod on the node, preempting if it must; with `commit` false, leaves the node as it was. */
export function place(state: NodeState, agent: FitAgent, commit: boolean): Placement {
  const pod = agent.pod;
  const failures = state.failures(pod);
  if (failures.length === 0) {
    if (commit) {
      state.add(pod);
    }
    return { ok: true, failures, victims: [] };
  }
  const lower = agent.preemptNever ? [] : state.pods.filter((p) => p.priority < pod.priority);
  if (lower.length === 0) {
    return { ok: false, failures, victims: [] };
  }
  lower.forEach((p) => state.remove(p));
  if (state.failures(pod).length > 0) {
    lower.forEach((p) => state.add(p));
    return { ok: false, failures, victims: [] };
  }
  const victims: FitPod[] = [];
  for (const p of [...lower].sort(moreImportantFirst)) {
    state.add(p);
    if (state.failures(pod).length > 0) {
      state.remove(p);
      victims.push(p);
    }
  }
  if (commit) {
    state.add(pod);
  } else {
    victims.forEach((p) => state.add(p));
  }
  return { ok: true, failures: [], victims };
}

/**
 * Schedules the agents on one node in the likely order (`agents` must be sorted: priority
 * descending, then creation order) and says which outcomes another order would change.
 *
 * Agents of one priority level compete: an agent is contended when it fits with none of its
 * level's other agents placed first (and none of the contended agents of higher levels), but
 * not with all of those that could be (and every contended agent of higher levels that might
 * have won). A higher-priority agent is never at risk from a lower one: it preempts it. An
 * agent with `preemptionPolicy: Never` is judged like the others (not modelled: a lower
 * agent that binds first could keep it out).
 */
export function fitAgents(state: NodeState, agents: FitAgent[]): FitOutcome[] {
  const outcomes: FitOutcome[] = new Array(agents.length);
  const contendedHigher: Array<{ agent: FitAgent; ran: boolean }> = [];
  let i = 0;
  while (i < agents.length) {
    let j = i + 1;
    while (j < agents.length && agents[j].pod.priority === agents[i].pod.priority) {
      j++;
    }
    const level = agents.slice(i, j);
    const check = level.length > 1 || contendedHigher.length > 0;
    let alone: boolean[] = [];
    let crowded: boolean[] = [];
    if (check) {
      // Best case: no contended agent of a higher level won, no agent of this level went first.
      const ranHigher = contendedHigher.filter((c) => c.ran).map((c) => c.agent.pod);
      ranHigher.forEach((p) => state.remove(p));
      alone = level.map((a) => place(state, a, false).ok);
      ranHigher.forEach((p) => state.add(p));
      // Worst case: every contended agent of a higher level won, and every agent of this level
      // that could run went first.
      const extra = [...contendedHigher.filter((c) => !c.ran).map((c) => c.agent.pod), ...level.filter((_, k) => alone[k]).map((a) => a.pod)];
      extra.forEach((p) => state.add(p));
      crowded = level.map((a, k) => {
        if (!alone[k]) {
          return false;
        }
        state.remove(a.pod);
        const ok = place(state, a, false).ok;
        state.add(a.pod);
        return ok;
      });
      extra.forEach((p) => state.remove(p));
    }
    const contendedHere: string[] = [];
    const placed = level.map((a, k) => {
      const r = place(state, a, true);
      const contended = check && alone[k] && !crowded[k];
      if (contended) {
        contendedHere.push(a.pod.name);
      }
      return { r, contended };
    });
    const higherNames = contendedHigher.map((c) => c.agent.pod.name);
    placed.forEach(({ r, contended }, k) => {
      outcomes[i + k] = {
        binds: r.ok,
        failures: r.failures,
        preempts: r.victims.map((v) => v.name),
        contended,
        contendedWith: contended ? [...contendedHere.filter((n) => n !== level[k].pod.name), ...higherNames] : [],
      };
    });
    placed.forEach(({ r, contended }, k) => {
      if (contended) {
        contendedHigher.push({ agent: level[k], ran: r.ok });
      }
    });
    i = j;
  }
  return outcomes;
}
