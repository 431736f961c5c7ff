/* eslint-disable no-bitwise */ // the TypeScript compiler API's flags are bit sets
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Generates `src/private/type-schema.generated.ts`: the description of every struct, class and
 * enum that the library's public props and static methods take (its own, and the cdk8s,
 * cdk8s-plus-28 and constructs types they reference), from which `src/private/shapes.ts` checks
 * the input of callers without a type checker (plain JavaScript, a jsii language passing null).
 *
 * Why from the TypeScript sources, with the compiler's own type checker, as the first step of the
 * compile task, rather than from the `.jsii` after it: one compile then always gives a
 * `lib/` whose schema matches its types (generated from `.jsii`, the schema would be one compile
 * behind the code it describes), and tests, ts-node and the example app run from a fresh checkout
 * without a compile. The rules are jsii's, applied to the same declarations jsii reads: an
 * interface whose name starts with `I` and a capital is behavioural, any other is a struct; an
 * interface that is not exported is erased into the structs that extend it; members are sorted as
 * jsii sorts them (required props first, then by name). `test/private/type-schema.test.ts` fails
 * when the committed file is stale, and holds it to the `.jsii` whenever a compiled one is present.
 *
 * Run: `npx projen type-schema` (also the first step of `npx projen compile`).
 */

/** The generated module, relative to the package root. */
export const TYPE_SCHEMA_FILE = path.join('src', 'private', 'type-schema.generated.ts');

/** The dependencies whose types the public API may reference, and how the generated module imports them. */
const PACKAGES: { [name: string]: string } = { 'cdk8s': 'cdk8s', 'cdk8s-plus-28': 'kplus', 'constructs': 'constructs' };

type Kind = 'struct' | 'class' | 'enum' | 'interface';

interface Entry {
  readonly name: string;
  readonly kind: Kind;
  /** Structs: the structs it extends (exported ones; unexported ones are erased into `props`). */
  readonly bases?: string[];
  /** Structs: own props, `name` or `name?` to a type expression, in jsii's order. */
  readonly props?: Array<[string, string]>;
  /** Enums: the values, in declaration order. */
  readonly values?: Array<string | number>;
  /** Classes: how values are made (`all()`, `SYSTEMD`; `controlPlane()[]` returns a list of them). */
  readonly makers?: string[];
  /** Classes of this package: the parameters of each public static method that has any. */
  readonly statics?: Array<[string, Array<[string, string]>]>;
}

