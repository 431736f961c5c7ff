/**
 * Every relative link and #anchor in README.md and docs/**\/*.md resolves: the file or folder
 * exists in the repository, and the anchor is a heading of the target as GitHub renders it
 * (lower case, punctuation dropped, spaces to "-", "-1", "-2" for repeats). Links inside code
 * fences and inline code are not links. Web links (http:, https:, mailto:) are not checked here
 * (no network in tests).
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? markdownFiles(full) : e.name.endsWith('.md') ? [full] : [];
  });
}

/** The text outside code fences, with inline code blanked (same line numbers). */
function proseLines(text: string): string[] {
  let inFence = false;
  return text.split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
  });
}

/** GitHub's heading anchors (github-slugger): lower case, keep letters, digits, "-", "_" and spaces; spaces to "-". */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) {
      continue;
    }
    const base = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  readonly from: string;
  readonly line: number;
  readonly target: string;
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  proseLines(fs.readFileSync(file, 'utf-8')).forEach((line, i) => {
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ from: path.relative(ROOT, file), line: i + 1, target: m[1] });
    }
  });
  return links;
}

const files = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))];
const links = files.flatMap(linksOf);
const local = links.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target));

/** Why a local link does not resolve, or undefined when it does. */
function brokenReason(link: Link): string | undefined {
  const [target, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const resolved = target === '' ? path.join(ROOT, link.from) : path.resolve(ROOT, path.dirname(link.from), decodeURI(target));
  if (!resolved.startsWith(ROOT + path.sep) && resolved !== ROOT) {
    return 'points outside the repository';
  }
  if (!fs.existsSync(resolved)) {
    return `${path.relative(ROOT, resolved)} does not exist`;
  }
  if (anchor !== undefined) {
    if (!resolved.endsWith('.md')) {
      return `#${anchor} on a file that is not markdown`;
    }
    const anchors = anchorsOf(fs.readFileSync(resolved, 'utf-8'));
    if (!anchors.has(decodeURIComponent(anchor))) {
      return `no heading #${anchor} in ${path.relative(ROOT, resolved)} (headings: ${[...anchors].join(', ')})`;
    }
  }
  return undefined;
}

test('README.md and docs/ link to each other (the check has something to check)', () => {
  expect(local.filter((l) => l.from === 'README.md' && l.target.startsWith('./docs/')).length).toBeGreaterThanOrEqual(6);
  expect(local.filter((l) => l.from === 'README.md' && l.target.startsWith('#')).length).toBeGreaterThanOrEqual(5);
});

test('every relative link and #anchor in README.md and docs/ resolves', () => {
  // GIVEN every local link of the docs
  // WHEN each is resolved against the repository and the target's headings
  const broken = local.flatMap((l) => {
    const reason = brokenReason(l);
    return reason === undefined ? [] : [`${l.from}:${l.line} (${l.target}): ${reason}`];
  });
  // THEN none is broken
  expect(broken).toEqual([]);
});

test('anchors are computed as GitHub computes them', () => {
  // GIVEN headings with punctuation, code, links and a repeat
  const text = '# Quick start\n## Placement preview: will every agent run?\n## `privileged: false` mode\n'
    + '## Least privilege (`privileged: false`)\n```sh\n# not a heading\n```\n## Quick start\n';
  // WHEN their anchors are computed, THEN they are GitHub's
  expect([...anchorsOf(text)]).toEqual([
    'quick-start',
    'placement-preview-will-every-agent-run',
    'privileged-false-mode',
    'least-privilege-privileged-false',
    'quick-start-1',
  ]);
});

test('fails when a link points at a missing file or heading', () => {
  // GIVEN links to a missing file and a missing heading
  const missingFile = brokenReason({ from: 'README.md', line: 1, target: './docs/no-such-page.md' });
  const missingHeading = brokenReason({ from: 'README.md', line: 1, target: './docs/merge-rule.md#no-such-heading' });
  // THEN both are reported, and a good one is not
  expect(missingFile).toMatch(/docs\/no-such-page\.md does not exist/);
  expect(missingHeading).toMatch(/no heading #no-such-heading in docs\/merge-rule\.md/);
  expect(brokenReason({ from: 'README.md', line: 1, target: '#quick-start' })).toBeUndefined();
});
