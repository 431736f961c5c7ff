/**
 * The agents this machine has a real binary for, on a real node (kubelet v1.20.2, containerd,
 * runc, bridge CNI): the core DaemonSet with busybox, NodeExporter with Debian's node exporter,
 * NetworkAgent with kube-proxy v1.20.2 built from the same source as the control plane.
 * Run with `npm run test:node` (root; it builds what it needs once).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HostPathVolumeType, k8s } from 'cdk8s-plus-28';
import {
  apply, containerIdOf, isReady, podLog, podsOf, podTrouble, procStatus, report, restarts, synth, waitReady,
} from './agents';
import { WORK_DIR, iptablesSave } from './host';
import { debTree } from './images';
import { RealNode, iptablesTrees, nodeCache } from './real-node';
import {
  AgentVolume, DaemonSet, HostMount, NetworkAgent, NetworkAgentProps, NodeExporter, RolloutPlan,
} from '../../src';
import { binDir, waitFor } from '../cluster/control-plane';

const NAMESPACES = ['core', 'monitoring', 'kube-system', 'svc-test', 'svc-test-config'];
let node: RealNode;

beforeAll(async () => {
  node = await RealNode.start();
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(NAMESPACES);
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

function dsOf(objects: any[]): any {
  return objects.find((o) => o.kind === 'DaemonSet');
}

describe('the core DaemonSet (busybox from Debian\'s busybox-static)', () => {
  test('its default user reads a Secret, a ConfigMap and a read-only host mount, writes neither its root nor the host mount, and runs with no capabilities, no_new_privs and seccomp', async () => {
    // GIVEN a host directory anyone may write (only a read-only mount can stop a write to it)
    const hostDir = path.join(WORK_DIR, 'host-data');
    fs.mkdirSync(hostDir, { recursive: true });
    fs.chmodSync(hostDir, 0o777);
    fs.writeFileSync(path.join(hostDir, 'agent.conf'), 'from-the-host\n', { mode: 0o644 });
    const image = node.importBusybox('busybox:1.35');
    // AND the core DaemonSet with its defaults, a Secret and a ConfigMap
    const objects = synth('core', (chart) => {
      new k8s.KubeSecret(chart, 'creds', { metadata: { name: 'creds' }, stringData: { token: 's3cr3t-token' } });
      new k8s.KubeConfigMap(chart, 'conf', { metadata: { name: 'conf' }, data: { setting: 'conf-value' } });
      new DaemonSet(chart, 'probe', {
        image: 'busybox:1.35',
        command: ['sleep', '86400'],
        hostMounts: [HostMount.readOnly(hostDir, { type: HostPathVolumeType.DIRECTORY, mountPath: '/host-data' })],
        volumes: [AgentVolume.fromSecret('creds', 'creds'), AgentVolume.fromConfigMap('conf', 'conf')],
        volumeMounts: [{ volumeName: 'creds', mountPath: '/creds' }, { volumeName: 'conf', mountPath: '/conf' }],
      });
    });
    const ds = dsOf(objects);

    // WHEN it is applied to the node
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN the container runs as the default user and reads what it was given
    const id = containerIdOf(pod, ds.spec.template.spec.containers[0].name);
    const sh = (script: string) => node.exec(id, ['sh', '-c', script]);
    expect(sh('id -u; id -g')).toEqual({ code: 0, out: '65534\n65534\n' });
    expect(sh('cat /creds/token')).toEqual({ code: 0, out: 's3cr3t-token' });
    expect(sh('cat /conf/setting')).toEqual({ code: 0, out: 'conf-value' });
    expect(sh('cat /host-data/agent.conf')).toEqual({ code: 0, out: 'from-the-host\n' });
    // AND writes fail on the read-only root (even /tmp, mode 1777 in the image) and host mount
    const rootWrite = sh('touch /tmp/probe-write');
    expect(rootWrite.code).not.toBe(0);
    expect(rootWrite.out).toMatch(/Read-only file system/);
    const hostWrite = sh('touch /host-data/probe-write');
    expect(hostWrite.code).not.toBe(0);
    expect(hostWrite.out).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(hostDir, 'probe-write'))).toBe(false);
    // AND the main process has no effective capabilities, no_new_privs and seccomp filtering
    const status = procStatus(node.pidOf(id));
    expect(status.CapEff).toBe('0000000000000000');
    expect(status.NoNewPrivs).toBe('1');
    expect(status.Seccomp).toBe('2');
    expect(status.Uid.split(/\s+/)[0]).toBe('65534');
    expect(restarts(pod)).toBe(0);

    const plan = RolloutPlan.forManifest(ds, 1);
    report({
      agent: 'DaemonSet (core)',
      image,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        'uid/gid 65534 (the default user) read the Secret (0440 + fsGroup), the ConfigMap and a read-only host directory',
        'touch on the root filesystem and on the host mount: Read-only file system',
        `main process: CapEff ${status.CapEff}, NoNewPrivs ${status.NoNewPrivs}, Seccomp ${status.Seccomp}`,
        `apply to Ready ${readySeconds.toFixed(1)} s; RolloutPlan for one node: ${plan.summary}`,
      ],
    });
  });
});

describe('NodeExporter (Debian\'s prometheus-node-exporter 1.5.0 as the preset\'s image)', () => {
  test('is Ready with 0 restarts, and its metrics, scraped through its Service\'s endpoint on the node, hold what its collectors promise', async () => {
    // GIVEN the preset with its defaults, and its image made from Debian's node exporter
    let preset!: NodeExporter;
    const objects = synth('monitoring', (chart) => {
      preset = new NodeExporter(chart, 'node-exporter');
    });
    const ds = dsOf(objects);
    const cache = nodeCache();
    const image = node.importImage({
      name: preset.image,
      trees: [debTree(cache, 'libc6')],
      files: { '/bin/node_exporter': { content: fs.readFileSync(path.join(debTree(cache, 'prometheus-node-exporter'), 'usr/bin/prometheus-node-exporter')), mode: 0o755 } },
      entrypoint: ['/bin/node_exporter'],
    });

    // WHEN it is applied
    const t0 = Date.now();
    await apply(node, objects);
    const pod = await waitReady(node, ds);
    const readySeconds = (Date.now() - t0) / 1000;

    // THEN its Service has the node as its endpoint, and the metrics answer there
    const service = objects.find((o) => o.kind === 'Service');
    const endpoint = await waitFor('the node exporter Service\'s endpoint', async () => {
      const ep = await node.client.get(`/api/v1/namespaces/monitoring/endpoints/${service.metadata.name}`);
      const subset = ep.subsets?.[0];
      return subset?.addresses?.length ? { ip: subset.addresses[0].ip, port: subset.ports[0].port } : undefined;
    }, 60_000);
    expect(endpoint).toEqual({ ip: node.ip, port: preset.port });
    const metrics = await (await fetch(`http://${endpoint.ip}:${endpoint.port}/metrics`)).text();
    const succeeded = (collector: string) => new RegExp(`^node_scrape_collector_success\\{collector="${collector}"\\} 1$`, 'm').test(metrics);
    // Collectors on by default on Linux and what each promises (node exporter's README).
    const promised: Array<[string, RegExp]> = [
      ['cpu', /^node_cpu_seconds_total\{cpu="0",mode="idle"\}/m],
      ['meminfo', /^node_memory_MemTotal_bytes /m],
      ['loadavg', /^node_load1 /m],
      ['filesystem', /^node_filesystem_avail_bytes\{.*mountpoint="\/".*\}/m],
      ['netdev', /^node_network_receive_bytes_total\{device="eth0"\}/m],
      ['uname', /^node_uname_info\{/m],
      ['stat', /^node_boot_time_seconds /m],
      ['time', /^node_time_seconds /m],
      ['filefd', /^node_filefd_allocated /m],
      ['os', /^node_os_info\{/m],
      ['vmstat', /^node_vmstat_pgfault /m],
      ['netstat', /^node_netstat_Tcp_ActiveOpens /m],
    ];
    const missing = promised.filter(([c, m]) => !succeeded(c) || !m.test(metrics)).map(([c]) => c);
    expect(missing).toEqual([]);
    for (const c of preset.enabledCollectors) {
      expect(succeeded(c.name)).toBe(true);
    }
    // AND the collectors it turns off did not run
    for (const c of preset.disabledCollectors) {
      expect(metrics).not.toMatch(new RegExp(`node_scrape_collector_success\\{collector="${c.name}"\\}`));
    }
    expect(restarts(pod)).toBe(0);

    report({
      agent: 'NodeExporter',
      image: `${image} (Debian prometheus-node-exporter 1.5.0)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `Service endpoint ${endpoint.ip}:${endpoint.port}; /metrics: ${metrics.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`,
        `collectors succeeded with their metrics: ${promised.map(([c]) => c).join(', ')}; filesystem "/" seen through --path.rootfs (HostToContainer mount)`,
        `disabled collectors absent: ${preset.disabledCollectors.map((c) => c.name).join(', ') || '(none)'}`,
        `apply to Ready ${readySeconds.toFixed(1)} s (httpGet probe on /, port ${preset.port})`,
      ],
    });
  });
});

/** Flags kube-proxy v1.20.2 knows (from its --help), for the image's flag shim. */
function kubeProxyFlags(): string[] {
  const help = execFileSync(path.join(binDir(), 'kube-proxy'), ['--help'], { encoding: 'utf-8' });
  return [...new Set([...help.matchAll(/^\s+(?:-\w, )?--([a-z0-9-]+)/gm)].map((m) => m[1]))];
}

