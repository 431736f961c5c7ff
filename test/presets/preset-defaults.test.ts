import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import { Capability, DnsPolicy } from 'cdk8s-plus-28';
import {
  DaemonSet, GpuDriverFlavor, GpuDriverInstaller, GpuNodes, KubeProxyMode, LogAgent, LogFlavor, LogOutput, NetworkAgent, NodeExporter, SecurityAgent,
  SecurityAgentDriver, SecurityAgentPriority, SecurityAgentRuntimeSocket, StorageDaemon, Toleration, UpdateStrategy,
  DcgmExporter, GpuContainerToolkit, GpuDeviceIdStrategy, GpuDeviceListStrategy, GpuDevicePlugin,
  CalicoEncapsulation, CalicoNode, CiliumAgent, CiliumIpamMode, CiliumRoutingMode,
} from '../../src';
import { DatadogAgent } from '../../src/presets/datadog-agent';
import { container, newChart, only, podSpec, synth } from '../util/synth';

/**
 * Every preset's props extend the core's (`DaemonSetOptions`), so the core's props carry the
 * core's `@default`s. What a preset changes is documented once, in the "Defaults it changes"
 * table of its class doc (the same table is on its docs/presets page), and each core prop a
 * preset changes says so in its own `@default`. These tests hold the tables, the core's docs and
 * the synthesized manifests together, read from the compiled assembly (what API.md and every
 * jsii language's docs are made from).
 */

const ROOT = join(__dirname, '..', '..');
const assembly = JSON.parse(readFileSync(join(ROOT, '.jsii'), 'utf8'));
const jsiiType = (name: string) => assembly.types[`cdk8s-node-agents.${name}`];
const CORE_PROPS = [...jsiiType('DaemonSetOptions').properties, ...jsiiType('ContainerSettings').properties];
const coreProp = (name: string) => CORE_PROPS.find((p: any) => p.name === name);

/** Each preset, its docs page, and a chart with the preset made from its minimal props. */
const PRESETS: Array<{ name: string; page: string; create: (chart: Chart) => any; container?: string }> = [
  { name: 'LogAgent', page: 'log-agent', create: (c) => new LogAgent(c, 'logs') },
  { name: 'NodeExporter', page: 'node-exporter', create: (c) => new NodeExporter(c, 'node-exporter') },
  { name: 'GpuDriverInstaller', page: 'gpu-driver-installer', create: (c) => new GpuDriverInstaller(c, 'gpu') },
  { name: 'SecurityAgent', page: 'security-agent', create: (c) => new SecurityAgent(c, 'falco') },
  { name: 'NetworkAgent', page: 'network-agent', create: (c) => new NetworkAgent(c, 'kube-proxy', { apiServerHost: '10.0.0.10', apiServerPort: 6443 }) },
  { name: 'StorageDaemon', page: 'storage-daemon', create: (c) => new StorageDaemon(c, 'ebs') },
  { name: 'GpuDevicePlugin', page: 'gpu-device-plugin', create: (c) => new GpuDevicePlugin(c, 'nvidia-device-plugin') },
  { name: 'GpuContainerToolkit', page: 'gpu-container-toolkit', create: (c) => new GpuContainerToolkit(c, 'nvidia-container-toolkit') },
  { name: 'DcgmExporter', page: 'dcgm-exporter', create: (c) => new DcgmExporter(c, 'dcgm-exporter') },
  { name: 'DatadogAgent', page: 'datadog-agent', create: (c) => new DatadogAgent(c, 'datadog', { apiKeySecretName: 'datadog-secret' }) },
  { name: 'CiliumAgent', page: 'cilium-agent', create: (c) => new CiliumAgent(c, 'cilium') },
  { name: 'CalicoNode', page: 'calico-node', create: (c) => new CalicoNode(c, 'calico-node') },
  {
    // Not a construct: the NetworkAgent's init container, read from the pod.
    name: 'CniInstaller',
    page: 'network-agent',
    create: (c) => new NetworkAgent(c, 'cni', { command: ['/usr/bin/cni-agent'], cniInstaller: { image: 'registry.example.com/cni:1.0.0' } }),
    container: 'install-cni',
  },
];

interface Row { readonly prop: string; readonly value: string; readonly why: string }

/** The rows of the "Defaults it changes" table in a type's doc (as compiled into the assembly). */
function tableOf(typeName: string): Row[] {
  const docs = jsiiType(typeName).docs;
  return tableRows(`${docs.summary ?? ''}\n${docs.remarks ?? ''}`, typeName);
}

