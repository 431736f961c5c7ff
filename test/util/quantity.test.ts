import { parseQuantity } from './quantity';

// Expected values from resource.ParseQuantity (apimachinery v0.28.9 pkg/api/resource/quantity.go,
// and its quantity_test.go cases), in nano-units.
const N = 10n ** 9n;

describe('parseQuantity', () => {
  test.each([
    ['0', 0n],
    ['1', N],
    ['100m', 100_000_000n],
    ['0.5', 500_000_000n],
    ['.5', 500_000_000n],
    ['1.', N],
    ['+1', N],
    ['-1', -N],
    ['1k', 1000n * N],
    ['1M', 10n ** 6n * N],
    ['1G', 10n ** 9n * N],
    ['1T', 10n ** 12n * N],
    ['2P', 2n * 10n ** 15n * N],
    ['1E', 10n ** 18n * N],
    ['5n', 5n],
    ['5u', 5000n],
    ['1Ki', 1024n * N],
    ['64Mi', 64n * 2n ** 20n * N],
    ['1.5Gi', 3n * 2n ** 29n * N],
    ['1Ei', 2n ** 60n * N],
    ['1e3', 1000n * N],
    ['1E3', 1000n * N],
    ['1e+3', 1000n * N],
    ['1.5e-3', 1_500_000n],
    ['1e-9', 1n],
    // finer than a nano rounds up, away from zero
    ['1e-10', 1n],
    ['0.1n', 1n],
    ['-0.1n', -1n],
    // binary quantities are capped at 2^63-1
    ['8Ei', (2n ** 63n - 1n) * N],
    // the scanner accepts a sign, a dot or a suffix without digits as zero
    ['+', 0n],
    ['.', 0n],
    ['m', 0n],
    // Quantity.UnmarshalJSON trims spaces and parses JSON numbers from their text
    [' 1 ', N],
    [2, 2n * N],
  ] as [string | number, bigint][])('%j is %s nano', (input, nanos) => {
    expect(parseQuantity(input)).toBe(nanos);
  });

  test.each([
    [''],
    ['1 Gi'],
    ['1ki'],
    ['1KI'],
    ['1Ki5'],
    ['1EE'],
    ['1e3.5'],
    ['1e'],
    ['e-10'],
    ['1..5'],
    ['one'],
    ['--1'],
  ])('rejects %j', (input) => {
    expect(parseQuantity(input)).toBeUndefined();
  });

  test('compares forms the API server treats as equal', () => {
    expect(parseQuantity('1000m')).toBe(parseQuantity('1'));
    expect(parseQuantity('1e3')).toBe(parseQuantity('1k'));
    expect(parseQuantity('1024')).toBe(parseQuantity('1Ki'));
    expect(parseQuantity('1E')! > parseQuantity('2P')!).toBe(true);
  });
});
