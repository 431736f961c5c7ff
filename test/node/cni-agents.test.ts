/**
 * The CNI presets' pod specs (CiliumAgent, CalicoNode) started on the real node with stand-in
 * images (the real agents cannot be had offline here). Every container of a preset runs one image
 * (Cilium's one for all seven, Calico's node image for calico-node and ebpf-bootstrap), so each
 * stand-in image carries every command the pod runs: the chart's and manifest's own shell steps
 * run for real in busybox (cp, nsenter into the host's mount namespace, mount -t bpf), the agents'
 * binaries are scripts that do with their mounts what the agent does and answer the probes on the
 * agent's own host, path and port (Cilium's health API on 127.0.0.1:9879 only).
 *
 * Not proven here (only the real binaries would): Cilium's and Calico's datapaths, cilium-dbg
 * build-config reading cilium-config through the API, Felix's and BIRD's health. Two stand-in
 * limits: busybox's nsenter has no cgroup namespace (the wrapper checks that the agent may open
 * /proc/1/ns/cgroup, then enters the mount namespace for real), and an image built here cannot
 * have Cilium's digest, so CiliumAgent is given its image by tag only.
 * Run with `flock /tmp/node-tier.lock bash test/node/run.sh test/node/cni-agents.test.ts`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { containerIdOf, apply, isReady, podLog, podsOf, procStatus, report, restarts, synth, waitReady } from './agents';
import { debTree } from './images';
import { NODE_NAME, RealNode, nodeCache, nodeIp } from './real-node';
import { CalicoNode, CiliumAgent } from '../../src';
import { waitFor } from '../cluster/control-plane';

let node: RealNode;
/** Host paths the presets create (DirectoryOrCreate) or the stand-ins write, removed afterwards if they were absent. */
const OWN_PATHS = ['/opt/cni', '/run/cilium', '/run/calico', '/var/lib/calico', '/run/nodeagent', '/var/log/calico', '/tmp/node-tier-cilium-sysctlfix.stand-in'];
let absent: string[] = [];
let bpffsBefore = false;
/** Whether /sys was a shared mount before (systemd makes it shared on real nodes; this VM's is private). */
let sysSharedBefore = true;
const sysShared = () => fs.readFileSync('/proc/self/mountinfo', 'utf-8').split('\n').some((l) => l.split(' ')[4] === '/sys' && / shared:\d+/.test(l.split(' - ')[0]));

const bpffsMounted = () => fs.readFileSync('/proc/self/mountinfo', 'utf-8').split('\n').some((l) => l.split(' ')[4] === '/sys/fs/bpf' && / - bpf /.test(l));

beforeAll(async () => {
  absent = OWN_PATHS.filter((p) => !fs.existsSync(p));
  bpffsBefore = bpffsMounted();
  // Bidirectional and HostToContainer mounts of /sys/fs and /sys/fs/bpf need /sys to be a shared
  // mount, as systemd makes it on a real node; containerd refuses them otherwise.
  sysSharedBefore = sysShared();
  if (!sysSharedBefore) {
    execFileSync('mount', ['--make-shared', '/sys']);
  }
  node = await RealNode.start();
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(['kube-system']);
  // What the stand-ins did to the host beyond the tier's own record: bpffs mounted on
  // /sys/fs/bpf by Cilium's mount-bpf-fs step (Bidirectional), and the presets' directories.
  if (!bpffsBefore && bpffsMounted()) {
    execFileSync('umount', ['/sys/fs/bpf']);
  }
  if (!sysSharedBefore) {
    execFileSync('mount', ['--make-private', '/sys']);
  }
  for (const p of absent) {
    fs.rmSync(p, { recursive: true, force: true });
  }
  for (const f of ['05-cilium.conflist.stand-in', '10-calico.conflist', 'calico-kubeconfig']) {
    fs.rmSync(`/etc/cni/net.d/${f}`, { force: true });
  }
  console.log(`teardown: ${undone?.join('; ')}; removed ${absent.join(', ') || 'nothing'}; bpffs ${bpffsBefore ? 'left as it was' : 'unmounted'}; /sys ${sysSharedBefore ? 'left shared' : 'private again'}`);
}, 300_000);

