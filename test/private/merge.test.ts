import { withDefaults } from '../../src/private/merge';

describe('withDefaults: the one merge rule of every preset', () => {
  const preset = {
    hostMounts: ['/proc'],
    env: { HOST_ROOT: '/host', LEVEL: 'info' },
    args: ['--a'],
    tolerations: ['all'],
    priorityClassName: 'system-node-critical',
  };

  test('extends lists, merges maps with the user winning, replaces everything else', () => {
    const merged = withDefaults<any>(preset, { hostMounts: ['/var/lib/textfile'], env: { LEVEL: 'debug' }, args: ['--b'], tolerations: [] });
    expect(merged).toEqual({
      hostMounts: ['/proc', '/var/lib/textfile'],
      env: { HOST_ROOT: '/host', LEVEL: 'debug' },
      args: ['--b'],
      tolerations: [],
      priorityClassName: 'system-node-critical',
    });
  });

  test('ignores undefined user values and keeps the preset value', () => {
    expect(withDefaults<any>(preset, { priorityClassName: undefined, hostMounts: undefined })).toEqual(preset);
  });

  test('takes a user list or map where the preset has none', () => {
    expect(withDefaults<any>({}, { sidecars: ['x'], podAnnotations: { a: 'b' } })).toEqual({ sidecars: ['x'], podAnnotations: { a: 'b' } });
  });
});
