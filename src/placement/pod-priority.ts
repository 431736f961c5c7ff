/**
 * Internal: a pod's priority and preemption policy, as the Priority admission plugin sets them
 * (kubernetes/kubernetes v1.28 plugin/pkg/admission/priority/admission.go `admitPod`):
 * - `priorityClassName` names a class: the two built-in ones (pkg/apis/scheduling/types.go
 *   `SystemNodeCritical` = 2000001000, `SystemClusterCritical` = 2000000000), or a
 *   `PriorityClass` object; an unknown name makes the API server reject the pod;
 * - no name: the value of the class with `globalDefault: true`, else 0
 *   (`DefaultPriorityWhenNoDefaultClassExists`);
 * - the pod's `preemptionPolicy` comes from its class (default `PreemptLowerPriority`).
 * Pods read from a cluster already carry `spec.priority`, which wins.
 */
import { describeValue, isObject } from './daemonset-manifest';

/** A priority class: its value and whether its pods may preempt. */
export interface PriorityClassValue {
  readonly name: string;
  readonly value: number;
  readonly preemptNever: boolean;
}

/** The priority classes a preview knows: the built-in ones and those given. */
export class PriorityClassTable {
  /**
   * Reads `scheduling.k8s.io/v1` PriorityClass objects (other objects are ignored).
   * Throws when a PriorityClass has no integer `value`.
   */
  public static fromObjects(objects: unknown[]): PriorityClassTable {
    const table = new PriorityClassTable();
    for (const obj of objects) {
      if (!isObject(obj) || obj.kind !== 'PriorityClass') {
        continue;
      }
      const metadata = isObject(obj.metadata) ? obj.metadata : {};
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      if (typeof obj.value !== 'number' || !Number.isInteger(obj.value)) {
        throw new Error(`PriorityClass "${name}": value is ${describeValue(obj.value)}; expected an integer`);
      }
      const cls = { name, value: obj.value, preemptNever: obj.preemptionPolicy === 'Never' };
      table.classes.set(name, cls);
      if (obj.globalDefault === true) {
        table.globalDefault = cls;
      }
    }
    return table;
  }

  private readonly classes = new Map<string, PriorityClassValue>([
    ['system-node-critical', { name: 'system-node-critical', value: 2000001000, preemptNever: false }],
    ['system-cluster-critical', { name: 'system-cluster-critical', value: 2000000000, preemptNever: false }],
  ]);
  private globalDefault?: PriorityClassValue;

  /**
   * The priority of a pod spec. `unknownClass` is set when `priorityClassName` names no known
   * class: the API server would reject the pod (the preview then assumes priority 0).
   */
  public resolve(podSpec: { [key: string]: unknown }): { priority: number; preemptNever: boolean; unknownClass?: string } {
    const name = typeof podSpec.priorityClassName === 'string' ? podSpec.priorityClassName : '';
    const ownPolicy = podSpec.preemptionPolicy === 'Never';
    if (typeof podSpec.priority === 'number') {
      return { priority: podSpec.priority, preemptNever: ownPolicy };
    }
    if (name === '') {
      return { priority: this.globalDefault?.value ?? 0, preemptNever: ownPolicy || (this.globalDefault?.preemptNever ?? false) };
    }
    const cls = this.classes.get(name);
    if (cls === undefined) {
      return { priority: 0, preemptNever: ownPolicy, unknownClass: name };
    }
    return { priority: cls.value, preemptNever: ownPolicy || cls.preemptNever };
  }
}
