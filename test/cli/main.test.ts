import * as fs from 'fs';
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
    expect(lines).toContain('DAEMONSET                 PODS  RUNNING  ELIGIBLE  NODES  COVERAGE  ROLLOUT');
    expect(lines).toContain('monitoring/node-exporter  5     5        5         5      full      1 unavailable, 5 waves, ~50s');
    expect(lines).toContain('logging/fluent-bit        2     2        3         5      PARTIAL   1 unavailable, 2 waves, ~60s');
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
    expect(r.stdout).toContain('gpu-operator/gpu-driver  1     1        1         5      full      surge 1, 1 wave, ~0s');
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
    expect(r.stdout).toContain('kube-system/surge-without-zero  5     5        5         5      full      INVALID');
    expect(r.stderr).toContain('maxSurge 1 with maxUnavailable 1 (maxUnavailable defaults to 1 when absent), which the API server rejects');
    const json = JSON.parse(run('preview', '--json', '--nodes', f('nodes.json'), f('invalid-rollout.yaml')).stdout);
    expect(json.ok).toBe(false);
    expect(json.daemonSets[0].error).toContain('set maxUnavailable: 0 to surge');
    expect(json.daemonSets[0].rollout).toBeNull();
  });

  test('a DaemonSet with a field of the wrong type exits 1 and names the field', () => {
    const r = run('preview', '--nodes', f('nodes.json'), f('malformed-daemonset.yaml'), f('gpu-driver.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kube-system/unquoted     -     -        -         -      -         INVALID');
    expect(r.stdout).toContain('gpu-operator/gpu-driver');
    expect(r.stderr).toContain('spec.template.spec.nodeSelector["gpu-count"] is number 2; expected a string (quote it in YAML)');
  });

  test('reads a kubectl -o yaml node inventory', () => {
    const r = run('preview', '--nodes', f('nodes.yaml'), f('app.k8s.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Node inventory: 2 nodes');
    expect(r.stdout).toContain('logging/fluent-bit        1     1        2         2      PARTIAL');
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
