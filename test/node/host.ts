/**
 * What the node tier changes on the machine, written down before it changes it, and the undoing of
 * all of it. The record is a JSON file under /run, so that a run killed half-way is still undone by
 * `cleanup.ts` (the trap of `test/node/run.sh`), not only by the tests' afterAll.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { alive } from '../cluster/running-process';

/** The record of one run; deleted once everything in it is undone. */
export const STATE_FILE = '/run/cdk8s-node-agents-node.json';
/** Everything the tier writes that is its own (containerd's root, configs, logs, the CNI's IPAM). */
export const WORK_DIR = '/var/lib/cdk8s-node-agents-node';
/** The bridge the CNI config names (all pod traffic stays on it: no masquerade, no route out). */
export const BRIDGE = 'cni-nodetier0';
/** The pod range of the one node. */
export const POD_SUBNET = '10.244.77.0/24';

/** The host paths a node has and this machine may lack; each removed afterwards if it was absent. */
export const HOST_DIRS = ['/var/lib/kubelet', '/var/log/pods', '/var/log/containers', '/lib/modules', '/var/lib/cni', '/run/netns', '/run/containerd', '/etc/cni', '/run/xtables.lock',
  // What the presets' DirectoryOrCreate/FileOrCreate host paths make.
  '/var/lib/fluent-bit-state', '/var/lib/fluentd-state', '/var/lib/filebeat-state', '/run/crio', '/run/nvidia', '/home/kubernetes', '/var/lib/cos-tools'];
/** The sysctls kubelet 1.20 sets (container manager's setupNode) and kube-proxy's route_localnet. */
export const SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops', 'net/ipv4/conf/all/route_localnet'];

export interface HostState {
  /** PIDs the tier started (containerd, kubelet, the control plane), stopped by PID. */
  pids: number[];
  /** HOST_DIRS that did not exist before. */
  absentDirs: string[];
  /** Entries of /run/netns before (only new ones are removed). */
  netnsBefore: string[];
  /** The sysctls' values before. */
  sysctls: Record<string, string>;
  /** `/`'s propagation before (private on this VM). */
  rootPropagation: string;
  /** The containerd socket, to find its shims by their `-address` argument. */
  containerdAddress: string;
  /** The iptables rules before (iptables-nft-save), to tell the tier's chains from the host's. */
  iptablesBefore: string;
  /** The chroot with iptables (the kube-proxy image's tree), used to list and remove rules. */
  iptablesRoot: string;
  /** The nftables tables before (`nft list tables`): tables iptables-nft creates are deleted after. */
  nftTablesBefore: string[];
  /** Directories the tier made elsewhere (the control plane's under /dev/shm), removed after. */
  ownDirs?: string[];
}

export function readState(): HostState | undefined {
  return fs.existsSync(STATE_FILE) ? JSON.parse(fs.readFileSync(STATE_FILE, 'utf-8')) : undefined;
}

export function writeState(state: HostState): void {
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf-8', stdio: ['pipe', 'pipe', 'pipe'], input });
}

function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    return run(cmd, args);
  } catch {
    return undefined;
  }
}

export function rootPropagation(): string {
  return run('findmnt', ['-n', '-o', 'PROPAGATION', '/']).trim();
}

export function nftTables(root: string): string[] {
  const out = tryRun('chroot', [root, '/usr/sbin/nft', 'list', 'tables']) ?? '';
  return out.split('\n').map((l) => l.replace(/^table /, '').trim()).filter((l) => l);
}

export function iptablesSave(root: string): string {
  if (!fs.existsSync(path.join(root, 'usr/sbin/xtables-nft-multi'))) {
    return '';
  }
  return tryRun('chroot', [root, '/usr/sbin/xtables-nft-multi', 'iptables-save']) ?? '';
}

/** The chains in an iptables-save text, as `table/chain`. */
export function chainsOf(save: string): Set<string> {
  const chains = new Set<string>();
  let table = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
    } else if (line.startsWith(':')) {
      chains.add(`${table}/${line.slice(1).split(' ')[0]}`);
    }
  }
  return chains;
}

const BUILTIN = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);

/** Removes the chains (and the jumps to them) that are in `now` and not in `before`. */
function removeNewChains(root: string, before: string): string[] {
  const now = iptablesSave(root);
  const old = chainsOf(before);
  const added = [...chainsOf(now)].filter((c) => !old.has(c) && !BUILTIN.has(c.split('/')[1]));
  const ipt = (args: string[]) => tryRun('chroot', [root, '/usr/sbin/xtables-nft-multi', 'iptables', '-w', ...args]);
  // Jumps from any chain to a new chain go first, then the new chains are flushed and deleted.
  let table = '';
  for (const line of now.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
    } else if (line.startsWith('-A ')) {
      const parts = line.split(' ');
      const chain = parts[1];
      const jump = parts[parts.indexOf('-j') + 1];
      if (!added.includes(`${table}/${chain}`) && added.includes(`${table}/${jump}`)) {
        ipt(['-t', table, '-D', chain, ...splitRule(line.slice(3 + chain.length + 1))]);
      }
    }
  }
  for (const c of added) {
    const [t, chain] = c.split('/');
    ipt(['-t', t, '-F', chain]);
  }
  for (const c of added) {
    const [t, chain] = c.split('/');
    ipt(['-t', t, '-X', chain]);
  }
  return added;
}

/** Splits an iptables-save rule into arguments (quoted comments kept whole). */
function splitRule(rule: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rule))) {
    out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]);
  }
  return out;
}

