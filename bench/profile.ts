/**
 * Runs one synthesis case (or the preview) repeatedly, for a CPU profile:
 *
 *   TS_NODE_PROJECT=tsconfig.dev.json node --cpu-prof --cpu-prof-dir=/tmp/prof \
 *     -r ts-node/register/transpile-only bench/profile.ts core 1000 5
 *   npx ts-node --project tsconfig.dev.json bench/profile-summary.ts /tmp/prof/*.cpuprofile
 *
 * Arguments: CASE (an id from bench/cases.ts, or "preview"), COUNT (instances, or nodes for the
 * preview), RUNS. One untimed warm-up run comes first.
 */
import { findCase } from './cases';
import { runPreview } from './preview';
import { median, timeMs } from './stats';

const [id = 'core', countArg = '1000', runsArg = '5'] = process.argv.slice(2);
const count = Number(countArg);
const runs = Number(runsArg);

if (id === 'preview') {
  runPreview({ nodes: count, daemonSets: 20, runs, log: (line) => process.stderr.write(`${line}\n`) });
} else {
  const run = findCase(id).run;
  if (!run) {
    throw new Error(`case ${id} is skipped: ${findCase(id).skipped}`);
  }
  run(count);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(timeMs(() => run(count)).ms);
  }
  process.stderr.write(`${id} x ${count}: median ${median(times).toFixed(1)} ms over ${runs} runs\n`);
}
