import { ParsedRequirement, ParsedTerm } from '../../src/placement/daemonset-manifest';
import {
  compileTerms, isQualifiedName, isValidLabelValue, labelRequirementMatches, nodeSelectorFailures, parseInt64, requiredAffinityFailures,
} from '../../src/placement/node-affinity-match';
import { PlacementReasonKind } from '../../src/placement/placement-reason';

function req(key: string, operator: string, values: string[] = []): ParsedRequirement {
  return { key, operator, values };
}
function term(matchExpressions: ParsedRequirement[], matchFields: ParsedRequirement[] = []): ParsedTerm {
  return { matchExpressions, matchFields };
}
function matches(terms: ParsedTerm[], labels: { [key: string]: string }, nodeName = 'node-1'): boolean {
  return requiredAffinityFailures(compileTerms(terms), nodeName, labels).length === 0;
}

describe('labels.Requirement.Matches', () => {
  const labels = { zone: 'a', cpus: '8', empty: '' };

  test('In: the label must exist with one of the values', () => {
    expect(labelRequirementMatches(req('zone', 'In', ['a', 'b']), labels)).toBe(true);
    expect(labelRequirementMatches(req('zone', 'In', ['b']), labels)).toBe(false);
    expect(labelRequirementMatches(req('absent', 'In', ['a']), labels)).toBe(false);
  });

  test('In with an empty-string value matches a label with an empty value, not an absent label', () => {
    expect(labelRequirementMatches(req('empty', 'In', ['']), labels)).toBe(true);
    expect(labelRequirementMatches(req('absent', 'In', ['']), labels)).toBe(false);
  });

  test('NotIn: matches when the label is absent, or has none of the values', () => {
    expect(labelRequirementMatches(req('absent', 'NotIn', ['a']), labels)).toBe(true);
    expect(labelRequirementMatches(req('zone', 'NotIn', ['b']), labels)).toBe(true);
    expect(labelRequirementMatches(req('zone', 'NotIn', ['a', 'b']), labels)).toBe(false);
  });

  test('Exists and DoesNotExist look only at the key', () => {
    expect(labelRequirementMatches(req('empty', 'Exists'), labels)).toBe(true);
    expect(labelRequirementMatches(req('absent', 'Exists'), labels)).toBe(false);
    expect(labelRequirementMatches(req('absent', 'DoesNotExist'), labels)).toBe(true);
    expect(labelRequirementMatches(req('zone', 'DoesNotExist'), labels)).toBe(false);
  });

  test('Gt and Lt compare integers, strictly', () => {
    expect(labelRequirementMatches(req('cpus', 'Gt', ['4']), labels)).toBe(true);
    expect(labelRequirementMatches(req('cpus', 'Gt', ['8']), labels)).toBe(false);
    expect(labelRequirementMatches(req('cpus', 'Lt', ['16']), labels)).toBe(true);
    expect(labelRequirementMatches(req('cpus', 'Lt', ['8']), labels)).toBe(false);
  });

  test('Gt and Lt compare as numbers, not strings ("10" > "9")', () => {
    expect(labelRequirementMatches(req('n', 'Gt', ['9']), { n: '10' })).toBe(true);
    expect(labelRequirementMatches(req('n', 'Lt', ['9']), { n: '10' })).toBe(false);
  });

  test('Gt and Lt fail on an absent label and on a non-integer label', () => {
    expect(labelRequirementMatches(req('absent', 'Gt', ['1']), labels)).toBe(false);
    expect(labelRequirementMatches(req('zone', 'Gt', ['1']), labels)).toBe(false);
    expect(labelRequirementMatches(req('zone', 'Lt', ['1']), labels)).toBe(false);
    expect(labelRequirementMatches(req('n', 'Gt', ['1']), { n: '2.5' })).toBe(false);
    expect(labelRequirementMatches(req('n', 'Gt', ['1']), { n: '' })).toBe(false);
  });

  test('Gt and Lt accept the label forms strconv.ParseInt accepts (sign, leading zeros) within int64', () => {
    expect(labelRequirementMatches(req('n', 'Gt', ['5']), { n: '007' })).toBe(true);
    expect(labelRequirementMatches(req('n', 'Gt', ['5']), { n: '+7' })).toBe(true);
    expect(labelRequirementMatches(req('n', 'Lt', ['5']), { n: '-7' })).toBe(true);
    expect(labelRequirementMatches(req('n', 'Gt', ['5']), { n: '9223372036854775807' })).toBe(true);
    expect(labelRequirementMatches(req('n', 'Gt', ['5']), { n: '9223372036854775808' })).toBe(false);
  });
});

