import { canShareNode, satisfiable } from '../../src/private/node-overlap';

/**
 * Whether two agents' node requirements can hold on one node, for every operator (issue 19:
 * agents split by In/NotIn, Exists/DoesNotExist or Gt/Lt on one key were refused as if they
 * could meet on a node).
 */
const r = (key: string, operator: string, ...values: string[]) => ({ key, operator, values });

describe('two agents split on one key never share a node', () => {
  test.each([
    ['In / NotIn', [r('pool', 'In', 'gpu')], [r('pool', 'NotIn', 'gpu')]],
    ['Exists / DoesNotExist', [r('gpu', 'Exists')], [r('gpu', 'DoesNotExist')]],
    ['In / DoesNotExist', [r('pool', 'In', 'a')], [r('pool', 'DoesNotExist')]],
    ['Gt / Lt', [r('gen', 'Gt', '5')], [r('gen', 'Lt', '6')]],
    ['Gt / In of a smaller value', [r('gen', 'Gt', '5')], [r('gen', 'In', '3', '4')]],
    ['In / In of other values', [r('zone', 'In', 'a')], [r('zone', 'In', 'b')]],
    ['Gt on a non-integer In value', [r('gen', 'Gt', '1')], [r('gen', 'In', 'latest')]],
  ])('%s', (_, a, b) => {
    expect(canShareNode([a], [b])).toBe(false);
  });
});

describe('two agents that can meet on a node', () => {
  test.each([
    ['no constraints', [], []],
    ['In / NotIn of another value', [r('pool', 'In', 'gpu')], [r('pool', 'NotIn', 'cpu')]],
    ['NotIn / DoesNotExist (the label absent)', [r('pool', 'NotIn', 'a')], [r('pool', 'DoesNotExist')]],
    ['Gt / Lt with room between', [r('gen', 'Gt', '5')], [r('gen', 'Lt', '7')]],
    ['Gt / NotIn of some values', [r('gen', 'Gt', '5')], [r('gen', 'NotIn', '6', '7')]],
    ['different keys', [r('a', 'In', 'x')], [r('b', 'DoesNotExist')]],
  ])('%s', (_, a, b) => {
    expect(canShareNode([a], [b])).toBe(true);
  });

  test('any pair of terms that meets is enough (terms are ORed)', () => {
    expect(canShareNode([[r('pool', 'In', 'a')], [r('pool', 'In', 'b')]], [[r('pool', 'In', 'b')]])).toBe(true);
  });

  test('NotIn excluding every integer in a bounded range leaves none', () => {
    expect(satisfiable([r('gen', 'Gt', '5'), r('gen', 'Lt', '8'), r('gen', 'NotIn', '6', '7')])).toBe(false);
  });
});
