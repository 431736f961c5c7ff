/**
 * `npm run bench`: what the library costs, side by side with its floor and its alternatives.
 * Prints a markdown report and writes it to bench/results/latest.md. Never a jest test: timings
 * on shared CI machines are too noisy to assert.
 *
 * Options (pass them with `npx ts-node --project tsconfig.dev.json bench/run.ts ...`, since the
 * projen task does not forward arguments):
 *   --quick              fewer runs (a smoke test of the script, not numbers to publish)
 *   --only a,b           sections: synthesis, startup, preview, helm
 *   --cases a,b          synthesis cases by id (see bench/cases.ts)
 *   --no-compile         do not compile a stale lib/ (the start-up section says it is stale)
 *   --out FILE           where to write the report (default bench/results/latest.md)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runHelm, helmMarkdown, HelmResults } from './helm';
import { describeMachine, machineMarkdown } from './machine';
import { PreviewOptions, previewMarkdown, PreviewResults, previewRatio } from './preview';
import { PROCESS_TARGETS, processMarkdown, ProcessPreviewResults, processRatio, runPreviewProcesses } from './preview-process';
import { ensureCompiledLib, runStartup, startupMarkdown, startupRatio, StartupResults } from './startup';
import { synthesisMarkdown, SynthesisOptions, SynthesisResults, synthesisTargets } from './synthesis';
import { markdownTable, verdict } from './table';

const ROOT = path.resolve(__dirname, '..');
const SECTIONS = ['synthesis', 'startup', 'preview', 'helm'];

interface Args {
  readonly quick: boolean;
  readonly only: string[];
  readonly cases?: string[];
  readonly compile: boolean;
  readonly out: string;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only')?.split(',') ?? SECTIONS;
  const unknown = only.filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0) {
    throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; expected ${SECTIONS.join(', ')}`);
  }
  return {
    quick: argv.includes('--quick'),
    only,
    cases: value('--cases')?.split(','),
    compile: !argv.includes('--no-compile'),
    out: path.resolve(value('--out') ?? path.join(ROOT, 'bench', 'results', 'latest.md')),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Runs an in-process section in a child of plain node (see child.ts for why) and returns its results. */
