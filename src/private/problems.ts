import { ValidationError } from './validation-error';

/**
 * Collects every problem found in a construct's props so that one error reports all of them,
 * each naming the prop, the value received and what is allowed.
 */
export class Problems {
  private readonly messages: string[] = [];
  /** What was reported before `startDerived`: the same value failing the same rule again is not news. */
  private reportedBefore?: Set<string>;

  /**
   * @param subject who the problems belong to, e.g. "NodeExporter 'app/chart/node-exporter'"
   * @param constructPath the construct path of the construct the user created
   */
  constructor(public readonly subject: string, public readonly constructPath: string = '') {}

  /** Records a problem: `prop: got <value>; <allowed>`. */
  public add(prop: string, value: unknown, allowed: string): void {
    const finding = `got ${describe(value)}; ${allowed}`;
    if (this.reportedBefore?.has(finding)) {
      return;
    }
    this.messages.push(`${prop}: ${finding}`);
  }

  /**
   * From now on, checks run on values derived from props already checked (a preset's port
   * becomes the core's `ports[0].containerPort`): a value already reported failing the same rule
   * is not reported again under the derived prop's name.
   */
  public startDerived(): void {
    this.reportedBefore = new Set(this.messages.map((m) => m.slice(m.indexOf(': got ') + 2)));
  }

  /** Records a problem with the given `check` result if it is a string (an error message). */
  public check(prop: string, value: unknown, message: string | undefined): void {
    if (message !== undefined) {
      this.add(prop, value, message);
    }
  }

  public get count(): number {
    return this.messages.length;
  }

  /** The messages recorded so far, for `node.addValidation`. */
  public list(): string[] {
    return [...this.messages];
  }

  /** Throws one error listing every problem, if there is any. */
  public throwIfAny(): void {
    if (this.messages.length === 0) {
      return;
    }
    throw new ValidationError(this.subject, this.constructPath, this.messages);
  }
}

/** A short, unambiguous rendering of a value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    if (text === undefined) {
      return String(value);
    }
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}
