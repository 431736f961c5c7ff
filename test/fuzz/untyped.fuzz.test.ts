import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { RUNS, SEED } from './harness';
import {
  AgentNamespace, DaemonSet, Errors, GpuDriverInstaller, LogAgent, NetworkAgent, NodeExporter, SecurityAgent, StorageDaemon,
} from '../../src';
import { findType, Property, structProperties, structType, TypeRef } from '../../src/private/type-schema';
import { newChart } from '../util/synth';

/**
 * Untyped callers, property-based: for every prop of every construct's props struct (read from
 * the type schema generated from the sources, so a new prop is fuzzed the day it is added), a value of the wrong type ends
 * in the library's ValidationError naming that prop, never in another error or a manifest.
 *
 * The wrong values are generated here from the schema's type, independently of the checker: scalars
 * of another kind, lists and maps with one wrong element, objects where a class instance
 * belongs, strings outside an enum, structs with a wrongly typed or unknown prop.
 */
const IMAGE = 'registry.example.com/agent:1.2.3';
const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/);
const notAnObject = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant(Number.NaN));

function wrong(ref: TypeRef): fc.Arbitrary<unknown> {
  if (ref.primitive === 'string') {
    return fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
  }
  if (ref.primitive === 'number') {
    return fc.oneof(fc.string(), fc.boolean(), fc.constantFrom(Number.NaN, Infinity, -Infinity),
      fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
  }
  if (ref.primitive === 'boolean') {
    return fc.oneof(fc.integer(), fc.string(), fc.constantFrom('true', 'false'), fc.object({ maxDepth: 1 }));
  }
  if (ref.collection?.kind === 'array') {
    return fc.oneof(notAnObject, fc.object({ maxDepth: 1 }), fc.array(wrong(ref.collection.elementtype), { minLength: 1, maxLength: 3 }));
  }
  if (ref.collection?.kind === 'map') {
    const entries = fc.dictionary(key, wrong(ref.collection.elementtype), { minKeys: 1, maxKeys: 2 });
    return fc.oneof(notAnObject, fc.array(fc.string(), { maxLength: 2 }), entries);
  }
  const type = findType(ref.fqn!)!;
  if (type.kind === 'enum') {
    const values: unknown[] = [...type.entry.values!];
    return fc.oneof(fc.string().filter((s) => !values.includes(s)), fc.integer(), fc.object({ maxDepth: 1 }));
  }
  if (type.kind === 'class') {
    return fc.oneof(notAnObject, fc.object({ maxDepth: 1 }), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 2 }), fc.date());
  }
  // A struct: not an object, or an object with one wrongly typed prop or an unknown one.
  const properties = [...structProperties(type).values()];
  const unknownKey = key.filter((k) => !structProperties(type).has(k));
  return fc.oneof(
    notAnObject,
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.constantFrom(...properties).chain((p) => wrong(p.type).map((v) => ({ [p.name]: v }))),
    fc.tuple(unknownKey, fc.anything({ maxDepth: 1 })).filter(([, v]) => v !== undefined).map(([k, v]) => ({ [k]: v })),
  );
}

const constructs: Array<[string, (scope: Construct, props: any) => unknown]> = [
  ['DaemonSet', (s, p) => new DaemonSet(s, 'construct', { image: IMAGE, ...p })],
  ['LogAgent', (s, p) => new LogAgent(s, 'construct', p)],
  ['NodeExporter', (s, p) => new NodeExporter(s, 'construct', p)],
  ['GpuDriverInstaller', (s, p) => new GpuDriverInstaller(s, 'construct', p)],
  ['SecurityAgent', (s, p) => new SecurityAgent(s, 'construct', p)],
  ['NetworkAgent', (s, p) => new NetworkAgent(s, 'construct', p)],
  ['StorageDaemon', (s, p) => new StorageDaemon(s, 'construct', p)],
  ['AgentNamespace', (s, p) => new AgentNamespace(s, 'construct', p)],
];

describe.each(constructs)('%s', (name, build) => {
  const properties = [...structProperties(structType(`${name}Props`)).values()];

  test('a wrongly typed value for any prop ends in a ValidationError naming the prop', () => {
    const seen = new Set<string>();
    const draws = fc.constantFrom(...properties).chain((p: Property) => wrong(p.type).map((value) => [p.name, value] as const));
    fc.assert(fc.property(draws, ([prop, value]) => {
      seen.add(prop);
      let thrown: unknown;
      try {
        build(newChart(), { [prop]: value });
      } catch (e) {
        thrown = e;
      }
      if (!Errors.isValidationError(thrown)) {
        throw new Error(`${prop}: ${String(value)} gave ${thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.stack}` : 'no error'}`);
      }
      const problems = Errors.problemsOf(thrown);
      expect(problems.some((m) => m.startsWith(`${prop}:`) || m.startsWith(`${prop}.`) || m.startsWith(`${prop}[`))).toBe(true);
    }), { seed: SEED, numRuns: RUNS || properties.length * 12 });
    // every prop was drawn
    expect([...seen].sort()).toEqual(properties.map((p) => p.name).sort());
  });
});
