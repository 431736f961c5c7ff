import * as v8 from 'v8';
import * as vm from 'vm';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function min(values: number[]): number {
  return Math.min(...values);
}

export function max(values: number[]): number {
  return Math.max(...values);
}

/** Milliseconds since `start` (from process.hrtime.bigint()). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Times one call of `fn`, in milliseconds. */
export function timeMs<T>(fn: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: elapsedMs(start), result };
}

let gcFn: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/**
 * A full garbage collection before each timed run, so that one run does not pay for the
 * garbage of the previous one. `npm run bench` cannot pass --expose-gc to ts-node's node, so
 * the flag is set at run time and `gc` taken from a fresh context.
 */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}
