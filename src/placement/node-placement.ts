import { PlacementReason } from './placement-reason';

/**
 * What happens to a DaemonSet's pod on one node: the controller's decision (`eligible`,
 * `scheduled`), then the scheduler's (`runs`).
 */
export interface NodePlacement {
  /** The node name. */
  readonly nodeName: string;

  /**
   * Whether the DaemonSet targets this node: `nodeName` (if set), `nodeSelector` and required
   * node affinity all match, and the node can run DaemonSet pods at all (not an EKS Fargate or
   * virtual-kubelet node). Taints and cordoning do not count.
   */
  readonly eligible: boolean;

  /**
   * Whether the DaemonSet controller would create a pod for this node: `nodeName`,
   * `nodeSelector` and required node affinity match, and every `NoSchedule` and `NoExecute`
   * taint is tolerated. True on a Fargate or virtual-kubelet node the manifest does not exclude:
   * the pod is created and stays Pending.
   */
  readonly scheduled: boolean;

  /**
   * Whether the scheduler binds the pod to the node: scheduled, the node can run DaemonSet pods,
   * and the scheduler's filters pass (resources, host ports) given the agents placed before it in
   * the likely order (priority, then the order of the manifests), after preemption if needed. A
   * bound pod holds its requests and host ports on the node whether or not it starts.
   */
  readonly bound: boolean;

  /**
   * Whether the pod will run: bound, its images are published for the node's platform (see
   * `PlacementReasonKind.IMAGE_PLATFORM`), and the node's kubelet starts it: the node is Ready
   * (or only its pod network is not ready and the pod uses the host network), and its admission
   * does not reject the pod under DiskPressure or PIDPressure.
   */
  readonly runs: boolean;

  /**
   * Whether `runs` depends on the order the scheduler picks the agents in: another order of
   * agents of the same priority (see `contendedWith`) would change it.
   */
  readonly contended: boolean;

  /** The agents (`namespace/name` of their DaemonSets) whose order decides a contended entry; empty otherwise. */
  readonly contendedWith: string[];

  /** The pods (`namespace/name`) the pod preempts to run here; empty when it needs none. */
  readonly preempts: string[];

  /**
   * A pod already running on this node would be kept: eligible and no untolerated `NoExecute`
   * taint (an untolerated `NoSchedule` taint added after the pod started blocks new pods but
   * does not remove the running one).
   */
  readonly existingPodKeepsRunning: boolean;

  /** Whether the node is cordoned (`spec.unschedulable`); DaemonSet pods still run there. */
  readonly unschedulable: boolean;

  /**
   * Every reason the pod does not run here: the controller's rules first, then the scheduler's
   * filters (in the likely order), the node kind, the image platform, then the kubelet's (not
   * Ready, pressure). Empty when `runs` is true.
   */
  readonly reasons: PlacementReason[];

  /**
   * One line for people: "runs", "runs by preempting 2 pods: ...", "Pending: Insufficient
   * memory: ...", "bound but cannot start: node not Ready, ...", with the contention when there
   * is one, and a remark when a host-network pod runs on a node that is not Ready.
   */
  readonly verdict: string;
}
