import { Capability, Probe } from 'cdk8s-plus-28';
import {
  CalicoNode, CiliumAgent, CiliumIpamMode, CiliumRoutingMode, CiliumTunnelProtocol, Errors, NetworkAgent,
} from '../../src';
import { container, newChart, only, podSpec, synth } from '../util/synth';

const configOf = (objects: any[]) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cilium-config').data;
const dsOf = (objects: any[]) => only(objects, 'DaemonSet');

describe('CiliumAgent', () => {
  test('the agent is unprivileged with the chart\'s capabilities, probed on 127.0.0.1:9879 /healthz', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new CiliumAgent(chart, 'cilium');
    const objects = synth(chart);
    // THEN
    const agent = container(objects, 'cilium-agent');
    expect(agent.securityContext).toMatchObject({ privileged: false, runAsUser: 0, capabilities: { drop: ['ALL'] } });
    expect(agent.securityContext.capabilities.add).toEqual([
      Capability.CHOWN, Capability.KILL, Capability.NET_ADMIN, Capability.NET_RAW, Capability.IPC_LOCK, Capability.SYS_MODULE,
      Capability.SYS_ADMIN, Capability.SYS_RESOURCE, Capability.DAC_OVERRIDE, Capability.FOWNER, Capability.SETGID, Capability.SETUID,
    ]);
    for (const probe of [agent.startupProbe, agent.livenessProbe, agent.readinessProbe]) {
      expect(probe.httpGet).toMatchObject({ host: '127.0.0.1', port: 9879, path: '/healthz' });
      expect(probe.httpGet.httpHeaders).toContainEqual({ name: 'brief', value: 'true' });
    }
    expect(agent.args).toEqual(['--config-dir=/tmp/cilium/config-map']);
    expect(podSpec(objects).hostNetwork).toBe(true);
  });

  test('the init steps mount what each needs: cgroup2 and bpffs on the node, the CNI binaries', () => {
    const chart = newChart();
    new CiliumAgent(chart, 'cilium');
    const spec = podSpec(synth(chart));
    const init = (name: string) => spec.initContainers.find((c: any) => c.name === name);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['config', 'mount-cgroup', 'apply-sysctl-overwrites', 'mount-bpf-fs', 'clean-cilium-state', 'install-cni-binaries']);
    expect(init('mount-bpf-fs').securityContext.privileged).toBe(true);
    expect(init('mount-bpf-fs').volumeMounts).toEqual([{ name: 'bpf-maps', mountPath: '/sys/fs/bpf', mountPropagation: 'Bidirectional', readOnly: false }]);
    expect(init('mount-cgroup').env).toContainEqual({ name: 'CGROUP_ROOT', value: '/run/cilium/cgroupv2' });
    expect(init('install-cni-binaries').volumeMounts).toEqual([{ name: 'cni-path', mountPath: '/host/opt/cni/bin', readOnly: false }]);
    expect(init('config').securityContext).toMatchObject({ runAsUser: 65534, runAsNonRoot: true });
    const volumes = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
    expect(volumes['etc-cni-netd'].hostPath).toEqual({ path: '/etc/cni/net.d', type: 'DirectoryOrCreate' });
    expect(volumes['host-proc-sys-net'].hostPath).toEqual({ path: '/proc/sys/net', type: 'Directory' });
  });

  test('cilium-config carries the typed settings; its name is cilium-config whatever the construct id', () => {
    const chart = newChart();
    new CiliumAgent(chart, 'networking', {
      ipamMode: CiliumIpamMode.KUBERNETES,
      routingMode: CiliumRoutingMode.NATIVE,
      ipv4NativeRoutingCidr: '10.244.0.0/16',
      autoDirectNodeRoutes: true,
      kubeProxyReplacement: true,
      apiServerHost: 'api.example.com',
      apiServerPort: 6443,
      extraConfig: { 'enable-bpf-masquerade': 'true' },
    });
    const objects = synth(chart);
    const config = configOf(objects);
    expect(config).toMatchObject({
      'ipam': 'kubernetes',
      'k8s-require-ipv4-pod-cidr': 'true',
      'routing-mode': 'native',
      'ipv4-native-routing-cidr': '10.244.0.0/16',
      'auto-direct-node-routes': 'true',
      'kube-proxy-replacement': 'true',
      'enable-bpf-masquerade': 'true',
    });
    expect(config['cluster-pool-ipv4-cidr']).toBeUndefined();
    expect(config['tunnel-protocol']).toBeUndefined();
    expect(container(objects, 'cilium-agent').env).toContainEqual({ name: 'KUBERNETES_SERVICE_HOST', value: 'api.example.com' });
    const cleaner = podSpec(objects).initContainers.find((c: any) => c.name === 'clean-cilium-state');
    expect(cleaner.env).toContainEqual({ name: 'KUBERNETES_SERVICE_PORT', value: '6443' });
  });

  test('the defaults are the chart\'s: cluster-pool 10.0.0.0/8 in /24s, VXLAN tunnel, metrics on 9962', () => {
    const chart = newChart();
    const cilium = new CiliumAgent(chart, 'cilium', { tunnelProtocol: CiliumTunnelProtocol.GENEVE });
    const objects = synth(chart);
    expect(configOf(objects)).toMatchObject({
      'ipam': 'cluster-pool',
      'cluster-pool-ipv4-cidr': '10.0.0.0/8',
      'cluster-pool-ipv4-mask-size': '24',
      'routing-mode': 'tunnel',
      'tunnel-protocol': 'geneve',
      'prometheus-serve-addr': ':9962',
      'kube-proxy-replacement': 'false',
    });
    expect(container(objects, 'cilium-agent').ports).toContainEqual({ containerPort: 9962, name: 'metrics', protocol: 'TCP' });
    expect(cilium.config['cni-exclusive']).toBe('true');
    expect(dsOf(objects).spec.updateStrategy.rollingUpdate.maxUnavailable).toBe(2);
  });

  test('fails when kube-proxy replacement has no API server address', () => {
    expect(() => new CiliumAgent(newChart(), 'cilium', { kubeProxyReplacement: true }))
      .toThrow(/apiServerHost: got undefined; required with kubeProxyReplacement/);
  });

  test('fails when native routing has no native routing CIDR', () => {
    expect(() => new CiliumAgent(newChart(), 'cilium', { routingMode: CiliumRoutingMode.NATIVE }))
      .toThrow(/ipv4NativeRoutingCidr: got undefined; required with routingMode CiliumRoutingMode.NATIVE/);
  });

  test('fails when a setting does not apply to the chosen mode, or a CIDR is not one', () => {
    expect(() => new CiliumAgent(newChart(), 'cilium', { ipamMode: CiliumIpamMode.KUBERNETES, clusterPoolIpv4Cidr: '10.0.0.0/8' }))
      .toThrow(/clusterPoolIpv4Cidr: got "10.0.0.0\/8"; only applies with ipamMode CiliumIpamMode.CLUSTER_POOL/);
    expect(() => new CiliumAgent(newChart(), 'cilium', { autoDirectNodeRoutes: true }))
      .toThrow(/autoDirectNodeRoutes: got true; only applies with routingMode CiliumRoutingMode.NATIVE/);
    expect(() => new CiliumAgent(newChart(), 'cilium', { clusterPoolIpv4Cidr: '10.0.0.0/33' }))
      .toThrow(/clusterPoolIpv4Cidr: got "10.0.0.0\/33"; expected an IPv4 CIDR/);
    expect(() => new CiliumAgent(newChart(), 'cilium', { clusterPoolIpv4Cidr: '10.0.0.0/16', clusterPoolIpv4MaskSize: 16 }))
      .toThrow(/clusterPoolIpv4MaskSize: got 16; expected a prefix length longer than the pool's \(\/16\)/);
  });

  test('fails when extraConfig sets a key the preset types', () => {
    expect(() => new CiliumAgent(newChart(), 'cilium', { extraConfig: { 'routing-mode': 'native' } }))
      .toThrow(/extraConfig.routing-mode: got "native"; set by the preset's `routingMode` prop/);
  });
});

