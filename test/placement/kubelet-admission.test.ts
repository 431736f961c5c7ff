/**
 * What the kubelet does with a pod the scheduler bound (src/placement/kubelet-admission.ts), each
 * rule as kubernetes/kubernetes v1.20.2 has it; the source is named above each test.
 */
import { FleetPreview, InventoryNode, NodeCondition, NodeInventory, PlacementPreview, PlacementReasonKind, RolloutPlan } from '../../src/placement';

type Fields = { [key: string]: unknown };

function agent(name: string, podSpec: Fields = {}, metadata: Fields = {}, container: Fields = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'agents', ...metadata },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name, image: `example.com/${name}:1.0.0`, resources: { requests: { cpu: '50m', memory: '64Mi' } }, ...container }],
          tolerations: [{ operator: 'Exists' }],
          ...podSpec,
        },
      },
    },
  };
}

const ready = (status: string, message = '', reason = status === 'True' ? 'KubeletReady' : 'KubeletNotReady'): NodeCondition => ({ type: 'Ready', status, reason, message });
const pressure = (type: string): NodeCondition => ({ type, status: 'True', reason: `KubeletHas${type}` });

function node(name: string, conditions?: NodeCondition[], labels: { [key: string]: string } = {}): InventoryNode {
  return {
    name,
    labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...labels },
    allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
    ...(conditions ? { conditions } : {}),
  };
}

function previews(manifests: any[], nodes: InventoryNode[]): PlacementPreview[] {
  return FleetPreview.forManifests(manifests, NodeInventory.fromNodes(nodes)).daemonSets;
}

function entry(preview: PlacementPreview, nodeName: string) {
  const found = preview.nodes.find((n) => n.nodeName === nodeName);
  if (!found) {
    throw new Error(`no node ${nodeName}`);
  }
  return found;
}

const CNI_NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

