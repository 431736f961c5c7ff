/**
 * The example app (every preset) applied to a real v1.20.2 control plane with the nodes of
 * examples/nodes.json: the preview must say what the DaemonSet controller and the scheduler did.
 * Run with `npm run test:cluster` (it builds the control plane once and synthesizes the app).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { awaitOutcome, clearFleet, createAll, createNodes, listNodes, listPods, removePath, SchemaFields } from './cluster-state';
import { compare, disagreementTable, pendingTable, runPreview, VERDICT } from './compare';
import { ControlPlane } from './control-plane';

const MANIFESTS = path.join(__dirname, '..', '..', 'dist', 'manifests');
const NODES = path.join(__dirname, '..', '..', 'examples', 'nodes.json');

let plane: ControlPlane;
let work: string;
let agentNamespaces: string[] = [];

beforeAll(async () => {
  plane = await ControlPlane.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-example-'));
}, 300_000);

// Each inventory leaves an empty cluster (but for the app's other objects), also when it fails.
afterEach(() => clearFleet(plane.client, agentNamespaces), 120_000);

afterAll(async () => {
  await plane?.stop();
  if (work) {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

/**
 * Allocatable per node: the file's own (createNodes gives a node without a status 4 cpu, 16Gi
 * and 110 pods: the control plane needs one), or the same for every node.
 */
const inventories: Array<[string, Record<string, string> | undefined]> = [
  ['the allocatable of the file', undefined],
  // The nodes of issue 12's first report, where Falco stayed Pending ("Insufficient memory").
  ['400m cpu, 700Mi, 110 pods on every node', { 'cpu': '400m', 'memory': '700Mi', 'pods': '110', 'ephemeral-storage': '100Gi' }],
];

test.each(inventories)('the preview of the example app is what the controller and the scheduler do on examples/nodes.json with %s', async (label, allocatable) => {
  // GIVEN the nodes of examples/nodes.json, with that allocatable
  if (!fs.existsSync(MANIFESTS)) {
    throw new Error(`${MANIFESTS} is missing: run "npx projen synth:example" first (npm run test:cluster does)`);
  }
  const inventory = JSON.parse(fs.readFileSync(NODES, 'utf-8'));
  await createNodes(plane.client, inventory.items.map((n: any) => (allocatable ? { ...n, status: { capacity: allocatable, allocatable } } : n)));
  const dir = fs.mkdtempSync(path.join(work, 'run-'));
  const nodesFile = path.join(dir, 'nodes.json');
  const podsFile = path.join(dir, 'pods.json');
  fs.writeFileSync(nodesFile, JSON.stringify(await listNodes(plane.client)));
  fs.writeFileSync(podsFile, JSON.stringify(await listPods(plane.client)));

  // WHEN every object of the app is applied, file by file as `kubectl apply -f dist/manifests/`
  const files = fs.readdirSync(MANIFESTS).filter((f) => f.endsWith('.k8s.yaml')).sort().map((f) => path.join(MANIFESTS, f));
  const all = files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf-8')).map((d) => d.toJS()).filter((o) => o));
  // Kinds of other operators (the Prometheus operator's ServiceMonitor and PodMonitor) have no
  // API on this control plane; they place no pod, so they are left out, and listed.
  const schema = await SchemaFields.load(plane.client);
  const objects = all.filter((o) => schema.serves(o));
  const notServed = all.filter((o) => !schema.serves(o)).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  expect(notServed.every((o) => o.startsWith('monitoring.coreos.com/'))).toBe(true);
  console.log(`Objects of kinds this API server does not serve, not applied:\n  ${notServed.join('\n  ') || '(none)'}`);
  // Fields v1.20 does not know (DaemonSet maxSurge: 1.22+) would be dropped by the server; they are
  // stripped here and listed. None may be in a pod template: the scheduler would judge another pod.
  const unknown: string[] = [];
  for (const obj of objects) {
    for (const p of schema.unknownPaths(obj)) {
      unknown.push(`${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}: ${p}`);
      removePath(obj, p);
    }
  }
  console.log(`Fields v1.20.2 does not know, stripped before applying:\n  ${unknown.join('\n  ') || '(none)'}`);
  await createAll(plane.client, objects);
  const daemonSets = objects.filter((o) => o.kind === 'DaemonSet').map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name }));
  agentNamespaces = [...new Set(daemonSets.map((d) => d.namespace))];
  const { outcome, preempted } = await awaitOutcome(plane.client, daemonSets);

  // THEN the preview (of the files as synthesized, on the nodes as the API server returns them) agrees
  const preview = runPreview(['--pods', podsFile, '--nodes', nodesFile, ...files]);
  const nodeNames = inventory.items.map((n: any) => n.metadata.name);
  const result = compare(preview, outcome, nodeNames, VERDICT);
  console.log(`example app on ${label}: ${daemonSets.length} DaemonSets x ${nodeNames.length} nodes; compared ${result.compared} entries on "${VERDICT}"`
    + ` (left out of runs: ${result.contended} contended, of which ${result.contendedAsLikely} went the likely way; ${result.beyond} beyond the control plane); the scheduler bound ${result.bound} pods,`
    + ` left ${result.pending} Pending; preempted: ${preempted.join(', ') || 'none'}\n${pendingTable(outcome)}`);
  expect(unknown.filter((u) => u.includes('spec.template'))).toEqual([]);
  expect(daemonSets.length).toBeGreaterThan(0);
  if (result.disagreements.length > 0) {
    throw new Error(`The preview disagrees with the cluster on ${result.disagreements.length} entries:\n${disagreementTable(result.disagreements)}`);
  }
  expect(result.compared).toBe(daemonSets.length * nodeNames.length);
}, 300_000);
