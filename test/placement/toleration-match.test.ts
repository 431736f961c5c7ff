import { ParsedToleration } from '../../src/placement/daemonset-manifest';
import {
  blocksPlacement, controllerTolerations, explainNearMisses, formatTaint, TaintLike, toleratesTaint, tolerationsTolerateTaint,
} from '../../src/placement/toleration-match';

function tol(t: Partial<ParsedToleration>): ParsedToleration {
  return { key: '', operator: '', value: '', effect: '', ...t };
}
function taint(key: string, value: string, effect: string): TaintLike {
  return { key, value, effect };
}

describe('v1.Toleration.ToleratesTaint', () => {
  test('Equal with the same key, value and effect tolerates', () => {
    expect(toleratesTaint(tol({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }), taint('dedicated', 'gpu', 'NoSchedule'))).toBe(true);
  });

  test('an empty operator means Equal', () => {
    expect(toleratesTaint(tol({ key: 'dedicated', value: 'gpu' }), taint('dedicated', 'gpu', 'NoSchedule'))).toBe(true);
    expect(toleratesTaint(tol({ key: 'dedicated', value: 'cpu' }), taint('dedicated', 'gpu', 'NoSchedule'))).toBe(false);
  });

  test('Equal with an empty value does not tolerate a taint that has a value', () => {
    expect(toleratesTaint(tol({ key: 'nvidia.com/gpu', operator: 'Equal', effect: 'NoSchedule' }), taint('nvidia.com/gpu', 'present', 'NoSchedule'))).toBe(false);
  });

  test('Equal with an empty value tolerates a taint without a value', () => {
    expect(toleratesTaint(tol({ key: 'node-role.kubernetes.io/control-plane', operator: 'Equal' }), taint('node-role.kubernetes.io/control-plane', '', 'NoSchedule'))).toBe(true);
  });

  test('Exists with a key and no effect tolerates every value and every effect of that key', () => {
    const t = tol({ key: 'dedicated', operator: 'Exists' });
    expect(toleratesTaint(t, taint('dedicated', 'gpu', 'NoSchedule'))).toBe(true);
    expect(toleratesTaint(t, taint('dedicated', '', 'NoExecute'))).toBe(true);
    expect(toleratesTaint(t, taint('other', 'gpu', 'NoSchedule'))).toBe(false);
  });

  test('an empty key with Exists tolerates every taint', () => {
    const t = tol({ operator: 'Exists' });
    expect(toleratesTaint(t, taint('a', 'b', 'NoSchedule'))).toBe(true);
    expect(toleratesTaint(t, taint('c', '', 'NoExecute'))).toBe(true);
  });

  test('an empty key with Exists and an effect tolerates only that effect', () => {
    const t = tol({ operator: 'Exists', effect: 'NoExecute' });
    expect(toleratesTaint(t, taint('a', 'b', 'NoExecute'))).toBe(true);
    expect(toleratesTaint(t, taint('a', 'b', 'NoSchedule'))).toBe(false);
  });

  test('an effect mismatch does not tolerate', () => {
    expect(toleratesTaint(tol({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }), taint('k', '', 'NoExecute'))).toBe(false);
  });

  test('an empty effect matches every effect', () => {
    const t = tol({ key: 'k', operator: 'Equal', value: 'v' });
    for (const effect of ['NoSchedule', 'PreferNoSchedule', 'NoExecute']) {
      expect(toleratesTaint(t, taint('k', 'v', effect))).toBe(true);
    }
  });

  test('an unknown operator tolerates nothing (operators are case-sensitive)', () => {
    expect(toleratesTaint(tol({ key: 'k', operator: 'exists' }), taint('k', '', 'NoSchedule'))).toBe(false);
    expect(toleratesTaint(tol({ key: 'k', operator: 'Gt', value: '1' }), taint('k', '2', 'NoSchedule'))).toBe(false);
  });

  test('an empty key with Equal matches any key with the same value (the API server rejects this form)', () => {
    expect(toleratesTaint(tol({ operator: 'Equal', value: 'v' }), taint('any', 'v', 'NoSchedule'))).toBe(true);
    expect(toleratesTaint(tol({ operator: 'Equal', value: 'v' }), taint('any', 'w', 'NoSchedule'))).toBe(false);
  });

  test('TolerationsTolerateTaint: any one toleration is enough', () => {
    const list = [tol({ key: 'a', operator: 'Exists' }), tol({ key: 'b', value: 'x' })];
    expect(tolerationsTolerateTaint(list, taint('b', 'x', 'NoSchedule'))).toBe(true);
    expect(tolerationsTolerateTaint(list, taint('c', 'x', 'NoSchedule'))).toBe(false);
    expect(tolerationsTolerateTaint([], taint('c', 'x', 'NoSchedule'))).toBe(false);
  });
});

