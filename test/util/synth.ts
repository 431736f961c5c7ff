import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, ChartProps, Testing } from 'cdk8s';
import { apiServerProblems } from './api-server-rules';
import { validateObjects } from './k8s-schema';
import { PROMETHEUS_API_VERSION, prometheusProblems } from './prometheus-schema';
import { IMAGE_PLATFORMS_ANNOTATION } from '../../src/placement/fleet-fit';

/** A chart in a fresh test app. */
export function newChart(props: ChartProps = {}): Chart {
  return new Chart(Testing.app(), 'test', props);
}

/**
 * Validates objects the way the API server would: the Kubernetes schema (unknown fields are
 * errors) and the rules only the API server applies, so that no test can pass on a manifest
 * the API server would reject.
 */
export function validateManifest(objects: any[]): void {
  // prometheus-operator objects are checked against their CRD's schema instead.
  const monitoring = objects.filter((o) => o?.apiVersion === PROMETHEUS_API_VERSION);
  const core = objects.filter((o) => o?.apiVersion !== PROMETHEUS_API_VERSION);
  validateObjects(core);
  const problems = [...monitoring.flatMap(prometheusProblems), ...core.flatMap(apiServerProblems)];
  if (problems.length > 0) {
    throw new Error(`The API server would reject:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Synthesizes a chart, validating every object (see `validateManifest`). */
export function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  validateManifest(objects);
  dump(objects);
  return objects;
}

const dumped = new Map<string, number>();
/**
 * With MANIFEST_DUMP_DIR set, every manifest a test synthesizes is written there, one file per
 * synthesis named after the test: two runs (before and after a refactor) can then be compared
 * file by file (`diff -r`), which is how "every manifest unchanged" is checked.
 */
function dump(objects: any[]): void {
  const dir = process.env.MANIFEST_DUMP_DIR;
  if (dir === undefined) {
    return;
  }
  const state = expect.getState();
  const test = `${path.relative(process.cwd(), state.testPath ?? 'unknown')}--${state.currentTestName ?? ''}`;
  const n = dumped.get(test) ?? 0;
  dumped.set(test, n + 1);
  const file = path.join(dir, `${test.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 180)}--${n}.json`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(objects, undefined, 1));
}

/** Synthesizes a whole app (every chart), validating every object. */
export function synthApp(app: App): any[] {
  const objects = app.charts.flatMap((c) => Testing.synth(c));
  validateManifest(objects);
  dump(objects);
  return objects;
}

/** The one object of a kind (fails if there are none or several). */
export function only(objects: any[], kind: string): any {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every object of a kind. */
export function all(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** The pod spec of the one DaemonSet. */
export function podSpec(objects: any[]): any {
  return only(objects, 'DaemonSet').spec.template.spec;
}

/** A container of the one DaemonSet by name (the first container if no name is given). */
export function container(objects: any[], name?: string): any {
  const spec = podSpec(objects);
  const found = name === undefined ? spec.containers[0] : [...spec.containers, ...(spec.initContainers ?? [])].find((c: any) => c.name === name);
  if (!found) {
    throw new Error(`no container ${name}`);
  }
  return found;
}

/** Synthesizes a chart with one agent: every object (validated), its DaemonSet, pod spec and main container. */
export function synthAgent(chart: Chart): { objects: any[]; daemonSet: any; spec: any; main: any } {
  const objects = synth(chart);
  return { objects, daemonSet: only(objects, 'DaemonSet'), spec: podSpec(objects), main: container(objects) };
}

/** The requirements the core adds to every node affinity term: nodes that run no DaemonSet pods. */
export const VIRTUAL_NODES_EXCLUDED = [
  { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] },
  { key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] },
];

/** The platforms the one DaemonSet declares for its images (the annotation the preview reads), if any. */
export function declaredPlatforms(objects: any[]): string | undefined {
  return only(objects, 'DaemonSet').metadata.annotations?.[IMAGE_PLATFORMS_ANNOTATION];
}

/** The platforms declared by what `build` adds to a fresh chart (one DaemonSet), synthesized and validated. */
export function platformsDeclaredBy(build: (chart: Chart) => unknown): string | undefined {
  const chart = newChart();
  build(chart);
  return declaredPlatforms(synth(chart));
}
