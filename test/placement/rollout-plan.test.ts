import * as fs from 'fs';
import * as path from 'path';
import { NodeInventory, PlacementPreview, RolloutPlan, RolloutStrategy } from '../../src/placement';

function daemonSet(updateStrategy?: unknown, minReadySeconds?: number): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy,
      minReadySeconds,
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } },
    },
  };
}
const rolling = (rollingUpdate: unknown) => ({ type: 'RollingUpdate', rollingUpdate });

describe('defaults (SetDefaults_DaemonSet)', () => {
  test('no updateStrategy: RollingUpdate, maxUnavailable 1, maxSurge 0', () => {
    const plan = RolloutPlan.forManifest(daemonSet(), 10);
    expect(plan).toMatchObject({
      strategy: RolloutStrategy.ROLLING_UPDATE,
      rollsAutomatically: true,
      configuredMaxUnavailable: '1',
      configuredMaxSurge: '0',
      maxUnavailable: 1,
      maxSurge: 0,
      nodesPerWave: 1,
      waves: 10,
      minReadySeconds: 0,
      minimumDurationSeconds: 0,
    });
  });

  test('type RollingUpdate without rollingUpdate gets the same defaults', () => {
    expect(RolloutPlan.forManifest(daemonSet({ type: 'RollingUpdate' }), 3)).toMatchObject({ maxUnavailable: 1, maxSurge: 0, waves: 3 });
  });

  test('type absent with rollingUpdate set is RollingUpdate', () => {
    expect(RolloutPlan.forManifest(daemonSet({ rollingUpdate: { maxUnavailable: 2 } }), 5)).toMatchObject({ strategy: 'RollingUpdate', maxUnavailable: 2, waves: 3 });
  });
});

describe('percentages round up (UnavailableCount / SurgeCount)', () => {
  test.each([
    ['25%', 10, 3, 4], // 2.5 -> 3
    ['25%', 8, 2, 4],
    ['10%', 5, 1, 5], // 0.5 -> 1
    ['1%', 1, 1, 1],
    ['100%', 7, 7, 1],
    ['33%', 100, 33, 4],
    ['50%', 3, 2, 2], // 1.5 -> 2
  ])('maxUnavailable %s of %d nodes is %d, %d waves', (value, nodes, expected, waves) => {
    const plan = RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: value })), nodes);
    expect(plan.maxUnavailable).toBe(expected);
    expect(plan.waves).toBe(waves);
  });

  test('maxSurge percentages round up too', () => {
    const plan = RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 0, maxSurge: '10%' })), 15);
    expect(plan).toMatchObject({ maxSurge: 2, maxUnavailable: 0, nodesPerWave: 2, waves: 8 });
  });

  test('the rounding is explained in a note', () => {
    expect(RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: '25%' })), 10).notes)
      .toContain('maxUnavailable 25% of 10 nodes is 2.5, rounded up to 3 (DaemonSets round both percentages up)');
    expect(RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: '25%' })), 8).notes).toEqual([]);
  });
});

describe('waves and duration', () => {
  test('surge: maxSurge nodes per wave', () => {
    const plan = RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 0, maxSurge: 2 }), 20), 9);
    expect(plan).toMatchObject({ maxSurge: 2, maxUnavailable: 0, nodesPerWave: 2, waves: 5, minimumDurationSeconds: 100 });
    expect(plan.summary).toContain('surge 2 new pods at a time');
  });

  test('minimum duration is waves x minReadySeconds', () => {
    const plan = RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 3 }), 30), 10);
    expect(plan).toMatchObject({ waves: 4, minReadySeconds: 30, minimumDurationSeconds: 120 });
    expect(plan.summary).toBe('RollingUpdate over 10 nodes: 3 pods unavailable at a time (maxUnavailable 3, no surge); at least 4 waves, at least 120s with minReadySeconds 30; about 120s (4 × (readiness 0s + minReadySeconds 30s))');
  });

  test('an integer larger than the node count is not scaled; all nodes go in one wave', () => {
    const plan = RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 5 })), 3);
    expect(plan).toMatchObject({ maxUnavailable: 5, nodesPerWave: 3, waves: 1 });
    expect(plan.notes.join()).toContain('every node is updated at once');
  });

  test('no nodes: nothing to roll', () => {
    const plan = RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: '25%' }), 60), 0);
    expect(plan).toMatchObject({ maxUnavailable: 0, nodesPerWave: 0, waves: 0, minimumDurationSeconds: 0 });
    expect(plan.notes).toContain('no node runs a pod: there is nothing to roll');
  });
});