function inChild<T>(section: string, options: object): T {
  const result = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join('bench', 'child.ts'), section, JSON.stringify(options)], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 2 ** 28,
  });
  if (result.status !== 0) {
    throw new Error(`the ${section} section failed (exit ${result.status}); its error is above`);
  }
  return JSON.parse(result.stdout) as T;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const machine = describeMachine(ROOT);
  log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}${args.quick ? ' (--quick: smoke test only)' : ''}`);

  let synthesis: SynthesisResults | undefined;
  let startup: StartupResults | undefined;
  let preview: PreviewResults | undefined;
  let previewProcesses: ProcessPreviewResults | undefined;
  let previewLib: string | undefined;
  let helm: HelmResults | undefined;

  // Start-up first: it may compile lib/, which the helm section's node processes load too.
  if (args.only.includes('startup')) {
    startup = runStartup(ROOT, { runs: args.quick ? 2 : 12, exampleRuns: args.quick ? 1 : 3, compile: args.compile, log });
  }
  if (args.only.includes('synthesis')) {
    const options: Omit<SynthesisOptions, 'log'> = { runs: args.quick ? { 1: 3, 100: 2, 300: 1, 1000: 1 } : { 1: 30, 100: 10, 300: 7, 1000: 5 }, only: args.cases };
    synthesis = inChild<SynthesisResults>('synthesis', options);
  }
  if (args.only.includes('preview')) {
    const options: Omit<PreviewOptions, 'log'> = { nodes: 5000, pods: 100000, daemonSets: 20, runs: args.quick ? 1 : 7 };
    preview = inChild<PreviewResults>('preview', options);
    // Whole processes run the compiled CLI (lib/cli/main.js), as users do.
    const lib = startup?.lib ?? ensureCompiledLib(ROOT, args.compile, log);
    previewLib = lib.note;
    previewProcesses = runPreviewProcesses(ROOT, { nodes: 5000, pods: 100000, runs: args.quick ? 1 : 5, log });
  }
  if (args.only.includes('helm')) {
    helm = runHelm(ROOT, { counts: [1, 100, 1000], runs: args.quick ? 1 : 5, log });
  }

  const targets: string[][] = [];
  if (synthesis) {
    targets.push(...synthesisTargets(synthesis).map((t) => [t.what, `${t.value.toFixed(2)}x`, `≤ ${t.target}x`, verdict(t.value, t.target)]));
  }
  if (startup) {
    const r = startupRatio(startup);
    targets.push(['loading the library vs cdk8s-plus-28 alone (require wall time, fresh processes)', `${r.require.toFixed(2)}x`, '≤ 1.1x', verdict(r.require, 1.1)]);
    targets.push(['the same, require CPU time', `${r.cpu.toFixed(2)}x`, '≤ 1.1x', verdict(r.cpu, 1.1)]);
  }
  if (preview) {
    const r = previewRatio(preview);
    targets.push([`placement preview with fit, ${preview.nodes} nodes, ${preview.pods} pods × ${preview.daemonSets} DaemonSets, vs JSON.parse of both inventories`, `${r.toFixed(2)}x`, '≤ 3x', verdict(r, 3)]);
  }
  if (previewProcesses) {
    const p = previewProcesses;
    const s = processRatio(p, 'summary');
    const j = processRatio(p, 'json');
    targets.push([`preview --summary, whole process, ${p.nodes} nodes, ${p.pods} pods, ${p.daemonSets} DaemonSets, vs a process that parses both files`, `${s.toFixed(2)}x`, `≤ ${PROCESS_TARGETS.summary}x`, verdict(s, PROCESS_TARGETS.summary)]);
    targets.push(['preview --json, the same', `${j.toFixed(2)}x`, `≤ ${PROCESS_TARGETS.json}x`, verdict(j, PROCESS_TARGETS.json)]);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const report = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.ts${args.quick ? ' --quick: a smoke test, NOT numbers to publish' : ''}) in ${seconds} s. Times are medians of fresh runs, [min–max] their spread.`,
    '',
    machineMarkdown(machine),
    `- Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (above ${machine.cores} means other processes competed for the CPU: compare the spreads)`,
    '',
    '## Targets',
    '',
    markdownTable(['what', 'measured', 'target', 'verdict'], targets),
    ...(synthesis ? ['', '## Synthesis (in process: fresh App, construct, `app.synthYaml()`)', '', synthesisMarkdown(synthesis)] : []),
    ...(startup ? ['', '## Start-up', '', startupMarkdown(startup)] : []),
    ...(preview ? ['', '## Placement preview', '', '### In process (the library, 20 DaemonSets)', '', previewMarkdown(preview)] : []),
    ...(previewProcesses ? ['', '### Whole processes (the command line)', '', `Compiled library: ${previewLib}.`, '', processMarkdown(previewProcesses)] : []),
    ...(helm ? ['', '## helm template vs the library, whole processes', '', helmMarkdown(helm)] : []),
    '',
  ].join('\n');

  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, report);
  process.stdout.write(report);
  log(`done in ${seconds} s; written to ${path.relative(ROOT, args.out)}`);

  // A case that throws measured nothing: fail the run (the report above names it), so that a
  // change that breaks a case shows in CI's smoke run instead of as a quietly shorter table.
  const broken = (synthesis?.results ?? []).filter((r) => r.error?.startsWith('throws') === true);
  if (broken.length > 0) {
    log(`FAILED: ${broken.map((r) => `${r.label}: ${r.error}`).join('; ')}`);
    process.exitCode = 1;
  }
}

main();
