import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { CsiDriver, StorageDaemon, StorageDaemonProps } from '../../src';
import { newChart, only, synth } from '../util/synth';

/**
 * The StorageDaemon's DaemonSet and ClusterRole, compared point by point with the upstream
 * manifests at the pinned versions (test/fixtures/upstream/, each naming its repository, path and
 * commit): pod fields, each container's image, args, env, mounts (with their host path, type,
 * propagation and read-only flag), security context, probes, ports, lifecycle and resources, and
 * the RBAC rules. Every difference found must be one of the documented ones below, each with its
 * reason, and each on the docs page (docs/presets/storage-daemon.md, "Differences from upstream");
 * a documented difference that no longer occurs fails too.
 */

const ROOT = join(__dirname, '..', '..');
const PAGE = readFileSync(join(ROOT, 'docs', 'presets', 'storage-daemon.md'), 'utf8');

function upstream(file: string): { daemonSet: any; clusterRole: any } {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'test', 'fixtures', 'upstream', file), 'utf8')).map((d) => d.toJS()).filter((d) => d);
  return { daemonSet: docs.find((d) => d.kind === 'DaemonSet'), clusterRole: docs.find((d) => d.kind === 'ClusterRole') };
}

const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** A volume as a mount sees it: the host path with its type, or the kind of volume. */
function volumeOf(spec: any, name: string): string {
  const v = (spec.volumes ?? []).find((x: any) => x.name === name);
  if (v === undefined) {
    return 'missing';
  }
  if (v.hostPath) {
    return `hostPath ${trim(v.hostPath.path)} ${v.hostPath.type || '(no type)'}`;
  }
  if (v.emptyDir) {
    return `emptyDir${v.emptyDir.medium ? ` ${v.emptyDir.medium}` : ''}`;
  }
  if (v.configMap) {
    return 'configMap';
  }
  if (v.projected) {
    return 'projected';
  }
  return Object.keys(v).filter((k) => k !== 'name').join(',');
}

function envOf(c: any): Map<string, string> {
  return new Map((c.env ?? []).map((e: any) => [e.name, e.value ?? `fieldRef ${e.valueFrom?.fieldRef?.fieldPath}`]));
}

function mountsOf(spec: any, c: any): Map<string, string> {
  return new Map((c.volumeMounts ?? []).map((m: any) => [trim(m.mountPath),
    `${volumeOf(spec, m.name)}${m.readOnly ? ' ro' : ' rw'}${m.mountPropagation ? ` ${m.mountPropagation}` : ''}`]));
}

function securityOf(c: any): { [k: string]: string } {
  const s = c.securityContext ?? {};
  return {
    privileged: String(s.privileged ?? false),
    capabilitiesAdd: (s.capabilities?.add ?? []).join(','),
    capabilitiesDrop: (s.capabilities?.drop ?? []).join(','),
    readOnlyRootFilesystem: String(s.readOnlyRootFilesystem ?? false),
    // unset: allowed (the API's default), as for a privileged container
    allowPrivilegeEscalation: String(s.allowPrivilegeEscalation ?? true),
  };
}

/** A probe, its port resolved by name. */
function probeOf(c: any): string {
  const p = c.livenessProbe;
  if (p === undefined) {
    return 'none';
  }
  const port = typeof p.httpGet?.port === 'string' ? (c.ports ?? []).find((x: any) => x.name === p.httpGet.port)?.containerPort : p.httpGet?.port;
  const how = p.httpGet ? `httpGet ${p.httpGet.path} ${port}` : p.exec ? `exec ${p.exec.command.join(' ')}` : 'other';
  return `${how} delay ${p.initialDelaySeconds ?? 0} period ${p.periodSeconds ?? 10} timeout ${p.timeoutSeconds ?? 1} failures ${p.failureThreshold ?? 3}`;
}

function portsOf(c: any): string {
  return (c.ports ?? []).map((p: any) => `${p.name}:${p.containerPort}`).sort().join(',') || 'none';
}

function resourcesOf(c: any): string {
  const r = c.resources ?? {};
  return `requests ${r.requests?.cpu ?? '-'}/${r.requests?.memory ?? '-'} limits ${r.limits?.cpu ?? '-'}/${r.limits?.memory ?? '-'}`;
}

