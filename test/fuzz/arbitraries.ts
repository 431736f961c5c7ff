import { Size } from 'cdk8s';
import { Capability, Cpu, EnvValue, HostPathVolumeType, MountPropagation, Probe, Protocol, TaintEffect } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { DaemonSetOptions, HostMount, IntOrPercent, NodeAffinityTerm, NodeRequirement, Toleration, UpdateStrategy } from '../../src';

/**
 * Random props for the core and the presets: mostly valid values with a share of invalid ones
 * mixed in (bad names, paths, ports, percentages, contradictions), so that a run explores both
 * the manifests and the errors.
 */
const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);

/**
 * Props generators. With `valid` true they draw only values the library must accept (and
 * consistent combinations), so that a run reaches the manifest; with `valid` false one value in
 * ten is bad and contradictions are allowed, so that a run explores the errors.
 */
export function arbitraries(valid: boolean) {
  const maybeBad = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
    (valid ? good : fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad }));
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

  const name = maybeBad(dnsLabel, fc.constantFrom('', 'Agent', 'a_b', '-a', 'x'.repeat(64)));
  const image = maybeBad(
    fc.tuple(fc.constantFrom('registry.example.com/agent', 'quay.io/org/agent', 'agent'), fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/)).map(([r, t]) => `${r}:${t}`),
    fc.constantFrom('agent', 'agent:latest', 'Agent:1', ' agent:1', 'agent:1 ', ''),
  );
  const labelKey = maybeBad(fc.constantFrom('team', 'example.com/owner', 'app.kubernetes.io/part-of', 'tier'), fc.constantFrom('bad key', '/x', 'a/b/c'));
  const labelValue = maybeBad(fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,10}[a-z0-9])?$/), fc.constantFrom('a b', '-x', 'x'.repeat(64)));
  const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
  const port = maybeBad(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, -1, 65536, 1.5));
  const hostPath = maybeBad(fc.constantFrom('/var/log', '/proc', '/sys', '/', '/run/containerd', '/var/lib/agent', '/etc/os-release'), fc.constantFrom('var/log', '/var/../etc', ''));
  const intOrPercent = maybeBad(
    fc.oneof(fc.integer({ min: 1, max: 5 }).map(IntOrPercent.absolute), fc.integer({ min: 1, max: 100 }).map(IntOrPercent.percent)),
    fc.constantFrom(IntOrPercent.absolute(-1), IntOrPercent.percent(150), IntOrPercent.absolute(0.5),
      IntOrPercent.absolute(0), IntOrPercent.percent(0)),
  );
  const effect = opt(fc.constantFrom(TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE, TaintEffect.PREFER_NO_SCHEDULE));
  const toleration = fc.oneof(
    fc.constant(Toleration.all()),
    fc.constantFrom(TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE).map((e) => Toleration.allWithEffect(e)),
    fc.tuple(labelKey, effect).map(([k, e]) => Toleration.exists(k, { effect: e })),
    fc.tuple(labelKey, maybeBad(fc.integer({ min: 0, max: 600 }), fc.constant(-1)), valid ? fc.constant(TaintEffect.NO_EXECUTE) : effect)
      .map(([k, s, e]) => Toleration.exists(k, { effect: e, tolerationSeconds: s })),
    fc.tuple(labelKey, labelValue, effect).map(([k, v, e]) => Toleration.equal(k, v, { effect: e })),
  );
  const values = fc.array(labelValue, { minLength: valid ? 1 : 0, maxLength: 2 });
  const requirement = fc.oneof(
    fc.tuple(labelKey, values).map(([k, v]) => NodeRequirement.in(k, v)),
    fc.tuple(labelKey, values).map(([k, v]) => NodeRequirement.notIn(k, v)),
    labelKey.map(NodeRequirement.exists),
    labelKey.map(NodeRequirement.doesNotExist),
    fc.tuple(labelKey, maybeBad(fc.integer(), fc.constant(1.5))).map(([k, v]) => NodeRequirement.gt(k, v)),
    fc.tuple(labelKey, fc.integer()).map(([k, v]) => NodeRequirement.lt(k, v)),
  );
  const quantityPair = <T>(make: (n: number) => T) => fc.tuple(fc.integer({ min: 1, max: 2048 }), fc.integer({ min: 1, max: 2048 }))
    .map(([a, b]) => (valid ? { request: make(Math.min(a, b)), limit: make(Math.max(a, b)) } : { request: make(a), limit: make(b) }));

  const propagation = opt(fc.constantFrom(MountPropagation.HOST_TO_CONTAINER, ...(valid ? [] : [MountPropagation.BIDIRECTIONAL])));
  const hostPathType = opt(fc.constantFrom(HostPathVolumeType.DIRECTORY_OR_CREATE, HostPathVolumeType.FILE));
  // "/" mounted at "/" would hide the container's own filesystem: valid draws mount it elsewhere.
  const hostMount = fc.tuple(hostPath, fc.boolean(), propagation, hostPathType).map(([p, ro, prop, type]) => {
    const mountPath = valid && p === '/' ? '/host/root' : undefined;
    const options = { propagation: prop, type, mountPath };
    return ro ? HostMount.readOnly(p, options) : HostMount.readWrite(p, options);
  });
  const term = fc.array(requirement, { minLength: valid ? 1 : 0, maxLength: 2 }).map((r) => NodeAffinityTerm.allOf(...r));
  const rollingUpdate = fc.record({ maxUnavailable: opt(intOrPercent), maxSurge: valid ? fc.constant(undefined) : opt(intOrPercent) })
    .map((o) => UpdateStrategy.rollingUpdate(o));
  const capability = fc.constantFrom(Capability.NET_ADMIN, Capability.SYS_ADMIN, Capability.BPF, Capability.CHOWN,
    ...(valid ? [] : [Capability.ALL]));

  /** Options every preset and the core accept (DaemonSetOptions), each present or absent. */
  const options: fc.Arbitrary<DaemonSetOptions> = fc.record({
    name,
    namespace: name,
    labels,
    annotations: fc.dictionary(labelKey, fc.string({ maxLength: 20 }), { maxKeys: 2 }),
    args: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
    env: fc.dictionary(maybeBad(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), fc.constantFrom('1BAD', '', 'A B')), fc.string({ maxLength: 10 }).map((v) => EnvValue.fromValue(v)), { maxKeys: 3 }),
    ports: fc.uniqueArray(fc.record({
      containerPort: port,
      name: opt(maybeBad(fc.stringMatching(/^[a-z]{1,10}$/), fc.constantFrom('UPPER', 'x'.repeat(16)))),
      protocol: opt(fc.constantFrom(Protocol.TCP, Protocol.UDP)),
    }, { requiredKeys: ['containerPort'] }), { maxLength: 2, selector: (p) => (valid ? p.name ?? `#${p.containerPort}` : p.containerPort) })
      .filter((ports) => !valid || new Set(ports.map((p) => p.containerPort)).size === ports.length),
    hostMounts: fc.uniqueArray(hostMount, { maxLength: 3, selector: (m) => (valid ? m.path : m) }),
    tolerations: fc.array(toleration, { maxLength: 3 }),
    nodeSelector: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
    requiredNodeAffinity: fc.array(term, { maxLength: 2 }),
    updateStrategy: fc.oneof(fc.constant(UpdateStrategy.onDelete()), rollingUpdate),
    minReadySeconds: maybeBad(fc.integer({ min: 0, max: 60 }), fc.constant(-1)),
    priorityClassName: maybeBad(fc.constantFrom('system-node-critical', 'system-cluster-critical', 'high'), fc.constant('Bad_Name')),
    hostNetwork: fc.boolean(),
    hostPid: fc.boolean(),
    privileged: fc.boolean(),
    addCapabilities: fc.uniqueArray(capability, { maxLength: 2 }),
    runAsUser: maybeBad(fc.constantFrom(0, 1000, 65534), fc.constant(-5)),
    ...(valid ? {} : { runAsNonRoot: fc.boolean(), allowPrivilegeEscalation: fc.boolean() }),
    readOnlyRootFilesystem: fc.boolean(),
    resources: fc.record({ cpu: quantityPair(Cpu.millis), memory: quantityPair(Size.mebibytes) }, { requiredKeys: [] }),
    liveness: valid ? fc.constant(Probe.fromCommand(['true'])) : fc.oneof(port.map((p) => Probe.fromHttpGet('/healthz', { port: p })), fc.constant(Probe.fromCommand(['true']))),
    terminationGracePeriodSeconds: maybeBad(fc.integer({ min: 0, max: 120 }), fc.constant(-1)),
    changeCause: fc.string({ maxLength: 30 }),
    // The pod settings of issue 13.
    imagePullSecrets: fc.uniqueArray(maybeBad(dnsLabel, fc.constant('Bad_Secret')), { maxLength: 2 }),
    runtimeClassName: maybeBad(fc.constantFrom('nvidia', 'runc', 'gvisor'), fc.constant('gVisor')),
    supplementalGroups: fc.array(maybeBad(fc.integer({ min: 0, max: 65535 }), fc.constant(-1)), { maxLength: 2 }),
    preferredNodeAffinity: fc.array(fc.record({ weight: maybeBad(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, 101)), term }),
      { maxLength: 2 }),
    podLabels: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
    hostAliases: fc.array(fc.record({
      ip: maybeBad(fc.constantFrom('10.0.0.1', 'fd00::1'), fc.constant('10.0.0.256')),
      hostnames: fc.array(dnsLabel, { minLength: 1, maxLength: 2 }),
    }), { maxLength: 2 }),
    dnsConfig: fc.record({ nameservers: fc.array(maybeBad(fc.constantFrom('10.96.0.10', '1.1.1.1'), fc.constant('dns')), { maxLength: valid ? 3 : 4 }) }),
  }, { requiredKeys: [] }).map((o) => (valid ? consistent(o) : o));

  return { image, options };
}

