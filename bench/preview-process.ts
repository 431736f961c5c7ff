/**
 * The placement preview as a user runs it: whole `cdk8s-node-agents preview` processes (Node
 * start-up, loading the compiled library, reading and parsing both inventories and the
 * manifests, the preview, the report written to a file) on 5,000 nodes, 100,000 running pods and
 * the example app's seven DaemonSets, side by side with a process that only reads and parses
 * the same two JSON files. The processes run in turn (floor, --summary, --json, floor, ...), so a
 * drift of the machine's speed touches all three; each round's ratio is taken pair by pair.
 *
 * Peak memory is each process's own `process.resourceUsage().maxRSS`, written at exit by a
 * preload script given to all three (`node -r`), with the CPU time it used (`process.cpuUsage`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventoryJson, nodeNames, podsJson } from './inventory';
import { elapsedMs, median } from './stats';
import { markdownTable, spread, verdict } from './table';

export interface ProcessPreviewOptions {
  readonly nodes: number;
  readonly pods: number;
  /** Timed rounds, after one warm-up round. */
  readonly runs: number;
  readonly log: (line: string) => void;
}

export interface ProcessRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMiB: number;
}

export interface ProcessCase {
  readonly label: string;
  readonly command: string;
  readonly runs: ProcessRun[];
  /** Bytes the last run wrote to standard output. */
  readonly outputBytes: number;
}

export interface ProcessPreviewResults {
  readonly nodes: number;
  readonly pods: number;
  readonly daemonSets: number;
  readonly nodesBytes: number;
  readonly podsBytes: number;
  readonly floor: ProcessCase;
  readonly summary: ProcessCase;
  readonly json: ProcessCase;
  /** The --summary output of the last round, to show what was computed. */
  readonly summaryHead: string;
}

/** Targets of issue 21: whole processes against the parse-only process. */
export const PROCESS_TARGETS = { summary: 2, json: 2.5 };

const PRELOAD = `process.on('exit', () => {
  const u = process.cpuUsage();
  require('fs').appendFileSync(process.env.BENCH_PEAK_FILE, JSON.stringify({ peakKiB: process.resourceUsage().maxRSS, cpuMs: (u.user + u.system) / 1000 }) + '\\n');
});
`;

const FLOOR = `const fs = require('fs');
JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
JSON.parse(fs.readFileSync(process.argv[3], 'utf-8'));
`;

/** Synthesizes the example app into `dir` (its seven charts, one DaemonSet each). */
function synthesizeExample(root: string, dir: string): string[] {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join('examples', 'main.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: dir, TS_NODE_PROJECT: 'tsconfig.dev.json' },
  });
  if (result.status !== 0) {
    throw new Error(`synthesizing the example app failed (exit ${result.status}): ${result.stderr}`);
  }
  return fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join(dir, f));
}

