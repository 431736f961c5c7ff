/**
 * Which rule keeps a DaemonSet's pod off a node, or keeps it from running there: a rule of the
 * DaemonSet controller (no pod is created), a filter of the scheduler (the pod stays Pending),
 * a node kind that runs no DaemonSet pods, an image built for another platform, or the node's
 * kubelet (not Ready, or rejecting the pod under pressure).
 */
export enum PlacementReasonKind {
  /** `spec.template.spec.nodeName` pins the pods to another node. */
  NODE_NAME = 'NodeName',
  /** A `spec.template.spec.nodeSelector` label is absent on the node or has another value. */
  NODE_SELECTOR = 'NodeSelector',
  /** No term of the required node affinity matches the node. */
  NODE_AFFINITY = 'NodeAffinity',
  /** A `NoSchedule` or `NoExecute` taint of the node is not tolerated. */
  TAINT = 'Taint',
  /**
   * The node cannot run DaemonSet pods at all: an EKS Fargate node
   * (`eks.amazonaws.com/compute-type=fargate`) or a virtual-kubelet node (`type=virtual-kubelet`,
   * e.g. an AKS virtual node). Such a node is never a coverage gap.
   */
  VIRTUAL_NODE = 'VirtualNode',
  /** The scheduler's NodeResourcesFit filter: not enough allocatable cpu, memory, storage, extended resource or pod slots. */
  NODE_RESOURCES_FIT = 'NodeResourcesFit',
  /** The scheduler's NodePorts filter: a host port the pod needs is used by another pod on the node. */
  NODE_PORTS = 'NodePorts',
  /**
   * The node's os/arch is not among the platforms the DaemonSet declares its image is published
   * for (annotation `cdk8s-node-agents.dev/image-platforms`), or the DaemonSet declares none and
   * selects no `kubernetes.io/os` while the node is not Linux (its images are taken for Linux
   * images): the pod is bound but its containers never start.
   */
  IMAGE_PLATFORM = 'ImagePlatform',
  /**
   * The node is not Ready (`status.conditions` Ready `Unknown` or `False`): the pod is bound but
   * the kubelet does not start it. When only the pod network (CNI) is not ready, host-network
   * pods start and only the others get this reason.
   */
  NODE_NOT_READY = 'NodeNotReady',
  /**
   * The kubelet's admission rejects the pod (`Evicted`): the node has `DiskPressure` or
   * `PIDPressure` and the pod is not critical (priority below system-cluster-critical). Under
   * `MemoryPressure` alone a non-critical pod with no memory request is admitted, then evicted
   * first while the pressure lasts.
   */
  NODE_PRESSURE = 'NodePressure',
}

/**
 * One reason why a DaemonSet would not run a pod on a node.
 */
export interface PlacementReason {
  /** Which rule failed. */
  readonly kind: PlacementReasonKind;

  /** A sentence saying what failed, with the expected and the actual value. */
  readonly message: string;

  /**
   * The label key (node selector, affinity expression), field key (affinity `matchFields`,
   * i.e. `metadata.name`), taint key, or `nodeName`.
   *
   * @default - none: a reason about a whole affinity term, a scheduler filter (resources, host
   * ports), a virtual node, the image platform or the kubelet
   */
  readonly key?: string;

  /**
   * What the DaemonSet requires: the nodeSelector value, the affinity expression
   * (e.g. `In [a, b]`), the pinned node name, or the image platforms (`linux/amd64,linux/arm64`;
   * `linux/*` when none are declared and the images are taken for Linux images).
   *
   * @default - none: a taint, a whole affinity term, a scheduler filter, a virtual node or the kubelet
   */
  readonly expected?: string;

  /**
   * The node's value for `key`: the label value, the node name, or the taint value; for
   * ImagePlatform the node's `os/arch`, for NodeNotReady the status of its Ready condition, for
   * NodePressure its pressure conditions (`DiskPressure,PIDPressure`).
   *
   * @default - the node has no such label or field, or the reason names no key (see `key`)
   */
  readonly nodeValue?: string;

  /**
   * For node affinity reasons: the index of the `nodeSelectorTerms` entry.
   *
   * @default - not an affinity reason, or about the whole terms list
   */
  readonly termIndex?: number;

  /**
   * For taint reasons: the taint in kubectl notation, `key=value:Effect` (or `key:Effect`).
   *
   * @default - not a taint reason
   */
  readonly taint?: string;

  /**
   * For NodeResourcesFit: the resource (`cpu`, `memory`, `ephemeral-storage`, `pods`,
   * `nvidia.com/gpu`...); for NodePorts: the host port (`9100/TCP`).
   *
   * @default - not a NodeResourcesFit or NodePorts reason
   */
  readonly resource?: string;

  /**
   * For NodePorts: the pod holding the port (`namespace/name`; an agent's DaemonSet name).
   *
   * @default - not a NodePorts reason
   */
  readonly heldBy?: string;
}
