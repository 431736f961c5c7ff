/**
 * Where would a DaemonSet run a pod? The DaemonSet controller's own decision, node by node.
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
 *
 * Docs: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#how-daemon-pods-are-scheduled
 */
import { ParsedDaemonSet, ParsedToleration, parseDaemonSet } from './daemonset-manifest';
import { CompiledTerm, compileTerms, nodeSelectorFailures, requiredAffinityFailures } from './node-affinity-match';
import { InventoryNode, NodeInventory } from './node-inventory';
import { PlacementReason, PlacementReasonKind } from './placement-reason';
import {
  blocksPlacement, controllerTolerations, explainNearMisses, formatTaint, formatToleration, TaintLike, tolerationsTolerateTaint,
} from './toleration-match';

/**
 * The controller's decision for one node.
 */
export interface NodePlacement {
  /** The node name. */
  readonly nodeName: string;

  /**
   * Whether the DaemonSet targets this node: `nodeName` (if set), `nodeSelector` and required
   * node affinity all match. Taints and cordoning do not count.
   */
  readonly eligible: boolean;

  /**
   * Whether the controller would create a pod on this node: eligible, and every `NoSchedule`
   * and `NoExecute` taint tolerated.
   */
  readonly scheduled: boolean;

  /**
   * Whether a pod already running on this node would be kept: eligible and no untolerated
   * `NoExecute` taint (an untolerated `NoSchedule` taint added after the pod started blocks new
   * pods but does not remove the running one).
   */
  readonly existingPodKeepsRunning: boolean;

  /** Whether the node is cordoned (`spec.unschedulable`); informational only, see `InventoryNode.unschedulable`. */
  readonly unschedulable: boolean;

  /** Every reason the node gets no pod; empty when `scheduled` is true. */
  readonly reasons: PlacementReason[];
}

/**
 * Which nodes of an inventory a DaemonSet would run a pod on, and why not on the others.
 *
 * The decision is the Kubernetes DaemonSet controller's (`NodeShouldRunDaemonPod`): nodeName
 * pinning, nodeSelector, required node affinity, and taints against the pod's tolerations plus
 * the tolerations the controller adds itself. It does not model what the scheduler checks
 * afterwards (free CPU and memory, host ports, volume limits): a scheduled pod can still be
 * Pending.
 */
export class PlacementPreview {
  /**
   * Previews an `apps/v1` DaemonSet, given as an object parsed from YAML or JSON (from any
   * source, not only this library).
   *
   * @param manifest the DaemonSet object (`apiVersion: apps/v1`, `kind: DaemonSet`)
   * @param inventory the nodes
   * @throws if the manifest is not an apps/v1 DaemonSet, or a field it reads has the wrong type
   */
  public static forManifest(manifest: any, inventory: NodeInventory): PlacementPreview {
    if (!(inventory instanceof NodeInventory)) {
      throw new Error('PlacementPreview.forManifest: expected a NodeInventory (NodeInventory.fromKubectlJson or NodeInventory.fromNodes) as the second argument');
    }
    return new PlacementPreview(parseDaemonSet(manifest), inventory);
  }

  /** `metadata.name` of the DaemonSet ('' when absent). */
  public readonly daemonSetName: string;

  /**
   * `metadata.namespace` of the DaemonSet.
   *
   * @default - not set in the manifest
   */
  public readonly daemonSetNamespace?: string;

  /** One entry per node of the inventory, in inventory order. */
  public readonly nodes: NodePlacement[];

  /** The number of nodes in the inventory. */
  public readonly totalCount: number;

  /** The number of nodes the DaemonSet targets (nodeName, nodeSelector and required affinity match). */
  public readonly eligibleCount: number;

  /**
   * The number of nodes that would run a pod (eligible and all blocking taints tolerated). This
   * is the DaemonSet's `status.desiredNumberScheduled`.
   */
  public readonly scheduledCount: number;

  /** Whether every eligible node would run a pod (no taint keeps the DaemonSet off a node it targets). */
  public readonly fullCoverage: boolean;

  /** The names of the nodes that would run a pod. */
  public readonly scheduledNodeNames: string[];

  /** The names of the eligible nodes that would get no pod because of a taint. */
  public readonly uncoveredNodeNames: string[];

  /**
   * Problems in the manifest that do not stop the preview: settings the API server's
   * validation rejects (the preview still applies the controller's matching to them), a
   * `nodeName` that is not in the inventory, or a DaemonSet that targets no node.
   */
  public readonly warnings: string[];

  private constructor(ds: ParsedDaemonSet, inventory: NodeInventory) {
    this.daemonSetName = ds.name;
    this.daemonSetNamespace = ds.namespace;

    const compiled = ds.requiredTerms === undefined ? undefined : compileTerms(ds.requiredTerms);
    const tolerations = [...ds.tolerations, ...controllerTolerations(ds.hostNetwork)];
    this.nodes = inventory.nodes.map((node) => decide(ds, compiled, tolerations, node));

    this.totalCount = this.nodes.length;
    this.eligibleCount = this.nodes.filter((n) => n.eligible).length;
    this.scheduledCount = this.nodes.filter((n) => n.scheduled).length;
    this.fullCoverage = this.scheduledCount === this.eligibleCount;
    this.scheduledNodeNames = this.nodes.filter((n) => n.scheduled).map((n) => n.nodeName);
    this.uncoveredNodeNames = this.nodes.filter((n) => n.eligible && !n.scheduled).map((n) => n.nodeName);

    const warnings: string[] = [];
    if (compiled !== undefined && compiled.length === 0) {
      warnings.push('node affinity requiredDuringSchedulingIgnoredDuringExecution has no nodeSelectorTerms: the API server rejects this (at least one term is required), and the controller matches no node');
    }
    for (const term of compiled ?? []) {
      warnings.push(...term.warnings);
    }
    ds.tolerations.forEach((t, i) => warnings.push(...tolerationWarnings(t, i)));
    if (ds.nodeName !== undefined && inventory.findNode(ds.nodeName) === undefined) {
      warnings.push(`spec.template.spec.nodeName pins the pods to "${ds.nodeName}", which is not in the node inventory`);
    }
    if (this.totalCount > 0 && this.eligibleCount === 0) {
      warnings.push('the DaemonSet targets no node of the inventory');
    }
    this.warnings = warnings;
  }
}

function decide(ds: ParsedDaemonSet, terms: CompiledTerm[] | undefined, tolerations: ParsedToleration[], node: InventoryNode): NodePlacement {
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
    nodeName: node.name,
    eligible,
    scheduled: reasons.length === 0,
    existingPodKeepsRunning: eligible && !untoleratedNoExecute,
    unschedulable: node.unschedulable === true,
    reasons,
  };
}

/** pkg/apis/core/validation/validation.go `ValidateTolerations`. */
function tolerationWarnings(t: ParsedToleration, i: number): string[] {
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
