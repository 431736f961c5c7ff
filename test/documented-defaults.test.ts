import { readFileSync } from 'fs';
import { join } from 'path';
import { ChartProps, Duration, Size } from 'cdk8s';
import {
  Capability, ConfigMap, ContainerRestartPolicy, Cpu, DnsPolicy, Env, EnvValue, Handler, ImagePullPolicy, MountPropagation, Probe, Protocol,
  SeccompProfileType, TaintEffect,
} from 'cdk8s-plus-28';
import {
  AgentContainer, AgentMetrics, AgentNamespace, AgentNamespaceProps, AgentPort, AgentVolume, AgentVolumeMount, CniInstaller,
  ContainerSettings, CsiInlineVolumeOptions, DaemonSet, DaemonSetProps, ElasticsearchOutputOptions, EmptyDirOptions, FleetPreview,
  HostMount, HostMountOptions, IntOrPercent, InventoryNode, KeyedVolumeOptions, LogAgent, LogFilter, LogFlavor, LogOutput,
  LokiOutputOptions, MonitorOptions, NetworkAgent, NodeAffinityTerm, NodeExporter, NodeExporterNetworkPolicyOptions, NodeInventory,
  NodeRequirement, NodeTaint, OtlpOutputOptions, PlacementPreview, PlacementReasonKind, PodDnsConfig, PodInventory, PodSecurityLevel,
  PreviewOptions, ProjectedKeysOptions, ProjectedSource, ProjectedVolumeOptions, RollingUpdateOptions, SeLinuxOptions,
  ServiceAccountTokenOptions, ServiceMonitorOptions, TerminationMessagePolicy, Toleration, TolerationOptions, UpdateStrategy,
} from '../src';
import { all, container, newChart, only, podSpec, synth, VIRTUAL_NODES_EXCLUDED } from './util/synth';

/**
 * Every `@default` of the public structs outside the presets' props holds: API.md and editor
 * tooltips show it, so it must be what the code does. Each row leaves one prop out, reads the
 * field the default shows in from the synthesized (and schema-validated) manifest, and compares
 * it with the documented default; then it sets the prop to another value and checks that the
 * same field changes, so that a row cannot pass by reading the wrong field.
 *
 * A field the manifest leaves out is read as the API server reads it (e.g. `optional` absent is
 * false); such rows say so. The last test checks, from the jsii assembly, that every optional
 * prop of every struct audited here has a row.
 */

const IMAGE = 'registry.example.com/agent:1.2.3';
/** The construct id of the agents below; its DNS label is the default name. */
const ID = 'NodeExporter';
const NAME = 'nodeexporter';

interface DefaultCase<O, M> {
  /** The prop left out, as the struct spells it. */
  readonly prop: string;
  /** What the row shows, after the prop's name. */
  readonly what?: string;
  /** Other props the default depends on (never `prop` itself). */
  readonly given?: O;
  /** Reads the field the default shows in. */
  readonly read: (m: M) => unknown;
  /** The documented default, as the manifest shows it. */
  readonly expected: unknown;
  /** Another value of the prop, which must change the field (leave out only when no valid value can). */
  readonly set?: () => unknown;
}

/** The props every table covers, by struct (for the completeness check at the end). */
const covered = new Map<string, Set<string>>();
function cover(struct: string, ...props: string[]): void {
  const set = covered.get(struct) ?? new Set<string>();
  props.forEach((p) => set.add(p));
  covered.set(struct, set);
}

/** One test per row: the default with the prop left out, and a change with the prop set. */
function holdDefaults<O extends object, M>(struct: string, render: (options: O) => M, cases: Array<DefaultCase<O, M>>): void {
  cover(struct, ...cases.map((c) => c.prop));
  test.each(cases.map((c) => [`${c.prop}${c.what ? ` (${c.what})` : ''}`, c] as const))('%s', (_, c) => {
    // GIVEN the prop left out
    expect(Object.keys(c.given ?? {})).not.toContain(c.prop);
    // WHEN
    const field = c.read(render({ ...c.given } as O));
    // THEN the manifest shows the documented default
    expect(field).toEqual(c.expected);
    if (c.set !== undefined) {
      // AND setting the prop changes the very field read
      expect(c.read(render({ ...c.given, [c.prop]: c.set() } as O))).not.toEqual(c.expected);
    }
  });
}

interface Agent {
  readonly objects: any[];
  readonly daemonSet: any;
  readonly spec: any;
  readonly main: any;
}

/** One core DaemonSet (id `NodeExporter`), synthesized and validated. */
function agent(props: Partial<DaemonSetProps> = {}, chartProps: ChartProps = {}): Agent {
  const chart = newChart(chartProps);
  new DaemonSet(chart, ID, { image: IMAGE, ...props });
  const objects = synth(chart);
  return { objects, daemonSet: only(objects, 'DaemonSet'), spec: podSpec(objects), main: container(objects) };
}

const kinds = (m: Agent) => m.objects.map((o) => o.kind).sort();
const requiredTerms = (m: Agent) => m.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
const SECRET_VOLUME = { volumes: [AgentVolume.fromSecret('tls', 'agent-tls')], volumeMounts: [{ volumeName: 'tls', mountPath: '/tls' }] };
const RULE = { apiGroups: [''], resources: ['nodes'], verbs: ['get'] };
const DEFAULT_LABELS = {
  'app.kubernetes.io/name': NAME,
  'app.kubernetes.io/instance': NAME,
  'app.kubernetes.io/version': '1.2.3',
  'app.kubernetes.io/managed-by': 'cdk8s',
};

