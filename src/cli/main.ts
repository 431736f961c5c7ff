#!/usr/bin/env node
/**
 * The `cdk8s-node-agents` command line:
 *
 *   cdk8s-node-agents preview --nodes nodes.json [--json] [--require-full-coverage] FILE...
 *
 * Exit codes: 0 success; 1 a check failed (with --require-full-coverage, an eligible node would
 * get no pod; or a DaemonSet is invalid: the API server would reject it); 2 usage error (unknown
 * option, missing --nodes or FILE, unreadable file, malformed node inventory).
 */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { NodeInventory, NodePlacement, PlacementPreview, RolloutPlan, RolloutStrategy } from '../placement';

/** Where the command writes. */
export interface CliIo {
  /** Writes text to standard output (the text carries its own newlines). */
  stdout(text: string): void;
  /** Writes text to standard error (the text carries its own newlines). */
  stderr(text: string): void;
}

export const USAGE = `Usage: cdk8s-node-agents preview --nodes NODES_FILE [--json] [--require-full-coverage] FILE...

Shows, for every apps/v1 DaemonSet in the manifest FILEs (multi-document YAML or JSON,
e.g. cdk8s synth output; other kinds are ignored), which nodes would run one of its pods,
why the others would not, and how an update would roll out.

Options:
  --nodes FILE               the node inventory: output of "kubectl get nodes -o json" (or -o yaml)
  --json                     print machine-readable JSON instead of tables
  --require-full-coverage    exit 1 when a node a DaemonSet targets would get no pod (an untolerated taint)
  -h, --help                 print this help

Exit codes: 0 ok; 1 a check failed (coverage, or an invalid DaemonSet); 2 usage error.
`;

class UsageError extends Error {}

interface Options {
  readonly nodesFile: string;
  readonly files: string[];
  readonly json: boolean;
  readonly requireFullCoverage: boolean;
}

/** One DaemonSet found in a file, with its preview and rollout plan (or the error). */
interface Result {
  readonly file: string;
  readonly name: string;
  readonly namespace?: string;
  readonly preview?: PlacementPreview;
  readonly rollout?: RolloutPlan;
  readonly error?: string;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the command line.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`)
 * @param io where to write
 * @returns the exit code
 */
export function main(argv: string[], io: CliIo = defaultIo): number {
  let options: Options | 'help';
  try {
    options = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }

  let inventory: NodeInventory;
  let results: Result[];
  try {
    inventory = readInventory(options.nodesFile);
    results = options.files.flatMap((file) => readDaemonSets(file, io).map((ds) => evaluate(file, ds, inventory)));
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return 2;
  }
  if (results.length === 0) {
    io.stderr(`warning: no apps/v1 DaemonSet found in ${options.files.join(', ')}\n`);
  }

  const invalid = results.filter((r) => r.error !== undefined);
  const uncovered = results.filter((r) => r.preview !== undefined && !r.preview.fullCoverage);
  const failed = invalid.length > 0 || (options.requireFullCoverage && uncovered.length > 0);

  if (options.json) {
    io.stdout(`${JSON.stringify(toJson(options, inventory, results, !failed), undefined, 2)}\n`);
  } else {
    io.stdout(renderText(options, inventory, results));
  }

  for (const r of invalid) {
    io.stderr(`error: ${r.file}: ${r.error}\n`);
  }
  if (options.requireFullCoverage) {
    for (const r of uncovered) {
      io.stderr(`error: ${label(r)} targets ${r.preview!.eligibleCount} node(s) but would run no pod on ${r.preview!.uncoveredNodeNames.join(', ')} (--require-full-coverage)\n`);
    }
  }
  return failed ? 1 : 0;
}

function parseArgs(argv: string[]): Options | 'help' {
  const args = [...argv];
  const optionEnd = args.indexOf('--');
  const optionPart = optionEnd === -1 ? args : args.slice(0, optionEnd);
  if (optionPart.includes('--help') || optionPart.includes('-h') || args[0] === 'help') {
    return 'help';
  }
  if (args.length === 0) {
    throw new UsageError('missing command');
  }
  const command = args.shift();
  if (command !== 'preview') {
    throw new UsageError(`unknown command "${command}"; the only command is "preview"`);
  }

  let nodesFile: string | undefined;
  let json = false;
  let requireFullCoverage = false;
  const files: string[] = [];
  let onlyFiles = false;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (onlyFiles || !arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--require-full-coverage') {
      requireFullCoverage = true;
    } else if (arg === '--nodes' || arg.startsWith('--nodes=')) {
      const value = arg === '--nodes' ? args.shift() : arg.slice('--nodes='.length);
      if (value === undefined || value === '' || (arg === '--nodes' && value.startsWith('--'))) {
        throw new UsageError('--nodes needs a file: the output of "kubectl get nodes -o json"');
      }
      if (nodesFile !== undefined) {
        throw new UsageError('--nodes given more than once');
      }
      nodesFile = value;
    } else {
      throw new UsageError(`unknown option "${arg}"`);
    }
  }
  if (nodesFile === undefined) {
    throw new UsageError('missing --nodes FILE (the output of "kubectl get nodes -o json")');
  }
  if (files.length === 0) {
    throw new UsageError('missing manifest FILE(s) to preview (e.g. dist/*.k8s.yaml)');
  }
  return { nodesFile, files, json, requireFullCoverage };
}

/** Reads a file's text, with an error naming the file. */
function readText(file: string, what: string): string {
  if (file === '-') {
    throw new Error(`${what} "-": reading standard input is not supported; pass a file`);
  }
  try {
    return fs.readFileSync(file, 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new Error(`cannot read ${what} "${file}": ${why}`);
  }
}

/** Parses a file as JSON (when it looks like JSON) or multi-document YAML. */
function readDocuments(file: string, text: string, what: string): unknown[] {
  if (/^\s*[[{]/.test(text)) {
    try {
      return [JSON.parse(text)];
    } catch (e) {
      if (file.endsWith('.json')) {
        throw new Error(`${what} "${file}" is not valid JSON: ${(e as Error).message}`);
      }
      // YAML flow style also starts with { or [: fall through to the YAML parser.
    }
  }
  // The `yaml` package (bundled, the same version cdk8s bundles) parses in process; cdk8s's
  // Yaml.load would start a child process per file and accept broken YAML silently.
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const results: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new Error(`${what} "${file}" is not valid YAML: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) {
      results.push(value);
    }
  }
  return results;
}

