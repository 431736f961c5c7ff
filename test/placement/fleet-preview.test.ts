import { FleetPreview, InventoryNode, NodeInventory, PlacementPreview, PlacementReasonKind, PodInventory } from '../../src/placement';

/** A DaemonSet with the given pod spec fields; `container` is merged into its only container. */
type Fields = { [key: string]: unknown };

function agent(name: string, container: Fields = {}, podSpec: Fields = {}, metadata: Fields = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'agents', ...metadata },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: `example.com/${name}:1.0.0`, ...container }], ...podSpec },
      },
    },
  };
}

const requests = (r: { [key: string]: string }) => ({ resources: { requests: r } });

type Strings = { [key: string]: string };

function node(name: string, allocatable: Strings | undefined, labels: Strings = {}, extra: Partial<InventoryNode> = {}): InventoryNode {
  return { name, labels, ...(allocatable ? { allocatable: { pods: '110', ...allocatable } } : {}), ...extra };
}

/** A pod as `kubectl get pods -A -o json` prints it (the fields the preview reads). */
function pod(name: string, nodeName: string, spec: { [key: string]: unknown } = {}, extra: { [key: string]: unknown } = {}): any {
  const [namespace, podName] = name.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, namespace, ...(extra.metadata as object ?? {}) },
    spec: { nodeName, containers: [{ name: 'main', image: 'example.com/app:1' }], ...spec },
    status: { phase: 'Running', ...(extra.status as object ?? {}) },
  };
}

const podList = (...pods: any[]) => PodInventory.fromKubectlObject({ apiVersion: 'v1', kind: 'List', items: pods });

function fleet(manifests: any[], nodes: InventoryNode[], pods?: PodInventory, priorityClasses?: any[]): FleetPreview {
  return FleetPreview.forManifests(manifests, NodeInventory.fromNodes(nodes), { pods, priorityClasses });
}

function entry(preview: PlacementPreview, nodeName: string) {
  const found = preview.nodes.find((n) => n.nodeName === nodeName);
  if (!found) {
    throw new Error(`no node ${nodeName}`);
  }
  return found;
}

