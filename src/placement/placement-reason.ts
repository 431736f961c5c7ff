/**
 * Which rule of the DaemonSet controller keeps a pod off a node.
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
   * @default - none (for reasons about a whole affinity term)
   */
  readonly key?: string;

  /**
   * What the DaemonSet requires: the nodeSelector value, the affinity expression
   * (e.g. `In [a, b]`), or the pinned node name.
   *
   * @default - none (for taints and whole-term reasons)
   */
  readonly expected?: string;

  /**
   * The node's value for `key`: the label value, the node name, or the taint value.
   *
   * @default - the node has no such label
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
}
