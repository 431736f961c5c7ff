import { closest, didYouMean, distance } from '../../src/private/suggest';

describe('did you mean', () => {
  test.each([
    ['hostMount', ['hostMounts', 'hostNetwork', 'volumeMounts'], ['hostMounts']],
    ['tolerationz', ['tolerations', 'terminationGracePeriodSeconds'], ['tolerations']],
    ['drivername', ['driverName', 'image'], ['driverName']],
    ['systemd', ['SYSTEMD', 'SYSCTL'], ['SYSTEMD']],
    ['NET_ADMN', ['NET_ADMIN', 'NET_RAW'], ['NET_ADMIN']],
    ['requests', ['cpu', 'memory', 'ephemeralStorage'], []],
    ['x', ['y', 'image'], ['y']],
  ])('%s among %j: %j', (word, candidates, expected) => {
    expect(closest(word, candidates)).toEqual(expected);
  });

  test('says nothing when no candidate is close', () => {
    expect(didYouMean('requests', ['cpu', 'memory'])).toBe('');
    expect(didYouMean('prot', ['port'], (c) => `"${c}"`)).toBe('; did you mean "port"?');
  });

  test('distance counts a swap of neighbours as one edit', () => {
    expect(distance('prot', 'port')).toBe(1);
    expect(distance('kitten', 'sitting')).toBe(3);
    expect(distance('', 'abc')).toBe(3);
  });
});

describe('closest by shared words, when no name is a few edits away (issue 19)', () => {
  test.each([
    ['apiServerAddress', ['apiServerHost', 'healthPath', 'image'], ['apiServerHost']],
    ['kubeletDirectory', ['kubeletDir', 'driverName', 'image'], ['kubeletDir']],
    ['version', ['driverVersion', 'operatingSystem', 'image'], ['driverVersion']],
  ])('%s suggests %j', (word, candidates, expected) => {
    expect(closest(word, candidates)).toEqual(expected);
  });

  test('no suggestion when nothing is shared', () => {
    expect(closest('zzUnknown', ['image', 'port', 'name'])).toEqual([]);
  });
});