describe('OnDelete', () => {
  test('nothing rolls until pods are deleted', () => {
    const plan = RolloutPlan.forManifest(daemonSet({ type: 'OnDelete', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }, 10), 6);
    expect(plan).toMatchObject({
      strategy: RolloutStrategy.ON_DELETE,
      rollsAutomatically: false,
      maxUnavailable: 0,
      maxSurge: 0,
      waves: 0,
      minimumDurationSeconds: 0,
      nodeCount: 6,
    });
    expect(plan.configuredMaxUnavailable).toBeUndefined();
    expect(plan.summary).toContain('nothing rolls until pods are deleted');
  });
});

describe('configurations the API server rejects throw', () => {
  test('maxUnavailable and maxSurge both 0', () => {
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 0, maxSurge: 0 })), 3))
      .toThrow(/maxUnavailable and maxSurge are both 0, which the API server rejects/);
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: '0%' })), 3)).toThrow(/both 0/);
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 0 })), 3)).toThrow(/both 0/);
  });

  test('maxSurge with a non-zero maxUnavailable, including the default 1', () => {
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxSurge: 1 })), 3))
      .toThrow(/maxSurge 1 with maxUnavailable 1 \(maxUnavailable defaults to 1 when absent\), which the API server rejects.*set maxUnavailable: 0/);
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxSurge: '10%', maxUnavailable: '10%' })), 3)).toThrow(/maxSurge 10% with maxUnavailable 10%/);
  });

  test('malformed values', () => {
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: -1 })), 3)).toThrow(/maxUnavailable is -1; expected an integer >= 0/);
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: '5' })), 3)).toThrow(/maxUnavailable is "5".*must end in %/);
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: '150%' })), 3)).toThrow(/must not be greater than 100%/);
    expect(() => RolloutPlan.forManifest(daemonSet(rolling({ maxUnavailable: 1.5 })), 3)).toThrow(/expected an integer or a percentage string/);
    expect(() => RolloutPlan.forManifest(daemonSet({ type: 'Recreate' }), 3)).toThrow(/spec.updateStrategy.type is "Recreate"; expected RollingUpdate or OnDelete/);
    expect(() => RolloutPlan.forManifest(daemonSet(undefined, -5), 3)).toThrow(/minReadySeconds is number -5; expected an integer >= 0/);
  });

  test('a bad node count', () => {
    expect(() => RolloutPlan.forManifest(daemonSet(), -1)).toThrow(/nodeCount is number -1; expected an integer >= 0/);
    expect(() => RolloutPlan.forManifest(daemonSet(), 2.5)).toThrow(/nodeCount/);
  });

  test('non-DaemonSets', () => {
    expect(() => RolloutPlan.forManifest({ apiVersion: 'apps/v1', kind: 'Deployment' }, 1)).toThrow(/Expected an apps\/v1 DaemonSet/);
  });
});

describe('forInventory', () => {
  test('uses the number of nodes that would run a pod', () => {
    const inv = NodeInventory.fromKubectlJson(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'placement', 'nodes.json'), 'utf-8'));
    const ds = daemonSet(rolling({ maxUnavailable: '50%' }), 10);
    // no tolerations: worker-1 and cordoned worker-2 run a pod; gpu-1, control-plane-1 and edge-1 are tainted
    const plan = RolloutPlan.forInventory(ds, inv);
    expect(plan).toMatchObject({ nodeCount: 2, maxUnavailable: 1, waves: 2, minimumDurationSeconds: 20 });
  });
});

