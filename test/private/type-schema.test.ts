import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import { generateTypeSchema, TYPE_SCHEMA_FILE } from '../../projenrc/type-schema';
import { allTypes, dependencyClass, findType, parseType, staticParameters, structProperties, structType, TypeRef } from '../../src/private/type-schema';

/**
 * The type schema the untyped-input checks are derived from: generated from the TypeScript
 * sources by projenrc/type-schema.ts (`npx projen type-schema`, also the first step of every
 * compile), committed, and never read from the build artefact at run time.
 */
const ROOT = path.join(__dirname, '..', '..');

describe('the generated schema', () => {
  test('is up to date with src/ (else: npx projen type-schema)', () => {
    // GIVEN the committed schema
    const committed = fs.readFileSync(path.join(ROOT, TYPE_SCHEMA_FILE), 'utf8');
    // WHEN it is generated again from the sources
    const generated = generateTypeSchema(ROOT);
    // THEN it is the same
    expect(committed === generated).toBe(true);
  }, 120_000);

  // jsii reads the same declarations: where a compile has left a .jsii newer than every source,
  // the schema must say what jsii says, for this package's types and the dependencies' it uses.
  const jsii = path.join(ROOT, '.jsii');
  const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const fresh = fs.existsSync(jsii) && sources(path.join(ROOT, 'src')).every((f) => fs.statSync(f).mtimeMs <= fs.statSync(jsii).mtimeMs);
  (fresh ? test : test.skip)('says what the jsii assembly says, type by type (when a fresh .jsii is present)', () => {
    // GIVEN the assemblies of this package and its dependencies
    const own = 'cdk8s-node-agents';
    const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).types;
    const assemblies: { [pkg: string]: any } = {
      [own]: read(jsii),
      'cdk8s': read(require.resolve('cdk8s/.jsii')),
      'cdk8s-plus-28': read(require.resolve('cdk8s-plus-28/.jsii')),
      'constructs': read(require.resolve('constructs/.jsii')),
    };
    const nameOf = (fqn: string) => (fqn.startsWith(`${own}.`) ? fqn.slice(own.length + 1) : fqn);
    const expression = (r: any): string => {
      if (r.primitive) return r.primitive;
      if (r.fqn) return nameOf(r.fqn);
      if (r.collection) {
        const e = expression(r.collection.elementtype);
        return r.collection.kind === 'array' ? (e.includes('|') ? `(${e})[]` : `${e}[]`) : `{${e}}`;
      }
      return r.union.types.map(expression).join('|');
    };
    // WHEN each type of the schema is read as jsii wrote it
    const differences: string[] = Object.keys(assemblies[own]).filter((fqn) => findType(nameOf(fqn)) === undefined).map((fqn) => `${fqn}: not in the schema`);
    for (const type of allTypes()) {
      const fqn = type.own ? `${own}.${type.fqn}` : type.fqn;
      const j = assemblies[fqn.split('.')[0]]?.[fqn];
      if (j === undefined) {
        differences.push(`${fqn}: not in its assembly`);
        continue;
      }
      const returns = (r: any) => (r?.fqn === fqn ? '' : r?.collection?.elementtype.fqn === fqn ? '[]' : undefined);
      const fromJsii = {
        kind: j.kind === 'interface' ? (j.datatype ? 'struct' : 'interface') : j.kind,
        bases: j.datatype ? (j.interfaces ?? []).map(nameOf) : [],
        props: j.datatype ? Object.fromEntries((j.properties ?? []).map((p: any) => [`${p.name}${p.optional ? '?' : ''}`, expression(p.type)])) : {},
        values: j.kind === 'enum' ? j.members.length : 0,
        makers: j.kind === 'class' ? [
          ...(j.methods ?? []).filter((m: any) => m.static && returns(m.returns?.type) !== undefined).map((m: any) => `${m.name}()${returns(m.returns.type)}`),
          ...(j.properties ?? []).filter((p: any) => p.static && returns(p.type) !== undefined).map((p: any) => `${p.name}${returns(p.type)}`),
        ] : [],
        statics: j.kind === 'class' && type.own ? Object.fromEntries((j.methods ?? []).filter((m: any) => m.static && (m.parameters ?? []).length > 0)
          .map((m: any) => [m.name, m.parameters.map((p: any) => [`${p.variadic ? '...' : ''}${p.name}${p.optional ? '?' : ''}`, expression(p.type)])])) : {},
      };
      const fromSchema = {
        kind: type.kind,
        bases: type.entry.bases ?? [],
        props: type.entry.props ?? {},
        values: type.entry.values?.length ?? 0,
        makers: type.entry.makers ?? [],
        statics: type.entry.statics ?? {},
      };
      if (JSON.stringify(fromSchema) !== JSON.stringify(fromJsii)) {
        differences.push(`${fqn}:\n  schema ${JSON.stringify(fromSchema)}\n  jsii   ${JSON.stringify(fromJsii)}`);
      }
    }
    // THEN they agree
    expect(differences).toEqual([]);
  });

  test('covers the dependencies\' types the public props take', () => {
    expect(allTypes().filter((t) => !t.own).map((t) => t.fqn)).toEqual(expect.arrayContaining([
      'cdk8s.Size', 'cdk8s.Duration', 'cdk8s-plus-28.Probe', 'cdk8s-plus-28.EnvValue', 'cdk8s-plus-28.Cpu',
      'cdk8s-plus-28.Capability', 'cdk8s-plus-28.TaintEffect', 'cdk8s-plus-28.DnsPolicy',
    ]));
    // No generated L1 type (k8s.*) in the public props: they change with cdk8s-plus's Kubernetes version.
    expect(allTypes().filter((t) => !t.own && t.fqn.includes('.k8s.')).map((t) => t.fqn)).toEqual([]);
  });
});

