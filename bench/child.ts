/**
 * The in-process measurements (synthesis, preview) run here, in a child process of plain node
 * with ts-node in transpile-only mode: the type-checking ts-node that `npm run bench` starts
 * keeps the TypeScript compiler's program in the heap (about 120 MB against 36 MB), which makes
 * every garbage collection, and so every timing, slower and noisier. Results go to stdout as
 * JSON; progress to stderr.
 *
 * Usage: node --expose-gc -r ts-node/register/transpile-only bench/child.ts SECTION OPTIONS_JSON
 */
import { runPreview } from './preview';
import { runSynthesis } from './synthesis';

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

const [section, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}');
let result: unknown;
if (section === 'synthesis') {
  result = runSynthesis({ ...options, log });
} else if (section === 'preview') {
  result = runPreview({ ...options, log });
} else {
  throw new Error(`child.ts: unknown section "${section}"; expected synthesis or preview`);
}
process.stdout.write(JSON.stringify(result));
