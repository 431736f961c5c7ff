/**
 * The placement preview with the scheduler's fit: 20 DaemonSets over 5,000 nodes with 100,000
 * pods already running, against the floor of parsing both inventories' JSON (`JSON.parse`).
 */
import { fleetDaemonSets, inventoryJson, nodeNames, podsJson } from './inventory';
import { collectGarbage, median, timeMs } from './stats';
import { markdownTable, ratio, spread, verdict } from './table';
import { FleetPreview, NodeInventory, PodInventory, RolloutPlan } from '../src';

export interface PreviewOptions {
  readonly nodes: number;
  /** Pods already running; default 20 a node. */
  readonly pods?: number;
  readonly daemonSets: number;
  readonly runs: number;
  readonly log: (line: string) => void;
}

export interface PreviewStep {
  readonly label: string;
  readonly runs: number[];
}

export interface PreviewResults {
  readonly nodes: number;
  readonly pods: number;
  readonly daemonSets: number;
  readonly inventoryBytes: number;
  readonly podsBytes: number;
  readonly scheduledPods: number;
  readonly runningPods: number;
  readonly contendedEntries: number;
  readonly steps: PreviewStep[];
  readonly floor: PreviewStep;
  readonly target: PreviewStep;
}

export function runPreview(options: PreviewOptions): PreviewResults {
  const text = inventoryJson(options.nodes);
  const manifests = fleetDaemonSets(options.daemonSets);
  const names = manifests.map((m) => (m as { metadata: { name: string } }).metadata.name);
  const podCount = options.pods ?? options.nodes * 20;
  const podsText = podsJson(nodeNames(text), podCount, names);
  options.log(`preview: ${(text.length / 2 ** 20).toFixed(0)} MiB of nodes, ${(podsText.length / 2 ** 20).toFixed(0)} MiB of pods`);
  const inventory = NodeInventory.fromKubectlJson(text);
  const pods = PodInventory.fromKubectlJson(podsText);
  const check = FleetPreview.forManifests(manifests, inventory, { pods });
  const scheduledPods = check.daemonSets.reduce((sum, p) => sum + p.scheduledCount, 0);
  const runningPods = check.daemonSets.reduce((sum, p) => sum + p.runningCount, 0);
  const contendedEntries = check.daemonSets.reduce((sum, p) => sum + p.contendedNodeNames.length, 0);

  const steps: Array<{ label: string; fn: () => unknown; runs: number[] }> = [
    { label: 'floor: JSON.parse of both inventories', fn: () => [JSON.parse(text), JSON.parse(podsText)], runs: [] },
    { label: 'NodeInventory + PodInventory .fromKubectlJson', fn: () => [NodeInventory.fromKubectlJson(text), PodInventory.fromKubectlJson(podsText)], runs: [] },
    { label: `FleetPreview of ${options.daemonSets} DaemonSets with fit, inventories already read`, fn: () => FleetPreview.forManifests(manifests, inventory, { pods }), runs: [] },
    {
      label: 'both fromKubectlJson + FleetPreview with fit (the target)',
      fn: () => FleetPreview.forManifests(manifests, NodeInventory.fromKubectlJson(text), { pods: PodInventory.fromKubectlJson(podsText) }),
      runs: [],
    },
    {
      label: `the target + ${options.daemonSets} RolloutPlans`,
      fn: () => {
        const fleet = FleetPreview.forManifests(manifests, NodeInventory.fromKubectlJson(text), { pods: PodInventory.fromKubectlJson(podsText) });
        return fleet.daemonSets.map((p, i) => RolloutPlan.forPreview(manifests[i], p));
      },
      runs: [],
    },
  ];
  const started = Date.now();
  for (let round = 0; round <= options.runs; round++) {
    for (let k = 0; k < steps.length; k++) {
      const step = steps[(k + round) % steps.length];
      collectGarbage();
      const { ms } = timeMs(step.fn);
      if (round > 0) {
        step.runs.push(ms);
      }
    }
  }
  options.log(`preview: ${steps.length} steps x ${options.runs + 1} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const results = steps.map((s) => ({ label: s.label, runs: s.runs }));
  return {
    nodes: options.nodes,
    pods: podCount,
    daemonSets: options.daemonSets,
    inventoryBytes: text.length,
    podsBytes: podsText.length,
    scheduledPods,
    runningPods,
    contendedEntries,
    steps: results,
    floor: results[0],
    target: results[3],
  };
}

export function previewRatio(p: PreviewResults): number {
  return median(p.target.runs) / median(p.floor.runs);
}

export function previewMarkdown(p: PreviewResults): string {
  const floor = median(p.floor.runs);
  const pairs = p.nodes * p.daemonSets;
  const rows = p.steps.map((s) => [s.label, spread(s.runs), ratio(median(s.runs), floor)]);
  const r = previewRatio(p);
  return [
    `${p.nodes.toLocaleString('en-US')} nodes (${(p.inventoryBytes / 2 ** 20).toFixed(1)} MiB of kubectl JSON), `
      + `${p.pods.toLocaleString('en-US')} pods (${(p.podsBytes / 2 ** 20).toFixed(1)} MiB), ${p.daemonSets} DaemonSets: `
      + `${p.scheduledPods.toLocaleString('en-US')} of ${pairs.toLocaleString('en-US')} node × DaemonSet pairs get a pod, `
      + `${p.runningPods.toLocaleString('en-US')} of them run (the scheduler's filters, preemption and contention computed), `
      + `${p.contendedEntries.toLocaleString('en-US')} entries contended.`,
    '',
    markdownTable(['step', 'ms, median [min–max]', '× JSON.parse'], rows),
    '',
    markdownTable(['target', 'measured', 'target', 'verdict'], [
      ['preview with fit (read both inventories + FleetPreview) vs JSON.parse of both', `${r.toFixed(2)}x`, '≤ 3x', verdict(r, 3)],
    ]),
  ].join('\n');
}