describe('NodeResourcesFit', () => {
  test('memory: the pod stays Pending with the numbers when the node lacks room', () => {
    // GIVEN a 400m/700Mi node with 400Mi already requested
    const pods = podList(pod('apps/web-1', 'small', { containers: [{ name: 'web', ...requests({ memory: '400Mi' }) }] }));
    // WHEN falco asks for 512Mi
    const f = fleet([agent('falco', requests({ cpu: '100m', memory: '512Mi' }))], [node('small', { cpu: '400m', memory: '700Mi' })], pods);
    // THEN
    const e = entry(f.daemonSets[0], 'small');
    expect(e).toMatchObject({ eligible: true, scheduled: true, runs: false, contended: false });
    expect(e.reasons).toEqual([{
      kind: PlacementReasonKind.NODE_RESOURCES_FIT,
      resource: 'memory',
      message: 'Insufficient memory: needs 512Mi memory, 300Mi free of 700Mi allocatable',
    }]);
    expect(e.verdict).toBe('Pending: Insufficient memory: needs 512Mi memory, 300Mi free of 700Mi allocatable');
    expect(f.daemonSets[0]).toMatchObject({ fullCoverage: true, fits: false, runningCount: 0, notRunningNodeNames: ['small'] });
  });

  test('cpu, ephemeral-storage and an extended resource each fail with their numbers', () => {
    const f = fleet([agent('heavy', requests({ 'cpu': '500m', 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': '1' }))],
      [node('n', { 'cpu': '2', 'memory': '8Gi', 'ephemeral-storage': '1Gi' })],
      podList(pod('apps/batch', 'n', { containers: [{ name: 'b', ...requests({ cpu: '1900m' }) }] })));
    expect(entry(f.daemonSets[0], 'n').reasons.map((r) => r.message)).toEqual([
      'Insufficient cpu: needs 500m cpu, 100m free of 2 allocatable',
      'Insufficient ephemeral-storage: needs 2Gi ephemeral-storage, 1Gi free of 1Gi allocatable',
      'Insufficient nvidia.com/gpu: needs 1 nvidia.com/gpu, 0 free of 0 allocatable (the node has no nvidia.com/gpu)',
    ]);
  });

  test('an extended resource the node offers fits', () => {
    const f = fleet([agent('gpu', requests({ 'nvidia.com/gpu': '1' }))], [node('gpu-1', { 'cpu': '8', 'memory': '32Gi', 'nvidia.com/gpu': '4' })]);
    expect(entry(f.daemonSets[0], 'gpu-1').runs).toBe(true);
  });

  test('the pod count: Too many pods when allocatable.pods are all taken', () => {
    const f = fleet([agent('tiny')], [node('full', { cpu: '4', memory: '8Gi', pods: '2' })],
      podList(pod('apps/a', 'full'), pod('apps/b', 'full')));
    expect(entry(f.daemonSets[0], 'full').reasons).toEqual([{
      kind: PlacementReasonKind.NODE_RESOURCES_FIT,
      resource: 'pods',
      message: 'Too many pods: needs 1 pod, 0 free of 2 allocatable (2 pods on the node)',
    }]);
  });

  test('a pod that requests nothing only needs a pod slot, even on an over-requested node', () => {
    const f = fleet([agent('besteffort')], [node('n', { cpu: '1', memory: '1Gi' })],
      podList(pod('apps/hog', 'n', { containers: [{ name: 'h', ...requests({ cpu: '2', memory: '2Gi' }) }] })));
    expect(entry(f.daemonSets[0], 'n').runs).toBe(true);
  });

  test('limits without requests become the requests (SetDefaults_Pod)', () => {
    const f = fleet([agent('limited', { resources: { limits: { memory: '1Gi' } } })], [node('n', { cpu: '1', memory: '512Mi' })]);
    expect(entry(f.daemonSets[0], 'n').reasons[0].message).toBe('Insufficient memory: needs 1Gi memory, 512Mi free of 512Mi allocatable');
  });

  test('the effective request is the larger of the containers and each init container, plus overhead', () => {
    // GIVEN containers of 100Mi + 100Mi, an init container of 300Mi, and 50Mi overhead
    const ds = agent('init', requests({ memory: '100Mi' }), {
      containers: [{ name: 'a', image: 'a:1', ...requests({ memory: '100Mi' }) }, { name: 'b', image: 'b:1', ...requests({ memory: '100Mi' }) }],
      initContainers: [{ name: 'setup', image: 's:1', ...requests({ memory: '300Mi' }) }],
      overhead: { memory: '50Mi' },
    });
    // WHEN the node has 340Mi
    const f = fleet([ds], [node('n', { cpu: '1', memory: '340Mi' })]);
    // THEN the pod needs max(200Mi, 300Mi) + 50Mi = 350Mi
    expect(entry(f.daemonSets[0], 'n').reasons[0].message).toBe('Insufficient memory: needs 350Mi memory, 340Mi free of 340Mi allocatable');
  });

  test('restartable init containers (sidecars) add to the sum and to the init containers after them', () => {
    // containers 100Mi; sidecar 200Mi (restartPolicy Always); then an init container of 250Mi:
    // sum = 100 + 200 = 300; the init phase = 200 + 250 = 450; the request is 450Mi.
    const ds = agent('sidecar', requests({ memory: '100Mi' }), {
      initContainers: [
        { name: 'proxy', image: 'p:1', restartPolicy: 'Always', ...requests({ memory: '200Mi' }) },
        { name: 'migrate', image: 'm:1', ...requests({ memory: '250Mi' }) },
      ],
    });
    const f = fleet([ds], [node('n', { cpu: '1', memory: '400Mi' })]);
    expect(entry(f.daemonSets[0], 'n').reasons[0].message).toBe('Insufficient memory: needs 450Mi memory, 400Mi free of 400Mi allocatable');
  });

  test('a node without status.allocatable is not checked, and the fleet says so', () => {
    const f = fleet([agent('falco', requests({ memory: '64Gi' }))], [node('unknown', undefined), node('known', { cpu: '1', memory: '1Gi' })]);
    expect(entry(f.daemonSets[0], 'unknown').runs).toBe(true);
    expect(entry(f.daemonSets[0], 'known').runs).toBe(false);
    expect(f.warnings).toEqual(['1 of 2 nodes report no status.allocatable: resources and pod slots are not checked there (host ports are)']);
  });

  test('fails when a request is not a quantity, naming the field', () => {
    expect(() => fleet([agent('bad', requests({ memory: '1 GB' }))], [node('n', { memory: '1Gi' })]))
      .toThrow('DaemonSet agents/bad: spec.template.spec.containers[0].resources.requests["memory"] is string "1 GB"; expected a Kubernetes quantity such as "100m", "128Mi" or "1"');
  });
});

describe('NodePorts', () => {
  const exporter = (name: string, hostIP?: string, protocol?: string) =>
    agent(name, { ports: [{ containerPort: 9100, ...(hostIP ? { hostIP } : {}), ...(protocol ? { protocol } : {}) }] }, { hostNetwork: true });

  test('a host-network agent needs every container port on the host, and names the pod holding it', () => {
    const pods = podList(pod('monitoring/prometheus-node-exporter-x7k2p', 'n', { hostNetwork: true, containers: [{ name: 'e', ports: [{ containerPort: 9100, hostPort: 9100 }] }] }));
    const f = fleet([exporter('node-exporter')], [node('n', { cpu: '1', memory: '1Gi' })], pods);
    expect(entry(f.daemonSets[0], 'n').reasons).toEqual([{
      kind: PlacementReasonKind.NODE_PORTS,
      resource: '9100/TCP',
      heldBy: 'monitoring/prometheus-node-exporter-x7k2p',
      message: 'host port 9100/TCP is already used by pod monitoring/prometheus-node-exporter-x7k2p (node(s) didn\'t have free ports for the requested pod ports)',
    }]);
  });

  test('a hostPort without hostNetwork counts; a plain containerPort does not', () => {
    const f = fleet([agent('a', { ports: [{ containerPort: 8080, hostPort: 9100 }] }), agent('b', { ports: [{ containerPort: 9100 }] })],
      [node('n', undefined)], podList(pod('mon/x', 'n', { containers: [{ name: 'x', ports: [{ containerPort: 1, hostPort: 9100 }] }] })));
    expect(entry(f.daemonSets[0], 'n').runs).toBe(false);
    expect(entry(f.daemonSets[1], 'n').runs).toBe(true);
  });

  test('other protocols and other host IPs do not clash; 0.0.0.0 clashes with every IP', () => {
    const pods = podList(pod('mon/x', 'n', { containers: [{ name: 'x', ports: [{ containerPort: 9100, hostPort: 9100, hostIP: '10.0.0.1' }] }] }));
    const f = fleet([exporter('udp', undefined, 'UDP'), exporter('other-ip', '127.0.0.1'), exporter('any-ip')], [node('n', undefined)], pods);
    expect(f.daemonSets.map((d) => entry(d, 'n').runs)).toEqual([true, true, false]);
    expect(entry(f.daemonSets[2], 'n').reasons[0].message).toMatch(/^host port 9100\/TCP is already used by pod mon\/x /);
  });

  test('two agents on one host port: the first in file order runs, both are contended', () => {
    const f = fleet([exporter('exporter-a'), exporter('exporter-b')], [node('n1', undefined), node('n2', undefined)]);
    const [a, b] = f.daemonSets;
    expect(entry(a, 'n1')).toMatchObject({ runs: true, contended: true, contendedWith: ['agents/exporter-b'] });
    expect(entry(b, 'n1')).toMatchObject({ runs: false, contended: true, contendedWith: ['agents/exporter-a'] });
    expect(entry(b, 'n1').verdict).toBe('Pending: host port 9100/TCP is already used by DaemonSet agents/exporter-a (node(s) didn\'t have free ports for the requested pod ports)'
      + ' (contended with agents/exporter-a: another order of the agents could let it run)');
    expect(b.contendedNodeNames).toEqual(['n1', 'n2']);
    expect(f.nodes[0]).toMatchObject({ agentsRunning: ['agents/exporter-a'], agentsNotRunning: ['agents/exporter-b'], contended: true });
  });
});

describe('NodeUnschedulable', () => {
  test('a cordoned node still runs DaemonSet pods (the controller adds the toleration)', () => {
    const f = fleet([agent('a')], [node('cordoned', { cpu: '1', memory: '1Gi' }, {}, {
      unschedulable: true,
      taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as any }],
    })]);
    expect(entry(f.daemonSets[0], 'cordoned')).toMatchObject({ unschedulable: true, runs: true, reasons: [] });
  });
});

describe('contention between agents', () => {
  const small = [node('n', { cpu: '1', memory: '1Gi' })];

  test('two agents of one priority with room for one: the count is right in either order', () => {
    const first = agent('first', requests({ memory: '600Mi' }));
    const second = agent('second', requests({ memory: '600Mi' }));
    const ab = fleet([first, second], small);
    const ba = fleet([second, first], small);
    for (const f of [ab, ba]) {
      expect(f.daemonSets.filter((d) => entry(d, 'n').runs)).toHaveLength(1);
      expect(f.daemonSets.every((d) => entry(d, 'n').contended)).toBe(true);
    }
    expect(entry(ab.daemonSets[0], 'n').runs).toBe(true);
    expect(entry(ba.daemonSets[0], 'n').runs).toBe(true);
  });

  test('agents that fit together are not contended', () => {
    const f = fleet([agent('a', requests({ memory: '400Mi' })), agent('b', requests({ memory: '400Mi' }))], small);
    expect(f.daemonSets.map((d) => entry(d, 'n'))).toEqual([
      expect.objectContaining({ runs: true, contended: false, contendedWith: [] }),
      expect.objectContaining({ runs: true, contended: false, contendedWith: [] }),
    ]);
    expect(f.nodes[0]).toMatchObject({ agentRequests: { memory: '800Mi' }, agentMemoryBytes: 800 * 2 ** 20, agentMemoryShare: 800 / 1024 });
  });

  test('an agent that cannot fit even alone is Pending, not contended', () => {
    const f = fleet([agent('a', requests({ memory: '400Mi' })), agent('huge', requests({ memory: '2Gi' }))], small);
    expect(entry(f.daemonSets[1], 'n')).toMatchObject({ runs: false, contended: false });
  });

  test('a higher-priority agent goes first whatever the file order, and is not at risk', () => {
    const low = agent('low', requests({ memory: '600Mi' }));
    const high = agent('high', requests({ memory: '600Mi' }), { priorityClassName: 'system-node-critical' });
    const f = fleet([low, high], small);
    expect(entry(f.daemonSets[1], 'n')).toMatchObject({ runs: true, contended: false });
    expect(entry(f.daemonSets[0], 'n')).toMatchObject({ runs: false, contended: false });
    expect(f.daemonSets[1].priority).toBe(2000001000);
  });

  test('a lower agent whose room depends on a contended higher pair is contended too', () => {
    // a and b (equal, high) compete; c (low) fits next to a small winner only.
    const high = { priorityClassName: 'system-cluster-critical' };
    const f = fleet([agent('a', requests({ memory: '300Mi' }), high), agent('b', requests({ memory: '800Mi' }), high), agent('c', requests({ memory: '600Mi' }))], small);
    expect(f.daemonSets.map((d) => entry(d, 'n').runs)).toEqual([true, false, true]);
    expect(entry(f.daemonSets[2], 'n')).toMatchObject({ contended: true, contendedWith: ['agents/a', 'agents/b'] });
  });
});

describe('preemption', () => {
  const n = [node('n', { cpu: '1', memory: '1Gi' })];

  test('a system-node-critical agent runs by preempting lower-priority pods, naming them', () => {
    // GIVEN three pods of priority 0 using 900Mi, the oldest started first
    const pods = podList(
      pod('apps/old', 'n', { priority: 0, containers: [{ name: 'a', ...requests({ memory: '300Mi' }) }] }, { status: { startTime: '2026-01-01T00:00:00Z' } }),
      pod('apps/mid', 'n', { priority: 0, containers: [{ name: 'a', ...requests({ memory: '300Mi' }) }] }, { status: { startTime: '2026-02-01T00:00:00Z' } }),
      pod('apps/new', 'n', { priority: 0, containers: [{ name: 'a', ...requests({ memory: '300Mi' }) }] }, { status: { startTime: '2026-03-01T00:00:00Z' } }),
    );
    // WHEN a critical agent needs 400Mi
    const f = fleet([agent('cni', requests({ memory: '400Mi' }), { priorityClassName: 'system-node-critical' })], n, pods);
    // THEN it evicts only the newest pod (the others are reprieved, most important first)
    const e = entry(f.daemonSets[0], 'n');
    expect(e).toMatchObject({ runs: true, preempts: ['apps/new'] });
    expect(e.verdict).toBe('runs by preempting 1 pod: apps/new');
    expect(f.nodes[0].preempted).toEqual(['apps/new']);
  });

  test('pods of the same priority are never preempted', () => {
    const pods = podList(pod('kube-system/coredns', 'n', { priority: 2000000000, containers: [{ name: 'a', ...requests({ memory: '900Mi' }) }] }));
    const f = fleet([agent('agent', requests({ memory: '400Mi' }), { priorityClassName: 'system-cluster-critical' })], n, pods);
    expect(entry(f.daemonSets[0], 'n')).toMatchObject({ runs: false, preempts: [] });
  });

  test('priority classes come from PriorityClass objects, with their preemption policy', () => {
    const pods = podList(pod('apps/web', 'n', { priorityClassName: 'batch', containers: [{ name: 'a', ...requests({ memory: '900Mi' }) }] }));
    const classes = [
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'agents' }, value: 1000 },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'polite' }, value: 1000, preemptionPolicy: 'Never' },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch' }, value: 10 },
    ];
    const preempting = fleet([agent('a', requests({ memory: '400Mi' }), { priorityClassName: 'agents' })], n, pods, classes);
    expect(entry(preempting.daemonSets[0], 'n')).toMatchObject({ runs: true, preempts: ['apps/web'] });
    const polite = fleet([agent('a', requests({ memory: '400Mi' }), { priorityClassName: 'polite' })], n, pods, classes);
    expect(entry(polite.daemonSets[0], 'n')).toMatchObject({ runs: false, preempts: [] });
  });

  test('an unknown priority class is a warning', () => {
    const f = fleet([agent('a', {}, { priorityClassName: 'nope' })], n);
    expect(f.daemonSets[0].warnings).toContain('priorityClassName "nope" is not a built-in class nor a PriorityClass in the input: the API server rejects the pods until it exists (the preview assumes priority 0)');
  });
});

