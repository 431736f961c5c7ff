/**
 * The DatadogAgent compared point by point with the Datadog chart's DaemonSet and ClusterRole at
 * datadog-3.240.0 (test/fixtures/upstream/datadog-agent.yaml, rendered by hand from the chart's
 * templates with its defaults; see its header). Every difference is listed below with the key of
 * its reason; each key is a row of the "Differences from the chart" table on
 * docs/presets/datadog-agent.md. A difference that is not listed fails the test, and so does a
 * listed one that is gone.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { DatadogAgent, DatadogAgentProps } from '../../src';
import { newChart, only, synth } from '../util/synth';

const ROOT = join(__dirname, '..', '..');
const UPSTREAM = parseAllDocuments(readFileSync(join(ROOT, 'test', 'fixtures', 'upstream', 'datadog-agent.yaml'), 'utf8')).map((d) => d.toJS());

/** The Kubernetes defaults of a probe's fields (what an absent field means). */
const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };

function probe(p: any): any {
  return p === undefined ? undefined : { ...PROBE_DEFAULTS, ...p };
}

/** A container's effective security settings (the pod's runAsUser applies when it sets none). */
function security(c: any, pod: any): any {
  const s = c.securityContext ?? {};
  return {
    runAsUser: s.runAsUser ?? pod.securityContext?.runAsUser,
    readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? false,
    privileged: s.privileged ?? false,
    allowPrivilegeEscalation: s.allowPrivilegeEscalation ?? true,
    drop: s.capabilities?.drop ?? [],
    add: s.capabilities?.add ?? [],
    seccomp: s.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type ?? 'Unconfined (runtime default of the kubelet)',
  };
}

/** What a mount shows in the container: its volume's source, read-only, propagation, subPath. */
function mounts(c: any, pod: any): Map<string, any> {
  const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
  return new Map((c.volumeMounts ?? []).map((m: any) => {
    const v = volumes.get(m.name);
    const source = v.hostPath ? `hostPath ${v.hostPath.path} (${v.hostPath.type ?? 'no type'})` : v.emptyDir ? 'emptyDir' : v.configMap ? `configMap ${v.configMap.name}` : JSON.stringify(v);
    return [m.mountPath, { volume: m.name, source, readOnly: m.readOnly ?? false, propagation: m.mountPropagation ?? 'None', subPath: m.subPath }];
  }));
}