function rulesOf(role: any): Set<string> {
  return new Set((role?.rules ?? []).flatMap((r: any) => r.resources.flatMap((res: any) => r.verbs.map((v: string) => `${r.apiGroups[0] || 'core'}/${res}:${v}`))));
}

function affinityOf(spec: any): string {
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  // One requirement per key and value, so that a list split in two is the same exclusion.
  return terms.map((t: any) => t.matchExpressions.flatMap((e: any) => (e.values ?? ['']).map((v: string) => `${e.key} ${e.operator} ${v}`)).sort().join('; ')).join(' | ') || 'none';
}

/**
 * The differences between ours and upstream's, as keys: `pod.<field>`, `<role>.<aspect>` with
 * `+x`/`-x`/`~x` for an added, missing or changed arg, env var or mount, and `rbac +/-rule`.
 * `roles` maps a role to [our container's name, upstream's] (undefined: the container is only
 * on one side).
 */
interface Rendered { readonly daemonSet: any; readonly clusterRole: any }

function differences(mine: Rendered, theirs: Rendered, roles: { [role: string]: [string | undefined, string | undefined] }): string[] {
  const found: string[] = [];
  const same = (key: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      found.push(key);
    }
  };
  const a = mine.daemonSet.spec.template.spec;
  const b = theirs.daemonSet.spec.template.spec;
  same('pod.hostNetwork', a.hostNetwork ?? false, b.hostNetwork ?? false);
  same('pod.hostPID', a.hostPID ?? false, b.hostPID ?? false);
  same('pod.dnsPolicy', a.dnsPolicy ?? 'ClusterFirst', b.dnsPolicy ?? 'ClusterFirst');
  same('pod.priorityClassName', a.priorityClassName, b.priorityClassName);
  same('pod.tolerations', a.tolerations ?? [], b.tolerations ?? []);
  same('pod.nodeSelector', a.nodeSelector ?? {}, b.nodeSelector ?? {});
  same('pod.affinity', affinityOf(a), affinityOf(b));
  same('pod.terminationGracePeriodSeconds', a.terminationGracePeriodSeconds ?? 30, b.terminationGracePeriodSeconds ?? 30);
  const strategy = (d: any) => ({ type: d.spec.updateStrategy?.type ?? 'RollingUpdate', maxUnavailable: d.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1 });
  same('pod.updateStrategy', strategy(mine.daemonSet), strategy(theirs.daemonSet));
  const podSecurity = (s: any) => ({ runAsUser: s.securityContext?.runAsUser, fsGroup: s.securityContext?.fsGroup });
  same('pod.securityContext', podSecurity(a), podSecurity(b));
  for (const [role, [ourName, upstreams]] of Object.entries(roles)) {
    const c = a.containers.find((x: any) => x.name === ourName);
    const u = b.containers.find((x: any) => x.name === upstreams);
    if (ourName !== undefined && c === undefined) {
      throw new Error(`no container ${ourName} in ours`);
    }
    if (upstreams !== undefined && u === undefined) {
      throw new Error(`no container ${upstreams} upstream`);
    }
    if (c === undefined || u === undefined) {
      found.push(`${role} ${c === undefined ? 'only upstream' : 'only ours'}`);
      continue;
    }
    same(`${role}.image`, c.image, u.image);
    const argsA: string[] = c.args ?? [];
    const argsB: string[] = u.args ?? [];
    argsA.filter((x) => !argsB.includes(x)).forEach((x) => found.push(`${role}.args +${x}`));
    argsB.filter((x) => !argsA.includes(x)).forEach((x) => found.push(`${role}.args -${x}`));
    for (const [kind, mapA, mapB] of [['env', envOf(c), envOf(u)], ['mount', mountsOf(a, c), mountsOf(b, u)]] as const) {
      for (const [k, v] of mapA) {
        if (!mapB.has(k)) {
          found.push(`${role}.${kind} +${k}`);
        } else if (mapB.get(k) !== v) {
          found.push(`${role}.${kind} ~${k}`);
        }
      }
      for (const k of mapB.keys()) {
        if (!mapA.has(k)) {
          found.push(`${role}.${kind} -${k}`);
        }
      }
    }
    const secA = securityOf(c);
    const secB = securityOf(u);
    for (const k of Object.keys(secA)) {
      same(`${role}.securityContext.${k}`, secA[k], secB[k]);
    }
    same(`${role}.livenessProbe`, probeOf(c), probeOf(u));
    same(`${role}.ports`, portsOf(c), portsOf(u));
    same(`${role}.lifecycle`, c.lifecycle ?? null, u.lifecycle ?? null);
    same(`${role}.resources`, resourcesOf(c), resourcesOf(u));
  }
  const rulesA = rulesOf(mine.clusterRole);
  const rulesB = rulesOf(theirs.clusterRole);
  [...rulesA].filter((r) => !rulesB.has(r)).forEach((r) => found.push(`rbac +${r}`));
  [...rulesB].filter((r) => !rulesA.has(r)).forEach((r) => found.push(`rbac -${r}`));
  return found.sort();
}

