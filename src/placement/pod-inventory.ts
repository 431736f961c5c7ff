import { describeValue, isObject } from './daemonset-manifest';
import { BoundPod, HostPort, podHostPorts, podRequests } from './pod-resources';
import { brand } from '../private/brand';

/**
 * The pods already in a cluster: read from `kubectl get pods -A -o json` (or `-o yaml`).
 *
 * The placement preview counts each pod bound to a node (`spec.nodeName`) against that node's
 * allocatable resources, pod slots and host ports, unless the pod has finished
 * (`status.phase` Succeeded or Failed: the scheduler's informer leaves those out,
 * pkg/scheduler/scheduler.go `NewInformerFactory`) or belongs to a DaemonSet being previewed
 * (its new pod takes its place).
 */
export class PodInventory {
  /**
   * Reads the output of `kubectl get pods -A -o json`: a `List` (or `PodList`) of `v1.Pod`
   * objects, or a single `Pod`.
   *
   * @param text the JSON text
   * @throws if the text is not JSON, not a pod or a list of pods, or a pod's resources are malformed
   */
  public static fromKubectlJson(text: string): PodInventory {
    if (typeof text !== 'string') {
      throw new Error(`Pod inventory: expected the JSON text printed by "kubectl get pods -A -o json", got ${describeValue(text)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`Pod inventory: not valid JSON (${(e as Error).message}); expected the output of "kubectl get pods -A -o json"`);
    }
    return PodInventory.fromKubectlObject(parsed);
  }

  /**
   * Reads already-parsed `kubectl get pods -A -o json` (or `-o yaml`) output: a `List` or
   * `PodList` of `v1.Pod` objects, or a single `Pod`.
   *
   * @param list the parsed object
   * @throws if the object is not a pod or a list of pods, or a pod's resources are malformed
   */
  public static fromKubectlObject(list: any): PodInventory {
    const expected = 'expected the output of "kubectl get pods -A -o json": a List or PodList of Pod objects, or a single Pod';
    if (!isObject(list)) {
      throw new Error(`Pod inventory: got ${describeValue(list)}; ${expected}`);
    }
    if (list.kind === 'Pod') {
      return new PodInventory([readPod(list, 'the Pod')]);
    }
    if (list.kind !== 'List' && list.kind !== 'PodList') {
      throw new Error(`Pod inventory: got kind ${describeValue(list.kind)}; ${expected}`);
    }
    if (!Array.isArray(list.items)) {
      throw new Error(`Pod inventory: the ${list.kind} has no "items" list (items is ${describeValue(list.items)}); ${expected}`);
    }
    const items = list.items;
    const pods: BoundPod[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!isObject(item) || (item.kind !== undefined && item.kind !== 'Pod')) {
        throw new Error(`Pod inventory: items[${i}] is ${isObject(item) ? `kind ${describeValue(item.kind)}` : describeValue(item)}; expected a Pod object (use "kubectl get pods -A -o json")`);
      }
      pods[i] = readPod(item, `items[${i}]`);
    }
    return new PodInventory(pods);
  }

  /** The number of pods read (bound or not, finished or not). */
  public readonly podCount: number;

  /**
   * The pods, as the preview reads them.
   *
   * @internal
   */
  public readonly _pods: BoundPod[];

  private constructor(pods: BoundPod[]) {
    this._pods = pods;
    this.podCount = pods.length;
  }
}
brand(PodInventory, 'PodInventory');

function readPod(obj: { [key: string]: unknown }, where: string): BoundPod {
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const subject = `Pod inventory: ${where} (${namespace}/${name || '(unnamed)'})`;
  let ownerDaemonSet: string | undefined;
  if (Array.isArray(metadata.ownerReferences)) {
    for (const ref of metadata.ownerReferences) {
      if (isObject(ref) && ref.kind === 'DaemonSet' && ref.controller !== false && typeof ref.name === 'string') {
        ownerDaemonSet = ref.name;
      }
    }
  }
  const ports: HostPort[] = podHostPorts(spec, subject, 'spec.');
  return {
    namespace,
    name,
    nodeName: typeof spec.nodeName === 'string' ? spec.nodeName : '',
    phase: typeof status.phase === 'string' ? status.phase : '',
    ownerDaemonSet,
    request: podRequests(spec, subject, 'spec.'),
    ports,
    priority: typeof spec.priority === 'number' ? spec.priority : undefined,
    priorityClassName: typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '',
    startTime: typeof status.startTime === 'string' ? status.startTime : '',
  };
}