describe('nodes that are not Ready', () => {
  // pkg/controller/nodelifecycle sets Ready=Unknown when the kubelet stops posting status.
  test('Ready=Unknown: the pod is bound but does not run, and the agent does not fit', () => {
    // GIVEN an agent that tolerates every taint, and a node whose kubelet stopped reporting
    const [p] = previews([agent('logs')], [node('ok', [ready('True')]), node('gone', [ready('Unknown', 'Kubelet stopped posting node status.', 'NodeStatusUnknown')])]);
    // WHEN previewed
    const gone = entry(p, 'gone');
    // THEN the controller makes a pod, the scheduler binds it, and it never starts
    expect(gone).toMatchObject({ scheduled: true, bound: true, runs: false });
    expect(gone.reasons.map((r) => r.kind)).toEqual([PlacementReasonKind.NODE_NOT_READY]);
    expect(gone.reasons[0].nodeValue).toBe('Unknown');
    expect(gone.verdict).toMatch(/^bound but cannot start: node not Ready, Ready=Unknown \(NodeStatusUnknown\): "Kubelet stopped posting node status\."/);
    expect(p.notRunningNodeNames).toEqual(['gone']);
    expect(p.fits).toBe(false);
    expect(entry(p, 'ok').runs).toBe(true);
  });

  // kubelet.go syncLoop: "skipping pod synchronization" while runtimeState.runtimeErrors() is set.
  test('Ready=False with the container runtime down: no pod starts, host network or not', () => {
    // GIVEN a node whose runtime is down (PLEG), a host-network agent and a pod-network one
    const n = node('rt', [ready('False', 'PLEG is not healthy: pleg was last seen active 3m0s ago; threshold is 3m0s')]);
    // WHEN previewed
    const [host, pod] = previews([agent('host', { hostNetwork: true }), agent('pod')], [n]);
    // THEN neither runs
    expect(entry(host, 'rt')).toMatchObject({ bound: true, runs: false });
    expect(entry(pod, 'rt')).toMatchObject({ bound: true, runs: false });
    expect(entry(host, 'rt').reasons[0].message).toMatch(/container runtime is not ready the kubelet skips every pod \(kubelet\.go syncLoop\)/);
  });

  // kubelet.go syncPod: with runtimeState.networkErrors() only IsHostNetworkPod pods start.
  test('Ready=False with only the pod network (CNI) not ready: the host-network agent runs, the other does not', () => {
    // GIVEN a node whose CNI plugin is not initialized
    const n = node('cni', [ready('False', CNI_NOT_READY)]);
    // WHEN a host-network agent and a pod-network agent are previewed
    const [host, pod] = previews([agent('host', { hostNetwork: true }), agent('pod')], [n]);
    // THEN the host-network pod runs, with the remark; the other is bound and does not start
    expect(entry(host, 'cni')).toMatchObject({ runs: true, reasons: [] });
    expect(entry(host, 'cni').verdict).toBe('runs (node not Ready (the pod network is not ready): this host-network pod starts all the same)');
    expect(entry(pod, 'cni')).toMatchObject({ bound: true, runs: false });
    expect(entry(pod, 'cni').reasons[0].message).toMatch(/starts only host-network pods .*this pod uses the pod network and does not start$/);
  });

  test('Ready=False for a reason not recognized: assumed not to start, and said so', () => {
    const [p] = previews([agent('logs', { hostNetwork: true })], [node('odd', [ready('False', 'something else entirely')])]);
    expect(entry(p, 'odd').runs).toBe(false);
    expect(entry(p, 'odd').reasons[0].message).toMatch(/a reason the preview does not recognize .* assumed never to start$/);
  });

  test('a node without conditions (fromNodes, or a generated fleet) is taken as Ready', () => {
    const [p] = previews([agent('logs')], [node('plain'), node('ready', [ready('True')])]);
    expect(p.runningNodeNames).toEqual(['plain', 'ready']);
  });

  test('the node section reports the Ready status and the pressure conditions', () => {
    const f = FleetPreview.forManifests([agent('logs')], NodeInventory.fromNodes([node('a', [ready('False', CNI_NOT_READY), pressure('DiskPressure')]), node('b')]));
    expect(f.nodes[0]).toMatchObject({ readyStatus: 'False', pressureConditions: ['DiskPressure'], agentsNotRunning: ['agents/logs'] });
    expect(f.nodes[1].readyStatus).toBeUndefined();
    expect(f.nodes[1].pressureConditions).toEqual([]);
  });
});