/**
 * The kube-proxy image: iptables (nft) from Debian, the v1.20.2 binary, and at the preset's
 * command path a shim that drops (and logs) the flags v1.20.2 does not know.
 */
function importKubeProxyImage(name: string, commandPath: string): string {
  const known = kubeProxyFlags();
  const shim = [
    '#!/bin/sh',
    '# The preset pins a later kube-proxy; v1.20.2 exits on a flag it does not know.',
    'n=$#; i=0',
    'while [ $i -lt $n ]; do',
    '  a=$1; shift; i=$((i+1)); name=${a%%=*}; name=${name#--}',
    '  if grep -qx -- "$name" /etc/kube-proxy-v1.20.2.flags; then set -- "$@" "$a"; else echo "flag unknown to v1.20.2, dropped: $a"; fi',
    'done',
    'exec /usr/local/bin/kube-proxy-v1.20.2 "$@"',
  ].join('\n');
  const links: Record<string, string> = {};
  for (const t of ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore']) {
    links[`/usr/sbin/${t}`] = 'xtables-nft-multi';
  }
  return node.importImage({
    name,
    trees: iptablesTrees(),
    busyboxLinks: true,
    links,
    files: {
      [commandPath]: { content: `${shim}\n`, mode: 0o755 },
      '/usr/local/bin/kube-proxy-v1.20.2': { content: fs.readFileSync(path.join(binDir(), 'kube-proxy')), mode: 0o755 },
      '/etc/kube-proxy-v1.20.2.flags': { content: `${known.join('\n')}\n` },
    },
  });
}

