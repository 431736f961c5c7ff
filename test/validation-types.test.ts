import { Construct } from 'constructs';
import * as lib from '../src';
import {
  CalicoNode, CiliumAgent,
  AgentNamespace, DaemonSet, Errors, GpuDriverInstaller, IntOrPercent, LogAgent, LogOutput, NetworkAgent, NodeAffinityTerm,
  NodeExporter, NodeExporterCollector, NodeRequirement, SecurityAgent, StorageDaemon, Toleration, UpdateStrategy,
  DcgmExporter, GpuContainerToolkit, GpuDevicePlugin,
} from '../src';
import { newChart, podSpec, synth } from './util/synth';
import { DatadogAgent } from '../src/presets/datadog-agent';
import { checkProps } from '../src/private/shapes';
import { allTypes, staticParameters, StructName, structProperties } from '../src/private/type-schema';
import { ValidationProblems } from '../src/validation-problems';

/**
 * Callers without a type checker (plain JavaScript, `as any`, a jsii language passing null or the
 * wrong object) get the library's ValidationError naming the prop, the value and what is allowed:
 * never a TypeError, never a manifest built from a wrong type, never a silently dropped prop.
 *
 * The checks are derived from the type schema generated from the sources
 * (`src/private/type-schema.generated.ts`); after changing a props interface, regenerate it with
 * `npx projen type-schema` (`npx projen compile` does it first), or
 * test/private/type-schema.test.ts fails and says so.
 */
const IMAGE = 'registry.example.com/agent:1.2.3';

