import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { Errors } from '../../src';
import { newChart, synth } from '../util/synth';

/** Seeded and reproducible; FUZZ_SEED and FUZZ_RUNS override for a longer local hunt. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
export const RUNS = Number(process.env.FUZZ_RUNS ?? 0);

/** The shape of every error the library raises for bad input: the construct, the prop, the value. */
const LIBRARY_ERROR = /^(Invalid props|\d+ invalid props) for ([A-Za-z]+ '[^']+'|[A-Za-z]+\.[A-Za-z]+\(\)):\n( {2}- [^\n]+: got [^\n]+(\n|$))+/;
/** The app-wide checks at synth: conflicts between the app's agents, as a validation error too. */
const CONFLICT_ERROR = /^\d+ conflicts? between the app's agents:\n( {2}- [^\n]+(\n|$))+/;

export interface FuzzStats {
  runs: number;
  manifests: number;
  rejected: number;
}

/**
 * Runs `build` on generated props. Each run must end either in a manifest that passes the
 * Kubernetes schema and the API-server rules (and `check`, which asserts that no user value was
 * lost), or in the library's own error naming the prop — never a TypeError or any other error.
 */
export function fuzz<T>(arb: fc.Arbitrary<T>, runs: number,
  build: (chart: Chart, props: T) => void, check: (props: T, objects: any[]) => void): FuzzStats {
  const stats: FuzzStats = { runs: 0, manifests: 0, rejected: 0 };
  fc.assert(fc.property(arb, (props) => {
    stats.runs++;
    const chart = newChart();
    let objects: any[];
    try {
      build(chart, props);
      objects = synth(chart);
    } catch (e) {
      const error = e as Error;
      const libraryError = Errors.isValidationError(error) && (LIBRARY_ERROR.test(error.message) || CONFLICT_ERROR.test(error.message));
      if (!libraryError) {
        throw new Error(`not a library error (${error.constructor.name}): ${error.message}\n${error.stack}`);
      }
      stats.rejected++;
      return;
    }
    check(props, objects);
    stats.manifests++;
  }), { seed: SEED, numRuns: RUNS || runs });
  return stats;
}

/** Asserts that no value in the output is undefined, null or NaN (a dropped or broken user value). */
export function expectNoHoles(value: any, path = ''): void {
  if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) {
    throw new Error(`hole at ${path}: ${String(value)}`);
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      expectNoHoles(v, `${path}.${k}`);
    }
  }
}
