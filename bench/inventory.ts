/**
 * A deterministic fleet for the placement preview: `kubectl get nodes -o json` output for N
 * nodes in pools (general, compute, arm64, GPU, infra, Windows, control plane), three zones,
 * some cordoned, not-ready (the pod network not ready) or disk-pressure nodes, and the status
 * fields kubectl prints (addresses, capacity, conditions, images, nodeInfo), so that parsing it
 * costs what parsing a real inventory costs.
 */

/** Park–Miller minimal standard generator: the same sequence on every machine and Node version. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = (seed % 2147483646) + 1;
  }

  /** A float in [0, 1). */
  public next(): number {
    this.state = (this.state * 48271) % 2147483647;
    return (this.state - 1) / 2147483646;
  }

  public int(n: number): number {
    return Math.floor(this.next() * n);
  }

  public pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

interface Pool {
  readonly name: string;
  readonly share: number;
  readonly arch: string;
  readonly os: string;
  readonly instanceTypes: string[];
  readonly labels: { [key: string]: string };
  readonly taints: Array<{ key: string; value?: string; effect: string }>;
}

const POOLS: Pool[] = [
  { name: 'control-plane', share: 0.001, arch: 'amd64', os: 'linux', instanceTypes: ['m6i.xlarge'], labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
  { name: 'general', share: 0.6, arch: 'amd64', os: 'linux', instanceTypes: ['m6i.2xlarge', 'm6i.4xlarge', 'm5.2xlarge'], labels: {}, taints: [] },
  { name: 'compute', share: 0.18, arch: 'amd64', os: 'linux', instanceTypes: ['c6i.4xlarge', 'c6i.8xlarge'], labels: { 'node.example.com/generation': '6' }, taints: [] },
  { name: 'arm', share: 0.08, arch: 'arm64', os: 'linux', instanceTypes: ['m7g.2xlarge', 'c7g.4xlarge'], labels: { 'node.example.com/generation': '7' }, taints: [] },
  { name: 'gpu', share: 0.08, arch: 'amd64', os: 'linux', instanceTypes: ['p4d.24xlarge', 'g5.12xlarge'], labels: { 'nvidia.com/gpu.present': 'true' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
  { name: 'infra', share: 0.04, arch: 'amd64', os: 'linux', instanceTypes: ['r6i.2xlarge'], labels: { 'node.example.com/dedicated': 'infra' }, taints: [{ key: 'dedicated', value: 'infra', effect: 'NoExecute' }] },
  { name: 'windows', share: 0.019, arch: 'amd64', os: 'windows', instanceTypes: ['m6i.2xlarge'], labels: {}, taints: [{ key: 'os', value: 'windows', effect: 'NoSchedule' }] },
];

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const IMAGES = [
  'registry.k8s.io/kube-proxy:v1.30.2', 'quay.io/prometheus/node-exporter:v1.8.1', 'cr.fluentbit.io/fluent/fluent-bit:3.0.7',
  'docker.io/calico/node:v3.28.0', 'docker.io/calico/cni:v3.28.0', 'registry.k8s.io/pause:3.9', 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.31.0',
  'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.11.0', 'registry.k8s.io/sig-storage/livenessprobe:v2.13.0', 'docker.io/falcosecurity/falco:0.38.1',
  'registry.example.com/team-a/api:4.12.0', 'registry.example.com/team-b/worker:2.3.9', 'registry.example.com/team-c/web:1.0.44',
];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function hex(random: Random, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s += '0123456789abcdef'[random.int(16)];
  }
  return s;
}

function choosePool(random: Random): Pool {
  let x = random.next();
  for (const pool of POOLS) {
    x -= pool.share;
    if (x < 0) {
      return pool;
    }
  }
  return POOLS[1];
}

/** One `v1.Node`, shaped like kubectl prints it (without `status` when `lean`). */
function node(random: Random, i: number, lean: boolean): unknown {
  // At least three control-plane nodes, first; then pools by share.
  const pool = i < 3 ? POOLS[0] : choosePool(random);
  const zone = ZONES[i % ZONES.length];
  const name = `ip-10-${random.int(256)}-${random.int(256)}-${pad(i, 4)}.eu-west-1.compute.internal`;
  const instanceType = random.pick(pool.instanceTypes);
  const taints = pool.taints.map((t) => ({ ...t }));
  const cordoned = random.next() < 0.01;
  const notReady = random.next() < 0.005;
  const diskPressure = random.next() < 0.003;
  if (cordoned) {
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  }
  if (notReady) {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' });
  }
  if (diskPressure) {
    taints.push({ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' });
  }
  const ip = `10.${random.int(256)}.${random.int(256)}.${random.int(256)}`;
  const images = Array.from({ length: 8 + random.int(6) }, () => random.pick(IMAGES));
  const time = '2026-10-01T08:00:00Z';
  const metadata = {
    annotations: {
      'alpha.kubernetes.io/provided-node-ip': ip,
      'node.alpha.kubernetes.io/ttl': '0',
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    },
    creationTimestamp: time,
    labels: {
      'beta.kubernetes.io/arch': pool.arch,
      'beta.kubernetes.io/instance-type': instanceType,
      'beta.kubernetes.io/os': pool.os,
      'kubernetes.io/arch': pool.arch,
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': pool.os,
      'node.kubernetes.io/instance-type': instanceType,
      'topology.kubernetes.io/region': 'eu-west-1',
      'topology.kubernetes.io/zone': zone,
      'node.example.com/pool': pool.name,
      ...pool.labels,
    },
    name,
    resourceVersion: String(100000 + random.int(900000)),
    uid: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
  };
  const spec = {
    podCIDR: `100.64.${i % 256}.0/24`,
    podCIDRs: [`100.64.${i % 256}.0/24`],
    providerID: `aws:///${zone}/i-0${hex(random, 16)}`,
    ...(taints.length > 0 ? { taints } : {}),
    ...(cordoned ? { unschedulable: true } : {}),
  };
  if (lean) {
    return { apiVersion: 'v1', kind: 'Node', metadata, spec };
  }
  const condition = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: time, lastTransitionTime: time, message, reason, status, type,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata,
    spec,
    status: {
      addresses: [{ address: ip, type: 'InternalIP' }, { address: name, type: 'Hostname' }],
      allocatable: { 'cpu': '7910m', 'ephemeral-storage': '95491281146', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', 'memory': '31482412Ki', 'pods': '110' },
      capacity: { 'cpu': '8', 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', 'memory': '32506412Ki', 'pods': '110' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        diskPressure
          ? condition('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure')
          : condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', notReady ? 'False' : 'True', notReady ? 'KubeletNotReady' : 'KubeletReady', notReady ? 'container runtime network not ready' : 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: images.map((image) => ({ names: [image, `${image.split(':')[0]}@sha256:${hex(random, 64)}`], sizeBytes: 10000000 + random.int(500000000) })),
      nodeInfo: {
        architecture: pool.arch,
        bootID: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
        containerRuntimeVersion: 'containerd://1.7.11',
        kernelVersion: '6.1.94-99.176.amzn2023.x86_64',
        kubeProxyVersion: 'v1.30.2',
        kubeletVersion: 'v1.30.2',
        machineID: hex(random, 32),
        operatingSystem: pool.os,
        osImage: 'Amazon Linux 2023.5.20240624',
        systemUUID: `ec2${hex(random, 5)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
      },
    },
  };
}

/**
 * The JSON text `kubectl get nodes -o json` would print for the fleet (kubectl indents by 4);
 * `lean` leaves out each node's `status`, the bulk of real output, for a harder floor.
 */
export function inventoryJson(nodeCount: number, lean = false, seed = 7): string {
  const random = new Random(seed);
  const items = Array.from({ length: nodeCount }, (_, i) => node(random, i, lean));
  return JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4);
}

/** The names of the nodes `inventoryJson(nodeCount, lean, seed)` generates, in order. */
export function nodeNames(text: string): string[] {
  return (JSON.parse(text) as { items: Array<{ metadata: { name: string } }> }).items.map((n) => n.metadata.name);
}

const WORKLOADS = [
  { app: 'api', cpu: ['250m', '500m', '1'], memory: ['256Mi', '512Mi', '1Gi'] },
  { app: 'worker', cpu: ['100m', '200m'], memory: ['128Mi', '384Mi'] },
  { app: 'web', cpu: ['50m', '100m'], memory: ['64Mi', '128Mi'] },
  { app: 'cache', cpu: ['500m'], memory: ['2Gi', '4Gi'] },
];

/**
 * `kubectl get pods -A -o json` for `podCount` pods spread over the nodes: workload pods with
 * requests, a sidecar and the status kubectl prints (conditions, container statuses), some
 * finished Jobs, some unbound Pending pods, and one old pod of each previewed DaemonSet per node
 * (which the preview leaves out: its new pod takes its place).
 */
export function podsJson(nodes: string[], podCount: number, daemonSetNames: string[], seed = 11): string {
  const random = new Random(seed);
  const time = '2026-10-01T08:00:00Z';
  const items: unknown[] = [];
  for (let i = 0; i < podCount; i++) {
    const nodeName = nodes[random.int(nodes.length)];
    const old = i < nodes.length * 2 && daemonSetNames.length > 0;
    const w = random.pick(WORKLOADS);
    const app = old ? daemonSetNames[i % daemonSetNames.length] : w.app;
    const namespace = old ? 'node-agents' : `team-${String.fromCharCode(97 + random.int(6))}`;
    const name = `${app}-${hex(random, 10)}-${hex(random, 5)}`;
    const roll = random.next();
    const phase = roll < 0.03 ? 'Succeeded' : roll < 0.035 ? 'Pending' : 'Running';
    const bound = phase !== 'Pending';
    const image = random.pick(IMAGES);
    const containerStatus = (cname: string) => ({
      containerID: `containerd://${hex(random, 64)}`,
      image,
      imageID: `${image.split(':')[0]}@sha256:${hex(random, 64)}`,
      lastState: {},
      name: cname,
      ready: true,
      restartCount: random.int(3),
      started: true,
      state: { running: { startedAt: time } },
    });
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        creationTimestamp: time,
        generateName: `${app}-${hex(random, 10)}-`,
        labels: { 'app.kubernetes.io/name': app, 'pod-template-hash': hex(random, 10) },
        name,
        namespace,
        ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: old ? 'DaemonSet' : 'ReplicaSet', name: old ? app : `${app}-${hex(random, 10)}`, uid: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}` }],
        resourceVersion: String(100000 + random.int(900000)),
        uid: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
      },
      spec: {
        containers: [
          {
            env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
            image,
            imagePullPolicy: 'IfNotPresent',
            name: app,
            ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
            readinessProbe: { failureThreshold: 3, httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
            resources: { limits: { memory: random.pick(w.memory) }, requests: { cpu: random.pick(w.cpu), memory: random.pick(w.memory) } },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true }],
          },
          {
            image: 'registry.example.com/envoy:1.30.1',
            imagePullPolicy: 'IfNotPresent',
            name: 'proxy',
            resources: { requests: { cpu: '10m', memory: '32Mi' } },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        ...(bound ? { nodeName } : {}),
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        serviceAccount: 'default',
        serviceAccountName: 'default',
        terminationGracePeriodSeconds: 30,
        tolerations: [
          { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
          { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
        ],
        volumes: [{ name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }],
      },
      status: {
        conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ lastProbeTime: null, lastTransitionTime: time, status: 'True', type })),
        ...(bound ? { containerStatuses: [containerStatus(app), containerStatus('proxy')], hostIP: `10.${random.int(256)}.${random.int(256)}.${random.int(256)}` } : {}),
        phase,
        podIP: `100.64.${random.int(256)}.${random.int(256)}`,
        qosClass: 'Burstable',
        startTime: time,
      },
    });
  }
  // Compact: kubectl indents, but 100,000 indented pods (8.7 KB each) pass V8's maximum string
  // length (512 MiB); compact they are 3.5 KB each.
  return JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });
}

/** A DaemonSet manifest with the given pod-spec placement fields. */
function daemonSet(name: string, placement: { [key: string]: unknown }, strategy?: unknown): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'node-agents' },
    spec: {
      minReadySeconds: 10,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          containers: [{
            name,
            image: `registry.example.com/${name}:1.0.0`,
            resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            ...(placement.hostNetwork ? { ports: [{ containerPort: 9100 + name.length, name: 'metrics' }] } : {}),
          }],
          ...placement,
        },
      },
      updateStrategy: strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
  };
}

const LINUX = { 'kubernetes.io/os': 'linux' };
const ALL = [{ operator: 'Exists' }];

/** Twenty DaemonSets with the placement rules real agents use, cycling through ten shapes. */
export function fleetDaemonSets(count = 20): unknown[] {
  const shapes: Array<(name: string) => unknown> = [
    (n) => daemonSet(n, { nodeSelector: LINUX, tolerations: ALL }),
    (n) => daemonSet(n, { nodeSelector: LINUX }),
    (n) => daemonSet(n, { nodeSelector: { ...LINUX, 'nvidia.com/gpu.present': 'true' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] }, { type: 'OnDelete' }),
    (n) => daemonSet(n, {
      nodeSelector: LINUX,
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] } } },
    }),
    (n) => daemonSet(n, {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoExecute' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/pool', operator: 'NotIn', values: ['gpu', 'windows'] }, { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }] }] } } },
    }, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } }),
    (n) => daemonSet(n, {
      nodeSelector: LINUX,
      tolerations: ALL,
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/generation', operator: 'Gt', values: ['6'] }] }, { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }] } } },
    }),
    (n) => daemonSet(n, { hostNetwork: true, nodeSelector: LINUX, tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }] },
      { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '5%' } }),
    (n) => daemonSet(n, { nodeSelector: { 'kubernetes.io/os': 'windows' }, tolerations: [{ key: 'os', operator: 'Equal', value: 'windows', effect: 'NoSchedule' }] }),
    (n) => daemonSet(n, {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/dedicated', operator: 'DoesNotExist' }, { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] } } },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }],
    }),
    (n) => daemonSet(n, { nodeSelector: { ...LINUX, 'kubernetes.io/arch': 'arm64' }, tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] }),
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length](`agent-${String(i).padStart(2, '0')}`));
}
