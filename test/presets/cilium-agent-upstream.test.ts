import * as fs from 'fs';
import * as path from 'path';
import { detail, differences, ruleLines, upstreamDocuments } from './cilium-calico-upstream';
import { CiliumAgent } from '../../src';
import { newChart, synth } from '../util/synth';

/**
 * CiliumAgent against the Cilium chart 1.17.7 as rendered (test/fixtures/upstream/cilium-agent.yaml):
 * every field of the DaemonSet, container by container, and the RBAC. A difference not listed in
 * DIFFERENCES fails the test; each listed one names the passage of docs/presets/cilium-agent.md
 * ("Differences from the chart") that says why.
 */
const PAGE = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'presets', 'cilium-agent.md'), 'utf8');
const UPSTREAM = upstreamDocuments('cilium-agent.yaml');
const upstreamOf = (kind: string) => UPSTREAM.find((d) => d.kind === kind);

// The render's own values (see the fixture's header), given to the preset as the same settings.
function made() {
  const chart = newChart();
  new CiliumAgent(chart, 'cilium', { apiServerHost: '127.0.0.1', apiServerPort: 7443 });
  return synth(chart);
}

const INIT = ['config', 'mount-cgroup', 'apply-sysctl-overwrites', 'mount-bpf-fs', 'clean-cilium-state', 'install-cni-binaries'];

/** Each difference, and the words of the docs page's "Differences from the chart" that explain it. */
const DIFFERENCES: Record<string, string> = {
  // Render-only values of the fixture (its header), which the chart's defaults do not render.
  'pod.podAnnotations': 'AppArmor as annotations',
  'cilium-agent.mount /etc/config': 'ip-masq-agent',
  'cilium-agent.mount /var/run/cilium/netns': 'socket load-balancing',
  // The library's conventions.
  'pod.selector': 'the library\'s labels',
  'pod.affinity': 'Fargate and virtual-kubelet nodes',
  'pod.dnsPolicy': 'dnsPolicy Default',
  'cilium-agent.env.NODE_NAME': 'NODE_NAME',
  'cilium-agent.ports': 'declares the ports it binds',
  ...Object.fromEntries(['cilium-agent', ...INIT].map((c) => [`${c}.resources`, 'requests and limits on every container'])),
  ...Object.fromEntries(['cilium-agent', ...INIT].map((c) => [`${c}.securityContext.allowPrivilegeEscalation`, 'allowPrivilegeEscalation stated'])),
  ...Object.fromEntries(['cilium-agent', 'mount-cgroup', 'apply-sysctl-overwrites', 'mount-bpf-fs', 'clean-cilium-state', 'install-cni-binaries']
    .map((c) => [`${c}.securityContext.runAsUser`, 'root stated'])),
  'mount-bpf-fs.securityContext.seLinuxOptions': 'SELinux pod-wide',
  'config.securityContext.seLinuxOptions': 'SELinux pod-wide',
  // Hardening where the container does not need the access.
  'config.securityContext.runAsUser': 'config step as nobody',
  'config.securityContext.runAsNonRoot': 'config step as nobody',
  'config.securityContext.capabilities.drop': 'config step as nobody',
  'config.securityContext.readOnlyRootFilesystem': 'read-only root filesystem',
  'config.securityContext.seccompProfile': 'RuntimeDefault seccomp',
  'install-cni-binaries.securityContext.seccompProfile': 'RuntimeDefault seccomp',
  'mount-cgroup.securityContext.readOnlyRootFilesystem': 'read-only root filesystem',
  'apply-sysctl-overwrites.securityContext.readOnlyRootFilesystem': 'read-only root filesystem',
  'install-cni-binaries.securityContext.readOnlyRootFilesystem': 'read-only root filesystem',
  'mount-cgroup.mount /hostproc': '/proc read-only',
  'apply-sysctl-overwrites.mount /hostproc': '/proc read-only',
  // Left out (features the preset does not set up).
  'cilium-agent.lifecycle': 'AWS VPC CNI',
  'cilium-agent.mount /var/run/cilium/envoy/sockets': 'embedded Envoy',
  'cilium-agent.mount /var/lib/cilium/clustermesh': 'Cluster Mesh',
  'cilium-agent.mount /var/lib/cilium/tls/hubble': 'Hubble Relay',
};

describe('CiliumAgent against the Cilium chart 1.17.7', () => {
  test('the DaemonSet differs from the chart\'s only where the page says why', () => {
    // GIVEN the chart's DaemonSet and the preset's
    const ds = made().find((o) => o.kind === 'DaemonSet');
    const upstream = upstreamOf('DaemonSet');
    // WHEN they are compared field by field
    const found = differences(upstream, ds);
    // THEN every difference is a listed one (the values are printed for review when not)
    const unlisted = found.filter((k) => !(k in DIFFERENCES)).map((k) => detail(upstream, ds, k));
    expect(unlisted).toEqual([]);
    expect(Object.keys(DIFFERENCES).filter((k) => !found.includes(k))).toEqual([]);
  });

  test.each(Object.entries(DIFFERENCES))('the page explains %s', (_key, words) => {
    // (the page's words, whatever the line breaks and case)
    const section = PAGE.slice(PAGE.indexOf('## Differences from the chart')).replace(/\s+/g, ' ').toLowerCase();
    expect(section).toContain(words.toLowerCase());
  });

  test('the same containers, in the chart\'s order, with the chart\'s capabilities and probes', () => {
    const ds = made().find((o) => o.kind === 'DaemonSet');
    const spec = ds.spec.template.spec;
    const up = upstreamOf('DaemonSet').spec.template.spec;
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(up.initContainers.map((c: any) => c.name));
    expect(spec.containers[0].securityContext.capabilities).toEqual(up.containers[0].securityContext.capabilities);
    expect(spec.containers[0].livenessProbe.httpGet).toEqual({ ...up.containers[0].livenessProbe.httpGet, host: '127.0.0.1' });
    expect(spec.containers[0].securityContext.privileged).toBe(false);
    expect(spec.initContainers.find((c: any) => c.name === 'mount-bpf-fs').securityContext.privileged).toBe(true);
  });

  test('the ClusterRole is the chart\'s, less the leases rule of l2announcements', () => {
    const objects = made();
    const ours = ruleLines(objects.find((o) => o.kind === 'ClusterRole').rules);
    const chart = ruleLines(upstreamOf('ClusterRole').rules).filter((l) => !l.startsWith('coordination.k8s.io/leases'));
    expect(ours).toEqual(chart);
    expect(ruleLines(objects.find((o) => o.kind === 'Role').rules)).toEqual(ruleLines(upstreamOf('Role').rules));
  });

  test('cilium-config has the chart\'s keys and values for what the preset leaves at the chart\'s defaults', () => {
    const config = made().find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cilium-config').data;
    const chart = upstreamOf('ConfigMap').data;
    // The render's --set values (routing, IPAM, kube-proxy replacement) and its separate Envoy
    // DaemonSet are the documented exceptions.
    const renderOnly = ['tunnel-protocol', 'kube-proxy-replacement', 'ipam', 'external-envoy-proxy', 'auto-direct-node-routes', 'k8s-require-ipv4-pod-cidr'];
    for (const [key, value] of Object.entries(chart)) {
      if (!renderOnly.includes(key) && key in config) {
        expect([key, config[key]]).toEqual([key, value]);
      }
    }
    expect(Object.keys(chart).filter((k) => !(k in config))).toEqual(['auto-direct-node-routes', 'k8s-require-ipv4-pod-cidr']);
    expect(config['external-envoy-proxy']).toBe('false');
  });
});
