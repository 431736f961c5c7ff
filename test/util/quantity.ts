/**
 * resource.ParseQuantity, ported for the test oracle: the grammar the API server accepts and the
 * value it stores. Source: kubernetes/apimachinery v0.28.9 (Kubernetes 1.28),
 * pkg/api/resource/quantity.go (parseQuantityString, ParseQuantity, Quantity.UnmarshalJSON) and
 * pkg/api/resource/suffix.go (newSuffixer, suffixHandler.interpret).
 *
 * Values are returned in nano-units (1e-9) as a bigint, because that is the precision the API
 * server keeps: ParseQuantity rounds anything finer up, away from zero, to 1n.
 */

// suffix.go newSuffixer: decimal SI (including "n" and "u", which the grammar comment omits)...
const DECIMAL_SUFFIXES: { readonly [suffix: string]: number } = {
  '': 0, 'n': -9, 'u': -6, 'm': -3, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18,
};
// ...and binary SI.
const BINARY_SUFFIXES: { readonly [suffix: string]: number } = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
// quantity.go parseQuantityString: the characters a suffix may start with.
const SUFFIX_CHARS = 'eEinumkKMGTP';
const INT64_MAX = 2n ** 63n - 1n;
const NANO = 10n ** 9n;
// Exponents beyond this only make a number larger (or smaller) than anything compared here, and
// 10 ** 2^31 would not fit in memory.
const EXPONENT_BOUND = 1000;

interface Scanned {
  readonly positive: boolean;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
  readonly hasDigits: boolean;
}

/** parseQuantityString: sign, digits (leading zeros stripped), optional fraction, then the suffix. */
function scan(str: string): Scanned | undefined {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  const digitsFrom = pos;
  while (pos < end && str[pos] === '0') {
    pos++;
  }
  if (pos >= end) {
    // "+", "-", "000": all zeros (Go returns num "0" here)
    return { positive, num: '0', denom: '', suffix: '', hasDigits: true };
  }
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) {
    pos++;
  }
  const num = str.slice(numStart, pos) || '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) {
      pos++;
    }
    denom = str.slice(denomStart, pos);
  }
  const hasDigits = /[0-9]/.test(str.slice(digitsFrom, pos));
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos])) {
    pos++;
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) {
    pos++;
  }
  while (pos < end && isDigit(str[pos])) {
    pos++;
  }
  if (pos < end) {
    return undefined; // ErrFormatWrong
  }
  return { positive, num, denom, suffix: str.slice(suffixStart), hasDigits };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** suffixHandler.interpret: [base, exponent], or undefined for ErrSuffix. */
function interpret(suffix: string): [number, number] | undefined {
  if (DECIMAL_SUFFIXES[suffix] !== undefined) {
    return [10, DECIMAL_SUFFIXES[suffix]];
  }
  if (BINARY_SUFFIXES[suffix] !== undefined) {
    return [2, BINARY_SUFFIXES[suffix]];
  }
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(suffix[1:], 10, 64), then converted to int32
    const exp = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(exp)) {
      return undefined;
    }
    const parsed = BigInt(exp);
    if (parsed > INT64_MAX || parsed < -INT64_MAX - 1n) {
      return undefined;
    }
    return [10, Number(BigInt.asIntN(32, parsed))];
  }
  return undefined;
}

/**
 * The value of a quantity in nano-units, or undefined where the API server rejects it. Accepts a
 * JSON number too (Quantity.UnmarshalJSON parses its text), and trims spaces as UnmarshalJSON does.
 */
export function parseQuantity(input: unknown): bigint | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') {
    return undefined;
  }
  const str = String(input).trim();
  if (str.length === 0) {
    return undefined;
  }
  const scanned = scan(str);
  if (!scanned) {
    return undefined;
  }
  const interpreted = interpret(scanned.suffix);
  if (!interpreted) {
    return undefined;
  }
  const [base, exponent] = interpreted;
  const mantissa = BigInt(scanned.num + scanned.denom);
  const fractionDigits = scanned.denom.length;
  let numerator: bigint;
  let denominator: bigint;
  if (base === 2) {
    numerator = mantissa * 2n ** BigInt(exponent) * NANO;
    denominator = 10n ** BigInt(fractionDigits);
  } else {
    const scale = exponent - fractionDigits;
    // Off the fast path (scale below nano) the API server parses the digits with inf.Dec, which
    // fails on a number without any digit ("e-10").
    if (scale < -9 && !scanned.hasDigits) {
      return undefined;
    }
    const shift = Math.max(-EXPONENT_BOUND, Math.min(EXPONENT_BOUND, scale + 9));
    numerator = shift >= 0 ? mantissa * 10n ** BigInt(shift) : mantissa;
    denominator = shift >= 0 ? 1n : 10n ** BigInt(-shift);
  }
  // inf.RoundUp at nano scale: away from zero
  let nanos = (numerator + denominator - 1n) / denominator;
  // quantity.go: "The max is just a simple cap" (binary SI only)
  if (base === 2 && nanos > INT64_MAX * NANO) {
    nanos = INT64_MAX * NANO;
  }
  return scanned.positive ? nanos : -nanos;
}