function ours(id: string, props: StorageDaemonProps): { daemonSet: any; clusterRole: any } {
  const chart = newChart();
  new StorageDaemon(chart, id, props);
  const objects = synth(chart);
  return { daemonSet: only(objects, 'DaemonSet'), clusterRole: objects.find((o) => o.kind === 'ClusterRole') };
}

/** Differences every driver has (the generic plugin's layout and defaults), with their reasons. */
const COMMON: { [key: string]: string } = {
  'pod.affinity': 'the core excludes Fargate and virtual-kubelet nodes',
  'registrar.args +--http-endpoint=:$HEALTH': 'the registrar\'s /healthz, which fails without a live registration socket',
  'registrar.livenessProbe': 'HTTP GET /healthz on the registrar\'s port (the exec probe is a no-op since v2.9.0)',
  'registrar.ports': 'the registrar\'s health port, reg-healthz',
  'registrar.resources': 'the sidecars are small relays: 10m/20Mi, limit 64Mi',
  'registrar.securityContext.capabilitiesDrop': 'unprivileged sidecars: drop ALL',
};

/** EBS's differences, with the reasons. */
const EBS_DIFFERENCES: { [key: string]: string } = {
  ...COMMON,
  'liveness-probe.resources': 'the sidecars are small relays: 10m/20Mi, limit 64Mi',
  'liveness-probe.securityContext.capabilitiesDrop': 'unprivileged sidecars: drop ALL',
  'liveness-probe.args +--http-endpoint=:9808': 'the port the plugin declares, written out',
  'liveness-probe.image': 'the registry.k8s.io sidecar images (the EKS builds are of the same versions)',
  'plugin.args +--http-endpoint=0.0.0.0:3302': 'the node plugin\'s metrics server on (the chart\'s node.enableMetrics)',
  'plugin.args ---logging-format=text': 'the driver\'s default format (text) is not repeated',
  'plugin.env +NODE_NAME': 'the core gives every agent its node\'s name',
  'plugin.ports': 'the metrics port, named metrics',
  'pod.securityContext': 'runAsUser 0 on the containers that need it, not the pod; no fsGroup (no Secret or ConfigMap volume)',
  'rbac -core/nodes:patch': 'only to remove the agent-not-ready taint: add it with rbacRules if you taint nodes with it',
  'rbac -storage.k8s.io/csinodes:get': 'only with the agent-not-ready taint (node.go)',
  'rbac -storage.k8s.io/volumeattachments:get': 'no code path of the node plugin gets one',
  'registrar.args ---csi-address=$(ADDRESS)': 'the socket path written out',
  'registrar.args ---kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)': 'the registration path written out',
  'registrar.args +--csi-address=/csi/csi.sock': 'the socket path written out',
  'registrar.args +--kubelet-registration-path=/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock': 'the registration path written out',
  'registrar.env -ADDRESS': 'the socket path written out',
  'registrar.env -DRIVER_REG_SOCK_PATH': 'the registration path written out',
  'registrar.image': 'the registry.k8s.io sidecar images (the EKS builds are of the same versions)',
  'registrar.mount -/var/lib/kubelet/plugins/ebs.csi.aws.com': 'the exec probe\'s emptyDir: no exec probe',
  'registrar.mount ~/csi': 'read-only: connecting to a socket needs no write access',
  'liveness-probe.mount ~/csi': 'read-only: connecting to a socket needs no write access',
};