describe('NetworkAgent (kube-proxy v1.20.2 built from the same source, iptables in its image)', () => {
  let previous: any[] | undefined;
  test.each([
    ['its default args', 'svc-test', {}],
    // The kubeadm way its docs recommend: a KubeProxyConfiguration file from the preset's ConfigMap.
    ['configFile: true (a KubeProxyConfiguration, the kubeadm way)', 'svc-test-config', { configFile: true, clusterCidr: '10.244.0.0/16' }],
  ] as Array<[string, string, Partial<NetworkAgentProps>]>)('with %s: programs iptables so that a ClusterIP Service answers on the node, backed by a pod on the node', async (way, svcNs, props) => {
    // GIVEN the kube-proxy of the previous case gone (each case proves its own kube-proxy's rules)
    if (previous !== undefined) {
      const ds = dsOf(previous);
      await node.client.delete(`/apis/apps/v1/namespaces/${ds.metadata.namespace}/daemonsets/${ds.metadata.name}`, { propagationPolicy: 'Foreground' });
      await waitFor('the previous kube-proxy pod gone', async () => (await podsOf(node, ds)).length === 0 || undefined, 90_000, 500);
    }
    // AND the preset, pointed at this control plane's API server
    const apiPort = Number(new URL(node.plane.server).port);
    let preset!: NetworkAgent;
    const objects = synth('kube-system', (chart) => {
      preset = new NetworkAgent(chart, 'kube-proxy', { apiServerHost: '127.0.0.1', apiServerPort: apiPort, ...props });
    });
    previous = objects;
    const ds = dsOf(objects);
    const container = ds.spec.template.spec.containers[0];
    // AND its image: iptables (nft) from Debian, the v1.20.2 binary, and at the preset's command
    // path a shim that drops (and logs) the flags v1.20.2 does not know
    const image = importKubeProxyImage(preset.image, container.command[0]);
    // AND a backend pod on the node and a ClusterIP Service in front of it
    node.importBusybox('busybox:1.35');
    const backend = synth(svcNs, (chart) => {
      new k8s.KubePod(chart, 'echo', {
        metadata: { name: 'echo', labels: { app: 'echo' } },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            name: 'echo',
            image: 'busybox:1.35',
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'mkdir -p /tmp/www && echo "echo pod $(hostname)" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'],
            ports: [{ containerPort: 8080 }],
            securityContext: { runAsUser: 65534, runAsGroup: 65534 },
          }],
        },
      });
      new k8s.KubeService(chart, 'svc', {
        metadata: { name: 'echo' },
        spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] },
      });
    });
    await apply(node, backend);
    const svc = await node.client.get(`/api/v1/namespaces/${svcNs}/services/echo`);
    await waitFor('the echo pod Ready', async () => isReady(await node.client.get(`/api/v1/namespaces/${svcNs}/pods/echo`)) || undefined, 60_000);

    // AND the node's route_localnet already 1: kube-proxy v1.20.2 always wants it (localhost
    // NodePorts) and, not privileged as the preset runs it, cannot write /proc/sys ("read-only
    // file system"); it only writes a value that differs. The preset's --iptables-localhost-nodeports=false
    // is what spares the later kube-proxy that sysctl; v1.20.2 does not know the flag.
    fs.writeFileSync('/proc/sys/net/ipv4/conf/all/route_localnet', '1');

    // WHEN kube-proxy is applied
    const t0 = Date.now();
    await apply(node, objects);

    // THEN kube-proxy writes the Service's rules. Nothing is sent to the cluster IP before they
    // are there: before them, the request leaves by the default route, where this machine's
    // network answers any address on port 80 (a 404) and keeps the connection open, and a fetch
    // that reuses that connection never passes through the rules (a flake seen once).
    const nat = () => iptablesSave(path.join(nodeCache(), 'iptables-root'));
    const serviceRule = new RegExp(`-A KUBE-SERVICES .*-d ${svc.spec.clusterIP.replace(/\./g, '\\.')}/32 .*${svcNs}/echo.* -j KUBE-SVC-`);
    await waitFor('kube-proxy\'s rules for the Service', async () => (serviceRule.test(nat())
      && /-A KUBE-SEP-\w+ .*-j DNAT --to-destination 10\.244\.77\.\d+:8080/.test(nat())) || undefined, 90_000, 500);
    // AND the cluster IP answers from the node, through those rules
    const answer = await waitFor(`http://${svc.spec.clusterIP}/ answering`, async () => {
      const res = await fetch(`http://${svc.spec.clusterIP}/`, { signal: AbortSignal.timeout(2000) });
      return res.ok ? res.text() : undefined;
    }, 90_000, 1000).catch(async (e) => {
      const pods = await podsOf(node, ds);
      throw new Error(`${(e as Error).message}\n${pods.map(podTrouble).join('\n')}\nkube-proxy's log:\n${pods[0] ? podLog(pods[0], container.name).slice(-3000) : ''}\n`
        + `iptables (nat):\n${iptablesSave(path.join(nodeCache(), 'iptables-root')).split('*nat')[1]?.slice(0, 3000)}`);
    });
    const programmedSeconds = (Date.now() - t0) / 1000;
    expect(answer).toBe('echo pod echo\n');
    const rules = iptablesSave(path.join(nodeCache(), 'iptables-root'));
    expect(rules).toMatch(serviceRule);
    expect(rules).toMatch(/-A KUBE-SEP-\w+ .*-j DNAT --to-destination 10\.244\.77\.\d+:8080/);
    const [pod] = await podsOf(node, ds);
    const log = podLog(pod, container.name);
    const dropped = [...log.matchAll(/dropped: (\S+)/g)].map((m) => m[1]);
    // AND its health endpoint: v1.20.2 serves /healthz; the preset's probes ask for /livez (1.28+)
    const healthz = await fetch(`http://${node.ip}:${preset.healthPort}/healthz`);
    const livez = await fetch(`http://${node.ip}:${preset.healthPort}/livez`);
    expect(healthz.status).toBe(200);
    expect(livez.status).toBe(404);
    expect(container.readinessProbe.httpGet.path).toBe('/livez');
    // AND its metrics where the preset's `metrics` port says, from outside the pod
    const metrics = await fetch(`http://${node.ip}:${preset.metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^kubeproxy_sync_proxy_rules_duration_seconds_count \d+/m);
    const lenient = /lenient decoding[^\n]*/.exec(log)?.[0];

    report({
      agent: `NetworkAgent (kube-proxy), ${way}`,
      image: `${image} (kube-proxy v1.20.2 + iptables 1.8.9 nft)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `ClusterIP ${svc.spec.clusterIP}:80 answered "${answer.trim()}" ${programmedSeconds.toFixed(1)} s after apply (KUBE-SERVICES -> KUBE-SVC -> DNAT to the pod)`,
        `preset args v1.20.2 does not know, dropped by the image's shim: ${dropped.join(' ') || '(none)'}`,
        'v1.20.2 needs net.ipv4.conf.all.route_localnet=1 set on the node beforehand (it cannot write /proc/sys unprivileged); the preset\'s --iptables-localhost-nodeports=false makes the later release not need it',
        `health port ${preset.healthPort}: /healthz ${healthz.status}, /livez ${livez.status}: the preset's probes (/livez) need kube-proxy 1.28+, so the pod is not Ready with v1.20.2 (and its liveness probe restarts it after ~70 s)`,
        `metrics scraped at ${node.ip}:${preset.metricsPort}/metrics: ${metrics.status}`,
        ...(preset.configFile ? [`config file read by v1.20.2: ${lenient ?? 'strictly (no lenient-decoding warning)'} (v1.20.2 does not know iptables.localhostNodePorts)`] : []),
      ],
    });
  });

  test('what the preset refuses, applied anyway: kubeadm\'s flags without the no-sysctl ones make kube-proxy exit on the node (EROFS)', async () => {
    // GIVEN the kube-proxy of the previous case gone
    if (previous !== undefined) {
      const old = dsOf(previous);
      await node.client.delete(`/apis/apps/v1/namespaces/${old.metadata.namespace}/daemonsets/${old.metadata.name}`, { propagationPolicy: 'Foreground' });
      await waitFor('the previous kube-proxy pod gone', async () => (await podsOf(node, old)).length === 0 || undefined, 90_000, 500);
    }
    // AND the preset's manifest with the args kubeadm gives kube-proxy (its flags, none of the
    // preset's), which the preset refuses: edited after synthesis, as a hand-edited YAML would be
    const apiPort = Number(new URL(node.plane.server).port);
    const kubeadmArgs = ['--hostname-override=$(NODE_NAME)', '--cluster-cidr=10.244.0.0/16'];
    expect(() => synth('kube-system', (chart) => new NetworkAgent(chart, 'kube-proxy', { apiServerHost: '127.0.0.1', apiServerPort: apiPort, args: kubeadmArgs })))
      .toThrow(/without --conntrack-max-per-core=0/);
    let preset!: NetworkAgent;
    const objects = synth('kube-system', (chart) => {
      preset = new NetworkAgent(chart, 'kube-proxy', { apiServerHost: '127.0.0.1', apiServerPort: apiPort });
    });
    const ds = dsOf(objects);
    const container = ds.spec.template.spec.containers[0];
    container.args = kubeadmArgs;
    importKubeProxyImage(preset.image, container.command[0]);
    const before = fs.readFileSync('/proc/sys/net/netfilter/nf_conntrack_max', 'utf-8').trim();
    // WHEN it is applied
    await apply(node, objects);
    // THEN kube-proxy's first sysctl write fails and it exits, again and again
    const pod = await waitFor('kube-proxy exiting', async () => {
      const [p] = await podsOf(node, ds);
      const status = p?.status?.containerStatuses?.[0];
      return (status?.lastState?.terminated ?? status?.state?.terminated) ? p : undefined;
    }, 90_000, 500);
    const status = pod.status.containerStatuses[0];
    const terminated = status.lastState?.terminated ?? status.state?.terminated;
    expect(terminated.exitCode).not.toBe(0);
    const log = podLog(pod, container.name);
    expect(log).toMatch(/read-only file system/);
    // AND the node's value is untouched
    expect(fs.readFileSync('/proc/sys/net/netfilter/nf_conntrack_max', 'utf-8').trim()).toBe(before);
    report({
      agent: 'NetworkAgent (kube-proxy), kubeadm\'s args without the no-sysctl flags (refused by the preset, applied anyway)',
      image: `${preset.image} (kube-proxy v1.20.2)`,
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: [
        `exit code ${terminated.exitCode}: ${(/[^\n]*read-only file system[^\n]*/.exec(log) ?? [''])[0].trim().slice(0, 200)}`,
        `nf_conntrack_max on the node stays ${before} (kube-proxy wanted its default: max(32768 per core, 131072))`,
      ],
    });
  });
});
