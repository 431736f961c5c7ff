import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as ts from 'typescript';
import { newChart, synth } from '../util/synth';

/**
 * The TypeScript examples of the preset pages run and synthesize valid manifests (that they
 * compile is test/docs-examples.test.ts's job). A page's examples are whole programs
 * (`fixture=program`, they create `chart`) or fragments that put constructs into a `chart` they
 * are given (`fixture=with-chart`).
 */
const ROOT = path.join(__dirname, '..', '..');
const PAGES: { readonly page: string; readonly fixture: 'program' | 'with-chart' }[] = [
  { page: 'docs/presets/node-exporter.md', fixture: 'program' },
  { page: 'docs/presets/security-agent.md', fixture: 'program' },
  { page: 'docs/presets/network-agent.md', fixture: 'with-chart' },
  { page: 'docs/presets/gpu-driver-installer.md', fixture: 'with-chart' },
  { page: 'docs/presets/storage-daemon.md', fixture: 'with-chart' },
  { page: 'docs/presets/gpu-device-plugin.md', fixture: 'with-chart' },
  { page: 'docs/presets/gpu-container-toolkit.md', fixture: 'with-chart' },
  { page: 'docs/presets/dcgm-exporter.md', fixture: 'with-chart' },
  { page: 'docs/presets/gpu-stack.md', fixture: 'with-chart' },
  { page: 'docs/presets/datadog-agent.md', fixture: 'with-chart' },
  { page: 'docs/presets/cilium-agent.md', fixture: 'with-chart' },
  { page: 'docs/presets/calico-node.md', fixture: 'with-chart' },
];

interface Example {
  readonly page: string;
  readonly index: number;
  readonly fixture: 'program' | 'with-chart';
  readonly code: string;
}

const examples: Example[] = PAGES.flatMap(({ page, fixture }) => {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  return [...text.matchAll(/^```ts[^\n]*\n([\s\S]*?)^```$/gm)].map((m, index) => ({
    page,
    index,
    fixture,
    // The package name as a user imports it, resolved to this checkout's source.
    code: m[1].replace(/from 'cdk8s-node-agents'/g, `from '${path.join(ROOT, 'src').replace(/\\/g, '/')}'`),
  }));
});

describe('the preset pages\' examples', () => {
  test('there are examples on every page', () => {
    expect(PAGES.map((p) => examples.filter((e) => e.page === p.page).length).every((n) => n > 0)).toBe(true);
  });

  test.each(examples.map((e) => [`${e.page} #${e.index}`, e] as const))('%s runs and synthesizes a valid manifest', (_name, example) => {
    // GIVEN the example, transpiled; a program's `chart` is handed back, a fragment gets one
    const given = newChart();
    const code = example.fixture === 'program' ? `${example.code}\nexport const __chart = chart;\n` : example.code;
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const module = { exports: {} as { __chart?: Chart } };
    // WHEN it runs
    if (example.fixture === 'program') {
      new Function('require', 'module', 'exports', js)(require, module, module.exports);
    } else {
      new Function('require', 'module', 'exports', 'chart', js)(require, module, module.exports, given);
    }
    // THEN its chart synthesizes objects that pass the schema and API-server checks
    const objects = synth(module.exports.__chart ?? given);
    expect(objects.filter((o) => o.kind === 'DaemonSet').length).toBeGreaterThan(0);
  });
});
