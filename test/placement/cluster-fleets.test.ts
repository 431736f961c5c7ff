/**
 * The cluster tier (test/cluster) compares the preview with a kubelet-less v1.20.2 control plane
 * on generated fleets, whose nodes the harness marks Ready (cluster-state.ts `createNodes`). The
 * kubelet's verdicts must not change what it compares there: on those fleets the only verdict
 * beyond the control plane is the image platform (Windows nodes), which compare.ts leaves out.
 */
import { FleetPreview, NodeInventory, PlacementPreview, PodInventory } from '../../src/placement';
import { generateFleet, PRIORITY_CLASSES } from '../cluster/fleet';

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

function preview(seed: number, readyCondition: boolean): PlacementPreview[] {
  const fleet = generateFleet(seed);
  const nodes = fleet.nodes.map((n) => (readyCondition
    ? { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'set by the test' }] } }
    : n));
  const inventory = NodeInventory.fromKubectlObject({ kind: 'List', items: nodes });
  const pods = PodInventory.fromKubectlObject({ kind: 'List', items: fleet.pods });
  return FleetPreview.forManifests(fleet.daemonSets, inventory, { pods, priorityClasses: PRIORITY_CLASSES }).daemonSets;
}

test('on the cluster tier\'s 40 fleets, the harness\'s Ready condition changes no verdict, and only Windows nodes add one after binding', () => {
  let windows = 0;
  for (const seed of SEEDS) {
    // GIVEN a generated fleet as written, and as the API server returns it (Ready=True)
    const plain = preview(seed, false);
    const ready = preview(seed, true);
    // THEN every entry is the same
    expect(JSON.stringify(ready.map((p) => p.nodes))).toBe(JSON.stringify(plain.map((p) => p.nodes)));
    // AND a bound pod that does not run has only image-platform reasons after the scheduler's
    for (const p of ready) {
      for (const n of p.nodes.filter((e) => e.bound && !e.runs)) {
        expect({ seed, node: n.nodeName, kinds: [...new Set(n.reasons.map((r) => r.kind))] }).toEqual({ seed, node: n.nodeName, kinds: ['ImagePlatform'] });
        windows++;
      }
    }
  }
  // The fleets do have Windows nodes with DaemonSets selecting no OS: the check above ran.
  expect(windows).toBeGreaterThan(0);
});
