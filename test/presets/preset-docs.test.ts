import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as ts from 'typescript';
import { synth } from '../util/synth';

/**
 * The TypeScript examples of the preset pages compile against the library (type-checked with
 * the dev tsconfig's options), run, and synthesize valid manifests.
 */
const ROOT = path.join(__dirname, '..', '..');
const PAGES = ['docs/presets/node-exporter.md', 'docs/presets/security-agent.md'];

interface Example {
  readonly page: string;
  readonly index: number;
  /** Virtual file name, inside the repository so that node_modules resolve. */
  readonly fileName: string;
  readonly code: string;
}

const examples: Example[] = PAGES.flatMap((page) => {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m, index) => ({
    page,
    index,
    fileName: path.join(ROOT, 'test', `__docs_${path.basename(page, '.md')}_${index}.ts`),
    // The package name as a user imports it, resolved to this checkout's source.
    code: m[1].replace(/from 'cdk8s-node-agents'/g, `from '${path.join(ROOT, 'src').replace(/\\/g, '/')}'`),
  }));
});

/** Type errors of every example, as "page #n: message" lines. */
function typeErrors(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const options = { ...config!.options, noEmit: true, noUnusedLocals: false, skipLibCheck: true };
  const virtual = new Map(examples.map((e) => [e.fileName, e.code]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) => virtual.has(name)
    ? ts.createSourceFile(name, virtual.get(name)!, version)
    : getSourceFile.call(host, name, version, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && virtual.has(d.file.fileName))
    .map((d) => {
      const example = examples.find((e) => e.fileName === d.file!.fileName)!;
      return `${example.page} #${example.index}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('the preset pages\' examples', () => {
  test('there are examples on every page', () => {
    expect(PAGES.map((p) => examples.filter((e) => e.page === p).length).every((n) => n > 0)).toBe(true);
  });

  test('type-check against the library', () => {
    expect(typeErrors()).toEqual([]);
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
