import { PodInventory } from './pod-inventory';

/**
 * What a placement preview knows about the cluster beyond its nodes.
 */
export interface PreviewOptions {
  /**
   * The pods already in the cluster (`kubectl get pods -A -o json`): their requests and host
   * ports count against the nodes they are bound to.
   *
   * @default - no pods: every node is empty but for the previewed agents
   */
  readonly pods?: PodInventory;

  /**
   * `scheduling.k8s.io/v1` PriorityClass objects (parsed YAML or JSON; other objects are
   * ignored): the priorities of pods and agents that name them. `system-node-critical` and
   * `system-cluster-critical` are always known.
   *
   * @default - only the built-in classes
   */
  readonly priorityClasses?: any[];
}
