import { IConstruct } from 'constructs';
import { ValidationProblems } from '../validation-problems';
import { didYouMean } from './suggest';
import { classMakers, findType, isInstance, Parameter, SchemaType, staticParameters, StructName, structProperties, structType, TypeRef } from './type-schema';

/**
 * Type checks for callers without a type checker (plain JavaScript, a wrong cast, or a jsii
 * language passing null or the wrong object): a value of the wrong type gets the library's error
 * naming the prop, the value and what is allowed, never a TypeError from deep inside and never a
 * silently wrong manifest; a prop the struct does not have is reported with the closest name.
 *
 * Everything is derived from the type schema (`type-schema.ts`), which the build generates from
 * the TypeScript sources at each compile, so a new prop is checked the moment it is declared.
 * Structs are named by the caller (never found from `constructor.name`, which minifiers rename);
 * this package's classes are recognised by their brand (`brand.ts`), so a value made by another
 * copy of the library passes; a dependency's classes (cdk8s, cdk8s-plus-28) with `instanceof`:
 * they are peer dependencies, so an app has one copy of each, and they have no public marker
 * (a duck check would read their private fields). `null` counts as absent, like `undefined`,
 * for an optional prop.
 */

/** Where problems go: a `ValidationProblems`, or a wrapper that adds advice. */
interface Sink {
  add(prop: string, value: unknown, allowed: string): void;
}

/**
 * Records a problem for every prop of `props` that does not fit the struct `structName` (a struct
 * of this package by name, e.g. "NodeExporterProps"), nested structs included.
 * Returns whether there was none.
 */
export function checkProps(structName: StructName, props: unknown, problems: ValidationProblems, prefix = ''): boolean {
  const before = problems.count;
  checkStruct(structType(structName), props, prefix, problems);
  return problems.count === before;
}

/**
 * Checks the arguments of a static method of this package against its signature in the type
 * schema and throws the library's error at once (a value class cannot be built from arguments of
 * the wrong type).
 * Struct arguments are checked prop by prop, named as the caller wrote them.
 *
 * @param method e.g. "Toleration.exists"
 * @param hints extra advice appended to a problem with an argument, by parameter name
 */
export function checkArgs(method: string, args: unknown[], hints: { [parameter: string]: string } = {}): void {
  const [className, methodName] = method.split('.');
  const parameters = staticParameters(className, methodName);
  if (parameters === undefined) {
    throw new Error(`${method} is not in the type schema: regenerate it (npx projen type-schema)`);
  }
  const problems = new ValidationProblems(`${method}()`);
  const isStruct = (p: Parameter) => p.type.fqn !== undefined && findType(p.type.fqn)?.kind === 'struct';
  // One options struct: its props are named as the caller wrote them; several: under their names.
  const structPrefix = (p: Parameter) => (parameters.filter(isStruct).length > 1 ? p.name : '');
  parameters.forEach((p, i) => {
    const hint = hints[p.name];
    const sink: Sink = hint === undefined ? problems : { add: (prop, value, allowed) => problems.add(prop, value, `${allowed}; ${hint}`) };
    const values = p.variadic ? args.slice(i) : [args[i]];
    values.forEach((value, j) => {
      const at = p.variadic ? `${p.name}[${j}]` : p.name;
      const struct = p.type.fqn !== undefined ? findType(p.type.fqn) : undefined;
      if (value === undefined || value === null) {
        if (!p.optional && !p.variadic) {
          sink.add(at, value, `required: expected ${expectation(p.type)}`);
        }
      } else if (struct?.kind === 'struct') {
        checkStruct(struct, value, structPrefix(p), sink, p.name);
      } else {
        checkValue(p.type, value, at, sink);
      }
    });
  });
  problems.throwIfAny();
}

/**
 * Checks a construct's props before it reads them (presets, AgentNamespace): throws the library's
 * error naming the construct and the prop; returns the props with nulls removed (`withoutNulls`).
 *
 * @param structName the construct's props struct, e.g. "NodeExporterProps" (a user's subclass of
 * NodeExporter takes the same props); the construct is named after it in the error
 */
export function checkConstructProps<T extends object>(structName: StructName, owner: IConstruct, props: T | undefined): T {
  // The construct's one collector: a type problem is reported as every other problem of it.
  const problems = ValidationProblems.of(owner);
  checkProps(structName, props ?? {}, problems);
  problems.throwIfAny();
  return withoutNulls((props ?? {}) as T, structName);
}