describe('two CNI agents, or kube-proxy beside its replacement, on one node', () => {
  test('fails when CiliumAgent and CalicoNode can run on the same nodes (both write /etc/cni/net.d)', () => {
    // GIVEN both CNI agents in one app, on every node
    const chart = newChart();
    new CiliumAgent(chart, 'cilium');
    new CalicoNode(chart, 'calico-node');
    // WHEN it is synthesized THEN the conflict names both and the path, as the library's ValidationError
    let thrown: unknown;
    try {
      synth(chart);
    } catch (e) {
      thrown = e;
    }
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/'test\/cilium' \(kube-system\/cilium\) and 'test\/calico-node' \(kube-system\/calico-node\) can run on the same node and both claim [^\n]*writable host path \/etc\/cni\/net.d/);
  });

  test('fails when a NetworkAgent with a cniInstaller can share a node with CiliumAgent', () => {
    const chart = newChart();
    new CiliumAgent(chart, 'cilium');
    new NetworkAgent(chart, 'flannel', { command: ['/opt/bin/flanneld'], cniInstaller: { image: 'registry.example.com/flannel-cni:1.0.0' } });
    expect(() => synth(chart)).toThrow(/'test\/cilium' \(kube-system\/cilium\) and 'test\/flannel' \(kube-system\/flannel\) can run on the same node and both claim writable host path \/etc\/cni\/net.d/);
  });

  test('two CNI agents on disjoint nodes (split by a label) are accepted', () => {
    const chart = newChart();
    new CiliumAgent(chart, 'cilium', { nodeSelector: { 'example.com/cni': 'cilium' } });
    new CalicoNode(chart, 'calico-node', { nodeSelector: { 'example.com/cni': 'calico' } });
    expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });

  test('fails when Cilium replaces kube-proxy and a kube-proxy NetworkAgent can run on the same nodes', () => {
    const chart = newChart();
    new CiliumAgent(chart, 'cilium', { kubeProxyReplacement: true, apiServerHost: '10.0.0.10', apiServerPort: 6443 });
    new NetworkAgent(chart, 'kube-proxy', { apiServerHost: '10.0.0.10', apiServerPort: 6443 });
    let thrown: unknown;
    try {
      synth(chart);
    } catch (e) {
      thrown = e;
    }
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/'test\/cilium' \(kube-system\/cilium\) replaces kube-proxy \(kubeProxyReplacement: true\) and 'test\/kube-proxy' \(kube-system\/kube-proxy\) runs kube-proxy/);
  });

  test('kube-proxy next to Cilium without replacement, or on other nodes, is accepted', () => {
    const beside = newChart();
    new CiliumAgent(beside, 'cilium');
    new NetworkAgent(beside, 'kube-proxy', { apiServerHost: '10.0.0.10', apiServerPort: 6443 });
    expect(synth(beside).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
    const migrating = newChart();
    new CiliumAgent(migrating, 'cilium', { kubeProxyReplacement: true, apiServerHost: '10.0.0.10', apiServerPort: 6443, nodeSelector: { 'example.com/kube-proxy-free': 'true' } });
    new NetworkAgent(migrating, 'kube-proxy', { apiServerHost: '10.0.0.10', apiServerPort: 6443, nodeSelector: { 'example.com/kube-proxy-free': 'false' } });
    expect(synth(migrating).filter((o) => o.kind === 'DaemonSet')).toHaveLength(2);
  });
});

