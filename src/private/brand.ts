/**
 * How the library recognises its own classes: by a brand on the prototype, a property keyed by
 * `Symbol.for('cdk8s-node-agents.<ClassName>')`, rather than by `instanceof`. `instanceof` fails
 * when two copies of the library are loaded (a monorepo with two versions, a bundle beside the
 * package, a jsii language runtime): a `Toleration` made by one copy is not an `instanceof` the
 * other's. `Symbol.for` keys are shared by every copy in the process, as for
 * `Errors.isValidationError`. The class name is written out, not read from `constructor.name`,
 * which minifiers rename.
 *
 * Brand a class right after its declaration, outside it, so that jsii does not see a member:
 *
 *     export class Toleration { ... }
 *     brand(Toleration, 'Toleration');
 *
 * Subclasses inherit their parent's brand (a user's subclass of a value class is one of them).
 */

const PREFIX = 'cdk8s-node-agents.';
const keys = new Map<string, symbol>();

/** The brand's key for a class of this library. */
export function brandKey(className: string): symbol {
  let key = keys.get(className);
  if (key === undefined) {
    key = Symbol.for(`${PREFIX}${className}`);
    keys.set(className, key);
  }
  return key;
}

/** Marks the instances of `cls` (and of its subclasses) as `className`s of this library. */
export function brand(cls: { readonly prototype: object }, className: string): void {
  Object.defineProperty(cls.prototype, brandKey(className), { value: true, enumerable: false, writable: false, configurable: false });
}

/** Whether `value` is an instance of this library's class `className`, made by any copy of the library. */
export function isBranded<T>(value: unknown, className: string): value is T {
  return typeof value === 'object' && value !== null && (value as { [key: symbol]: unknown })[brandKey(className)] === true;
}
