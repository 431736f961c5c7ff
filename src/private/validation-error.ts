/** Marks the library's validation errors across copies of the library (see `Errors`). */
export const VALIDATION_ERROR_SYMBOL = Symbol.for('cdk8s-node-agents.ValidationError');

/**
 * The error thrown for invalid props. Not part of the jsii API (an `Error` subclass cannot be);
 * users recognise it with `Errors.isValidationError`.
 */
export class ValidationError extends Error {
  public readonly problems: string[];
  public readonly constructPath: string;

  constructor(subject: string, constructPath: string, problems: string[]) {
    const heading = problems.length === 1 ? 'Invalid props' : `${problems.length} invalid props`;
    super(`${heading} for ${subject}:\n${problems.map((m) => `  - ${m}`).join('\n')}`);
    this.name = 'ValidationError';
    this.problems = [...problems];
    this.constructPath = constructPath;
    Object.defineProperty(this, VALIDATION_ERROR_SYMBOL, { value: true });
  }
}