describe('strconv.ParseInt(s, 10, 64)', () => {
  test('accepts signs and digits, rejects everything else', () => {
    expect(parseInt64('42')).toBe(BigInt(42));
    expect(parseInt64('-42')).toBe(BigInt(-42));
    expect(parseInt64('+42')).toBe(BigInt(42));
    for (const bad of ['', ' 1', '1 ', '1e3', '0x10', '1_000', '1.0', '-', 'abc']) {
      expect(parseInt64(bad)).toBeUndefined();
    }
    expect(parseInt64('-9223372036854775808')).toBe(-(BigInt(2) ** BigInt(63)));
    expect(parseInt64('-9223372036854775809')).toBeUndefined();
  });
});

describe('label syntax (apimachinery validation)', () => {
  test('qualified names', () => {
    expect(isQualifiedName('zone')).toBe(true);
    expect(isQualifiedName('topology.kubernetes.io/zone')).toBe(true);
    expect(isQualifiedName('a/b/c')).toBe(false);
    expect(isQualifiedName('/zone')).toBe(false);
    expect(isQualifiedName('Upper.Case/zone')).toBe(false);
    expect(isQualifiedName('-zone')).toBe(false);
    expect(isQualifiedName('x'.repeat(64))).toBe(false);
  });

  test('label values', () => {
    expect(isValidLabelValue('')).toBe(true);
    expect(isValidLabelValue('v1.2_3-x')).toBe(true);
    expect(isValidLabelValue('-1')).toBe(false);
    expect(isValidLabelValue('a b')).toBe(false);
  });
});

describe('nodeSelector (SelectorFromSet)', () => {
  test('every label must be present with exactly the value', () => {
    expect(nodeSelectorFailures([['role', 'worker']], { role: 'worker' })).toEqual([]);
  });

  test('a different value is reported with expected and actual', () => {
    const [r] = nodeSelectorFailures([['role', 'worker']], { role: 'edge' });
    expect(r).toMatchObject({ kind: PlacementReasonKind.NODE_SELECTOR, key: 'role', expected: 'worker', nodeValue: 'edge' });
    expect(r.message).toBe('nodeSelector role="worker" not satisfied: the node has role="edge"');
  });

  test('an absent label is reported with no node value', () => {
    const [r] = nodeSelectorFailures([['role', 'worker']], {});
    expect(r.nodeValue).toBeUndefined();
    expect(r.message).toContain('the node has no label "role"');
  });

  test('an empty expected value requires the label to exist with an empty value', () => {
    expect(nodeSelectorFailures([['node-role.kubernetes.io/control-plane', '']], { 'node-role.kubernetes.io/control-plane': '' })).toEqual([]);
    expect(nodeSelectorFailures([['node-role.kubernetes.io/control-plane', '']], {})).toHaveLength(1);
  });

  test('every failing entry is reported', () => {
    expect(nodeSelectorFailures([['a', '1'], ['b', '2'], ['c', '3']], { a: '1', b: 'x' }).map((r) => r.key)).toEqual(['b', 'c']);
  });
});

