import { TaintEffect } from 'cdk8s-plus-28';
import { describeValue, isObject } from './daemonset-manifest';
import { parseQuantity } from './quantity';
import { brand } from '../private/brand';

/**
 * A taint on a node (`v1.Taint`): `key=value:Effect`.
 */
export interface NodeTaint {
  /** The taint key, e.g. `node-role.kubernetes.io/control-plane`. */
  readonly key: string;

  /**
   * The taint value.
   *
   * @default '' (no value)
   */
  readonly value?: string;

  /**
   * What the taint does to pods that do not tolerate it. `NoSchedule` and `NoExecute` keep
   * DaemonSet pods off the node; `PreferNoSchedule` never does.
   */
  readonly effect: TaintEffect;
}

/**
 * A condition the kubelet (or the node lifecycle controller) reports on a node
 * (`status.conditions[]`, a `v1.NodeCondition`): `Ready`, `MemoryPressure`, `DiskPressure`,
 * `PIDPressure`, `NetworkUnavailable`, or another type (read, not judged).
 */
export interface NodeCondition {
  /** The condition type, e.g. `Ready` or `DiskPressure`. */
  readonly type: string;

  /** `True`, `False` or `Unknown`. */
  readonly status: string;

  /**
   * A machine-readable reason, e.g. `KubeletNotReady`.
   *
   * @default - none
   */
  readonly reason?: string;

  /**
   * The kubelet's message, e.g. `container runtime network not ready: ... cni plugin not initialized`.
   *
   * @default - none
   */
  readonly message?: string;
}

/**
 * One node of a cluster, as far as DaemonSet placement is concerned.
 */
export interface InventoryNode {
  /** The node name (`metadata.name`). */
  readonly name: string;

  /**
   * The node labels (`metadata.labels`).
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * The node taints (`spec.taints`).
   *
   * @default - no taints
   */
  readonly taints?: NodeTaint[];

  /**
   * Whether the node is cordoned (`spec.unschedulable`). This does not change where
   * DaemonSet pods run: the DaemonSet controller gives every DaemonSet pod a toleration for the
   * `node.kubernetes.io/unschedulable:NoSchedule` taint that cordoning adds.
   *
   * @default false
   */
  readonly unschedulable?: boolean;

  /**
   * What the node offers pods (`status.allocatable`): quantities by resource name, e.g.
   * `{ cpu: '3920m', memory: '15Gi', pods: '110', 'nvidia.com/gpu': '1' }`. The scheduler's
   * NodeResourcesFit filter checks pods against it; a resource absent from it counts as 0, and
   * an absent `pods` allows no pod.
   *
   * @default - not known: resources and the pod count are not checked on this node
   */
  readonly allocatable?: { [resource: string]: string };

  /**
   * The node's conditions (`status.conditions`). The preview reads `Ready` (a node that is not
   * Ready binds pods that its kubelet does not start) and `MemoryPressure`, `DiskPressure` and
   * `PIDPressure` (the kubelet's admission rejects non-critical pods under disk or PID pressure).
   *
   * @default - not reported: the node is taken as Ready and without pressure
   */
  readonly conditions?: NodeCondition[];
}

const TAINT_EFFECTS: string[] = [TaintEffect.NO_SCHEDULE, TaintEffect.PREFER_NO_SCHEDULE, TaintEffect.NO_EXECUTE];

/**
 * The nodes of a cluster: read from `kubectl get nodes -o json`, or described in code.
 *
 * Used by `PlacementPreview` to decide, node by node, whether a DaemonSet would run a pod.
 */