/** JSON with object keys sorted, so that key order never counts as a difference. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_, x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

const show = (v: unknown) => (v === undefined ? 'none' : stable(v));

/** Every difference of the preset's manifest from the chart's, as "where: chart -> preset". */
function differences(props: DatadogAgentProps): string[] {
  const chart = newChart({ namespace: 'datadog' });
  new DatadogAgent(chart, 'datadog', props);
  const objects = synth(chart);
  const ours = only(objects, 'DaemonSet');
  const theirs = UPSTREAM.find((o) => o.kind === 'DaemonSet');
  const [a, b] = [theirs.spec.template.spec, ours.spec.template.spec];
  const out: string[] = [];
  const cmp = (where: string, x: unknown, y: unknown) => {
    if (stable(x) !== stable(y)) {
      out.push(`${where}: ${show(x)} -> ${show(y)}`);
    }
  };

  // Pod
  cmp('pod.hostPID', a.hostPID ?? false, b.hostPID ?? false);
  cmp('pod.hostNetwork', a.hostNetwork ?? false, b.hostNetwork ?? false);
  cmp('pod.priorityClassName', a.priorityClassName, b.priorityClassName);
  cmp('pod.tolerations', a.tolerations ?? [], b.tolerations ?? []);
  cmp('pod.nodeSelector', a.nodeSelector, b.nodeSelector);
  cmp('pod.affinity', a.affinity && Object.keys(a.affinity).length ? a.affinity : undefined, b.affinity);
  cmp('pod.automountServiceAccountToken', a.automountServiceAccountToken, b.automountServiceAccountToken);
  cmp('pod.terminationGracePeriodSeconds', a.terminationGracePeriodSeconds ?? 30, b.terminationGracePeriodSeconds ?? 30);
  cmp('pod.securityContext.runAsUser', a.securityContext?.runAsUser, b.securityContext?.runAsUser);
  cmp('daemonset.updateStrategy', { maxSurge: 0, ...theirs.spec.updateStrategy.rollingUpdate, type: theirs.spec.updateStrategy.type }, { ...ours.spec.updateStrategy.rollingUpdate, type: ours.spec.updateStrategy.type });
  cmp('daemonset.revisionHistoryLimit', theirs.spec.revisionHistoryLimit, ours.spec.revisionHistoryLimit);
  // Volumes no container mounts
  const mounted = (spec: any) => new Set([...(spec.initContainers ?? []), ...spec.containers]
    .flatMap((c: any) => (c.volumeMounts ?? []).map((m: any) => m.name)));
  const unused = (spec: any) => spec.volumes.map((v: any) => v.name).filter((n: string) => !mounted(spec).has(n));
  cmp('pod.unmountedVolumes', unused(a), unused(b));

  // Containers
  for (const kind of ['initContainers', 'containers'] as const) {
    const names = [...new Set([...(a[kind] ?? []), ...(b[kind] ?? [])].map((c: any) => c.name))];
    cmp(`pod.${kind}`, (a[kind] ?? []).map((c: any) => c.name), (b[kind] ?? []).map((c: any) => c.name));
    for (const name of names) {
      const x = (a[kind] ?? []).find((c: any) => c.name === name);
      const y = (b[kind] ?? []).find((c: any) => c.name === name);
      if (x === undefined || y === undefined) {
        continue;
      }
      const at = `${name}`;
      cmp(`${at}.image`, x.image, y.image);
      cmp(`${at}.command`, x.command, y.command);
      cmp(`${at}.args`, x.args, y.args);
      // env, by name (the order is the chart's)
      const env = (c: any) => new Map<string, any>((c.env ?? []).map((e: any) => [e.name, e.value !== undefined ? String(e.value) : e.valueFrom]));
      const [ex, ey] = [env(x), env(y)];
      for (const k of new Set([...ex.keys(), ...ey.keys()])) {
        cmp(`${at}.env.${k}`, ex.get(k), ey.get(k));
      }
      const [mx, my] = [mounts(x, a), mounts(y, b)];
      for (const p of new Set([...mx.keys(), ...my.keys()])) {
        cmp(`${at}.mount.${p}`, mx.get(p), my.get(p));
      }
      const ports = (c: any) => new Map<string, any>((c.ports ?? []).map((p: any) => [p.name, { containerPort: p.containerPort, protocol: p.protocol ?? 'TCP', hostPort: p.hostPort }]));
      const [px, py] = [ports(x), ports(y)];
      for (const p of new Set([...px.keys(), ...py.keys()])) {
        cmp(`${at}.port.${p}`, px.get(p), py.get(p));
      }
      const [sx, sy] = [security(x, a), security(y, b)];
      for (const k of Object.keys(sx)) {
        cmp(`${at}.securityContext.${k}`, sx[k], (sy as any)[k]);
      }
      for (const pr of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        cmp(`${at}.${pr}`, probe(x[pr]), probe(y[pr]));
      }
      cmp(`${at}.resources`, x.resources ?? {}, y.resources ?? {});
    }
  }

  // RBAC, rule by rule as "group/resource[/name] verb" (and non-resource URLs)
  const ruleLines = (role: any) => new Set<string>((role?.rules ?? []).flatMap((r: any) => [
    ...(r.nonResourceURLs ?? []).flatMap((u: string) => r.verbs.map((v: string) => `url ${u} ${v}`)),
    ...(r.apiGroups ?? []).flatMap((g: string) => (r.resources ?? []).flatMap((res: string) => r.verbs.map((v: string) => `${g || 'core'}/${res}${r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''} ${v}`))),
  ]));
  const [rx, ry] = [ruleLines(UPSTREAM.find((o) => o.kind === 'ClusterRole')), ruleLines(objects.find((o) => o.kind === 'ClusterRole'))];
  for (const line of [...rx].filter((l) => !ry.has(l))) {
    out.push(`rbac: ${line} -> none`);
  }
  for (const line of [...ry].filter((l) => !rx.has(l))) {
    out.push(`rbac: none -> ${line}`);
  }
  return out;
}

/** What differs from the chart, and the key of its reason on the docs page. */
const hardened = (c: string, chartReadOnly: boolean): Array<[string, string]> => [
  ...(chartReadOnly ? [] : [[`${c}.securityContext.readOnlyRootFilesystem: false -> true`, 'hardened'] as [string, string]]),
  [`${c}.securityContext.allowPrivilegeEscalation: true -> false`, 'hardened'],
  [`${c}.securityContext.drop: [] -> ["ALL"]`, 'no-capabilities'],
  [`${c}.securityContext.seccomp: "Unconfined (runtime default of the kubelet)" -> "RuntimeDefault"`, 'hardened'],
];

