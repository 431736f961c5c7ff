import { describeValue, parseDaemonSet } from './daemonset-manifest';
import { checkPods, computeFleet } from './fleet-fit';
import { NodeFit } from './node-fit';
import { NodeInventory } from './node-inventory';
import { PlacementPreview } from './placement-preview';
import { PriorityClassTable } from './pod-priority';
import { PreviewOptions } from './preview-options';
import { isBranded } from '../private/brand';

/**
 * Several DaemonSets on the same nodes: every agent competes for each node's allocatable
 * resources, pod slots and host ports, with the pods already there.
 *
 * The scheduler takes pods by priority, then in creation order, which for agents applied
 * together is the order of the manifests (`kubectl apply` creates them in file order); each
 * agent is placed in that likely order. Where another order of agents of the same priority
 * would change an outcome, the entry is `contended` and names the agents whose order decides.
 * A higher-priority agent preempts lower-priority pods when it must (`preempts`).
 */
export class FleetPreview {
  /**
   * Previews `apps/v1` DaemonSets together, in the order given.
   *
   * @param manifests the DaemonSet objects, parsed from YAML or JSON, in the order they are applied
   * @param inventory the nodes
   * @param options the pods already in the cluster and the priority classes
   * @throws if a manifest is not an apps/v1 DaemonSet or a field it reads has the wrong type
   */
  public static forManifests(manifests: any[], inventory: NodeInventory, options: PreviewOptions = {}): FleetPreview {
    if (!Array.isArray(manifests)) {
      throw new Error(`FleetPreview.forManifests: expected a list of DaemonSet objects, got ${describeValue(manifests)}`);
    }
    if (!isBranded<NodeInventory>(inventory, 'NodeInventory')) {
      throw new Error('FleetPreview.forManifests: expected a NodeInventory (NodeInventory.fromKubectlJson or NodeInventory.fromNodes) as the second argument');
    }
    return new FleetPreview(manifests, inventory, options);
  }

  /** One preview per DaemonSet, in the order given. */
  public readonly daemonSets: PlacementPreview[];

  /** One entry per node of the inventory, in inventory order. */
  public readonly nodes: NodeFit[];

  /** ValidationProblems with the input as a whole, e.g. nodes that report no allocatable resources. */
  public readonly warnings: string[];

  private constructor(manifests: unknown[], inventory: NodeInventory, options: PreviewOptions) {
    const parsed = manifests.map((m) => parseDaemonSet(m));
    const fleet = computeFleet(parsed, inventory, checkPods(options.pods), PriorityClassTable.fromObjects(options.priorityClasses ?? []));
    this.daemonSets = parsed.map((ds, i) => PlacementPreview._fromFleet(ds, fleet.agents[i]));
    this.nodes = fleet.nodes;
    this.warnings = fleet.warnings;
  }
}
