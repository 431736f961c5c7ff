import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { withDefaults } from './merge';
import { defaultName } from './names';
import { sharingProblems } from './preset-problems';
import { Problems } from './problems';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';

/** What a preset changes in the identity the core would otherwise resolve. */
export interface PresetIdentityFallbacks {
  /** The namespace when neither the user nor the chart gives one (e.g. "kube-system"). */
  readonly namespace?: string;
  /** The grace period when the user gives none (the core's default is 30). */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * What every preset shares, resolved once: the identity the core will use (name, namespace,
 * container name, grace period), one `Problems` collector for the preset's and the core's checks
 * (one `ValidationError`, naming the construct the user created, listing everything), and the
 * merge rule that turns the preset's defaults and the user's props into the core's props.
 *
 * Presets read the identity from here instead of re-deriving it: a preset that names its
 * ConfigMap after the DaemonSet, or skips its own log files by container name, needs the very
 * name the core will use.
 */
export class PresetScope {
  /** The problems of the preset's props; the core adds its own, then throws once. */
  public readonly problems: Problems;
  public readonly name: string;
  public readonly namespace: string;
  public readonly containerName: string;
  public readonly terminationGracePeriodSeconds: number;

  constructor(private readonly owner: Construct, options: DaemonSetOptions, fallbacks: PresetIdentityFallbacks = {}) {
    this.problems = new Problems(`${owner.constructor.name} '${owner.node.path}'`, owner.node.path);
    this.name = options.name ?? defaultName(owner);
    this.namespace = options.namespace ?? Chart.of(owner).namespace ?? fallbacks.namespace ?? 'default';
    this.containerName = options.containerName ?? this.name;
    this.terminationGracePeriodSeconds = options.terminationGracePeriodSeconds ?? fallbacks.terminationGracePeriodSeconds ?? 30;
  }

  /**
   * The core's props from the preset's defaults and the user's options, by the merge rule (see
   * merge.ts), with the identity resolved here. The preset has already checked the types of its
   * props (`checkConstructProps`).
   */
  public merge(defaults: DaemonSetProps, options: DaemonSetOptions): DaemonSetProps {
    return withDefaults<DaemonSetProps>({
      ...defaults,
      name: this.name,
      namespace: this.namespace,
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
    }, options);
  }

  /**
   * Creates the core `DaemonSet` (id "DaemonSet") from merged props (see `merge`). The core
   * records its problems with the preset's and throws one error if there are any.
   */
  public createDaemonSet(props: DaemonSetProps): DaemonSet {
    this.problems.startDerived();
    return sharingProblems(this.owner, this.problems, () => new DaemonSet(this.owner, 'DaemonSet', props));
  }
}