describe('admission under node pressure (pkg/kubelet/eviction/eviction_manager.go Admit)', () => {
  test('DiskPressure: a non-critical agent is rejected ("Evicted"), a system-node-critical one runs (types/pod_update.go IsCriticalPod)', () => {
    // GIVEN a Ready node with disk pressure
    const n = node('disk', [pressure('DiskPressure'), ready('True')]);
    // WHEN an agent without priority and a system-node-critical one are previewed
    const [plain, critical] = previews([agent('plain'), agent('critical', { priorityClassName: 'system-node-critical' })], [n]);
    // THEN only the critical one runs
    expect(entry(plain, 'disk')).toMatchObject({ bound: true, runs: false });
    expect(entry(plain, 'disk').reasons).toEqual([expect.objectContaining({
      kind: PlacementReasonKind.NODE_PRESSURE,
      nodeValue: 'DiskPressure',
      message: expect.stringMatching(/^the kubelet rejects the pod at admission \(Evicted: "The node had condition: \[DiskPressure\]\."\): under DiskPressure only critical pods/),
    })]);
    expect(entry(critical, 'disk').runs).toBe(true);
  });

  test('system-cluster-critical (2000000000) is critical too; a priority just below it is not', () => {
    const classes = [{ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'almost' }, value: 1999999999 }];
    const f = FleetPreview.forManifests(
      [agent('cluster', { priorityClassName: 'system-cluster-critical' }), agent('almost', { priorityClassName: 'almost' })],
      NodeInventory.fromNodes([node('pid', [pressure('PIDPressure')])]),
      { priorityClasses: classes },
    );
    expect(entry(f.daemonSets[0], 'pid').runs).toBe(true);
    expect(entry(f.daemonSets[1], 'pid').reasons.map((r) => r.kind)).toEqual([PlacementReasonKind.NODE_PRESSURE]);
  });

  // Admit admits every DaemonSet pod under MemoryPressure alone (the controller's memory-pressure
  // toleration); synchronize then evicts, ranked by rankMemoryPressure (exceedMemoryRequests first).
  test('MemoryPressure alone: a BestEffort agent is admitted, then evicted first (its use exceeds its zero memory request)', () => {
    // GIVEN a BestEffort agent (no requests nor limits) on a node with memory pressure only
    const [p] = previews([agent('besteffort', {}, {}, { resources: {} })], [node('mem', [pressure('MemoryPressure')])]);
    // THEN it is bound but does not stay running
    expect(entry(p, 'mem')).toMatchObject({ bound: true, runs: false });
    expect(entry(p, 'mem').reasons).toEqual([expect.objectContaining({
      kind: PlacementReasonKind.NODE_PRESSURE,
      nodeValue: 'MemoryPressure',
      message: expect.stringMatching(/^the kubelet admits the pod under MemoryPressure .* then evicts it \(Evicted: "The node was low on resource: memory\."\)/),
    })]);
  });

  test('MemoryPressure alone: an agent with a memory request runs, with a remark; a critical BestEffort one runs without', () => {
    // GIVEN a Burstable agent (64Mi requested) and a system-node-critical BestEffort one
    const [burstable, critical] = previews(
      [agent('burstable'), agent('critical', { priorityClassName: 'system-node-critical' }, {}, { resources: {} })],
      [node('mem', [pressure('MemoryPressure')])],
    );
    // THEN both run; the Burstable one's verdict says it stays while within its request
    expect(entry(burstable, 'mem').runs).toBe(true);
    expect(entry(burstable, 'mem').verdict).toMatch(/MemoryPressure: admitted; .* stays while it uses less than its memory request/);
    // AND the critical one is never evicted (eviction_manager.go evictPod refuses critical pods)
    expect(entry(critical, 'mem').runs).toBe(true);
    expect(entry(critical, 'mem').verdict).not.toMatch(/MemoryPressure/);
  });

  test('MemoryPressure with DiskPressure rejects, naming both conditions', () => {
    const [p] = previews([agent('logs')], [node('both', [pressure('MemoryPressure'), pressure('DiskPressure')])]);
    expect(entry(p, 'both').reasons[0].message).toContain('"The node had condition: [MemoryPressure DiskPressure]."');
  });

  test('a pressure condition that is False does not count', () => {
    const [p] = previews([agent('logs')], [node('fine', [{ type: 'DiskPressure', status: 'False' }, ready('True')])]);
    expect(entry(p, 'fine').runs).toBe(true);
  });

  test('the rollout stalls, counting its nodes by cause: Pending, not Ready, pressure', () => {
    // GIVEN an agent on a full node, a node not Ready, two under disk pressure and a healthy one
    const manifest = agent('logs', {}, {}, { resources: { requests: { cpu: '50m', memory: '64Mi' } } });
    const full: InventoryNode = { ...node('full'), allocatable: { cpu: '10m', memory: '4Gi', pods: '110' } };
    const nodes = [node('a'), full, node('gone', [ready('Unknown')]), node('disk-1', [pressure('DiskPressure')]), node('disk-2', [pressure('DiskPressure')])];
    // WHEN its rollout is planned from the preview
    const [p] = previews([manifest], nodes);
    const plan = RolloutPlan.forPreview(manifest, p);
    // THEN it stalls, with no duration, and says on how many nodes and why
    expect(plan).toMatchObject({ stalls: true, estimatedDurationSeconds: undefined, unavailablePods: 4 });
    expect(plan.stalledNodesByCause).toEqual({ Pending: 1, NodeNotReady: 1, NodePressure: 2 });
    expect(plan.stallReason).toBe('4 pods would never become available (1 Pending, 1 on a node that is not Ready, 2 rejected or evicted under node pressure), using up maxUnavailable 1: no old pod is replaced and the rollout stops');
  });
});

