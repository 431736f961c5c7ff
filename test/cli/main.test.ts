import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main, USAGE } from '../../src/cli/main';

const dir = path.join(__dirname, '..', 'fixtures', 'placement');
const f = (name: string) => path.join(dir, name);

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

describe('usage', () => {
  test('--help prints the usage and exits 0', () => {
    for (const argv of [['--help'], ['-h'], ['preview', '--help'], ['help']]) {
      const r = run(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(USAGE);
      expect(r.stderr).toBe('');
    }
    expect(USAGE).toContain('cdk8s-node-agents preview --nodes NODES_FILE');
  });

  test.each([
    ['no arguments', [], 'missing command'],
    ['an unknown command', ['show'], 'unknown command "show"'],
    ['no --nodes', ['preview', f('app.k8s.yaml')], 'missing --nodes FILE'],
    ['no manifest file', ['preview', '--nodes', f('nodes.json')], 'missing manifest FILE(s)'],
    ['--nodes at the end', ['preview', f('app.k8s.yaml'), '--nodes'], '--nodes needs a file'],
    ['--nodes followed by an option', ['preview', '--nodes', '--json', f('app.k8s.yaml')], '--nodes needs a file'],
    ['--nodes twice', ['preview', '--nodes', f('nodes.json'), '--nodes', f('nodes.json'), f('app.k8s.yaml')], '--nodes given more than once'],
    ['an unknown option', ['preview', '--nodes', f('nodes.json'), '--verbose', f('app.k8s.yaml')], 'unknown option "--verbose"'],
  ])('%s is a usage error (exit 2)', (_name, argv, message) => {
    const r = run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${message}`);
    expect(r.stderr).toContain(USAGE);
    expect(r.stdout).toBe('');
  });

  test('an unreadable file exits 2 naming it', () => {
    const r = run('preview', '--nodes', f('nodes.json'), f('does-not-exist.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read manifest "${f('does-not-exist.yaml')}": no such file`);
    const d = run('preview', '--nodes', dir, f('app.k8s.yaml'));
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('is a directory');
  });

  test('a malformed node inventory exits 2 with what is wrong', () => {
    const r = run('preview', '--nodes', f('bad-nodes.json'), f('app.k8s.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('items[1] ("broken-1").spec.taints[0].effect is string "NoSchedul"; expected one of NoSchedule, PreferNoSchedule, NoExecute');
    const notNodes = run('preview', '--nodes', f('app.k8s.yaml'), f('app.k8s.yaml'));
    expect(notNodes.code).toBe(2);
    expect(notNodes.stderr).toContain('has 4 documents');
  });
});

describe('text output', () => {
  const r = run('preview', '--nodes', f('nodes.json'), f('app.k8s.yaml'));

  test('exits 0 without --require-full-coverage, even with partial coverage', () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  test('prints a coverage table row per DaemonSet, ignoring other kinds', () => {
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Node inventory: 5 nodes (${f('nodes.json')})`);
    expect(lines[1]).toBe('note: 5 of 5 nodes report no status.allocatable: resources and pod slots are not checked there (host ports are)');
    expect(lines).toContain('DAEMONSET                 PODS  ELIGIBLE  NODES  COVERAGE  ROLLOUT                       RUNNING');
    expect(lines).toContain('monitoring/node-exporter  5     5         5      full      1 unavailable, 5 waves, ~50s  5');
    expect(lines).toContain('logging/fluent-bit        2     3         5      PARTIAL   1 unavailable, 2 waves, ~60s  2');
    expect(r.stdout).not.toContain('not-a-daemonset');
  });

  test('lists skipped nodes with every reason', () => {
    expect(r.stdout).toContain('  Pods on 2 of 3 eligible nodes (5 in the inventory); running on 2\n');
    expect(r.stdout).toContain('  Eligible but no pod (1):\n    gpu-1 (a running pod would be kept)\n      - taint nvidia.com/gpu=present:NoSchedule is not tolerated');
    expect(r.stdout).toContain([
      '    control-plane-1',
      '      - nodeSelector role="worker" not satisfied: the node has no label "role"',
      '      - taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated',
    ].join('\n'));
  });

  test('prints the rollout plan', () => {
    expect(r.stdout).toContain('  Rollout: RollingUpdate over 2 nodes: 1 pod unavailable at a time (maxUnavailable 25%, no surge); at least 2 waves, at least 60s with minReadySeconds 30');
    expect(r.stdout).toContain('    note: maxUnavailable 25% of 2 nodes is 0.5, rounded up to 1');
  });

  test('marks cordoned nodes', () => {
    const gpu = run('preview', '--nodes', f('nodes.json'), f('gpu-driver.yaml'));
    expect(gpu.stdout).toContain('    worker-2 (cordoned)\n');
  });
});

describe('--require-full-coverage', () => {
  test('exits 1 when an eligible node would get no pod, naming the DaemonSet and nodes', () => {
    const r = run('preview', '--require-full-coverage', '--nodes', f('nodes.json'), f('app.k8s.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: logging/fluent-bit targets 3 node(s) but would run no pod on gpu-1 (--require-full-coverage)\n');
    expect(r.stdout).toContain('logging/fluent-bit');
  });

  test('exits 0 when every eligible node gets a pod', () => {
    const r = run('preview', '--require-full-coverage', `--nodes=${f('nodes.json')}`, f('gpu-driver.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gpu-operator/gpu-driver  1     1         5      full      surge 1, 1 wave, ~0s  1');
  });
});

describe('--json', () => {
  test('prints machine-readable results', () => {
    const r = run('preview', '--json', '--nodes', f('nodes.json'), f('app.k8s.yaml'), f('ondelete.json'));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.inventory).toEqual({ file: f('nodes.json'), nodeCount: 5 });
    expect(out.daemonSets.map((d: any) => `${d.namespace}/${d.name}`)).toEqual(['monitoring/node-exporter', 'logging/fluent-bit', 'storage/csi-node']);
    const fluentBit = out.daemonSets[1];
    expect(fluentBit).toMatchObject({ scheduled: 2, eligible: 3, total: 5, fullCoverage: false, uncoveredNodes: ['gpu-1'], error: null });
    expect(fluentBit.nodes).toHaveLength(5);
    expect(fluentBit.nodes[2]).toMatchObject({ nodeName: 'gpu-1', eligible: true, scheduled: false, reasons: [{ kind: 'Taint', taint: 'nvidia.com/gpu=present:NoSchedule' }] });
    expect(fluentBit.rollout).toMatchObject({ strategy: 'RollingUpdate', configuredMaxUnavailable: '25%', maxUnavailable: 1, maxSurge: 0, waves: 2, minimumDurationSeconds: 60 });
    expect(out.daemonSets[2].rollout).toMatchObject({ strategy: 'OnDelete', rollsAutomatically: false, waves: 0 });
  });

  test('ok is false and the exit code 1 when coverage is required and missing', () => {
    const r = run('preview', '--json', '--require-full-coverage', '--nodes', f('nodes.json'), f('app.k8s.yaml'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).ok).toBe(false);
  });
});

describe('invalid DaemonSets and other inputs', () => {
  test('a DaemonSet the API server would reject exits 1 even without --require-full-coverage', () => {
    const r = run('preview', '--nodes', f('nodes.json'), f('invalid-rollout.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kube-system/surge-without-zero  5     5         5      full      INVALID  5');
    expect(r.stderr).toContain('maxSurge 1 with maxUnavailable 1 (maxUnavailable defaults to 1 when absent), which the API server rejects');
    const json = JSON.parse(run('preview', '--json', '--nodes', f('nodes.json'), f('invalid-rollout.yaml')).stdout);
    expect(json.ok).toBe(false);
    expect(json.daemonSets[0].error).toContain('set maxUnavailable: 0 to surge');
    expect(json.daemonSets[0].rollout).toBeNull();
  });

  test('a DaemonSet with a field of the wrong type exits 1 and names the field', () => {
    const r = run('preview', '--nodes', f('nodes.json'), f('malformed-daemonset.yaml'), f('gpu-driver.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kube-system/unquoted     -     -         -      -         INVALID               -');
    expect(r.stdout).toContain('gpu-operator/gpu-driver');
    expect(r.stderr).toContain('spec.template.spec.nodeSelector["gpu-count"] is number 2; expected a string (quote it in YAML)');
  });

  test('reads a kubectl -o yaml node inventory', () => {
    const r = run('preview', '--nodes', f('nodes.yaml'), f('app.k8s.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Node inventory: 2 nodes');
    expect(r.stdout).toContain('logging/fluent-bit        1     2         2      PARTIAL   1 unavailable, 1 wave, ~30s   1');
  });

  test('reads DaemonSets inside List documents and skips other apiVersions with a warning', () => {
    const r = run('preview', '--nodes', f('nodes.json'), '--', f('daemonset-list.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kube-system/kube-proxy');
    expect(r.stderr).toContain('skipping a DaemonSet with apiVersion "extensions/v1beta1"; only apps/v1 is supported');
  });

  test('files without DaemonSets print a warning and exit 0', () => {
    const r = run('preview', '--nodes', f('nodes.json'), f('no-daemonsets.yaml'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: no apps/v1 DaemonSet found');
  });
});

test('the bin entry point has a node shebang', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), 'utf-8');
  expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(source).toContain('if (require.main === module)');
});

describe('a fleet: node allocatable, pods already running, agents competing', () => {
  const fleet = path.join(dir, 'fleet');
  const nodes = path.join(fleet, 'nodes.json');
  const pods = path.join(fleet, 'pods.json');
  const agents = path.join(fleet, 'agents');
  const json = (...extra: string[]) => {
    const r = run('preview', '--json', '--nodes', nodes, '--pods', pods, ...extra, agents);
    return { ...r, out: JSON.parse(r.stdout) };
  };

  test('a directory argument reads its .yaml files in name order, PriorityClasses included', () => {
    const { out } = json();
    expect(out.daemonSets.map((d: any) => `${d.namespace}/${d.name}`)).toEqual(['monitoring/node-exporter', 'security/falco', 'logging/fluent-bit']);
    expect(out.daemonSets[2].priority).toBe(1000000);
    expect(out.pods).toEqual({ file: pods, podCount: 5 });
  });

  test('--json: every node entry has runs, contended, contendedWith, preempts and reasons with the filter and numbers', () => {
    const { out, code } = json();
    expect(code).toBe(0);
    for (const ds of out.daemonSets) {
      for (const n of ds.nodes) {
        expect(Object.keys(n)).toEqual(expect.arrayContaining(['nodeName', 'eligible', 'scheduled', 'runs', 'contended', 'contendedWith', 'preempts', 'reasons', 'verdict']));
      }
    }
    const [exporter, falco] = out.daemonSets;
    expect(exporter.nodes[0]).toMatchObject({
      nodeName: 'm6i-1',
      scheduled: true,
      runs: false,
      reasons: [{ kind: 'NodePorts', resource: '9100/TCP', heldBy: 'monitoring/prometheus-node-exporter-x7k2p' }],
    });
    // The finished pod on m6i-2 and falco's own old pod on t3-1 do not count; web-1 (1000Mi),
    // fluent-bit (priority first, 64Mi) and node-exporter (32Mi) do.
    expect(falco.nodes.map((n: any) => n.runs)).toEqual([true, true, false, false, false]);
    expect(falco.nodes[2].reasons).toEqual([{ kind: 'NodeResourcesFit', resource: 'memory', message: 'Insufficient memory: needs 512Mi memory, 304Mi free of 1400Mi allocatable' }]);
    expect(falco.nodes[3].reasons[0]).toMatchObject({ kind: 'ImagePlatform', nodeValue: 'linux/arm64' });
    expect(falco.nodes[4]).toMatchObject({ eligible: false, scheduled: true, runs: false, reasons: [{ kind: 'VirtualNode' }] });
    expect(falco).toMatchObject({ fullCoverage: true, fits: false, notRunningNodes: ['t3-1', 'arm-1', 'fargate-ip-10-0-7-9.eu-west-1.compute.internal'], architectures: ['amd64', 'arm64'] });
    expect(falco.rollout).toMatchObject({ stalls: true, unavailablePods: 3, readinessSeconds: 13, estimatedDurationSeconds: null });
    expect(out.daemonSets[2].rollout).toMatchObject({ stalls: false, estimatedDurationSeconds: 0 });
  });

  test('--json: the per-node section has allocatable, the agents\' requests and which agents run', () => {
    const { out } = json();
    expect(out.nodes).toHaveLength(5);
    expect(out.nodes[2]).toEqual({
      nodeName: 't3-1',
      pool: 't3.small',
      canRunDaemonSetPods: true,
      allocatable: { 'cpu': '1930m', 'memory': '1400Mi', 'ephemeral-storage': '88.9Gi', 'pods': '11' },
      existingPodCount: 1,
      existingRequests: { cpu: '500m', memory: '1000Mi' },
      agentRequests: { cpu: '60m', memory: '96Mi' },
      agentCpuMillis: 60,
      agentMemoryBytes: 96 * 2 ** 20,
      agentCpuShare: 60 / 1930,
      agentMemoryShare: 96 / 1400,
      agentsRunning: ['monitoring/node-exporter', 'logging/fluent-bit'],
      agentsNotRunning: ['security/falco'],
      pressureConditions: [],
      preempted: [],
      contended: false,
    });
    expect(out.nodes[4]).toMatchObject({ canRunDaemonSetPods: false, pool: null });
  });

  test('--require-fit exits 1 naming the agents and nodes', () => {
    const r = run('preview', '--require-fit', '--nodes', nodes, '--pods', pods, agents);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      'error: monitoring/node-exporter would not run on 1 of the 4 node(s) it makes a pod for: m6i-1 (--require-fit)',
      'error: security/falco would not run on 3 of the 5 node(s) it makes a pod for: t3-1, arm-1, fargate-ip-10-0-7-9.eu-west-1.compute.internal (--require-fit)',
      '',
    ].join('\n'));
    expect(json('--require-fit').out.ok).toBe(false);
  });

  test('--only reports one DaemonSet while the others still take their share', () => {
    const r = run('preview', '--require-fit', '--only', 'logging/fluent-bit', '--nodes', nodes, '--pods', pods, agents);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('logging/fluent-bit  4     4         5      full      1 unavailable, 4 waves, ~0s  4');
    expect(r.stdout).not.toContain('security/falco');
    const falco = run('preview', '--only', 'security/falco', '--nodes', nodes, '--pods', pods, agents);
    expect(falco.stdout).toContain('Insufficient memory: needs 512Mi memory, 304Mi free of 1400Mi allocatable');
  });

  test('fails when --only names no DaemonSet of the files, or is not NS/NAME', () => {
    const r = run('preview', '--only', 'x/y', '--nodes', nodes, agents);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --only x/y: no such DaemonSet in the files (found: monitoring/node-exporter, security/falco, logging/fluent-bit)\n');
    expect(run('preview', '--only', 'falco', '--nodes', nodes, agents).stderr).toContain('--only "falco": expected NAMESPACE/NAME');
  });

  test('--summary: one line per instance type with the DaemonSet tax, then what does not run and why', () => {
    const r = run('preview', '--summary', '--nodes', nodes, '--pods', pods, agents);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'POOL                                   NODES  NOT READY  PRESSURE  AGENTS RUNNING  CPU TAX         MEMORY TAX        PREEMPTED',
      'm6i.xlarge                             2      0          0         2-3 of 3        150m-160m (4%)  576Mi-608Mi (4%)  0',
      't3.small                               1      0          0         2 of 3          60m (3%)        96Mi (7%)         0',
      'm7g.large                              1      0          0         2 of 3          160m (8%)       608Mi (8%)        0',
      '(no node.kubernetes.io/instance-type)  1      0          0         0 of 3          0 (0%)          0 (0%)            0',
      '  m6i.xlarge: monitoring/node-exporter: pod not running on 1 of 2 nodes: NodePorts 9100/TCP on 1',
      '  t3.small: security/falco: pod not running on 1 of 1 node: NodeResourcesFit memory on 1',
      '  m7g.large: security/falco: pod not running on 1 of 1 node: ImagePlatform linux/arm64 on 1',
      // A pool where an agent has no pod at all says so too.
      '  (no node.kubernetes.io/instance-type) (1 node): monitoring/node-exporter on 1 (VirtualNode on 1); logging/fluent-bit on 1 (VirtualNode on 1)',
    ]));
    expect(r.stdout).toContain('Rollouts:\n  monitoring/node-exporter: STALLS: 1 pod would never become available (1 Pending)');
    expect(r.stdout).toContain('\n  logging/fluent-bit: 1 unavailable, 4 waves, ~0s\n');
    expect(r.stdout).not.toContain('m6i-1');
  });

  test('--group-by groups by another label; --json --summary adds the pools', () => {
    const r = run('preview', '--summary', '--group-by', 'kubernetes.io/arch', '--nodes', nodes, agents);
    expect(r.stdout).toMatch(/^amd64 +4 /m);
    expect(r.stdout).toMatch(/^arm64 +1 /m);
    const { out } = json('--summary', '--group-by', 'kubernetes.io/arch');
    expect(out.pools.map((p: any) => [p.name, p.nodes])).toEqual([['amd64', 4], ['arm64', 1]]);
  });

  test('--nodes - reads the inventory from standard input', () => {
    let stdout = '';
    const code = main(['preview', '--nodes', '-', '--json', agents], {
      stdout: (t) => { stdout += t; },
      stderr: () => undefined,
      stdin: () => fs.readFileSync(nodes, 'utf-8'),
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).inventory).toEqual({ file: '-', nodeCount: 5 });
  });

  test('fails when the pod inventory is malformed, or --pods has no file', () => {
    const notPods = run('preview', '--nodes', nodes, '--pods', nodes, agents);
    expect(notPods.code).toBe(2);
    expect(notPods.stderr).toContain('items[0] is kind string "Node"; expected a Pod object');
    expect(run('preview', '--nodes', nodes, agents, '--pods').stderr).toContain('--pods needs a file');
    expect(run('preview', '--nodes', '-', '--pods', '-', agents).stderr).toContain('--nodes and --pods cannot both read standard input');
  });

  test('fails when a directory has no manifest file', () => {
    const r = run('preview', '--nodes', nodes, path.join(dir, '..', '..', 'util'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/directory ".*util" has no .yaml, .yml or .json file/);
  });
});

describe('the kubelet and the summary: nodes not Ready, pressure, preemption victims, gaps per pool', () => {
  // test/fixtures/placement/kubelet: gen-1 full of web-1 (900m), gen-2 unreachable (Ready=Unknown),
  // gen-3 with its CNI not ready, gpu-1 and gpu-2 (DiskPressure) tainted nvidia.com/gpu.
  const k = (name: string) => path.join(dir, 'kubelet', name);
  const args = ['--nodes', k('nodes.json'), '--pods', k('pods.json'), k('agents.yaml')];

  test('--require-fit fails on pods bound to nodes whose kubelet will not start them', () => {
    const r = run('preview', '--require-fit', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      'error: monitoring/node-exporter would not run on 2 of the 5 node(s) it makes a pod for: gen-2, gpu-2 (--require-fit)',
      'error: security/falco would not run on 2 of the 5 node(s) it makes a pod for: gen-2, gen-3 (--require-fit)',
      '',
    ].join('\n'));
  });

  test('the per-node text says which agent starts on a node whose pod network is not ready', () => {
    const r = run('preview', ...args);
    expect(r.stdout).toContain('monitoring/node-exporter  5     5         5      full      1 unavailable, 5 waves, STALLS on 2 nodes (1 not Ready, 1 pressure)  3');
    expect(r.stdout).toContain('    gen-3: runs (node not Ready (the pod network is not ready): this host-network pod starts all the same)');
    expect(r.stdout).toMatch(/ {4}gen-3\n {6}- node not Ready, Ready=False \(KubeletNotReady\): "container runtime network not ready: .*this pod uses the pod network and does not start\n/);
  });

  test('--summary counts nodes not Ready and under pressure, victims, and every agent absent from a pool', () => {
    const r = run('preview', '--summary', ...args);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining([
      'POOL       NODES  NOT READY  PRESSURE  AGENTS RUNNING  CPU TAX              MEMORY TAX             PREEMPTED',
      'm6i.large  3      2          0         0-3 of 3        220m-270m (22%-27%)  544Mi-608Mi (27%-30%)  1',
      'g6.xlarge  2      0          1         1-2 of 3        220m (22%)           544Mi (27%)            0',
      '  g6.xlarge: logging/fluent-bit: GAP on 2 of 2 nodes: Taint nvidia.com/gpu=present:NoSchedule on 2',
      '  g6.xlarge: monitoring/node-exporter: pod not running on 1 of 2 nodes: NodePressure DiskPressure on 1',
      '  m6i.large: security/falco: pod not running on 2 of 3 nodes: NodeNotReady Unknown on 1, NodeNotReady False on 1',
      'Preemption: the agents would evict 1 pod (m6i.large 1); --victims names them.',
      '  monitoring/node-exporter: STALLS: 2 pods would never become available (1 on a node that is not Ready, 1 rejected or evicted under node pressure), using up maxUnavailable 1: no old pod is replaced and the rollout stops',
    ]));
    expect(r.stdout).not.toContain('Preemption victims:');
  });

  test('--victims names the pods the agents preempt, per pool', () => {
    const r = run('preview', '--summary', '--victims', ...args);
    expect(r.stdout).toContain('\nPreemption victims:\n  m6i.large: apps/web-1 on gen-1, preempted by security/falco\n');
  });

  test('--only restricts the tax columns and the agent counts to the agents shown', () => {
    // falco alone: 200m/512Mi on every node it is bound to (all five: critical, it is admitted under disk pressure)
    const r = run('preview', '--summary', '--only', 'security/falco', ...args);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining([
      'm6i.large  3      2          0         0-1 of 1        200m (20%)  512Mi (25%)  1',
      'g6.xlarge  2      0          1         1 of 1          200m (20%)  512Mi (25%)  0',
    ]));
    expect(r.stdout).not.toContain('fluent-bit');
  });

  test('--json --summary has the same per pool: victims, gaps, nodes not Ready', () => {
    const r = run('preview', '--json', '--summary', ...args);
    const out = JSON.parse(r.stdout);
    const general = out.pools.find((p: any) => p.name === 'm6i.large');
    expect(general).toMatchObject({ nodes: 3, notReadyNodes: 2, pressureNodes: 0, preempted: 1, victims: [{ node: 'gen-1', pod: 'apps/web-1', by: 'security/falco' }] });
    const gpu = out.pools.find((p: any) => p.name === 'g6.xlarge');
    expect(gpu.notRunning[0]).toEqual({
      daemonSet: 'logging/fluent-bit', nodes: 2, gaps: 2, notTargeted: 0, podNotRunning: 0, reasons: ['Taint nvidia.com/gpu=present:NoSchedule on 2'], notTargetedReasons: [],
    });
    expect(out.daemonSets[1].rollout.stalledNodesByCause).toEqual({ NodeNotReady: 1, NodePressure: 1 });
  });
});

test('a surge rollout that no Pending pod holds, but whose surged pods cannot fit, says so in the ROLLOUT column', () => {
  // GIVEN a host-network agent that surges: its new pod needs the host port the old one holds
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-surge-')), 'agent.json');
  fs.writeFileSync(file, JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'exporter', namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: { app: 'exporter' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'exporter' } },
        spec: { hostNetwork: true, containers: [{ name: 'exporter', image: 'example.com/exporter:1', ports: [{ containerPort: 9100 }] }] },
      },
    },
  }));
  // WHEN previewed
  const r = run('preview', '--nodes', f('nodes.json'), file);
  // THEN every pod runs, and the rollout stalls on the surge
  expect(r.stdout).toMatch(/^monitoring\/exporter +(\d+) +\d+ +\d+ +\w+ +surge 1, \d+ waves?, STALLS \(surged pods do not fit\) +\1$/m);
});
