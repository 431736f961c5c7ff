import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * Read access to jsii assemblies (the `.jsii` file the jsii compile writes at a package's root,
 * or the `.jsii.gz` it redirects to): the one description of every struct, class and enum that
 * the untyped-input checks (`shapes.ts`) are derived from.
 *
 * Start-up cost matters (every CLI run and every synth loads the library), so nothing is read
 * until a check needs it, and types are cut out of the file one by one rather than parsing the
 * whole assembly: cdk8s-plus-28's is 2.8 MB, which takes 50-140 ms to parse whole on a busy
 * 2-core machine, against about 5 ms to read it and cut out the few structs the checks need.
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
  private text?: string;
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
      this.whole = (JSON.parse(this.read()).types ?? {}) as { [fqn: string]: JsiiType };
    }
    return this.whole;
  }

  private read(): string {
    if (this.text === undefined) {
      if (!fs.existsSync(this.file)) {
        throw new Error(`The jsii assembly ${this.file} is missing: the library checks untyped props against it. `
          + 'In a checkout of cdk8s-node-agents, compile first (`npx projen compile`); an installed package always has it.');
      }
      let text = fs.readFileSync(this.file, 'utf8');
      // A small `.jsii` may be a redirect to a compressed assembly (jsii --compress-assembly).
      for (let hops = 0; text.length < 1000 && hops < 3; hops++) {
        const redirect = JSON.parse(text);
        if (redirect.schema !== 'jsii/file-redirect') {
          break;
        }
        const data = fs.readFileSync(path.resolve(path.dirname(this.file), redirect.filename));
        text = (redirect.compression === 'gzip' ? zlib.gunzipSync(data) : data).toString('utf8');
      }
      this.text = text;
    }
    return this.text;
  }

  /** The type's JSON object, cut out of the text as the value of its key in `types`. */
  private cutOut(fqn: string): JsiiType | undefined {
    const text = this.read();
    const key = `${JSON.stringify(fqn)}:`;
    for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
      let start = at + key.length;
      while (/\s/.test(text[start])) {
        start++;
      }
      if (text[start] !== '{') {
        continue;
      }
      const end = objectEnd(text, start);
      if (end < 0) {
        return undefined;
      }
      try {
        const type = JSON.parse(text.slice(start, end));
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

/** The index just after the JSON object that starts at `start`, or -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          i++;
        }
      }
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
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

/** A struct's properties, its own and every inherited one (by name). */
export function structProperties(type: JsiiType): Map<string, Property> {
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
  const pkg = packageOf(fqn);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  let value: any = pkg === ownPackage() ? require('../index') : require(pkg);
  for (const part of fqn.slice(pkg.length + 1).split('.')) {
    value = value?.[part];
  }
  const file = findType(fqn)?.locationInModule?.filename;
  if (value === undefined && pkg === ownPackage() && file !== undefined) {
    // Called while the index is still loading (a constant built by a factory): its own module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    value = require(path.join(__dirname, '..', file.replace(/^src\//, '').replace(/\.ts$/, '')))[fqn.split('.').pop()!];
  }
  return value;
}