const commonEnv = (c: string, clusterAgentEnv: boolean): Array<[string, string]> => [
  [`${c}.env.DD_SITE: none -> "datadoghq.com"`, 'site'],
  [`${c}.env.DD_CRI_SOCKET_PATH: none -> "/host/var/run/containerd/containerd.sock"`, 'runtime-socket'],
  ...(clusterAgentEnv ? [
    [`${c}.env.DD_CLUSTER_AGENT_ENABLED: "true" -> "false"`, 'no-cluster-agent'],
    [`${c}.env.DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME: "datadog-cluster-agent" -> none`, 'no-cluster-agent'],
    [`${c}.env.DD_CLUSTER_AGENT_AUTH_TOKEN: ${show({ secretKeyRef: { name: 'datadog-cluster-agent', key: 'token' } })} -> none`, 'no-cluster-agent'],
  ] as Array<[string, string]> : []),
];

const hostMount = (volume: string, path: string, type: string) => ({ volume, source: `hostPath ${path} (${type})`, readOnly: true, propagation: 'None' });

const runtimeMount = (c: string): Array<[string, string]> => [
  [`${c}.mount./host/var/run: ${show(hostMount('runtimesocketdir', '/var/run', 'no type'))} -> none`, 'runtime-socket'],
  [`${c}.mount./host/var/run/containerd: none -> ${show(hostMount('runtimesocketdir', '/var/run/containerd', 'DirectoryOrCreate'))}`, 'runtime-socket'],
];

const typed = (c: string, path: string, mountPath: string, volume: string, type: string): [string, string] => [
  `${c}.mount.${mountPath}: ${show(hostMount(volume, path, 'no type'))} -> ${show(hostMount(volume, path, type))}`,
  'typed-host-paths',
];

const installTelemetry = (c: string): Array<[string, string]> => ['TIME', 'ID', 'TYPE'].map((k) => [
  `${c}.env.DD_INSTRUMENTATION_INSTALL_${k}: ${show({ configMapKeyRef: { name: 'datadog-kpi-telemetry-configmap', key: `install_${k.toLowerCase()}` } })} -> none`,
  'install-telemetry',
]);

const DEFAULT_DIFFERENCES: Array<[string, string]> = [
  ['pod.tolerations: [] -> [{"operator":"Exists"}]', 'tolerations'],
  ['pod.affinity: none -> {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"eks.amazonaws.com/compute-type","operator":"NotIn","values":["fargate"]},{"key":"type","operator":"NotIn","values":["virtual-kubelet"]}]}]}}}', 'virtual-nodes'],
  ['pod.securityContext.runAsUser: 0 -> none', 'root-per-container'],
  ['pod.unmountedVolumes: ["s6-run","apmsocket"] -> []', 'unused-volumes'],
  // init-volume
  ...hardened('init-volume', false),
  ['init-volume.resources: {} -> {"limits":{"memory":"128Mi"},"requests":{"cpu":"10m","memory":"64Mi"}}', 'resources'],
  // init-config
  ...commonEnv('init-config', false),
  ...runtimeMount('init-config'),
  typed('init-config', '/proc', '/host/proc', 'procdir', 'Directory'),
  ...hardened('init-config', false),
  ['init-config.resources: {} -> {"limits":{"memory":"128Mi"},"requests":{"cpu":"10m","memory":"64Mi"}}', 'resources'],
  // agent
  ['agent.env.NODE_NAME: none -> {"fieldRef":{"fieldPath":"spec.nodeName"}}', 'node-name'],
  ...commonEnv('agent', true),
  ...installTelemetry('agent'),
  ['agent.env.DD_EXTRA_CONFIG_PROVIDERS: "clusterchecks endpointschecks" -> none', 'no-cluster-agent'],
  ['agent.env.DD_ORCHESTRATOR_EXPLORER_ENABLED: "true" -> "false"', 'no-cluster-agent'],
  [`agent.mount./etc/datadog-agent/install_info: ${show({ volume: 'installinfo', source: 'configMap datadog-installinfo', readOnly: true, propagation: 'None', subPath: 'install_info' })} -> none`, 'install-telemetry'],
  typed('agent', '/etc/os-release', '/host/etc/os-release', 'os-release-file', 'File'),
  ...runtimeMount('agent'),
  typed('agent', '/proc', '/host/proc', 'procdir', 'Directory'),
  typed('agent', '/sys/fs/cgroup', '/host/sys/fs/cgroup', 'cgroups', 'Directory'),
  typed('agent', '/etc/passwd', '/etc/passwd', 'passwd', 'File'),
  ['agent.port.healthport: none -> {"containerPort":5555,"protocol":"TCP"}', 'health-port'],
  ...hardened('agent', true),
  ['agent.resources: {} -> {"limits":{"memory":"512Mi"},"requests":{"cpu":"200m","memory":"256Mi"}}', 'resources'],
  // trace-agent
  ...commonEnv('trace-agent', true),
  ...installTelemetry('trace-agent'),
  typed('trace-agent', '/proc', '/host/proc', 'procdir', 'Directory'),
  typed('trace-agent', '/sys/fs/cgroup', '/host/sys/fs/cgroup', 'cgroups', 'Directory'),
  ...runtimeMount('trace-agent'),
  ...hardened('trace-agent', true),
  ['trace-agent.resources: {} -> {"limits":{"memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}', 'resources'],
  // RBAC
  ['rbac: security.openshift.io/securitycontextconstraints[datadog,hostaccess,privileged] use -> none', 'rbac-openshift'],
  ['rbac: metrics.eks.amazonaws.com/kcm/metrics get -> none', 'rbac-standalone'],
  ['rbac: metrics.eks.amazonaws.com/ksh/metrics get -> none', 'rbac-standalone'],
  ...['services', 'endpoints', 'pods', 'nodes', 'namespaces'].flatMap((r) => ['get', 'list', 'watch']
    .filter((v) => !(r === 'endpoints' && v === 'get'))
    .map((v) => [`rbac: none -> core/${r} ${v}`, 'rbac-standalone'] as [string, string])),
  ...['get', 'list', 'watch'].map((v) => [`rbac: none -> discovery.k8s.io/endpointslices ${v}`, 'rbac-standalone'] as [string, string]),
];

