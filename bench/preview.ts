/**
 * The placement preview of 20 DaemonSets over 5,000 nodes, against the floor of parsing the
 * node inventory JSON alone (`JSON.parse`).
 */
import { fleetDaemonSets, inventoryJson } from './inventory';
import { collectGarbage, median, timeMs } from './stats';
import { markdownTable, ratio, spread, verdict } from './table';
import { NodeInventory, PlacementPreview, RolloutPlan } from '../src';

export interface PreviewOptions {
  readonly nodes: number;
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
  readonly daemonSets: number;
  readonly inventoryBytes: number;
  readonly leanBytes: number;
  readonly scheduledPods: number;
  readonly steps: PreviewStep[];
  readonly floor: PreviewStep;
  readonly target: PreviewStep;
}

export function runPreview(options: PreviewOptions): PreviewResults {
  const text = inventoryJson(options.nodes);
  const lean = inventoryJson(options.nodes, true);
  const manifests = fleetDaemonSets(options.daemonSets);
  const prebuilt = NodeInventory.fromKubectlJson(text);
  const scheduledPods = manifests.reduce<number>((sum, m) => sum + PlacementPreview.forManifest(m, prebuilt).scheduledCount, 0);

  const steps: Array<{ label: string; fn: () => unknown; runs: number[] }> = [
    { label: 'floor: JSON.parse of the inventory', fn: () => JSON.parse(text), runs: [] },
    { label: 'NodeInventory.fromKubectlJson', fn: () => NodeInventory.fromKubectlJson(text), runs: [] },
    { label: `${options.daemonSets} × PlacementPreview.forManifest, inventory already read`, fn: () => manifests.map((m) => PlacementPreview.forManifest(m, prebuilt)), runs: [] },
    {
      label: `fromKubectlJson + ${options.daemonSets} previews (the target)`,
      fn: () => {
        const inventory = NodeInventory.fromKubectlJson(text);
        return manifests.map((m) => PlacementPreview.forManifest(m, inventory));
      },
      runs: [],
    },
    {
      label: `fromKubectlJson + ${options.daemonSets} previews + ${options.daemonSets} RolloutPlans`,
      fn: () => {
        const inventory = NodeInventory.fromKubectlJson(text);
        return manifests.map((m) => RolloutPlan.forManifest(m, PlacementPreview.forManifest(m, inventory).scheduledCount));
      },
      runs: [],
    },
    { label: 'lean inventory (no node status): JSON.parse', fn: () => JSON.parse(lean), runs: [] },
    {
      label: `lean inventory: fromKubectlJson + ${options.daemonSets} previews`,
      fn: () => {
        const inventory = NodeInventory.fromKubectlJson(lean);
        return manifests.map((m) => PlacementPreview.forManifest(m, inventory));
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
    daemonSets: options.daemonSets,
    inventoryBytes: text.length,
    leanBytes: lean.length,
    scheduledPods,
    steps: results,
    floor: results[0],
    target: results[3],
  };
}

export function previewRatio(p: PreviewResults): number {
  return median(p.target.runs) / median(p.floor.runs);
}

/** The same ratio for the inventory without node status (a harder floor). */
export function leanPreviewRatio(p: PreviewResults): number {
  return median(p.steps[6].runs) / median(p.steps[5].runs);
}

export function previewMarkdown(p: PreviewResults): string {
  const floor = median(p.floor.runs);
  const pairs = p.nodes * p.daemonSets;
  const leanFloor = median(p.steps[5].runs);
  const rows = p.steps.map((s, i) => [s.label, spread(s.runs), ratio(median(s.runs), i < 5 ? floor : leanFloor)]);
  const r = previewRatio(p);
  return [
    `${p.nodes.toLocaleString('en-US')} nodes (${(p.inventoryBytes / 2 ** 20).toFixed(1)} MiB of kubectl JSON, ${(p.inventoryBytes / p.nodes / 1024).toFixed(1)} KiB a node), `
      + `${p.daemonSets} DaemonSets, ${p.scheduledPods.toLocaleString('en-US')} of ${pairs.toLocaleString('en-US')} node × DaemonSet pairs scheduled. `
      + `The lean variant drops each node's status (${(p.leanBytes / 2 ** 20).toFixed(1)} MiB); its rows are relative to its own JSON.parse.`,
    '',
    markdownTable(['step', 'ms, median [min–max]', '× JSON.parse'], rows),
    '',
    markdownTable(['target', 'measured', 'target', 'verdict'], [
      ['preview (read inventory + 20 previews) vs JSON.parse', `${r.toFixed(2)}x`, '≤ 3x', verdict(r, 3)],
      ['the same on the lean inventory (no node status)', `${leanPreviewRatio(p).toFixed(2)}x`, '≤ 3x', verdict(leanPreviewRatio(p), 3)],
    ]),
  ].join('\n');
}
