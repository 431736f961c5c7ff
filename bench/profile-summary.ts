/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): where the time goes by area (this
 * library's files, each package, garbage collection, Node itself), the top functions by self
 * time, and the inclusive time of this library's functions (what they cost with everything they
 * call).
 *
 *   npx ts-node --project tsconfig.dev.json bench/profile-summary.ts FILE.cpuprofile [TOP] [UNDER]
 *
 * Only samples whose stack holds a function named UNDER are counted (default `timeMs`, the timed
 * part of bench/profile.ts), so that loading and transpiling the code is left out; pass `-` to
 * count everything.
 */
import * as fs from 'fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** src/x.ts, a package name, or a bucket for the rest. */
function area(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') {
    return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:.*node_modules\/((?:@[^/]+\/)?[^/]+)\/)?/.exec(url);
  if (pkg) {
    return pkg[2] ? `${pkg[1]} > ${pkg[2]}` : pkg[1];
  }
  const own = /\/(src|lib|bench)\/(.*)$/.exec(url);
  if (own) {
    return `${own[1]}/${own[2]}`;
  }
  return url.startsWith('node:') ? '(node internals)' : url;
}

function functionKey(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${area(frame)}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, n: number, total: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function isOwn(frame: CallFrame): boolean {
  return !frame.url.includes('node_modules') && /\/(src|lib)\//.test(frame.url);
}

function summarize(file: string, n: number, under: string): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const counted = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      if (byId.get(cur)!.callFrame.functionName === under) {
        return true;
      }
    }
    return under === '-';
  };
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (counted(id)) {
      selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  });
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

  const byArea = new Map<string, number>();
  const bySelf = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = selfTime.get(node.id) ?? 0;
    byArea.set(area(node.callFrame), (byArea.get(area(node.callFrame)) ?? 0) + t);
    bySelf.set(functionKey(node.callFrame), (bySelf.get(functionKey(node.callFrame)) ?? 0) + t);
  }

  // Inclusive time of this library's functions, each counted once per stack (recursion-safe).
  const inclusive = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if (isOwn(frame)) {
        const key = functionKey(frame);
        if (!seen.has(key)) {
          seen.add(key);
          inclusive.set(key, (inclusive.get(key) ?? 0) + t);
        }
      }
    }
  }

  return [
    `${file}: ${(total / 1000).toFixed(0)} ms sampled${under === '-' ? '' : ` under ${under}()`}`,
    '', 'By area (self time):', ...top(byArea, n, total),
    '', 'Top functions (self time):', ...top(bySelf, n, total),
    '', 'This library\'s functions (inclusive time):', ...top(inclusive, n, total),
  ].join('\n');
}

const [file, count, under] = process.argv.slice(2);
if (!file) {
  throw new Error('usage: profile-summary.ts FILE.cpuprofile [TOP] [UNDER]');
}
process.stdout.write(`${summarize(file, Number(count ?? 25), under ?? 'timeMs')}\n`);
