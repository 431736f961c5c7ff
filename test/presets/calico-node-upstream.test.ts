import * as fs from 'fs';
import * as path from 'path';
import { detail, differences, ruleLines, upstreamDocuments } from './cilium-calico-upstream';
import { CalicoEncapsulation, CalicoNode } from '../../src';
import { newChart, synth } from '../util/synth';

/**
 * CalicoNode against Calico's manifest at v3.31.7 (test/fixtures/upstream/calico-node.yaml): every
 * field of the DaemonSet, container by container, the calico-config values and the RBAC. A
 * difference not listed in DIFFERENCES fails the test; each listed one names the passage of
 * docs/presets/calico-node.md ("Differences from the manifest") that says why.
 */
const PAGE = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'presets', 'calico-node.md'), 'utf8');
const UPSTREAM = upstreamDocuments('calico-node.yaml');
const upstreamOf = (kind: string, name?: string) => UPSTREAM.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));

function made() {
  const chart = newChart();
  new CalicoNode(chart, 'calico-node');
  return synth(chart);
}

const DIFFERENCES: Record<string, string> = {
  'pod.selector': 'the library\'s labels',
  'pod.affinity': 'Fargate and virtual-kubelet nodes',
  'pod.dnsPolicy': 'dnsPolicy Default',
  'pod.tolerations': 'every taint',
  'pod.initContainers': 'upgrade-ipam',
  'upgrade-ipam: not in the preset': 'upgrade-ipam',
  'calico-node.env.NODE_NAME': 'NODE_NAME',
  'calico-node.ports': 'declares the ports it binds',
  // calico-config values inline
  'install-cni.env.CNI_MTU': 'settings inline',
  'install-cni.env.CNI_NETWORK_CONFIG': 'settings inline',
  'calico-node.env.CALICO_NETWORKING_BACKEND': 'settings inline',
  'calico-node.env.FELIX_IPINIPMTU': 'settings inline',
  'calico-node.env.FELIX_VXLANMTU': 'settings inline',
  'calico-node.env.FELIX_WIREGUARDMTU': 'settings inline',
  'install-cni.mount /host/etc/cni/net.d': 'DirectoryOrCreate',
  'calico-node.mount /host/etc/cni/net.d': 'DirectoryOrCreate',
  ...Object.fromEntries(['calico-node', 'install-cni', 'ebpf-bootstrap'].map((c) => [`${c}.resources`, 'requests and limits on every container'])),
  ...Object.fromEntries(['calico-node', 'install-cni', 'ebpf-bootstrap'].map((c) => [`${c}.securityContext.allowPrivilegeEscalation`, 'allowPrivilegeEscalation stated'])),
  ...Object.fromEntries(['calico-node', 'install-cni', 'ebpf-bootstrap'].map((c) => [`${c}.securityContext.runAsUser`, 'root stated'])),
  'install-cni.securityContext.privileged': 'install-cni unprivileged',
  'install-cni.securityContext.capabilities.drop': 'install-cni unprivileged',
  'install-cni.securityContext.readOnlyRootFilesystem': 'install-cni unprivileged',
};

describe('CalicoNode against Calico\'s manifest v3.31.7', () => {
  test('the DaemonSet differs from the manifest\'s only where the page says why', () => {
    const ds = made().find((o) => o.kind === 'DaemonSet');
    const upstream = upstreamOf('DaemonSet');
    const found = differences(upstream, ds);
    expect(found.filter((k) => !(k in DIFFERENCES)).map((k) => detail(upstream, ds, k))).toEqual([]);
    expect(Object.keys(DIFFERENCES).filter((k) => !found.includes(k))).toEqual([]);
  });

  test.each(Object.entries(DIFFERENCES))('the page explains %s', (_key, words) => {
    const section = PAGE.slice(PAGE.indexOf('## Differences from the manifest')).replace(/\s+/g, ' ').toLowerCase();
    expect(section).toContain(words.toLowerCase());
  });

  test('the inline settings are the calico-config ConfigMap\'s values', () => {
    // GIVEN the manifest's ConfigMap and the preset's env
    const config = upstreamOf('ConfigMap', 'calico-config').data;
    const spec = made().find((o) => o.kind === 'DaemonSet').spec.template.spec;
    const env = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value]));
    const install = env(spec.initContainers.find((c: any) => c.name === 'install-cni'));
    const node = env(spec.containers[0]);
    // THEN the values match, the CNI config as JSON once install-cni fills in the MTU
    expect(node.CALICO_NETWORKING_BACKEND).toBe(config.calico_backend);
    expect([node.FELIX_IPINIPMTU, node.FELIX_VXLANMTU, node.FELIX_WIREGUARDMTU, install.CNI_MTU]).toEqual(Array(4).fill(config.veth_mtu));
    const filled = (s: string) => JSON.parse(s.replace('__CNI_MTU__', '1450'));
    expect(filled(install.CNI_NETWORK_CONFIG)).toEqual(filled(config.cni_network_config));
  });

  test('the probes are calico-node\'s own exec checks, with BIRD; without BIRD in the VXLAN modes', () => {
    const main = made().find((o) => o.kind === 'DaemonSet').spec.template.spec.containers[0];
    const up = upstreamOf('DaemonSet').spec.template.spec.containers[0];
    expect(main.livenessProbe).toEqual(up.livenessProbe);
    expect(main.readinessProbe.exec).toEqual(up.readinessProbe.exec);
    const timing = (p: any) => [p.periodSeconds, p.timeoutSeconds];
    expect(timing(main.readinessProbe)).toEqual(timing(up.readinessProbe));
    // WHEN the encapsulation is VXLAN (the vxlan backend, no BIRD to check)
    const chart = newChart();
    new CalicoNode(chart, 'calico-node', { encapsulation: CalicoEncapsulation.VXLAN });
    const vxlan = synth(chart).find((o) => o.kind === 'DaemonSet').spec.template.spec.containers[0];
    expect(vxlan.livenessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-live']);
    expect(vxlan.readinessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-ready']);
  });

  test('the ClusterRoles are the manifest\'s calico-node and calico-cni-plugin', () => {
    const objects = made();
    const role = (name: string) => objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name);
    expect(ruleLines(role('kube-system:calico-node').rules)).toEqual(ruleLines(upstreamOf('ClusterRole', 'calico-node').rules));
    expect(ruleLines(role('calico-cni-plugin').rules)).toEqual(ruleLines(upstreamOf('ClusterRole', 'calico-cni-plugin').rules));
    expect(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name).sort()).toEqual(['calico-cni-plugin', 'calico-node']);
  });
});
