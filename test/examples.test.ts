import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExampleApp } from '../examples/app';
import { NodeInventory, PlacementPreview } from '../src';
import { synthApp } from './util/synth';
import { main } from '../src/cli/main';

const NODES = path.join(__dirname, '..', 'examples', 'nodes.json');

describe('the example app', () => {
  const app = new ExampleApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'example-')) });
  // every object is validated against the schema and the API-server rules
  const objects = synthApp(app);
  const daemonSets = objects.filter((o) => o.kind === 'DaemonSet');

  test('synthesizes every preset and the core construct', () => {
    expect(daemonSets.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual([
      'datadog/datadog',
      'falco/falco',
      'kube-system/calico-node',
      'kube-system/cilium',
      'kube-system/csi-rbdplugin',
      'kube-system/dcgm-exporter',
      'kube-system/ebs-csi-node',
      'kube-system/kube-proxy',
      'kube-system/nvidia-container-toolkit',
      'kube-system/nvidia-device-plugin',
      'kube-system/nvidia-driver-installer',
      'logging/fluent-bit',
      'logging/otel-agent',
      'monitoring/node-exporter',
      'platform-agents/inventory-agent',
    ]);
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual(['datadog', 'falco', 'logging', 'monitoring', 'platform-agents']);
  });

  test('covers every node each agent targets in the example inventory', () => {
    const inventory = NodeInventory.fromKubectlJson(fs.readFileSync(NODES, 'utf-8'));
    for (const ds of daemonSets) {
      const preview = PlacementPreview.forManifest(ds, inventory);
      expect({ name: ds.metadata.name, uncovered: preview.uncoveredNodeNames }).toEqual({ name: ds.metadata.name, uncovered: [] });
      expect(preview.scheduledCount).toBeGreaterThan(0);
    }
  });

  test('the preview command works on the synthesized YAML as the README shows', () => {
    app.synth();
    const files = fs.readdirSync(app.outdir).map((f) => path.join(app.outdir, f));
    let stdout = '';
    let stderr = '';
    const code = main(['preview', '--require-full-coverage', '--nodes', NODES, ...files], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/kube-system\/kube-proxy\s+6\s+6\s+7\s+full/);
    expect(stdout).toMatch(/kube-system\/nvidia-driver-installer\s+1\s+1\s+7\s+full\s+OnDelete/);
  });

  test('output is byte-identical from run to run', () => {
    const again = synthApp(new ExampleApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'example-')) }));
    expect(JSON.stringify(again)).toEqual(JSON.stringify(objects));
  });
});
