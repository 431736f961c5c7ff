/**
 * One node of a fleet preview: what it offers, what is already requested on it, and which
 * agents run there.
 */
export interface NodeFit {
  /** The node name. */
  readonly nodeName: string;

  /** False for EKS Fargate and virtual-kubelet nodes, which run no DaemonSet pods. */
  readonly canRunDaemonSetPods: boolean;

  /** `status.allocatable` (quantities by resource, `pods` included); empty when the node reports none. */
  readonly allocatable: { [resource: string]: string };

  /** The number of pods already on the node that count against it (bound, not finished, not replaced by a previewed DaemonSet). */
  readonly existingPodCount: number;

  /** The requests of those pods, by resource. */
  readonly existingRequests: { [resource: string]: string };

  /** The total requests of the agents bound to the node, by resource: the "DaemonSet tax". */
  readonly agentRequests: { [resource: string]: string };

  /** The agents' total CPU requests on the node, in millicores. */
  readonly agentCpuMillis: number;

  /** The agents' total memory requests on the node, in bytes. */
  readonly agentMemoryBytes: number;

  /**
   * The agents' CPU requests as a share of allocatable CPU (0.12 is 12%).
   *
   * @default - the node reports no allocatable CPU
   */
  readonly agentCpuShare?: number;

  /**
   * The agents' memory requests as a share of allocatable memory.
   *
   * @default - the node reports no allocatable memory
   */
  readonly agentMemoryShare?: number;

  /** The agents (`namespace/name`) whose pod runs on the node. */
  readonly agentsRunning: string[];

  /** The agents the controller makes a pod for on this node that would not run (Pending, an image for another platform, or held back by the kubelet). */
  readonly agentsNotRunning: string[];

  /**
   * The status of the node's Ready condition: `True`, `False` or `Unknown`.
   *
   * @default - the node reports no Ready condition (it is taken as Ready)
   */
  readonly readyStatus?: string;

  /** The node's pressure conditions that are `True` (`MemoryPressure`, `DiskPressure`, `PIDPressure`). */
  readonly pressureConditions: string[];

  /** The pods (`namespace/name`) agents preempt on this node. */
  readonly preempted: string[];

  /** Whether the outcome of some agent on this node depends on the order the scheduler picks them in. */
  readonly contended: boolean;
}
