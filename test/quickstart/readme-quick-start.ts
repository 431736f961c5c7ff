/**
 * The README's "Quick start" section, read the way the quick-start test runs it. Code fences carry
 * their role in the info string, which GitHub does not render:
 *  - ```<lang> file=<name>: a file the newcomer creates (tsconfig.json, cdk8s.yaml, main.ts);
 *  - ```sh step=install / ```sh step=synth: the one command of each step;
 *  - ```yaml output=<path>: a file the synth writes, shown as it is.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface QuickStart {
  /** The install command, as written. */
  readonly install: string;
  /** The synth command, as written. */
  readonly synth: string;
  /** Files to create, by name. */
  readonly files: Readonly<Record<string, string>>;
  /** Output files the README shows, by path. */
  readonly outputs: Readonly<Record<string, string>>;
}

const SECTION = '## Quick start';

/** Reads the quick start from a README (the repository's by default); fails if a part is missing. */
export function readQuickStart(readmePath = path.join(__dirname, '..', '..', 'README.md')): QuickStart {
  const readme = fs.readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) {
    throw new Error(`${readmePath}: no "${SECTION}" section`);
  }
  const next = readme.indexOf('\n## ', start + SECTION.length + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);

  const steps: Record<string, string> = {};
  const files: Record<string, string> = {};
  const outputs: Record<string, string> = {};
  for (const m of section.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const attrs = attributes(m[2]);
    const body = m[3];
    if (attrs.step) {
      const lines = body.split('\n').filter((l) => l.trim() !== '');
      if (lines.length !== 1 || steps[attrs.step] !== undefined) {
        throw new Error(`${readmePath}: the quick start's "${attrs.step}" step must be one command, got:\n${body}`);
      }
      steps[attrs.step] = lines[0].trim();
    }
    if (attrs.file) {
      files[attrs.file] = body;
    }
    if (attrs.output) {
      outputs[attrs.output] = body;
    }
  }
  for (const step of ['install', 'synth']) {
    if (steps[step] === undefined) {
      throw new Error(`${readmePath}: the quick start has no \`\`\`sh step=${step} fence`);
    }
  }
  return { install: steps.install, synth: steps.synth, files, outputs };
}

/** `ts file=main.ts fixture=program` without the language: { file: 'main.ts', fixture: 'program' }. */
function attributes(info: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const word of info.trim().split(/\s+/).filter((w) => w !== '')) {
    const [key, ...value] = word.split('=');
    result[key] = value.join('=');
  }
  return result;
}

/**
 * The install command with the library's registry name replaced by a local tarball, the way the
 * test installs the packed library; fails unless the name appears exactly once as a package.
 */
export function installFrom(install: string, name: string, tarball: string): string {
  const words = install.split(/\s+/);
  if (words[0] !== 'npm' || !['install', 'i', 'add'].includes(words[1])) {
    throw new Error(`the quick start's install step is not an npm install: ${install}`);
  }
  const at = words.flatMap((w, i) => (w === name || w.startsWith(`${name}@`) ? [i] : []));
  if (at.length !== 1) {
    throw new Error(`the quick start's install step must name ${name} once, got: ${install}`);
  }
  words[at[0]] = `'${tarball.replace(/'/g, '\'\\\'\'')}'`;
  return words.join(' ');
}
