import { formatBytes, formatMilli, formatResource, parseQuantity } from '../../src/placement/quantity';

describe('parseQuantity (resource.ParseQuantity, then Value() or MilliValue(), rounded up)', () => {
  test.each([
    ['100m', true, 100],
    ['0.1', true, 100],
    ['1.5', true, 1500],
    ['2', true, 2000],
    ['1u', true, 1], // 0.000001 cores is 0.001m, rounded up to 1m
    ['128Mi', false, 128 * 2 ** 20],
    ['1.5Gi', false, 1.5 * 2 ** 30],
    ['1G', false, 1e9],
    ['1e3', false, 1000],
    ['1E3', false, 1000],
    ['500k', false, 500000],
    ['110', false, 110],
    ['1500m', false, 2], // Value() of 1.5 rounds up
    ['-1', false, -1],
  ])('%s (milli %s) is %d', (text, milli, expected) => {
    expect(parseQuantity(text, milli)).toBe(expected);
  });

  test('YAML numbers are quantities too', () => {
    expect(parseQuantity(2, true)).toBe(2000);
    expect(parseQuantity(110)).toBe(110);
  });

  test.each(['', 'Mi', '1 Gi', '1GB', 'abc', '1.2.3'])('"%s" is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('formatting', () => {
  test('bytes in the largest binary unit', () => {
    expect(formatBytes(512 * 2 ** 20)).toBe('512Mi');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1536Mi');
    expect(formatBytes(2 ** 30 + 1)).toBe('1Gi');
    expect(formatBytes(1.5 * 2 ** 30 + 1)).toBe('1.5Gi');
    expect(formatBytes(2 ** 10)).toBe('1Ki');
    expect(formatBytes(1000)).toBe('1000');
  });

  test('CPU in cores or millicores', () => {
    expect(formatMilli(2000)).toBe('2');
    expect(formatMilli(250)).toBe('250m');
  });

  test('each resource in its unit', () => {
    expect(formatResource('cpu', 500)).toBe('500m');
    expect(formatResource('ephemeral-storage', 2 ** 30)).toBe('1Gi');
    expect(formatResource('hugepages-2Mi', 2 ** 21)).toBe('2Mi');
    expect(formatResource('nvidia.com/gpu', 2)).toBe('2');
  });
});
