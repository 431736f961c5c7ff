/**
 * One real Kubernetes node on this machine: the cluster tier's control plane (test/cluster) plus
 * Debian's containerd and runc, a bridge CNI and kubelet v1.20.2 built by build-node.sh. Facts it
 * relies on are in TOOLCHAIN.md ("A real node, offline"). Everything it changes on the host is
 * recorded first (host.ts) and undone by `stop()`, or by cleanup.ts after a killed run.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import {
  BRIDGE, HOST_DIRS, HostState, POD_SUBNET, STATE_FILE, SYSCTLS, WORK_DIR, iptablesSave, nftTables, readState, rootPropagation, undo, writeState,
} from './host';
import { ImageSpec, buildImage, debTree } from './images';
import { ControlPlane, ControlPlaneRecord, FatalError, binDir, sleep, waitFor } from '../cluster/control-plane';
import { KubeClient } from '../cluster/kube-client';
import { Launched, LaunchedRecord, adopt, records, watch } from '../cluster/running-process';

export const NODE_NAME = 'node-tier';
/** containerd's CRI socket at the path agents expect (Falco mounts it). */
export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
/** The sandbox image containerd is told (kubelet 1.20's default name), built from pause.c. */
export const PAUSE_IMAGE = 'k8s.gcr.io/pause:3.2';

/** The Debian package trees (under the cache) build-node.sh unpacked. */
export function nodeCache(): string {
  return path.join(path.dirname(binDir()), 'node');
}

/** The node's own IPv4 address (eth0's): pods' host IP and the kubelet's node IP. */
export function nodeIp(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) {
        return a.address;
      }
    }
  }
  throw new Error('no non-loopback IPv4 address: the kubelet needs one as its node IP');
}

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

/** The tree with iptables (nft backend) and busybox, used as a chroot and as kube-proxy's image base. */
export function iptablesTrees(): string[] {
  const cache = nodeCache();
  return ['busybox-static', 'libc6', 'iptables', 'libxtables12', 'libip4tc2', 'libip6tc2', 'libnftnl11', 'libmnl0',
    'libnetfilter-conntrack3', 'libnfnetlink0'].map((p) => debTree(cache, p));
}

/** nft and its libraries (the host side only: deleting the tables iptables-nft created). */
function nftTrees(): string[] {
  const cache = nodeCache();
  return ['nftables', 'libnftables1', 'libedit2', 'libgmp10', 'libjansson4', 'libbsd0', 'libmd0', 'libtinfo6'].map((p) => debTree(cache, p));
}

function iptablesRoot(): string {
  const root = path.join(nodeCache(), 'iptables-root');
  if (!fs.existsSync(path.join(root, '.complete-v2'))) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    for (const tree of [...iptablesTrees(), ...nftTrees()]) {
      execFileSync('cp', ['-a', `${tree}/.`, `${root}/`]);
    }
    fs.mkdirSync(path.join(root, 'run'), { recursive: true });
    fs.writeFileSync(path.join(root, '.complete-v2'), '');
  }
  return root;
}

/** What a test file may change on its node (nothing by default: every existing file uses the defaults). */
export interface RealNodeOptions {
  /** KubeletConfiguration fields merged over the tier's (e.g. evictionHard for a pressure condition). */
  readonly kubelet?: Record<string, unknown>;
  /** More kube-controller-manager controllers (e.g. podgc). */
  readonly controllers?: string[];
  /** More kube-controller-manager flags (e.g. `--node-monitor-grace-period` for `nodelifecycle`). */
  readonly controllerManagerArgs?: string[];
}

/**
 * The node a jest file left running for the next (the tier's files run one after the other in one
 * process, and coming up and going down took 25-35 s a file). Written by `stop()` once the file's
 * workloads are gone; `start()` adopts it when the next file asks for the default node, and stops
 * it (through the host record) otherwise. test/node/cleanup.ts stops the last one.
 */
export const PARKED_FILE = '/run/cdk8s-node-agents-node-parked.json';

interface ParkedNode {
  readonly plane: ControlPlaneRecord;
  readonly procs: LaunchedRecord[];
  readonly readySeconds: number;
  readonly files: number;
}

