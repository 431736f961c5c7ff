/**
 * The trap of test/node/run.sh: prints the tier's summary (one block per agent), then undoes
 * whatever a run left on the machine (a run killed before its afterAll) from the record in
 * STATE_FILE. Does nothing else when the tests cleaned up after themselves.
 */
import * as fs from 'fs';
import { formatRow, SUMMARY_FILE, SummaryRow } from './agents';
import { STATE_FILE, readState, undo } from './host';

async function main(): Promise<void> {
  if (fs.existsSync(SUMMARY_FILE)) {
    const rows: SummaryRow[] = JSON.parse(fs.readFileSync(SUMMARY_FILE, 'utf-8'));
    console.log(`\n== test:node: ${rows.length} agents on the real node\n${rows.map(formatRow).join('\n')}`);
    fs.rmSync(SUMMARY_FILE, { force: true });
  }
  const state = readState();
  if (state) {
    console.log(`== test:node: ${STATE_FILE} left by the run: undoing it`);
    for (const line of await undo(state)) {
      console.log(`  ${line}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
