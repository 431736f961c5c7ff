/**
 * Every TypeScript example in docs/ compiles against the library's current source, the way
 * jsii-rosetta compiles the README's (`npm test` runs both): a fence ```ts [fixture=NAME] is
 * wrapped in rosetta/NAME.ts-fixture (default: `default`), with `cdk8s-node-agents` resolved
 * to src/. Examples that are not meant to compile are fenced as `text`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

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
