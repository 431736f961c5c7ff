/**
 * Generated fleets (fleet.ts) applied to a real v1.20.2 control plane, one after the other: nodes
 * with allocatable, pods already bound, then DaemonSets competing for what is left. On every
 * DaemonSet x node the preview must say what the DaemonSet controller and the scheduler did.
 * CLUSTER_FLEETS sets how many fleets (seeds 1..N); CLUSTER_FLEET_SEED runs one seed alone.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { awaitOutcome, clearFleet, createAll, createBoundPods, createNamespace, createNodes, listNodes, listPods } from './cluster-state';
import { compare, disagreementTable, pendingReasons, runPreview, VERDICT } from './compare';
import { ControlPlane, sleep } from './control-plane';
import { AGENTS_NAMESPACE, generateFleet, PRIORITY_CLASSES, WORKLOADS_NAMESPACE } from './fleet';

const seeds = process.env.CLUSTER_FLEET_SEED
  ? [Number(process.env.CLUSTER_FLEET_SEED)]
  : Array.from({ length: Number(process.env.CLUSTER_FLEETS ?? 40) }, (_, i) => i + 1);

let plane: ControlPlane;
let work: string;
let passed = 0;
const COUNTS = ['fleets', 'nodes', 'daemonSets', 'compared', 'contended', 'contendedAsLikely', 'beyond', 'bound', 'pending', 'preempted', 'disagreements'] as const;
const totals = Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<typeof COUNTS[number], number>;
/** How often each reason of the scheduler's came up, over every Pending agent pod. */
const reasons = new Map<string, number>();

beforeAll(async () => {
  plane = await ControlPlane.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-fleets-'));
  await createAll(plane.client, PRIORITY_CLASSES);
  await createNamespace(plane.client, WORKLOADS_NAMESPACE);
  await createNamespace(plane.client, AGENTS_NAMESPACE);
}, 300_000);

// Every fleet leaves an empty cluster, also when it fails (else the next would find its nodes).
afterEach(() => clearFleet(plane.client, [WORKLOADS_NAMESPACE, AGENTS_NAMESPACE]), 120_000);

afterAll(async () => {
  console.log(`fleets: ${totals.fleets} fleets, ${totals.nodes} nodes, ${totals.daemonSets} DaemonSets; compared ${totals.compared} DaemonSet x node entries on "${VERDICT}"`
    + ` (left out of runs: ${totals.contended} contended, of which ${totals.contendedAsLikely} went the likely way; ${totals.beyond} beyond the control plane);`
    + ` the scheduler bound ${totals.bound} agent pods and left ${totals.pending} Pending; ${totals.preempted} pods preempted; ${totals.disagreements} disagreements`);
  console.log(`The scheduler's reasons for the Pending agent pods:\n${[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${String(n).padStart(4)}  ${r}`).join('\n')}`);
  await plane?.stop();
  // A failing fleet keeps its inputs (nodes.json, pods.json, agents.json) for the preview.
  if (work && passed === seeds.length) {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test.each(seeds)('fleet %i: the preview is what the controller and the scheduler do', async (seed) => {
  // GIVEN a generated fleet's nodes and running pods on the control plane
  const fleet = generateFleet(seed);
  await createNodes(plane.client, fleet.nodes);
  await createBoundPods(plane.client, fleet.pods);
  const dir = path.join(work, `fleet-${seed}`);
  fs.mkdirSync(dir);
  const nodesFile = path.join(dir, 'nodes.json');
  const podsFile = path.join(dir, 'pods.json');
  const manifestFile = path.join(dir, 'agents.json');
  fs.writeFileSync(nodesFile, JSON.stringify(await listNodes(plane.client)));
  fs.writeFileSync(podsFile, JSON.stringify(await listPods(plane.client)));
  fs.writeFileSync(manifestFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...PRIORITY_CLASSES, ...fleet.daemonSets] }));
  // The scheduler's cache learns of the bound pods through its watch; give it a moment.
  await sleep(500);

  // WHEN its DaemonSets are applied at once
  await createAll(plane.client, fleet.daemonSets);
  const daemonSets = fleet.daemonSets.map((d) => ({ namespace: d.metadata.namespace, name: d.metadata.name }));
  const { outcome, preempted } = await awaitOutcome(plane.client, daemonSets);
  fs.writeFileSync(path.join(dir, 'pods-after.json'), JSON.stringify(await listPods(plane.client)));
  const preview = runPreview(['--pods', podsFile, '--nodes', nodesFile, manifestFile]);
  const nodeNames = fleet.nodes.map((n) => n.metadata.name);
  const result = compare(preview, outcome, nodeNames, VERDICT);
  totals.fleets++;
  totals.nodes += nodeNames.length;
  totals.daemonSets += daemonSets.length;
  totals.compared += result.compared;
  totals.contended += result.contended;
  totals.contendedAsLikely += result.contendedAsLikely;
  totals.beyond += result.beyond;
  totals.bound += result.bound;
  totals.pending += result.pending;
  totals.preempted += preempted.length;
  totals.disagreements += result.disagreements.length;
  for (const reason of pendingReasons(outcome)) {
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  // THEN the preview agrees on every entry it does not mark contended
  if (result.disagreements.length > 0) {
    throw new Error(`fleet ${seed} (${dir}): the preview disagrees with the cluster on ${result.disagreements.length} entries:\n${disagreementTable(result.disagreements)}`);
  }
  expect(result.compared).toBe(daemonSets.length * nodeNames.length);
  passed++;
}, 300_000);