describe('CiliumAgent overrides', () => {
  test('a probe you give replaces the preset\'s whole (no chart headers patched into it)', () => {
    // GIVEN an exec liveness probe of your own
    const chart = newChart();
    new CiliumAgent(chart, 'cilium', { liveness: Probe.fromCommand(['cilium-dbg', 'status', '--brief']) });
    // WHEN synthesized
    const agent = container(synth(chart), 'cilium-agent');
    // THEN it is yours, and the preset's other probes keep the chart's headers
    expect(agent.livenessProbe.exec.command).toEqual(['cilium-dbg', 'status', '--brief']);
    expect(agent.livenessProbe.httpGet).toBeUndefined();
    expect(agent.readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'brief', value: 'true' }]);
  });

  test('containers you add come after the preset\'s; the chart\'s terminationMessagePolicy stays on the preset\'s', () => {
    const chart = newChart();
    new CiliumAgent(chart, 'cilium', { initContainers: [{ name: 'extra', image: 'registry.example.com/extra:1.0.0' }] });
    const spec = podSpec(synth(chart));
    expect(spec.initContainers.map((c: any) => [c.name, c.terminationMessagePolicy])).toEqual([
      ['config', 'FallbackToLogsOnError'], ['mount-cgroup', 'FallbackToLogsOnError'], ['apply-sysctl-overwrites', 'FallbackToLogsOnError'],
      ['mount-bpf-fs', 'FallbackToLogsOnError'], ['clean-cilium-state', 'FallbackToLogsOnError'], ['install-cni-binaries', 'FallbackToLogsOnError'],
      ['extra', undefined],
    ]);
  });
});