function tableRows(markdown: string, where: string): Row[] {
  const start = markdown.indexOf('| Prop | Default in this preset | Why |');
  if (start < 0) {
    throw new Error(`${where}: no "Defaults it changes" table`);
  }
  const lines = markdown.slice(start).split('\n');
  const rows: Row[] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) {
      break;
    }
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
    rows.push({ prop: cells[0].replace(/`/g, ''), value: cells[1], why: cells[2] });
  }
  return rows;
}

/** The value a row names: a cell that is one code span is an expression in the library's terms. */
function valueOf(row: Row): { expression: string; value: unknown } | undefined {
  const match = /^`([^`]+)`$/.exec(row.value);
  if (!match) {
    return undefined;
  }
  const scope = {
    UpdateStrategy,
    Toleration,
    DnsPolicy,
    Capability,
    LogFlavor,
    LogOutput,
    GpuDriverFlavor,
    GpuNodes,
    GpuDeviceListStrategy,
    GpuDeviceIdStrategy,
    SecurityAgentDriver,
    SecurityAgentPriority,
    SecurityAgentRuntimeSocket,
    KubeProxyMode,
    CiliumIpamMode,
    CiliumRoutingMode,
    CalicoEncapsulation,
  };
  const value = new Function(...Object.keys(scope), `return (${match[1]});`)(...Object.values(scope));
  return { expression: match[1], value };
}

/** The preset made from its minimal props, and its synthesized (validated) manifest. */
function made(preset: typeof PRESETS[number]): { construct: any; objects: any[] } {
  const chart = newChart();
  const construct = preset.create(chart);
  return { construct, objects: synth(chart) };
}

describe('the presets\' props are the core\'s', () => {
  test.each(PRESETS.filter((p) => p.container === undefined).map((p) => p.name))('%sProps extends DaemonSetOptions (jsii inheritance)', (name) => {
    // GIVEN / WHEN the compiled assembly
    const props = jsiiType(`${name}Props`);
    // THEN the core's props are inherited, not copied
    expect(props.interfaces).toEqual(['cdk8s-node-agents.DaemonSetOptions']);
    expect(props.properties.map((p: any) => p.name).filter((n: string) => coreProp(n) !== undefined)).toEqual([]);
  });

  test('CniInstaller extends ContainerSettings', () => {
    expect(jsiiType('CniInstaller').interfaces).toEqual(['cdk8s-node-agents.ContainerSettings']);
  });
});

describe.each(PRESETS)('$name: the "Defaults it changes" table', ({ name, page }) => {
  const rows = tableOf(name);

  test('names core props only, each once', () => {
    // THEN
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.filter((r) => coreProp(r.prop) === undefined).map((r) => r.prop)).toEqual([]);
    expect(new Set(rows.map((r) => r.prop)).size).toBe(rows.length);
  });

  test('each prop it changes says so in the core\'s @default (so that API.md is not wrong for the preset)', () => {
    // GIVEN the rows that change the value (not those that only explain the core's)
    const changed = rows.filter((r) => !r.value.startsWith('the core\'s')).map((r) => r.prop);
    // WHEN
    const silent = changed.filter((p) => !new RegExp(`\\b${name}\\b`).test(coreProp(p).docs.default ?? ''));
    // THEN
    expect(silent).toEqual([]);
  });

  test('is on the preset\'s docs page too', () => {
    // GIVEN
    const markdown = readFileSync(join(ROOT, 'docs', 'presets', `${page}.md`), 'utf8');
    const section = name === 'CniInstaller' ? markdown.slice(markdown.indexOf('CniInstaller')) : markdown;
    // THEN
    expect(tableRows(section, `docs/presets/${page}.md`)).toEqual(rows);
  });
});

test('a core @default that names a preset is in that preset\'s table', () => {
  // GIVEN
  const names = PRESETS.map((p) => p.name);
  // WHEN
  const note = (text: string) => /\(the core's default; ([^)]*?) changes? it/.exec(text.replace(/\s+/g, ' '))?.[1] ?? '';
  const claimed = CORE_PROPS.flatMap((p: any) => names.filter((n) => new RegExp(`\\b${n}\\b`).test(note(p.docs.default ?? ''))).map((n) => `${n}.${p.name}`));
  const tabled = PRESETS.flatMap((p) => tableOf(p.name).map((r) => `${p.name}.${r.prop}`));
  // THEN
  expect(claimed.length).toBeGreaterThan(50);
  expect(claimed.filter((c) => !tabled.includes(c))).toEqual([]);
});

/**
 * How to read a core prop's value from a manifest: `read` finds it; `expected` turns the documented
 * value into what the manifest holds (by default the value itself).
 */
const OBSERVERS: Record<string, { read: (objects: any[], containerName?: string) => unknown; expected?: (value: any) => unknown }> = {
  namespace: { read: (o) => only(o, 'DaemonSet').metadata.namespace },
  component: { read: (o) => only(o, 'DaemonSet').metadata.labels['app.kubernetes.io/component'] },
  hostNetwork: { read: (o) => podSpec(o).hostNetwork ?? false },
  hostPid: { read: (o) => podSpec(o).hostPID ?? false },
  dnsPolicy: { read: (o) => podSpec(o).dnsPolicy },
  priorityClassName: { read: (o) => podSpec(o).priorityClassName },
  terminationGracePeriodSeconds: { read: (o) => podSpec(o).terminationGracePeriodSeconds },
  automountServiceAccountToken: { read: (o) => podSpec(o).automountServiceAccountToken },
  command: { read: (o, c) => container(o, c).command },
  args: { read: (o, c) => container(o, c).args },
  runAsUser: { read: (o, c) => container(o, c).securityContext.runAsUser },
  runAsGroup: { read: (o, c) => container(o, c).securityContext.runAsGroup },
  runAsNonRoot: { read: (o, c) => container(o, c).securityContext.runAsNonRoot },
  privileged: { read: (o, c) => container(o, c).securityContext.privileged ?? false },
  readOnlyRootFilesystem: { read: (o, c) => container(o, c).securityContext.readOnlyRootFilesystem },
  addCapabilities: { read: (o, c) => container(o, c).securityContext.capabilities?.add ?? [] },
  // The library's own values: what the core makes of them is what the preset must have made.
  updateStrategy: { read: (o) => only(o, 'DaemonSet').spec.updateStrategy, expected: (v) => coreDaemonSet({ updateStrategy: v }).spec.updateStrategy },
  tolerations: { read: (o) => podSpec(o).tolerations, expected: (v) => coreDaemonSet({ tolerations: v }).spec.template.spec.tolerations },
};

function coreDaemonSet(props: object): any {
  const chart = newChart();
  new DaemonSet(chart, 'core', { image: 'registry.example.com/agent:1.0.0', ...props });
  return only(synth(chart), 'DaemonSet');
}

const VALUED = PRESETS.flatMap((preset) => tableOf(preset.name)
  .filter((row) => valueOf(row) !== undefined)
  .map((row) => [`${preset.name}.${row.prop}: ${valueOf(row)!.expression}`, preset, row] as const));

describe('every table row that names a value is the manifest\'s value', () => {
  test('there is something to check for every preset', () => {
    expect([...new Set(VALUED.map(([, p]) => p.name))].sort()).toEqual(PRESETS.map((p) => p.name).sort());
  });

  test.each(VALUED)('%s', (_, preset, row) => {
    // GIVEN the documented value
    const documented = valueOf(row)!;
    const observer = OBSERVERS[row.prop];
    if (observer === undefined) {
      throw new Error(`${preset.name}.${row.prop}: add an observer for "${row.prop}" so that its documented default is checked`);
    }
    // WHEN the preset is made without the prop
    const { objects } = made(preset);
    // THEN
    expect(observer.read(objects, preset.container)).toEqual((observer.expected ?? ((v) => v))(documented.value));
  });
});

/**
 * The presets' own props: a `@default` that names a value (in the compiled assembly) is the value
 * of the construct's public field of the same name when the prop is not given.
 */
const OWN_VALUED = PRESETS.filter((p) => p.container === undefined).flatMap((preset) => {
  const fields = new Set((jsiiType(preset.name).properties ?? []).map((p: any) => p.name));
  return jsiiType(`${preset.name}Props`).properties
    .filter((p: any) => fields.has(p.name) && p.docs.default !== undefined && !p.docs.default.startsWith('- '))
    .map((p: any) => {
      const expression = p.docs.default.split(/ - | unless | \(/)[0].trim();
      return [`${preset.name}.${p.name}: ${expression}`, preset, p.name, `\`${expression}\``] as const;
    });
});

describe('every @default of a preset\'s own prop that names a value is the construct\'s', () => {
  test('the presets document such defaults', () => {
    expect(OWN_VALUED.length).toBeGreaterThan(20);
  });

  test.each(OWN_VALUED)('%s', (_, preset, prop, cell) => {
    // GIVEN the documented value
    const documented = valueOf({ prop, value: cell, why: '' })!;
    // WHEN the preset is made without the prop
    const { construct } = made(preset);
    // THEN
    expect(construct[prop]).toEqual(documented.value);
  });
});
