/**
 * Synthesis of 1, 100 and 1,000 agents per case, round-robin across cases so that drift (CPU
 * frequency, a neighbour's load) spreads over all of them, a full GC before every timed run,
 * one discarded warm-up round per size.
 */
import { BASELINE_ID, CaseGroup, CASES, SynthesisCase } from './cases';
import { collectGarbage, median, timeMs } from './stats';
import { markdownTable, ratio, spread, us, verdict } from './table';

export interface SynthesisOptions {
  /** Instance counts, and the timed runs for each. */
  readonly runs: { [count: number]: number };
  /** Case ids to measure (default: all). */
  readonly only?: string[];
  readonly log: (line: string) => void;
}

/** One case's results; plain data, so that a child process can send them as JSON. */
export interface CaseResult {
  readonly id: string;
  readonly label: string;
  readonly group: CaseGroup;
  /** Timed runs in ms, by instance count. */
  readonly runs: { [count: number]: number[] };
  /** Kubernetes objects one instance synthesizes. */
  objectsPerInstance?: number;
  /** YAML bytes one instance synthesizes. */
  bytesPerInstance?: number;
  /** For the floor and the alternatives: whether the YAML equals the core's (cdk8s-plus's address label aside). */
  sameAsCore?: boolean;
  error?: string;
}

export interface SynthesisResults {
  readonly counts: number[];
  readonly results: CaseResult[];
}

function docCount(yaml: string): number {
  return yaml.split('\n---\n').length;
}

/** cdk8s-plus labels its pod templates with the construct address; nothing else differs. */
function normalize(yaml: string): string {
  return yaml.split('\n').filter((l) => !l.includes('cdk8s.io/metadata.addr')).join('\n');
}