describe('StorageDaemon with EBS, against aws-ebs-csi-driver\'s node.yaml and node ClusterRole', () => {
  // GIVEN the defaults / WHEN synthesized
  const found = differences(ours('ebs-csi-node', {}), upstream('ebs-csi-node.yaml'), {
    'plugin': ['ebs-csi-node', 'ebs-plugin'],
    'registrar': ['node-driver-registrar', 'node-driver-registrar'],
    'liveness-probe': ['liveness-probe', 'liveness-probe'],
  }).map((d) => d.replace(':9809', ':$HEALTH'));

  test('differs from upstream only where documented', () => {
    // THEN
    expect(found).toEqual(Object.keys(EBS_DIFFERENCES).sort());
  });
});

const CLUSTERS = [{ clusterId: 'ceph-a', monitors: ['10.0.0.1:6789'] }];

/** What both Ceph drivers differ in from ceph-csi's manifests, with the reasons. */
const CEPH_COMMON: { [key: string]: string } = {
  ...COMMON,
  'liveness-probe only ours': 'the generic plugin\'s livenessprobe sidecar: the plugin gets a liveness probe (upstream has none)',
  'liveness-prometheus.env ~CSI_ENDPOINT': 'unix:/csi/csi.sock, the same socket as upstream\'s unix:///csi/csi.sock',
  'liveness-prometheus.mount ~/csi': 'read-only: connecting to a socket needs no write access',
  'liveness-prometheus.ports': 'the exporter\'s port declared, named metrics',
  'liveness-prometheus.resources': 'the sidecars are small relays: 10m/20Mi, limit 64Mi',
  'liveness-prometheus.securityContext.allowPrivilegeEscalation': 'unprivileged: it only dials the socket and serves HTTP',
  'liveness-prometheus.securityContext.capabilitiesDrop': 'unprivileged: it only dials the socket and serves HTTP',
  'liveness-prometheus.securityContext.privileged': 'unprivileged: it only dials the socket and serves HTTP',
  'liveness-prometheus.securityContext.readOnlyRootFilesystem': 'it writes nothing',
  'plugin.env ~CSI_ENDPOINT': 'unix:/csi/csi.sock, the same socket as upstream\'s unix:///csi/csi.sock',
  'plugin.env +CSI_NODE_NAME': 'the generic plugin\'s node name variable',
  'plugin.env +NODE_NAME': 'the core gives every agent its node\'s name',
  'plugin.livenessProbe': 'a liveness probe through the livenessprobe sidecar (upstream: none, a hung plugin is never restarted)',
  'plugin.mount +/var/lib/kubelet': 'the whole kubelet directory, Bidirectional, instead of plugins and pods',
  'plugin.mount -/var/lib/kubelet/plugins': 'the whole kubelet directory, Bidirectional, instead of plugins and pods',
  'plugin.mount -/var/lib/kubelet/pods': 'the whole kubelet directory, Bidirectional, instead of plugins and pods',
  'plugin.mount -/etc/ceph-csi-encryption-kms-config': 'encryption with a KMS is not modelled',
  'plugin.mount ~/dev': 'type Directory (upstream: none): every Linux node has it; a missing one fails the pod at once',
  'pod.updateStrategy': 'at most 10% of the nodes at a time, no surge (upstream: the API\'s default, one node)',
  'plugin.mount ~/sys': 'type Directory (upstream: none): every Linux node has it',
  'plugin.mount ~/lib/modules': 'type Directory (upstream: none): the kernel modules must be there to load rbd or ceph',
  'plugin.mount ~/etc/selinux': 'type DirectoryOrCreate (upstream: none, which containerd creates when missing): the same, said',
  'plugin.mount ~/run/mount': 'type DirectoryOrCreate (upstream: none, which containerd creates when missing): the same, said',
  'plugin.mount ~/etc/ceph-csi-config': 'read-only (a ConfigMap volume is anyway): config.json from the preset\'s ConfigMap, typed',
  'plugin.mount ~/etc/ceph': 'read-only (a ConfigMap volume is anyway): ceph.conf and the empty keyring from the preset\'s ConfigMap',
  'plugin.ports': 'the livenessprobe sidecar\'s health port, declared on the plugin (its probe requests it)',
  'plugin.resources': 'requests 10m/40Mi, memory limit 256Mi (upstream: none): bounded, with room for mkfs',
  'plugin.securityContext.capabilitiesAdd': 'SYS_ADMIN not added: a privileged container has every capability',
  'registrar.args +--v=2': 'the CSI sidecars\' usual verbosity',
  'registrar.args ---v=1': 'the CSI sidecars\' usual verbosity',
  'registrar.env -KUBE_NODE_NAME': 'not among node-driver-registrar\'s documented arguments; EBS\'s manifest does not set it either',
  'registrar.image': 'node-driver-registrar v2.14.0, as for every driver (ceph-csi v3.12.2 pins v2.11.1)',
  'registrar.mount ~/csi': 'read-only: connecting to a socket needs no write access',
  'registrar.securityContext.allowPrivilegeEscalation': 'unprivileged sidecars',
  'registrar.securityContext.privileged': 'unprivileged sidecars (upstream: privileged for SELinux hosts; see SELinux)',
  'registrar.securityContext.readOnlyRootFilesystem': 'unprivileged sidecars: read-only root',
  'pod.tolerations': 'every taint, as every node agent of the library: a node without its plugin cannot mount',
  'pod.nodeSelector': 'kubernetes.io/os: linux (the core\'s): the images are Linux images',
  'rbac -core/configmaps:get': 'encryption with a KMS only',
  'rbac -core/serviceaccounts:get': 'encryption with a KMS only',
  'rbac -core/serviceaccounts/token:create': 'encryption with a KMS only',
};