describe('predicates: which taint effects block DaemonSet pods', () => {
  test('NoSchedule and NoExecute block, PreferNoSchedule never does', () => {
    expect(blocksPlacement(taint('k', '', 'NoSchedule'))).toBe(true);
    expect(blocksPlacement(taint('k', '', 'NoExecute'))).toBe(true);
    expect(blocksPlacement(taint('k', '', 'PreferNoSchedule'))).toBe(false);
  });
});

describe('AddOrUpdateDaemonPodTolerations', () => {
  const keysAndEffects = (hostNetwork: boolean) => controllerTolerations(hostNetwork).map((t) => `${t.key}:${t.effect}:${t.operator}`);

  test('every DaemonSet pod tolerates not-ready, unreachable, pressure and unschedulable taints', () => {
    expect(keysAndEffects(false)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute:Exists',
      'node.kubernetes.io/unreachable:NoExecute:Exists',
      'node.kubernetes.io/disk-pressure:NoSchedule:Exists',
      'node.kubernetes.io/memory-pressure:NoSchedule:Exists',
      'node.kubernetes.io/pid-pressure:NoSchedule:Exists',
      'node.kubernetes.io/unschedulable:NoSchedule:Exists',
    ]);
  });

  test('hostNetwork pods also tolerate network-unavailable:NoSchedule', () => {
    expect(keysAndEffects(true)).toContain('node.kubernetes.io/network-unavailable:NoSchedule:Exists');
    expect(keysAndEffects(false)).not.toContain('node.kubernetes.io/network-unavailable:NoSchedule:Exists');
  });

  test('the default tolerations are effect-specific: not-ready with NoSchedule is not tolerated', () => {
    expect(tolerationsTolerateTaint(controllerTolerations(false), taint('node.kubernetes.io/not-ready', '', 'NoSchedule'))).toBe(false);
    expect(tolerationsTolerateTaint(controllerTolerations(false), taint('node.kubernetes.io/not-ready', '', 'NoExecute'))).toBe(true);
  });
});

describe('formatting', () => {
  test('taints use kubectl notation', () => {
    expect(formatTaint(taint('dedicated', 'gpu', 'NoSchedule'))).toBe('dedicated=gpu:NoSchedule');
    expect(formatTaint(taint('node-role.kubernetes.io/control-plane', '', 'NoSchedule'))).toBe('node-role.kubernetes.io/control-plane:NoSchedule');
  });

  test('near misses explain why a toleration with the same key does not match', () => {
    const hint = explainNearMisses([tol({ key: 'dedicated', operator: 'Equal', effect: 'NoSchedule' })], taint('dedicated', 'gpu', 'NoSchedule'));
    expect(hint).toContain('value "" is not "gpu"');
    expect(hint).toContain('use operator Exists');
    expect(explainNearMisses([tol({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' })], taint('dedicated', 'gpu', 'NoSchedule')))
      .toContain('effect NoExecute is not NoSchedule');
    expect(explainNearMisses([tol({ key: 'other', operator: 'Exists' })], taint('dedicated', 'gpu', 'NoSchedule'))).toBeUndefined();
  });
});
