/**
 * Every TypeScript example in docs/ compiles against the library's current source, the way
 * jsii-rosetta compiles the README's (`npm test` runs both): a fence ```ts [fixture=NAME] is
 * wrapped in rosetta/NAME.ts-fixture (default: `default`), with `cdk8s-node-agents` resolved
 * to src/. Examples that are not meant to compile are fenced as `text`.
 *
 * Compiling is not running: every example of README.md and docs/ that a reader can paste into a
 * cdk8s app is also run (a fragment in an app and chart of its own, ending in `app.synth()`), and
 * the manifest it writes must be one the API server accepts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as constructs from 'constructs';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import * as library from '../src';
import { validateManifest } from './util/synth';

const ROOT = path.join(__dirname, '..');

interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly fixture: string;
  readonly code: string;
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? markdownFiles(full) : e.name.endsWith('.md') ? [full] : [];
  });
}

function snippets(file: string): Snippet[] {
  const lines = fs.readFileSync(file, 'utf-8').split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const fixture = /fixture=([\w-]+)/.exec(open[2])?.[1] ?? 'default';
    const start = i + 1;
    while (i + 1 < lines.length && !lines[i + 1].startsWith('```')) {
      i++;
    }
    found.push({ file: path.relative(ROOT, file), line: start, fixture, code: lines.slice(start, i + 1).join('\n') });
    i++;
  }
  return found;
}

const all = markdownFiles(path.join(ROOT, 'docs')).flatMap(snippets);

test('docs/ has TypeScript examples to compile', () => {
  expect(all.length).toBeGreaterThan(0);
});

test('every TypeScript example in docs/ compiles', () => {
  // GIVEN each snippet in its fixture, as a file of its own
  const files = new Map<string, string>();
  all.forEach((s, i) => {
    const fixture = fs.readFileSync(path.join(ROOT, 'rosetta', `${s.fixture}.ts-fixture`), 'utf-8');
    files.set(path.join(ROOT, `__docs_example_${i}.ts`), fixture.replace('/// here', s.code));
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    baseUrl: ROOT,
    paths: { 'cdk8s-node-agents': ['src/index.ts'] },
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => files.get(path.resolve(f)) ?? read(f);
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => files.has(path.resolve(f)) || exists(f);
  // WHEN they are compiled together
  const program = ts.createProgram([...files.keys()], options, host);
  // THEN no snippet has an error (each named by its markdown file and line)
  const errors = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.has(path.resolve(d.file.fileName)))
    .map((d) => {
      const index = Number(/__docs_example_(\d+)\.ts$/.exec(d.file!.fileName)![1]);
      return `${all[index].file}:${all[index].line} (fixture ${all[index].fixture}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  expect(errors).toEqual([]);
});

/** The example as a program a reader runs: its own, or the fragment in an app with a chart. */
function asProgram(s: Snippet): string {
  const app = "import { App as DocsApp, Chart as DocsChart } from 'cdk8s';\nconst docsApp = new DocsApp();\nconst chart = new DocsChart(docsApp, 'docs');\n";
  if (s.fixture === 'program') {
    return s.code;
  }
  const fixture = fs.readFileSync(path.join(ROOT, 'rosetta', `${s.fixture}.ts-fixture`), 'utf-8');
  return fixture.replace("declare const chart: import('cdk8s').Chart;", app).replace('/// here', `${s.code}\ndocsApp.synth();`);
}

/** Runs a program with `cdk8s-node-agents` resolved to src/, its app writing into `outdir`. */
function runProgram(code: string, outdir: string): void {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
  }).outputText;
  const modules: Record<string, unknown> = { 'cdk8s-node-agents': library, 'cdk8s': cdk8s, 'cdk8s-plus-28': kplus, constructs, fs, path };
  const load = (id: string) => {
    if (!(id in modules)) {
      throw new Error(`an example imports ${id}, which this test does not provide: add it to the modules here`);
    }
    return modules[id];
  };
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    const module = { exports: {} };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'module', 'exports', js)(load, module, module.exports);
  } finally {
    if (previous === undefined) {
      delete process.env.CDK8S_OUTDIR;
    } else {
      process.env.CDK8S_OUTDIR = previous;
    }
  }
}

// Examples that read files of the reader's cluster (nodes.json, pods.json) only compile here.
const runnable = [...snippets(path.join(ROOT, 'README.md')), ...all].filter((s) => !/\bfs\.readFileSync\(/.test(s.code));

test('README.md and docs/ have examples to run', () => {
  expect(runnable.filter((s) => s.file === 'README.md').length).toBeGreaterThanOrEqual(3);
  expect(runnable.filter((s) => s.file.startsWith('docs/presets/')).length).toBeGreaterThanOrEqual(6);
});

test.each(runnable.map((s) => [`${s.file}:${s.line}`, s] as const))('%s synthesizes a manifest the API server accepts', (_, s) => {
  // GIVEN the example as the program a reader runs
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-example-'));
  try {
    // WHEN it runs (its app synthesizes, with the app-wide checks)
    runProgram(asProgram(s), outdir);
    // THEN it wrote a manifest, and every object is one the API server accepts
    const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const objects = files.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map((d) => d.toJS()));
    expect(objects.filter((o) => o?.kind === 'DaemonSet').length).toBeGreaterThan(0);
    validateManifest(objects);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
