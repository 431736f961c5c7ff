/**
 * Start-up: loading the compiled library (lib/, the jsii output users install) against loading
 * cdk8s-plus-28 alone, each in fresh child processes; and a whole `synth:example` run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { elapsedMs, median } from './stats';
import { markdownTable, ratio, spread, verdict } from './table';

export interface LibState {
  /** "fresh", "compiled" (by this run) or "stale". */
  readonly state: 'fresh' | 'compiled' | 'stale';
  readonly note: string;
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return listTs(p);
    }
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Source files whose compiled lib/ file is missing or older than the source. */
export function staleSources(root: string): string[] {
  const src = path.join(root, 'src');
  return listTs(src).filter((file) => {
    const js = path.join(root, 'lib', path.relative(src, file)).replace(/\.ts$/, '.js');
    return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(file).mtimeMs;
  }).map((f) => path.relative(root, f));
}

/** Compiles lib/ with the project's compile command when it is older than src/ (unless told not to). */
export function ensureCompiledLib(root: string, compile: boolean, log: (line: string) => void): LibState {
  const stale = staleSources(root);
  if (stale.length === 0) {
    return { state: 'fresh', note: 'lib/ was up to date with src/' };
  }
  const what = `${stale.length} source file(s) newer than lib/ (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''})`;
  if (!compile) {
    return { state: 'stale', note: `lib/ is STALE: ${what}; run \`npx jsii --silence-warnings=reserved-word\` (or drop --no-compile)` };
  }
  log(`startup: ${what}; compiling lib/ with npx jsii --silence-warnings=reserved-word`);
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join(' / ');
    return { state: 'stale', note: `lib/ is STALE: ${what}; the compile failed (${output || `exit ${result.status}`}), so the old lib/ was measured` };
  }
  return { state: 'compiled', note: `lib/ was stale (${what}) and was compiled by this run in ${(elapsedMs(started) / 1000).toFixed(0)} s` };
}

export interface ProcessStep {
  readonly label: string;
  /** Wall time of the whole child process, ms. */
  readonly wall: number[];
  /** Wall time of the `require` alone, measured inside the child with hrtime, ms (load steps only). */
  readonly require: number[];
  /** CPU time (user + system) of the `require` alone, ms: less disturbed by other processes on a busy machine. */
  readonly cpu: number[];
}

export interface StartupResults {
  readonly lib: LibState;
  readonly loads: ProcessStep[];
  readonly example: ProcessStep[];
  readonly exampleObjects: string;
}

function runChild(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { wall: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 2 ** 30 });
  const wall = elapsedMs(started);
  if (result.status !== 0) {
    throw new Error(`child process failed (${args.join(' ').slice(0, 120)}): ${(result.stderr ?? '').split('\n').slice(0, 5).join(' / ')}`);
  }
  return { wall, stdout: result.stdout };
}

/** What each child loads untimed first, then what it times. */
const LOADS: Array<{ label: string; before?: string; timed?: string }> = [
  { label: 'node -e 0 (Node itself)' },
  { label: 'require(\'cdk8s\')', timed: 'cdk8s' },
  { label: 'require(\'cdk8s-plus-28\') (the baseline)', timed: 'cdk8s-plus-28' },
  { label: 'require(\'./lib\') (this library, which loads cdk8s-plus-28)', timed: './lib' },
  { label: 'require(\'./lib\') after cdk8s-plus-28: the library\'s own modules', before: 'cdk8s-plus-28', timed: './lib' },
];
const BASELINE = 2;
const LIBRARY = 3;

function childCode(load: { before?: string; timed?: string }): string {
  if (!load.timed) {
    return 'process.stdout.write("{}")';
  }
  return [
    load.before ? `require(${JSON.stringify(load.before)});` : '',
    'const c = process.cpuUsage(); const s = process.hrtime.bigint();',
    `require(${JSON.stringify(load.timed)});`,
    'const wall = Number(process.hrtime.bigint() - s) / 1e6; const d = process.cpuUsage(c);',
    'process.stdout.write(JSON.stringify({ wall, cpu: (d.user + d.system) / 1e3 }));',
  ].join(' ');
}

export interface StartupOptions {
  /** Timed child processes per load. */
  readonly runs: number;
  /** Timed example runs. */
  readonly exampleRuns: number;
  /** Whether to compile a stale lib/ first. */
  readonly compile: boolean;
  readonly log: (line: string) => void;
}