export function runSynthesis(options: SynthesisOptions): SynthesisResults {
  const counts = Object.keys(options.runs).map(Number).sort((a, b) => a - b);
  const cases = CASES.filter((c) => !options.only || options.only.includes(c.id));
  const results: CaseResult[] = cases.map((c) => ({
    id: c.id, label: c.label, group: c.group, runs: Object.fromEntries(counts.map((n) => [n, []])), error: c.skipped,
  }));
  const caseOf = new Map<CaseResult, SynthesisCase>(results.map((r, i) => [r, cases[i]]));

  // One instance of each, untimed: shape of the output, and a case that throws is reported, not run.
  const single = new Map<string, string>();
  for (const r of results) {
    const run = caseOf.get(r)!.run;
    if (!run || r.error) {
      continue;
    }
    try {
      const yaml = run(2);
      r.objectsPerInstance = docCount(yaml) / 2;
      r.bytesPerInstance = yaml.length / 2;
      single.set(r.id, normalize(run(1)));
    } catch (e) {
      r.error = `throws: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  const core = single.get('core');
  for (const r of results) {
    if (['floor', 'l1', 'plus'].includes(r.id) && single.has(r.id) && core !== undefined) {
      r.sameAsCore = single.get(r.id) === core;
    }
  }

  const measured = results.filter((r) => caseOf.get(r)!.run && !r.error);
  for (const count of counts) {
    const rounds = options.runs[count] + 1;
    const started = Date.now();
    for (let round = 0; round < rounds; round++) {
      // Rotate the order every round so that no case always runs right after the same one.
      for (let k = 0; k < measured.length; k++) {
        const r = measured[(k + round) % measured.length];
        collectGarbage();
        const { ms: took } = timeMs(() => caseOf.get(r)!.run!(count));
        if (round > 0) {
          r.runs[count].push(took);
        }
      }
    }
    options.log(`synthesis: ${count} instance(s) x ${measured.length} cases x ${rounds} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return { counts, results };
}

/** Median ms per instance at the largest count. */
export function perInstance(r: CaseResult, counts: number[]): number {
  const n = counts[counts.length - 1];
  const runs = r.runs[n] ?? [];
  return runs.length > 0 ? median(runs) / n : NaN;
}

export function perObject(r: CaseResult, counts: number[]): number {
  return r.objectsPerInstance ? perInstance(r, counts) / r.objectsPerInstance : NaN;
}

export interface Target {
  readonly what: string;
  readonly value: number;
  readonly target: number;
}

export function synthesisTargets(s: SynthesisResults): Target[] {
  const byId = new Map(s.results.map((r) => [r.id, r]));
  const core = byId.get('core');
  const plus = byId.get(BASELINE_ID);
  const targets: Target[] = [];
  if (core && plus) {
    targets.push({ what: 'core DaemonSet vs cdk8s-plus-28 DaemonSet, same manifest, per instance', value: perInstance(core, s.counts) / perInstance(plus, s.counts), target: 1.25 });
  }
  // Issue 18: the core against the floor, the same YAML as plain data through cdk8s's own Yaml.stringify.
  const floor = byId.get('floor');
  const at300 = (r: CaseResult) => median(r.runs[300] ?? []);
  if (core && floor && (core.runs[300] ?? []).length > 0) {
    targets.push({ what: 'core DaemonSet vs the floor (the same YAML as plain data + Yaml.stringify), 300 instances', value: at300(core) / at300(floor), target: 1.5 });
  }
  for (const r of s.results.filter((x) => x.group === 'preset' && !x.error)) {
    if (core) {
      targets.push({ what: `${r.label} vs core, per Kubernetes object`, value: perObject(r, s.counts) / perObject(core, s.counts), target: 2 });
    }
  }
  return targets;
}

export function synthesisMarkdown(s: SynthesisResults): string {
  const byId = new Map(s.results.map((r) => [r.id, r]));
  const plus = byId.get(BASELINE_ID);
  const plusDefaults = byId.get('plus-defaults');
  const core = byId.get('core');
  const last = s.counts[s.counts.length - 1];
  const header = [
    'case', 'objects / instance', 'YAML bytes / instance',
    ...s.counts.map((n) => `${n.toLocaleString('en-US')} × ms, median [min–max]`),
    `µs / instance (${last.toLocaleString('en-US')})`, '× plus, same manifest', '× plus defaults', 'µs / object', '× core per object',
  ];
  const rows = s.results.map((r) => {
    const name = r.sameAsCore === undefined ? r.label : `${r.label}${r.sameAsCore ? '' : ' (OUTPUT DIFFERS from core)'}`;
    if (r.error) {
      return [name, '', '', ...s.counts.map(() => ''), `skipped: ${r.error}`, '', '', '', ''];
    }
    const pi = perInstance(r, s.counts);
    const po = perObject(r, s.counts);
    return [
      name,
      r.objectsPerInstance !== undefined ? String(r.objectsPerInstance) : '',
      r.bytesPerInstance !== undefined ? r.bytesPerInstance.toFixed(0) : '',
      ...s.counts.map((n) => spread(r.runs[n] ?? [])),
      us(pi),
      plus ? ratio(pi, perInstance(plus, s.counts)) : 'n/a',
      plusDefaults ? ratio(pi, perInstance(plusDefaults, s.counts)) : 'n/a',
      us(po),
      core ? ratio(po, perObject(core, s.counts)) : 'n/a',
    ];
  });
  const lines = [markdownTable(header, rows)];
  const targets = synthesisTargets(s);
  if (targets.length > 0) {
    lines.push('', markdownTable(['target', 'measured', 'target', 'verdict'], targets.map((t) => [t.what, `${t.value.toFixed(2)}x`, `≤ ${t.target}x`, verdict(t.value, t.target)])));
  }
  // The issue-18 target beside what the libraries under the core cost for the same YAML.
  const floor = byId.get('floor');
  if (floor && (floor.runs[300] ?? []).length > 0) {
    const at300 = (r?: CaseResult) => (r && (r.runs[300] ?? []).length > 0 ? `${(median(r.runs[300]) / median(floor.runs[300])).toFixed(2)}x` : 'n/a');
    lines.push('', `At 300 instances, against the floor: the L1 classes ${at300(byId.get('l1'))}, cdk8s-plus-28 by hand with the same manifest ${at300(plus)}, `
      + `the core ${at300(core)}. The core renders its pod through cdk8s-plus-28's DaemonSet, so it cannot go below the second figure.`);
  }
  return lines.join('\n');
}