async function deleteDaemonSet(ds: any): Promise<void> {
  await node.client.delete(`/apis/apps/v1/namespaces/${ds.metadata.namespace}/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Foreground' });
  await waitFor(`${ds.metadata.name}'s pods gone`, async () => ((await podsOf(node, ds)).length === 0 ? true : undefined), 120_000, 500);
}

/** An HTTP GET from this host (the node): the status code, or the error's code. */
function get(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', (e: any) => resolve(e.code ?? String(e)));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

const exe = (content: string) => ({ content, mode: 0o755 });
const loop = 'trap "echo stand-in: stopping; exit 0" TERM INT\nwhile :; do sleep 3600 & wait $!; done';

/** The capabilities in a CapEff mask. */
const CAP_BITS: Record<string, number> = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  FOWNER: 3,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  NET_ADMIN: 12,
  NET_RAW: 13,
  IPC_LOCK: 14,
  SYS_MODULE: 16,
  SYS_CHROOT: 18,
  SYS_PTRACE: 19,
  SYS_ADMIN: 21,
  SYS_RESOURCE: 24,
};
function capsOf(capEff: string): string[] {
  // The mask's bits, lowest first.
  const bits = BigInt(`0x${capEff}`).toString(2).split('').reverse();
  return Object.entries(CAP_BITS).filter(([, bit]) => bits[bit] === '1').map(([name]) => name).sort();
}

/**
 * The capabilities this machine can give a container at all (its own bounding set): a container
 * cannot get more. Where CAP_SYS_RESOURCE is missing (it is on this VM), the pod spec is started
 * with it removed from the containers that add it, and the report says so.
 */
const HOST_CAPS = capsOf(procStatus(process.pid).CapBnd);
function withoutMissingCaps(ds: any): string[] {
  const missing = Object.keys(CAP_BITS).filter((c) => !HOST_CAPS.includes(c));
  const spec = ds.spec.template.spec;
  const changed: string[] = [];
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const add: string[] | undefined = c.securityContext?.capabilities?.add;
    if (add?.some((cap) => missing.includes(cap))) {
      c.securityContext.capabilities.add = add.filter((cap) => !missing.includes(cap));
      changed.push(`${c.name} without ${add.filter((cap) => missing.includes(cap)).join(', ')}`);
    }
  }
  return changed;
}