export function runStartup(root: string, options: StartupOptions): StartupResults {
  const lib = ensureCompiledLib(root, options.compile, options.log);
  const started = Date.now();
  const loads: ProcessStep[] = LOADS.map(({ label }) => ({ label, wall: [], require: [], cpu: [] }));
  for (let round = 0; round <= options.runs; round++) {
    for (let k = 0; k < LOADS.length; k++) {
      const i = (k + round) % LOADS.length;
      const { wall, stdout } = runChild(root, ['-e', childCode(LOADS[i])]);
      const inside = JSON.parse(stdout) as { wall?: number; cpu?: number };
      if (round > 0) {
        loads[i].wall.push(wall);
        if (inside.wall !== undefined && inside.cpu !== undefined) {
          loads[i].require.push(inside.wall);
          loads[i].cpu.push(inside.cpu);
        }
      }
    }
  }
  options.log(`startup: ${LOADS.length} loads x ${options.runs + 1} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The synth:example task's own command, output to a temporary folder (never dist/).
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-node-agents-bench-'));
  const tsNode = path.join(root, 'node_modules', 'ts-node', 'dist', 'bin.js');
  const args = [tsNode, '--project', 'tsconfig.dev.json', 'examples/main.ts'];
  const example: ProcessStep[] = [
    { label: 'synth:example (ts-node --project tsconfig.dev.json examples/main.ts)', wall: [], require: [], cpu: [] },
    { label: 'the same with TS_NODE_TRANSPILE_ONLY=true (no type check)', wall: [], require: [], cpu: [] },
  ];
  let exampleObjects = '';
  const exampleStarted = Date.now();
  try {
    for (let round = 0; round <= options.exampleRuns; round++) {
      const checked = runChild(root, args, { CDK8S_OUTDIR: outdir });
      const transpiled = runChild(root, args, { CDK8S_OUTDIR: outdir, TS_NODE_TRANSPILE_ONLY: 'true' });
      if (round > 0) {
        example[0].wall.push(checked.wall);
        example[1].wall.push(transpiled.wall);
      }
      exampleObjects = checked.stdout.trim();
    }
  } catch (e) {
    exampleObjects = `synth:example FAILED: ${(e as Error).message}`;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  options.log(`startup: synth:example x ${options.exampleRuns + 1} rounds in ${((Date.now() - exampleStarted) / 1000).toFixed(1)} s`);
  return { lib, loads, example, exampleObjects };
}

/** Library load time over cdk8s-plus-28's, each in its own fresh processes. */
export function startupRatio(s: StartupResults): { require: number; cpu: number; wall: number } {
  const plus = s.loads[BASELINE];
  const lib = s.loads[LIBRARY];
  return {
    require: median(lib.require) / median(plus.require),
    cpu: median(lib.cpu) / median(plus.cpu),
    wall: median(lib.wall) / median(plus.wall),
  };
}

export function startupMarkdown(s: StartupResults): string {
  const plus = s.loads[BASELINE];
  const rows = s.loads.map((l) => [
    l.label,
    spread(l.require), ratio(median(l.require), median(plus.require)),
    spread(l.cpu), ratio(median(l.cpu), median(plus.cpu)),
    spread(l.wall), ratio(median(l.wall), median(plus.wall)),
  ]);
  const r = startupRatio(s);
  const example = s.example.filter((e) => e.wall.length > 0).map((e) => [e.label, spread(e.wall)]);
  return [
    `Compiled library: ${s.lib.note}.`,
    '',
    markdownTable(['fresh `node -e` child process', 'require wall ms', '× plus', 'require CPU ms', '× plus', 'process wall ms', '× plus'], rows),
    '',
    markdownTable(['target', 'measured', 'target', 'verdict'], [
      ['loading the library vs cdk8s-plus-28 alone (require wall time)', `${r.require.toFixed(2)}x`, '≤ 1.1x', verdict(r.require, 1.1)],
      ['the same, require CPU time', `${r.cpu.toFixed(2)}x`, '≤ 1.1x', verdict(r.cpu, 1.1)],
      ['the same, whole process wall time (Node start-up included)', `${r.wall.toFixed(2)}x`, '≤ 1.1x', verdict(r.wall, 1.1)],
    ]),
    '',
    example.length > 0 ? markdownTable(['whole example run', 'wall ms, median [min–max]'], example) : '',
    '',
    `Example output: ${s.exampleObjects || 'n/a'}`,
  ].join('\n');
}
