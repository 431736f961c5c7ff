import { VALIDATION_ERROR_SYMBOL } from './private/validation-error';

/**
 * The one error type of the library: every invalid input, from the core or a preset, is reported
 * as a validation error that names the construct the user created (its path), and lists every
 * problem found, one per line, each as `prop: got <value>; <what is allowed>`.
 *
 * Recognise it with `Errors.isValidationError(e)` rather than `instanceof`: that also works when
 * two copies of the library are loaded (a monorepo, or a jsii language runtime).
 */
export class Errors {
  /** Whether `x` is a validation error thrown by this library (any copy of it). */
  public static isValidationError(x: any): boolean {
    return x !== null && typeof x === 'object' && x[VALIDATION_ERROR_SYMBOL] === true;
  }

  /** The problems a validation error lists (one entry per problem), or [] for anything else. */
  public static problemsOf(x: any): string[] {
    return Errors.isValidationError(x) && Array.isArray(x.problems) ? [...x.problems] : [];
  }

  private constructor() {}
}