export class NodeInventory {
  /**
   * Reads the output of `kubectl get nodes -o json`: a `List` (or `NodeList`) of `v1.Node`
   * objects, or a single `Node` (`kubectl get node NAME -o json`).
   *
   * @param text the JSON text
   * @throws if the text is not JSON, not a node or a list of nodes, or a node is malformed
   */
  public static fromKubectlJson(text: string): NodeInventory {
    if (typeof text !== 'string') {
      throw new Error(`Node inventory: expected the JSON text printed by "kubectl get nodes -o json", got ${describeValue(text)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`Node inventory: not valid JSON (${(e as Error).message}); expected the output of "kubectl get nodes -o json"`);
    }
    return NodeInventory.fromKubectlObject(parsed);
  }

  /**
   * Reads already-parsed `kubectl get nodes -o json` (or `-o yaml`) output: a `List` or
   * `NodeList` of `v1.Node` objects, or a single `Node`.
   *
   * @param list the parsed object
   * @throws if the object is not a node or a list of nodes, or a node is malformed
   */
  public static fromKubectlObject(list: any): NodeInventory {
    const expected = 'expected the output of "kubectl get nodes -o json": a List or NodeList of Node objects, or a single Node';
    if (!isObject(list)) {
      throw new Error(`Node inventory: got ${describeValue(list)}; ${expected}`);
    }
    if (list.kind === 'Node') {
      return new NodeInventory([nodeFromKubectl(list, 'the Node')]);
    }
    if (list.kind !== 'List' && list.kind !== 'NodeList') {
      throw new Error(`Node inventory: got kind ${describeValue(list.kind)}; ${expected}`);
    }
    if (!Array.isArray(list.items)) {
      throw new Error(`Node inventory: the ${list.kind} has no "items" list (items is ${describeValue(list.items)}); ${expected}`);
    }
    const nodes = list.items.map((item: unknown, i: number) => {
      if (!isObject(item)) {
        throw new Error(`Node inventory: items[${i}] is ${describeValue(item)}; expected a Node object`);
      }
      // `kubectl get -o json` sets kind on every item; tolerate items without one.
      if (item.kind !== undefined && item.kind !== 'Node') {
        throw new Error(`Node inventory: items[${i}] has kind ${describeValue(item.kind)}; expected kind "Node" (use "kubectl get nodes -o json")`);
      }
      return nodeFromKubectl(item, `items[${i}]`);
    });
    return new NodeInventory(nodes);
  }

  /**
   * Describes the nodes in code.
   *
   * @param nodes the nodes; names must be unique and non-empty
   * @throws if a node has no name, a duplicate name, or a taint without a key or with an unknown effect
   */
  public static fromNodes(nodes: InventoryNode[]): NodeInventory {
    if (!Array.isArray(nodes)) {
      throw new Error(`Node inventory: expected a list of nodes, got ${describeValue(nodes)}`);
    }
    return new NodeInventory(nodes.map((node, i) => validateNode(node, `nodes[${i}]`)));
  }

  /**
   * The nodes, in input order, with labels and taints always present (empty when the node has none).
   */
  public readonly nodes: InventoryNode[];

  /** The number of nodes. */
  public readonly nodeCount: number;

  private byName?: Map<string, InventoryNode>;

  private constructor(nodes: InventoryNode[]) {
    const seen = new Set<string>();
    for (const node of nodes) {
      if (seen.has(node.name)) {
        throw new Error(`Node inventory: node name "${node.name}" appears twice; node names are unique in a cluster`);
      }
      seen.add(node.name);
    }
    this.nodes = nodes;
    this.nodeCount = nodes.length;
  }

  /**
   * The node with this name.
   *
   * @returns the node, or undefined if the inventory has no node with this name
   */
  public findNode(name: string): InventoryNode | undefined {
    this.byName = this.byName ?? new Map(this.nodes.map((n) => [n.name, n]));
    return this.byName.get(name);
  }

}
brand(NodeInventory, 'NodeInventory');

function nodeFromKubectl(obj: { [key: string]: unknown }, where: string): InventoryNode {
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (obj.spec !== undefined && obj.spec !== null && !isObject(obj.spec)) {
    throw new Error(`Node inventory: ${where}.spec is ${describeValue(obj.spec)}; expected an object`);
  }
  const status = isObject(obj.status) ? obj.status : {};
  return validateNode({
    name: metadata.name as string,
    labels: metadata.labels as { [key: string]: string } | undefined,
    taints: spec.taints as NodeTaint[] | undefined,
    unschedulable: spec.unschedulable as boolean | undefined,
    allocatable: status.allocatable as { [resource: string]: string } | undefined,
    conditions: status.conditions as NodeCondition[] | undefined,
  }, where, true);
}

function validateNode(node: InventoryNode, where: string, kubectl = false): InventoryNode {
  const f = (field: string, kubectlField: string) => `${where}.${kubectl ? kubectlField : field}`;
  if (!isObject(node)) {
    throw new Error(`Node inventory: ${where} is ${describeValue(node)}; expected a node ({ name, labels, taints, unschedulable })`);
  }
  if (typeof node.name !== 'string' || node.name === '') {
    throw new Error(`Node inventory: ${f('name', 'metadata.name')} is ${describeValue(node.name)}; every node needs a non-empty name`);
  }
  const at = `${where} ("${node.name}")`;
  const g = (field: string, kubectlField: string) => `${at}.${kubectl ? kubectlField : field}`;

  const labels: { [key: string]: string } = {};
  if (node.labels !== undefined && node.labels !== null) {
    if (!isObject(node.labels)) {
      throw new Error(`Node inventory: ${g('labels', 'metadata.labels')} is ${describeValue(node.labels)}; expected an object of string values`);
    }
    for (const [key, value] of Object.entries(node.labels)) {
      if (typeof value !== 'string') {
        throw new Error(`Node inventory: ${g('labels', 'metadata.labels')}["${key}"] is ${describeValue(value)}; label values are strings`);
      }
      labels[key] = value;
    }
  }

  const taints: NodeTaint[] = [];
  if (node.taints !== undefined && node.taints !== null) {
    if (!Array.isArray(node.taints)) {
      throw new Error(`Node inventory: ${g('taints', 'spec.taints')} is ${describeValue(node.taints)}; expected a list of taints`);
    }
    node.taints.forEach((taint: unknown, i: number) => {
      const p = `${g('taints', 'spec.taints')}[${i}]`;
      if (!isObject(taint)) {
        throw new Error(`Node inventory: ${p} is ${describeValue(taint)}; expected a taint { key, value, effect }`);
      }
      if (typeof taint.key !== 'string' || taint.key === '') {
        throw new Error(`Node inventory: ${p}.key is ${describeValue(taint.key)}; every taint needs a non-empty key`);
      }
      if (taint.value !== undefined && taint.value !== null && typeof taint.value !== 'string') {
        throw new Error(`Node inventory: ${p}.value is ${describeValue(taint.value)}; expected a string`);
      }
      if (typeof taint.effect !== 'string' || !TAINT_EFFECTS.includes(taint.effect)) {
        throw new Error(`Node inventory: ${p}.effect is ${describeValue(taint.effect)}; expected one of ${TAINT_EFFECTS.join(', ')}`);
      }
      taints.push({ key: taint.key, value: (taint.value as string | undefined | null) ?? '', effect: taint.effect as TaintEffect });
    });
  }

  if (node.unschedulable !== undefined && node.unschedulable !== null && typeof node.unschedulable !== 'boolean') {
    throw new Error(`Node inventory: ${g('unschedulable', 'spec.unschedulable')} is ${describeValue(node.unschedulable)}; expected true or false`);
  }

  let allocatable: { [resource: string]: string } | undefined;
  if (node.allocatable !== undefined && node.allocatable !== null) {
    if (!isObject(node.allocatable)) {
      throw new Error(`Node inventory: ${g('allocatable', 'status.allocatable')} is ${describeValue(node.allocatable)}; expected an object of quantities such as { cpu: "2", memory: "8Gi", pods: "110" }`);
    }
    allocatable = {};
    for (const [resource, value] of Object.entries(node.allocatable)) {
      // YAML reads `pods: 110` as a number; the API server reads the quantity "110".
      if ((typeof value !== 'string' && typeof value !== 'number') || parseQuantity(value) === undefined) {
        throw new Error(`Node inventory: ${g('allocatable', 'status.allocatable')}["${resource}"] is ${describeValue(value)}; expected a quantity such as "2", "3920m" or "15Gi"`);
      }
      allocatable[resource] = String(value);
    }
  }

  let conditions: NodeCondition[] | undefined;
  if (node.conditions !== undefined && node.conditions !== null) {
    const p = g('conditions', 'status.conditions');
    if (!Array.isArray(node.conditions)) {
      throw new Error(`Node inventory: ${p} is ${describeValue(node.conditions)}; expected a list of conditions { type, status, reason, message }`);
    }
    conditions = node.conditions.map((c: unknown, i: number) => {
      if (!isObject(c)) {
        throw new Error(`Node inventory: ${p}[${i}] is ${describeValue(c)}; expected a condition { type, status, reason, message }`);
      }
      for (const field of ['type', 'status']) {
        if (typeof c[field] !== 'string' || c[field] === '') {
          throw new Error(`Node inventory: ${p}[${i}].${field} is ${describeValue(c[field])}; expected a non-empty string${field === 'status' ? ' (True, False or Unknown)' : ' such as Ready or DiskPressure'}`);
        }
      }
      return {
        type: c.type as string,
        status: c.status as string,
        ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
        ...(typeof c.message === 'string' ? { message: c.message } : {}),
      };
    });
  }

  return {
    name: node.name,
    labels,
    taints,
    unschedulable: node.unschedulable === true,
    ...(allocatable ? { allocatable } : {}),
    ...(conditions ? { conditions } : {}),
  };
}
