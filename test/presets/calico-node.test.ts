import { Chart, Testing } from 'cdk8s';
import { CalicoEncapsulation, CalicoNode, NetworkAgent } from '../../src';
import { container, newChart, podSpec, synth } from '../util/synth';

const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('CalicoNode', () => {
  test('calico-node with the Kubernetes datastore, IPIP and BGP, probed by its own exec checks', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new CalicoNode(chart, 'calico-node', { ipv4PoolCidr: '10.244.0.0/16' });
    const objects = synth(chart);
    // THEN
    const node = container(objects, 'calico-node');
    expect(envOf(node)).toMatchObject({
      DATASTORE_TYPE: 'kubernetes',
      CALICO_NETWORKING_BACKEND: 'bird',
      CALICO_IPV4POOL_IPIP: 'Always',
      CALICO_IPV4POOL_VXLAN: 'Never',
      CALICO_IPV4POOL_CIDR: '10.244.0.0/16',
      FELIX_HEALTHENABLED: 'true',
    });
    expect(node.livenessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-live', '-bird-live']);
    expect(node.securityContext.privileged).toBe(true);
    expect(node.ports.map((p: any) => p.containerPort)).toEqual([9099, 179]);
    const install = container(objects, 'install-cni');
    expect(install.securityContext).toMatchObject({ privileged: false, runAsUser: 0, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(envOf(install)).toMatchObject({ CNI_CONF_NAME: '10-calico.conflist', SLEEP: 'false' });
    expect(JSON.parse(envOf(install).CNI_NETWORK_CONFIG.replace('__CNI_MTU__', '0')).plugins[0].type).toBe('calico');
    expect(podSpec(objects).terminationGracePeriodSeconds).toBe(0);
  });

  test('without a pool CIDR, none is set (calico-node takes kubeadm\'s podSubnet)', () => {
    const chart = newChart();
    new CalicoNode(chart, 'calico-node');
    expect(envOf(container(synth(chart), 'calico-node')).CALICO_IPV4POOL_CIDR).toBeUndefined();
  });

  test('VXLAN cross-subnet: the vxlan backend, no BGP port, no BIRD checks; the MTU everywhere; Felix settings', () => {
    const chart = newChart();
    const calico = new CalicoNode(chart, 'calico-node', {
      encapsulation: CalicoEncapsulation.VXLAN_CROSS_SUBNET,
      mtu: 1450,
      felixEnv: { FELIX_BPFENABLED: 'true' },
      apiServerHost: '10.0.0.10',
      apiServerPort: 6443,
    });
    const objects = synth(chart);
    const node = container(objects, 'calico-node');
    expect(calico.backend).toBe('vxlan');
    expect(envOf(node)).toMatchObject({
      CALICO_NETWORKING_BACKEND: 'vxlan',
      CALICO_IPV4POOL_IPIP: 'Never',
      CALICO_IPV4POOL_VXLAN: 'CrossSubnet',
      FELIX_IPINIPMTU: '1450',
      FELIX_VXLANMTU: '1450',
      FELIX_WIREGUARDMTU: '1450',
      FELIX_BPFENABLED: 'true',
      KUBERNETES_SERVICE_HOST: '10.0.0.10',
    });
    expect(node.readinessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-ready']);
    expect(node.ports.map((p: any) => p.containerPort)).toEqual([9099]);
    expect(envOf(container(objects, 'install-cni'))).toMatchObject({ CNI_MTU: '1450', KUBERNETES_SERVICE_PORT: '6443' });
  });

  test('the CNI plugin\'s own ServiceAccount and ClusterRole, which calico-node may request tokens for', () => {
    const chart = newChart();
    new CalicoNode(chart, 'calico-node');
    const objects = synth(chart);
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'kube-system:calico-node');
    expect(role.rules[0]).toEqual({ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['calico-cni-plugin'], verbs: ['create'] });
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'calico-cni-plugin');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'calico-cni-plugin', namespace: 'kube-system' }]);
  });

  test('fails when felixEnv is not a FELIX_ setting, or sets an MTU the mtu prop owns', () => {
    expect(() => new CalicoNode(newChart(), 'calico-node', { felixEnv: { LOG_LEVEL: 'debug' } }))
      .toThrow(/felixEnv: got "LOG_LEVEL"; expected a Felix setting as an environment variable/);
    expect(() => new CalicoNode(newChart(), 'calico-node', { felixEnv: { FELIX_VXLANMTU: '1400' } }))
      .toThrow(/felixEnv.FELIX_VXLANMTU: got "1400"; set by the preset's `mtu` prop/);
  });

  test('fails when the MTU or the pool CIDR is not one', () => {
    expect(() => new CalicoNode(newChart(), 'calico-node', { mtu: 100 })).toThrow(/mtu: got 100; expected 0 \(auto-detect\) or an MTU from 576 to 9000/);
    expect(() => new CalicoNode(newChart(), 'calico-node', { ipv4PoolCidr: '10.244.0.0' })).toThrow(/ipv4PoolCidr: got "10.244.0.0"; expected an IPv4 CIDR/);
  });

  test('fails when a NetworkAgent with a cniInstaller can share a node with CalicoNode', () => {
    const chart = newChart();
    new CalicoNode(chart, 'calico-node');
    new NetworkAgent(chart, 'other-cni', { command: ['/bin/agent'], cniInstaller: { image: 'registry.example.com/cni:1.0.0' } });
    expect(() => synth(chart)).toThrow(/'test\/calico-node' \(kube-system\/calico-node\) and 'test\/other-cni' \(kube-system\/other-cni\) can run on the same node and both claim writable host path \/etc\/cni\/net.d/);
  });
});

describe('CalicoNode in a chart with a namespace', () => {
  test('its cluster-scoped CNI plugin ClusterRole and binding carry no namespace', () => {
    // GIVEN a chart with a namespace (the example app's)
    const app = Testing.app();
    const chart = new Chart(app, 'net', { namespace: 'kube-system' });
    new CalicoNode(chart, 'calico-node');
    // THEN
    const objects = Testing.synth(chart);
    const clusterScoped = objects.filter((o: any) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');
    expect(clusterScoped.map((o: any) => o.metadata.name).sort()).toEqual(['calico-cni-plugin', 'calico-cni-plugin', 'kube-system:calico-node', 'kube-system:calico-node']);
    expect(clusterScoped.filter((o: any) => o.metadata.namespace !== undefined)).toEqual([]);
  });
});
