import { Construct, IConstruct } from 'constructs';
// The one import from a lower file into private/ (the import graph's one arrow upwards): the
// error type and the rendering of values are private leaves, as an Error subclass cannot be jsii API.
import { describe } from './private/describe';
import { ValidationError } from './private/validation-error';

/** The collectors made by `ValidationProblems.of`, by construct. */
const COLLECTORS = new WeakMap<IConstruct, ValidationProblems>();

/**
 * The problems found in one construct's props, reported together as one validation error
 * (`Errors.isValidationError`) that names the construct and lists every problem, each as
 * `prop: got <value>; <what is allowed>`.
 *
 * This is how every preset reports, the library's and yours (docs/writing-a-preset.md): record
 * your own props' problems in `ValidationProblems.of(this)`, then create the core `DaemonSet`
 * as a child of your construct. A core `DaemonSet` whose parent has a collector reports its
 * problems into it and throws once for both, so your users get one error that names the
 * construct they created and lists everything at once.
 *
 * @example
 * // In your preset's constructor, `chart` being your construct (`this`):
 * const problems = ValidationProblems.of(chart);
 * problems.add('endpoint', 'http://inventory', 'expected an https:// URL');
 */
export class ValidationProblems {
  /**
   * The collector of a construct's props: made on the first call, the same one after.
   *
   * @param construct the construct whose props are checked (your preset)
   */
  public static of(construct: IConstruct): ValidationProblems {
    if (!Construct.isConstruct(construct)) {
      throw new ValidationError('ValidationProblems.of()', '', [`construct: got ${describe(construct)}; expected a construct (your preset: ValidationProblems.of(this))`]);
    }
    let problems = COLLECTORS.get(construct);
    if (problems === undefined) {
      problems = new ValidationProblems(`${construct.constructor.name} '${construct.node.path}'`, construct.node.path);
      COLLECTORS.set(construct, problems);
    }
    return problems;
  }

  /**
   * The collector of `construct` if one was made with `of`; how a core DaemonSet finds its
   * preset's.
   *
   * @internal
   */
  public static _existing(construct: IConstruct | undefined): ValidationProblems | undefined {
    return construct === undefined ? undefined : COLLECTORS.get(construct);
  }

  /** What the problems belong to, e.g. "NodeExporter 'app/chart/node-exporter'". */
  public readonly subject: string;
  /** The construct path of the construct the user created ("" when not a construct). */
  public readonly constructPath: string;
  private readonly messages: string[] = [];
  /** The props the user gave, once `noteUserOptions` was called. */
  private userGave?: Set<string>;

  /**
   * @param subject what the problems belong to, as the error's heading names it
   * @param constructPath the path of the construct the user created, if any
   */
  constructor(subject: string, constructPath?: string) {
    this.subject = subject;
    this.constructPath = constructPath ?? '';
  }

  /**
   * Records a problem: `prop: got <value>; <allowed>`. The same line twice is recorded once; two
   * props with the same value and rule are two problems.
   *
   * @param prop the prop as the user wrote it, e.g. "ports[0].containerPort"
   * @param value the value received
   * @param allowed what is allowed, and the fix
   */
  public add(prop: string, value: any, allowed: string): void {
    const finding = `got ${describe(value)}; ${allowed}`;
    const message = `${prop}: ${finding}`;
    if (this.messages.includes(message) || this.isDerivedRepeat(prop, finding)) {
      return;
    }
    this.messages.push(message);
  }

  /**
   * Tells the collector which props the user gave (a preset's options), before the preset
   * creates the core: a problem the core then finds in a prop the user did not give (one the
   * preset derived, e.g. `hostMounts[1].path` from `stateHostPath`), with the same value and rule
   * as a problem already reported, is that problem again and is not repeated. A problem of a
   * prop the user gave is always reported, whatever else was.
   *
   * @param userOptions the options the user passed to the preset
   */
  public noteUserOptions(userOptions: any): void {
    this.userGave = new Set(Object.entries(userOptions ?? {}).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k));
  }

  private isDerivedRepeat(prop: string, finding: string): boolean {
    if (this.userGave === undefined || this.userGave.has(prop.split(/[.[]/)[0])) {
      return false;
    }
    return this.messages.some((m) => m.slice(m.indexOf(': got ') + 2) === finding);
  }

  /**
   * Records a problem if `message` (the result of a check) is defined.
   *
   * @param prop the prop as the user wrote it
   * @param value the value received
   * @param message what is allowed, or undefined when the value is fine
   */
  public check(prop: string, value: any, message?: string): void {
    if (message !== undefined) {
      this.add(prop, value, message);
    }
  }

  /** How many problems were recorded. */
  public get count(): number {
    return this.messages.length;
  }

  /** The problems recorded so far, one line each. */
  public get problems(): string[] {
    return [...this.messages];
  }

  /** Throws one validation error listing every problem, if there is any. */
  public throwIfAny(): void {
    if (this.messages.length > 0) {
      throw new ValidationError(this.subject, this.constructPath, this.messages);
    }
  }
}