async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && alive(pid); i++) {
    await new Promise((r) => setTimeout(r, 250));
  }
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The PIDs of containerd shims started for `address` (their command line names it). */
export function shimPids(address: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf-8').split('\0');
      if (argv[0].includes('containerd-shim') && argv.includes(address)) {
        pids.push(Number(entry));
      }
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Mount points at or under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  const lines = fs.readFileSync('/proc/self/mountinfo', 'utf-8').split('\n');
  const points = lines.map((l) => l.split(' ')[4]).filter((p) => p && (p === dir || p.startsWith(`${dir}/`)));
  return points.map((p) => p.replace(/\\040/g, ' ')).reverse();
}

function unmountAll(dir: string): void {
  for (let round = 0; round < 5; round++) {
    const points = mountsUnder(dir);
    if (points.length === 0) {
      return;
    }
    for (const p of points) {
      if (tryRun('umount', [p]) === undefined) {
        tryRun('umount', ['-l', p]);
      }
    }
  }
}

/** The directories of pod cgroups (cgroup v1 controllers and v2): `kubepods` and containerd's `k8s.io`. */
function podCgroupRoots(): string[] {
  const roots = ['/sys/fs/cgroup', ...(fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup').map((d) => path.join('/sys/fs/cgroup', d)) : [])];
  return roots.flatMap((r) => ['kubepods', 'kubepods.slice', 'k8s.io'].map((n) => path.join(r, n))).filter((d) => fs.existsSync(d));
}

/** The PIDs in pod cgroups: containers whose shim is gone (a killed run) are children of init. */
function podCgroupPids(): number[] {
  const pids = new Set<number>();
  const walk = (dir: string) => {
    try {
      for (const line of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf-8').split('\n')) {
        if (line.trim()) {
          pids.add(Number(line));
        }
      }
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) {
          walk(path.join(dir, e.name));
        }
      }
    } catch {
      // gone meanwhile
    }
  };
  podCgroupRoots().forEach(walk);
  return [...pids];
}

/** Pod processes' cgroups (cgroup v1 and v2) that runc left: any `kubepods` or `k8s.io` directory. */
function removeCgroups(): string[] {
  const removed: string[] = [];
  const roots = ['/sys/fs/cgroup', ...(fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup').map((d) => path.join('/sys/fs/cgroup', d)) : [])];
  const rmTree = (dir: string) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        rmTree(path.join(dir, e.name));
      }
    }
    try {
      fs.rmdirSync(dir);
      removed.push(dir);
    } catch {
      // busy or gone
    }
  };
  for (const root of roots) {
    for (const name of ['kubepods', 'kubepods.slice', 'k8s.io']) {
      const dir = path.join(root, name);
      if (fs.existsSync(dir)) {
        rmTree(dir);
      }
    }
  }
  return removed;
}

/**
 * Undoes everything in the record: stops the processes by PID (then the shims of the tier's
 * containerd), unmounts what is under the tier's and the kubelet's directories, removes the
 * directories that were absent, the bridge, the new network namespaces, the new iptables chains,
 * the cgroups; puts back the sysctls and `/`'s propagation. Returns what it did, for the log.
 */
export async function undo(state: HostState): Promise<string[]> {
  const done: string[] = [];
  for (const pid of [...state.pids].reverse()) {
    if (alive(pid)) {
      await stopPid(pid);
      done.push(`stopped pid ${pid}`);
    }
  }
  for (const pid of shimPids(state.containerdAddress)) {
    await stopPid(pid);
    done.push(`stopped shim ${pid}`);
  }
  // Container processes whose shim is gone are children of init: found by their cgroup.
  const orphans = podCgroupPids();
  for (const pid of orphans) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (orphans.length) {
    done.push(`killed ${orphans.length} container processes (pod cgroups)`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const dir of ['/var/lib/kubelet', WORK_DIR, '/run/containerd']) {
    const n = mountsUnder(dir).length;
    unmountAll(dir);
    if (n) {
      done.push(`unmounted ${n} under ${dir}`);
    }
  }
  const netnsNow = fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns') : [];
  for (const ns of netnsNow.filter((n) => !state.netnsBefore.includes(n))) {
    tryRun('umount', [`/run/netns/${ns}`]);
    fs.rmSync(`/run/netns/${ns}`, { force: true });
    done.push(`netns ${ns}`);
  }
  if (tryRun('ip', ['link', 'show', BRIDGE]) !== undefined) {
    tryRun('ip', ['link', 'delete', BRIDGE]);
    done.push(`bridge ${BRIDGE}`);
  }
  const chains = removeNewChains(state.iptablesRoot, state.iptablesBefore);
  if (chains.length) {
    done.push(`iptables chains ${chains.join(' ')}`);
  }
  for (const table of nftTables(state.iptablesRoot).filter((t) => !(state.nftTablesBefore ?? []).includes(t))) {
    tryRun('chroot', [state.iptablesRoot, '/usr/sbin/nft', 'delete', 'table', ...table.split(' ')]);
    done.push(`nft table ${table}`);
  }
  const cgroups = removeCgroups();
  if (cgroups.length) {
    done.push(`${cgroups.length} cgroups`);
  }
  for (const [key, value] of Object.entries(state.sysctls)) {
    const file = `/proc/sys/${key}`;
    if (fs.readFileSync(file, 'utf-8').trim() !== value) {
      fs.writeFileSync(file, value);
      done.push(`sysctl ${key}=${value}`);
    }
  }
  for (const dir of [...state.absentDirs, ...(state.ownDirs ?? []), WORK_DIR]) {
    if (fs.existsSync(dir)) {
      unmountAll(dir);
      fs.rmSync(dir, { recursive: true, force: true });
      done.push(`removed ${dir}`);
    }
  }
  if (state.rootPropagation === 'private' && rootPropagation() !== 'private') {
    run('mount', ['--make-private', '/']);
    done.push('/ private again');
  }
  fs.rmSync(STATE_FILE, { force: true });
  return done;
}
