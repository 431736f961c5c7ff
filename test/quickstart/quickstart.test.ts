/**
 * The README's quick start, run as a newcomer runs it: in a fresh empty folder, the README's own
 * install line (with the library from `npm pack` instead of the registry; everything else from the
 * npm registry), the README's files, the README's synth command. Then the manifest is checked
 * against what the README says about it and validated against the Kubernetes schema.
 *
 * Needs the npm registry (npm install) and a compiled library in lib/ (`npm run test:quickstart`
 * compiles first). Not part of `npm test`, which stays offline.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { installFrom, QuickStart, readQuickStart } from './readme-quick-start';
import { VIRTUAL_NODES_EXCLUDED, only, validateManifest } from '../util/synth';

const ROOT = path.join(__dirname, '..', '..');
const LIBRARY: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;
const OUTPUT = 'dist/agents.k8s.yaml';

const timings: Array<[string, number]> = [];
function timed<T>(step: string, run: () => T): T {
  const start = process.hrtime.bigint();
  try {
    return run();
  } finally {
    timings.push([step, Number(process.hrtime.bigint() - start) / 1e9]);
  }
}

/**
 * The environment of a terminal, not of the `npm run` this test runs under: no `npm_*` variables
 * (npm would take `npm_config_*` as its config) and no `node_modules/.bin` on the PATH (the
 * repository's ts-node would stand in for a missing one).
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && !['INIT_CWD', 'NODE_ENV', 'JEST_WORKER_ID'].includes(key)) {
      env[key] = value;
    }
  }
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.includes(`node_modules${path.sep}.bin`)).join(path.delimiter);
  // cdk8s-cli's upgrade notice fetches registry.npmjs.org directly (not through npm's registry
  // setting); it changes nothing in the output and is not what this test checks.
  env.CDK8S_CHECK_UPGRADE = 'false';
  return env;
}

/** Runs a command as `sh` does, and returns what it wrote to stdout and to stderr. */
function shBoth(command: string, cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', command], { cwd, env: userEnv(), encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`\`${command}\` failed in ${cwd} (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

function sh(command: string, cwd: string): string {
  try {
    return execFileSync('sh', ['-c', command], { cwd, env: userEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e: any) {
    throw new Error(`\`${command}\` failed in ${cwd} (exit ${e.status}):\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Node resolves packages up the folder tree: an ancestor's node_modules would hide a missing install. */
function assertNothingAbove(dir: string): void {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    for (const name of ['node_modules', 'package.json']) {
      if (fs.existsSync(path.join(d, name))) {
        throw new Error(`${path.join(d, name)} exists above the quick start's folder ${dir}; set TMPDIR elsewhere`);
      }
    }
    if (path.dirname(d) === d) {
      return;
    }
  }
}

let quickStart: QuickStart;
let work: string;
let app: string;
let synthLog: string;
let synthErrors: string;
let manifest: string;
let objects: any[];

beforeAll(() => {
  // GIVEN the README's files in an empty folder and the library packed as the registry would serve it
  quickStart = readQuickStart();
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js')) || !fs.existsSync(path.join(ROOT, '.jsii'))) {
    throw new Error('no compiled library in lib/: run `npx projen compile` first (`npm run test:quickstart` does)');
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-node-agents-quickstart-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  assertNothingAbove(app);

  const packed = timed('npm pack', () => JSON.parse(sh(`npm pack --json --pack-destination '${work}'`, ROOT)));
  const tarball = path.join(work, packed[0].filename);
  for (const [name, text] of Object.entries(quickStart.files)) {
    fs.writeFileSync(path.join(app, name), text);
  }
  // WHEN the README's install and synth commands run there (each test below is a THEN)
  timed('npm install', () => sh(installFrom(quickStart.install, LIBRARY, tarball), app));
  ({ stdout: synthLog, stderr: synthErrors } = timed(quickStart.synth, () => shBoth(quickStart.synth, app)));
  manifest = fs.readFileSync(path.join(app, OUTPUT), 'utf8');
  objects = parseAllDocuments(manifest).map((d) => d.toJS());
}, 600_000);

afterAll(() => {
  const versions = app && fs.existsSync(path.join(app, 'node_modules'))
    ? ['cdk8s', 'cdk8s-plus-28', 'constructs', 'cdk8s-cli', 'typescript', 'ts-node'].map((p) => `${p}@${installed(p)}`).join(' ')
    : '-';
  process.stdout.write(`\nquick start in ${app}\n  installed: ${versions}\n${timings.map(([step, s]) => `  ${step}: ${s.toFixed(1)} s\n`).join('')}`);
  // Removed unless QUICKSTART_KEEP=1 (to look at a failure: the errors carry the commands' output).
  if (work && !process.env.QUICKSTART_KEEP) {
    fs.rmSync(work, { recursive: true, force: true });
  } else if (work) {
    process.stdout.write('  kept: QUICKSTART_KEEP is set\n');
  }
});

function installed(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(app, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

test('the README gives the three files a newcomer creates', () => {
  expect(Object.keys(quickStart.files).sort()).toEqual(['cdk8s.yaml', 'main.ts', 'tsconfig.json']);
  expect(quickStart.files['cdk8s.yaml']).toMatch(/^app: npx ts-node main\.ts$/m);
});

test('the library comes from the packed tarball, and TypeScript is 5 (ts-node 10 fails with 7)', () => {
  const lib = path.join(app, 'node_modules', LIBRARY);
  expect(fs.lstatSync(lib).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(lib, 'lib', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(lib, 'src'))).toBe(false);
  expect(installed('typescript')).toMatch(/^5\./);
  expect(installed('ts-node')).toMatch(/^10\./);
});

test('synth prints no error: no stack trace from cdk8s-cli\'s upgrade check on a machine without internet', () => {
  // The README's command turns the check off (--no-check-upgrade); without it cdk8s-cli prints
  // the failed registry lookup's stack trace after a successful synth.
  expect(quickStart.synth).toContain('--no-check-upgrade');
  expect(synthErrors).not.toMatch(/Error|\n\s+at /);
});

test('synth writes one file, a ServiceAccount and a DaemonSet the Kubernetes schema accepts', () => {
  expect(synthLog).toContain(`- ${OUTPUT}`);
  expect(fs.readdirSync(path.join(app, 'dist'))).toEqual([path.basename(OUTPUT)]);
  expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
    'ServiceAccount/platform/inventory-agent',
    'DaemonSet/platform/inventory-agent',
  ]);
  validateManifest(objects);
});

test('the README shows the manifest exactly as synthesized', () => {
  // On a change of defaults: paste the new file into the README's ```yaml output= fence.
  expect(quickStart.outputs[OUTPUT]).toEqual(manifest);
});

describe('the DaemonSet is what the README says', () => {
  const daemonSet = () => only(objects, 'DaemonSet');
  const pod = () => daemonSet().spec.template.spec;
  const main = () => pod().containers[0];

  test('a ServiceAccount with no token, and no token in the pod', () => {
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(pod().serviceAccountName).toBe('inventory-agent');
    expect(pod().automountServiceAccountToken).toBe(false);
  });

  test('the pinned image as user 65534, non-root, every capability dropped, no escalation, read-only root, RuntimeDefault', () => {
    expect(pod().containers).toHaveLength(1);
    expect(main().image).toBe('registry.example.com/inventory-agent:2.4.1');
    expect(main().securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65534,
      runAsNonRoot: true,
      runAsUser: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod().securityContext.runAsNonRoot).toBe(true);
    expect(pod()).toMatchObject({ hostNetwork: false, hostPID: false, hostIPC: false });
  });

  test('the node\'s /sys read-only at /host/sys, hostPath type Directory, and no other host path', () => {
    const hostPaths = pod().volumes.filter((v: any) => v.hostPath);
    expect(hostPaths).toEqual([{ name: 'host-sys', hostPath: { path: '/sys', type: 'Directory' } }]);
    expect(main().volumeMounts).toEqual([{ name: 'host-sys', mountPath: '/host/sys', readOnly: true }]);
  });

  test('requests 50m CPU and 64Mi memory, limits memory to 128Mi and not CPU', () => {
    expect(main().resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  });

  test('every Linux node except Fargate and virtual-kubelet nodes, every taint tolerated', () => {
    expect(pod().nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod().affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: VIRTUAL_NODES_EXCLUDED }]);
    expect(pod().tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('one node at a time, 10 revisions kept', () => {
    expect(daemonSet().spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(daemonSet().spec.revisionHistoryLimit).toBe(10);
  });

  test('NODE_NAME from spec.nodeName and the app.kubernetes.io labels', () => {
    expect(main().env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
    expect(daemonSet().metadata.labels).toEqual({
      'app.kubernetes.io/instance': 'inventory-agent',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/name': 'inventory-agent',
      'app.kubernetes.io/version': '2.4.1',
    });
    expect(daemonSet().spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/instance': 'inventory-agent',
      'app.kubernetes.io/name': 'inventory-agent',
    });
  });
});
