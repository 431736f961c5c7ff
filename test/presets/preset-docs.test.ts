import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as ts from 'typescript';
import { synth } from '../util/synth';

/**
 * The TypeScript examples of the preset pages run and synthesize valid manifests (that they
 * compile is test/docs-examples.test.ts's job: they are whole programs, `fixture=program`).
 */
const ROOT = path.join(__dirname, '..', '..');
const PAGES = ['docs/presets/node-exporter.md', 'docs/presets/security-agent.md'];

interface Example {
  readonly page: string;
  readonly index: number;
  readonly code: string;
}

const examples: Example[] = PAGES.flatMap((page) => {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  return [...text.matchAll(/^```ts[^\n]*\n([\s\S]*?)^```$/gm)].map((m, index) => ({
    page,
    index,
    // The package name as a user imports it, resolved to this checkout's source.
    code: m[1].replace(/from 'cdk8s-node-agents'/g, `from '${path.join(ROOT, 'src').replace(/\\/g, '/')}'`),
  }));
});

describe('the preset pages\' examples', () => {
  test('there are examples on every page', () => {
    expect(PAGES.map((p) => examples.filter((e) => e.page === p).length).every((n) => n > 0)).toBe(true);
  });

  test.each(examples.map((e) => [`${e.page} #${e.index}`, e] as const))('%s runs and synthesizes a valid manifest', (_name, example) => {
    // GIVEN the example, transpiled; its `chart` is handed back
    const js = ts.transpileModule(`${example.code}\nexport const __chart = chart;\n`, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const module = { exports: {} as { __chart?: Chart } };
    // WHEN it runs
    new Function('require', 'module', 'exports', js)(require, module, module.exports);
    // THEN its chart synthesizes objects that pass the schema and API-server checks
    const objects = synth(module.exports.__chart!);
    expect(objects.filter((o) => o.kind === 'DaemonSet').length).toBeGreaterThan(0);
  });
});
