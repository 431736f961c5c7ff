import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Errors, HostMount, NodeExporter } from '../src';
import { InventoryAgent } from './fixtures/inventory-agent';
import { container, newChart, only, podSpec, synth } from './util/synth';

/**
 * A platform team's own preset, written exactly as docs/writing-a-preset.md shows, gets what the
 * library's presets get: one error listing its problems and the core's, the merge rule, the
 * configuration ConfigMap and checksum, and the app-wide checks against the library's agents.
 */

test('the fixture is the preset of docs/writing-a-preset.md, verbatim', () => {
  // GIVEN
  const doc = readFileSync(join(__dirname, '..', 'docs', 'writing-a-preset.md'), 'utf8');
  const fixture = readFileSync(join(__dirname, 'fixtures', 'inventory-agent.ts'), 'utf8');
  // WHEN the class and its props, as the fixture has them
  const code = fixture.slice(fixture.indexOf('/** Props of the inventory agent. */'));
  // THEN the page has the same code
  expect(code.length).toBeGreaterThan(1000);
  expect(doc).toContain(code.trimEnd());
});

test('its defaults, named after each instance, with its ConfigMap and the checksum that rolls the pods', () => {
  // GIVEN
  const chart = newChart({ namespace: 'platform-agents' });
  const agent = new InventoryAgent(chart, 'inventory');
  // WHEN
  const objects = synth(chart);
  // THEN
  const daemonSet = only(objects, 'DaemonSet');
  expect(daemonSet.metadata.name).toBe('inventory');
  expect(daemonSet.metadata.labels['app.kubernetes.io/component']).toBe('inventory');
  expect(only(objects, 'ConfigMap').metadata.name).toBe('inventory-config');
  expect(only(objects, 'ConfigMap').data).toEqual({ 'inventory.yaml': 'endpoint: https://inventory.example.com\n' });
  expect(podSpec(objects).volumes.find((v: any) => v.name === 'config').configMap.name).toBe('inventory-config');
  expect(daemonSet.spec.template.metadata.annotations['checksum/config']).toBe(agent.daemonSet.configChecksum);
  expect(agent.daemonSet.configChecksum).toMatch(/^[0-9a-f]{64}$/);
});

test('the merge rule: mounts added, resources merged per resource, anything else replaced', () => {
  // GIVEN
  const chart = newChart();
  new InventoryAgent(chart, 'inventory', {
    hostMounts: [HostMount.readOnly('/etc/machine-id')],
    resources: { cpu: { request: Cpu.millis(20) } },
    extraArgs: ['--verbose'],
  });
  // WHEN
  const main = container(synth(chart));
  // THEN
  expect(main.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/host/sys', '/etc/machine-id', '/etc/inventory']);
  expect(main.resources.requests.cpu).toBe('20m');
  expect(main.resources.requests.memory).toBeDefined();
  expect(main.args).toEqual(['--verbose']);
});

test('one ValidationError lists its own problem and the core\'s, naming the construct the user created', () => {
  // GIVEN a bad endpoint (the preset's check) and a bad namespace (the core's)
  let thrown: unknown;
  try {
    new InventoryAgent(newChart(), 'inventory', { endpoint: 'http://inventory', namespace: 'Bad_NS' });
  } catch (e) {
    thrown = e;
  }
  // THEN
  expect(Errors.isValidationError(thrown)).toBe(true);
  expect((thrown as Error).message).toMatch(/^2 invalid props for InventoryAgent 'test\/inventory':/);
  expect(Errors.problemsOf(thrown)).toEqual([
    expect.stringMatching(/^endpoint: got "http:\/\/inventory"; expected an https:\/\/ URL/),
    expect.stringMatching(/^namespace: got "Bad_NS"; expected a DNS-1123 label/),
  ]);
});

test('the app-wide checks hold it against the library\'s agents: a host port it shares with node exporter is refused', () => {
  // GIVEN the inventory agent on the host network with node exporter's port, beside a NodeExporter
  const chart = newChart();
  new NodeExporter(chart, 'node-exporter');
  new InventoryAgent(chart, 'inventory', { hostNetwork: true, ports: [{ containerPort: 9100, name: 'http' }] });
  // WHEN
  let thrown: unknown;
  try {
    Testing.synth(chart);
  } catch (e) {
    thrown = e;
  }
  // THEN one validation error, the library's, with both construct paths
  expect(Errors.isValidationError(thrown)).toBe(true);
  expect((thrown as Error).message).toMatch(/^1 conflict between the app's agents:\n {2}- 'test\/node-exporter' \(default\/node-exporter\) and 'test\/inventory' \(default\/inventory\) can run on the same node and both claim host port 9100\/TCP/);
});