describe('DaemonSetOptions', () => {
  holdDefaults<Partial<DaemonSetProps>, Agent>('DaemonSetOptions', (o) => agent(o), [
    { prop: 'name', what: 'the construct id as a DNS-1123 label', read: (m) => [m.daemonSet.metadata.name, only(m.objects, 'ServiceAccount').metadata.name], expected: [NAME, NAME], set: () => 'agent' },
    { prop: 'namespace', what: '"default" without a chart namespace', read: (m) => [m.daemonSet.metadata.namespace, only(m.objects, 'ServiceAccount').metadata.namespace], expected: ['default', 'default'], set: () => 'agents' },
    { prop: 'labels', read: (m) => [m.daemonSet.metadata.labels, only(m.objects, 'ServiceAccount').metadata.labels], expected: [DEFAULT_LABELS, DEFAULT_LABELS], set: () => ({ team: 'platform' }) },
    { prop: 'labels', what: 'component when set', given: { component: 'metrics' }, read: (m) => m.daemonSet.metadata.labels, expected: { ...DEFAULT_LABELS, 'app.kubernetes.io/component': 'metrics' }, set: () => ({ team: 'platform' }) },
    {
      prop: 'labels',
      what: 'no version for an image pinned by digest only',
      given: { image: `registry.example.com/agent@sha256:${'a'.repeat(64)}` },
      read: (m) => m.daemonSet.metadata.labels['app.kubernetes.io/version'],
      expected: undefined,
      set: () => ({ 'app.kubernetes.io/version': 'v1' }),
    },
    {
      prop: 'labels',
      what: 'no version for a tag that is no label value (over 63 characters)',
      given: { image: `registry.example.com/agent:${'1'.repeat(70)}` },
      read: (m) => m.daemonSet.metadata.labels['app.kubernetes.io/version'],
      expected: undefined,
      set: () => ({ 'app.kubernetes.io/version': 'v1' }),
    },
    { prop: 'annotations', what: 'none', read: (m) => m.daemonSet.metadata.annotations, expected: undefined, set: () => ({ team: 'platform' }) },
    { prop: 'annotations', what: 'change-cause with changeCause', given: { changeCause: 'bump' }, read: (m) => m.daemonSet.metadata.annotations, expected: { 'kubernetes.io/change-cause': 'bump' }, set: () => ({ team: 'platform' }) },
    {
      prop: 'annotations',
      what: 'image-platforms with imagePlatforms',
      given: { imagePlatforms: ['linux/amd64', 'linux/arm64'] },
      read: (m) => m.daemonSet.metadata.annotations,
      expected: { 'cdk8s-node-agents.dev/image-platforms': 'linux/amd64,linux/arm64' },
      set: () => ({ team: 'platform' }),
    },
    { prop: 'podAnnotations', read: (m) => m.daemonSet.spec.template.metadata.annotations, expected: undefined, set: () => ({ 'prometheus.io/scrape': 'true' }) },
    { prop: 'component', read: (m) => m.daemonSet.metadata.labels['app.kubernetes.io/component'], expected: undefined, set: () => 'metrics' },
    { prop: 'containerName', what: 'the DaemonSet\'s name', given: { name: 'exporter' }, read: (m) => m.main.name, expected: 'exporter', set: () => 'main' },
    { prop: 'extraArgs', what: 'none: the args alone', given: { args: ['--a'] }, read: (m) => m.main.args, expected: ['--a'], set: () => ['--b'] },
    { prop: 'tolerations', read: (m) => m.spec.tolerations, expected: [{ operator: 'Exists' }], set: () => [] },
    { prop: 'nodeSelector', read: (m) => m.spec.nodeSelector, expected: { 'kubernetes.io/os': 'linux' }, set: () => ({ pool: 'agents' }) },
    {
      prop: 'requiredNodeAffinity',
      what: 'only the virtual-node term',
      read: requiredTerms,
      expected: [{ matchExpressions: VIRTUAL_NODES_EXCLUDED }],
      set: () => [NodeAffinityTerm.allOf(NodeRequirement.in('pool', ['agents']))],
    },
    {
      prop: 'requiredNodeAffinity',
      what: 'none without excludeVirtualNodes',
      given: { excludeVirtualNodes: false },
      read: (m) => m.spec.affinity,
      expected: undefined,
      set: () => [NodeAffinityTerm.allOf(NodeRequirement.in('pool', ['agents']))],
    },
    { prop: 'excludeVirtualNodes', read: requiredTerms, expected: [{ matchExpressions: VIRTUAL_NODES_EXCLUDED }], set: () => false },
    { prop: 'imagePlatforms', read: (m) => m.daemonSet.metadata.annotations?.['cdk8s-node-agents.dev/image-platforms'], expected: undefined, set: () => ['linux/amd64'] },
    {
      prop: 'updateStrategy',
      read: (m) => m.daemonSet.spec.updateStrategy,
      expected: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      set: () => UpdateStrategy.onDelete(),
    },
    { prop: 'minReadySeconds', read: (m) => m.daemonSet.spec.minReadySeconds, expected: 0, set: () => 10 },
    { prop: 'revisionHistoryLimit', read: (m) => m.daemonSet.spec.revisionHistoryLimit, expected: 10, set: () => 3 },
    { prop: 'priorityClassName', read: (m) => m.spec.priorityClassName, expected: undefined, set: () => 'system-node-critical' },
    { prop: 'hostNetwork', read: (m) => m.spec.hostNetwork, expected: false, set: () => true },
    { prop: 'hostPid', read: (m) => m.spec.hostPID, expected: false, set: () => true },
    { prop: 'hostIpc', read: (m) => m.spec.hostIPC, expected: false, set: () => true },
    { prop: 'dnsPolicy', what: 'ClusterFirst', read: (m) => m.spec.dnsPolicy, expected: 'ClusterFirst', set: () => DnsPolicy.DEFAULT },
    { prop: 'dnsPolicy', what: 'ClusterFirstWithHostNet with hostNetwork', given: { hostNetwork: true }, read: (m) => m.spec.dnsPolicy, expected: 'ClusterFirstWithHostNet', set: () => DnsPolicy.DEFAULT },
    { prop: 'terminationGracePeriodSeconds', read: (m) => m.spec.terminationGracePeriodSeconds, expected: 30, set: () => 60 },
    { prop: 'initContainers', read: (m) => m.spec.initContainers, expected: undefined, set: () => [{ name: 'init', image: IMAGE }] },
    { prop: 'sidecars', read: (m) => m.spec.containers.map((c: any) => c.name), expected: [NAME], set: () => [{ name: 'reloader', image: IMAGE }] },
    // A volume must be mounted too (an unmounted one is an error), so setting `volumes` alone cannot show it.
    { prop: 'volumes', read: (m) => m.spec.volumes, expected: undefined },
    {
      prop: 'rbacRules',
      what: 'no ClusterRole, no token',
      read: (m) => [kinds(m), m.spec.automountServiceAccountToken],
      expected: [['DaemonSet', 'ServiceAccount'], false],
      set: () => [RULE],
    },
    {
      prop: 'serviceAccountName',
      what: 'a ServiceAccount named after the DaemonSet',
      read: (m) => [all(m.objects, 'ServiceAccount').map((s) => s.metadata.name), m.spec.serviceAccountName],
      expected: [[NAME], NAME],
      set: () => 'existing',
    },
    { prop: 'automountServiceAccountToken', what: 'false without rules', read: (m) => m.spec.automountServiceAccountToken, expected: false, set: () => true },
    // false is rejected next to rules (the token is what they are for), so these rows set nothing.
    { prop: 'automountServiceAccountToken', what: 'true with rbacRules', given: { rbacRules: [RULE] }, read: (m) => m.spec.automountServiceAccountToken, expected: true },
    {
      prop: 'automountServiceAccountToken',
      what: 'true with namespacedRbacRules',
      given: { namespacedRbacRules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      read: (m) => m.spec.automountServiceAccountToken,
      expected: true,
    },
    { prop: 'fsGroup', what: 'none without Secret or ConfigMap volumes', given: { volumes: [AgentVolume.fromEmptyDir('tmp')], volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp' }] }, read: (m) => m.spec.securityContext.fsGroup, expected: undefined, set: () => 3000 },
    { prop: 'fsGroup', what: 'the main container\'s group with a Secret volume', given: SECRET_VOLUME, read: (m) => m.spec.securityContext.fsGroup, expected: 65534, set: () => 3000 },
    {
      prop: 'fsGroup',
      what: 'the main container\'s runAsGroup with a ConfigMap volume',
      given: { volumes: [AgentVolume.fromConfigMap('config', 'agent-config')], volumeMounts: [{ volumeName: 'config', mountPath: '/config' }], runAsGroup: 1500 },
      read: (m) => m.spec.securityContext.fsGroup,
      expected: 1500,
      set: () => 3000,
    },
    {
      prop: 'fsGroup',
      what: 'with a projected volume',
      given: { volumes: [AgentVolume.fromProjected('creds', [ProjectedSource.secret('agent-creds')])], volumeMounts: [{ volumeName: 'creds', mountPath: '/creds' }] },
      read: (m) => m.spec.securityContext.fsGroup,
      expected: 65534,
      set: () => 3000,
    },
    {
      prop: 'fsGroup',
      what: 'a root main container: the first non-root sidecar\'s runAsGroup',
      given: { ...SECRET_VOLUME, runAsUser: 0, sidecars: [{ name: 'reloader', image: IMAGE, runAsUser: 1000, runAsGroup: 2000 }] },
      read: (m) => m.spec.securityContext.fsGroup,
      expected: 2000,
      set: () => 3000,
    },
    {
      prop: 'fsGroup',
      what: 'root main container and sidecar: the init container\'s group',
      given: { ...SECRET_VOLUME, runAsUser: 0, initContainers: [{ name: 'init', image: IMAGE, runAsUser: 1000 }] },
      read: (m) => m.spec.securityContext.fsGroup,
      expected: 1000,
      set: () => 3000,
    },
    { prop: 'changeCause', read: (m) => m.daemonSet.metadata.annotations?.['kubernetes.io/change-cause'], expected: undefined, set: () => 'bump' },
    { prop: 'imagePullSecrets', read: (m) => m.spec.imagePullSecrets, expected: undefined, set: () => ['regcred'] },
    { prop: 'hostAliases', read: (m) => m.spec.hostAliases, expected: undefined, set: () => [{ ip: '10.0.0.1', hostnames: ['metadata.internal'] }] },
    { prop: 'dnsConfig', read: (m) => m.spec.dnsConfig, expected: undefined, set: () => ({ searches: ['example.com'] }) },
    { prop: 'runtimeClassName', read: (m) => m.spec.runtimeClassName, expected: undefined, set: () => 'nvidia' },
    { prop: 'supplementalGroups', read: (m) => m.spec.securityContext.supplementalGroups, expected: undefined, set: () => [1000] },
    { prop: 'seLinuxOptions', read: (m) => m.spec.securityContext.seLinuxOptions, expected: undefined, set: () => ({ level: 's0:c1,c2' }) },
    {
      prop: 'preferredNodeAffinity',
      read: (m) => m.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      expected: undefined,
      set: () => [{ weight: 10, term: NodeAffinityTerm.allOf(NodeRequirement.in('pool', ['agents'])) }],
    },
    { prop: 'hostUsers', what: 'not emitted', read: (m) => m.spec.hostUsers, expected: undefined, set: () => false },
    { prop: 'serviceAccountAnnotations', read: (m) => only(m.objects, 'ServiceAccount').metadata.annotations, expected: undefined, set: () => ({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/a' }) },
    {
      prop: 'podLabels',
      what: 'the DaemonSet\'s labels and cdk8s-plus\'s address label only',
      read: (m) => m.daemonSet.spec.template.metadata.labels,
      expected: { ...DEFAULT_LABELS, 'cdk8s.io/metadata.addr': expect.stringMatching(/^test-NodeExporter-/) },
      set: () => ({ team: 'platform' }),
    },
    {
      prop: 'selectorLabels',
      what: 'app.kubernetes.io/name and instance',
      read: (m) => m.daemonSet.spec.selector.matchLabels,
      expected: { 'app.kubernetes.io/name': DEFAULT_LABELS['app.kubernetes.io/name'], 'app.kubernetes.io/instance': DEFAULT_LABELS['app.kubernetes.io/instance'] },
      set: () => ({ 'k8s-app': 'agent' }),
    },
    { prop: 'namespacedRbacRules', what: 'no Role', read: (m) => kinds(m).filter((k) => k.startsWith('Role')), expected: [], set: () => [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
    {
      prop: 'metrics',
      what: 'no monitor',
      given: { ports: [{ containerPort: 9100, name: 'metrics' }] },
      read: (m) => kinds(m).filter((k) => k.endsWith('Monitor') || k === 'Service'),
      expected: [],
      set: () => AgentMetrics.podMonitor(),
    },
  ]);

  test('namespace (the chart\'s namespace when it has one)', () => {
    // GIVEN a chart with a namespace, and no namespace prop
    // WHEN
    const m = agent({}, { namespace: 'monitoring' });
    // THEN
    expect([m.daemonSet.metadata.namespace, only(m.objects, 'ServiceAccount').metadata.namespace]).toEqual(['monitoring', 'monitoring']);
  });
});

type Position = 'main' | 'sidecar' | 'init';

/** One DaemonSet whose main container, sidecar or init container has `settings`. */
function containerAt(position: Position, settings: ContainerSettings, pod: Partial<DaemonSetProps> = {}): any {
  const props: Partial<DaemonSetProps> = position === 'main' ? { ...pod, ...settings }
    : position === 'sidecar' ? { ...pod, sidecars: [...(pod.sidecars ?? []), { name: 'side', image: IMAGE, ...settings }] }
      : { ...pod, initContainers: [...(pod.initContainers ?? []), { name: 'init', image: IMAGE, ...settings }] };
  const objects = agent(props).objects;
  return container(objects, position === 'main' ? NAME : position === 'sidecar' ? 'side' : 'init');
}

interface ContainerCase extends DefaultCase<ContainerSettings, any> {
  /** Where the row applies (a plain init container takes no probes and no hooks). */
  readonly at?: Position[];
  /** Pod props the row needs (e.g. the volume a mount names). */
  readonly pod?: Partial<DaemonSetProps>;
}

const RESOURCES = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } };
const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };

describe('ContainerSettings (the main container, a sidecar and an init container alike)', () => {
  const cases: ContainerCase[] = [
    { prop: 'imagePullPolicy', read: (c) => c.imagePullPolicy, expected: 'IfNotPresent', set: () => ImagePullPolicy.ALWAYS },
    { prop: 'command', read: (c) => c.command, expected: undefined, set: () => ['/agent'] },
    { prop: 'args', read: (c) => c.args, expected: undefined, set: () => ['--v=2'] },
    { prop: 'env', what: 'NODE_NAME in the main container', at: ['main'], read: (c) => c.env, expected: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }], set: () => ({ LEVEL: EnvValue.fromValue('info') }) },
    { prop: 'env', what: 'none elsewhere', at: ['sidecar', 'init'], read: (c) => c.env, expected: undefined, set: () => ({ LEVEL: EnvValue.fromValue('info') }) },
    { prop: 'ports', read: (c) => c.ports, expected: undefined, set: () => [{ containerPort: 8080 }] },
    { prop: 'hostMounts', read: (c) => c.volumeMounts, expected: undefined, set: () => [HostMount.readOnly('/proc', { mountPath: '/host/proc' })] },
    // Another sidecar mounts the volume (an unmounted volume is an error).
    { prop: 'volumeMounts', pod: { volumes: [AgentVolume.fromEmptyDir('tmp')], sidecars: [{ name: 'keeper', image: IMAGE, volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp' }] }] }, read: (c) => c.volumeMounts, expected: undefined, set: () => [{ volumeName: 'tmp', mountPath: '/tmp' }] },
    { prop: 'resources', read: (c) => c.resources, expected: RESOURCES, set: () => ({ cpu: { request: Cpu.millis(100) } }) },
    { prop: 'liveness', at: ['main', 'sidecar'], read: (c) => c.livenessProbe, expected: undefined, set: () => Probe.fromCommand(['true']) },
    { prop: 'readiness', at: ['main', 'sidecar'], read: (c) => c.readinessProbe, expected: undefined, set: () => Probe.fromCommand(['true']) },
    { prop: 'startup', at: ['main', 'sidecar'], read: (c) => c.startupProbe, expected: undefined, set: () => Probe.fromCommand(['true']) },
    // cdk8s-plus adds a TCP startup probe to a container with a port unless told otherwise.
    { prop: 'startup', what: 'none with a port either', at: ['main', 'sidecar'], given: { ports: [{ containerPort: 8080 }] }, read: (c) => c.startupProbe, expected: undefined, set: () => Probe.fromCommand(['true']) },
    { prop: 'privileged', read: (c) => c.securityContext.privileged, expected: false, set: () => true },
    { prop: 'addCapabilities', what: 'ALL dropped', given: { runAsUser: 0 }, read: (c) => c.securityContext.capabilities, expected: { drop: ['ALL'] }, set: () => [Capability.NET_ADMIN] },
    { prop: 'addCapabilities', what: 'a privileged container keeps all', given: { privileged: true }, read: (c) => c.securityContext.capabilities, expected: undefined, set: () => [Capability.NET_ADMIN] },
    { prop: 'runAsUser', what: '65534', read: (c) => c.securityContext.runAsUser, expected: 65534, set: () => 1000 },
    { prop: 'runAsUser', what: '0 when privileged', given: { privileged: true }, read: (c) => c.securityContext.runAsUser, expected: 0, set: () => 1000 },
    { prop: 'runAsGroup', what: 'the default user\'s', read: (c) => c.securityContext.runAsGroup, expected: 65534, set: () => 2000 },
    { prop: 'runAsGroup', what: 'runAsUser\'s', given: { runAsUser: 1000 }, read: (c) => c.securityContext.runAsGroup, expected: 1000, set: () => 2000 },
    { prop: 'runAsGroup', what: '0 when privileged', given: { privileged: true }, read: (c) => c.securityContext.runAsGroup, expected: 0, set: () => 2000 },
    { prop: 'runAsNonRoot', what: 'true', read: (c) => c.securityContext.runAsNonRoot, expected: true, set: () => false },
    // true is rejected for a root container (the kubelet would refuse to start it): nothing to set.
    { prop: 'runAsNonRoot', what: 'false for runAsUser 0', given: { runAsUser: 0 }, read: (c) => c.securityContext.runAsNonRoot, expected: false },
    { prop: 'runAsNonRoot', what: 'false when privileged', given: { privileged: true }, read: (c) => c.securityContext.runAsNonRoot, expected: false },
    { prop: 'readOnlyRootFilesystem', read: (c) => c.securityContext.readOnlyRootFilesystem, expected: true, set: () => false },
    { prop: 'allowPrivilegeEscalation', what: 'false', read: (c) => c.securityContext.allowPrivilegeEscalation, expected: false, set: () => true },
    // false is rejected with privileged or SYS_ADMIN (ValidateSecurityContext): nothing to set.
    { prop: 'allowPrivilegeEscalation', what: 'true when privileged', given: { privileged: true }, read: (c) => c.securityContext.allowPrivilegeEscalation, expected: true },
    {
      prop: 'allowPrivilegeEscalation',
      what: 'true with SYS_ADMIN',
      given: { runAsUser: 0, addCapabilities: [Capability.SYS_ADMIN] },
      read: (c) => c.securityContext.allowPrivilegeEscalation,
      expected: true,
    },
    { prop: 'seccompProfile', read: (c) => c.securityContext.seccompProfile, expected: RUNTIME_DEFAULT, set: () => ({ type: SeccompProfileType.UNCONFINED }) },
    { prop: 'workingDir', read: (c) => c.workingDir, expected: undefined, set: () => '/work' },
    { prop: 'terminationMessagePolicy', read: (c) => c.terminationMessagePolicy, expected: undefined, set: () => TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR },
    { prop: 'envFrom', read: (c) => c.envFrom, expected: undefined, set: () => [Env.fromConfigMap(ConfigMap.fromConfigMapName(newChart(), 'env', 'agent-env'))] },
    { prop: 'lifecycle', at: ['main', 'sidecar'], read: (c) => c.lifecycle, expected: undefined, set: () => ({ preStop: Handler.fromCommand(['sleep', '5']) }) },
  ];
  for (const position of ['main', 'sidecar', 'init'] as const) {
    describe(position, () => {
      const here = cases.filter((c) => (c.at ?? ['main', 'sidecar', 'init']).includes(position));
      for (const c of here) {
        holdDefaults<ContainerSettings, any>('ContainerSettings', (o) => containerAt(position, o, c.pod), [c]);
      }
    });
  }

  test('resources: each part given replaces only that part of the default', () => {
    // GIVEN only a CPU request, then only memory
    // WHEN
    const cpuOnly = containerAt('main', { resources: { cpu: { request: Cpu.millis(200) } } });
    const memoryOnly = containerAt('main', { resources: { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(96) } } });
    // THEN the other part keeps the default, and there is no ephemeral-storage
    expect(cpuOnly.resources).toEqual({ requests: { cpu: '200m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    expect(memoryOnly.resources).toEqual({ requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '96Mi' } });
  });
});

describe('AgentContainer', () => {
  holdDefaults<Partial<AgentContainer>, any>('AgentContainer', (o) => container(agent({ initContainers: [{ name: 'init', image: IMAGE, ...o }] }).objects, 'init'), [
    { prop: 'restartPolicy', what: 'a plain init container', read: (c) => c.restartPolicy, expected: undefined, set: () => ContainerRestartPolicy.ALWAYS },
  ]);
});

describe('AgentPort', () => {
  holdDefaults<Partial<AgentPort>, any>('AgentPort', (o) => agent({ ports: [{ containerPort: 8080, ...o }] }).main.ports[0], [
    { prop: 'name', what: 'unnamed', read: (p) => p.name, expected: undefined, set: () => 'http' },
    { prop: 'hostPort', read: (p) => p.hostPort, expected: undefined, set: () => 18080 },
    { prop: 'protocol', read: (p) => p.protocol, expected: 'TCP', set: () => Protocol.UDP },
  ]);
});

describe('AgentVolumeMount', () => {
  holdDefaults<Partial<AgentVolumeMount>, any>('AgentVolumeMount', (o) => agent({
    volumes: [AgentVolume.fromEmptyDir('tmp')],
    volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp', ...o }],
  }).main.volumeMounts[0], [
    { prop: 'readOnly', read: (v) => v.readOnly, expected: true, set: () => false },
    { prop: 'subPath', what: 'the volume\'s root', read: (v) => v.subPath, expected: undefined, set: () => 'agent' },
  ]);
});

describe('PodDnsConfig', () => {
  // Each row gives another field, so that the config is never empty.
  holdDefaults<PodDnsConfig, any>('PodDnsConfig', (o) => agent({ dnsConfig: o }).spec.dnsConfig, [
    { prop: 'nameservers', given: { searches: ['example.com'] }, read: (d) => d.nameservers, expected: undefined, set: () => ['10.0.0.10'] },
    { prop: 'searches', given: { nameservers: ['10.0.0.10'] }, read: (d) => d.searches, expected: undefined, set: () => ['example.com'] },
    { prop: 'options', given: { searches: ['example.com'] }, read: (d) => d.options, expected: undefined, set: () => [{ name: 'ndots', value: '2' }] },
  ]);
});

describe('SeLinuxOptions', () => {
  // Each row gives another field, so that the options are never empty.
  const read = (field: string) => (s: any) => s[field];
  holdDefaults<SeLinuxOptions, any>('SeLinuxOptions', (o) => agent({ seLinuxOptions: o }).spec.securityContext.seLinuxOptions, [
    { prop: 'type', given: { level: 's0:c1,c2' }, read: read('type'), expected: undefined, set: () => 'container_t' },
    { prop: 'level', given: { type: 'container_t' }, read: read('level'), expected: undefined, set: () => 's0:c1,c2' },
    { prop: 'user', given: { type: 'container_t' }, read: read('user'), expected: undefined, set: () => 'system_u' },
    { prop: 'role', given: { type: 'container_t' }, read: read('role'), expected: undefined, set: () => 'system_r' },
  ]);
});

describe('HostMountOptions', () => {
  /** A root agent (it may read /var/log) with one read-only host mount. */
  const mounted = (path: string) => (o: HostMountOptions) => {
    const m = agent({ runAsUser: 0, hostMounts: [HostMount.readOnly(path, o)] });
    return { volume: m.spec.volumes[0], mount: m.main.volumeMounts[0] };
  };
  holdDefaults<HostMountOptions, any>('HostMountOptions', mounted('/var/log'), [
    { prop: 'type', read: (m) => m.volume.hostPath.type, expected: 'Directory', set: () => 'DirectoryOrCreate' },
    { prop: 'mountPath', what: 'the host path', read: (m) => m.mount.mountPath, expected: '/var/log', set: () => '/host/var/log' },
    // Absent: the API server reads it as None.
    { prop: 'propagation', what: 'None', read: (m) => m.mount.mountPropagation ?? 'None', expected: 'None', set: () => MountPropagation.HOST_TO_CONTAINER },
    { prop: 'volumeName', what: '"/var/log" is "host-var-log"', read: (m) => [m.volume.name, m.mount.name], expected: ['host-var-log', 'host-var-log'], set: () => 'logs' },
  ]);
  holdDefaults<HostMountOptions, any>('HostMountOptions', mounted('/'), [
    { prop: 'volumeName', what: '"/" is "host-root"', given: { mountPath: '/host/root' }, read: (m) => m.volume.name, expected: 'host-root', set: () => 'root' },
  ]);

  cover('HostMountOptions', 'shared');
  test('shared (false: two agents writing one host path on one node are reported)', () => {
    // GIVEN two root agents that write /var/lib/agent-state, on the same nodes
    const twoWriters = (options: HostMountOptions) => {
      const chart = newChart();
      for (const id of ['a', 'b']) {
        new DaemonSet(chart, id, { image: IMAGE, runAsUser: 0, hostMounts: [HostMount.readWrite('/var/lib/agent-state', options)] });
      }
      return () => synth(chart);
    };
    // WHEN / THEN without `shared` the second writer is an error; with it both are fine
    expect(twoWriters({})).toThrow(/both claim writable host path \/var\/lib\/agent-state/);
    expect(twoWriters({ shared: true })()).toHaveLength(4);
  });
});

describe('RollingUpdateOptions', () => {
  holdDefaults<RollingUpdateOptions, any>('RollingUpdateOptions', (o) => agent({ updateStrategy: UpdateStrategy.rollingUpdate(o) }).daemonSet.spec.updateStrategy.rollingUpdate, [
    { prop: 'maxUnavailable', what: '1', read: (r) => r.maxUnavailable, expected: 1, set: () => IntOrPercent.percent(10) },
    { prop: 'maxUnavailable', what: '0 with a surge', given: { maxSurge: IntOrPercent.absolute(1) }, read: (r) => r.maxUnavailable, expected: 0 },
    { prop: 'maxSurge', read: (r) => r.maxSurge, expected: 0, set: () => IntOrPercent.absolute(1) },
  ]);
});

describe('TolerationOptions', () => {
  holdDefaults<TolerationOptions, any>('TolerationOptions', (o) => agent({ tolerations: [Toleration.exists('dedicated', o)] }).spec.tolerations[0], [
    { prop: 'effect', what: 'every effect', read: (t) => t.effect, expected: undefined, set: () => TaintEffect.NO_SCHEDULE },
    { prop: 'tolerationSeconds', what: 'never evicted', given: { effect: TaintEffect.NO_EXECUTE }, read: (t) => t.tolerationSeconds, expected: undefined, set: () => 300 },
  ]);
});

/** The pod volume `v` of an agent that mounts it at /v. */
function volumeOf(volume: AgentVolume): any {
  return agent({ volumes: [volume], volumeMounts: [{ volumeName: volume.name, mountPath: '/v' }] }).spec.volumes[0];
}

describe('KeyedVolumeOptions', () => {
  // Absent optional: the API server reads it as false.
  holdDefaults<KeyedVolumeOptions, any>('KeyedVolumeOptions', (o) => volumeOf(AgentVolume.fromConfigMap('config', 'agent-config', o)).configMap, [
    { prop: 'items', what: 'every key', read: (v) => v.items, expected: undefined, set: () => ({ 'agent.yaml': 'agent.yaml' }) },
    { prop: 'defaultMode', what: '0o444 for a ConfigMap', read: (v) => v.defaultMode, expected: 0o444, set: () => 0o400 },
    { prop: 'optional', read: (v) => v.optional ?? false, expected: false, set: () => true },
  ]);
  holdDefaults<KeyedVolumeOptions, any>('KeyedVolumeOptions', (o) => volumeOf(AgentVolume.fromSecret('tls', 'agent-tls', o)).secret, [
    { prop: 'items', what: 'every key of a Secret', read: (v) => v.items, expected: undefined, set: () => ({ 'tls.crt': 'tls.crt' }) },
    { prop: 'defaultMode', what: '0o440 for a Secret', read: (v) => v.defaultMode, expected: 0o440, set: () => 0o400 },
    { prop: 'optional', what: 'of a Secret', read: (v) => v.optional ?? false, expected: false, set: () => true },
  ]);
});

describe('EmptyDirOptions', () => {
  holdDefaults<EmptyDirOptions, any>('EmptyDirOptions', (o) => volumeOf(AgentVolume.fromEmptyDir('tmp', o)).emptyDir, [
    // No medium is the node's disk.
    { prop: 'inMemory', what: 'on disk', read: (e) => e.medium ?? '', expected: '', set: () => true },
    { prop: 'sizeLimit', read: (e) => e.sizeLimit, expected: undefined, set: () => Size.mebibytes(64) },
  ]);
});

describe('ProjectedVolumeOptions, ProjectedKeysOptions and ServiceAccountTokenOptions', () => {
  const projected = (sources: ProjectedSource[], options: ProjectedVolumeOptions = {}) => volumeOf(AgentVolume.fromProjected('creds', sources, options)).projected;
  // Absent defaultMode: the API server sets 0o644.
  holdDefaults<ProjectedVolumeOptions, any>('ProjectedVolumeOptions', (o) => projected([ProjectedSource.secret('agent-creds')], o), [
    { prop: 'defaultMode', what: '0o644', read: (p) => p.defaultMode ?? 0o644, expected: 0o644, set: () => 0o440 },
  ]);
  holdDefaults<ProjectedKeysOptions, any>('ProjectedKeysOptions', (o) => projected([ProjectedSource.configMap('agent-config', o)]).sources[0].configMap, [
    { prop: 'items', what: 'every key', read: (s) => s.items, expected: undefined, set: () => ({ 'agent.yaml': 'agent.yaml' }) },
    { prop: 'optional', read: (s) => s.optional ?? false, expected: false, set: () => true },
  ]);
  holdDefaults<ServiceAccountTokenOptions, any>('ServiceAccountTokenOptions', (o) => projected([ProjectedSource.serviceAccountToken('token', o)]).sources[0].serviceAccountToken, [
    { prop: 'audience', what: 'the API server\'s', read: (t) => t.audience, expected: undefined, set: () => 'vault' },
    { prop: 'expiration', what: 'one hour', read: (t) => t.expirationSeconds, expected: 3600, set: () => Duration.minutes(20) },
  ]);
});

describe('CsiInlineVolumeOptions', () => {
  holdDefaults<CsiInlineVolumeOptions, any>('CsiInlineVolumeOptions', (o) => volumeOf(AgentVolume.fromCsi('secrets', 'secrets-store.csi.k8s.io', o)).csi, [
    { prop: 'readOnly', read: (c) => c.readOnly, expected: true, set: () => false },
    { prop: 'fsType', what: 'the driver\'s', read: (c) => c.fsType, expected: undefined, set: () => 'ext4' },
    { prop: 'volumeAttributes', read: (c) => c.volumeAttributes, expected: undefined, set: () => ({ secretProviderClass: 'agent' }) },
    { prop: 'nodePublishSecretName', read: (c) => c.nodePublishSecretRef, expected: undefined, set: () => 'provider-creds' },
  ]);
});

describe('MonitorOptions and ServiceMonitorOptions', () => {
  const PORTS = [{ containerPort: 9100, name: 'metrics' }, { containerPort: 9101, name: 'http' }];
  holdDefaults<MonitorOptions, any>('MonitorOptions', (o) => {
    const m = agent({ ports: PORTS, metrics: AgentMetrics.podMonitor(o) });
    const monitor = only(m.objects, 'PodMonitor');
    return { endpoint: monitor.spec.podMetricsEndpoints[0], labels: monitor.metadata.labels, agentLabels: m.daemonSet.metadata.labels };
  }, [
    { prop: 'interval', what: 'Prometheus\'s', read: (m) => m.endpoint.interval, expected: undefined, set: () => Duration.seconds(30) },
    { prop: 'scrapeTimeout', what: 'Prometheus\'s', read: (m) => m.endpoint.scrapeTimeout, expected: undefined, set: () => Duration.seconds(10) },
    { prop: 'port', read: (m) => m.endpoint.port, expected: 'metrics', set: () => 'http' },
    { prop: 'path', read: (m) => m.endpoint.path, expected: '/metrics', set: () => '/stats' },
    { prop: 'labels', what: 'the agent\'s', read: (m) => m.labels, expected: DEFAULT_LABELS, set: () => ({ release: 'prometheus' }) },
  ]);
  holdDefaults<ServiceMonitorOptions, any>('ServiceMonitorOptions', (o) => only(agent({ ports: PORTS, metrics: AgentMetrics.serviceMonitor(o) }).objects, 'Service').metadata.name, [
    { prop: 'serviceName', what: 'the agent\'s name and "-metrics"', read: (name) => name, expected: `${NAME}-metrics`, set: () => 'scrape' },
  ]);
});

describe('AgentNamespaceProps', () => {
  /** A namespace `Agents`, with a privileged agent in it when `withAgent`. */
  const namespace = (withAgent: boolean) => (o: AgentNamespaceProps) => {
    const chart = newChart();
    const ns = new AgentNamespace(chart, 'Agents', o);
    if (withAgent) {
      new DaemonSet(chart, ID, { image: IMAGE, namespace: ns.name, hostPid: true });
    }
    return only(synth(chart), 'Namespace').metadata;
  };
  holdDefaults<AgentNamespaceProps, any>('AgentNamespaceProps', namespace(false), [
    { prop: 'name', what: 'the construct id as a DNS-1123 label', read: (n) => n.name, expected: 'agents', set: () => 'node-agents' },
    { prop: 'level', what: 'restricted without agents', read: (n) => n.labels['pod-security.kubernetes.io/enforce'], expected: 'restricted', set: () => PodSecurityLevel.BASELINE },
    { prop: 'podSecurityVersion', read: (n) => n.labels['pod-security.kubernetes.io/enforce-version'], expected: 'v1.28', set: () => 'v1.30' },
    {
      prop: 'labels',
      what: 'only the Pod Security labels',
      read: (n) => Object.keys(n.labels).sort(),
      expected: ['audit', 'audit-version', 'enforce', 'enforce-version', 'warn', 'warn-version'].map((k) => `pod-security.kubernetes.io/${k}`),
      set: () => ({ team: 'platform' }),
    },
  ]);
  holdDefaults<AgentNamespaceProps, any>('AgentNamespaceProps', (o) => {
    const chart = newChart();
    new AgentNamespace(chart, 'Agents', o);
    return synth(chart).filter((x) => x.kind === 'ResourceQuota').map((x) => x.metadata.name);
  }, [
    { prop: 'admitCriticalPods', what: 'no ResourceQuota', read: (q) => q, expected: [], set: () => true },
  ]);
  holdDefaults<AgentNamespaceProps, any>('AgentNamespaceProps', namespace(true), [
    // hostPID needs the privileged level; any fixed level stricter than that fails at synth.
    { prop: 'level', what: 'the least restrictive level its agents need', read: (n) => ['enforce', 'warn', 'audit'].map((k) => n.labels[`pod-security.kubernetes.io/${k}`]), expected: ['privileged', 'privileged', 'privileged'] },
  ]);
});

describe('NodeExporterNetworkPolicyOptions', () => {
  holdDefaults<NodeExporterNetworkPolicyOptions, any>('NodeExporterNetworkPolicyOptions', (o) => {
    const chart = newChart();
    new NodeExporter(chart, 'node-exporter', { networkPolicy: o });
    return only(synth(chart), 'NetworkPolicy').spec.ingress[0].from[0];
  }, [
    { prop: 'scraperPodLabels', read: (f) => f.podSelector, expected: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } }, set: () => ({ app: 'vmagent' }) },
    // A peer without a namespaceSelector selects pods of the policy's own namespace.
    { prop: 'scraperNamespaceLabels', what: 'the node exporter\'s own namespace', read: (f) => f.namespaceSelector, expected: undefined, set: () => ({ 'kubernetes.io/metadata.name': 'monitoring' }) },
  ]);
});

describe('CniInstaller', () => {
  holdDefaults<Partial<CniInstaller>, any>('CniInstaller', (o) => {
    const chart = newChart();
    new NetworkAgent(chart, 'cni', { apiServerHost: '10.0.0.10', apiServerPort: 6443, cniInstaller: { image: IMAGE, ...o } });
    const init = podSpec(synth(chart)).initContainers[0];
    return { name: init.name, mounts: Object.fromEntries(init.volumeMounts.map((v: any) => [v.name, v.mountPath])), security: init.securityContext };
  }, [
    { prop: 'name', read: (i) => i.name, expected: 'install-cni', set: () => 'install' },
    { prop: 'binMountPath', read: (i) => i.mounts['cni-bin-dir'], expected: '/host/opt/cni/bin', set: () => '/opt/cni/bin' },
    { prop: 'confMountPath', read: (i) => i.mounts['cni-net-dir'], expected: '/host/etc/cni/net.d', set: () => '/etc/cni/net.d' },
    // A ContainerSettings prop whose default CniInstaller changes (its "Defaults it changes" table): the installer
    // runs as root (a non-root installer is rejected: it could not write the directories the kubelet creates as
    // root). Its other ContainerSettings props are held by ContainerSettings' rows and preset-defaults.test.ts.
    { prop: 'runAsUser', what: 'root, unlike ContainerSettings', read: (i) => [i.security.runAsUser, i.security.runAsGroup, i.security.runAsNonRoot], expected: [0, 0, false] },
  ]);
});

/** A Fluent Bit LogAgent with `output`: its [OUTPUT] section, main container and volumes. */
function shipping(output: LogOutput) {
  const chart = newChart();
  new LogAgent(chart, 'logs', { output });
  const objects = synth(chart);
  const config = Object.values(only(objects, 'ConfigMap').data as Record<string, string>).join('\n');
  const section = /\[OUTPUT\]\n((?: {4}.*\n?)+)/.exec(config)![1];
  const entries = section.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const main = container(objects);
  return {
    /** The values of an [OUTPUT] entry. */
    entry: (key: string) => entries.filter(([k]) => k === key).map((e) => e.slice(1).join(' ')),
    env: (main.env as any[]).map((e) => e.name).filter((n) => n.startsWith('LOG_OUTPUT_')),
    volumes: (podSpec(objects).volumes as any[]).map((v) => v.name).filter((n) => n.startsWith('output-')),
  };
}

describe('ElasticsearchOutputOptions (Fluent Bit)', () => {
  const CA = { name: 'es-ca', key: 'ca.pem' };
  holdDefaults<Partial<ElasticsearchOutputOptions>, any>('ElasticsearchOutputOptions', (o) => shipping(LogOutput.elasticsearch({ host: 'es.logging.svc', ...o })), [
    { prop: 'port', read: (s) => s.entry('Port'), expected: ['9200'], set: () => 9201 },
    { prop: 'index', read: (s) => s.entry('Index'), expected: ['kubernetes-logs'], set: () => 'logs' },
    { prop: 'tls', what: 'plain HTTP', read: (s) => s.entry('tls'), expected: ['Off'], set: () => true },
    { prop: 'tlsVerify', given: { tls: true }, read: (s) => s.entry('tls.verify'), expected: ['On'], set: () => false },
    { prop: 'credentialsSecret', what: 'no authentication', read: (s) => [s.entry('HTTP_User'), s.env], expected: [[], []], set: () => 'es-credentials' },
    { prop: 'apiKey', read: (s) => [s.entry('HTTP_API_Key'), s.env], expected: [[], []], set: () => ({ name: 'es-key', key: 'encoded' }) },
    { prop: 'caBundle', what: 'the image\'s', given: { tls: true }, read: (s) => [s.entry('tls.ca_file'), s.volumes], expected: [[], []], set: () => CA },
  ]);
});

describe('LokiOutputOptions (Fluent Bit)', () => {
  holdDefaults<Partial<LokiOutputOptions>, any>('LokiOutputOptions', (o) => shipping(LogOutput.loki({ url: 'https://loki.example.com', ...o })), [
    {
      prop: 'labels',
      what: 'namespace, pod and container only',
      read: (s) => s.entry('Labels'),
      expected: ["namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name']"],
      set: () => ({ cluster: 'prod' }),
    },
    { prop: 'credentialsSecret', what: 'no authentication', read: (s) => [s.entry('HTTP_User'), s.env], expected: [[], []], set: () => 'loki-credentials' },
    { prop: 'tenantId', what: 'no tenant header', read: (s) => s.entry('Tenant_ID'), expected: [], set: () => 'team-a' },
    { prop: 'bearerToken', read: (s) => [s.entry('Bearer_Token'), s.env], expected: [[], []], set: () => ({ name: 'loki-token', key: 'token' }) },
    { prop: 'caBundle', what: 'the image\'s', read: (s) => [s.entry('tls.ca_file'), s.volumes], expected: [[], []], set: () => ({ name: 'loki-ca', key: 'ca.pem' }) },
  ]);
});

describe('OtlpOutputOptions (Fluent Bit)', () => {
  holdDefaults<Partial<OtlpOutputOptions>, any>('OtlpOutputOptions', (o) => shipping(LogOutput.otlp({ url: 'https://otel.example.com', ...o })), [
    { prop: 'headers', read: (s) => s.entry('Header'), expected: [], set: () => ({ 'X-Tenant': 'a' }) },
    { prop: 'bearerToken', read: (s) => [s.entry('Header'), s.env], expected: [[], []], set: () => ({ name: 'otel-token', key: 'token' }) },
    { prop: 'credentialsSecret', what: 'no basic authentication', read: (s) => [s.entry('HTTP_User'), s.env], expected: [[], []], set: () => 'otel-credentials' },
    { prop: 'caBundle', what: 'the image\'s', read: (s) => [s.entry('tls.ca_file'), s.volumes], expected: [[], []], set: () => ({ name: 'otel-ca', key: 'ca.pem' }) },
  ]);
});

describe('CustomLogOutputOptions and CustomLogFilterOptions: a flavor without text is rejected', () => {
  const TEXT = {
    fluentBit: 'Name null',
    fluentd: '@type null',
    filebeat: 'output.console:\n  pretty: false',
    logstash: 'stdout {\n  codec => rubydebug\n}',
    otelCollector: 'debug:\n  verbosity: basic',
  };
  const FILTER = {
    fluentBit: 'Name modify\nAdd cluster prod',
    fluentd: '@type record_transformer',
    filebeat: 'drop_fields:\n  fields: ["agent"]',
    logstash: 'mutate {\n  add_tag => ["k8s"]\n}',
    otelCollector: 'filter:\n  error_mode: ignore',
  };
  const cases = [
    [LogFlavor.FLUENT_BIT, 'fluentBit'],
    [LogFlavor.FLUENTD, 'fluentd'],
    [LogFlavor.FILEBEAT, 'filebeat'],
    [LogFlavor.LOGSTASH, 'logstash'],
    [LogFlavor.OTEL_COLLECTOR, 'otelCollector'],
  ] as const;
  cover('CustomLogOutputOptions', ...cases.map(([, key]) => key));
  cover('CustomLogFilterOptions', ...cases.map(([, key]) => key));

  test.each(cases)('fails when a %s LogAgent gets a custom output without `%s`', (flavor, key) => {
    // GIVEN the text of the two other flavors
    const others = without(TEXT, key);
    // WHEN / THEN
    expect(() => new LogAgent(newChart(), 'logs', { flavor, output: LogOutput.custom(others) })).toThrow(new RegExp(`output\\.${key}: got undefined; the agent runs ${flavor}`));
    // AND with the flavor's text it is accepted
    expect(synth(newChartWith((c) => new LogAgent(c, 'logs', { flavor, output: LogOutput.custom(TEXT) })))).not.toHaveLength(0);
  });

  test.each(cases)('fails when a %s LogAgent gets a custom filter without `%s`', (flavor, key) => {
    const others = without(FILTER, key);
    expect(() => new LogAgent(newChart(), 'logs', { flavor, filters: [LogFilter.custom(others)] })).toThrow(new RegExp(`filters\\[0\\]\\.${key}: got undefined; the agent runs ${flavor}`));
    expect(synth(newChartWith((c) => new LogAgent(c, 'logs', { flavor, filters: [LogFilter.custom(FILTER)] })))).not.toHaveLength(0);
  });

  holdDefaults<{ secretEnv?: any }, any>('CustomLogOutputOptions', (o) => shipping(LogOutput.custom({ fluentBit: 'Name null', ...o })), [
    { prop: 'secretEnv', read: (s) => s.env, expected: [], set: () => ({ LOG_OUTPUT_KAFKA_PASSWORD: { name: 'kafka', key: 'password' } }) },
  ]);
});

/** A copy of `texts` without `key`. */
function without<T extends object>(texts: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...texts };
  delete copy[key];
  return copy;
}

function newChartWith(build: (chart: ReturnType<typeof newChart>) => void) {
  const chart = newChart();
  build(chart);
  return chart;
}

describe('InventoryNode, NodeTaint and PreviewOptions (placement preview)', () => {
  const LINUX = { 'kubernetes.io/os': 'linux' };
  /** The placement of a toleration-free agent on one node. */
  const place = (node: Partial<InventoryNode>, props: Partial<DaemonSetProps> = {}, options: PreviewOptions = {}) => {
    const ds = new DaemonSet(newChart(), ID, { image: IMAGE, tolerations: [], ...props });
    return ds.previewPlacement(NodeInventory.fromNodes([{ name: 'node-1', ...node }]), options);
  };
  holdDefaults<Partial<InventoryNode>, any>('InventoryNode', (o) => place(o).nodes[0], [
    // No labels: the default node selector (kubernetes.io/os=linux) does not match.
    { prop: 'labels', what: 'none', read: (n) => n.scheduled, expected: false, set: () => LINUX },
    { prop: 'taints', what: 'none', given: { labels: LINUX }, read: (n) => n.scheduled, expected: true, set: () => [{ key: 'dedicated', effect: TaintEffect.NO_SCHEDULE }] },
    { prop: 'unschedulable', given: { labels: LINUX }, read: (n) => n.unschedulable, expected: false, set: () => true },
  ]);
  holdDefaults<Partial<InventoryNode>, any>('InventoryNode', (o) => place(o, { resources: { cpu: { request: Cpu.units(64) } } }).nodes[0], [
    { prop: 'allocatable', what: 'not checked: 64 CPUs fit', given: { labels: LINUX }, read: (n) => n.runs, expected: true, set: () => ({ cpu: '2', memory: '8Gi', pods: '110' }) },
  ]);
  holdDefaults<Partial<InventoryNode>, any>('InventoryNode', (o) => place(o).nodes[0], [
    { prop: 'conditions', what: 'not reported: taken as Ready, the pod runs', given: { labels: LINUX }, read: (n) => n.runs, expected: true, set: () => [{ type: 'Ready', status: 'Unknown' }] },
  ]);
  holdDefaults<Partial<NodeTaint>, any>('NodeTaint', (o) => place(
    { labels: LINUX, taints: [{ key: 'dedicated', effect: TaintEffect.NO_SCHEDULE, ...o }] },
    { tolerations: [Toleration.equal('dedicated', '')] },
  ).nodes[0], [
    { prop: 'value', what: '"": tolerated by an Equal toleration with an empty value', read: (n) => n.scheduled, expected: true, set: () => 'agents' },
  ]);

  const small = { labels: LINUX, allocatable: { cpu: '2', memory: '100Mi', pods: '110' } };
  const pods = PodInventory.fromKubectlJson(JSON.stringify({
    kind: 'List',
    items: [{ kind: 'Pod', metadata: { name: 'app', namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'app', resources: { requests: { memory: '90Mi' } } }] }, status: { phase: 'Running' } }],
  }));
  holdDefaults<PreviewOptions, any>('PreviewOptions', (o) => place(small, {}, o).nodes[0], [
    { prop: 'pods', what: 'an empty node: 64Mi fit in 100Mi', read: (n) => n.runs, expected: true, set: () => pods },
  ]);
  holdDefaults<PreviewOptions, any>('PreviewOptions', (o) => place(small, { priorityClassName: 'agents-high' }, o).priority, [
    { prop: 'priorityClasses', what: 'only the built-in classes: an unknown class is priority 0', read: (p) => p, expected: 0, set: () => [{ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'agents-high' }, value: 1000 }] },
  ]);
  test('priorityClasses (the built-in system-node-critical is known)', () => {
    expect(place(small, { priorityClassName: 'system-node-critical' }).priority).toBe(2000001000);
  });
});

describe('PlacementReason and NodeFit (what the preview leaves out)', () => {
  const LINUX = { 'kubernetes.io/os': 'linux' };
  const OPTIONAL = ['key', 'expected', 'nodeValue', 'termIndex', 'taint', 'resource', 'heldBy'];
  cover('PlacementReason', ...OPTIONAL);
  /** The reasons of the one node for an agent, with only the optional fields that are set. */
  const reasonsOf = (preview: PlacementPreview, kind: PlacementReasonKind) => preview.nodes[0].reasons
    .filter((r) => r.kind === kind)
    .map((r) => Object.fromEntries(OPTIONAL.filter((f) => (r as any)[f] !== undefined).map((f) => [f, (r as any)[f]])));
  const preview = (node: Partial<InventoryNode>, props: Partial<DaemonSetProps> = {}, options: PreviewOptions = {}) =>
    new DaemonSet(newChart(), ID, { image: IMAGE, ...props }).previewPlacement(NodeInventory.fromNodes([{ name: 'node-1', ...node }]), options);
  /** The preview of the core's manifest with its required node affinity terms replaced. */
  const withTerms = (terms: unknown[]) => {
    const manifest = new DaemonSet(newChart(), ID, { image: IMAGE }).apiObject.toJson();
    manifest.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms = terms;
    return PlacementPreview.forManifest(manifest, NodeInventory.fromNodes([{ name: 'node-1', labels: LINUX }]));
  };
  const portHolder = PodInventory.fromKubectlJson(JSON.stringify({
    kind: 'List',
    items: [{ kind: 'Pod', metadata: { name: 'app', namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'app', ports: [{ containerPort: 9100, hostPort: 9100 }] }] }, status: { phase: 'Running' } }],
  }));

  test.each<[string, () => PlacementPreview, PlacementReasonKind, object]>([
    ['a node selector label the node lacks: no nodeValue', () => preview({}), PlacementReasonKind.NODE_SELECTOR, { key: 'kubernetes.io/os', expected: 'linux' }],
    ['a node selector label with another value', () => preview({ labels: { 'kubernetes.io/os': 'windows' } }), PlacementReasonKind.NODE_SELECTOR, { key: 'kubernetes.io/os', expected: 'linux', nodeValue: 'windows' }],
    [
      'an affinity expression',
      () => preview({ labels: { ...LINUX, pool: 'b' } }, { requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.in('pool', ['a']))] }),
      PlacementReasonKind.NODE_AFFINITY,
      { key: 'pool', expected: 'In [a]', nodeValue: 'b', termIndex: 0 },
    ],
    ['an empty affinity term: no key, expected or nodeValue', () => withTerms([{}]), PlacementReasonKind.NODE_AFFINITY, { termIndex: 0 }],
    ['no affinity terms at all: no termIndex either', () => withTerms([]), PlacementReasonKind.NODE_AFFINITY, {}],
    [
      'a taint without a value: no expected',
      () => preview({ labels: LINUX, taints: [{ key: 'dedicated', effect: TaintEffect.NO_SCHEDULE }] }, { tolerations: [] }),
      PlacementReasonKind.TAINT,
      { key: 'dedicated', nodeValue: '', taint: 'dedicated:NoSchedule' },
    ],
    [
      'too little memory: only resource',
      () => preview({ labels: LINUX, allocatable: { cpu: '2', memory: '32Mi', pods: '110' } }),
      PlacementReasonKind.NODE_RESOURCES_FIT,
      { resource: 'memory' },
    ],
    [
      'a host port in use: resource and heldBy',
      () => preview({ labels: LINUX }, { ports: [{ containerPort: 9100, hostPort: 9100 }] }, { pods: portHolder }),
      PlacementReasonKind.NODE_PORTS,
      { resource: '9100/TCP', heldBy: 'default/app' },
    ],
    ['a virtual node: none', () => preview({ labels: { ...LINUX, type: 'virtual-kubelet' } }), PlacementReasonKind.VIRTUAL_NODE, {}],
    [
      'an image for another platform: expected and nodeValue',
      () => preview({ labels: { ...LINUX, 'kubernetes.io/arch': 'arm64' } }, { imagePlatforms: ['linux/amd64'] }),
      PlacementReasonKind.IMAGE_PLATFORM,
      { expected: 'linux/amd64', nodeValue: 'linux/arm64' },
    ],
    [
      'a node that is not Ready: nodeValue, its Ready status',
      () => preview({ labels: LINUX, conditions: [{ type: 'Ready', status: 'Unknown' }] }),
      PlacementReasonKind.NODE_NOT_READY,
      { nodeValue: 'Unknown' },
    ],
    [
      'disk pressure: nodeValue, the pressure conditions',
      () => preview({ labels: LINUX, conditions: [{ type: 'DiskPressure', status: 'True' }, { type: 'PIDPressure', status: 'True' }] }),
      PlacementReasonKind.NODE_PRESSURE,
      { nodeValue: 'DiskPressure,PIDPressure' },
    ],
  ])('PlacementReason: %s', (_, make, kind, fields) => {
    // GIVEN / WHEN the preview of a node that fails one rule
    // THEN the reason has exactly the fields its kind sets; the others are left out, as documented
    expect(reasonsOf(make(), kind)).toEqual([fields]);
  });

  cover('NodeFit', 'agentCpuShare', 'agentMemoryShare', 'readyStatus');
  test('NodeFit: no readyStatus on a node that reports no Ready condition', () => {
    const manifest = new DaemonSet(newChart(), ID, { image: IMAGE }).apiObject.toJson();
    const inventory = NodeInventory.fromNodes([
      { name: 'unreported', labels: LINUX },
      { name: 'reported', labels: LINUX, conditions: [{ type: 'Ready', status: 'False', message: 'container runtime is down' }] },
    ]);
    const [unreported, reported] = FleetPreview.forManifests([manifest], inventory).nodes;
    expect([unreported.readyStatus, reported.readyStatus]).toEqual([undefined, 'False']);
  });
  test('NodeFit: no CPU or memory share on a node that reports no allocatable resources', () => {
    // GIVEN one node without allocatable and one with
    const manifest = new DaemonSet(newChart(), ID, { image: IMAGE }).apiObject.toJson();
    const inventory = NodeInventory.fromNodes([
      { name: 'unknown', labels: LINUX },
      { name: 'known', labels: LINUX, allocatable: { cpu: '2', memory: '640Mi', pods: '110' } },
    ]);
    // WHEN
    const [unknown, known] = FleetPreview.forManifests([manifest], inventory).nodes;
    // THEN
    expect([unknown.agentCpuShare, unknown.agentMemoryShare]).toEqual([undefined, undefined]);
    expect([known.agentCpuShare, known.agentMemoryShare]).toEqual([0.025, 0.1]);
  });
});