/**
 * The props with `null` values of struct fields removed, nested structs included (JavaScript
 * callers and some jsii languages send null for "not set"), so that every default applies.
 * Lists and maps keep their null entries: those are errors that `checkProps` reports.
 */
export function withoutNulls<T extends object>(props: T, structName: StructName = 'DaemonSetProps'): T {
  return stripStruct(structType(structName), props) as T;
}

function stripStruct(type: SchemaType, value: unknown): unknown {
  // Only a plain object is copied: an object whose props are getters (a class instance, a jsii
  // proxy) would lose them in a copy of its own keys.
  if (!isPlainObject(value)) {
    return value;
  }
  const properties = structProperties(type);
  const result: { [key: string]: unknown } = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null && properties.has(key)) {
      continue;
    }
    const p = properties.get(key);
    result[key] = p === undefined ? v : stripValue(p.type, v);
  }
  return result;
}

function stripValue(ref: TypeRef, value: unknown): unknown {
  const element = ref.collection?.elementtype;
  if (element !== undefined && element.fqn === undefined) {
    return value;
  }
  if (ref.collection?.kind === 'array' && Array.isArray(value)) {
    return value.map((v) => stripValue(element!, v));
  }
  if (ref.collection?.kind === 'map' && isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripValue(element!, v)]));
  }
  // Only a plain object can be a struct (class instances are left alone, unread).
  const type = ref.fqn !== undefined && isPlainObject(value) ? findType(ref.fqn) : undefined;
  return type?.kind === 'struct' ? stripStruct(type, value) : value;
}

function checkStruct(type: SchemaType, value: unknown, at: string, problems: Sink, name?: string): void {
  if (!isObject(value)) {
    problems.add(at || name || 'props', value, `expected ${structExpectation(type)}`);
    return;
  }
  const properties = structProperties(type);
  for (const [prop, p] of properties) {
    const v = (value as { [key: string]: unknown })[prop];
    if (v === undefined || v === null) {
      if (!p.optional) {
        problems.add(join(at, prop), v, `required: expected ${expectation(p.type)}`);
      }
      continue;
    }
    checkValue(p.type, v, join(at, prop), problems);
  }
  for (const [key, v] of Object.entries(value)) {
    if (!properties.has(key) && v !== undefined) {
      const suggestion = didYouMean(key, properties.keys());
      const allowed = suggestion || (properties.size <= 8 ? `; its props are ${[...properties.keys()].join(', ')}` : '');
      problems.add(join(at, key), v, `unknown prop ${key} of ${type.name}${allowed}`);
    }
  }
}

function checkValue(ref: TypeRef, value: unknown, at: string, problems: Sink): void {
  if (ref.primitive !== undefined) {
    if (!primitiveFits(ref.primitive, value)) {
      problems.add(at, value, `expected ${expectation(ref)}`);
    }
  } else if (ref.collection !== undefined) {
    const element = ref.collection.elementtype;
    if (ref.collection.kind === 'array') {
      if (!Array.isArray(value)) {
        problems.add(at, value, `expected ${expectation(ref)}`);
        return;
      }
      // An index loop, so that holes of a sparse array are seen.
      for (let i = 0; i < value.length; i++) {
        checkValue(element, value[i], `${at}[${i}]`, problems);
      }
    } else {
      if (!isPlainObject(value)) {
        problems.add(at, value, `expected ${expectation(ref)}`);
        return;
      }
      for (const [key, v] of Object.entries(value)) {
        checkValue(element, v, join(at, key), problems);
      }
    }
  } else if (ref.union !== undefined) {
    if (!ref.union.types.some((t) => fits(t, value))) {
      problems.add(at, value, `expected ${ref.union.types.map(expectation).join(' or ')}`);
    }
  } else if (ref.fqn !== undefined) {
    checkNamed(ref.fqn, value, at, problems);
  }
}

function checkNamed(fqn: string, value: unknown, at: string, problems: Sink): void {
  const type = findType(fqn);
  if (type === undefined) {
    throw new Error(`${fqn} is not in the type schema: regenerate it (npx projen type-schema)`);
  }
  switch (type.kind) {
    case 'class':
      if (!isInstance(type, value)) {
        problems.add(at, value, `expected ${expectation({ fqn })}${classSuggestion(type, value)}`);
      }
      return;
    case 'enum':
      const values = type.entry.values ?? [];
      if (!values.includes(value as string | number)) {
        const suggestion = typeof value === 'string' ? didYouMean(value, values.map(String), (v) => JSON.stringify(v)) : '';
        problems.add(at, value, `expected ${expectation({ fqn })}${suggestion}`);
      }
      return;
    case 'struct':
      checkStruct(type, value, at, problems);
      return;
    default:
      if (!isObject(value) && typeof value !== 'function') {
        // A behavioural interface (e.g. IConstruct): any object may implement it.
        problems.add(at, value, `expected an object implementing ${type.name}`);
      }
  }
}

