#!/usr/bin/env node
/**
 * The `cdk8s-node-agents` command line:
 *
 *   cdk8s-node-agents preview --nodes FILE|- [--pods FILE] [--json] [--summary] [--victims]
 *     [--group-by LABEL] [--only NS/NAME] [--require-full-coverage] [--require-fit] FILE|DIR...
 *
 * Exit codes: 0 success; 1 a check failed (with --require-full-coverage, an eligible node would
 * get no pod; with --require-fit, a pod would not run; or a DaemonSet is invalid: the API server
 * would reject it); 2 usage error (unknown option, missing --nodes or FILE, unreadable file,
 * malformed node or pod inventory).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  FleetPreview, NodeFit, NodeInventory, NodePlacement, PlacementPreview, PodInventory, RolloutPlan, RolloutStrategy,
} from '../placement';
import { formatBytes, formatMilli, parseQuantity } from '../placement/quantity';

/** Where the command reads and writes. */
export interface CliIo {
  /** Writes text to standard output (the text carries its own newlines). */
  stdout(text: string): void;
  /** Writes text to standard error (the text carries its own newlines). */
  stderr(text: string): void;
  /** Reads all of standard input (for `--nodes -`). */
  stdin?(): string;
}

export const USAGE = `Usage: cdk8s-node-agents preview --nodes NODES_FILE|- [--pods PODS_FILE] [--json] [--summary]
         [--victims] [--group-by LABEL] [--only NS/NAME] [--require-full-coverage] [--require-fit] FILE|DIR...

Shows, for every apps/v1 DaemonSet in the manifest FILEs (multi-document YAML or JSON,
e.g. cdk8s synth output; a DIR means every .yaml, .yml and .json file in it; other kinds are
ignored), which nodes would run one of its pods, why the others would not, and how an update
would roll out. The DaemonSets compete for the nodes' resources and host ports, in the order
given, with the pods already there.

Options:
  --nodes FILE|-             the node inventory: output of "kubectl get nodes -o json" (or -o yaml); - reads stdin
  --pods FILE                the pods already running: output of "kubectl get pods -A -o json" (or -o yaml)
  --json                     print machine-readable JSON instead of tables
  --summary                  print one line per node pool instead of every node
  --group-by LABEL           the node label that names a pool (default node.kubernetes.io/instance-type)
  --only NS/NAME             report only this DaemonSet (repeatable; the others still compete for the nodes,
                             and the summary's tax counts only the DaemonSets shown)
  --victims                  with --summary, name every pod the agents would preempt
  --require-full-coverage    exit 1 when a node a DaemonSet targets would get no pod (an untolerated taint)
  --require-fit              exit 1 when a pod the controller creates would not run (Pending, or an image for another platform)
  -h, --help                 print this help

Exit codes: 0 ok; 1 a check failed (coverage, fit, or an invalid DaemonSet); 2 usage error.
`;

const DEFAULT_GROUP_BY = 'node.kubernetes.io/instance-type';

class UsageError extends Error {}

interface Options {
  readonly nodesFile: string;
  readonly podsFile?: string;
  readonly files: string[];
  readonly json: boolean;
  readonly summary: boolean;
  readonly groupBy: string;
  readonly only: string[];
  readonly requireFullCoverage: boolean;
  readonly requireFit: boolean;
  readonly victims: boolean;
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
  stdin: () => fs.readFileSync(0, 'utf-8'),
};

