import { k8s } from 'cdk8s-plus-28';
import { IntOrPercent } from './int-or-percent';
import { brand } from './private/brand';
import { checkArgs } from './private/shapes';

/** Options for a rolling update of a DaemonSet. */
export interface RollingUpdateOptions {
  /**
   * How many nodes may be without a ready agent pod during the update. Kubernetes allows exactly
   * one of maxUnavailable and maxSurge to be non-zero.
   *
   * @default - IntOrPercent.absolute(1), or 0 when a non-zero maxSurge is given
   */
  readonly maxUnavailable?: IntOrPercent;

  /**
   * How many nodes may run a new pod next to the old one during the update. A surge needs the
   * agent to tolerate two copies on a node (no host ports, no exclusive host resources), and
   * maxUnavailable 0.
   *
   * @default IntOrPercent.absolute(0)
   */
  readonly maxSurge?: IntOrPercent;
}

/** How a new version of the agent replaces the old one on each node. */
export class UpdateStrategy {
  /**
   * Replace pods node by node, bounded by `maxUnavailable` or `maxSurge`
   * (defaults: 1 unavailable, no surge; with a surge, none unavailable).
   */
  public static rollingUpdate(options: RollingUpdateOptions = {}): UpdateStrategy {
    checkArgs('UpdateStrategy.rollingUpdate', [options]);
    const maxSurge = options.maxSurge ?? IntOrPercent.absolute(0);
    const maxUnavailable = options.maxUnavailable ?? IntOrPercent.absolute(maxSurge.isZero() ? 1 : 0);
    return new UpdateStrategy('RollingUpdate', maxUnavailable, maxSurge);
  }

  /**
   * Replace a pod only when it is deleted by hand (or its node is replaced): for agents such as
   * kernel drivers where every node must be rolled deliberately.
   */
  public static onDelete(): UpdateStrategy {
    return new UpdateStrategy('OnDelete');
  }

  private constructor(
    /** `RollingUpdate` or `OnDelete`. */
    public readonly type: string,
    /** For RollingUpdate: the unavailable bound. */
    public readonly maxUnavailable?: IntOrPercent,
    /** For RollingUpdate: the surge bound. */
    public readonly maxSurge?: IntOrPercent,
  ) {}

  /** What is wrong with this strategy, as `[field, value, allowed]` triples. @internal */
  public _problems(): Array<[string, string, string]> {
    const problems: Array<[string, string, string]> = [];
    if (this.type !== 'RollingUpdate') {
      return problems;
    }
    for (const [field, value] of [['maxUnavailable', this.maxUnavailable!], ['maxSurge', this.maxSurge!]] as const) {
      const problem = value._problem();
      if (problem) {
        problems.push([field, value.toString(), problem]);
      }
    }
    // ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable and maxSurge is non-zero.
    if (this.maxUnavailable!.isZero() && this.maxSurge!.isZero()) {
      problems.push(['maxUnavailable', '0 with maxSurge 0', 'expected maxUnavailable or maxSurge above 0: with both 0 no pod could ever be replaced']);
    }
    if (!this.maxUnavailable!.isZero() && !this.maxSurge!.isZero()) {
      problems.push(['maxSurge', `${this.maxSurge!.toString()} with maxUnavailable ${this.maxUnavailable!.toString()}`,
        'Kubernetes allows only one of maxUnavailable and maxSurge to be non-zero; set maxUnavailable to IntOrPercent.absolute(0) for a surge rollout']);
    }
    return problems;
  }

  /** @internal */
  public _toKube(): k8s.DaemonSetUpdateStrategy {
    if (this.type === 'OnDelete') {
      return { type: 'OnDelete' };
    }
    return {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: this.maxUnavailable!._toKube(), maxSurge: this.maxSurge!._toKube() },
    };
  }
}
brand(UpdateStrategy, 'UpdateStrategy');
