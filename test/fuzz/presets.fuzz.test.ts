import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as arb from './arbitraries';
import { expectNoHoles, fuzz, SEED } from './harness';
import {
  DaemonSetOptions, GpuDriverInstaller, LogAgent, LogFlavor, LogOutput, NetworkAgent, NodeExporter, SecurityAgent, StorageDaemon,
} from '../../src';
import { only } from '../util/synth';

/**
 * Every preset takes the core's options: the same generated options (valid and invalid) go
 * through each preset, with its own props drawn too. The core's checks hold for every preset.
 */
const presets: Array<[string, fc.Arbitrary<(scope: Construct, options: DaemonSetOptions) => void>]> = [
  ['LogAgent', fc.tuple(fc.constantFrom(LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT), fc.constantFrom(
    LogOutput.stdout(),
    LogOutput.elasticsearch({ host: 'es.logging.svc' }),
    LogOutput.loki({ url: 'http://loki:3100' }),
  )).map(([flavor, output]) => (scope, options) => new LogAgent(scope, 'preset', { ...options, flavor, output }))],
  ['NodeExporter', fc.boolean().map((service) => (scope, options) => new NodeExporter(scope, 'preset', { ...options, createService: service }))],
  ['GpuDriverInstaller', fc.constantFrom('550.127.05', '535.104.05', 'bad').map((driverVersion) => (scope, options) => new GpuDriverInstaller(scope, 'preset', { ...options, driverVersion }))],
  ['SecurityAgent', fc.constant((scope: Construct, options: DaemonSetOptions) => new SecurityAgent(scope, 'preset', options))],
  ['NetworkAgent', fc.boolean().map((loadKernelModules) => (scope, options) => new NetworkAgent(scope, 'preset', { apiServerHost: '10.0.0.10', apiServerPort: 6443, ...options, loadKernelModules }))],
  ['StorageDaemon', fc.constantFrom('ebs.csi.aws.com', 'pd.csi.storage.gke.io', 'Bad_Driver').map((driverName) => (scope, options) => new StorageDaemon(scope, 'preset', { ...options, driverName }))],
];

describe.each(presets)('%s', (name, build) => {
  test('every generated input ends in a valid manifest or a named error, and loses no user value', () => {
    const stats = fuzz(fc.tuple(build, arb.options), 300, (chart, [make, options]) => make(chart, options), ([, options], objects) => {
      expectNoHoles(objects);
      const ds = only(objects, 'DaemonSet');
      expect(ds.metadata.labels).toMatchObject(options.labels ?? {});
      const spec = ds.spec.template.spec;
      // A user's mount reaches the container that does the agent's work (with COS, the installer init container).
      const mounted = [...spec.containers, ...(spec.initContainers ?? [])].flatMap((c: any) => c.volumeMounts ?? []);
      for (const m of options.hostMounts ?? []) {
        expect(mounted).toContainEqual(expect.objectContaining({ name: m.volumeName, mountPath: m.mountPath, readOnly: m.isReadOnly }));
      }
      if (options.tolerations !== undefined) {
        expect((spec.tolerations ?? []).length).toBe(options.tolerations.length);
      }
    });
    console.log(`${name} fuzz (seed ${SEED}): ${stats.runs} runs, ${stats.manifests} valid manifests, ${stats.rejected} rejected with a named error`);
    expect(stats.manifests).toBeGreaterThan(0);
    expect(stats.rejected).toBeGreaterThan(0);
  });
});

/** Each preset with its own props drawn from valid values only. */
const validPresets: Array<[string, fc.Arbitrary<(scope: Construct, options: DaemonSetOptions) => void>]> = [
  ['LogAgent', fc.tuple(fc.constantFrom(LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT), fc.boolean()).map(([flavor, es]) =>
    (scope, options) => new LogAgent(scope, 'preset', { ...options, flavor, output: es ? LogOutput.elasticsearch({ host: 'es.logging.svc' }) : LogOutput.stdout() }))],
  ['NodeExporter', fc.tuple(fc.boolean(), fc.integer({ min: 1024, max: 65535 })).map(([service, port]) =>
    (scope, options) => new NodeExporter(scope, 'preset', { ...options, createService: service, port }))],
  ['GpuDriverInstaller', fc.constantFrom('550.127.05', '535.104.05').map((driverVersion) => (scope, options) => new GpuDriverInstaller(scope, 'preset', { ...options, driverVersion }))],
  ['SecurityAgent', fc.constant((scope: Construct, options: DaemonSetOptions) => new SecurityAgent(scope, 'preset', options))],
  ['NetworkAgent', fc.tuple(fc.boolean(), fc.integer({ min: 1024, max: 65535 })).map(([loadKernelModules, healthPort]) =>
    (scope, options) => new NetworkAgent(scope, 'preset', { ...options, loadKernelModules, healthPort, apiServerHost: '10.0.0.1', apiServerPort: 6443 }))],
  ['StorageDaemon', fc.constantFrom('ebs.csi.aws.com', 'pd.csi.storage.gke.io', 'efs.csi.aws.com').map((driverName) => (scope, options) => new StorageDaemon(scope, 'preset', { ...options, driverName }))],
];

describe.each(validPresets)('%s with valid props only', (name, build) => {
  test('every input drawn as valid synthesizes (no over-rejection)', () => {
    const inputs = fc.tuple(build, arb.presetSafeOptions);
    const stats = fuzz(inputs, 150, (chart, [make, options]) => make(chart, options), (_o, objects) => expectNoHoles(objects));
    console.log(`${name} valid-only fuzz (seed ${SEED}): ${stats.runs} runs, ${stats.manifests} manifests, ${stats.rejected} rejected`);
    expect(stats.rejected).toBe(0);
  });
});

/** Untyped callers: one core prop of any JSON-like value, through every preset. */
const KEYS = ['name', 'namespace', 'labels', 'args', 'env', 'ports', 'hostMounts', 'volumeMounts', 'volumes', 'resources', 'tolerations',
  'nodeSelector', 'updateStrategy', 'initContainers', 'sidecars', 'rbacRules', 'podAnnotations', 'addCapabilities', 'runAsUser'];
const untyped = fc.tuple(fc.constantFrom(...KEYS), fc.anything({ maxDepth: 2 }))
  .map(([key, value]) => ({ [key]: value }) as unknown as DaemonSetOptions);

describe.each(presets)('%s with wrongly typed props', (name, build) => {
  test('ends in a named error, never a TypeError', () => {
    const stats = fuzz(fc.tuple(build, untyped), 200, (chart, [make, options]) => make(chart, options), (_o, objects) => expectNoHoles(objects));
    console.log(`${name} untyped fuzz (seed ${SEED}): ${stats.runs} runs, ${stats.manifests} valid manifests, ${stats.rejected} rejected with a named error`);
    expect(stats.rejected).toBeGreaterThan(0);
  });
});