/** The error `build` throws; fails the test if it throws none, or anything but a ValidationError. */
function errorOf(build: () => unknown): Error {
  let thrown: unknown;
  try {
    build();
  } catch (e) {
    thrown = e;
  }
  if (!Errors.isValidationError(thrown)) {
    throw new Error(`expected a ValidationError, got ${thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message}` : String(thrown)}`);
  }
  return thrown as Error;
}

describe('the cases of issue 10, as plain JavaScript writes them', () => {
  test('fails when rollingUpdate gets a plain number for maxUnavailable', () => {
    // WHEN / THEN
    const e = errorOf(() => UpdateStrategy.rollingUpdate({ maxUnavailable: 2 } as any));
    expect(e.message).toMatch(/UpdateStrategy\.rollingUpdate\(\):\n {2}- maxUnavailable: got 2; expected an IntOrPercent \(IntOrPercent\.absolute\(\), IntOrPercent\.percent\(\)\)/);
  });

  test('fails when enableCollectors are strings, with the constant to use', () => {
    const e = errorOf(() => new NodeExporter(newChart(), 'node-exporter', { enableCollectors: ['systemd'] } as any));
    expect(e.message).toMatch(/^Invalid props for NodeExporter 'test\/node-exporter':/);
    expect(e.message).toMatch(/enableCollectors\[0\]: got "systemd"; expected a NodeExporterCollector \(.*\); did you mean NodeExporterCollector\.SYSTEMD\?/);
  });

  test('fails when output is a plain object instead of a LogOutput', () => {
    const e = errorOf(() => new LogAgent(newChart(), 'logs', { output: { type: 'loki', url: 'http://loki:3100' } } as any));
    expect(e.message).toMatch(/output: got \{"type":"loki","url":"http:\/\/loki:3100"\}; expected a LogOutput \(LogOutput\.custom\(\), LogOutput\.elasticsearch\(\), LogOutput\.loki\(\), LogOutput\.openSearch\(\), LogOutput\.otlp\(\), LogOutput\.stdout\(\)\)/);
  });

  test('fails when an rbac rule has a string for resources and no verbs', () => {
    const e = errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, rbacRules: [{ resources: 'pods' }] } as any));
    expect(Errors.problemsOf(e)).toEqual([
      'rbacRules[0].verbs: got undefined; required: expected a list of strings',
      'rbacRules[0].resources: got "pods"; expected a list of strings',
    ]);
  });

  test('fails when resources are in Kubernetes form, instead of silently becoming the defaults', () => {
    const e = errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, resources: { requests: { cpu: '100m' } } } as any));
    expect(Errors.problemsOf(e)).toEqual([
      'resources.requests: got {"cpu":"100m"}; unknown prop requests of ContainerResources; its props are cpu, ephemeralStorage, memory',
    ]);
    // and each step towards the cdk8s-plus form says what comes next
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, resources: { cpu: '100m' } } as any)).message)
      .toMatch(/resources\.cpu: got "100m"; expected an object \{ limit\?: Cpu, request\?: Cpu \} \(CpuResources\)/);
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, resources: { cpu: { request: '100m' } } } as any)).message)
      .toMatch(/resources\.cpu\.request: got "100m"; expected a Cpu \(Cpu\.millis\(\), Cpu\.units\(\)\)/);
  });

  test.each([
    ['NodeExporter', (c: Construct) => new NodeExporter(c, 'preset', { hostMount: [] } as any), /hostMount: got \[\]; unknown prop hostMount of NodeExporterProps; did you mean hostMounts\?/],
    ['LogAgent', (c: Construct) => new LogAgent(c, 'preset', { tolerationz: [Toleration.all()] } as any), /tolerationz: got .*; unknown prop tolerationz of LogAgentProps; did you mean tolerations\?/],
    ['DaemonSet', (c: Construct) => new DaemonSet(c, 'preset', { image: IMAGE, tolerationz: [] } as any), /tolerationz: got \[\]; unknown prop tolerationz of DaemonSetProps; did you mean tolerations\?/],
    ['StorageDaemon', (c: Construct) => new StorageDaemon(c, 'preset', { drivername: 'ebs.csi.aws.com' } as any), /drivername: got "ebs\.csi\.aws\.com"; unknown prop drivername of StorageDaemonProps; did you mean driverName\?/],
  ])('fails when a prop is misspelled (%s)', (_name, build, error) => {
    expect(errorOf(() => build(newChart())).message).toMatch(error);
  });

  test('fails when Toleration.exists() has no key (that would tolerate every taint)', () => {
    const e = errorOf(() => (Toleration.exists as any)());
    expect(Errors.problemsOf(e)).toEqual([
      'key: got undefined; required: expected a string; give the taint key (e.g. "nvidia.com/gpu"); to tolerate every taint, use Toleration.all()',
    ]);
    expect(() => (Toleration.exists as any)(null, {})).toThrow(/key: got null; required/);
  });

  test('Toleration.exists(key) tolerates that key only', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new DaemonSet(chart, 'agent', { image: IMAGE, tolerations: [Toleration.exists('nvidia.com/gpu')] });
    // THEN
    expect(podSpec(synth(chart)).tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists' }]);
  });
});

describe('fails when a core prop has the wrong type', () => {
  test.each([
    [{ image: 123 }, 'image: got 123; expected a string'],
    [{ image: IMAGE, name: 5 }, 'name: got 5; expected a string'],
    [{ image: IMAGE, labels: { a: 5 } }, 'labels.a: got 5; expected a string'],
    [{ image: IMAGE, labels: { 'example.com/team': false } }, 'labels["example.com/team"]: got false; expected a string'],
    [{ image: IMAGE, args: 'x' }, 'args: got "x"; expected a list of strings'],
    [{ image: IMAGE, ports: [{ containerPort: '80' }] }, 'ports[0].containerPort: got "80"; expected a finite number'],
    [{ image: IMAGE, hostMounts: [null] }, 'hostMounts[0]: got null; expected a HostMount (HostMount.readOnly(), HostMount.readWrite())'],
    [{ image: IMAGE, hostMounts: [{ path: '/proc' }] }, 'hostMounts[0]: got {"path":"/proc"}; expected a HostMount (HostMount.readOnly(), HostMount.readWrite())'],
    [{ image: IMAGE, tolerations: [null] }, /^tolerations\[0\]: got null; expected a Toleration \(Toleration\.all\(\), /],
    [{ image: IMAGE, env: { A: 'plain' } }, /^env\.A: got "plain"; expected an EnvValue \(EnvValue\.from/],
    [{ image: IMAGE, resources: { memory: { request: 64 } } }, /^resources\.memory\.request: got 64; expected a Size \(Size\./],
    [{ image: IMAGE, updateStrategy: 'OnDelete' }, 'updateStrategy: got "OnDelete"; expected an UpdateStrategy (UpdateStrategy.onDelete(), UpdateStrategy.rollingUpdate()); did you mean UpdateStrategy.onDelete()?'],
    [{ image: IMAGE, requiredNodeAffinity: [null] }, 'requiredNodeAffinity[0]: got null; expected a NodeAffinityTerm (NodeAffinityTerm.allOf())'],
    [{ image: IMAGE, volumes: [null] }, /^volumes\[0\]: got null; expected an AgentVolume \(AgentVolume\.from/],
    [{ image: IMAGE, addCapabilities: 'NET_ADMIN' }, /^addCapabilities: got "NET_ADMIN"; expected a list of Capability values$/],
    [{ image: IMAGE, addCapabilities: ['NET_ADMN'] }, /^addCapabilities\[0\]: got "NET_ADMN"; expected one of ALL, AUDIT_CONTROL, .*, \.\.\. \(Capability, \d+ values\); did you mean "NET_ADMIN"\?$/],
    [{ image: IMAGE, imagePullPolicy: 'always' }, 'imagePullPolicy: got "always"; expected one of Always, IfNotPresent, Never (ImagePullPolicy); did you mean "Always"?'],
    [{ image: IMAGE, terminationGracePeriodSeconds: '30' }, 'terminationGracePeriodSeconds: got "30"; expected a finite number'],
    [{ image: IMAGE, runAsUser: Infinity }, 'runAsUser: got Infinity; expected a finite number'],
    [{ image: IMAGE, hostNetwork: 'yes' }, 'hostNetwork: got "yes"; expected true or false'],
    [{ image: IMAGE, liveness: { httpGet: { path: '/' } } }, /^liveness: got .*; expected a Probe \(Probe\.from/],
    [{ image: IMAGE, seccompProfile: 'RuntimeDefault' }, 'seccompProfile: got "RuntimeDefault"; expected an object { type: SeccompProfileType, localhostProfile?: string } (SeccompProfile)'],
    [{ image: IMAGE, sidecars: [{ name: 'x' }] }, 'sidecars[0].image: got undefined; required: expected a string'],
    [{ image: IMAGE, initContainers: [{ name: 'x', image: IMAGE, args: [1] }] }, 'initContainers[0].args[0]: got 1; expected a string'],
    [{ image: IMAGE, sidecars: [{ name: 'x', image: IMAGE, hostMount: [] }] }, 'sidecars[0].hostMount: got []; unknown prop hostMount of AgentContainer; did you mean hostMounts?'],
    [{ image: IMAGE, rbacRules: [null] }, /^rbacRules\[0\]: got null; expected an object \{ verbs: string\[\], /],
    [{ image: IMAGE, ports: [, { containerPort: 80 }] }, /^ports\[0\]: got undefined; expected an object \{ containerPort: number/],
  ])('%j', (props, error) => {
    // WHEN
    const e = errorOf(() => new DaemonSet(newChart(), 'agent', props as any));
    // THEN
    expect(e.message).toMatch(/^(Invalid props|\d+ invalid props) for DaemonSet 'test\/agent':/);
    if (typeof error === 'string') {
      expect(Errors.problemsOf(e)).toEqual([error]);
    } else {
      expect(Errors.problemsOf(e)).toEqual([expect.stringMatching(error)]);
    }
  });

  test('fails when props are not an object at all', () => {
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', 'image' as any)).message).toMatch(/props: got "image"; expected an object/);
    expect(errorOf(() => new NodeExporter(newChart(), 'ne', [] as any)).message).toMatch(/props: got \[\]; expected an object \(NodeExporterProps\)/);
  });

  test('reports every wrong prop at once', () => {
    const e = errorOf(() => new NodeExporter(newChart(), 'ne', { port: '9100', hostNetwork: 1, enableCollectors: [NodeExporterCollector.SYSTEMD, 'tcpstat'] } as any));
    const problems = Errors.problemsOf(e);
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^hostNetwork: got 1; expected true or false$/),
      expect.stringMatching(/^port: got "9100"; expected a finite number$/),
      expect.stringMatching(/^enableCollectors\[1\]: got "tcpstat"; .*did you mean NodeExporterCollector\.TCPSTAT\?$/),
    ]));
  });
});

describe('null counts as absent', () => {
  test('null props, nested ones too, give the manifest of the props without them', () => {
    // GIVEN
    const withNulls = newChart();
    const without = newChart();
    // WHEN
    new NodeExporter(withNulls, 'ne', {
      name: null,
      labels: null,
      ports: null,
      port: null,
      networkPolicy: null,
      resources: { cpu: null, memory: { request: null, limit: null } },
      sidecars: [{ name: 'sidecar', image: IMAGE, args: null, resources: null }],
    } as any);
    new NodeExporter(without, 'ne', { resources: { memory: {} }, sidecars: [{ name: 'sidecar', image: IMAGE }] });
    // THEN
    expect(synth(withNulls)).toEqual(synth(without));
  });

  test('fails when a required prop is null', () => {
    expect(errorOf(() => new DaemonSet(newChart(), 'agent', { image: null } as any)).message).toMatch(/image: got undefined; required: expected a string/);
  });

  test('a null in a list is not absent: it is an error', () => {
    expect(errorOf(() => new NodeExporter(newChart(), 'ne', { args: ['--a', null] } as any)).message).toMatch(/args\[1\]: got null; expected a string/);
  });
});

describe('the value classes check their arguments', () => {
  test.each([
    [() => IntOrPercent.absolute('1' as any), /IntOrPercent\.absolute\(\):\n {2}- count: got "1"; expected a finite number/],
    [() => IntOrPercent.percent(undefined as any), /IntOrPercent\.percent\(\):\n {2}- percent: got undefined; required: expected a finite number/],
    [() => UpdateStrategy.rollingUpdate({ maxSurge: '25%' } as any), /maxSurge: got "25%"; expected an IntOrPercent/],
    [() => UpdateStrategy.rollingUpdate({ maxUnavaliable: IntOrPercent.absolute(2) } as any), /maxUnavaliable: got .*; unknown prop maxUnavaliable of RollingUpdateOptions; did you mean maxUnavailable\?/],
    [() => UpdateStrategy.rollingUpdate('fast' as any), /options: got "fast"; expected an object \{ maxSurge\?: IntOrPercent, maxUnavailable\?: IntOrPercent \}/],
    [() => Toleration.equal('dedicated', 5 as any), /Toleration\.equal\(\):\n {2}- value: got 5; expected a string/],
    [() => Toleration.exists('dedicated', { effect: 'NoSchedul' } as any), /effect: got "NoSchedul"; expected one of NoSchedule, PreferNoSchedule, NoExecute \(TaintEffect\); did you mean "NoSchedule"\?/],
    [() => Toleration.allWithEffect(undefined as any), /effect: got undefined; required: expected one of NoSchedule, PreferNoSchedule, NoExecute \(TaintEffect\)/],
    [() => NodeRequirement.in('zone', 'a' as any), /NodeRequirement\.in\(\):\n {2}- values: got "a"; expected a list of strings/],
    [() => NodeRequirement.gt('cores', '4' as any), /value: got "4"; expected a finite number/],
    [() => NodeAffinityTerm.allOf(NodeRequirement.exists('gpu'), 'zone' as any), /NodeAffinityTerm\.allOf\(\):\n {2}- requirements\[1\]: got "zone"; expected a NodeRequirement/],
    [() => NodeExporterCollector.custom(7 as any), /name: got 7; expected a string/],
    [() => LogOutput.loki({ url: 'http://loki:3100', lables: {} } as any), /lables: got \{\}; unknown prop lables of LokiOutputOptions; did you mean labels\?/],
    [() => LogOutput.elasticsearch(undefined as any), /options: got undefined; required: expected an object/],
    [() => LogOutput.openSearch({ host: 'os', port: '9200' } as any), /port: got "9200"; expected a finite number/],
    [() => DaemonSet.mergeOptions({ image: IMAGE }, { hostMount: [] } as any), /DaemonSet\.mergeOptions\(\):\n {2}- userOptions\.hostMount: got \[\]; unknown prop hostMount of DaemonSetOptions; did you mean hostMounts\?/],
  ])('%s', (build, error) => {
    expect(errorOf(build).message).toMatch(error);
  });
});

describe('every struct of the type schema is checked (a new prop can never escape)', () => {
  const types = allTypes().filter((t) => t.own);
  const structs = types.filter((t) => t.kind === 'struct');
  const constructs = types.filter((t) => t.kind === 'class' && (lib as any)[t.name].prototype instanceof Construct);

  test('the type schema has the structs and constructs this test walks', () => {
    expect(structs.map((s) => s.name)).toEqual(expect.arrayContaining(['DaemonSetProps', 'NodeExporterProps', 'LogAgentProps', 'AgentContainer']));
    expect(constructs.map((c) => c.name).sort()).toEqual([
      'AgentNamespace', 'DaemonSet', 'DatadogAgent', 'GpuDriverInstaller', 'LogAgent', 'NetworkAgent', 'NodeExporter', 'SecurityAgent', 'StorageDaemon',
      'DcgmExporter', 'GpuContainerToolkit', 'GpuDevicePlugin', 'CalicoNode', 'CiliumAgent',
    ].sort());
  });

  test.each(structs.map((s) => [s.name, s] as const))('%s: an unknown prop and every wrongly typed prop are reported', (_name, struct) => {
    // GIVEN every prop of the struct (inherited ones too) given a symbol, which fits no jsii type
    const properties = [...structProperties(struct).keys()];
    const props = Object.fromEntries([...properties.map((p) => [p, Symbol('wrong')]), ['zzUnknown', 1]]);
    const problems = new ValidationProblems('test');
    // WHEN
    checkProps(struct.name as StructName, props, problems);
    // THEN one problem per prop, each naming it
    expect(problems.problems.map((m) => m.split(':')[0]).sort()).toEqual([...properties, 'zzUnknown'].sort());
  });

  const makers: { [name: string]: (scope: Construct, props: any) => unknown } = {
    AgentNamespace: (s, p) => new AgentNamespace(s, 'construct', p),
    DaemonSet: (s, p) => new DaemonSet(s, 'construct', { image: IMAGE, ...p }),
    GpuDriverInstaller: (s, p) => new GpuDriverInstaller(s, 'construct', p),
    LogAgent: (s, p) => new LogAgent(s, 'construct', p),
    NetworkAgent: (s, p) => new NetworkAgent(s, 'construct', p),
    NodeExporter: (s, p) => new NodeExporter(s, 'construct', p),
    SecurityAgent: (s, p) => new SecurityAgent(s, 'construct', p),
    StorageDaemon: (s, p) => new StorageDaemon(s, 'construct', p),
    DcgmExporter: (s, p) => new DcgmExporter(s, 'construct', p),
    GpuContainerToolkit: (s, p) => new GpuContainerToolkit(s, 'construct', p),
    GpuDevicePlugin: (s, p) => new GpuDevicePlugin(s, 'construct', p),
    DatadogAgent: (s, p) => new DatadogAgent(s, 'construct', { apiKeySecretName: 'datadog-secret', ...p }),
    CiliumAgent: (s, p) => new CiliumAgent(s, 'construct', p),
    CalicoNode: (s, p) => new CalicoNode(s, 'construct', p),
  };
  test.each(constructs.map((c) => [c.name]))('%s reports an unknown prop naming itself', (name) => {
    // WHEN
    const e = errorOf(() => makers[name](newChart(), { zzUnknown: 1 }));
    // THEN
    expect(e.message).toMatch(new RegExp(`for ${name} 'test/construct':\\n {2}- zzUnknown: got 1; unknown prop zzUnknown of ${name}Props`));
  });

  // Placement and reporting read manifests and node lists (`any`) and check those themselves.
  const OWN_CHECKS = ['Errors', 'NodeInventory', 'PodInventory', 'PlacementPreview', 'FleetPreview', 'RolloutPlan', 'PodSecurity'];
  const factories = types.filter((t) => t.kind === 'class' && !OWN_CHECKS.includes(t.name))
    .flatMap((t) => Object.keys(t.entry.statics ?? {}).map((m) => [`${t.name}.${m}`, t.name, m] as const));
  test.each(factories)('%s reports every argument of the wrong type', (name, className, methodName) => {
    // GIVEN a value of no jsii type for every parameter
    const parameters = staticParameters(className, methodName)!;
    const args = parameters.map(() => Symbol('wrong'));
    // WHEN
    const e = errorOf(() => (lib as any)[className][methodName](...args));
    // THEN each is named
    expect(e.message).toMatch(new RegExp(`^Invalid props for ${name.replace('.', '\\.')}\\(\\)|invalid props for ${name.replace('.', '\\.')}\\(\\)`));
    expect(Errors.problemsOf(e).map((m) => m.split(':')[0].replace(/\[0\]$/, ''))).toEqual(parameters.map((p) => p.name));
  });

  test('a user\'s subclass of a preset is checked against the preset\'s props', () => {
    class MyExporter extends NodeExporter {}
    expect(errorOf(() => new MyExporter(newChart(), 'mine', { prot: 9100 } as any)).message).toMatch(/prot: got 9100; unknown prop prot of NodeExporterProps; did you mean port\?/);
  });
});

test('a factory passed without calling it is named, not dumped (issue 19)', () => {
  // GIVEN Toleration.all instead of Toleration.all()
  const message = errorOf(() => new DaemonSet(newChart(), 'agent', { image: 'registry.example.com/agent:1.2.3', tolerations: [Toleration.all as any] })).message;
  // THEN the error names the function and says to call it, without its source
  expect(message).toMatch(/tolerations\[0\]: got the function all \(call it: all\(\.\.\.\)\); expected a Toleration/);
  expect(message).not.toContain('return new');
});