describe('operating system and architecture', () => {
  const windows = node('win', [ready('True')], { 'kubernetes.io/os': 'windows' });

  test('a DaemonSet without an OS selector or platforms on a Windows node: bound, taken for Linux images, does not run', () => {
    // GIVEN a vendor DaemonSet tolerating everything, selecting no OS
    const [p] = previews([agent('vendor')], [node('linux'), windows]);
    // THEN the Windows entry is bound but does not run
    expect(entry(p, 'win')).toMatchObject({ scheduled: true, bound: true, runs: false });
    expect(entry(p, 'win').reasons).toEqual([expect.objectContaining({
      kind: PlacementReasonKind.IMAGE_PLATFORM,
      expected: 'linux/*',
      nodeValue: 'windows/amd64',
      message: expect.stringMatching(/^a windows node, and the DaemonSet neither selects kubernetes\.io\/os nor declares its image platforms/),
    })]);
    expect(entry(p, 'linux').runs).toBe(true);
  });

  test('a DaemonSet that selects its OS, or declares a Windows platform, is judged by that instead', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux', 'windows'] }] }] } } };
    const [selects, declares] = previews([
      agent('selects', { affinity }),
      agent('declares', {}, { annotations: { 'cdk8s-node-agents.dev/image-platforms': 'linux/amd64,windows/amd64' } }),
    ], [windows]);
    expect(entry(selects, 'win').runs).toBe(true);
    expect(entry(declares, 'win').runs).toBe(true);
  });

  test('an image declared for linux only on a Windows node: the pull finds no variant', () => {
    const [p] = previews([agent('amd', {}, { annotations: { 'cdk8s-node-agents.dev/image-platforms': 'linux/amd64' } })], [windows]);
    expect(entry(p, 'win').reasons[0].message).toBe('the image is published for linux/amd64, not for the node\'s windows/amd64: the containers would fail to start (the image pull finds no variant for the node)');
  });

  test('pods on amd64 and arm64 nodes without declared platforms: a warning, not a verdict', () => {
    const [undeclared, declared] = previews(
      [agent('plain'), agent('multi', {}, { annotations: { 'cdk8s-node-agents.dev/image-platforms': 'linux/amd64,linux/arm64' } })],
      [node('x86'), node('arm', undefined, { 'kubernetes.io/arch': 'arm64' })],
    );
    expect(undeclared.runningNodeNames).toEqual(['x86', 'arm']);
    expect(undeclared.warnings).toEqual([expect.stringMatching(/^the controller makes pods on amd64 and arm64 nodes and the DaemonSet declares no image platforms/)]);
    expect(declared.warnings).toEqual([]);
  });
});

describe('conditions in the node inventory', () => {
  test('are read from kubectl output', () => {
    const inventory = NodeInventory.fromKubectlObject({
      kind: 'List',
      items: [{ kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: CNI_NOT_READY, lastHeartbeatTime: 'x' }] } }],
    });
    expect(inventory.nodes[0].conditions).toEqual([{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: CNI_NOT_READY }]);
  });

  test('fails when a condition is malformed, naming it', () => {
    const read = (conditions: unknown) => () => NodeInventory.fromKubectlObject({ kind: 'Node', metadata: { name: 'n' }, status: { conditions } });
    expect(read('Ready')).toThrow('Node inventory: the Node ("n").status.conditions is string "Ready"; expected a list of conditions { type, status, reason, message }');
    expect(read([{ type: 'Ready' }])).toThrow('Node inventory: the Node ("n").status.conditions[0].status is nothing (absent); expected a non-empty string (True, False or Unknown)');
  });
});
