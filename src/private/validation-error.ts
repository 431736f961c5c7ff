/** Marks the library's validation errors across copies of the library (see `Errors`). */
export const VALIDATION_ERROR_SYMBOL = Symbol.for('cdk8s-node-agents.ValidationError');

/**
 * The error thrown for invalid props. Not part of the jsii API (an `Error` subclass cannot be);
 * users recognise it with `Errors.isValidationError`.
 */
export class ValidationError extends Error {
  public declare readonly problems: string[];
  public declare readonly constructPath: string;

  /**
   * @param heading what the lines are, when they are not props' problems (e.g. conflicts between
   * agents): "<count> <heading>s" is then the first line
   */
  constructor(subject: string, constructPath: string, problems: string[], heading?: string) {
    const first = heading !== undefined
      ? `${problems.length} ${heading}${problems.length === 1 ? '' : 's'}`
      : problems.length === 1 ? 'Invalid props' : `${problems.length} invalid props`;
    super(`${first} ${heading !== undefined ? 'between' : 'for'} ${subject}:\n${problems.map((m) => `  - ${m}`).join('\n')}`);
    // Not enumerable: Node prints an uncaught error's enumerable fields after its stack, which
    // would show every problem a second time (the message already lists them).
    Object.defineProperty(this, 'name', { value: 'ValidationError', enumerable: false, configurable: true, writable: true });
    Object.defineProperty(this, 'problems', { value: [...problems], enumerable: false });
    Object.defineProperty(this, 'constructPath', { value: constructPath, enumerable: false });
    Object.defineProperty(this, VALIDATION_ERROR_SYMBOL, { value: true });
  }
}