function fits(ref: TypeRef, value: unknown): boolean {
  let found = 0;
  checkValue(ref, value, '', { add: () => found++ });
  return found === 0;
}

function primitiveFits(primitive: string, value: unknown): boolean {
  switch (primitive) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'boolean': return typeof value === 'boolean';
    case 'date': return value instanceof Date;
    case 'json': return isPlainObject(value);
    default: return true;
  }
}

/** What a value of this type looks like, for "expected ...". */
function expectation(ref: TypeRef): string {
  if (ref.primitive !== undefined) {
    return ({ string: 'a string', number: 'a finite number', boolean: 'true or false', date: 'a Date', json: 'a JSON object' } as { [p: string]: string })[ref.primitive] ?? 'any value';
  }
  if (ref.collection !== undefined) {
    const of = plural(ref.collection.elementtype);
    return ref.collection.kind === 'array' ? `a list of ${of}` : `an object of names to ${of}`;
  }
  if (ref.union !== undefined) {
    return ref.union.types.map(expectation).join(' or ');
  }
  const type = findType(ref.fqn!);
  if (type === undefined) {
    return ref.fqn!;
  }
  if (type.kind === 'enum') {
    const values = (type.entry.values ?? []).map(String);
    return values.length > 8
      ? `one of ${values.slice(0, 8).join(', ')}, ... (${type.name}, ${values.length} values)`
      : `one of ${values.join(', ')} (${type.name})`;
  }
  if (type.kind === 'class') {
    return `${article(type.name)} ${type.name}${factories(type)}`;
  }
  return type.kind === 'struct' ? structExpectation(type) : `an object implementing ${type.name}`;
}

/** The elements of a list or map, for "a list of ...". */
function plural(ref: TypeRef): string {
  const type = ref.fqn !== undefined ? findType(ref.fqn) : undefined;
  if (ref.primitive !== undefined) {
    return ref.primitive === 'boolean' ? 'booleans' : `${ref.primitive}s`;
  }
  if (type?.kind === 'enum') {
    return `${type.name} values`;
  }
  if (type?.kind === 'class') {
    return `${type.name}${factories(type)}`;
  }
  if (type?.kind === 'struct') {
    return `objects (${type.name})`;
  }
  return expectation(ref).replace(/^an? /, '');
}

function structExpectation(type: SchemaType): string {
  const properties = [...structProperties(type).values()];
  if (properties.length > 6) {
    return `an object (${type.name})`;
  }
  const fields = properties.map((p) => `${p.name}${p.optional ? '?' : ''}: ${typeName(p.type)}`);
  return `an object { ${fields.join(', ')} } (${type.name})`;
}

function typeName(ref: TypeRef): string {
  if (ref.primitive !== undefined) {
    return ref.primitive;
  }
  if (ref.collection !== undefined) {
    const element = typeName(ref.collection.elementtype);
    return ref.collection.kind === 'array' ? `${element}[]` : `{ [name]: ${element} }`;
  }
  if (ref.union !== undefined) {
    return ref.union.types.map(typeName).join(' | ');
  }
  return ref.fqn!.split('.').pop()!;
}

/** How the class's values are made: " (its static factories and constants)", at most six shown. */
function factories(type: SchemaType): string {
  const makers = classMakers(type).shown.map((m) => `${type.name}.${m}`);
  const shown = makers.length > 6 ? [...makers.slice(0, 6), '...'] : makers;
  return shown.length > 0 ? ` (${shown.join(', ')})` : '';
}

/** For a string where a class value belongs: the factory or constant of (nearly) that name. */
function classSuggestion(type: SchemaType, value: unknown): string {
  if (typeof value !== 'string') {
    return '';
  }
  const { constants, methods } = classMakers(type);
  return didYouMean(value, [...constants, ...methods], (n) => `${type.name}.${n}${methods.includes(n) ? '()' : ''}`);
}

function article(name: string): string {
  return /^[AEIOU]/.test(name) ? 'an' : 'a';
}

function join(at: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (at === '') {
    return segment;
  }
  return segment === key ? `${at}.${key}` : `${at}[${segment}]`;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (!isObject(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
