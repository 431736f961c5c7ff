/**
 * Internal: taint/toleration matching, exactly as Kubernetes does it for DaemonSet pods.
 *
 * Sources (kubernetes/kubernetes):
 * - staging/src/k8s.io/api/core/v1/toleration.go `(*Toleration).ToleratesTaint`
 * - staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go
 *   `TolerationsTolerateTaint`, `FindMatchingUntoleratedTaint`
 * - pkg/controller/daemon/util/daemonset_util.go `AddOrUpdateDaemonPodTolerations`
 * - pkg/controller/daemon/daemon_controller.go `predicates` (only NoSchedule and NoExecute
 *   taints are checked) and `NodeShouldRunDaemonPod`
 * - Docs: https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ and
 *   https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations
 */
import { ParsedToleration } from './daemonset-manifest';

/** A node taint with Kubernetes' zero value ('') for an absent value. */
export interface TaintLike {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

/**
 * `(*v1.Toleration).ToleratesTaint`:
 * 1. an empty toleration effect matches every taint effect, otherwise the effects must be equal;
 * 2. an empty toleration key matches every taint key, otherwise the keys must be equal;
 * 3. operator '' or 'Equal' requires toleration value == taint value (so an Equal toleration
 *    with no value does NOT tolerate a taint that has a value); 'Exists' matches any value;
 *    any other operator matches nothing.
 * tolerationSeconds is not read: it only matters for eviction after a NoExecute taint appears.
 */
export function toleratesTaint(toleration: ParsedToleration, taint: TaintLike): boolean {
  if (toleration.effect !== '' && toleration.effect !== taint.effect) {
    return false;
  }
  if (toleration.key !== '' && toleration.key !== taint.key) {
    return false;
  }
  switch (toleration.operator) {
    case '':
    case 'Equal':
      return toleration.value === taint.value;
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** `TolerationsTolerateTaint`: any one toleration is enough. */
export function tolerationsTolerateTaint(tolerations: ParsedToleration[], taint: TaintLike): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/**
 * `predicates` in daemon_controller.go filters taints to these effects before looking for an
 * untolerated one; PreferNoSchedule never keeps a DaemonSet pod off a node.
 */
export function blocksPlacement(taint: TaintLike): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

/** The key of each toleration the DaemonSet controller adds to every pod it creates. */
export const NOT_READY = 'node.kubernetes.io/not-ready';
export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/**
 * `util.AddOrUpdateDaemonPodTolerations` (called from `NewPod`, which `NodeShouldRunDaemonPod`
 * uses): every DaemonSet pod tolerates, with operator Exists,
 * - not-ready and unreachable with effect NoExecute (survive taint-based eviction),
 * - disk-pressure, memory-pressure, pid-pressure and unschedulable with effect NoSchedule
 *   (TaintNodesByCondition), so cordoned nodes still run DaemonSet pods,
 * - network-unavailable with effect NoSchedule, only when the pod uses hostNetwork.
 *
 * `AddOrUpdateTolerationInPodSpec` replaces a user toleration only when key, operator, value and
 * effect are all equal, so for placement the result is the union of both lists.
 */
export function controllerTolerations(hostNetwork: boolean): ParsedToleration[] {
  const exists = (key: string, effect: string): ParsedToleration => ({ key, operator: 'Exists', value: '', effect });
  const result = [
    exists(NOT_READY, 'NoExecute'),
    exists(UNREACHABLE, 'NoExecute'),
    exists(DISK_PRESSURE, 'NoSchedule'),
    exists(MEMORY_PRESSURE, 'NoSchedule'),
    exists(PID_PRESSURE, 'NoSchedule'),
    exists(UNSCHEDULABLE, 'NoSchedule'),
  ];
  if (hostNetwork) {
    result.push(exists(NETWORK_UNAVAILABLE, 'NoSchedule'));
  }
  return result;
}

/** kubectl's notation: `key=value:Effect`, or `key:Effect` when the value is empty. */
export function formatTaint(taint: TaintLike): string {
  return `${taint.key}${taint.value === '' ? '' : `=${taint.value}`}:${taint.effect}`;
}

/** A readable rendering of a toleration, e.g. `dedicated Equal "gpu" (NoSchedule)`. */
export function formatToleration(t: ParsedToleration): string {
  const key = t.key === '' ? '(every key)' : t.key;
  const op = t.operator === '' ? 'Equal' : t.operator;
  const value = op === 'Exists' ? '' : ` "${t.value}"`;
  const effect = t.effect === '' ? 'every effect' : t.effect;
  return `${key} ${op}${value} (${effect})`;
}

/**
 * Why the user tolerations that mention this taint's key do not tolerate it, e.g.
 * `toleration dedicated Equal "" (NoSchedule) needs value "gpu" (use operator Exists for any value)`.
 * Returns undefined when no toleration mentions the key.
 */
export function explainNearMisses(tolerations: ParsedToleration[], taint: TaintLike): string | undefined {
  const misses: string[] = [];
  for (const t of tolerations) {
    if (t.key !== taint.key) {
      continue;
    }
    const why: string[] = [];
    if (t.effect !== '' && t.effect !== taint.effect) {
      why.push(`effect ${t.effect} is not ${taint.effect}`);
    }
    if (t.operator !== '' && t.operator !== 'Equal' && t.operator !== 'Exists') {
      why.push(`operator "${t.operator}" is not Equal or Exists`);
    } else if (t.operator !== 'Exists' && t.value !== taint.value) {
      why.push(`value "${t.value}" is not "${taint.value}" (use operator Exists to tolerate any value)`);
    }
    if (why.length > 0) {
      misses.push(`toleration ${formatToleration(t)}: ${why.join('; ')}`);
    }
  }
  return misses.length === 0 ? undefined : misses.join('; ');
}
