/**
 * Internal: Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`), read as the scheduler reads
 * them. Source: staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (`ParseQuantity`:
 * a signed decimal number, then a binary-SI suffix Ki..Ei, a decimal-SI suffix n, u, m, k, M,
 * G, T, P, E, or an exponent e/E). The scheduler reads CPU as `MilliValue()` and everything else
 * as `Value()`, both rounded up to an integer (pkg/scheduler/framework/types.go `Resource.Add`).
 *
 * Numbers are JavaScript doubles: exact up to 2^53 (8 PiB of memory, 9e12 cores in millis).
 */

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: { [suffix: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: { [suffix: string]: number } = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// Fleets repeat the same few strings (`100m`, `128Mi`) across 100,000 pods: parse each once.
const cache = new Map<string, number>();
const milliCache = new Map<string, number>();

/**
 * The quantity as an integer, rounded up (`Quantity.Value()`), or as milli-units with
 * `milli` (`Quantity.MilliValue()`, for CPU). Returns undefined when the text is not a quantity.
 */
export function parseQuantity(text: unknown, milli = false): number | undefined {
  if (typeof text === 'number') {
    // YAML turns `cpu: 2` into a number; the API server reads it as the quantity "2".
    return Number.isFinite(text) ? Math.ceil(milli ? text * 1000 : text) : undefined;
  }
  if (typeof text !== 'string') {
    return undefined;
  }
  const memo = milli ? milliCache : cache;
  const hit = memo.get(text);
  if (hit !== undefined) {
    return hit;
  }
  const m = QUANTITY.exec(text);
  if (m === null) {
    return undefined;
  }
  const [, sign, number, suffix = ''] = m;
  const dot = number.indexOf('.');
  const fraction = dot === -1 ? '' : number.slice(dot + 1);
  // The digits as one integer, and the power of ten that scales it: exact integer arithmetic
  // until the last division, so "0.1" cpu is 100m and not 100.00000000000001m.
  const digits = Number((dot === -1 ? number : number.slice(0, dot) + fraction) || '0');
  let exponent = -fraction.length + (milli ? 3 : 0);
  let factor = 1;
  if (suffix in BINARY) {
    factor = BINARY[suffix];
  } else if (suffix in DECIMAL) {
    exponent += DECIMAL[suffix];
  } else if (suffix !== '') {
    exponent += Number(suffix.slice(1));
  }
  const scaled = exponent >= 0 ? digits * factor * 10 ** exponent : Math.ceil((digits * factor) / 10 ** -exponent);
  const value = sign === '-' ? -scaled : scaled;
  if (memo.size < 10000) {
    memo.set(text, value);
  }
  return value;
}