describe('pods already in the cluster', () => {
  const n = [node('n', { cpu: '1', memory: '1Gi' })];
  const big = { containers: [{ name: 'a', ...requests({ memory: '900Mi' }) }] };

  test('finished, unbound and replaced pods do not count; other DaemonSets\' pods do', () => {
    const owner = (name: string) => ({ metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name, controller: true }] } });
    const cases: Array<[string, PodInventory, boolean]> = [
      ['a Succeeded pod', podList(pod('apps/job', 'n', big, { status: { phase: 'Succeeded' } })), true],
      ['a Failed pod', podList(pod('apps/job', 'n', big, { status: { phase: 'Failed' } })), true],
      ['an unbound pod', podList(pod('apps/pending', '', big)), true],
      ['a pod on another node', podList(pod('apps/elsewhere', 'other', big)), true],
      ['the old pod of the previewed DaemonSet', podList(pod('agents/falco-abcde', 'n', big, owner('falco'))), true],
      ['a pod of another DaemonSet', podList(pod('agents/other-abcde', 'n', big, owner('other'))), false],
      ['a Running pod', podList(pod('apps/web', 'n', big)), false],
      ['a Pending pod already bound', podList(pod('apps/web', 'n', big, { status: { phase: 'Pending' } })), false],
    ];
    for (const [, pods, runs] of cases) {
      const f = fleet([agent('falco', requests({ memory: '512Mi' }))], n, pods);
      expect(entry(f.daemonSets[0], 'n').runs).toBe(runs);
    }
  });

  test('the per-node section has the pods\' requests and count', () => {
    const f = fleet([agent('falco', requests({ cpu: '100m', memory: '64Mi' }))], n, podList(pod('apps/a', 'n', big), pod('apps/b', 'n')));
    expect(f.nodes[0]).toMatchObject({
      nodeName: 'n',
      canRunDaemonSetPods: true,
      allocatable: { cpu: '1', memory: '1Gi', pods: '110' },
      existingPodCount: 2,
      existingRequests: { memory: '900Mi' },
      agentRequests: { cpu: '100m', memory: '64Mi' },
      agentCpuShare: 0.1,
      agentsRunning: ['agents/falco'],
      agentsNotRunning: [],
    });
  });
});

