/**
 * The NodeExporter preset's flags run by the real node exporter (Debian's build, see
 * install-node-exporter.sh), the way the pod runs it: as user 65534, in a PID namespace of its
 * own (the preset sets no hostPID), with the host's /proc at a path of its own, on the host
 * network. Only the paths and the listen address are adapted: the host's /proc, /sys and / are
 * this machine's, and the exporter listens on loopback on a free port.
 *
 * Needs root (unshare, mount, setpriv) and Debian's apt repositories on the first run.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { NodeExporter, NodeExporterProps } from '../../src/presets/node-exporter';
import { NodeExporterCollector } from '../../src/presets/node-exporter-collector';
import { container, newChart, synth } from '../util/synth';

const INSTALLER = path.join(__dirname, 'install-node-exporter.sh');
const NOBODY = '65534';

let binary: string;
let work: string;
const running: ChildProcess[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('the node exporter integration tests run the exporter in namespaces of its own: run them as root');
  }
  binary = execFileSync('bash', [INSTALLER], { encoding: 'utf8' }).trim();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'node-exporter-it-'));
  fs.chmodSync(work, 0o755);
});

afterEach(() => {
  // SIGKILL: unshare ignores SIGTERM while it waits; --kill-child then kills the exporter.
  for (const p of running.splice(0)) {
    p.kill('SIGKILL');
  }
});

/** The container args of the synthesized preset. */
function presetArgs(props: NodeExporterProps = {}): string[] {
  const chart = newChart();
  new NodeExporter(chart, 'node-exporter', props);
  return container(synth(chart)).args;
}

/** A TCP port free on loopback right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The preset's args with the container paths replaced by where the host's files are here, and
 * the listen address by loopback. Fails if the preset's flags changed shape.
 */
function adapt(args: string[], hostProc: string, port: number): string[] {
  return args.map((arg) => {
    const [flag, value] = [arg.split('=')[0], arg.slice(arg.indexOf('=') + 1)];
    switch (flag) {
      case '--path.procfs': expect(value).toBe('/host/proc'); return `${flag}=${hostProc}`;
      case '--path.sysfs': expect(value).toBe('/host/sys'); return `${flag}=/sys`;
      case '--path.rootfs': expect(value).toBe('/host/root'); return `${flag}=/`;
      case '--path.udev.data': expect(value).toBe('/host/root/run/udev/data'); return `${flag}=/run/udev/data`;
      case '--web.listen-address': return `${flag}=127.0.0.1:${port}`;
      default: return arg;
    }
  });
}

interface Run {
  /** The /metrics text. */
  readonly metrics: string;
  /** What the exporter logged up to the scrape. */
  readonly log: () => string;
}

/**
 * Runs the exporter as the pod does and scrapes /metrics once. `setup` are shell lines run as
 * root in the new mount namespace before the exporter starts (e.g. a bind mount).
 */