function readInventory(file: string): NodeInventory {
  const text = readText(file, 'node inventory');
  const docs = readDocuments(file, text, 'node inventory');
  if (docs.length !== 1) {
    throw new Error(`node inventory "${file}" has ${docs.length} documents; expected the single List printed by "kubectl get nodes -o json"`);
  }
  try {
    return NodeInventory.fromKubectlObject(docs[0]);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** Every apps/v1 DaemonSet object of a file (inside `List` documents too). */
function readDaemonSets(file: string, io: CliIo): unknown[] {
  const docs = readDocuments(file, readText(file, 'manifest'), 'manifest');
  const objects = docs.flatMap((doc) => (isList(doc) ? doc.items : [doc]));
  const result: unknown[] = [];
  for (const obj of objects) {
    if (typeof obj !== 'object' || obj === null || (obj as { kind?: unknown }).kind !== 'DaemonSet') {
      continue;
    }
    const apiVersion = (obj as { apiVersion?: unknown }).apiVersion;
    if (apiVersion !== 'apps/v1') {
      io.stderr(`warning: ${file}: skipping a DaemonSet with apiVersion ${JSON.stringify(apiVersion)}; only apps/v1 is supported\n`);
      continue;
    }
    result.push(obj);
  }
  return result;
}

function isList(doc: unknown): doc is { items: unknown[] } {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'List' && Array.isArray((doc as { items?: unknown }).items);
}

function evaluate(file: string, manifest: unknown, inventory: NodeInventory): Result {
  const metadata = (manifest as { metadata?: { name?: unknown; namespace?: unknown } }).metadata ?? {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  let preview: PlacementPreview;
  try {
    preview = PlacementPreview.forManifest(manifest, inventory);
  } catch (e) {
    return { file, name, namespace, error: (e as Error).message };
  }
  try {
    return { file, name, namespace, preview, rollout: RolloutPlan.forManifest(manifest, preview.scheduledCount) };
  } catch (e) {
    return { file, name, namespace, preview, error: (e as Error).message };
  }
}

function label(r: { name: string; namespace?: string }): string {
  return `${r.namespace ? `${r.namespace}/` : ''}${r.name || '(unnamed)'}`;
}

function shortRollout(r: Result): string {
  if (r.error !== undefined) {
    return 'INVALID';
  }
  const plan = r.rollout!;
  if (plan.strategy === RolloutStrategy.ON_DELETE) {
    return 'OnDelete (manual)';
  }
  const pace = plan.maxSurge > 0 ? `surge ${plan.nodesPerWave}` : `${plan.nodesPerWave} unavailable`;
  return `${pace}, ${plan.waves} wave${plan.waves === 1 ? '' : 's'}, >= ${plan.minimumDurationSeconds}s`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')).join('\n') + '\n';
}

function renderText(options: Options, inventory: NodeInventory, results: Result[]): string {
  let out = `Node inventory: ${inventory.nodeCount} node${inventory.nodeCount === 1 ? '' : 's'} (${options.nodesFile})\n`;
  if (results.length === 0) {
    return out;
  }
  out += '\n';
  const rows = [['DAEMONSET', 'PODS', 'ELIGIBLE', 'NODES', 'COVERAGE', 'ROLLOUT']];
  for (const r of results) {
    const p = r.preview;
    rows.push([
      label(r),
      p ? String(p.scheduledCount) : '-',
      p ? String(p.eligibleCount) : '-',
      p ? String(p.totalCount) : '-',
      p ? (p.fullCoverage ? 'full' : 'PARTIAL') : '-',
      shortRollout(r),
    ]);
  }
  out += table(rows);

  for (const r of results) {
    out += `\n${label(r)} (${r.file})\n`;
    if (r.preview === undefined) {
      out += `  INVALID: ${r.error}\n`;
      continue;
    }
    const p = r.preview;
    out += `  Pods on ${p.scheduledCount} of ${p.eligibleCount} eligible node${p.eligibleCount === 1 ? '' : 's'} (${p.totalCount} in the inventory)\n`;
    const uncovered = p.nodes.filter((n) => n.eligible && !n.scheduled);
    const untargeted = p.nodes.filter((n) => !n.eligible);
    if (uncovered.length > 0) {
      out += `  Eligible but no pod (${uncovered.length}):\n${nodeLines(uncovered)}`;
    }
    if (untargeted.length > 0) {
      out += `  Not targeted (${untargeted.length}):\n${nodeLines(untargeted)}`;
    }
    out += r.rollout ? `  Rollout: ${r.rollout.summary}\n` : `  Rollout: INVALID: ${r.error}\n`;
    for (const note of r.rollout?.notes ?? []) {
      out += `    note: ${note}\n`;
    }
    for (const w of p.warnings) {
      out += `  warning: ${w}\n`;
    }
  }
  return out;
}

function nodeLines(nodes: NodePlacement[]): string {
  let out = '';
  for (const n of nodes) {
    const extra = [n.unschedulable ? 'cordoned' : '', n.eligible && n.existingPodKeepsRunning ? 'a running pod would be kept' : ''].filter((s) => s !== '');
    out += `    ${n.nodeName}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}\n`;
    for (const reason of n.reasons) {
      out += `      - ${reason.message}\n`;
    }
  }
  return out;
}

function toJson(options: Options, inventory: NodeInventory, results: Result[], ok: boolean): unknown {
  return {
    ok,
    inventory: { file: options.nodesFile, nodeCount: inventory.nodeCount },
    daemonSets: results.map((r) => ({
      file: r.file,
      namespace: r.namespace ?? null,
      name: r.name,
      error: r.error ?? null,
      scheduled: r.preview?.scheduledCount ?? null,
      eligible: r.preview?.eligibleCount ?? null,
      total: r.preview?.totalCount ?? null,
      fullCoverage: r.preview?.fullCoverage ?? null,
      uncoveredNodes: r.preview?.uncoveredNodeNames ?? [],
      warnings: r.preview?.warnings ?? [],
      nodes: r.preview?.nodes ?? [],
      rollout: r.rollout === undefined ? null : {
        strategy: r.rollout.strategy,
        rollsAutomatically: r.rollout.rollsAutomatically,
        nodeCount: r.rollout.nodeCount,
        configuredMaxUnavailable: r.rollout.configuredMaxUnavailable ?? null,
        configuredMaxSurge: r.rollout.configuredMaxSurge ?? null,
        maxUnavailable: r.rollout.maxUnavailable,
        maxSurge: r.rollout.maxSurge,
        nodesPerWave: r.rollout.nodesPerWave,
        waves: r.rollout.waves,
        minReadySeconds: r.rollout.minReadySeconds,
        minimumDurationSeconds: r.rollout.minimumDurationSeconds,
        notes: r.rollout.notes,
        summary: r.rollout.summary,
      },
    })),
  };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