/** Half the runs draw valid props, half may be invalid anywhere. */
export const options = fc.oneof(arbitraries(true).options, arbitraries(false).options);
export const image = fc.oneof(arbitraries(true).image, arbitraries(false).image);

/** Host paths whose files only root can read. */
const ROOT_ONLY = ['/var/log', '/run/containerd'];
/** Host path types whose path belongs to root on a node (created by the kubelet, or existing). */
const OWNED_BY_ROOT = [
  HostPathVolumeType.DIRECTORY_OR_CREATE, HostPathVolumeType.FILE_OR_CREATE, HostPathVolumeType.DIRECTORY, HostPathVolumeType.FILE,
];

/**
 * Makes a valid draw consistent with the rules that tie props together, the way a user who
 * follows the errors would: capabilities, root-only logs and writable host paths (root's, on a
 * node, whether they exist or the kubelet creates them) all need the container to run as root.
 */
function consistent(o: DaemonSetOptions): DaemonSetOptions {
  const needsRoot = (o.addCapabilities ?? []).length > 0
    || (o.hostMounts ?? []).some((m) => ROOT_ONLY.includes(m.path)
      || (!m.isReadOnly && OWNED_BY_ROOT.includes(m.type)));
  return needsRoot ? { ...o, runAsUser: 0 } : o;
}

/**
 * The core options every preset must accept whatever its own props: identity, metadata and
 * scheduling (the options that change what the agent itself does, such as its user or
 * capabilities, have preset-specific rules and are fuzzed through the mixed generator).
 */
export const PRESET_SAFE_OPTIONS = ['name', 'namespace', 'labels', 'annotations', 'env', 'tolerations', 'nodeSelector',
  'requiredNodeAffinity', 'priorityClassName', 'minReadySeconds', 'terminationGracePeriodSeconds', 'resources', 'changeCause'] as const;

export const presetSafeOptions: fc.Arbitrary<DaemonSetOptions> = arbitraries(true).options.map((o) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => (PRESET_SAFE_OPTIONS as readonly string[]).includes(k))) as DaemonSetOptions);
