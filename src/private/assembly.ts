import * as fs from 'fs';
import * as path from 'path';

/**
 * Read access to jsii assemblies (the `.jsii` file the jsii compile writes at a package's root,
 * or the `.jsii.gz` it redirects to): the one description of every struct, class and enum that
 * the untyped-input checks (`shapes.ts`) are derived from.
 *
 * Start-up cost matters (every CLI run and every synth loads the library), so nothing is read
 * until a check needs it, and types are cut out of the file one by one rather than parsing the
 * whole assembly: cdk8s-plus-28's is 2.8 MB, which takes 50-140 ms to parse whole on a busy
 * 2-core machine. Its bytes are searched undecoded, and only structs are ever looked up on the
 * path where the props are right (classes and enums are checked against their run-time values).
 */

/** A jsii type reference (`@jsii/spec` TypeReference), as far as the checks use it. */
export interface TypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: TypeRef };
  readonly union?: { readonly types: TypeRef[] };
  readonly intersection?: { readonly types: TypeRef[] };
}

export interface Property {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional?: boolean;
  readonly static?: boolean;
  readonly const?: boolean;
}

export interface Parameter {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional?: boolean;
  readonly variadic?: boolean;
}

export interface Method {
  readonly name: string;
  readonly static?: boolean;
  readonly parameters?: Parameter[];
  readonly returns?: { readonly type: TypeRef };
}

/** A jsii type (`@jsii/spec` Type), as far as the checks use it. */
export interface JsiiType {
  readonly fqn: string;
  readonly name: string;
  readonly kind: 'class' | 'interface' | 'enum';
  /** True for a struct (a data-only interface). */
  readonly datatype?: boolean;
  readonly interfaces?: string[];
  readonly base?: string;
  readonly properties?: Property[];
  readonly methods?: Method[];
  readonly initializer?: { readonly parameters?: Parameter[] };
  readonly members?: Array<{ readonly name: string }>;
  readonly locationInModule?: { readonly filename: string };
}

/** The root of this package: `src/private/..` when run by ts-node or ts-jest, `lib/private/..` when installed. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

export class Assembly {
  private bytes?: Buffer;
  private whole?: { [fqn: string]: JsiiType };
  private readonly cut = new Map<string, JsiiType | undefined>();

  constructor(public readonly packageName: string, public readonly file: string) {}

  /** The type with this fully qualified name, or undefined if the assembly has none. */
  public type(fqn: string): JsiiType | undefined {
    if (!this.cut.has(fqn)) {
      this.cut.set(fqn, this.whole?.[fqn] ?? this.cutOut(fqn) ?? this.all()[fqn]);
    }
    return this.cut.get(fqn);
  }

  /** Every type of the assembly (parses the whole file: for tests and tools, not the hot path). */
  public all(): { [fqn: string]: JsiiType } {
    if (this.whole === undefined) {
      this.whole = (JSON.parse(this.read().toString('utf8')).types ?? {}) as { [fqn: string]: JsiiType };
    }
    return this.whole;
  }

  /** The assembly's bytes, undecoded: searching bytes spares decoding megabytes of UTF-8. */
  private read(): Buffer {
    if (this.bytes === undefined) {
      if (!fs.existsSync(this.file)) {
        throw new Error(`The jsii assembly ${this.file} is missing: the library checks untyped props against it. `
          + 'In a checkout of cdk8s-node-agents, compile first (`npx projen compile`); an installed package always has it.');
      }
      let bytes = fs.readFileSync(this.file);
      // A small `.jsii` may be a redirect to a compressed assembly (jsii --compress-assembly).
      for (let hops = 0; bytes.length < 1000 && hops < 3; hops++) {
        const redirect = JSON.parse(bytes.toString('utf8'));
        if (redirect.schema !== 'jsii/file-redirect') {
          break;
        }
        const data = fs.readFileSync(path.resolve(path.dirname(this.file), redirect.filename));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        bytes = redirect.compression === 'gzip' ? (require('zlib') as typeof import('zlib')).gunzipSync(data) : data;
      }
      this.bytes = bytes;
    }
    return this.bytes;
  }

  /** The type's JSON object, cut out of the bytes as the value of its key in `types`. */
  private cutOut(fqn: string): JsiiType | undefined {
    const bytes = this.read();
    const key = Buffer.from(`${JSON.stringify(fqn)}:`);
    for (let at = bytes.indexOf(key); at >= 0; at = bytes.indexOf(key, at + 1)) {
      let start = at + key.length;
      while (start < bytes.length && WHITESPACE.includes(bytes[start])) {
        start++;
      }
      if (bytes[start] !== OPEN_BRACE) {
        continue;
      }
      const end = objectEnd(bytes, start);
      if (end < 0) {
        return undefined;
      }
      try {
        const type = JSON.parse(bytes.toString('utf8', start, end));
        if (type.fqn === fqn) {
          return type;
        }
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

const WHITESPACE = [0x20, 0x0a, 0x0d, 0x09];
const OPEN_BRACE = 0x7b;

/**
 * The index just after the JSON object that starts at `start`, or -1. Works on UTF-8 bytes:
 * the bytes of a multi-byte character are never quotes, backslashes or brackets.
 */
function objectEnd(bytes: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) { // "
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) {
        if (bytes[i] === 0x5c) { // \
          i++;
        }
      }
    } else if (c === 0x7b || c === 0x5b) { // { [
      depth++;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    }
  }
  return -1;
}