describe('nodes that cannot run DaemonSet pods', () => {
  const nodes = [
    node('worker', { cpu: '1', memory: '1Gi' }),
    node('fargate-ip-10-0-0-1', { cpu: '2', memory: '4Gi' }, { 'eks.amazonaws.com/compute-type': 'fargate' }),
    node('virtual-node-aci-linux', { cpu: '10', memory: '100Gi' }, { 'type': 'virtual-kubelet', 'kubernetes.io/role': 'agent' }),
  ];

  test('an agent tolerating everything is not counted as missing them, but warned about', () => {
    const f = fleet([agent('everywhere', {}, { tolerations: [{ operator: 'Exists' }] })], nodes);
    const p = f.daemonSets[0];
    expect(entry(p, 'fargate-ip-10-0-0-1')).toMatchObject({ eligible: false, scheduled: true, runs: false });
    expect(entry(p, 'fargate-ip-10-0-0-1').reasons[0]).toEqual({ kind: PlacementReasonKind.VIRTUAL_NODE, message: 'EKS Fargate node (label eks.amazonaws.com/compute-type=fargate): cannot run DaemonSet pods' });
    expect(entry(p, 'virtual-node-aci-linux').reasons[0].message).toBe('virtual-kubelet node (label type=virtual-kubelet, e.g. an AKS virtual node): cannot run DaemonSet pods');
    expect(p).toMatchObject({ eligibleCount: 1, fullCoverage: true, uncoveredNodeNames: [], fits: false, notRunningNodeNames: ['fargate-ip-10-0-0-1', 'virtual-node-aci-linux'] });
    expect(p.warnings.join('\n')).toMatch(/would create a pod on 2 nodes that cannot run DaemonSet pods .* stays Pending forever and holds the rolling update's maxUnavailable/);
    expect(f.nodes.map((x) => x.canRunDaemonSetPods)).toEqual([true, false, false]);
  });

  test('an agent whose affinity excludes them has no pod there, and fits', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{
            matchExpressions: [
              { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] },
              { key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] },
            ],
          }],
        },
      },
    };
    const p = fleet([agent('core', {}, { affinity, tolerations: [{ operator: 'Exists' }] })], nodes).daemonSets[0];
    expect(p).toMatchObject({ scheduledCount: 1, runningCount: 1, fits: true, fullCoverage: true, warnings: [] });
  });
});