/** Whether a file's node may be shared: the default options, and sharing not turned off. */
function shareable(options: RealNodeOptions): boolean {
  return process.env.NODE_TIER_FRESH_NODES !== '1' && options.kubelet === undefined
    && options.controllers === undefined && options.controllerManagerArgs === undefined;
}

export class RealNode {
  /** Starts containerd, the control plane and the kubelet, and waits until the node is Ready. */

  public static async start(options: RealNodeOptions = {}): Promise<RealNode> {
    if (process.getuid?.() !== 0) {
      throw new Error('the node tier runs as root (containerd, runc and the kubelet need it)');
    }
    for (const name of ['kubelet', 'kube-proxy']) {
      if (!fs.existsSync(path.join(binDir(), name))) {
        throw new Error(`${path.join(binDir(), name)} is missing: run "bash test/node/build-node.sh" first (npm run test:node does)`);
      }
    }
    if (fs.existsSync(PARKED_FILE)) {
      const parked: ParkedNode = JSON.parse(fs.readFileSync(PARKED_FILE, 'utf-8'));
      fs.rmSync(PARKED_FILE, { force: true });
      const adopted = shareable(options) ? await RealNode.adopt(parked, options) : undefined;
      if (adopted) {
        return adopted;
      }
      // Not this file's kind of node, or not answering: the record below stops it.
    }
    const leftover = readState();
    if (leftover) {
      console.log(`a previous run left ${STATE_FILE}: undoing it first\n  ${(await undo(leftover)).join('\n  ')}`);
    }
    if (fs.existsSync(CONTAINERD_SOCKET)) {
      throw new Error(`${CONTAINERD_SOCKET} exists: another containerd runs on this machine; the node tier needs that path for its own`);
    }
    const node = new RealNode(options);
    try {
      await node.boot();
    } catch (e) {
      await node.stop();
      throw e;
    }
    return node;
  }