async function runExporter(props: NodeExporterProps, options: { ownPidNamespace: boolean; setup?: string[]; extraArgs?: string[] }): Promise<Run> {
  const port = await freePort();
  const hostProc = path.join(work, `host-proc-${port}`);
  fs.mkdirSync(hostProc);
  const args = [...adapt(presetArgs(props), hostProc, port), ...(options.extraArgs ?? [])];
  const quoted = args.map((a) => `'${a.replace(/'/g, '\'\\\'\'')}'`).join(' ');
  const script = [
    'set -e',
    // The host's /proc where the pod has it, before this PID namespace gets a /proc of its own.
    `mount --rbind /proc ${hostProc}`,
    ...(options.ownPidNamespace ? ['mount -t proc proc /proc'] : []),
    ...(options.setup ?? []),
    // --pdeathsig: the credential change clears the death signal unshare --kill-child set.
    `exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups --pdeathsig SIGKILL ${binary} ${quoted}`,
  ].join('\n');
  const unshare = ['--mount', '--propagation', 'private', '--kill-child', ...(options.ownPidNamespace ? ['--pid', '--fork'] : [])];
  const child = spawn('unshare', [...unshare, 'bash', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });

  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`node exporter exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      return { metrics: await response.text(), log: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`node exporter did not answer on 127.0.0.1:${port} within 10 s:\n${log}`);
}

/** The value of each sample of a metric, by its label text. */
function samples(metrics: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) {
      found.set(m[1] ?? '', Number(m[2]));
    }
  }
  return found;
}

/** Whether a collector ran without error in this scrape. */
function succeeded(metrics: string, collector: string): boolean | undefined {
  const value = samples(metrics, 'node_scrape_collector_success').get(`{collector="${collector}"}`);
  return value === undefined ? undefined : value === 1;
}

// Debian's build differs from upstream in two defaults: the systemd collector is on (upstream:
// off) and the textfile collector reads /var/lib/prometheus/node-exporter (upstream: no
// directory). The tests set upstream's, unless the preset sets the flag itself.
const UPSTREAM_DEFAULTS = ['--no-collector.systemd', '--collector.textfile.directory='];

describe('node exporter (Debian\'s build) with the preset\'s flags', () => {
  test('starts as user 65534 in a PID namespace of its own and serves the host\'s metrics', async () => {
    // GIVEN the default preset, run as its pod runs (no hostPID)
    // WHEN
    const { metrics, log } = await runExporter({}, { ownPidNamespace: true, extraArgs: UPSTREAM_DEFAULTS });
    // (errors of collectors for hardware this machine lacks, e.g. no /run/udev/data, are expected)
    // THEN every flag was accepted and the core collectors worked
    expect(metrics).toMatch(/^node_exporter_build_info\{.*version="1\.\d+\.\d+".*\} 1$/m);
    for (const collector of ['cpu', 'meminfo', 'loadavg', 'filesystem', 'netdev', 'netstat', 'stat', 'uname']) {
      expect([collector, succeeded(metrics, collector)]).toEqual([collector, true]);
    }
    // the filesystem collector read the host's mount table through the mounted /proc (1/mountinfo)
    expect([...samples(metrics, 'node_filesystem_size_bytes').keys()]).toContainEqual(expect.stringContaining('mountpoint="/"'));
    // the network collectors read the namespace the exporter runs in: the host's here
    expect([...samples(metrics, 'node_network_receive_bytes_total').keys()]).toContainEqual('{device="lo"}');
    expect(log()).toMatch(/Listening on.*address=127\.0\.0\.1:/);
  });

  test('a child PID namespace sees the same filesystems and network devices as the host\'s (hostPID is not needed)', async () => {
    // GIVEN the same flags, once in the host's PID namespace and once in a child one
    const inHost = await runExporter({}, { ownPidNamespace: false, extraArgs: UPSTREAM_DEFAULTS });
    const inChild = await runExporter({}, { ownPidNamespace: true, extraArgs: UPSTREAM_DEFAULTS });
    // WHEN / THEN
    const keys = (m: string, name: string) => [...samples(m, name).keys()].sort();
    expect(keys(inChild.metrics, 'node_filesystem_size_bytes')).toEqual(keys(inHost.metrics, 'node_filesystem_size_bytes'));
    expect(keys(inChild.metrics, 'node_network_receive_bytes_total')).toEqual(keys(inHost.metrics, 'node_network_receive_bytes_total'));
    expect(samples(inChild.metrics, 'node_filesystem_size_bytes').size).toBeGreaterThan(0);
  });

  describe('the systemd collector', () => {
    let dbus: ChildProcess;
    let dbusDir: string;

    beforeAll(async () => {
      // A D-Bus daemon standing in for the host's system bus (no systemd on it).
      dbusDir = path.join(work, 'dbus');
      fs.mkdirSync(dbusDir, { mode: 0o755 });
      const config = path.join(work, 'dbus.conf');
      fs.writeFileSync(config, [
        '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
        '<busconfig><type>system</type>',
        `<listen>unix:path=${dbusDir}/system_bus_socket</listen><auth>EXTERNAL</auth>`,
        '<policy context="default"><allow user="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy>',
        '</busconfig>',
      ].join('\n'));
      dbus = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--nopidfile'], { stdio: 'ignore' });
      for (let i = 0; i < 50 && !fs.existsSync(`${dbusDir}/system_bus_socket`); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // World-writable, as the system bus socket is on a node.
      fs.chmodSync(`${dbusDir}/system_bus_socket`, 0o666);
    });

    afterAll(() => {
      dbus?.kill('SIGKILL');
    });

    test('without the D-Bus socket, fails with "couldn\'t get dbus connection"', async () => {
      // GIVEN systemd on, but no socket where the preset mounts it (a private, empty /run/dbus)
      const { metrics, log } = await runExporter({ enableCollectors: [NodeExporterCollector.SYSTEMD] }, {
        ownPidNamespace: true,
        extraArgs: ['--collector.textfile.directory='],
        setup: ['mkdir -p /run/dbus', `mount -t tmpfs tmpfs ${path.dirname(realDbusSocket())}`],
      });
      // THEN
      expect(succeeded(metrics, 'systemd')).toBe(false);
      expect(log()).toMatch(/couldn't get dbus connection: dial unix \/var\/run\/dbus\/system_bus_socket/);
    });

    test('with the socket where the preset mounts it, connects to the bus as user 65534', async () => {
      // GIVEN the bus's socket at /var/run/dbus/system_bus_socket, as the preset mounts it
      const { metrics, log } = await runExporter({ enableCollectors: [NodeExporterCollector.SYSTEMD] }, {
        ownPidNamespace: true,
        extraArgs: ['--collector.textfile.directory='],
        setup: ['mkdir -p /run/dbus', `mount --bind ${dbusDir} ${path.dirname(realDbusSocket())}`],
      });
      // THEN the connection and authentication worked; only systemd itself is missing on this bus
      expect(log()).not.toMatch(/couldn't get dbus connection/);
      expect(log()).toMatch(/couldn't get units: The name org\.freedesktop\.systemd1 was not provided/);
      expect(succeeded(metrics, 'systemd')).toBe(false);
    });
  });
});

/** /var/run/dbus/system_bus_socket with /var/run resolved (a link to /run on Debian). */
function realDbusSocket(): string {
  const varRun = fs.realpathSync('/var/run');
  return path.join(varRun, 'dbus', 'system_bus_socket');
}