/**
 * Runs the command line.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`)
 * @param io where to read and write
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
  let pods: PodInventory | undefined;
  let all: Result[];
  let fleet: FleetPreview;
  try {
    inventory = readInventory(options.nodesFile, io);
    pods = options.podsFile === undefined ? undefined : readPods(options.podsFile);
    const files = expandFiles(options.files);
    const found = files.flatMap((file) => readObjects(file).map((obj) => ({ file, obj })));
    const daemonSets = found.filter((f) => isDaemonSet(f.obj, f.file, io));
    const priorityClasses = found.map((f) => f.obj).filter((o) => (o as { kind?: unknown }).kind === 'PriorityClass');
    const valid: Array<{ file: string; obj: unknown }> = [];
    const noNodes = NodeInventory.fromNodes([]);
    all = daemonSets.map(({ file, obj }) => {
      const { name, namespace } = identity(obj);
      try {
        // Reads every field the preview needs, on no node: a malformed one fails this DaemonSet only.
        PlacementPreview.forManifest(obj, noNodes, { priorityClasses });
        valid.push({ file, obj });
        return { file, name, namespace };
      } catch (e) {
        return { file, name, namespace, error: (e as Error).message };
      }
    });
    fleet = FleetPreview.forManifests(valid.map((v) => v.obj), inventory, { pods, priorityClasses });
    let k = 0;
    all = all.map((r, i) => {
      if (r.error !== undefined) {
        return r;
      }
      const preview = fleet.daemonSets[k++];
      try {
        return { ...r, preview, rollout: RolloutPlan.forPreview(daemonSets[i].obj, preview) };
      } catch (e) {
        return { ...r, preview, error: (e as Error).message };
      }
    });
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return 2;
  }
  if (all.length === 0) {
    io.stderr(`warning: no apps/v1 DaemonSet found in ${options.files.join(', ')}\n`);
  }
  const missing = options.only.filter((o) => !all.some((r) => label(r) === o));
  if (missing.length > 0) {
    io.stderr(`error: --only ${missing.join(', ')}: no such DaemonSet in the files (found: ${all.map(label).join(', ') || 'none'})\n`);
    return 2;
  }
  const results = options.only.length === 0 ? all : all.filter((r) => options.only.includes(label(r)));

  const invalid = results.filter((r) => r.error !== undefined);
  const uncovered = results.filter((r) => r.preview !== undefined && !r.preview.fullCoverage);
  const unfit = results.filter((r) => r.preview !== undefined && !r.preview.fits);
  const failed = invalid.length > 0 || (options.requireFullCoverage && uncovered.length > 0) || (options.requireFit && unfit.length > 0);

  if (options.json) {
    io.stdout(`${JSON.stringify(toJson(options, inventory, pods, fleet, results, !failed), undefined, 2)}\n`);
  } else if (options.summary) {
    io.stdout(renderSummary(options, inventory, pods, fleet, results));
  } else {
    io.stdout(renderText(options, inventory, pods, fleet, results));
  }

  for (const r of invalid) {
    io.stderr(`error: ${r.file}: ${r.error}\n`);
  }
  if (options.requireFullCoverage) {
    for (const r of uncovered) {
      io.stderr(`error: ${label(r)} targets ${r.preview!.eligibleCount} node(s) but would run no pod on ${r.preview!.uncoveredNodeNames.join(', ')} (--require-full-coverage)\n`);
    }
  }
  if (options.requireFit) {
    for (const r of unfit) {
      const p = r.preview!;
      const shown = p.notRunningNodeNames.slice(0, 5).join(', ') + (p.notRunningNodeNames.length > 5 ? ', ...' : '');
      io.stderr(`error: ${label(r)} would not run on ${p.notRunningNodeNames.length} of the ${p.scheduledCount} node(s) it makes a pod for: ${shown} (--require-fit)\n`);
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

  const values: { [flag: string]: string | undefined } = {};
  const only: string[] = [];
  const flags = new Set<string>();
  const files: string[] = [];
  let onlyFiles = false;
  const what: { [flag: string]: string } = {
    '--nodes': 'a file (the output of "kubectl get nodes -o json") or - for standard input',
    '--pods': 'a file: the output of "kubectl get pods -A -o json"',
    '--group-by': 'a node label, e.g. node.kubernetes.io/instance-type',
    '--only': 'a DaemonSet as NAMESPACE/NAME',
  };
  while (args.length > 0) {
    const arg = args.shift()!;
    if (onlyFiles || !arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
      continue;
    }
    if (arg === '--json' || arg === '--summary' || arg === '--victims' || arg === '--require-full-coverage' || arg === '--require-fit') {
      flags.add(arg);
      continue;
    }
    const flag = Object.keys(what).find((f) => arg === f || arg.startsWith(`${f}=`));
    if (flag === undefined) {
      throw new UsageError(`unknown option "${arg}"`);
    }
    const value = arg === flag ? args.shift() : arg.slice(flag.length + 1);
    if (value === undefined || value === '' || (arg === flag && value.startsWith('--'))) {
      throw new UsageError(`${flag} needs ${what[flag]}`);
    }
    if (flag === '--only') {
      if (!/^[^/]+\/[^/]+$/.test(value)) {
        throw new UsageError(`--only "${value}": expected NAMESPACE/NAME, e.g. monitoring/node-exporter`);
      }
      only.push(value);
      continue;
    }
    if (values[flag] !== undefined) {
      throw new UsageError(`${flag} given more than once`);
    }
    values[flag] = value;
  }
  if (values['--nodes'] === undefined) {
    throw new UsageError('missing --nodes FILE (the output of "kubectl get nodes -o json")');
  }
  if (files.length === 0) {
    throw new UsageError('missing manifest FILE(s) to preview (e.g. dist/*.k8s.yaml)');
  }
  if (values['--pods'] === '-' && values['--nodes'] === '-') {
    throw new UsageError('--nodes and --pods cannot both read standard input');
  }
  return {
    nodesFile: values['--nodes'],
    podsFile: values['--pods'],
    files,
    json: flags.has('--json'),
    summary: flags.has('--summary'),
    groupBy: values['--group-by'] ?? DEFAULT_GROUP_BY,
    only,
    requireFullCoverage: flags.has('--require-full-coverage'),
    requireFit: flags.has('--require-fit'),
    victims: flags.has('--victims'),
  };
}

/** Reads a file's text (`-`: standard input), with an error naming the file. */
function readText(file: string, what: string, io?: CliIo): string {
  if (file === '-') {
    if (io?.stdin === undefined) {
      throw new Error(`${what} "-": reading standard input is supported for --nodes only`);
    }
    return io.stdin();
  }
  try {
    return fs.readFileSync(file, 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new Error(`cannot read ${what} "${file}": ${why}`);
  }
}

/** The files to read: a directory stands for its .yaml, .yml and .json files, in name order (as `kubectl apply -f DIR`). */
function expandFiles(files: string[]): string[] {
  return files.flatMap((file) => {
    let isDir = false;
    try {
      isDir = fs.statSync(file).isDirectory();
    } catch {
      return [file]; // readText names the problem
    }
    if (!isDir) {
      return [file];
    }
    const inside = fs.readdirSync(file).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => path.join(file, f));
    if (inside.length === 0) {
      throw new Error(`directory "${file}" has no .yaml, .yml or .json file`);
    }
    return inside;
  });
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

function readSingle(file: string, what: string, kubectl: string, io?: CliIo): unknown {
  const docs = readDocuments(file, readText(file, what, io), what);
  if (docs.length !== 1) {
    throw new Error(`${what} "${file}" has ${docs.length} documents; expected the single List printed by "${kubectl}"`);
  }
  return docs[0];
}

function readInventory(file: string, io: CliIo): NodeInventory {
  const doc = readSingle(file, 'node inventory', 'kubectl get nodes -o json', io);
  try {
    return NodeInventory.fromKubectlObject(doc);
  } catch (e) {
    throw new Error(`${file === '-' ? 'standard input' : file}: ${(e as Error).message}`);
  }
}

function readPods(file: string): PodInventory {
  const doc = readSingle(file, 'pod inventory', 'kubectl get pods -A -o json');
  try {
    return PodInventory.fromKubectlObject(doc);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** Every object of a file (inside `List` documents too). */
function readObjects(file: string): unknown[] {
  const docs = readDocuments(file, readText(file, 'manifest'), 'manifest');
  return docs.flatMap((doc) => (isList(doc) ? doc.items : [doc])).filter((obj) => typeof obj === 'object' && obj !== null);
}

/** An apps/v1 DaemonSet; DaemonSets of other API versions are skipped with a warning. */
function isDaemonSet(obj: unknown, file: string, io: CliIo): boolean {
  if ((obj as { kind?: unknown }).kind !== 'DaemonSet') {
    return false;
  }
  const apiVersion = (obj as { apiVersion?: unknown }).apiVersion;
  if (apiVersion !== 'apps/v1') {
    io.stderr(`warning: ${file}: skipping a DaemonSet with apiVersion ${JSON.stringify(apiVersion)}; only apps/v1 is supported\n`);
    return false;
  }
  return true;
}

function isList(doc: unknown): doc is { items: unknown[] } {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'List' && Array.isArray((doc as { items?: unknown }).items);
}

function identity(manifest: unknown): { name: string; namespace?: string } {
  const metadata = (manifest as { metadata?: { name?: unknown; namespace?: unknown } }).metadata ?? {};
  return {
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
  };
}

function label(r: { name: string; namespace?: string }): string {
  return `${r.namespace ? `${r.namespace}/` : ''}${r.name || '(unnamed)'}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
  const time = plan.stalls ? stallText(plan) : plan.estimatedDurationSeconds === undefined ? '-' : `~${plan.estimatedDurationSeconds}s`;
  return `${pace}, ${plan.waves} wave${plan.waves === 1 ? '' : 's'}, ${time}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')).join('\n') + '\n';
}

function inputLine(options: Options, inventory: NodeInventory, pods: PodInventory | undefined): string {
  const nodes = `Node inventory: ${plural(inventory.nodeCount, 'node')} (${options.nodesFile === '-' ? 'standard input' : options.nodesFile})`;
  return `${nodes}${pods === undefined ? '' : `; ${plural(pods.podCount, 'pod')} (${options.podsFile})`}\n`;
}

function renderText(options: Options, inventory: NodeInventory, pods: PodInventory | undefined, fleet: FleetPreview, results: Result[]): string {
  let out = inputLine(options, inventory, pods);
  for (const w of fleet.warnings) {
    out += `note: ${w}\n`;
  }
  if (results.length === 0) {
    return out;
  }
  out += '\n';
  // RUNNING last: scripts parse the columns before it.
  const rows = [['DAEMONSET', 'PODS', 'ELIGIBLE', 'NODES', 'COVERAGE', 'ROLLOUT', 'RUNNING']];
  for (const r of results) {
    const p = r.preview;
    rows.push([
      label(r),
      p ? String(p.scheduledCount) : '-',
      p ? String(p.eligibleCount) : '-',
      p ? String(p.totalCount) : '-',
      p ? (p.fullCoverage ? 'full' : 'PARTIAL') : '-',
      shortRollout(r),
      p ? String(p.runningCount) : '-',
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
    const onEligible = p.nodes.filter((n) => n.eligible && n.scheduled).length;
    const onVirtual = p.scheduledCount - onEligible;
    const virtualText = onVirtual > 0 ? ` + ${onVirtual} on node${onVirtual === 1 ? '' : 's'} that cannot run DaemonSet pods` : '';
    out += `  Pods on ${onEligible} of ${p.eligibleCount} eligible node${p.eligibleCount === 1 ? '' : 's'} (${p.totalCount} in the inventory)${virtualText}; running on ${p.runningCount}\n`;
    out += `  Architectures: ${p.architectures.join(', ') || '-'}${p.imagePlatforms ? ` (image published for ${p.imagePlatforms.join(', ')})` : ''}\n`;
    const notRunning = p.nodes.filter((n) => n.scheduled && !n.runs);
    const uncovered = p.nodes.filter((n) => n.eligible && !n.scheduled);
    const untargeted = p.nodes.filter((n) => !n.eligible && !(n.scheduled && !n.runs));
    // A verdict other than "runs": contended, preempting, or a host-network pod on a node that is not Ready.
    const special = p.nodes.filter((n) => n.runs && n.verdict !== 'runs');
    if (notRunning.length > 0) {
      out += `  Pod would not run (${notRunning.length}):\n${nodeLines(notRunning)}`;
    }
    if (special.length > 0) {
      out += `  Runs, with a caveat (${special.length}):\n${special.map((n) => `    ${n.nodeName}: ${n.verdict}\n`).join('')}`;
    }
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
    if (r.rollout?.rollsAutomatically) {
      out += `    note: ${r.rollout.readinessAssumption}\n`;
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
    const extra = [
      n.unschedulable ? 'cordoned' : '',
      n.eligible && !n.scheduled && n.existingPodKeepsRunning ? 'a running pod would be kept' : '',
      n.contended ? `contended with ${n.contendedWith.join(', ')}` : '',
    ].filter((s) => s !== '');
    out += `    ${n.nodeName}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}\n`;
    for (const reason of n.reasons) {
      out += `      - ${reason.message}\n`;
    }
  }
  return out;
}

/** One agent in one pool: on how many nodes it has no pod, or a pod that does not run, and why. */
interface PoolGap {
  readonly daemonSet: string;
  /** Nodes of the pool where the agent does not run (no pod, or a pod that does not run). */
  readonly nodes: number;
  /** Of those, nodes the DaemonSet targets where an untolerated taint leaves it without a pod: coverage gaps. */
  readonly gaps: number;
  /** Of those, nodes the DaemonSet does not target (selectors, affinity, a node that cannot run DaemonSet pods). */
  readonly notTargeted: number;
  /** Of those, nodes where the controller makes a pod that does not run (Pending, or the kubelet or the image keeps it from starting). */
  readonly podNotRunning: number;
  /** Why, for the gaps and the pods not running: "Taint nvidia.com/gpu=present:NoSchedule on 5", most frequent first. */
  readonly reasons: string[];
  /** Why, for the nodes not targeted: "NodeSelector kubernetes.io/os on 1". */
  readonly notTargetedReasons: string[];
}

/** A pod an agent preempts. */
interface Victim {
  readonly node: string;
  readonly pod: string;
  readonly by: string;
}

/** Per node pool: nodes, agents that run, those that do not and why, the DaemonSet tax, the victims. */
interface Pool {
  readonly name: string;
  readonly nodes: number;
  /** Nodes whose Ready condition is False or Unknown. */
  readonly notReadyNodes: number;
  /** Nodes with a pressure condition (MemoryPressure, DiskPressure, PIDPressure). */
  readonly pressureNodes: number;
  readonly agentsRunningMin: number;
  readonly agentsRunningMax: number;
  /** The agents reported (all valid ones, or those of --only). */
  readonly agentsShown: number;
  readonly notRunning: PoolGap[];
  readonly cpuRequests: string;
  readonly memoryRequests: string;
  readonly cpuShare: string;
  readonly memoryShare: string;
  readonly preempted: number;
  readonly victims: Victim[];
}

function range(values: number[], format: (v: number) => string): string {
  if (values.length === 0) {
    return '-';
  }
  let lo = values[0];
  let hi = values[0];
  for (const v of values) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const min = format(lo);
  const max = format(hi);
  return min === max ? min : `${min}-${max}`;
}

const percent = (v: number) => `${Math.round(v * 100)}%`;

/** "a on 3, b on 1": most frequent first. */
function countList(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((x, y) => y[1] - x[1]).map(([why, c]) => `${why} on ${c}`);
}

/** The words for a reason in the summary: its kind and what it is about (resource, taint, label). */
function reasonKey(n: NodePlacement): string {
  const r = n.reasons[0];
  if (r === undefined) {
    return 'unknown';
  }
  const about = r.resource ?? r.taint ?? (r.kind === 'NodeNotReady' || r.kind === 'NodePressure' || r.kind === 'ImagePlatform' ? r.nodeValue : r.key);
  return `${r.kind}${about ? ` ${about}` : ''}${n.contended ? ' (contended)' : ''}`;
}

function pools(options: Options, inventory: NodeInventory, fleet: FleetPreview, results: Result[]): Pool[] {
  const shown = results.filter((r) => r.preview !== undefined);
  // The tax of the agents shown: each one's pod requests on the nodes where the scheduler binds it.
  const requests = shown.map((r) => ({
    cpu: parseQuantity(r.preview!.podRequests.cpu ?? '0', true) ?? 0,
    memory: parseQuantity(r.preview!.podRequests.memory ?? '0') ?? 0,
  }));
  const groups = new Map<string, number[]>();
  inventory.nodes.forEach((node, i) => {
    const name = node.labels?.[options.groupBy] ?? `(no ${options.groupBy})`;
    const group = groups.get(name);
    if (group === undefined) {
      groups.set(name, [i]);
    } else {
      group.push(i);
    }
  });
  return [...groups.entries()].map(([name, indexes]) => {
    const count = indexes.length;
    const running = new Array<number>(count).fill(0);
    const cpu = new Array<number>(count).fill(0);
    const memory = new Array<number>(count).fill(0);
    const notRunning: PoolGap[] = [];
    const victims: Victim[] = [];
    shown.forEach((r, a) => {
      const placements = r.preview!.nodes;
      let gaps = 0;
      let notTargeted = 0;
      let podNotRunning = 0;
      const reasons = new Map<string, number>();
      const notTargetedReasons = new Map<string, number>();
      for (let k = 0; k < count; k++) {
        const n = placements[indexes[k]];
        if (n.bound) {
          cpu[k] += requests[a].cpu;
          memory[k] += requests[a].memory;
          for (const pod of n.preempts) {
            victims.push({ node: n.nodeName, pod, by: label(r) });
          }
        }
        if (n.runs) {
          running[k]++;
          continue;
        }
        const why = reasonKey(n);
        const into = n.scheduled || n.eligible ? reasons : notTargetedReasons;
        into.set(why, (into.get(why) ?? 0) + 1);
        if (n.scheduled) {
          podNotRunning++;
        } else if (n.eligible) {
          gaps++;
        } else {
          notTargeted++;
        }
      }
      const total = gaps + notTargeted + podNotRunning;
      if (total > 0) {
        notRunning.push({
          daemonSet: label(r),
          nodes: total,
          gaps,
          notTargeted,
          podNotRunning,
          reasons: countList(reasons),
          notTargetedReasons: countList(notTargetedReasons),
        });
      }
    });
    const fits: NodeFit[] = indexes.map((i) => fleet.nodes[i]);
    const cpuShares: number[] = [];
    const memoryShares: number[] = [];
    indexes.forEach((i, k) => {
      const allocatable = inventory.nodes[i].allocatable;
      const allocCpu = parseQuantity(allocatable?.cpu, true) ?? 0;
      const allocMemory = parseQuantity(allocatable?.memory) ?? 0;
      if (allocCpu > 0) {
        cpuShares.push(cpu[k] / allocCpu);
      }
      if (allocMemory > 0) {
        memoryShares.push(memory[k] / allocMemory);
      }
    });
    return {
      name,
      nodes: count,
      notReadyNodes: fits.filter((f) => f.readyStatus !== undefined && f.readyStatus !== 'True').length,
      pressureNodes: fits.filter((f) => f.pressureConditions.length > 0).length,
      agentsRunningMin: Math.min(...running),
      agentsRunningMax: Math.max(...running),
      agentsShown: shown.length,
      notRunning,
      cpuRequests: range(cpu, formatMilli),
      memoryRequests: range(memory, formatBytes),
      cpuShare: range(cpuShares, percent),
      memoryShare: range(memoryShares, percent),
      preempted: victims.length,
      victims,
    };
  });
}

/** "STALLS on 3 nodes (1 Pending, 2 not Ready)"; a surge rollout blocked by host ports or room alone: "STALLS (surged pods do not fit)". */
function stallText(plan: RolloutPlan): string {
  const words: { [cause: string]: string } = { Pending: 'Pending', NodeNotReady: 'not Ready', NodePressure: 'pressure', ImagePlatform: 'image platform' };
  if (plan.unavailablePods === 0) {
    return 'STALLS (surged pods do not fit)';
  }
  const causes = Object.entries(plan.stalledNodesByCause).map(([cause, n]) => `${n} ${words[cause] ?? cause}`);
  return `STALLS on ${plural(plan.unavailablePods, 'node')} (${causes.join(', ')})`;
}

function renderSummary(options: Options, inventory: NodeInventory, pods: PodInventory | undefined, fleet: FleetPreview, results: Result[]): string {
  let out = inputLine(options, inventory, pods);
  for (const w of fleet.warnings) {
    out += `note: ${w}\n`;
  }
  const list = pools(options, inventory, fleet, results);
  const shown = results.filter((r) => r.preview !== undefined).length;
  out += `\n${plural(results.length, 'DaemonSet')}; node pools by ${options.groupBy}. NOT READY, PRESSURE: nodes whose Ready condition is False or Unknown, and with a pressure condition. `
    + `AGENTS RUNNING: per node, of the ${shown} agent${shown === 1 ? '' : 's'} shown. TAX: their requests per node where the scheduler binds them, and the share of allocatable. PREEMPTED: the pods they would evict.\n\n`;
  const rows = [['POOL', 'NODES', 'NOT READY', 'PRESSURE', 'AGENTS RUNNING', 'CPU TAX', 'MEMORY TAX', 'PREEMPTED']];
  for (const p of list) {
    const runningText = p.agentsRunningMin === p.agentsRunningMax ? String(p.agentsRunningMin) : `${p.agentsRunningMin}-${p.agentsRunningMax}`;
    rows.push([
      p.name,
      String(p.nodes),
      String(p.notReadyNodes),
      String(p.pressureNodes),
      `${runningText} of ${p.agentsShown}`,
      `${p.cpuRequests} (${p.cpuShare})`,
      `${p.memoryRequests} (${p.memoryShare})`,
      String(p.preempted),
    ]);
  }
  out += table(rows);
  const problems = list.flatMap((p) => p.notRunning.filter((n) => n.gaps + n.podNotRunning > 0).map((n) => ({ pool: p, n })));
  if (problems.length > 0) {
    out += '\nNot running where targeted, by pool (GAP: a taint keeps the pod off a node the agent targets; pod not running: Pending, or the image or the kubelet keeps it from starting):\n';
    for (const { pool, n } of problems) {
      const kinds = [n.gaps > 0 ? `GAP on ${n.gaps}` : '', n.podNotRunning > 0 ? `pod not running on ${n.podNotRunning}` : ''].filter((x) => x !== '');
      out += `  ${pool.name}: ${n.daemonSet}: ${kinds.join(', ')} of ${plural(pool.nodes, 'node')}: ${n.reasons.join(', ')}\n`;
    }
  }
  const untargeted = list.filter((p) => p.notRunning.some((n) => n.notTargeted > 0));
  if (untargeted.length > 0) {
    out += '\nNot targeted, by pool (the agent\'s selectors or affinity leave the nodes out, or they cannot run DaemonSet pods):\n';
    for (const p of untargeted) {
      const agents = p.notRunning.filter((n) => n.notTargeted > 0).map((n) => `${n.daemonSet} on ${n.notTargeted} (${n.notTargetedReasons.join(', ')})`);
      out += `  ${p.name} (${plural(p.nodes, 'node')}): ${agents.join('; ')}\n`;
    }
  }
  const preempted = list.reduce((sum, p) => sum + p.preempted, 0);
  if (preempted > 0) {
    if (options.victims) {
      out += '\nPreemption victims:\n';
      for (const p of list.filter((x) => x.victims.length > 0)) {
        for (const v of p.victims) {
          out += `  ${p.name}: ${v.pod} on ${v.node}, preempted by ${v.by}\n`;
        }
      }
    } else {
      out += `\nPreemption: the agents would evict ${plural(preempted, 'pod')} (${list.filter((p) => p.preempted > 0).map((p) => `${p.name} ${p.preempted}`).join(', ')}); --victims names them.\n`;
    }
  }
  const invalid = results.filter((r) => r.error !== undefined);
  for (const r of invalid) {
    out += `\n${label(r)}: INVALID: ${r.error}\n`;
  }
  const plans = results.filter((r) => r.rollout !== undefined);
  if (plans.length > 0) {
    out += '\nRollouts:\n';
    for (const r of plans) {
      const plan = r.rollout!;
      out += `  ${label(r)}: ${plan.stalls ? `STALLS: ${plan.stallReason}` : shortRollout(r)}\n`;
    }
  }
  return out;
}

function toJson(
  options: Options, inventory: NodeInventory, pods: PodInventory | undefined, fleet: FleetPreview, results: Result[], ok: boolean,
): unknown {
  return {
    ok,
    inventory: { file: options.nodesFile, nodeCount: inventory.nodeCount },
    pods: pods === undefined ? null : { file: options.podsFile, podCount: pods.podCount },
    warnings: fleet.warnings,
    daemonSets: results.map((r) => ({
      file: r.file,
      namespace: r.namespace ?? null,
      name: r.name,
      error: r.error ?? null,
      scheduled: r.preview?.scheduledCount ?? null,
      running: r.preview?.runningCount ?? null,
      eligible: r.preview?.eligibleCount ?? null,
      total: r.preview?.totalCount ?? null,
      fullCoverage: r.preview?.fullCoverage ?? null,
      fits: r.preview?.fits ?? null,
      priority: r.preview?.priority ?? null,
      architectures: r.preview?.architectures ?? [],
      imagePlatforms: r.preview?.imagePlatforms ?? null,
      uncoveredNodes: r.preview?.uncoveredNodeNames ?? [],
      notRunningNodes: r.preview?.notRunningNodeNames ?? [],
      contendedNodes: r.preview?.contendedNodeNames ?? [],
      surgeBlockedNodes: r.preview?.surgeBlockedNodeNames ?? [],
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
        readinessSeconds: r.rollout.readinessSeconds,
        readinessAssumption: r.rollout.readinessAssumption,
        estimatedDurationSeconds: r.rollout.estimatedDurationSeconds ?? null,
        unavailablePods: r.rollout.unavailablePods,
        stalledNodesByCause: r.rollout.stalledNodesByCause,
        stalls: r.rollout.stalls,
        stallReason: r.rollout.stallReason ?? null,
        notes: r.rollout.notes,
        summary: r.rollout.summary,
      },
    })),
    nodes: fleet.nodes.map((n, i) => ({ ...n, pool: inventory.nodes[i].labels?.[options.groupBy] ?? null })),
    ...(options.summary ? { pools: pools(options, inventory, fleet, results) } : {}),
  };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