function runOnce(args: string[], outFile: string, peakFile: string, preload: string): ProcessRun & { bytes: number } {
  fs.writeFileSync(peakFile, '');
  const out = fs.openSync(outFile, 'w');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-r', preload, ...args], {
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, BENCH_PEAK_FILE: peakFile },
    maxBuffer: 2 ** 26,
  });
  const wallMs = elapsedMs(started);
  fs.closeSync(out);
  // The preview exits 1 when a --require flag fails; none is given here, so 0 is expected.
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${String(result.stderr).slice(0, 2000)}`);
  }
  const lines = fs.readFileSync(peakFile, 'utf8').trim().split('\n');
  const report = JSON.parse(lines[lines.length - 1]) as { peakKiB: number; cpuMs: number };
  return { wallMs, cpuMs: report.cpuMs, peakMiB: report.peakKiB / 1024, bytes: fs.statSync(outFile).size };
}

export function runPreviewProcesses(root: string, options: ProcessPreviewOptions): ProcessPreviewResults {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-node-agents-preview-'));
  try {
    const manifests = synthesizeExample(root, path.join(work, 'manifests'));
    const nodesText = inventoryJson(options.nodes);
    const nodesFile = path.join(work, 'nodes.json');
    const podsFile = path.join(work, 'pods.json');
    fs.writeFileSync(nodesFile, nodesText);
    const podsText = podsJson(nodeNames(nodesText), options.pods, []);
    fs.writeFileSync(podsFile, podsText);
    const sizes = { nodes: nodesText.length, pods: podsText.length };
    options.log(`preview processes: ${options.nodes} nodes (${(sizes.nodes / 2 ** 20).toFixed(0)} MiB), ${options.pods} pods (${(sizes.pods / 2 ** 20).toFixed(0)} MiB), ${manifests.length} manifests of the example app`);
    const preload = path.join(work, 'peak.js');
    fs.writeFileSync(preload, PRELOAD);
    const floorScript = path.join(work, 'parse-only.js');
    fs.writeFileSync(floorScript, FLOOR);
    const cli = path.join(root, 'lib', 'cli', 'main.js');
    const preview = ['preview', '--nodes', nodesFile, '--pods', podsFile, path.join(work, 'manifests')];
    const cases = [
      { label: 'floor: node reads and JSON.parses both files', args: [floorScript, nodesFile, podsFile], command: 'node parse-only.js nodes.json pods.json' },
      { label: 'cdk8s-node-agents preview --summary', args: [cli, ...preview.slice(0, 1), '--summary', ...preview.slice(1)], command: 'node lib/cli/main.js preview --summary --nodes nodes.json --pods pods.json manifests/' },
      { label: 'cdk8s-node-agents preview --json', args: [cli, ...preview.slice(0, 1), '--json', ...preview.slice(1)], command: 'node lib/cli/main.js preview --json --nodes nodes.json --pods pods.json manifests/ > out.json' },
    ].map((c) => ({ ...c, runs: [] as ProcessRun[], bytes: 0 }));
    const started = Date.now();
    for (let round = 0; round <= options.runs; round++) {
      for (const [k, c] of cases.entries()) {
        const r = runOnce(c.args, path.join(work, `out-${k}`), path.join(work, 'peak'), preload);
        c.bytes = r.bytes;
        if (round > 0) {
          c.runs.push({ wallMs: r.wallMs, cpuMs: r.cpuMs, peakMiB: r.peakMiB });
        }
      }
    }
    options.log(`preview processes: ${cases.length} commands x ${options.runs + 1} rounds in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const summaryHead = fs.readFileSync(path.join(work, 'out-1'), 'utf8');
    const [floor, summary, json] = cases.map((c) => ({ label: c.label, command: c.command, runs: c.runs, outputBytes: c.bytes }));
    return {
      nodes: options.nodes,
      pods: options.pods,
      daemonSets: manifests.length,
      nodesBytes: sizes.nodes,
      podsBytes: sizes.pods,
      floor,
      summary,
      json,
      summaryHead,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The median of the round-by-round ratios of one case to the floor (wall time). */
export function processRatio(p: ProcessPreviewResults, which: 'summary' | 'json', field: 'wallMs' | 'cpuMs' = 'wallMs'): number {
  const c = p[which];
  return median(c.runs.map((r, i) => r[field] / p.floor.runs[i][field]));
}

export function processMarkdown(p: ProcessPreviewResults): string {
  const rows = [p.floor, p.summary, p.json].map((c) => {
    const which = c === p.summary ? 'summary' : c === p.json ? 'json' : undefined;
    return [
      c.label,
      spread(c.runs.map((r) => r.wallMs)),
      spread(c.runs.map((r) => r.cpuMs)),
      which ? `${processRatio(p, which).toFixed(2)}x` : '1.00x',
      which ? `${processRatio(p, which, 'cpuMs').toFixed(2)}x` : '1.00x',
      `${median(c.runs.map((r) => r.peakMiB)).toFixed(0)}`,
      String(c.outputBytes),
    ];
  });
  const s = processRatio(p, 'summary');
  const j = processRatio(p, 'json');
  return [
    `Whole processes, ${p.nodes.toLocaleString('en-US')} nodes (${(p.nodesBytes / 2 ** 20).toFixed(1)} MiB of kubectl JSON), `
      + `${p.pods.toLocaleString('en-US')} pods (${(p.podsBytes / 2 ** 20).toFixed(1)} MiB), the example app's ${p.daemonSets} DaemonSets; `
      + `${p.floor.runs.length} rounds in turn (floor, --summary, --json) after one warm-up round. `
      + '× floor: the median of the round-by-round ratios. Peak: each process\'s maxRSS, MiB (median).',
    '',
    markdownTable(['process', 'wall ms, median [min–max]', 'CPU ms, median [min–max]', '× floor (wall)', '× floor (CPU)', 'peak MiB', 'stdout bytes'], rows),
    '',
    markdownTable(['target', 'measured', 'target', 'verdict'], [
      ['preview --summary, whole process, vs the parse-only process (wall)', `${s.toFixed(2)}x`, `≤ ${PROCESS_TARGETS.summary}x`, verdict(s, PROCESS_TARGETS.summary)],
      ['preview --json, whole process, vs the parse-only process (wall)', `${j.toFixed(2)}x`, `≤ ${PROCESS_TARGETS.json}x`, verdict(j, PROCESS_TARGETS.json)],
    ]),
    '',
    'The `--summary` output of the last run (each list cut after 8 lines):',
    '',
    '```text',
    excerpt(p.summaryHead, 8),
    '```',
  ].join('\n');
}

/** The text with each list (a blank-line-separated section whose first line ends with ":") cut after `max` lines, "..." marking the cut; temp folders left out. */
function excerpt(text: string, max: number): string {
  return text.trimEnd().replace(/\/\S*\/(nodes|pods)\.json/g, '$1.json').split('\n\n')
    .map((section) => {
      const lines = section.split('\n');
      return lines[0].endsWith(':') && lines.length > max + 1 ? [...lines.slice(0, max), '...'].join('\n') : section;
    })
    .join('\n\n');
}