  /** The parked node, driven again by its PIDs; undefined when it does not answer. */
  private static async adopt(parked: ParkedNode, options: RealNodeOptions): Promise<RealNode | undefined> {
    const state = readState();
    if (!state) {
      return undefined;
    }
    const node = new RealNode(options);
    node.state = state;
    node.procs.push(...parked.procs.map(adopt));
    node.plane = ControlPlane.attach(parked.plane);
    node.readySeconds = parked.readySeconds;
    node.files = parked.files + 1;
    try {
      await node.waitFor(`the parked Node ${NODE_NAME} Ready`, async () => {
        const n = await node.client.get(`/api/v1/nodes/${NODE_NAME}`);
        return (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') || undefined;
      }, 30_000);
    } catch (e) {
      console.log(`the parked node does not answer, starting a new one: ${(e as Error).message.split('\n')[0]}`);
      node.plane.detach();
      process.off('exit', node.onExit);
      return undefined;
    }
    console.log(`node ${NODE_NAME} (${node.ip}) shared: Ready, left running by the previous file (file ${node.files} on this node)`);
    return node;
  }

  public plane!: ControlPlane;
  public readonly ip = nodeIp();
  /** Seconds from the kubelet's start to the Node Ready (printed in the tier's summary). */
  public readySeconds = 0;
  /** How many jest files this node has served, this one included. */
  public files = 1;
  private readonly procs: Launched[] = [];
  private state!: HostState;
  private readonly cache = nodeCache();
  private readonly ctrBin = path.join(debTree(nodeCache(), 'containerd'), 'usr/bin/ctr');
  private readonly onExit: () => void;
  private stopped = false;
  private kubeletFrozen = false;

  private constructor(private readonly options: RealNodeOptions) {
    this.onExit = () => this.procs.forEach((p) => p.exited === undefined && p.process.kill('SIGKILL'));
    process.on('exit', this.onExit);
  }

  public get client(): KubeClient {
    return this.plane.client;
  }

  /** `ctr` against the node's containerd, in the CRI's namespace. */
  public ctr(args: string[], input?: string): string {
    return execFileSync(this.ctrBin, ['-a', CONTAINERD_SOCKET, '-n', 'k8s.io', ...args], { encoding: 'utf-8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Builds an image from `spec` and imports it under its name; returns the normalized name. */
  public importImage(spec: ImageSpec): string {
    const work = fs.mkdtempSync(path.join(WORK_DIR, 'image-'));
    const archive = `${work}.tar`;
    const name = buildImage(spec, work, archive);
    this.ctr(['images', 'import', '--no-unpack=false', archive]);
    fs.rmSync(archive, { force: true });
    if (!this.ctr(['images', 'ls', '-q']).split('\n').includes(name)) {
      throw new Error(`image ${name} not found in containerd after import`);
    }
    return name;
  }

  /** The busybox image (Debian's busybox-static) under `name`, with extra files. */
  public importBusybox(name: string, files: ImageSpec['files'] = {}, links: ImageSpec['links'] = {}): string {
    return this.importImage({ name, trees: [debTree(this.cache, 'busybox-static')], busyboxLinks: true, files, links });
  }

  /**
   * Runs `args` in a running container (`ctr tasks exec`: the container's own process spec, so
   * its user, capabilities, seccomp and no_new_privs). Returns stdout, stderr and the exit code.
   */
  public exec(containerId: string, args: string[]): { code: number; out: string } {
    const id = `chk-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    try {
      const out = execFileSync(this.ctrBin, ['-a', CONTAINERD_SOCKET, '-n', 'k8s.io', 'tasks', 'exec', '--exec-id', id, containerId, ...args],
        { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      return { code: 0, out };
    } catch (e: any) {
      return { code: e.status ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  /** The PID (on the host) of a container's main process. */
  public pidOf(containerId: string): number {
    const line = this.ctr(['tasks', 'ls']).split('\n').find((l) => l.startsWith(`${containerId} `));
    if (!line) {
      throw new Error(`no task for container ${containerId}`);
    }
    return Number(line.split(/\s+/)[1]);
  }

  /**
   * Stops the kubelet's process with SIGSTOP: it posts no status and renews no lease, as an
   * unreachable node's kubelet (its containers keep running). `thawKubelet()` or `stop()` resumes it.
   */
  public freezeKubelet(): void {
    this.kubeletProc().process.kill('SIGSTOP');
    this.kubeletFrozen = true;
  }

  /** Resumes a kubelet stopped by `freezeKubelet()` (SIGCONT). */
  public thawKubelet(): void {
    if (this.kubeletFrozen) {
      this.kubeletProc().process.kill('SIGCONT');
      this.kubeletFrozen = false;
    }
  }

  private kubeletProc(): Launched {
    const kubelet = this.procs.find((p) => p.name === 'kubelet' && p.exited === undefined);
    if (!kubelet) {
      throw new Error('the kubelet is not running');
    }
    return kubelet;
  }

  /** The last lines of the node's logs (containerd, kubelet) and the control plane's, for failures. */
  public logTails(lines = 20): string {
    const own = this.procs.map((p) => {
      const text = fs.existsSync(p.log) ? fs.readFileSync(p.log, 'utf-8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
      return `--- ${p.name}${p.exited ? ` (exited: ${p.exited})` : ''}, ${p.log}\n${text}`;
    }).join('\n');
    return `${own}\n${this.plane?.logTails(lines) ?? ''}`;
  }

  /**
   * Host paths a manifest is about to make the kubelet create (hostPath DirectoryOrCreate or
   * FileOrCreate that do not exist yet): recorded before applying it, so that `stop()` (or
   * cleanup.ts after a killed run) removes them with the tier's other traces. Records the
   * topmost ancestor that does not exist, so no empty parent stays behind.
   */
  public recordHostPaths(objects: any[]): void {
    const created = new Set<string>();
    for (const obj of objects) {
      const spec = obj.kind === 'Pod' ? obj.spec : obj.spec?.template?.spec;
      for (const v of spec?.volumes ?? []) {
        if (v.hostPath && ['DirectoryOrCreate', 'FileOrCreate'].includes(v.hostPath.type) && !fs.existsSync(v.hostPath.path)) {
          let top = path.resolve(v.hostPath.path);
          while (!fs.existsSync(path.dirname(top))) {
            top = path.dirname(top);
          }
          created.add(top);
        }
      }
    }
    const fresh = [...created].filter((p) => !this.state.absentDirs.includes(p));
    if (fresh.length > 0) {
      this.state.absentDirs.push(...fresh);
      writeState(this.state);
    }
  }

  /**
   * Deletes every DaemonSet and every pod on the node and the given namespaces (and waits until
   * the kubelet has stopped the pods and torn down their sandboxes). Then, for a node of the
   * default kind, leaves it running for the next file (`park`, PARKED_FILE); otherwise stops the
   * kubelet, the control plane and containerd by PID and undoes every host change in the record.
   * Safe to call twice.
   */
  public async stop(namespaces: string[] = []): Promise<string[]> {
    if (this.stopped) {
      return [];
    }
    this.stopped = true;
    if (this.kubeletFrozen) {
      this.thawKubelet();
      // Its next status post makes the node Ready again; the teardown needs it to stop the pods.
      await sleep(3_000);
    }
    const kubelet = this.procs.find((p) => p.name === 'kubelet');
    if (kubelet && kubelet.exited === undefined && this.plane?.client) {
      // DaemonSets first (kube-system cannot be deleted; a DaemonSet would make its pod again),
      // then the pods left on the node, then the namespaces.
      try {
        for (const ds of (await this.client.get('/apis/apps/v1/daemonsets')).items) {
          await this.client.delete(`/apis/apps/v1/namespaces/${ds.metadata.namespace}/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Background' });
        }
        for (const pod of (await this.client.get(`/api/v1/pods?fieldSelector=spec.nodeName=${NODE_NAME}`)).items) {
          await this.client.delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
        }
      } catch (e) {
        console.log(`teardown: ${(e as Error).message}`);
      }
      for (const ns of namespaces.filter((n) => !n.startsWith('kube-'))) {
        try {
          await this.client.delete(`/api/v1/namespaces/${ns}`);
        } catch {
          // already gone
        }
      }
      try {
        // The kubelet stops a deleted pod's containers and tears down its sandbox (CNI DEL).
        await waitFor('every pod on the node gone', async () => {
          const pods = await this.client.get(`/api/v1/pods?fieldSelector=spec.nodeName=${NODE_NAME}`);
          return pods.items.length === 0 ? true : undefined;
        }, 90_000, 500);
        await waitFor('every sandbox stopped', async () => {
          const tasks = this.ctr(['tasks', 'ls']).trim().split('\n').slice(1).filter((l) => l.includes('RUNNING'));
          return tasks.length === 0 ? true : undefined;
        }, 30_000, 500);
      } catch (e) {
        console.log(`teardown: ${(e as Error).message}`);
      }
      if (shareable(this.options) && await this.namespacesGone(namespaces)) {
        return this.park();
      }
    }
    for (const p of [...this.procs].reverse()) {
      if (p.name === 'kubelet' && p.exited === undefined) {
        await this.kill(p);
      }
    }
    // Containers the kubelet left (stopped or not) and their sandboxes, through containerd.
    if (this.procs.some((p) => p.name === 'containerd' && p.exited === undefined)) {
      try {
        for (const line of this.ctr(['tasks', 'ls']).trim().split('\n').slice(1)) {
          const id = line.split(/\s+/)[0];
          if (id) {
            try {
              this.ctr(['tasks', 'kill', '-s', 'SIGKILL', id]);
            } catch {
              // stopped already
            }
            await sleep(200);
            try {
              this.ctr(['tasks', 'delete', '-f', id]);
            } catch {
              // gone
            }
          }
        }
      } catch {
        // containerd not answering: the shims are stopped by PID below
      }
    }
    await this.plane?.stop();
    for (const p of [...this.procs].reverse()) {
      if (p.exited === undefined) {
        await this.kill(p);
      }
    }
    process.off('exit', this.onExit);
    const done = this.state ? await undo(this.state) : [];
    return done;
  }

  /** Waits until the deleted namespaces are gone (the next file may make them again). */
  private async namespacesGone(namespaces: string[]): Promise<boolean> {
    try {
      await waitFor('the deleted namespaces gone', async () => {
        const names = (await this.client.get('/api/v1/namespaces')).items.map((n: any) => n.metadata.name);
        return namespaces.some((ns) => !ns.startsWith('kube-') && names.includes(ns)) ? undefined : true;
      }, 60_000, 500);
      return true;
    } catch (e) {
      console.log(`teardown: ${(e as Error).message}; stopping the node instead of sharing it`);
      return false;
    }
  }

  /** Leaves the node running, its workloads gone, for the next file (see PARKED_FILE). */
  private park(): string[] {
    const parked: ParkedNode = { plane: this.plane.record(), procs: records(this.procs), readySeconds: this.readySeconds, files: this.files };
    fs.writeFileSync(PARKED_FILE, JSON.stringify(parked, null, 2));
    this.plane.detach();
    this.procs.forEach((p) => p.process.unref());
    process.off('exit', this.onExit);
    return [`node left running for the next file (${PARKED_FILE}); the last file's node is stopped by test/node/cleanup.ts`];
  }

  private async kill(p: Launched): Promise<void> {
    p.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      new Promise((r) => p.process.once('exit', () => r(true))),
      new Promise((r) => { timer = setTimeout(() => r(false), 15_000); }),
    ]);
    clearTimeout(timer);
    if (!ended) {
      p.process.kill('SIGKILL');
    }
  }

  private launch(name: string, bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
    const log = path.join(WORK_DIR, `${name}.log`);
    const out = fs.openSync(log, 'w');
    const child = spawn(bin, args, { stdio: ['ignore', out, out], env });
    fs.closeSync(out);
    this.procs.push(watch(name, child, log));
    if (child.pid) {
      this.state.pids.push(child.pid);
      writeState(this.state);
    }
  }

  private waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    return waitFor(what, async () => {
      const dead = this.procs.find((p) => p.exited !== undefined);
      if (dead) {
        throw new FatalError(`${dead.name} exited (${dead.exited}) while waiting for ${what}\n${this.logTails(40)}`);
      }
      return check();
    }, timeoutMs, 250).catch((e) => {
      throw e instanceof FatalError ? e : new Error(`${(e as Error).message}\n${this.logTails()}`);
    });
  }

  private async boot(): Promise<void> {
    // 1. The record, before anything changes.
    const ipt = iptablesRoot();
    this.state = {
      pids: [],
      absentDirs: HOST_DIRS.filter((d) => !fs.existsSync(d)),
      netnsBefore: fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns') : [],
      sysctls: Object.fromEntries(SYSCTLS.map((k) => [k, fs.readFileSync(`/proc/sys/${k}`, 'utf-8').trim()])),
      rootPropagation: rootPropagation(),
      containerdAddress: CONTAINERD_SOCKET,
      iptablesBefore: iptablesSave(ipt),
      iptablesRoot: ipt,
      nftTablesBefore: nftTables(ipt),
    };
    writeState(this.state);

    // 2. What a node has: a shared `/` (HostToContainer and Bidirectional mounts), the kubelet's
    // root, /lib/modules (kube-proxy and CSI plugins mount it as a Directory).
    execFileSync('mount', ['--make-shared', '/']);
    for (const dir of [WORK_DIR, '/var/lib/kubelet', '/lib/modules', path.join(WORK_DIR, 'cni', 'net.d')]) {
      fs.mkdirSync(dir, { recursive: true });
    }

    // 3. containerd with the CRI plugin: runc from Debian, the bridge CNI, the pause image's name.
    const containerdBin = path.join(debTree(this.cache, 'containerd'), 'usr/bin');
    const runcBin = path.join(debTree(this.cache, 'runc'), 'usr/sbin/runc');
    const cniBin = path.join(debTree(this.cache, 'containernetworking-plugins'), 'usr/lib/cni');
    fs.writeFileSync(path.join(WORK_DIR, 'cni', 'net.d', '10-node-tier.conflist'), JSON.stringify({
      cniVersion: '0.4.0',
      name: 'node-tier',
      plugins: [{
        type: 'bridge',
        bridge: BRIDGE,
        // The host gets an address on the bridge (it reaches the pods, the kubelet's probes do not
        // leave by the default route); no masquerade and no default route in the pods: pod
        // traffic stays on this bridge.
        isGateway: true,
        isDefaultGateway: false,
        ipMasq: false,
        hairpinMode: true,
        // One route: to this node's own address (replies to the kubelet's probes and to traffic
        // the node sends through a Service), by the bridge; nothing else is reachable.
        ipam: { type: 'host-local', ranges: [[{ subnet: POD_SUBNET }]], routes: [{ dst: `${this.ip}/32` }], dataDir: path.join(WORK_DIR, 'cni', 'ipam') },
      }],
    }));
    fs.writeFileSync(path.join(WORK_DIR, 'containerd.toml'), `version = 2
root = "${WORK_DIR}/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "${CONTAINERD_SOCKET}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # This VM lacks CAP_SYS_RESOURCE in its bounding set: runc cannot lower oom_score_adj.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${runcBin}"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${cniBin}"
    conf_dir = "${WORK_DIR}/cni/net.d"
[plugins."io.containerd.internal.v1.opt"]
  path = "${WORK_DIR}/opt"
`);
    const env = { ...process.env, PATH: `${containerdBin}:${path.dirname(runcBin)}:${process.env.PATH}` };
    const t0 = Date.now();
    this.launch('containerd', path.join(containerdBin, 'containerd'), ['--config', path.join(WORK_DIR, 'containerd.toml'), '--log-level', 'warn'], env);
    await this.waitFor('containerd', async () => {
      try {
        this.ctr(['version']);
        return true;
      } catch {
        return undefined;
      }
    }, 30_000);

    // 4. The pause image.
    this.importImage({ name: PAUSE_IMAGE, trees: [], files: { '/pause': { content: fs.readFileSync(path.join(this.cache, 'pause', 'pause')), mode: 0o755 } }, entrypoint: ['/pause'] });

    // 5. The control plane, with the controllers a Service needs (endpoints, endpoint slices).
    this.plane = await ControlPlane.start({
      controllers: ['daemonset', 'serviceaccount', 'serviceaccount-token', 'garbagecollector', 'namespace', 'endpoint', 'endpointslice', ...(this.options.controllers ?? [])],
      controllerManagerArgs: this.options.controllerManagerArgs,
    });
    this.state.pids.push(...this.plane.pids());
    this.state.ownDirs = [path.dirname(this.plane.kubeconfig)];
    writeState(this.state);

    // 6. The kubelet.
    const kubeletPort = await freePort();
    const healthzPort = await freePort();
    fs.writeFileSync(path.join(WORK_DIR, 'kubelet.yaml'), JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      address: this.ip,
      port: kubeletPort,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort,
      // No one calls the kubelet's API here (checks inside pods go through containerd).
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
      authorization: { mode: 'AlwaysAllow' },
      cgroupDriver: 'cgroupfs',
      // No QoS cgroup tree (kubepods) to leave behind; runc's per-container cgroups go with them.
      cgroupsPerQOS: false,
      enforceNodeAllocatable: [],
      failSwapOn: false,
      makeIPTablesUtilChains: false,
      nodeStatusUpdateFrequency: '2s',
      nodeStatusReportFrequency: '2s',
      syncFrequency: '10s',
      // A shared disk: no eviction, no image garbage collection of the imported images.
      evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      resolvConf: '/etc/resolv.conf',
      serializeImagePulls: false,
      ...this.options.kubelet,
    }));
    const tKubelet = Date.now();
    this.launch('kubelet', path.join(binDir(), 'kubelet'), [
      `--config=${path.join(WORK_DIR, 'kubelet.yaml')}`,
      `--kubeconfig=${this.plane.kubeconfig}`,
      '--container-runtime=remote', `--container-runtime-endpoint=unix://${CONTAINERD_SOCKET}`,
      `--pod-infra-container-image=${PAUSE_IMAGE}`,
      `--hostname-override=${NODE_NAME}`, `--node-ip=${this.ip}`,
      `--cert-dir=${path.join(WORK_DIR, 'kubelet-pki')}`,
      '--v=1',
    ]);
    await this.waitFor(`Node ${NODE_NAME} Ready`, async () => {
      const n = await this.client.get(`/api/v1/nodes/${NODE_NAME}`);
      return (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') || undefined;
    }, 120_000);
    this.readySeconds = (Date.now() - tKubelet) / 1000;
    // TaintNodesByCondition put not-ready on the new Node; the node lifecycle controller (not run
    // here) would take it off once Ready.
    await this.client.mergePatch(`/api/v1/nodes/${NODE_NAME}`, { spec: { taints: null } });
    // The kubelet set these at start; the machine is shared: put them back now.
    for (const [key, value] of Object.entries(this.state.sysctls)) {
      fs.writeFileSync(`/proc/sys/${key}`, value);
    }
    console.log(`node ${NODE_NAME} (${this.ip}) Ready ${this.readySeconds.toFixed(1)} s after the kubelet started, ${((Date.now() - t0) / 1000).toFixed(1)} s after containerd`);
  }
}
