/**
 * A platform team's wrapper builds its agent as the wrapper's `Default` (or `Resource`) child, the
 * constructs convention that cdk8s also follows in the names it generates: the objects are then
 * named after each instance of the wrapper, so two instances never collide.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentNamespace, DaemonSet, NodeExporter } from '../src';
import { newChart, synth } from './util/synth';

const IMAGE = 'registry.example.com/inventory-agent:2.4.1';

class InventoryAgent extends Construct {
  public readonly daemonSet: DaemonSet;
  constructor(scope: Construct, id: string, childId = 'Default') {
    super(scope, id);
    this.daemonSet = new DaemonSet(this, childId, { image: IMAGE });
  }
}

const names = (objects: any[]) => objects.map((o) => `${o.kind} ${o.metadata.name}`).sort();

describe('a wrapper\'s Default child is named after the wrapper', () => {
  test('two instances of a wrapper emit two agents, each named after its instance', () => {
    // GIVEN two wrappers whose core is their Default child
    const chart = newChart();
    const eu = new InventoryAgent(chart, 'inventory-eu');
    new InventoryAgent(chart, 'Inventory US');
    // WHEN
    const objects = synth(chart);
    // THEN each wrapper's objects take its id, and nothing collides
    expect(names(objects)).toEqual(['DaemonSet inventory-eu', 'DaemonSet inventory-us', 'ServiceAccount inventory-eu', 'ServiceAccount inventory-us']);
    expect(eu.daemonSet.name).toBe('inventory-eu');
    expect(objects.find((o) => o.metadata.name === 'inventory-eu' && o.kind === 'DaemonSet').spec.template.spec.serviceAccountName).toBe('inventory-eu');
  });

  test('"Resource" and any case of "default" count as the wrapped child too', () => {
    const chart = newChart();
    expect(new InventoryAgent(chart, 'a', 'Resource').daemonSet.name).toBe('a');
    expect(new InventoryAgent(chart, 'b', 'default').daemonSet.name).toBe('b');
  });

  test('nested wrappers take the nearest id that is not a wrapped child', () => {
    const chart = newChart();
    const outer = new Construct(chart, 'platform-inventory');
    const inner = new Construct(outer, 'Default');
    expect(new DaemonSet(inner, 'Default', { image: IMAGE }).name).toBe('platform-inventory');
  });

  test('a Default child of a chart is named after the chart', () => {
    const chart = new Chart(newChart().node.root as Construct, 'node-inventory');
    expect(new DaemonSet(chart, 'Default', { image: IMAGE }).name).toBe('node-inventory');
  });

  test('an explicit name still wins, and other child ids keep their own name', () => {
    const chart = newChart();
    const named = new Construct(chart, 'wrapper-1');
    expect(new DaemonSet(named, 'Default', { image: IMAGE, name: 'inventory' }).name).toBe('inventory');
    expect(new InventoryAgent(chart, 'wrapper-2', 'DaemonSet').daemonSet.name).toBe('daemonset');
  });

  test('presets and AgentNamespace follow the same rule', () => {
    const chart = newChart();
    const monitoring = new Construct(chart, 'team-monitoring');
    expect(new NodeExporter(monitoring, 'Default').daemonSet.name).toBe('team-monitoring');
    expect(new AgentNamespace(new Construct(chart, 'observability'), 'Resource').name).toBe('observability');
  });
});
