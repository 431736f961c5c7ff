import * as fc from 'fast-check';
import * as arb from './arbitraries';
import { fuzz, expectNoHoles, SEED } from './harness';
import { DaemonSet, DaemonSetProps } from '../../src';
import { container, only, podSpec } from '../util/synth';

const props: fc.Arbitrary<DaemonSetProps> = fc.tuple(arb.image, arb.options).map(([image, options]) => ({ ...options, image }));

test('the core DaemonSet: every generated input ends in a valid manifest or a named error, and loses no user value', () => {
  const stats = fuzz(props, 1500, (chart, p) => new DaemonSet(chart, 'agent', p), (p, objects) => {
    expectNoHoles(objects);
    const ds = only(objects, 'DaemonSet');
    const main = container(objects);
    // labels and annotations exactly as given (user labels win over the defaults)
    expect(ds.metadata.labels).toMatchObject(p.labels ?? {});
    expect(ds.spec.template.metadata.labels).toMatchObject({ ...p.labels, ...p.podLabels });
    for (const [k, v] of Object.entries(p.annotations ?? {})) {
      expect(ds.metadata.annotations[k]).toBe(v);
    }
    // args and env, in order
    expect(main.args).toEqual(p.args);
    const envNames = (main.env ?? []).map((e: any) => e.name);
    expect(envNames.filter((n: string) => n !== 'NODE_NAME' || 'NODE_NAME' in (p.env ?? {}))).toEqual(Object.keys(p.env ?? {}));
    // every host mount, with its read-only flag
    const volumes = podSpec(objects).volumes ?? [];
    for (const m of p.hostMounts ?? []) {
      expect(volumes).toContainEqual({ name: m.volumeName, hostPath: { path: m.path, type: m.type } });
      expect(main.volumeMounts).toContainEqual(expect.objectContaining({ name: m.volumeName, mountPath: m.mountPath, readOnly: m.isReadOnly }));
    }
    expect((podSpec(objects).tolerations ?? []).length).toBe((p.tolerations ?? [{}]).length);
    // the pod settings of issue 13, as given
    const spec = podSpec(objects);
    expect(spec.imagePullSecrets ?? []).toEqual((p.imagePullSecrets ?? []).map((name) => ({ name })));
    expect(spec.runtimeClassName).toBe(p.runtimeClassName);
    expect(spec.securityContext.supplementalGroups ?? []).toEqual(p.supplementalGroups ?? []);
    expect((spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => t.weight))
      .toEqual((p.preferredNodeAffinity ?? []).map((t) => t.weight));
    expect(spec.hostAliases ?? []).toEqual(p.hostAliases ?? []);
    expect(spec.dnsConfig?.nameservers).toEqual(p.dnsConfig?.nameservers);
  });
  console.log(`core DaemonSet fuzz (seed ${SEED}): ${stats.runs} runs, ${stats.manifests} valid manifests, ${stats.rejected} rejected with a named error`);
  expect(stats.manifests).toBeGreaterThan(0);
  expect(stats.rejected).toBeGreaterThan(0);
});

test('the core DaemonSet: every input drawn as valid synthesizes (no over-rejection)', () => {
  // GIVEN only values and combinations the library must accept
  const valid = fc.tuple(arb.arbitraries(true).image, arb.arbitraries(true).options).map(([image, options]) => ({ ...options, image }));
  // THEN every one of them ends in a manifest (which the harness validates), none in an error
  const stats = fuzz(valid, 1000, (chart, p) => new DaemonSet(chart, 'agent', p), (_p, objects) => expectNoHoles(objects));
  console.log(`core DaemonSet valid-only fuzz (seed ${SEED}): ${stats.runs} runs, ${stats.manifests} manifests, ${stats.rejected} rejected`);
  expect(stats.rejected).toBe(0);
  expect(stats.manifests).toBe(stats.runs);
});

/** Untyped callers: one prop of any JSON-like value (wrong types, nulls, nested junk). */
const KEYS = ['image', 'name', 'namespace', 'labels', 'annotations', 'podAnnotations', 'args', 'command', 'env', 'ports', 'hostMounts',
  'volumeMounts', 'volumes', 'resources', 'liveness', 'privileged', 'addCapabilities', 'runAsUser', 'tolerations', 'nodeSelector',
  'requiredNodeAffinity', 'updateStrategy', 'minReadySeconds', 'hostNetwork', 'initContainers', 'sidecars', 'rbacRules', 'seccompProfile',
  'imagePullSecrets', 'envFrom', 'lifecycle', 'hostAliases', 'dnsConfig', 'runtimeClassName', 'supplementalGroups', 'seLinuxOptions',
  'preferredNodeAffinity', 'hostUsers', 'serviceAccountAnnotations', 'podLabels', 'namespacedRbacRules', 'metrics'];
const untyped = fc.tuple(arb.arbitraries(true).image, fc.constantFrom(...KEYS), fc.anything({ maxDepth: 2 }))
  .map(([image, key, value]) => ({ image, [key]: value }) as unknown as DaemonSetProps);

test('the core DaemonSet: wrongly typed props end in a named error, never a TypeError', () => {
  const stats = fuzz(untyped, 1500, (chart, p) => new DaemonSet(chart, 'agent', p), (_p, objects) => expectNoHoles(objects));
  console.log(`core DaemonSet untyped fuzz (seed ${SEED}): ${stats.runs} runs, ${stats.manifests} valid manifests, ${stats.rejected} rejected with a named error`);
  expect(stats.rejected).toBeGreaterThan(0);
});