const assemblies = new Map<string, Assembly>();
let ownName: string | undefined;

/** This package's name (the prefix of its fqns). */
export function ownPackage(): string {
  if (ownName === undefined) {
    ownName = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).name as string;
  }
  return ownName;
}

/** The assembly of a package: this one, or a dependency as this package resolves it. */
export function assemblyOf(packageName: string): Assembly {
  let assembly = assemblies.get(packageName);
  if (assembly === undefined) {
    const root = packageName === ownPackage() ? PACKAGE_ROOT : path.dirname(require.resolve(`${packageName}/package.json`));
    assembly = new Assembly(packageName, path.join(root, '.jsii'));
    assemblies.set(packageName, assembly);
  }
  return assembly;
}

/** The package an fqn belongs to: `cdk8s-plus-28.k8s.PolicyRule` is in `cdk8s-plus-28` (jsii package names have no dot). */
export function packageOf(fqn: string): string {
  return fqn.split('.')[0];
}

/** The type with this fqn, or a type of this package by its short name ("NodeExporterProps"). */
export function findType(nameOrFqn: string): JsiiType | undefined {
  const fqn = nameOrFqn.includes('.') ? nameOrFqn : `${ownPackage()}.${nameOrFqn}`;
  return assemblyOf(packageOf(fqn)).type(fqn);
}

const propertiesByType = new WeakMap<JsiiType, ReadonlyMap<string, Property>>();

/**
 * A struct's properties, its own and every inherited one (by name). Computed once per type: the
 * checks ask for the same structs at every construction (bench/: 10 % of a preset's synthesis).
 */
export function structProperties(type: JsiiType): ReadonlyMap<string, Property> {
  let cached = propertiesByType.get(type);
  if (cached === undefined) {
    cached = collectStructProperties(type);
    propertiesByType.set(type, cached);
  }
  return cached;
}

function collectStructProperties(type: JsiiType): Map<string, Property> {
  const result = new Map<string, Property>();
  for (const parent of type.interfaces ?? []) {
    const base = findType(parent);
    if (base !== undefined) {
      for (const [name, p] of structProperties(base)) {
        result.set(name, p);
      }
    }
  }
  for (const p of type.properties ?? []) {
    result.set(p.name, p);
  }
  return result;
}

/**
 * The run-time value of a class or enum: `cdk8s.Size` is `require('cdk8s').Size`, and this
 * package's types are exported by its index (required late: the checks run after loading).
 */
export function runtimeValue(fqn: string): unknown {
  if (runtimeValues.has(fqn)) {
    return runtimeValues.get(fqn);
  }
  const pkg = packageOf(fqn);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  let value: any = pkg === ownPackage() ? require('../index') : require(pkg);
  for (const part of fqn.slice(pkg.length + 1).split('.')) {
    value = value?.[part];
  }
  if (value === undefined && pkg === ownPackage()) {
    // A struct (no run-time value), or a class asked for while the index is still loading (a
    // constant built by a factory): then its own module has it.
    const file = findType(fqn)?.locationInModule?.filename;
    if (file !== undefined && findType(fqn)?.datatype !== true) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      value = require(path.join(__dirname, '..', file.replace(/^src\//, '').replace(/\.ts$/, '')))[fqn.split('.').pop()!];
    }
  }
  if (value !== undefined) {
    runtimeValues.set(fqn, value);
  }
  return value;
}

const runtimeValues = new Map<string, unknown>();

let staleness: string | undefined;

/**
 * For error messages about props the assembly does not know: when the library runs from its
 * TypeScript sources (tests, ts-node) and a source file is newer than `.jsii`, the assembly may
 * simply be stale. Installed packages run from lib/ and never get this hint.
 */
export function staleAssemblyHint(): string {
  if (staleness === undefined) {
    staleness = '';
    const assembly = path.join(PACKAGE_ROOT, '.jsii');
    if (__filename.endsWith('.ts') && fs.existsSync(assembly)) {
      const built = fs.statSync(assembly).mtimeMs;
      const newer = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
        (e.isDirectory() ? newer(path.join(dir, e.name)) : e.name.endsWith('.ts') && fs.statSync(path.join(dir, e.name)).mtimeMs > built));
      if (newer(path.join(PACKAGE_ROOT, 'src'))) {
        staleness = ' (the jsii assembly is older than src/: if you just added this prop, run `npx projen compile`)';
      }
    }
  }
  return staleness;
}
