import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import * as ts from 'typescript';
import * as lib from '../../src';
import { newChart, synth } from '../util/synth';

/**
 * The TypeScript examples of the preset pages (docs/presets/*.md) synthesize manifests the API
 * server would accept (test/docs-examples.test.ts compiles them). Each ```ts block is a fragment
 * with its own imports that puts constructs into `chart` (the `with-chart` fixture).
 */
const PAGES = ['network-agent.md', 'gpu-driver-installer.md', 'storage-daemon.md'];
const DOCS = join(__dirname, '..', '..', 'docs', 'presets');

interface Example { readonly page: string; readonly index: number; readonly code: string }

function examples(page: string): Example[] {
  const text = readFileSync(join(DOCS, page), 'utf-8');
  return [...text.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map((m, index) => ({ page, index, code: m[1] }));
}

const ALL = PAGES.flatMap(examples);
/** Runs one example against `chart`, with 'cdk8s-node-agents' resolved to the library's source. */
function run(example: Example, chart: Chart): void {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
  const js = ts.transpileModule(example.code, { compilerOptions }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const localRequire = (name: string) => (name === 'cdk8s-node-agents' ? lib : require(name));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'exports', 'chart', js)(localRequire, {}, chart);
}

describe('the preset pages\' examples', () => {
  test('there are examples on every page', () => {
    for (const page of PAGES) {
      expect(examples(page).length).toBeGreaterThan(0);
    }
  });

  test.each(ALL.map((e) => [`${e.page} #${e.index + 1}`, e] as const))('%s synthesizes a manifest the API server accepts', (_, example) => {
    // GIVEN the example's constructs in a chart
    const chart = newChart();
    run(example, chart);
    // WHEN / THEN synth validates every object against the schema and the API server's rules
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind === 'DaemonSet').length).toBeGreaterThan(0);
  });
});
