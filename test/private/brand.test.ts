import * as lib from '../../src';
import { DaemonSet, HostMount, Toleration } from '../../src';
import { brand, brandKey, isBranded } from '../../src/private/brand';
import { allTypes } from '../../src/private/type-schema';
import { newChart, podSpec, synth } from '../util/synth';

/**
 * The library recognises its own classes by a brand (`Symbol.for('cdk8s-node-agents.<Class>')`
 * on the prototype), not by `instanceof`, so that values made by another copy of the library
 * (a monorepo with two versions, a bundle) are accepted.
 */
const IMAGE = 'registry.example.com/agent:1.2.3';

test('every class of the library that a prop or parameter takes carries its brand', () => {
  // GIVEN the library's classes that some prop or static method parameter takes
  const taken = new Set<string>();
  for (const type of allTypes()) {
    const expressions = [...Object.values(type.entry.props ?? {}), ...Object.values(type.entry.statics ?? {}).flatMap((ps) => ps.map(([, e]) => e))];
    expressions.forEach((e) => e.split(/[^\w.-]+/).forEach((name) => taken.add(name)));
  }
  const classes = allTypes().filter((t) => t.own && t.kind === 'class' && taken.has(t.name)).map((t) => t.name);
  // THEN each one's prototype has its brand
  expect(classes).toEqual(expect.arrayContaining(['Toleration', 'HostMount', 'UpdateStrategy', 'LogOutput', 'NodeExporterCollector']));
  expect(classes.filter((name) => (lib as any)[name].prototype[brandKey(name)] !== true)).toEqual([]);
});

test('a brand is inherited by subclasses, and is not an enumerable own prop', () => {
  // GIVEN
  class Base {}
  brand(Base, 'TestBase');
  class Sub extends Base {}
  // THEN
  expect(isBranded(new Sub(), 'TestBase')).toBe(true);
  expect(isBranded({}, 'TestBase')).toBe(false);
  expect(isBranded(null, 'TestBase')).toBe(false);
  expect(isBranded('TestBase', 'TestBase')).toBe(false);
  expect(Object.keys(new Sub())).toEqual([]);
  expect(JSON.stringify(new Sub())).toBe('{}');
});

describe('values made by a second copy of the library', () => {
  let copy: typeof lib;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../../src');
  });

  test('are not instanceof this copy\'s classes (the case the brand is for)', () => {
    expect(copy.Toleration).not.toBe(Toleration);
    expect(copy.Toleration.all() instanceof Toleration).toBe(false);
  });

  test('are accepted by this copy\'s checks and rendered', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      tolerations: [copy.Toleration.exists('nvidia.com/gpu')],
      hostMounts: [copy.HostMount.readOnly('/proc')],
    });
    // THEN
    const spec = podSpec(synth(chart));
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists' }]);
    expect(spec.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ hostPath: expect.objectContaining({ path: '/proc' }) })]));
  });

  test('are recognised where the library tests for its own classes', () => {
    expect(isBranded(copy.HostMount.readOnly('/proc'), 'HostMount')).toBe(true);
    expect(isBranded(HostMount.readOnly('/proc'), 'Toleration')).toBe(false);
  });
});
