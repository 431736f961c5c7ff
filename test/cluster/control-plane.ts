/**
 * A kubelet-less Kubernetes v1.20.2 control plane on loopback: etcd, kube-apiserver,
 * kube-controller-manager (the DaemonSet controller and what it needs) and kube-scheduler, built by
 * build-control-plane.sh. Pods are created and bound (or left Pending with the scheduler's reason)
 * but never run: there is no kubelet.
 *
 * Flags follow TOOLCHAIN.md ("A real Kubernetes control plane, offline") and the v1.20 component
 * references (https://v1-20.docs.kubernetes.io/docs/reference/command-line-tools-reference/).
 */
import { execFileSync, spawn } from 'child_process';
import { randomBytes, generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { KubeClient } from './kube-client';
import { Launched, LaunchedRecord, adopt, records, watch } from './running-process';

export const KUBERNETES_VERSION = '1.20.2';

/** Where build-control-plane.sh puts the binaries (outside the repository). */
export function binDir(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'cdk8s-node-agents', `kubernetes-v${KUBERNETES_VERSION}`, 'bin');
}

/** A free TCP port on loopback (the OS picks it; other sessions share this machine). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** An error that ends a `waitFor` at once (a component died: waiting longer cannot help). */
export class FatalError extends Error {}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (e) {
      if (e instanceof FatalError) {
        throw e;
      }
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** A running control plane written down, for `ControlPlane.attach` (the node tier's shared node). */
export interface ControlPlaneRecord {
  readonly dir: string;
  readonly server: string;
  readonly components: LaunchedRecord[];
}

/** What a caller may add to the control plane (the node tier: a real kubelet and kube-proxy). */
export interface ControlPlaneOptions {
  /** The controller manager's `--controllers` (default: what the DaemonSet controller needs). */
  readonly controllers?: string[];
  /** More kube-apiserver flags. */
  readonly apiServerArgs?: string[];
  /** More kube-controller-manager flags (e.g. the node lifecycle controller's periods). */
  readonly controllerManagerArgs?: string[];
}

/** The running control plane; `stop()` ends every process and removes the temporary files. */
export class ControlPlane {
  /**
   * Starts etcd, then the API server, then the controller manager and the scheduler, and waits
   * until each is ready. Stops whatever started if any step fails.
   */
  public static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const bin = binDir();
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      if (!fs.existsSync(path.join(bin, name))) {
        throw new Error(`${path.join(bin, name)} is missing: build the control plane first with "bash test/cluster/build-control-plane.sh" (npm run test:cluster does)`);
      }
    }
    // etcd's data on tmpfs when there is one: fsync on a shared disk is what makes etcd slow.
    const tmpRoot = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'cdk8s-node-agents-cluster-'));
    const plane = new ControlPlane(bin, dir, options);
    try {
      await plane.boot();
    } catch (e) {
      await plane.stop();
      throw e;
    }
    return plane;
  }

  /**
   * The control plane a `record()` describes, still running (started by an earlier jest file),
   * driven again by its components' PIDs.
   */
  public static attach(record: ControlPlaneRecord): ControlPlane {
    const plane = new ControlPlane(binDir(), record.dir);
    plane.components.push(...record.components.map(adopt));
    plane.server = record.server;
    const token = fs.readFileSync(path.join(record.dir, 'tokens.csv'), 'utf-8').split(',')[0];
    plane.client = new KubeClient(record.server, token, fs.readFileSync(plane.caFile, 'utf-8'));
    return plane;
  }

  public client!: KubeClient;
  public server = '';
  private readonly components: Launched[] = [];
  // Kills the components if the test process exits without stop() (a crash, a timeout).
  private readonly onExit: () => void;

  private constructor(private readonly bin: string, private readonly dir: string, private readonly options: ControlPlaneOptions = {}) {
    this.onExit = this.killAll.bind(this, 'SIGKILL');
    process.on('exit', this.onExit);
  }

  /** The admin kubeconfig (token auth, trusting the serving certificate). */
  public get kubeconfig(): string {
    return path.join(this.dir, 'admin.kubeconfig');
  }

  /** The serving certificate's file (also the CA the service account token secrets carry). */
  public get caFile(): string {
    return path.join(this.dir, 'apiserver.crt');
  }

  /** The PIDs of the running components (for a cleanup that outlives this process). */
  public pids(): number[] {
    return this.components.filter((c) => c.exited === undefined && c.process.pid).map((c) => c.process.pid!);
  }

  /** The last lines of every component's log, for failure messages. */
  public logTails(lines = 15): string {
    return this.components.map((c) => {
      const text = fs.existsSync(c.log) ? fs.readFileSync(c.log, 'utf-8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
      return `--- ${c.name}${c.exited ? ` (exited: ${c.exited})` : ''}, ${c.log}\n${text}`;
    }).join('\n');
  }

  /** What `ControlPlane.attach` needs to drive this control plane from another jest file. */
  public record(): ControlPlaneRecord {
    return { dir: this.dir, server: this.server, components: records(this.components) };
  }

  /**
   * Leaves the components running for another jest file (`record()`, `attach`): closes the
   * client and lets this process end without them.
   */
  public detach(): void {
    this.client?.close();
    this.components.forEach((c) => c.process.unref());
    process.off('exit', this.onExit);
  }

  /** Stops every component (scheduler first, etcd last) and removes the temporary directory. */
  public async stop(): Promise<void> {
    this.client?.close();
    for (const c of [...this.components].reverse()) {
      if (c.exited === undefined) {
        c.process.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const ended = await Promise.race([
          new Promise((r) => c.process.once('exit', () => r(true))),
          new Promise((r) => { timer = setTimeout(() => r(false), 10_000); }),
        ]);
        clearTimeout(timer);
        if (!ended) {
          c.process.kill('SIGKILL');
        }
      }
    }
    process.off('exit', this.onExit);
    if (!process.env.KEEP_CLUSTER_DIR) {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async boot(): Promise<void> {
    const dir = this.dir;
    const file = (name: string) => path.join(dir, name);

    // A self-signed serving certificate for 127.0.0.1; the clients trust exactly it.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', file('apiserver.key'), '-out', file('apiserver.crt'),
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
    const ca = fs.readFileSync(file('apiserver.crt'), 'utf-8');
    // The service account signing key pair (the API server signs, the controller manager too).
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(file('sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
    fs.writeFileSync(file('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    // An admin user in system:masters, by static token.
    const token = randomBytes(24).toString('hex');
    fs.writeFileSync(file('tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    this.server = `https://127.0.0.1:${apiPort}`;
    fs.writeFileSync(file('admin.kubeconfig'), JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'local', cluster: { 'server': this.server, 'certificate-authority': file('apiserver.crt') } }],
      'users': [{ name: 'admin', user: { token } }],
      'contexts': [{ name: 'local', context: { cluster: 'local', user: 'admin' } }],
      'current-context': 'local',
    }), { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    this.launch('etcd', [
      '--name=default', `--data-dir=${file('etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`, '--log-level=warn', '--logger=zap',
    ]);
    await this.waitFor('etcd /health', async () => {
      const res = await fetch(`${etcdUrl}/health`);
      return res.ok && (await res.json() as { health?: string }).health === 'true' ? true : undefined;
    }, 60_000);

    this.launch('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`, '--insecure-port=0',
      `--tls-cert-file=${file('apiserver.crt')}`, `--tls-private-key-file=${file('apiserver.key')}`,
      `--token-auth-file=${file('tokens.csv')}`, '--authorization-mode=RBAC',
      `--service-account-key-file=${file('sa.pub')}`, `--service-account-signing-key-file=${file('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.0.0.0/24',
      // Node agents are privileged; 1.20 refuses privileged containers without this.
      '--allow-privileged=true',
      `--cert-dir=${file('certs')}`, '--profiling=false', '--v=1',
      ...(this.options.apiServerArgs ?? []),
    ]);
    this.client = new KubeClient(this.server, token, ca);
    await this.waitFor('kube-apiserver /readyz', async () => (await this.client.ready()) || undefined, 120_000, 500);

    const kubeconfig = `--kubeconfig=${file('admin.kubeconfig')}`;
    this.launch('kube-controller-manager', [
      kubeconfig, `--controllers=${(this.options.controllers ?? ['daemonset', 'serviceaccount', 'serviceaccount-token', 'garbagecollector', 'namespace']).join(',')}`,
      `--service-account-private-key-file=${file('sa.key')}`, `--root-ca-file=${file('apiserver.crt')}`,
      '--port=0', '--secure-port=0', '--leader-elect=false', '--profiling=false', '--v=1',
      ...(this.options.controllerManagerArgs ?? []),
    ]);
    this.launch('kube-scheduler', [kubeconfig, '--port=0', '--secure-port=0', '--leader-elect=false', '--profiling=false', '--v=1']);

    // The controller manager is up when its service account controller has made `default`.
    await this.waitFor('the controller manager (ServiceAccount default/default)',
      async () => (await this.client.get('/api/v1/namespaces/default/serviceaccounts/default')) ?? undefined, 120_000, 500);
    // The scheduler is up when it has judged a pod: a probe no node can take gets PodScheduled=False.
    const probe = await this.client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'scheduler-probe', namespace: 'default' },
      spec: { nodeSelector: { 'cluster-test/none': 'none' }, containers: [{ name: 'c', image: 'probe' }], automountServiceAccountToken: false },
    });
    await this.waitFor('the scheduler (a probe pod marked PodScheduled=False)', async () => {
      const pod = await this.client.get(`/api/v1/namespaces/default/pods/${probe.metadata.name}`);
      return (pod.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.status === 'False') || undefined;
    }, 120_000, 500);
    await this.client.delete(`/api/v1/namespaces/default/pods/${probe.metadata.name}`, { gracePeriodSeconds: 0 });
  }

  private launch(name: string, args: string[]): void {
    const log = path.join(this.dir, `${name}.log`);
    const out = fs.openSync(log, 'w');
    const child = spawn(path.join(this.bin, name), args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.components.push(watch(name, child, log));
  }

  /** `waitFor`, failing at once (with the logs) when a component has exited. */
  private waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
    return waitFor(what, async () => {
      const dead = this.components.find((c) => c.exited !== undefined);
      if (dead) {
        throw new FatalError(`${dead.name} exited (${dead.exited}) while waiting for ${what}\n${this.logTails(40)}`);
      }
      return check();
    }, timeoutMs, intervalMs).catch((e) => {
      throw e instanceof FatalError ? e : new Error(`${(e as Error).message}\n${this.logTails()}`);
    });
  }

  private killAll(signal: NodeJS.Signals): void {
    for (const c of this.components) {
      if (c.exited === undefined) {
        c.process.kill(signal);
      }
    }
  }
}

