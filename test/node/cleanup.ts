/**
 * The trap of test/node/run.sh: prints the tier's summary (one block per agent), then stops the
 * node the last file left running for a next one (PARKED_FILE) and undoes whatever a run left on
 * the machine (a run killed before its afterAll), both from the record in STATE_FILE.
 */
import * as fs from 'fs';
import { formatRow, SUMMARY_FILE, SummaryRow } from './agents';
import { STATE_FILE, readState, undo } from './host';
import { PARKED_FILE } from './real-node';

async function main(): Promise<void> {
  if (fs.existsSync(SUMMARY_FILE)) {
    const rows: SummaryRow[] = JSON.parse(fs.readFileSync(SUMMARY_FILE, 'utf-8'));
    console.log(`\n== test:node: ${rows.length} agents on the real node\n${rows.map(formatRow).join('\n')}`);
    fs.rmSync(SUMMARY_FILE, { force: true });
  }
  const parked = fs.existsSync(PARKED_FILE);
  fs.rmSync(PARKED_FILE, { force: true });
  const state = readState();
  if (state) {
    console.log(parked
      ? `== test:node: stopping the node the last file left running, and undoing ${STATE_FILE}`
      : `== test:node: ${STATE_FILE} left by the run: undoing it`);
    for (const line of await undo(state)) {
      console.log(`  ${line}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
