import { k8s, TaintEffect } from 'cdk8s-plus-28';
import { brand } from './private/brand';
import { checkArgs } from './private/shapes';

/** Options for a toleration of one taint key. */
export interface TolerationOptions {
  /**
   * The taint effect tolerated.
   *
   * @default - every effect (NoSchedule, PreferNoSchedule and NoExecute)
   */
  readonly effect?: TaintEffect;

  /**
   * For a NoExecute taint: how long the pod stays bound to the node after the taint appears.
   * Only valid with `effect: TaintEffect.NO_EXECUTE`.
   *
   * @default - the pod is never evicted for this taint
   */
  readonly tolerationSeconds?: number;
}

/**
 * A toleration: lets the agent's pods run on nodes carrying a matching taint.
 *
 * Every form Kubernetes has: a key with a value (`equal`), a key with any value (`exists`),
 * every taint (`all`), every taint of one effect (`allWithEffect`), and the control-plane taints.
 */
export class Toleration {
  /** Tolerates every taint: the agent runs on every node (what kube-proxy and CNI agents do). */
  public static all(): Toleration {
    return new Toleration('Exists');
  }

  /** Tolerates every taint with the given effect, whatever its key. */
  public static allWithEffect(effect: TaintEffect): Toleration {
    checkArgs('Toleration.allWithEffect', [effect]);
    return new Toleration('Exists', undefined, undefined, effect);
  }

  /**
   * Tolerates a taint with this key, whatever its value. The key is required: Kubernetes reads
   * an Exists toleration without a key as "every taint", which is `Toleration.all()`.
   */
  public static exists(key: string, options: TolerationOptions = {}): Toleration {
    checkArgs('Toleration.exists', [key, options], { key: 'give the taint key (e.g. "nvidia.com/gpu"); to tolerate every taint, use Toleration.all()' });
    return new Toleration('Exists', key, undefined, options.effect, options.tolerationSeconds);
  }

  /** Tolerates a taint with this key and exactly this value. */
  public static equal(key: string, value: string, options: TolerationOptions = {}): Toleration {
    checkArgs('Toleration.equal', [key, value, options]);
    return new Toleration('Equal', key, value, options.effect, options.tolerationSeconds);
  }

  /**
   * Tolerates the control-plane taints (`node-role.kubernetes.io/control-plane:NoSchedule` and the
   * legacy `node-role.kubernetes.io/master:NoSchedule`), so the agent also runs on control-plane nodes.
   */
  public static controlPlane(): Toleration[] {
    return [
      Toleration.exists('node-role.kubernetes.io/control-plane', { effect: TaintEffect.NO_SCHEDULE }),
      Toleration.exists('node-role.kubernetes.io/master', { effect: TaintEffect.NO_SCHEDULE }),
    ];
  }

  private constructor(
    /** `Equal` or `Exists`. */
    public readonly operator: string,
    /** The taint key; undefined matches every key (only with Exists). */
    public readonly key?: string,
    /** The taint value (only with Equal). */
    public readonly value?: string,
    /** The effect; undefined matches every effect. */
    public readonly effect?: TaintEffect,
    /** For NoExecute: seconds the pod stays after the taint appears. */
    public readonly tolerationSeconds?: number,
  ) {}

  /** What is wrong with this toleration, if anything (ValidateTolerations). @internal */
  public _problem(): string | undefined {
    if (this.tolerationSeconds !== undefined) {
      if (this.effect !== TaintEffect.NO_EXECUTE) {
        return 'tolerationSeconds is only valid with effect NoExecute (the API server rejects it otherwise)';
      }
      if (!Number.isInteger(this.tolerationSeconds)) {
        return 'tolerationSeconds must be an integer (0 or more evicts after that many seconds)';
      }
    }
    if (this.key !== undefined && this.key === '') {
      return 'an empty key is only valid as Toleration.all() or Toleration.allWithEffect()';
    }
    if (this.effect !== undefined && !Object.values(TaintEffect).includes(this.effect)) {
      return `effect must be one of ${Object.values(TaintEffect).join(', ')}`;
    }
    return undefined;
  }

  /** @internal */
  public _toKube(): k8s.Toleration {
    return {
      key: this.key,
      operator: this.operator,
      value: this.value,
      effect: this.effect,
      tolerationSeconds: this.tolerationSeconds,
    };
  }
}
brand(Toleration, 'Toleration');