describe('CiliumAgent (stand-in image for all seven containers)', () => {
  test('its init steps run with their capabilities (nsenter into the host, bpffs mounted on the node), the agent is Ready on 127.0.0.1:9879', async () => {
    // GIVEN the preset with its defaults, its image by tag (see the file's doc)
    let preset!: CiliumAgent;
    const objects = synth('kube-system', (chart) => {
      preset = new CiliumAgent(chart, 'cilium', { image: 'quay.io/cilium/cilium:v1.17.7' });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const spec = ds.spec.template.spec;
    const agent = spec.containers[0];
    expect(agent.livenessProbe.httpGet).toMatchObject({ host: '127.0.0.1', port: 9879, path: '/healthz' });
    const chartCaps = [...agent.securityContext.capabilities.add].sort();
    const lessCaps = withoutMissingCaps(ds);
    const image = node.importImage({
      name: preset.image,
      trees: [debTree(nodeCache(), 'busybox-static')],
      busyboxLinks: true,
      files: {
        // config: `cilium-dbg build-config` writes the configuration into the tmp emptyDir.
        '/usr/local/bin/cilium-dbg': exe('#!/bin/sh\nset -e\n[ "$1" = build-config ]\necho "stand-in for cilium-dbg $* as uid $(id -u)"\n'
          + 'mkdir -p /tmp/cilium/config-map\necho "$CILIUM_K8S_NAMESPACE $K8S_NODE_NAME" > /tmp/cilium/config-map/stand-in\n'),
        // The chart's `sh -ec` steps call nsenter with util-linux's options; busybox's sh would run
        // its own nsenter applet (no cgroup namespace) before any PATH entry. This `sh`, first on
        // PATH, defines nsenter as the stand-in below and then runs the chart's script unchanged.
        '/usr/local/bin/sh': exe('#!/bin/busybox ash\n[ "$1" = "-ec" ] || exec /bin/busybox ash "$@"\nscript="$2"\n'
          + 'nsenter() { /stand-in/nsenter "$@"; }\nset -e\neval "$script"\n'),
        // util-linux's nsenter, as far as busybox can: the namespace files must open (CAP_SYS_PTRACE
        // on pid 1), then the mount namespace is entered for real (SYS_ADMIN, SYS_CHROOT). Where
        // this machine's pid 1 does not let any process open its namespaces (see the report), it
        // says so and runs the program in the pod's mount namespace instead.
        '/stand-in/nsenter': exe('#!/bin/sh\nmnt=\nwhile [ $# -gt 0 ]; do case "$1" in\n'
          + '  --cgroup=*) c="${1#--cgroup=}" ;;\n  --mount=*) mnt="${1#--mount=}" ;;\n  *) break ;;\nesac; shift; done\n'
          + 'if [ -n "$c" ] && ! readlink "$c" >/dev/null 2>&1 || ! readlink "$mnt" >/dev/null 2>&1; then\n'
          + '  echo "stand-in nsenter: NOT ENTERED: cannot open $c $mnt (pid 1 of this machine refuses it)"\n'
          + '  exit 0\nfi\n'
          + 'exec /bin/busybox nsenter -m"$mnt" "$@"\n'),
        // Run by nsenter in the host's mount namespace (the host's /bin/sh): what they write is on the host.
        '/usr/bin/cilium-mount': exe('#!/bin/sh\nset -e\nmkdir -p "$1"\necho "mount-cgroup in the host mount namespace" > "$1/.stand-in-mount-cgroup"\n'),
        '/usr/bin/cilium-sysctlfix': exe('#!/bin/sh\nset -e\necho "apply-sysctl-overwrites in the host mount namespace" > /tmp/node-tier-cilium-sysctlfix.stand-in\n'),
        // mount-bpf-fs runs its own shell line with /bin/bash.
        '/bin/bash': exe('#!/bin/sh\nexec /bin/sh "$@"\n'),
        '/init-container.sh': exe('#!/bin/sh\nset -e\necho "stand-in clean-cilium-state as uid $(id -u)"\n'
          + 'grep -q " /sys/fs/bpf .* - bpf " /proc/self/mountinfo\ntest -d /run/cilium/cgroupv2\necho cleaned > /var/run/cilium/.stand-in-clean\n'),
        '/install-plugin.sh': exe('#!/bin/sh\nset -e\necho stand-in > /host/opt/cni/bin/cilium-cni.stand-in\n'),
        '/cni-uninstall.sh': exe('#!/bin/sh\nexit 0\n'),
        '/stand-in/www/9879/healthz': { content: 'OK\n' },
        '/usr/local/bin/cilium-agent': exe(['#!/bin/sh', 'set -e', 'echo "stand-in cilium-agent $* as uid $(id -u)"',
          // The config step's files, the host's sysctls writable, bpffs seen (HostToContainer).
          'test -s /tmp/cilium/config-map/stand-in', 'test -w /host/proc/sys/net/ipv4/ip_forward', 'test -w /host/proc/sys/kernel/hostname',
          'grep -q " /sys/fs/bpf .* - bpf " /proc/self/mountinfo',
          'echo agent > /var/run/cilium/.stand-in-agent', 'echo "{}" > /host/etc/cni/net.d/05-cilium.conflist.stand-in',
          // The health API on loopback only, as Cilium's.
          'httpd -f -p 127.0.0.1:9879 -h /stand-in/www/9879 &', 'set +e', loop].join('\n') + '\n'),
      },
    });

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 180_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN every init step did its work where the chart's does it: on the host. The two nsenter
    // steps enter pid 1's mount namespace unless this machine's pid 1 refuses it to everyone
    // (then the stand-in says NOT ENTERED and the report says so).
    const entered = !/NOT ENTERED/.test(podLog(pod, 'mount-cgroup'));
    if (entered) {
      expect(fs.readFileSync('/run/cilium/cgroupv2/.stand-in-mount-cgroup', 'utf-8')).toBe('mount-cgroup in the host mount namespace\n');
      expect(fs.readFileSync('/tmp/node-tier-cilium-sysctlfix.stand-in', 'utf-8')).toBe('apply-sysctl-overwrites in the host mount namespace\n');
    } else {
      expect(podLog(pod, 'apply-sysctl-overwrites')).toMatch(/NOT ENTERED/);
    }
    expect(fs.existsSync('/opt/cni/bin/cilium-mount')).toBe(false); // copied, run, removed
    expect(bpffsMounted()).toBe(true); // mount-bpf-fs, Bidirectional, privileged
    expect(fs.readFileSync('/run/cilium/.stand-in-clean', 'utf-8')).toBe('cleaned\n');
    expect(fs.readFileSync('/opt/cni/bin/cilium-cni.stand-in', 'utf-8')).toBe('stand-in\n');
    expect(fs.existsSync('/etc/cni/net.d/05-cilium.conflist.stand-in')).toBe(true);
    // AND the agent runs as root with exactly the chart's capabilities, unprivileged, seccomp as the chart
    const pid = node.pidOf(containerIdOf(pod, agent.name));
    const status = procStatus(pid);
    expect(status.Uid.split(/\s+/)[0]).toBe('0');
    expect(chartCaps).toEqual(['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'IPC_LOCK', 'KILL', 'NET_ADMIN', 'NET_RAW', 'SETGID', 'SETUID', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RESOURCE']);
    expect(capsOf(status.CapEff)).toEqual(chartCaps.filter((c) => HOST_CAPS.includes(c)));
    expect(status.Seccomp).toBe('0');
    // AND the health API answers on 127.0.0.1 and not on the node's address (the probe names the host)
    expect(await get('http://127.0.0.1:9879/healthz')).toBe('200');
    expect(await get(`http://${nodeIp()}:9879/healthz`)).toBe('ECONNREFUSED');
    expect(restarts(pod)).toBe(0);
    expect(podLog(pod, 'config')).toContain('as uid 65534');
    await deleteDaemonSet(ds);

    report({
      agent: 'CiliumAgent',
      image: `${image} (stand-in; the chart's own shell steps run in busybox)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        'config (uid 65534) wrote /tmp/cilium/config-map in the emptyDir, read by the agent',
        entered
          ? 'mount-cgroup and apply-sysctl-overwrites: cp to /opt/cni/bin, nsenter into the host mount namespace (SYS_ADMIN, SYS_CHROOT, SYS_PTRACE), wrote on the host, removed the copy'
          : 'mount-cgroup and apply-sysctl-overwrites: ran the chart\'s script (cp to /opt/cni/bin, rm); NOT proven: entering pid 1\'s namespaces, which this machine\'s pid 1 refuses to every process',
        'mount-bpf-fs (privileged, Bidirectional) mounted bpffs on the host\'s /sys/fs/bpf; clean-cilium-state and the agent see it',
        ...(lessCaps.length ? [`this machine's bounding set lacks ${Object.keys(CAP_BITS).filter((c) => !HOST_CAPS.includes(c)).join(', ')}: started ${lessCaps.join('; ')}`] : []),
        `agent uid 0, CapEff = the chart's capabilities${lessCaps.length ? ' (less the missing ones)' : ''}, Seccomp 0; host /proc/sys/net and /proc/sys/kernel writable; probes answered on 127.0.0.1:${preset.healthPort}/healthz (not on the node IP)`,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});

describe('CalicoNode (stand-in images for calico/node and calico/cni)', () => {
  test('install-cni writes the CNI config unprivileged, ebpf-bootstrap runs privileged, calico-node is Ready by its exec probes', async () => {
    // GIVEN the preset with its defaults
    let preset!: CalicoNode;
    const objects = synth('kube-system', (chart) => {
      preset = new CalicoNode(chart, 'calico-node', { ipv4PoolCidr: '10.244.0.0/16' });
    });
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    const main = ds.spec.template.spec.containers[0];
    const calicoNode = ['#!/bin/sh', 'set -e', 'case "$*" in',
      // ebpf-bootstrap: the host's namespaces through /nodeproc, its mounts writable.
      // (best effort, as the real one: this machine's pid 1 may refuse its namespaces to everyone)
      '  "-init -best-effort") readlink /nodeproc/1/ns/mnt || echo "NOT READ: /nodeproc/1/ns/mnt"; test -d /sys/fs/bpf; echo init > /var/run/calico/.stand-in-init; exit 0 ;;',
      // The exec probes pass once the main process started Felix (here: wrote its marker).
      '  -felix-live*|-felix-ready*) test -e /var/run/calico/.stand-in-felix; exit 0 ;;',
      '  -shutdown) exit 0 ;;',
      'esac',
      'echo "stand-in calico-node as uid $(id -u), datastore $DATASTORE_TYPE, pool $CALICO_IPV4POOL_CIDR"',
      'test -s /host/etc/cni/net.d/10-calico.conflist', 'test -e /var/run/calico/.stand-in-init',
      'echo "$NODENAME" > /var/lib/calico/nodename', 'touch /var/run/calico/.stand-in-felix',
      'set +e', loop].join('\n') + '\n';
    const nodeImage = node.importImage({
      name: preset.image,
      trees: [debTree(nodeCache(), 'busybox-static')],
      busyboxLinks: true,
      files: { '/bin/calico-node': exe(calicoNode) },
      entrypoint: ['/bin/calico-node'],
    });
    const cniImage = node.importImage({
      name: preset.cniImage,
      trees: [debTree(nodeCache(), 'busybox-static')],
      busyboxLinks: true,
      files: {
        '/opt/cni/bin/install': exe(['#!/bin/sh', 'set -e', 'echo "stand-in install-cni as uid $(id -u)"',
          'echo stand-in > /host/opt/cni/bin/calico.stand-in',
          'printf "%s" "$CNI_NETWORK_CONFIG" | sed -e "s/__CNI_MTU__/$CNI_MTU/" -e "s/__KUBERNETES_NODE_NAME__/$KUBERNETES_NODE_NAME/" > /host/etc/cni/net.d/$CNI_CONF_NAME'].join('\n') + '\n'),
      },
    });

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds, 180_000);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN install-cni wrote the CNI config the manifest's way onto the host, from its env
    const conflist = JSON.parse(fs.readFileSync('/etc/cni/net.d/10-calico.conflist', 'utf-8'));
    expect(conflist.plugins[0]).toMatchObject({ type: 'calico', nodename: NODE_NAME, mtu: 0, datastore_type: 'kubernetes' });
    expect(fs.readFileSync('/opt/cni/bin/calico.stand-in', 'utf-8')).toBe('stand-in\n');
    expect(fs.readFileSync('/var/lib/calico/nodename', 'utf-8')).toBe(`${NODE_NAME}\n`);
    expect(fs.existsSync('/run/calico/.stand-in-init')).toBe(true);
    // AND install-cni ran as root with no capability; calico-node privileged (every capability)
    expect(podLog(pod, 'install-cni')).toContain('as uid 0');
    const status = procStatus(node.pidOf(containerIdOf(pod, main.name)));
    expect(capsOf(status.CapEff)).toEqual(Object.keys(CAP_BITS).filter((c) => HOST_CAPS.includes(c)).sort());
    expect(main.livenessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-live', '-bird-live']);
    expect(restarts(pod)).toBe(0);
    const nsRead = !/NOT READ/.test(podLog(pod, 'ebpf-bootstrap'));
    await deleteDaemonSet(ds);

    report({
      agent: 'CalicoNode',
      image: `${nodeImage}, ${cniImage} (stand-ins)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        'install-cni (uid 0, no capability, read-only root) wrote /etc/cni/net.d/10-calico.conflist from CNI_NETWORK_CONFIG with the MTU and node name filled in, and /opt/cni/bin',
        `ebpf-bootstrap (privileged) ${nsRead ? 'read /nodeproc/1/ns/mnt' : 'could not read /nodeproc/1/ns/mnt (this machine\'s pid 1 refuses it)'} and wrote /var/run/calico; calico-node (privileged) wrote /var/lib/calico/nodename`,
        `exec probes ${main.livenessProbe.exec.command.join(' ')} and ${main.readinessProbe.exec.command.join(' ')} passed`,
        `apply to Ready ${readySeconds.toFixed(1)} s`,
      ],
    });
  });
});