describe('reading the schema', () => {
  test('a struct has its inherited props', () => {
    const props = structProperties(structType('NodeExporterProps'));
    // own, from DaemonSetOptions, and from ContainerSettings
    expect([...props.keys()]).toEqual(expect.arrayContaining(['enableCollectors', 'tolerations', 'hostMounts']));
    expect(props.get('hostMounts')!.type).toEqual({ collection: { kind: 'array', elementtype: { fqn: 'HostMount' } } });
  });

  test.each<[string, TypeRef]>([
    ['string', { primitive: 'string' }],
    ['{cdk8s-plus-28.EnvValue}', { collection: { kind: 'map', elementtype: { fqn: 'cdk8s-plus-28.EnvValue' } } }],
    ['string[][]', { collection: { kind: 'array', elementtype: { collection: { kind: 'array', elementtype: { primitive: 'string' } } } } }],
    ['(string|number)[]', { collection: { kind: 'array', elementtype: { union: { types: [{ primitive: 'string' }, { primitive: 'number' }] } } } }],
    ['{string|cdk8s.Size}', { collection: { kind: 'map', elementtype: { union: { types: [{ primitive: 'string' }, { fqn: 'cdk8s.Size' }] } } } }],
  ])('parses %s', (expression, ref) => {
    expect(parseType(expression)).toEqual(ref);
  });

  test('a static method\'s parameters: optional and variadic ones marked', () => {
    expect(staticParameters('Toleration', 'exists')).toEqual([
      { name: 'key', type: { primitive: 'string' }, optional: false, variadic: false },
      { name: 'options', type: { fqn: 'TolerationOptions' }, optional: true, variadic: false },
    ]);
    expect(staticParameters('NodeAffinityTerm', 'allOf')).toEqual([
      { name: 'requirements', type: { fqn: 'NodeRequirement' }, optional: false, variadic: true },
    ]);
    expect(staticParameters('Toleration', 'noSuchMethod')).toBeUndefined();
  });

  test('a dependency\'s class is found by its fqn, submodules included', () => {
    expect(dependencyClass('cdk8s.Size')).toBe(Size);
    expect(dependencyClass('cdk8s-plus-28.Probe')).toBe(Probe);
  });

  test('an unknown type is undefined; an unknown struct throws with the fix', () => {
    expect(findType('NoSuchProps')).toBeUndefined();
    expect(findType('toString')).toBeUndefined();
    expect(() => structType('NoSuchProps')).toThrow(/NoSuchProps is not a struct in the type schema: regenerate it \(npx projen type-schema\)/);
  });
});