/** The text of the generated module for the package at `root`. */
export function generateTypeSchema(root: string): string {
  const program = ts.createProgram([path.join(root, 'src', 'index.ts')], {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  return new SchemaBuilder(root, program).render();
}

class SchemaBuilder {
  private readonly checker: ts.TypeChecker;
  /** Every exported class, interface and enum, by symbol: its name in the schema (jsii's fqn, short for this package's own). */
  private readonly names = new Map<ts.Symbol, string>();
  private readonly own = new Set<string>();
  private readonly entries = new Map<string, Entry>();
  private readonly queue: ts.Symbol[] = [];
  private readonly usedPackages = new Set<string>();

  constructor(root: string, private readonly program: ts.Program) {
    this.checker = program.getTypeChecker();
    const index = program.getSourceFile(path.join(root, 'src', 'index.ts'));
    if (index === undefined) {
      throw new Error(`no src/index.ts under ${root}`);
    }
    for (const pkg of Object.keys(PACKAGES)) {
      const resolved = ts.resolveModuleName(pkg, index.fileName, program.getCompilerOptions(), ts.sys).resolvedModule;
      const file = resolved && program.getSourceFile(resolved.resolvedFileName);
      if (file !== undefined) {
        this.nameExports(file, `${pkg}.`, false);
      }
    }
    this.nameExports(index, '', true);
  }

  /** Names every class, interface and enum a module exports, submodules (`export * as k8s`) included. */
  private nameExports(file: ts.SourceFile | ts.Symbol, prefix: string, own: boolean): void {
    const module = 'fileName' in file ? this.checker.getSymbolAtLocation(file) : file;
    if (module === undefined) {
      return;
    }
    for (const exported of this.checker.getExportsOfModule(module)) {
      const symbol = this.resolve(exported);
      if (symbol.flags & ts.SymbolFlags.Module) {
        this.nameExports(symbol, `${prefix}${exported.name}.`, own);
      } else if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum) && !this.names.has(symbol)) {
        const name = `${prefix}${exported.name}`;
        this.names.set(symbol, name);
        if (own) {
          this.own.add(name);
          this.queue.push(symbol);
        }
      }
    }
  }

  private resolve(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }

  public render(): string {
    for (let symbol = this.queue.shift(); symbol !== undefined; symbol = this.queue.shift()) {
      const name = this.names.get(symbol)!;
      if (!this.entries.has(name)) {
        this.entries.set(name, this.describe(symbol, name));
      }
    }
    const names = [...this.entries.keys()].sort(byName);
    const structs = names.filter((n) => this.entries.get(n)!.kind === 'struct' && this.own.has(n));
    const lines = [
      '// ~~ Generated by projenrc/type-schema.ts from the TypeScript sources. To change it, change the',
      '// sources and run "npx projen type-schema" (the first step of "npx projen compile"). Do not edit.',
      ...[...this.usedPackages].sort().map((pkg) => `import * as ${PACKAGES[pkg]} from '${pkg}';`),
      '',
      '/**',
      ' * A type expression: `string`, `number`, `boolean`, `date`, `json`, `any`, a type\'s name (this',
      ' * package\'s own by its name, a dependency\'s by its jsii fqn), `T[]` a list, `{T}` a map of names',
      ' * to T, `A|B` either.',
      ' */',
      'export type TypeExpression = string;',
      '',
      'export interface SchemaEntry {',
      '  readonly kind: \'struct\' | \'class\' | \'enum\' | \'interface\';',
      '  /** Structs: the structs it extends. */',
      '  readonly bases?: readonly string[];',
      '  /** Structs: its own props (`name`, or `name?` when optional) and their types, in jsii\'s order. */',
      '  readonly props?: { readonly [prop: string]: TypeExpression };',
      '  /** Enums: the values, in declaration order. */',
      '  readonly values?: ReadonlyArray<string | number>;',
      '  /** Classes: its static factories and constants (`controlPlane()[]` returns a list of them). */',
      '  readonly makers?: readonly string[];',
      '  /** Classes of this package: the parameters of its static methods (`name?` optional, `...name` variadic). */',
      '  readonly statics?: { readonly [method: string]: ReadonlyArray<readonly [string, TypeExpression]> };',
      '}',
      '',
      '/** The packages whose classes are checked with `instanceof` (this package\'s own carry a brand). */',
      `export const PACKAGES: { readonly [name: string]: unknown } = { ${[...this.usedPackages].sort().map((p) => `${quote(p)}: ${PACKAGES[p]}`).join(', ')} };`,
      '',
      '/**',
      ' * Every struct, class, enum and interface that the public props and static methods take: JSON,',
      ' * one type a line, parsed at the first check (measured: loading this module costs 0.7 ms of CPU',
      ' * and the parse 1.1 ms; the same data as an object literal cost 1.8 ms at every load).',
      ' */',
      'const TYPES_JSON = `{',
      ...names.map((n, i) => `${JSON.stringify(n)}: ${this.renderEntry(this.entries.get(n)!)}${i === names.length - 1 ? '' : ','}`),
      '}`;',
      '',
      'let types: { readonly [name: string]: SchemaEntry } | undefined;',
      '',
      '/** The types by name (this package\'s by their names, a dependency\'s by their jsii fqns). */',
      'export function schemaTypes(): { readonly [name: string]: SchemaEntry } {',
      '  if (types === undefined) {',
      '    types = JSON.parse(TYPES_JSON) as { readonly [name: string]: SchemaEntry };',
      '  }',
      '  return types;',
      '}',
      '',
      '/** The structs of this package, by name. */',
      'export type StructName =',
      ...structs.map((n, i) => `  | ${quote(n)}${i === structs.length - 1 ? ';' : ''}`),
      '',
    ];
    return lines.join('\n');
  }

  /** One type as JSON (no backquote or `${` can occur in names, values or type expressions). */
  private renderEntry(e: Entry): string {
    const json: { [key: string]: unknown } = { kind: e.kind };
    if (e.bases !== undefined && e.bases.length > 0) {
      json.bases = e.bases;
    }
    if (e.props !== undefined) {
      json.props = Object.fromEntries(e.props);
    }
    if (e.values !== undefined) {
      json.values = e.values;
    }
    if (e.makers !== undefined && e.makers.length > 0) {
      json.makers = e.makers;
    }
    if (e.statics !== undefined && e.statics.length > 0) {
      json.statics = Object.fromEntries(e.statics);
    }
    const text = JSON.stringify(json);
    if (/`|\$\{|\\/.test(text)) {
      throw new Error(`${e.name}: a backquote, \${ or backslash cannot go into the generated template string`);
    }
    return text;
  }

  private describe(symbol: ts.Symbol, name: string): Entry {
    if (symbol.flags & ts.SymbolFlags.Enum) {
      return { name, kind: 'enum', values: this.enumValues(symbol) };
    }
    if (symbol.flags & ts.SymbolFlags.Class) {
      this.usePackage(name);
      return { name, kind: 'class', makers: this.makers(symbol), statics: this.own.has(name) ? this.statics(symbol) : undefined };
    }
    const short = name.split('.').pop()!;
    if (/^I[A-Z]/.test(short)) {
      return { name, kind: 'interface' };
    }
    const { bases, props } = this.structMembers(symbol);
    return { name, kind: 'struct', bases, props };
  }

  private usePackage(name: string): void {
    if (!this.own.has(name)) {
      this.usedPackages.add(name.split('.')[0]);
    }
  }

  private enumValues(symbol: ts.Symbol): Array<string | number> {
    const values: Array<string | number> = [];
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isEnumDeclaration(declaration)) {
        for (const member of declaration.members) {
          const value = this.checker.getConstantValue(member);
          if (value === undefined) {
            throw new Error(`${symbol.name}.${member.name.getText()} has no constant value`);
          }
          values.push(value);
        }
      }
    }
    return values;
  }

  /** A struct's exported bases, and its own props with those of the unexported bases it extends (jsii erases those). */
  private structMembers(symbol: ts.Symbol): { bases: string[]; props: Array<[string, string]> } {
    const bases: string[] = [];
    const props: Array<[string, string]> = [];
    const type = this.checker.getDeclaredTypeOfSymbol(symbol) as ts.InterfaceType;
    const seen = new Set<string>();
    const collectOwn = (s: ts.Symbol) => {
      const own: Array<[string, string, boolean]> = [];
      s.members?.forEach((member, memberName) => {
        const n = String(memberName);
        if (!(member.flags & ts.SymbolFlags.Property) || isHidden(member) || seen.has(n)) {
          return;
        }
        seen.add(n);
        const optional = (member.flags & ts.SymbolFlags.Optional) !== 0;
        own.push([n, this.typeExpression(this.checker.getTypeOfSymbolAtLocation(member, member.valueDeclaration!), `${symbol.name}.${n}`), optional]);
      });
      return own;
    };
    const erased: Array<[string, string, boolean]> = [];
    const visitBases = (t: ts.InterfaceType) => {
      for (const base of this.checker.getBaseTypes(t)) {
        const baseSymbol = base.symbol;
        const baseName = this.names.get(baseSymbol);
        if (baseName !== undefined) {
          bases.push(baseName);
          this.queue.push(baseSymbol);
        } else {
          erased.push(...collectOwn(baseSymbol));
          visitBases(base as ts.InterfaceType);
        }
      }
    };
    const own = collectOwn(symbol);
    visitBases(type);
    // jsii's order: required props first, then by name.
    const all = [...own, ...erased].sort((a, b) => (a[2] === b[2] ? byName(a[0], b[0]) : a[2] ? 1 : -1));
    for (const [n, t, optional] of all) {
      props.push([optional ? `${n}?` : n, t]);
    }
    return { bases, props };
  }

  /** A class's static factories and constants (those returning it, or a list of it), methods first, by name. */
  private makers(symbol: ts.Symbol): string[] {
    const classType = this.checker.getDeclaredTypeOfSymbol(symbol);
    const methods: string[] = [];
    const constants: string[] = [];
    const makes = (t: ts.Type): string | undefined => {
      if (t.symbol === classType.symbol && !this.checker.isArrayType(t)) {
        return '';
      }
      if (this.checker.isArrayType(t) && this.checker.getTypeArguments(t as ts.TypeReference)[0]?.symbol === classType.symbol) {
        return '[]';
      }
      return undefined;
    };
    symbol.exports?.forEach((member, memberName) => {
      const n = String(memberName);
      if (isHidden(member) || n === 'prototype') {
        return;
      }
      if (member.flags & ts.SymbolFlags.Method) {
        for (const signature of this.checker.getSignaturesOfType(this.checker.getTypeOfSymbol(member), ts.SignatureKind.Call)) {
          const suffix = makes(signature.getReturnType());
          if (suffix !== undefined) {
            methods.push(`${n}()${suffix}`);
            break;
          }
        }
      } else if (member.flags & ts.SymbolFlags.Property) {
        const suffix = makes(this.checker.getTypeOfSymbol(member));
        if (suffix !== undefined) {
          constants.push(`${n}${suffix}`);
        }
      }
    });
    return [...methods.sort(byName), ...constants.sort(byName)];
  }

  /** The parameters of a class's public static methods, by name (methods without any left out). */
  private statics(symbol: ts.Symbol): Array<[string, Array<[string, string]>]> {
    const result: Array<[string, Array<[string, string]>]> = [];
    symbol.exports?.forEach((member, memberName) => {
      const n = String(memberName);
      if (!(member.flags & ts.SymbolFlags.Method) || isHidden(member)) {
        return;
      }
      const declaration = member.declarations?.find(ts.isMethodDeclaration);
      if (declaration === undefined || declaration.parameters.length === 0) {
        return;
      }
      const parameters = declaration.parameters.map((p): [string, string] => {
        const pName = p.name.getText();
        let type = this.checker.getTypeAtLocation(p);
        if (p.dotDotDotToken !== undefined) {
          type = this.checker.getTypeArguments(type as ts.TypeReference)[0];
          return [`...${pName}`, this.typeExpression(type, `${symbol.name}.${n}(${pName})`)];
        }
        const optional = this.checker.isOptionalParameter(p);
        return [optional ? `${pName}?` : pName, this.typeExpression(type, `${symbol.name}.${n}(${pName})`)];
      });
      result.push([n, parameters]);
    });
    return result.sort((a, b) => byName(a[0], b[0]));
  }

  /** The type expression of a TypeScript type, as jsii maps it (see `TypeExpression` in the generated module). */
  private typeExpression(type: ts.Type, where: string): string {
    const t = this.checker.getNonNullableType(type);
    let symbol = t.aliasSymbol ?? t.symbol;
    const declaration = symbol?.valueDeclaration;
    if (declaration !== undefined && ts.isEnumMember(declaration)) {
      // The only member of an enum is the enum's type: jsii names the enum.
      symbol = this.checker.getSymbolAtLocation(declaration.parent.name)!;
    }
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      return 'any';
    }
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Enum) {
      return this.named(symbol, where);
    }
    if (t.flags & ts.TypeFlags.BooleanLike) {
      return 'boolean';
    }
    if (t.flags & ts.TypeFlags.StringLike) {
      return 'string';
    }
    if (t.flags & ts.TypeFlags.NumberLike) {
      return 'number';
    }
    if (t.isUnion()) {
      return t.types.map((u) => this.typeExpression(u, where)).join('|');
    }
    if (this.checker.isArrayType(t)) {
      const element = this.typeExpression(this.checker.getTypeArguments(t as ts.TypeReference)[0], where);
      return element.includes('|') ? `(${element})[]` : `${element}[]`;
    }
    if (symbol !== undefined && symbol.name === 'Date' && this.program.isSourceFileDefaultLibrary(symbol.declarations![0].getSourceFile())) {
      return 'date';
    }
    if (symbol !== undefined && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      return this.named(symbol, where);
    }
    const index = this.checker.getIndexInfosOfType(t).find((i) => i.keyType.flags & ts.TypeFlags.String);
    if (index !== undefined && t.getProperties().length === 0) {
      return `{${this.typeExpression(index.type, where)}}`;
    }
    throw new Error(`${where}: ${this.checker.typeToString(t)} has no jsii type`);
  }

  private named(symbol: ts.Symbol, where: string): string {
    const name = this.names.get(symbol);
    if (name === undefined) {
      throw new Error(`${where}: ${symbol.name} is not exported by this package or by ${Object.keys(PACKAGES).join(', ')}`);
    }
    this.queue.push(symbol);
    return name;
  }
}

/** jsii leaves out `_`-prefixed, `@internal`, private and protected members. */
function isHidden(symbol: ts.Symbol): boolean {
  if (symbol.name.startsWith('_')) {
    return true;
  }
  return (symbol.declarations ?? []).some((d) =>
    ts.getJSDocTags(d).some((tag) => tag.tagName.text === 'internal')
    || (ts.getCombinedModifierFlags(d as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0);
}

/** jsii's order of members (case-insensitive, as `localeCompare`). */
function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const file = path.join(root, TYPE_SCHEMA_FILE);
  const text = generateTypeSchema(root);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (before !== text) {
    fs.writeFileSync(file, text);
  }
  console.log(`${TYPE_SCHEMA_FILE}: ${before === text ? 'up to date' : 'written'}`);
}