describe('image platforms', () => {
  const nodes = [
    node('amd', { cpu: '1', memory: '1Gi' }, { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' }),
    node('arm', { cpu: '1', memory: '1Gi' }, { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' }),
  ];
  const annotated = (platforms: string) => agent('a', {}, {}, { annotations: { 'cdk8s-node-agents.dev/image-platforms': platforms } });

  test('an amd64-only image on an arm64 node does not run', () => {
    const p = fleet([annotated('linux/amd64')], nodes).daemonSets[0];
    expect(p.architectures).toEqual(['amd64', 'arm64']);
    expect(p.imagePlatforms).toEqual(['linux/amd64']);
    expect(entry(p, 'amd').runs).toBe(true);
    expect(entry(p, 'arm')).toMatchObject({ scheduled: true, runs: false });
    expect(entry(p, 'arm').reasons).toEqual([{
      kind: PlacementReasonKind.IMAGE_PLATFORM,
      message: 'the image is published for linux/amd64, not for the node\'s linux/arm64: the containers would fail to start ("exec format error")',
      expected: 'linux/amd64',
      nodeValue: 'linux/arm64',
    }]);
  });

  test('a multi-arch image runs on both; without the annotation nothing is checked', () => {
    expect(fleet([annotated('linux/amd64, linux/arm64')], nodes).daemonSets[0].runningCount).toBe(2);
    expect(fleet([agent('plain')], nodes).daemonSets[0]).toMatchObject({ runningCount: 2 });
  });

  test('fails when a platform is not os/arch', () => {
    expect(() => fleet([annotated('amd64')], nodes)).toThrow(/image-platforms"\] has "amd64"; expected comma-separated os\/arch platforms/);
  });
});

describe('inputs', () => {
  test('fails when the manifests are not a list or the inventory is not a NodeInventory', () => {
    expect(() => FleetPreview.forManifests(agent('a') as any, NodeInventory.fromNodes([]))).toThrow(/expected a list of DaemonSet objects, got an object/);
    expect(() => FleetPreview.forManifests([], [] as any)).toThrow(/expected a NodeInventory/);
    expect(() => PlacementPreview.forManifest(agent('a'), NodeInventory.fromNodes([]), { pods: [] as any })).toThrow(/PreviewOptions.pods: expected a PodInventory/);
  });

  test('PlacementPreview.forManifest takes the pods too', () => {
    const p = PlacementPreview.forManifest(agent('a', requests({ memory: '512Mi' })), NodeInventory.fromNodes([node('n', { memory: '1Gi' })]), {
      pods: podList(pod('apps/x', 'n', { containers: [{ name: 'x', ...requests({ memory: '600Mi' }) }] })),
    });
    expect(p.nodes[0].reasons[0].message).toBe('Insufficient memory: needs 512Mi memory, 424Mi free of 1Gi allocatable');
  });
});
