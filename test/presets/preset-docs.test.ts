import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import * as ts from 'typescript';
import * as lib from '../../src';
import { newChart, synth } from '../util/synth';

/**
 * The TypeScript examples of the preset pages (docs/presets/*.md) compile against the library
 * and synthesize manifests the API server would accept. Each ```ts block is a fragment with its
 * own imports that puts constructs into `chart` (as the README's `with-chart` fixture does).
 */
const PAGES = ['network-agent.md', 'gpu-driver-installer.md', 'storage-daemon.md'];
const DOCS = join(__dirname, '..', '..', 'docs', 'presets');

interface Example { readonly page: string; readonly index: number; readonly code: string }

function examples(page: string): Example[] {
  const text = readFileSync(join(DOCS, page), 'utf-8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, index) => ({ page, index, code: m[1] }));
}

const ALL = PAGES.flatMap(examples);
const FIXTURE = 'declare const chart: import(\'cdk8s\').Chart;\n';

/** Type-checks every example at once, 'cdk8s-node-agents' resolved to src/. */
function typeErrors(): string[] {
  // Virtual files beside the pages, so that imports resolve from the project's node_modules.
  const files = new Map(ALL.map((e) => [join(DOCS, `${e.page}.example${e.index + 1}.ts`), FIXTURE + e.code]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    baseUrl: join(__dirname, '..', '..'),
    paths: { 'cdk8s-node-agents': ['src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.getSourceFile = (name, version) => (files.has(name)
    ? ts.createSourceFile(name, files.get(name)!, version)
    : getSourceFile(name, version));
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.has(d.file.fileName))
    .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

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

  test('compile against the library (strict)', () => {
    expect(typeErrors()).toEqual([]);
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
