import { JsonPatch } from 'cdk8s';
import { Node, NodeTaintQuery, TaintEffect } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CalicoNode, CiliumAgent, CsiDriver, DaemonSet, DatadogAgent, DcgmExporter, GpuContainerToolkit, GpuDevicePlugin, GpuDriverFlavor,
  GpuDriverInstaller, LogAgent, LogFlavor, NetworkAgent, NodeExporter, SecurityAgent, StorageDaemon,
} from '../src';
import { newChart, only, synth } from './util/synth';
import { IMAGE_PLATFORMS_ANNOTATION } from '../src/placement/fleet-fit';

/**
 * The escape hatch: `daemonSet.workload` (the cdk8s-plus DaemonSet) and `daemonSet.apiObject`
 * (its L1 object) stay the source of truth after construction. An edit made through them after
 * the construct is built reaches the synthesized manifest, on the core and on every preset
 * (nothing the library renders later replaces it).
 */
const AGENTS: Array<[string, (scope: Construct) => DaemonSet]> = [
  ['DaemonSet', (s) => new DaemonSet(s, 'agent', { image: 'registry.example.com/agent:1.2.3', imagePlatforms: ['linux/amd64'] })],
  ['LogAgent', (s) => new LogAgent(s, 'agent').daemonSet],
  ['NodeExporter', (s) => new NodeExporter(s, 'agent').daemonSet],
  ['GpuDriverInstaller (COS)', (s) => new GpuDriverInstaller(s, 'agent').daemonSet],
  ['GpuDriverInstaller (driver container)', (s) => new GpuDriverInstaller(s, 'agent', { flavor: GpuDriverFlavor.DRIVER_CONTAINER }).daemonSet],
  ['SecurityAgent', (s) => new SecurityAgent(s, 'agent').daemonSet],
  ['NetworkAgent', (s) => new NetworkAgent(s, 'agent', { apiServerHost: '10.0.0.10', apiServerPort: 6443 }).daemonSet],
  ['StorageDaemon', (s) => new StorageDaemon(s, 'agent').daemonSet],
  ['StorageDaemon (Ceph RBD)', (s) => new StorageDaemon(s, 'agent', { driver: CsiDriver.cephRbd({ clusters: [{ clusterId: 'ceph-1', monitors: ['10.0.0.1:6789'] }] }) }).daemonSet],
  ['LogAgent (Logstash)', (s) => new LogAgent(s, 'agent', { flavor: LogFlavor.LOGSTASH }).daemonSet],
  ['LogAgent (OpenTelemetry Collector)', (s) => new LogAgent(s, 'agent', { flavor: LogFlavor.OTEL_COLLECTOR }).daemonSet],
  ['GpuContainerToolkit', (s) => new GpuContainerToolkit(s, 'agent').daemonSet],
  ['GpuDevicePlugin', (s) => new GpuDevicePlugin(s, 'agent').daemonSet],
  ['DcgmExporter', (s) => new DcgmExporter(s, 'agent').daemonSet],
  ['DatadogAgent', (s) => new DatadogAgent(s, 'agent', { apiKeySecretName: 'datadog-secret' }).daemonSet],
  ['CiliumAgent', (s) => new CiliumAgent(s, 'agent').daemonSet],
  ['CalicoNode', (s) => new CalicoNode(s, 'agent').daemonSet],
];

/** The agent built, then edited by `edit`, and its synthesized (validated) DaemonSet. */
function edited(make: (scope: Construct) => DaemonSet, edit: (ds: DaemonSet) => void): { before: any; after: any } {
  const plain = newChart();
  make(plain);
  const before = only(synth(plain), 'DaemonSet');
  const chart = newChart();
  edit(make(chart));
  return { before, after: only(synth(chart), 'DaemonSet') };
}

describe.each(AGENTS)('%s: an edit through the escape hatch after construction survives synthesis', (_, make) => {
  test('an annotation on the DaemonSet, beside the image platforms the agent declares', () => {
    // WHEN
    const { before, after } = edited(make, (ds) => ds.workload.metadata.addAnnotation('team', 'platform'));
    // THEN the annotation is there, and nothing the library set is lost
    expect(after.metadata.annotations).toEqual({ ...before.metadata.annotations, team: 'platform' });
    if (before.metadata.annotations?.[IMAGE_PLATFORMS_ANNOTATION] !== undefined) {
      expect(after.metadata.annotations[IMAGE_PLATFORMS_ANNOTATION]).toBe(before.metadata.annotations[IMAGE_PLATFORMS_ANNOTATION]);
    }
  });

  test('a label on the DaemonSet and one on the pods', () => {
    // WHEN
    const { before, after } = edited(make, (ds) => {
      ds.workload.metadata.addLabel('team', 'platform');
      ds.workload.podMetadata.addLabel('cost-center', 'infra');
    });
    // THEN
    expect(after.metadata.labels).toEqual({ ...before.metadata.labels, team: 'platform' });
    expect(after.spec.template.metadata.labels).toEqual({ ...before.spec.template.metadata.labels, 'cost-center': 'infra' });
    // and the selector, which is immutable, does not move
    expect(after.spec.selector).toEqual(before.spec.selector);
  });

  test('a toleration, added to the agent\'s own', () => {
    // WHEN
    const { before, after } = edited(make, (ds) => ds.workload.scheduling.tolerate(
      Node.tainted(NodeTaintQuery.is('dedicated', 'gpu', { effect: TaintEffect.NO_SCHEDULE }))));
    // THEN
    expect(after.spec.template.spec.tolerations).toEqual([
      ...before.spec.template.spec.tolerations ?? [],
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
    ]);
  });

  test('a JSON patch on the L1 object, over a field the library sets', () => {
    // WHEN the priority class and the revision history, both set by the library, are patched
    const { after } = edited(make, (ds) => ds.apiObject.addJsonPatch(
      JsonPatch.add('/spec/template/spec/priorityClassName', 'platform-critical'),
      JsonPatch.replace('/spec/revisionHistoryLimit', 3)));
    // THEN the patch wins
    expect(after.spec.template.spec.priorityClassName).toBe('platform-critical');
    expect(after.spec.revisionHistoryLimit).toBe(3);
  });
});
