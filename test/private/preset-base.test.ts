import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  DaemonSet, Errors, GpuDriverFlavor, GpuDriverInstaller, HostMount, LogAgent, LogFlavor, NetworkAgent, NodeExporter, SecurityAgent,
  StorageDaemon, Toleration,
} from '../../src';
import { newChart, synth } from '../util/synth';

/** Every preset, built with the given core props (plus what it needs to be valid). */
const PRESETS: Array<[string, (chart: Chart, props: any) => void]> = [
  ['LogAgent (Fluentd)', (c, p) => new LogAgent(c, 'agent', { flavor: LogFlavor.FLUENTD, ...p })],
  ['NodeExporter', (c, p) => new NodeExporter(c, 'agent', p)],
  ['GpuDriverInstaller (driver container)', (c, p) => new GpuDriverInstaller(c, 'agent', { flavor: GpuDriverFlavor.DRIVER_CONTAINER, ...p })],
  ['SecurityAgent', (c, p) => new SecurityAgent(c, 'agent', p)],
  ['NetworkAgent', (c, p) => new NetworkAgent(c, 'agent', { apiServerHost: '10.0.0.1', apiServerPort: 6443, ...p })],
  ['StorageDaemon', (c, p) => new StorageDaemon(c, 'agent', p)],
];

function mainContainer(objects: any[]): any {
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  return ds.spec.template.spec.containers[0];
}

describe.each(PRESETS)('%s on the preset base', (_name, build) => {
  test('a CPU-only resources override keeps the preset\'s memory request and limit', () => {
    // GIVEN the preset's own sizing
    const plain = newChart();
    build(plain, {});
    const presetResources = mainContainer(synth(plain)).resources;

    // WHEN only the CPU request is overridden
    const chart = newChart();
    build(chart, { resources: { cpu: { request: Cpu.millis(333) } } });
    const resources = mainContainer(synth(chart)).resources;

    // THEN CPU is the user's and memory is still the preset's
    expect(resources.requests.cpu).toBe('333m');
    expect(resources.limits?.cpu).toBeUndefined();
    expect(resources.requests.memory).toBe(presetResources.requests.memory);
    expect(resources.limits?.memory).toBe(presetResources.limits?.memory);
  });

  test('fails with one validation error naming the preset, with the preset\'s and the core\'s problems together', () => {
    // GIVEN a bad core prop (the core checks it) and a bad preset-level image (checked by the core too)
    const chart = newChart();
    let thrown: unknown;
    try {
      build(chart, { minReadySeconds: -1, priorityClassName: 'Not_Valid' });
    } catch (e) {
      thrown = e;
    }
    // THEN one ValidationError, for the construct the user made, listing both problems
    expect(Errors.isValidationError(thrown)).toBe(true);
    const message = (thrown as Error).message;
    expect(message).toMatch(/^2 invalid props for [A-Za-z]+ 'test\/agent':\n/);
    expect(message).toMatch(/minReadySeconds: got -1/);
    expect(message).toMatch(/priorityClassName: got "Not_Valid"/);
    expect(message).not.toMatch(/test\/agent\/DaemonSet/);
    expect(Errors.problemsOf(thrown)).toHaveLength(2);
    // and Node's report of an uncaught error (its enumerable fields after the stack) does not list them again
    expect(Object.keys(thrown as object)).toEqual([]);
    expect((thrown as any).constructPath).toBe('test/agent');
  });
});

test('fails with the preset\'s own problem and the core\'s in one error (NodeExporter port and a core prop)', () => {
  // GIVEN a preset-level problem and a core-level problem
  const chart = newChart();
  // THEN both are reported at once, and the derived container port is not reported twice
  expect(() => new NodeExporter(chart, 'exporter', { port: 70000, revisionHistoryLimit: -2 })).toThrow(
    /^2 invalid props for NodeExporter 'test\/exporter':\n {2}- port: got 70000; [^\n]+\n {2}- revisionHistoryLimit: got -2; /,
  );
});

test('Errors.isValidationError is false for other errors and values', () => {
  expect(Errors.isValidationError(new Error('x'))).toBe(false);
  expect(Errors.isValidationError(undefined)).toBe(false);
  expect(Errors.isValidationError({ problems: [] })).toBe(false);
  expect(Errors.problemsOf(new Error('x'))).toEqual([]);
});

test('DaemonSet.mergeOptions gives presets of your own the library\'s merge rule', () => {
  // GIVEN a preset's defaults and a user's options
  const merged = DaemonSet.mergeOptions(
    {
      image: 'registry.example.com/agent:1.0.0',
      hostMounts: [HostMount.readOnly('/sys')],
      labels: { team: 'platform', tier: 'node' },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(200), limit: Size.mebibytes(400) } },
      tolerations: [Toleration.all()],
    },
    {
      hostMounts: [HostMount.readOnly('/proc')],
      labels: { tier: 'system' },
      resources: { cpu: { request: Cpu.millis(250) } },
      tolerations: [],
    },
  );
  // THEN lists are extended, maps merged, resources merged per resource, the rest replaced
  expect(merged.hostMounts!.map((m) => m.path)).toEqual(['/sys', '/proc']);
  expect(merged.labels).toEqual({ team: 'platform', tier: 'system' });
  expect(merged.resources!.cpu!.request!.amount).toBe('250m');
  expect(merged.resources!.memory!.limit!.toMebibytes()).toBe(400);
  expect(merged.tolerations).toEqual([]);
  // AND the result creates a valid agent
  const chart = newChart();
  new DaemonSet(chart, 'agent', merged);
  expect(synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(1);
});