describe('required node affinity (LazyErrorNodeSelector)', () => {
  test('expressions within a term are ANDed', () => {
    const t = [term([req('zone', 'In', ['a']), req('role', 'In', ['worker'])])];
    expect(matches(t, { zone: 'a', role: 'worker' })).toBe(true);
    expect(matches(t, { zone: 'a', role: 'edge' })).toBe(false);
  });

  test('terms are ORed', () => {
    const t = [term([req('zone', 'In', ['a'])]), term([req('zone', 'In', ['b'])])];
    expect(matches(t, { zone: 'b' })).toBe(true);
    expect(matches(t, { zone: 'c' })).toBe(false);
  });

  test('when no term matches, every failing expression of every term is reported with the node value', () => {
    const t = [term([req('zone', 'In', ['a']), req('gpu', 'Exists')]), term([req('cpus', 'Gt', ['4'])])];
    const reasons = requiredAffinityFailures(compileTerms(t), 'n', { zone: 'c', cpus: 'many' });
    expect(reasons.map((r) => [r.termIndex, r.key, r.expected, r.nodeValue])).toEqual([
      [0, 'zone', 'In [a]', 'c'],
      [0, 'gpu', 'Exists', undefined],
      [1, 'cpus', 'Gt 4', 'many'],
    ]);
    expect(reasons[2].message).toContain('which is not an integer');
    expect(reasons.every((r) => r.kind === PlacementReasonKind.NODE_AFFINITY)).toBe(true);
  });

  test('an empty term matches nothing, even next to nothing else', () => {
    const reasons = requiredAffinityFailures(compileTerms([term([])]), 'n', { any: 'thing' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0].message).toContain('is empty');
    expect(reasons[0].termIndex).toBe(0);
  });

  test('an empty term does not stop another term from matching', () => {
    expect(matches([term([]), term([req('zone', 'Exists')])], { zone: 'a' })).toBe(true);
  });

  test('an empty terms list matches nothing', () => {
    const reasons = requiredAffinityFailures(compileTerms([]), 'n', {});
    expect(reasons).toHaveLength(1);
    expect(reasons[0].message).toContain('no nodeSelectorTerms');
  });

  test('matchFields metadata.name In / NotIn compare the node name', () => {
    expect(matches([term([], [req('metadata.name', 'In', ['node-1'])])], {}, 'node-1')).toBe(true);
    expect(matches([term([], [req('metadata.name', 'In', ['node-1'])])], {}, 'node-2')).toBe(false);
    expect(matches([term([], [req('metadata.name', 'NotIn', ['node-1'])])], {}, 'node-2')).toBe(true);
    expect(matches([term([], [req('metadata.name', 'NotIn', ['node-1'])])], {}, 'node-1')).toBe(false);
    const [r] = requiredAffinityFailures(compileTerms([term([], [req('metadata.name', 'In', ['node-1'])])]), 'node-2', {});
    expect(r).toMatchObject({ key: 'metadata.name', expected: 'In [node-1]', nodeValue: 'node-2' });
  });

  test('matchFields and matchExpressions in one term are ANDed', () => {
    const t = [term([req('zone', 'In', ['a'])], [req('metadata.name', 'In', ['node-1'])])];
    expect(matches(t, { zone: 'a' }, 'node-1')).toBe(true);
    expect(matches(t, { zone: 'b' }, 'node-1')).toBe(false);
    expect(matches(t, { zone: 'a' }, 'node-2')).toBe(false);
  });

  test('matchFields only supports In and NotIn with exactly one value: otherwise the term is invalid', () => {
    for (const bad of [req('metadata.name', 'Exists'), req('metadata.name', 'In', ['a', 'b']), req('metadata.name', 'NotIn', [])]) {
      const compiled = compileTerms([term([], [bad])]);
      expect(compiled[0].parseErrors).toHaveLength(1);
      expect(requiredAffinityFailures(compiled, 'a', {})[0].message).toContain('is invalid');
    }
  });

  test('matchFields on another field reads it as "" and is flagged as rejected by the API server', () => {
    const compiled = compileTerms([term([], [req('spec.unschedulable', 'NotIn', ['true'])])]);
    expect(compiled[0].warnings.join()).toContain('only accepts "metadata.name"');
    expect(requiredAffinityFailures(compiled, 'n', {})).toEqual([]);
    expect(matches([term([], [req('spec.unschedulable', 'In', ['true'])])], {})).toBe(false);
  });

  test('an invalid expression makes its whole term match nothing, while other terms still count', () => {
    const invalid = term([req('zone', 'In', ['a']), req('cpus', 'Gt', ['many'])]);
    expect(matches([invalid], { zone: 'a', cpus: '8' })).toBe(false);
    expect(matches([invalid, term([req('zone', 'In', ['a'])])], { zone: 'a', cpus: '8' })).toBe(true);
  });

  test.each([
    ['In without values', req('k', 'In', [])],
    ['NotIn without values', req('k', 'NotIn', [])],
    ['Exists with values', req('k', 'Exists', ['v'])],
    ['DoesNotExist with values', req('k', 'DoesNotExist', ['v'])],
    ['Gt with two values', req('k', 'Gt', ['1', '2'])],
    ['Lt without a value', req('k', 'Lt', [])],
    ['Gt with a non-integer value', req('k', 'Gt', ['1.5'])],
    ['Gt with a negative value (not a valid label value)', req('k', 'Gt', ['-1'])],
    ['an unknown operator', req('k', 'Equals', ['v'])],
    ['an invalid key', req('bad key', 'Exists')],
    ['an invalid value', req('k', 'In', ['has space'])],
  ])('%s is a parse error', (_name, r) => {
    const compiled = compileTerms([term([r])]);
    expect(compiled[0].parseErrors.length).toBeGreaterThan(0);
    expect(compiled[0].warnings.length).toBeGreaterThan(0);
  });
});
