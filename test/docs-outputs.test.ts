/**
 * The CLI output that README.md and docs/ show is what the CLI prints. A ```text fence whose first
 * line is `$ cdk8s-node-agents ...` is run with the library's CLI (src/cli/main.ts), in the folder
 * named by the fence's `cwd=` attribute (repository-relative; GitHub does not render it), or, without
 * one, in a folder that has the repository's `examples/` and the example app synthesized to
 * `dist/manifests/` (what `npx projen synth:example` writes). The lines after the command must be
 * the output (standard output and error, in the order written); a line `...` stands for lines left
 * out. An `exit=N` attribute is the exit code the text around the fence gives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExampleApp } from '../examples/app';
import { main } from '../src/cli/main';

const ROOT = path.join(__dirname, '..');

interface Shown {
  readonly file: string;
  readonly line: number;
  readonly cwd?: string;
  /** The exit code the text gives (`exit=N`), if any. */
  readonly exit?: number;
  readonly args: string[];
  readonly expected: string[];
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? markdownFiles(full) : e.name.endsWith('.md') ? [full] : [];
  });
}

function exitCode(info: string): number | undefined {
  const m = /\bexit=(\d+)/.exec(info);
  return m ? Number(m[1]) : undefined;
}

function shownOutputs(file: string): Shown[] {
  const lines = fs.readFileSync(file, 'utf-8').split('\n');
  const found: Shown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```text\b(.*)$/.exec(lines[i]);
    if (!open || !lines[i + 1]?.startsWith('$ cdk8s-node-agents ')) {
      continue;
    }
    const start = i + 1;
    let end = start;
    while (!lines[end + 1].startsWith('```')) {
      end++;
    }
    const body = lines.slice(start + 1, end + 1);
    while (body.length > 0 && body[body.length - 1].trim() === '') {
      body.pop();
    }
    found.push({
      file: path.relative(ROOT, file),
      line: start + 1,
      cwd: /\bcwd=(\S+)/.exec(open[1])?.[1],
      exit: exitCode(open[1]),
      args: lines[start].split(/\s+/).slice(2),
      expected: body,
    });
    i = end + 1;
  }
  return found;
}

/** A shell's expansion of `dir/*.ext` (sorted); other words as they are. */
function expand(args: string[], cwd: string): string[] {
  return args.flatMap((a) => {
    const m = /^(.*\/)?\*(\.[\w.]+)$/.exec(a);
    if (!m) {
      return [a];
    }
    const dir = m[1] ?? '';
    return fs.readdirSync(path.join(cwd, dir)).filter((f) => f.endsWith(m[2])).sort().map((f) => `${dir}${f}`);
  });
}

/** Where `expected` (with `...` for left-out lines) does not match `actual`, or undefined. */
function mismatch(expected: string[], actual: string[]): string | undefined {
  const segments: string[][] = [[]];
  for (const line of expected) {
    if (line.trim() === '...') {
      segments.push([]);
    } else {
      segments[segments.length - 1].push(line);
    }
  }
  const anchoredEnd = segments[segments.length - 1].length > 0;
  let at = 0;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    if (seg.length === 0) {
      continue;
    }
    const fits = (i: number) => seg.every((l, k) => actual[i + k] === l);
    let found = -1;
    if (s === 0) {
      found = fits(0) ? 0 : -1;
    } else {
      for (let i = at; i + seg.length <= actual.length && found < 0; i++) {
        found = fits(i) ? i : -1;
      }
    }
    if (found < 0) {
      return `not printed${s === 0 ? ' at the start' : ' (after the lines before it)'}:\n${seg.join('\n')}`;
    }
    at = found + seg.length;
  }
  if (anchoredEnd && at !== actual.length) {
    return `printed after the last line shown (mark left-out lines with "..."):\n${actual.slice(at).join('\n')}`;
  }
  return undefined;
}

const shown = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))].flatMap(shownOutputs);

let exampleDir: string;
beforeAll(() => {
  // The folder a reader of the README has after `npx projen synth:example`.
  exampleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-outputs-'));
  fs.symlinkSync(path.join(ROOT, 'examples'), path.join(exampleDir, 'examples'));
  new ExampleApp({ outdir: path.join(exampleDir, 'dist', 'manifests') }).synth();
});

afterAll(() => {
  fs.rmSync(exampleDir, { recursive: true, force: true });
});

test('README.md and docs/ show CLI output (the check has something to check)', () => {
  expect(shown.filter((s) => s.file === 'README.md')).toHaveLength(1);
  expect(shown.filter((s) => s.file === 'docs/placement-preview.md').length).toBeGreaterThanOrEqual(2);
});

test.each(shown.map((s) => [`${s.file}:${s.line}`, s] as const))('%s shows what the CLI prints', (_, s) => {
  // GIVEN the command as shown, in its folder
  const cwd = s.cwd === undefined ? exampleDir : path.join(ROOT, s.cwd);
  const before = process.cwd();
  let output = '';
  const write = (text: string) => {
    output += text;
  };
  // WHEN the CLI runs it
  process.chdir(cwd);
  let code: number;
  try {
    code = main(expand(s.args, cwd), { stdout: write, stderr: write });
  } finally {
    process.chdir(before);
  }
  // THEN the lines shown are the lines printed
  expect(mismatch(s.expected, output.replace(/\n$/, '').split('\n'))).toBeUndefined();
  if (s.exit !== undefined) {
    expect(code).toBe(s.exit);
  }
});

test('fails when a shown line differs or lines are left out unmarked', () => {
  // GIVEN an output of four lines
  const actual = ['a', 'b', 'c', 'd'];
  // THEN excerpts with "..." match, and wrong or unmarked ones do not
  expect(mismatch(['a', '...', 'c', 'd'], actual)).toBeUndefined();
  expect(mismatch(['...', 'b', 'c', '...'], actual)).toBeUndefined();
  expect(mismatch(['a', 'b', 'c', 'd'], actual)).toBeUndefined();
  expect(mismatch(['a', 'c', 'd'], actual)).toMatch(/not printed at the start/);
  expect(mismatch(['a', '...', 'x'], actual)).toMatch(/not printed \(after/);
  expect(mismatch(['a', 'b'], actual)).toMatch(/printed after the last line shown/);
});
