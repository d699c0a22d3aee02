/**
 * `npm run bench` runs every benchmark; `npm run bench -- dialogue`, `-- reminders`, `-- reports` or `-- load` one.
 * Each prints its figures; the exit code is 1 if a run lost or duplicated work.
 */
import { runDialogueBench } from './dialogue.js';
import { runLoadBench } from './load.js';
import { runReminderBench } from './reminders.js';
import { runReportsBench } from './reports.js';

const benches: Record<string, () => Promise<boolean>> = { dialogue: runDialogueBench, reminders: runReminderBench, reports: runReportsBench, load: runLoadBench };
const chosen = process.argv.slice(2).filter((name) => name in benches);
let ok = true;
for (const name of chosen.length ? chosen : Object.keys(benches)) {
  console.log(`\n=== ${name} ===`);
  ok = (await benches[name]!()) && ok;
}
process.exitCode = ok ? 0 : 1;