/** The keys of the "Differences from the chart" table on the docs page. */
function documentedKeys(): string[] {
  const page = readFileSync(join(ROOT, 'docs', 'presets', 'datadog-agent.md'), 'utf8');
  const start = page.indexOf('## Differences from the chart');
  const section = page.slice(start, page.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
}

describe('DatadogAgent against the Datadog chart datadog-3.240.0', () => {
  test('with its defaults, differs from the chart exactly where the docs page says why', () => {
    // GIVEN the preset with only the API key's Secret
    // WHEN compared with the chart's rendering
    const found = differences({ apiKeySecretName: 'datadog-secret' });
    // THEN the differences are the listed ones, no more, no fewer
    expect(found.sort()).toEqual(DEFAULT_DIFFERENCES.map(([d]) => d).sort());
  });

  test('joined to a cluster agent, the cluster agent differences are gone', () => {
    // GIVEN the chart's own cluster agent Service and token Secret
    const found = differences({
      apiKeySecretName: 'datadog-secret',
      clusterAgent: { serviceName: 'datadog-cluster-agent', tokenSecretName: 'datadog-cluster-agent' },
    });
    // THEN no difference is about the cluster agent, and the standalone RBAC is not granted
    const tagged = new Map(DEFAULT_DIFFERENCES);
    expect(found.filter((d) => tagged.get(d) === 'no-cluster-agent')).toEqual([]);
    expect(found.filter((d) => /DD_CLUSTER_AGENT|DD_EXTRA_CONFIG|DD_ORCHESTRATOR_EXPLORER_ENABLED/.test(d))).toEqual([]);
    expect(found.filter((d) => d.startsWith('rbac:'))).toEqual(['rbac: security.openshift.io/securitycontextconstraints[datadog,hostaccess,privileged] use -> none']);
  });

  test('every difference has its reason on the docs page', () => {
    // GIVEN the reasons' keys
    const keys = [...new Set(DEFAULT_DIFFERENCES.map(([, k]) => k))];
    // THEN each is a row of the page's table, and the table has no stale row
    const documented = documentedKeys();
    expect(keys.filter((k) => !documented.includes(k))).toEqual([]);
    expect(documented.filter((k) => !keys.includes(k) && !OTHER_DOCUMENTED.includes(k))).toEqual([]);
  });
});

/** Rows of the table about options (not defaults): checked by datadog-agent.test.ts. */
const OTHER_DOCUMENTED = ['host-ports'];
