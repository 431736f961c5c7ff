/**
 * Where would a DaemonSet run a pod, and will the pod run? The DaemonSet controller's decision
 * node by node (controller-decision.ts), then the scheduler's filters (scheduler-filters.ts).
 *
 * Docs: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#how-daemon-pods-are-scheduled
 */
import { ParsedDaemonSet, parseDaemonSet } from './daemonset-manifest';
import { AgentFleetResult, checkPods, computeFleet } from './fleet-fit';
import { NodeInventory } from './node-inventory';
import { NodePlacement } from './node-placement';
import { PriorityClassTable } from './pod-priority';
import { PreviewOptions } from './preview-options';
import { brand, isBranded } from '../private/brand';

/**
 * Which nodes of an inventory a DaemonSet would run a pod on, and why not on the others.
 *
 * First the Kubernetes DaemonSet controller's decision (`NodeShouldRunDaemonPod`): nodeName
 * pinning, nodeSelector, required node affinity, and taints against the pod's tolerations plus
 * the tolerations the controller adds itself. Then the scheduler's: allocatable resources and
 * pod slots (NodeResourcesFit) and host ports (NodePorts), against the pods already on the node
 * (`PreviewOptions.pods`), with preemption by priority. Nodes that cannot run DaemonSet pods
 * (EKS Fargate, virtual-kubelet) are never targeted; an image built for other platforms does not
 * run. Then the kubelet's: a node that is not Ready does not start the pod (only host-network
 * pods when only its pod network is not ready), and under DiskPressure or PIDPressure its
 * admission rejects pods that are not critical.
 *
 * To preview several DaemonSets competing for the same nodes, use `FleetPreview`.
 */
export class PlacementPreview {
  /**
   * Previews an `apps/v1` DaemonSet, given as an object parsed from YAML or JSON (from any
   * source, not only this library), alone on the nodes (with the pods in `options`).
   *
   * @param manifest the DaemonSet object (`apiVersion: apps/v1`, `kind: DaemonSet`)
   * @param inventory the nodes
   * @param options the pods already in the cluster and the priority classes
   * @throws if the manifest is not an apps/v1 DaemonSet, or a field it reads has the wrong type
   */
  public static forManifest(manifest: any, inventory: NodeInventory, options: PreviewOptions = {}): PlacementPreview {
    if (!isBranded<NodeInventory>(inventory, 'NodeInventory')) {
      throw new Error('PlacementPreview.forManifest: expected a NodeInventory (NodeInventory.fromKubectlJson or NodeInventory.fromNodes) as the second argument');
    }
    const ds = parseDaemonSet(manifest);
    const fleet = computeFleet([ds], inventory, checkPods(options.pods), PriorityClassTable.fromObjects(options.priorityClasses ?? []));
    return new PlacementPreview(ds, fleet.agents[0]);
  }

  /**
   * Builds the preview of one DaemonSet of a fleet.
   *
   * @internal
   */
  public static _fromFleet(ds: ParsedDaemonSet, result: AgentFleetResult): PlacementPreview {
    return new PlacementPreview(ds, result);
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

  /** The number of nodes the DaemonSet targets (nodeName, nodeSelector and required affinity match, and the node can run DaemonSet pods). */
  public readonly eligibleCount: number;

  /**
   * The number of nodes the controller would create a pod for (nodeName, nodeSelector, required
   * affinity and every blocking taint tolerated). This is the DaemonSet's
   * `status.desiredNumberScheduled`.
   */
  public readonly scheduledCount: number;

  /** The number of nodes where the pod would run (see `NodePlacement.runs`). */
  public readonly runningCount: number;

  /** Whether every eligible node would get a pod (no taint keeps the DaemonSet off a node it targets). */
  public readonly fullCoverage: boolean;

  /** Whether every pod the controller creates would run: none Pending, none on an image for another platform, none held back by the kubelet. */
  public readonly fits: boolean;

  /** The names of the nodes the controller would create a pod for. */
  public readonly scheduledNodeNames: string[];

  /** The names of the eligible nodes that would get no pod because of a taint. */
  public readonly uncoveredNodeNames: string[];

  /** The names of the nodes where the pod would run. */
  public readonly runningNodeNames: string[];

  /**
   * The names of the nodes where the controller creates a pod that would not run: Pending
   * (resources, host ports, a node that cannot run DaemonSet pods) or unable to start (image
   * platform, a node that is not Ready, the kubelet's admission under pressure). Each holds a
   * rolling update's `maxUnavailable`.
   */
  public readonly notRunningNodeNames: string[];

  /** The names of the nodes where the outcome depends on the order the scheduler picks agents in. */
  public readonly contendedNodeNames: string[];

  /**
   * The names of the nodes where a surged second pod (`maxSurge` > 0) would not fit next to the
   * running one (a host port, or resources): there the update never completes. Empty when the
   * DaemonSet does not surge.
   */
  public readonly surgeBlockedNodeNames: string[];

  /** The architectures (`kubernetes.io/arch`) of the nodes the controller makes a pod for, sorted; `unknown` for a node without the label. */
  public readonly architectures: string[];

  /**
   * The platforms the DaemonSet declares its image is published for (annotation
   * `cdk8s-node-agents.dev/image-platforms`).
   *
   * @default - not declared: the platform is not checked
   */
  public readonly imagePlatforms?: string[];

  /**
   * What one of its pods requests, by resource, as the scheduler counts it (`PodRequests`:
   * containers, init containers, overhead; a limit without a request is the request), e.g.
   * `{ cpu: '100m', memory: '128Mi' }`.
   */
  public readonly podRequests: { [resource: string]: string };

  /** The pods' priority (from `priorityClassName`, 0 when none). */
  public readonly priority: number;

  /**
   * ValidationProblems in the manifest that do not stop the preview: settings the API server's
   * validation rejects (the preview still applies the controller's matching to them), a
   * `nodeName` that is not in the inventory, an unknown priority class, pods that would stay
   * Pending on Fargate or virtual-kubelet nodes, or a DaemonSet that targets no node.
   */
  public readonly warnings: string[];

  private constructor(ds: ParsedDaemonSet, result: AgentFleetResult) {
    this.daemonSetName = ds.name;
    this.daemonSetNamespace = ds.namespace;
    this.nodes = result.nodes;
    this.totalCount = this.nodes.length;
    this.eligibleCount = this.nodes.filter((n) => n.eligible).length;
    this.scheduledNodeNames = this.nodes.filter((n) => n.scheduled).map((n) => n.nodeName);
    this.scheduledCount = this.scheduledNodeNames.length;
    this.uncoveredNodeNames = this.nodes.filter((n) => n.eligible && !n.scheduled).map((n) => n.nodeName);
    this.fullCoverage = this.uncoveredNodeNames.length === 0;
    this.runningNodeNames = this.nodes.filter((n) => n.runs).map((n) => n.nodeName);
    this.runningCount = this.runningNodeNames.length;
    this.notRunningNodeNames = this.nodes.filter((n) => n.scheduled && !n.runs).map((n) => n.nodeName);
    this.fits = this.notRunningNodeNames.length === 0;
    this.contendedNodeNames = this.nodes.filter((n) => n.contended).map((n) => n.nodeName);
    this.surgeBlockedNodeNames = result.surgeBlockedNodeNames;
    this.architectures = result.architectures;
    this.imagePlatforms = result.imagePlatforms;
    this.podRequests = result.podRequests;
    this.priority = result.priority;
    this.warnings = result.warnings;
  }
}
brand(PlacementPreview, 'PlacementPreview');
