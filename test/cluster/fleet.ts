/**
 * Small random fleets, reproducible from a seed: nodes with allocatable cpu, memory, pods and
 * GPUs, taints and cordons; pods already bound to them with requests, host ports, priorities,
 * some finished; and DaemonSets competing for what is left (requests, init containers, host
 * ports, host network, priorities, extended resources, tolerations, node selectors).
 */

export const WORKLOADS_NAMESPACE = 'workloads';
export const AGENTS_NAMESPACE = 'agents';

/** Priority classes the fleets use besides the built-in system-node-critical (2000001000). */
export const PRIORITY_CLASSES = [
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'fleet-low' }, value: 100, globalDefault: false },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'fleet-high' }, value: 1000000, globalDefault: false },
];

export interface Fleet {
  readonly seed: number;
  readonly nodes: any[];
  /** Pods already bound to the nodes (`status.phase` given for the finished ones). */
  readonly pods: any[];
  /** The DaemonSets, in the order they are applied. */
  readonly daemonSets: any[];
}

/** Park-Miller minimal standard PRNG: seeded, so that a failing fleet can be rebuilt from its seed. */
function prng(seed: number): () => number {
  // Spread small seeds over the range: Park-Miller's first draws from 1, 2, 3... are all tiny.
  let a = ((seed * 2654435761) % 2147483646) + 1;
  return () => {
    a = (a * 16807) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

/** cpu quantity to millicores, memory quantity (Mi/Gi) to MiB: enough for the values used here. */
function milli(q: string): number {
  return q === '' ? 0 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
function mebi(q: string): number {
  return q === '' ? 0 : q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.slice(0, -2));
}

const HOST_PORTS = [9100, 8080, 2020, 9400];

export function generateFleet(seed: number): Fleet {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  const nodes: any[] = [];
  const pods: any[] = [];
  const nodeCount = int(3, 6);
  for (let j = 0; j < nodeCount; j++) {
    const name = `node-${j}`;
    const cpu = pick(['500m', '1', '2', '4']);
    const memory = pick(['512Mi', '1Gi', '2Gi', '8Gi']);
    const podCount = pick(['3', '5', '110']);
    const gpu = chance(0.2);
    const taints: any[] = [];
    if (gpu && chance(0.7)) {
      taints.push({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
    }
    if (chance(0.15)) {
      taints.push({ key: 'dedicated', value: 'db', effect: 'NoExecute' });
    }
    if (chance(0.15)) {
      taints.push({ key: 'example.com/spot', value: 'true', effect: 'PreferNoSchedule' });
    }
    const cordoned = chance(0.1);
    if (cordoned) {
      taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    }
    const allocatable: Record<string, string> = { 'cpu': cpu, 'memory': memory, 'pods': podCount, 'ephemeral-storage': '20Gi' };
    if (gpu) {
      allocatable['nvidia.com/gpu'] = '1';
    }
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': chance(0.9) ? 'linux' : 'windows',
          'kubernetes.io/arch': pick(['amd64', 'arm64']),
          'node.kubernetes.io/instance-type': `pool-${cpu}-${memory}`,
          ...(gpu ? { 'nvidia.com/gpu.present': 'true' } : {}),
        },
      },
      spec: { ...(taints.length ? { taints } : {}), ...(cordoned ? { unschedulable: true } : {}) },
      status: { capacity: allocatable, allocatable },
    });

    // Pods already there, as the scheduler would have placed them: within allocatable, one
    // holder per host port. Finished pods (Succeeded) may overlap: they hold nothing.
    let freeCpu = milli(cpu);
    let freeMem = mebi(memory);
    let freePods = Number(podCount);
    const usedPorts = new Set<number>();
    const wanted = int(0, 4);
    for (let k = 0; k < wanted; k++) {
      const reqCpu = pick(['', '50m', '100m', '250m', '500m']);
      const reqMem = pick(['', '64Mi', '128Mi', '256Mi', '512Mi']);
      const finished = chance(0.1);
      const hostNetwork = chance(0.1);
      const port = chance(0.25) || hostNetwork ? pick(HOST_PORTS) : undefined;
      if (!finished && (milli(reqCpu) > freeCpu || mebi(reqMem) > freeMem || freePods < 1 || (port !== undefined && usedPorts.has(port)))) {
        continue;
      }
      if (!finished) {
        freeCpu -= milli(reqCpu);
        freeMem -= mebi(reqMem);
        freePods -= 1;
        if (port !== undefined) {
          usedPorts.add(port);
        }
      }
      const requests: Record<string, string> = {};
      if (reqCpu) requests.cpu = reqCpu;
      if (reqMem) requests.memory = reqMem;
      const priorityClassName = pick([undefined, undefined, 'fleet-low', 'fleet-high']);
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `app-${j}-${k}`, namespace: WORKLOADS_NAMESPACE, labels: { app: `app-${j}-${k}` } },
        spec: {
          nodeName: name,
          automountServiceAccountToken: false,
          ...(priorityClassName ? { priorityClassName } : {}),
          ...(hostNetwork ? { hostNetwork: true } : {}),
          containers: [{
            name: 'app',
            image: 'registry.example/app:1',
            resources: { requests },
            ...(port !== undefined ? { ports: [{ containerPort: port, ...(hostNetwork ? {} : { hostPort: port }), protocol: 'TCP' }] } : {}),
          }],
        },
        ...(finished ? { status: { phase: 'Succeeded' } } : {}),
      });
    }
  }

  const daemonSets: any[] = [];
  const dsCount = int(2, 5);
  for (let i = 0; i < dsCount; i++) {
    const name = `agent-${i}`;
    const container = (n: string, extra: Record<string, unknown> = {}) => {
      const requests: Record<string, string> = {};
      const reqCpu = pick(['', '10m', '100m', '200m', '500m']);
      const reqMem = pick(['', '32Mi', '128Mi', '256Mi', '1Gi']);
      if (reqCpu) requests.cpu = reqCpu;
      if (reqMem) requests.memory = reqMem;
      return { name: n, image: `registry.example/${name}:1`, resources: { requests }, ...extra };
    };
    const hostNetwork = chance(0.2);
    const port = chance(0.35) || hostNetwork ? pick(HOST_PORTS) : undefined;
    const gpu = chance(0.1);
    const main = container('agent', {
      ...(port !== undefined ? { ports: [{ containerPort: port, ...(hostNetwork ? {} : { hostPort: port }), protocol: 'TCP' }] } : {}),
    });
    if (gpu) {
      main.resources = { requests: { ...main.resources.requests, 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } as any;
    }
    const containers = [main, ...(chance(0.3) ? [container('sidecar')] : [])];
    const initContainers = chance(0.25) ? [container('init')] : undefined;
    const tolerations = pick([undefined, [{ operator: 'Exists' }], [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]]);
    const priorityClassName = pick([undefined, undefined, 'fleet-high', 'system-node-critical']);
    const labels = { 'app.kubernetes.io/name': name };
    daemonSets.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: AGENTS_NAMESPACE, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            ...(chance(0.5) ? { nodeSelector: { 'kubernetes.io/os': 'linux' } } : {}),
            ...(hostNetwork ? { hostNetwork: true } : {}),
            ...(priorityClassName ? { priorityClassName } : {}),
            ...(tolerations ? { tolerations } : {}),
            ...(initContainers ? { initContainers } : {}),
            containers,
          },
        },
      },
    });
  }
  return { seed, nodes, pods, daemonSets };
}
