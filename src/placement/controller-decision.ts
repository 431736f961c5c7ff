/**
 * Internal: the DaemonSet controller's decision for one node.
 *
 * Source: kubernetes/kubernetes pkg/controller/daemon/daemon_controller.go
 * `NodeShouldRunDaemonPod` and `predicates`:
 * 1. if `spec.template.spec.nodeName` is set, only that node;
 * 2. `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: nodeSelector, then required node
 *    affinity (see node-affinity-match.ts);
 * 3. no untolerated taint with effect NoSchedule or NoExecute, counting the tolerations the
 *    controller adds to every DaemonSet pod (see toleration-match.ts).
 * When 1 or 2 fails the controller neither creates nor keeps a pod; when only 3 fails it creates
 * none, but keeps an existing pod unless a NoExecute taint is untolerated (`shouldContinueRunning`).
 * `spec.unschedulable` (cordon) is not read: cordoning adds the
 * `node.kubernetes.io/unschedulable:NoSchedule` taint, which every DaemonSet pod tolerates.
 */
import { ParsedDaemonSet, ParsedToleration } from './daemonset-manifest';
import { CompiledTerm, nodeSelectorFailures, requiredAffinityFailures } from './node-affinity-match';
import { InventoryNode } from './node-inventory';
import { PlacementReason, PlacementReasonKind } from './placement-reason';
import { blocksPlacement, explainNearMisses, formatTaint, formatToleration, TaintLike, tolerationsTolerateTaint } from './toleration-match';

/** The controller's part of a `NodePlacement`. */
export interface ControllerDecision {
  readonly eligible: boolean;
  readonly scheduled: boolean;
  readonly existingPodKeepsRunning: boolean;
  readonly unschedulable: boolean;
  readonly reasons: PlacementReason[];
}

export function decide(
  ds: ParsedDaemonSet, terms: CompiledTerm[] | undefined, tolerations: ParsedToleration[], node: InventoryNode,
): ControllerDecision {
  const labels = node.labels ?? {};
  const reasons: PlacementReason[] = [];

  // NodeShouldRunDaemonPod: `ds.Spec.Template.Spec.NodeName == "" || ... == node.Name`.
  if (ds.nodeName !== undefined && ds.nodeName !== node.name) {
    reasons.push({
      kind: PlacementReasonKind.NODE_NAME,
      message: `spec.template.spec.nodeName pins the pods to node "${ds.nodeName}"`,
      key: 'nodeName',
      expected: ds.nodeName,
      nodeValue: node.name,
    });
  }
  // RequiredNodeAffinity.Match: nodeSelector, then requiredDuringSchedulingIgnoredDuringExecution.
  reasons.push(...nodeSelectorFailures(ds.nodeSelector, labels));
  if (terms !== undefined) {
    reasons.push(...requiredAffinityFailures(terms, node.name, labels));
  }
  const eligible = reasons.length === 0;

  // predicates: FindMatchingUntoleratedTaint over NoSchedule and NoExecute taints.
  let untoleratedNoExecute = false;
  for (const t of node.taints ?? []) {
    const taint: TaintLike = { key: t.key, value: t.value ?? '', effect: t.effect };
    if (!blocksPlacement(taint) || tolerationsTolerateTaint(tolerations, taint)) {
      continue;
    }
    if (taint.effect === 'NoExecute') {
      untoleratedNoExecute = true;
    }
    const formatted = formatTaint(taint);
    const hint = explainNearMisses(ds.tolerations, taint);
    reasons.push({
      kind: PlacementReasonKind.TAINT,
      message: `taint ${formatted} is not tolerated${hint === undefined ? '' : ` (${hint})`}`,
      key: taint.key,
      nodeValue: taint.value,
      taint: formatted,
    });
  }

  return {
    eligible,
    scheduled: reasons.length === 0,
    existingPodKeepsRunning: eligible && !untoleratedNoExecute,
    unschedulable: node.unschedulable === true,
    reasons,
  };
}

/** pkg/apis/core/validation/validation.go `ValidateTolerations`. */
export function tolerationWarnings(t: ParsedToleration, i: number): string[] {
  const p = `spec.template.spec.tolerations[${i}] (${formatToleration(t)})`;
  const warnings: string[] = [];
  if (t.operator !== '' && t.operator !== 'Equal' && t.operator !== 'Exists') {
    warnings.push(`${p}: operator "${t.operator}" is not Equal or Exists; the API server rejects it and it tolerates nothing`);
  }
  if (t.key === '' && t.operator !== 'Exists') {
    warnings.push(`${p}: an empty key requires operator Exists; the API server rejects it`);
  }
  if (t.operator === 'Exists' && t.value !== '') {
    warnings.push(`${p}: operator Exists takes no value; the API server rejects it`);
  }
  if (t.effect !== '' && t.effect !== 'NoSchedule' && t.effect !== 'PreferNoSchedule' && t.effect !== 'NoExecute') {
    warnings.push(`${p}: effect "${t.effect}" is not NoSchedule, PreferNoSchedule or NoExecute; the API server rejects it and it tolerates nothing`);
  }
  return warnings;
}
