import { k8s } from 'cdk8s-plus-28';
import { brand } from './private/brand';
import { checkArgs } from './private/shapes';

/**
 * A count of pods given as an absolute number or as a percentage of the nodes that run the
 * DaemonSet (Kubernetes' `IntOrString` for `maxUnavailable` and `maxSurge`).
 *
 * Percentages are resolved by the DaemonSet controller against the number of nodes that should
 * run a pod, rounding up (see `RolloutPlan`).
 */
export class IntOrPercent {
  /** An absolute number of pods, an integer of 0 or more. */
  public static absolute(count: number): IntOrPercent {
    checkArgs('IntOrPercent.absolute', [count]);
    return new IntOrPercent(count, false);
  }

  /** A percentage of the nodes that run the DaemonSet, an integer from 0 to 100. */
  public static percent(percent: number): IntOrPercent {
    checkArgs('IntOrPercent.percent', [percent]);
    return new IntOrPercent(percent, true);
  }

  private constructor(
    /** The number: a pod count, or a percentage when `isPercent` is true. */
    public readonly amount: number,
    /** Whether `amount` is a percentage. */
    public readonly isPercent: boolean,
  ) {}

  /** Whether this resolves to zero pods on any cluster. */
  public isZero(): boolean {
    return this.amount === 0;
  }

  /** The value as Kubernetes writes it: a number, or a string ending in "%". */
  public toString(): string {
    return this.isPercent ? `${this.amount}%` : `${this.amount}`;
  }

  /** What is wrong with this value, if anything (for error messages). @internal */
  public _problem(): string | undefined {
    if (!Number.isInteger(this.amount) || this.amount < 0) {
      return this.isPercent ? 'expected an integer percentage from 0 to 100' : 'expected a non-negative integer count';
    }
    if (this.isPercent && this.amount > 100) {
      return 'expected an integer percentage from 0 to 100';
    }
    return undefined;
  }

  /** @internal */
  public _toKube(): k8s.IntOrString {
    return this.isPercent ? k8s.IntOrString.fromString(`${this.amount}%`) : k8s.IntOrString.fromNumber(this.amount);
  }
}
brand(IntOrPercent, 'IntOrPercent');