/** Ceph RBD's differences, with the reasons. */
const RBD_DIFFERENCES: { [key: string]: string } = {
  ...CEPH_COMMON,
  'plugin.mount -/run/secrets/tokens': 'encryption with a KMS is not modelled (the OIDC token is for Vault)',
};

/** CephFS's differences, with the reasons. */
const CEPHFS_DIFFERENCES: { [key: string]: string } = {
  ...CEPH_COMMON,
  'rbac -core/secrets:get': 'encryption with a KMS only: the CephFS node plugin reads no Secret otherwise',
};

describe('StorageDaemon with Ceph RBD, against ceph-csi v3.12.2\'s csi-rbdplugin.yaml and node ClusterRole', () => {
  // GIVEN / WHEN
  const found = differences(ours('csi-rbdplugin', { driver: CsiDriver.cephRbd({ clusters: CLUSTERS }) }), upstream('ceph-csi-rbdplugin.yaml'), {
    'plugin': ['csi-rbdplugin', 'csi-rbdplugin'],
    'registrar': ['node-driver-registrar', 'driver-registrar'],
    'liveness-prometheus': ['liveness-prometheus', 'liveness-prometheus'],
    'liveness-probe': ['liveness-probe', undefined],
  }).map((d) => d.replace(':9811', ':$HEALTH'));

  test('differs from upstream only where documented', () => {
    // THEN
    expect(found).toEqual(Object.keys(RBD_DIFFERENCES).sort());
  });
});

describe('StorageDaemon with CephFS, against ceph-csi v3.12.2\'s csi-cephfsplugin.yaml and node ClusterRole', () => {
  // GIVEN / WHEN
  const found = differences(ours('csi-cephfsplugin', { driver: CsiDriver.cephFs({ clusters: CLUSTERS }) }), upstream('ceph-csi-cephfsplugin.yaml'), {
    'plugin': ['csi-cephfsplugin', 'csi-cephfsplugin'],
    'registrar': ['node-driver-registrar', 'driver-registrar'],
    'liveness-prometheus': ['liveness-prometheus', 'liveness-prometheus'],
    'liveness-probe': ['liveness-probe', undefined],
  }).map((d) => d.replace(':9813', ':$HEALTH'));

  test('differs from upstream only where documented', () => {
    // THEN
    expect(found).toEqual(Object.keys(CEPHFS_DIFFERENCES).sort());
  });
});

describe('the documented differences are on the docs page', () => {
  test('each key is in the page\'s "Differences from upstream" section', () => {
    const section = PAGE.slice(PAGE.indexOf('## Differences from upstream'));
    expect(section.length).toBeGreaterThan(0);
    const missing = [...new Set([...Object.keys(EBS_DIFFERENCES), ...Object.keys(RBD_DIFFERENCES), ...Object.keys(CEPHFS_DIFFERENCES)])].filter((k) => !section.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