describe('rollout reality (forPreview)', () => {
  /** A DaemonSet asking for `memory`, with probes on its container. */
  type Fields = { [key: string]: unknown };
  function agent(memory: string, updateStrategy?: unknown, container: Fields = {}, podSpec: Fields = {}): any {
    const ds = daemonSet(updateStrategy, 10);
    ds.spec.template.spec = { ...podSpec, containers: [{ name: 'a', image: 'a:1', resources: { requests: { memory } }, ...container }] };
    return ds;
  }
  // Four 1Gi nodes and two 256Mi nodes.
  const nodes = NodeInventory.fromNodes([
    ...['big-1', 'big-2', 'big-3', 'big-4'].map((name) => ({ name, allocatable: { memory: '1Gi', pods: '110' } })),
    ...['small-1', 'small-2'].map((name) => ({ name, allocatable: { memory: '256Mi', pods: '110' } })),
  ]);
  const plan = (manifest: any) => RolloutPlan.forPreview(manifest, PlacementPreview.forManifest(manifest, nodes));

  test('Pending pods use up maxUnavailable: the rollout stops', () => {
    // GIVEN an agent that is Pending on the two small nodes, maxUnavailable 2
    const p = plan(agent('512Mi', rolling({ maxUnavailable: 2 })));
    // THEN
    expect(p).toMatchObject({ nodeCount: 6, unavailablePods: 2, stalls: true, estimatedDurationSeconds: undefined });
    expect(p.stalledNodesByCause).toEqual({ Pending: 2 });
    expect(p.stallReason).toBe('2 pods would never become available (2 Pending), using up maxUnavailable 2: no old pod is replaced and the rollout stops');
    expect(p.summary).toMatch(/; STALLS: 2 pods would never become available/);
  });

  test('fewer Pending pods than maxUnavailable slow the rollout, which never completes', () => {
    const p = plan(agent('512Mi', rolling({ maxUnavailable: 3 })));
    expect(p.stallReason).toBe('2 pods would never become available (2 Pending), holding 2 of maxUnavailable 3 for good: the other nodes update 1 at a time, but the rollout never completes');
  });

  test('a host port makes every surged pod Pending next to the old one', () => {
    const manifest = agent('64Mi', rolling({ maxUnavailable: 0, maxSurge: 1 }), { ports: [{ containerPort: 9100 }] }, { hostNetwork: true });
    const preview = PlacementPreview.forManifest(manifest, nodes);
    expect(preview.surgeBlockedNodeNames).toHaveLength(6);
    expect(RolloutPlan.forPreview(manifest, preview).stallReason).toBe('on 6 nodes a surged pod would not fit next to the old one (a host port or resources), using up maxSurge 1: no old pod is replaced and the rollout stops');
  });

  test('surging needs room for two pods: only the small nodes block it', () => {
    const preview = PlacementPreview.forManifest(agent('200Mi', rolling({ maxUnavailable: 0, maxSurge: '50%' })), nodes);
    expect(preview.surgeBlockedNodeNames).toEqual(['small-1', 'small-2']);
  });

  test('the estimate is waves x (readiness + minReadySeconds), readiness from the probes', () => {
    // GIVEN a startup probe (5 + 1 x 10) and a readiness probe (10 + 2 x 5): 35s to Ready
    const probes = {
      startupProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 5 },
      readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 5, successThreshold: 2 },
    };
    const p = plan(agent('64Mi', rolling({ maxUnavailable: 2 }), probes));
    // THEN 6 nodes, 2 at a time: 3 waves of (35 + 10) s
    expect(p).toMatchObject({
      stalls: false, unavailablePods: 0, waves: 3, readinessSeconds: 35, minReadySeconds: 10, estimatedDurationSeconds: 135,
    });
    expect(p.readinessAssumption).toMatch(/readiness assumed 35s: container "a" is Ready after its probes' initialDelaySeconds \+ successThreshold × periodSeconds, startup probe first/);
    expect(p.summary).toMatch(/; about 135s \(3 × \(readiness 35s \+ minReadySeconds 10s\)\)$/);
  });

  test('without probes, readiness is 0s and the estimate is the minReadySeconds', () => {
    const p = RolloutPlan.forManifest(daemonSet(undefined, 10), 4);
    expect(p).toMatchObject({ readinessSeconds: 0, estimatedDurationSeconds: 40, stalls: false, unavailablePods: 0 });
    expect(p.readinessAssumption).toMatch(/^readiness assumed 0s: no container has a readiness or startup probe/);
  });

  test('fails when the second argument is not a PlacementPreview', () => {
    expect(() => RolloutPlan.forPreview(daemonSet(), {} as any)).toThrow(/expected a PlacementPreview/);
  });
});