describe('every optional prop of the audited structs has a row', () => {
  const assembly = JSON.parse(readFileSync(join(__dirname, '..', '.jsii'), 'utf8'));
  const optionalProps = (struct: string): string[] => (assembly.types[`${assembly.name}.${struct}`]?.properties ?? [])
    .filter((p: any) => p.optional).map((p: any) => p.name);
  const structs = [
    'DaemonSetOptions', 'ContainerSettings', 'AgentContainer', 'AgentPort', 'AgentVolumeMount', 'PodDnsConfig', 'SeLinuxOptions', 'HostMountOptions',
    'RollingUpdateOptions', 'TolerationOptions', 'KeyedVolumeOptions', 'EmptyDirOptions', 'ProjectedVolumeOptions', 'ProjectedKeysOptions',
    'ServiceAccountTokenOptions', 'CsiInlineVolumeOptions', 'MonitorOptions', 'ServiceMonitorOptions', 'AgentNamespaceProps',
    'NodeExporterNetworkPolicyOptions', 'CniInstaller', 'ElasticsearchOutputOptions', 'LokiOutputOptions', 'OtlpOutputOptions',
    'CustomLogOutputOptions', 'CustomLogFilterOptions', 'InventoryNode', 'NodeTaint', 'PreviewOptions', 'PlacementReason', 'NodeFit',
  ];

  test.each(structs)('%s', (struct) => {
    // GIVEN the struct's own optional props, as jsii-docgen documents them (inherited props have their base's rows)
    const props = optionalProps(struct);
    // THEN each has a row above
    expect(props.length).toBeGreaterThan(0);
    expect(props.filter((p) => !covered.get(struct)?.has(p))).toEqual([]);
  });
});
