import { k8s } from 'cdk8s-plus-28';
import { brand } from './private/brand';
import { checkArgs } from './private/shapes';

/**
 * One requirement on a node's labels (a `nodeSelectorRequirement`): In, NotIn, Exists,
 * DoesNotExist, Gt or Lt.
 */
export class NodeRequirement {
  /** The node has the label with one of the values. */
  public static in(key: string, values: string[]): NodeRequirement {
    checkArgs('NodeRequirement.in', [key, values]);
    return new NodeRequirement(key, 'In', values);
  }

  /** The node does not have the label, or has it with none of the values. */
  public static notIn(key: string, values: string[]): NodeRequirement {
    checkArgs('NodeRequirement.notIn', [key, values]);
    return new NodeRequirement(key, 'NotIn', values);
  }

  /** The node has the label, whatever its value. */
  public static exists(key: string): NodeRequirement {
    checkArgs('NodeRequirement.exists', [key]);
    return new NodeRequirement(key, 'Exists', []);
  }

  /** The node does not have the label. */
  public static doesNotExist(key: string): NodeRequirement {
    checkArgs('NodeRequirement.doesNotExist', [key]);
    return new NodeRequirement(key, 'DoesNotExist', []);
  }

  /** The node's label value, read as an integer, is greater than `value`. */
  public static gt(key: string, value: number): NodeRequirement {
    checkArgs('NodeRequirement.gt', [key, value]);
    return new NodeRequirement(key, 'Gt', [String(value)]);
  }

  /** The node's label value, read as an integer, is less than `value`. */
  public static lt(key: string, value: number): NodeRequirement {
    checkArgs('NodeRequirement.lt', [key, value]);
    return new NodeRequirement(key, 'Lt', [String(value)]);
  }

  private constructor(
    /** The node label key. */
    public readonly key: string,
    /** The operator. */
    public readonly operator: string,
    /** The values (none for Exists and DoesNotExist, one integer for Gt and Lt). */
    public readonly values: string[],
  ) {}

  /** What is wrong with this requirement, if anything (ValidateNodeSelectorRequirement). @internal */
  public _problem(): string | undefined {
    switch (this.operator) {
      case 'In':
      case 'NotIn':
        return this.values.length === 0 ? `${this.operator} needs at least one value` : undefined;
      case 'Gt':
      case 'Lt':
        return this.values.length !== 1 || !/^-?[0-9]+$/.test(this.values[0]) ? `${this.operator} needs exactly one integer value` : undefined;
      default:
        return undefined;
    }
  }

  /** @internal */
  public _toKube(): k8s.NodeSelectorRequirement {
    return { key: this.key, operator: this.operator, values: this.values.length > 0 ? [...this.values] : undefined };
  }
}
brand(NodeRequirement, 'NodeRequirement');

/**
 * A node selector term: a node matches when it meets every requirement (AND). A DaemonSet's
 * terms are ORed: a node that matches any term runs the agent.
 */
export class NodeAffinityTerm {
  /** A term that matches nodes meeting every one of the requirements. */
  public static allOf(...requirements: NodeRequirement[]): NodeAffinityTerm {
    checkArgs('NodeAffinityTerm.allOf', requirements);
    return new NodeAffinityTerm(requirements);
  }

  private constructor(
    /** The requirements, all of which must hold. */
    public readonly requirements: NodeRequirement[],
  ) {}

  /** @internal */
  public _toKube(): k8s.NodeSelectorTerm {
    return { matchExpressions: this.requirements.map((r) => r._toKube()) };
  }
}
brand(NodeAffinityTerm, 'NodeAffinityTerm');

/**
 * A node affinity term the scheduler prefers (a `preferredSchedulingTerm`): a node that matches
 * `term` gets `weight` added to its score.
 */
export interface WeightedNodeAffinityTerm {
  /** The weight, 1-100, added to a node's score when it matches `term`. */
  readonly weight: number;

  /** The requirements a node must meet to get the weight. */
  readonly term: NodeAffinityTerm;
}
