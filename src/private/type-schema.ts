import { isBranded } from './brand';
import { PACKAGES, SchemaEntry, schemaTypes, StructName } from './type-schema.generated';

export type { StructName };

/**
 * Read access to the type schema (`type-schema.generated.ts`, generated at build time from the
 * TypeScript sources by `projenrc/type-schema.ts`): the structs, classes and enums that the
 * untyped-input checks (`shapes.ts`) are derived from. Nothing here reads a file or imports the
 * library's own modules: this package's classes are recognised by their brand (`brand.ts`),
 * its enums by their values, written into the schema.
 *
 * Type expressions are parsed on first use and kept, as are each struct's properties with the
 * inherited ones: the checks ask for the same structs at every construction.
 */

/** A parsed type expression (the shape of a jsii type reference). */
export interface TypeRef {
  readonly primitive?: string;
  /** A type's name in the schema: this package's by its name, a dependency's by its jsii fqn. */
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: TypeRef };
  readonly union?: { readonly types: TypeRef[] };
}

export interface Property {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional: boolean;
}

export interface Parameter extends Property {
  readonly variadic: boolean;
}

/** A type of the schema. */
export interface SchemaType {
  /** Its name in the schema (jsii's fqn for a dependency's type). */
  readonly fqn: string;
  /** Its short name, e.g. "Size" for "cdk8s.Size". */
  readonly name: string;
  readonly kind: SchemaEntry['kind'];
  /** This package's own (checked by brand) or a dependency's (checked with `instanceof`). */
  readonly own: boolean;
  readonly entry: SchemaEntry;
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'date', 'json', 'any']);
const types = new Map<string, SchemaType | undefined>();
const refs = new Map<string, TypeRef>();
const propertiesByType = new Map<string, ReadonlyMap<string, Property>>();
const parametersByMethod = new Map<string, Parameter[] | undefined>();

/** The type of this name (this package's by its name, a dependency's by its fqn), or undefined. */
export function findType(name: string): SchemaType | undefined {
  if (!types.has(name)) {
    const all = schemaTypes();
    const entry = Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined;
    types.set(name, entry && { fqn: name, name: name.split('.').pop()!, kind: entry.kind, own: !name.includes('.'), entry });
  }
  return types.get(name);
}

/** Every type of the schema (for tests and tools). */
export function allTypes(): SchemaType[] {
  return Object.keys(schemaTypes()).map((name) => findType(name)!);
}

/** The struct of this name; throws if the schema has none (it is stale, or the name is wrong). */
export function structType(name: StructName | string): SchemaType {
  const type = findType(name);
  if (type?.kind !== 'struct') {
    throw new Error(`${name} is not a struct in the type schema: regenerate it (npx projen type-schema)`);
  }
  return type;
}

/** A struct's properties, its own and every inherited one (by name; inherited ones first). */
export function structProperties(type: SchemaType): ReadonlyMap<string, Property> {
  let cached = propertiesByType.get(type.fqn);
  if (cached === undefined) {
    const result = new Map<string, Property>();
    for (const base of type.entry.bases ?? []) {
      const baseType = findType(base);
      if (baseType !== undefined) {
        for (const [name, p] of structProperties(baseType)) {
          result.set(name, p);
        }
      }
    }
    for (const [key, expression] of Object.entries(type.entry.props ?? {})) {
      const optional = key.endsWith('?');
      const name = optional ? key.slice(0, -1) : key;
      result.set(name, { name, type: parseType(expression), optional });
    }
    cached = result;
    propertiesByType.set(type.fqn, cached);
  }
  return cached;
}

/** The parameters of a static method of this package's class, or undefined if the schema has no such method. */
export function staticParameters(className: string, methodName: string): Parameter[] | undefined {
  const method = `${className}.${methodName}`;
  if (!parametersByMethod.has(method)) {
    const statics = findType(className)?.entry.statics;
    const parameters = statics !== undefined && Object.prototype.hasOwnProperty.call(statics, methodName) ? statics[methodName] : undefined;
    parametersByMethod.set(method, parameters?.map(([key, expression]) => {
      const variadic = key.startsWith('...');
      const optional = key.endsWith('?');
      const name = key.slice(variadic ? 3 : 0, optional ? -1 : undefined);
      return { name, type: parseType(expression), optional, variadic };
    }));
  }
  return parametersByMethod.get(method);
}

/** A class's static factories and constants, as written after its name (`all()`, `SYSTEMD`). */
export function classMakers(type: SchemaType): { readonly shown: string[]; readonly methods: string[]; readonly constants: string[] } {
  const makers = type.entry.makers ?? [];
  return {
    shown: makers.map((m) => m.replace(/\[\]$/, '')),
    // Only those that give one value of the class can be suggested for one.
    methods: makers.filter((m) => m.endsWith('()')).map((m) => m.slice(0, -2)),
    constants: makers.filter((m) => !m.endsWith('()') && !m.endsWith('[]')),
  };
}

/** Whether `value` is an instance of the class `type`: by brand for this package's, `instanceof` for a dependency's. */
export function isInstance(type: SchemaType, value: unknown): boolean {
  if (type.own) {
    return isBranded(value, type.name);
  }
  const constructor = dependencyClass(type.fqn);
  return typeof constructor === 'function' && value instanceof constructor;
}

const classes = new Map<string, unknown>();

/** A dependency's class, e.g. `cdk8s-plus-28.k8s.IntOrString` is `kplus.k8s.IntOrString`. */
export function dependencyClass(fqn: string): unknown {
  if (!classes.has(fqn)) {
    const [pkg, ...path] = fqn.split('.');
    let value: any = PACKAGES[pkg];
    for (const part of path) {
      value = value?.[part];
    }
    classes.set(fqn, value);
  }
  return classes.get(fqn);
}

/** Parses a type expression of the schema (see `TypeExpression` in the generated module). */
export function parseType(expression: string): TypeRef {
  let ref = refs.get(expression);
  if (ref === undefined) {
    ref = parse(expression);
    refs.set(expression, ref);
  }
  return ref;
}

function parse(expression: string): TypeRef {
  const parts = splitTopLevel(expression, '|');
  if (parts.length > 1) {
    return { union: { types: parts.map(parseType) } };
  }
  if (expression.endsWith('[]')) {
    return { collection: { kind: 'array', elementtype: parseType(unwrap(expression.slice(0, -2), '(', ')')) } };
  }
  if (expression.startsWith('{') && expression.endsWith('}')) {
    return { collection: { kind: 'map', elementtype: parseType(expression.slice(1, -1)) } };
  }
  return PRIMITIVES.has(expression) ? { primitive: expression } : { fqn: expression };
}

function unwrap(expression: string, open: string, close: string): string {
  return expression.startsWith(open) && expression.endsWith(close) ? expression.slice(1, -1) : expression;
}

function splitTopLevel(expression: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(' || c === '{') {
      depth++;
    } else if (c === ')' || c === '}') {
      depth--;
    } else if (c === separator && depth === 0) {
      parts.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts;
}
