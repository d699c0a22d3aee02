/**
 * The workbook of one round written in a process of its own, so its peak RSS is the
 * workbook's and not what the benchmark process held before:
 *   tsx bench/workbookProcess.ts <database url> <campaign id>  → one JSON line { ms, peakRssMb, bytes }
 */
import { createDb } from '../src/db/connect.js';
import { prepareArtifact } from '../src/reports/artifacts.js';
import { FormCache } from '../src/services/forms.js';
import { ManualClock } from '../src/time.js';
import { countingSink } from './support.js';

const [url, campaignId] = process.argv.slice(2);
const db = createDb(url!, { max: 4 });
const sink = countingSink();
const started = performance.now();
const artifact = (await prepareArtifact({ db, forms: new FormCache(db), clock: new ManualClock(new Date('2026-12-16T02:00:00Z')), letterhead: {} }, campaignId!, 'xlsx'))!;
await artifact.write(sink.sink);
const ms = performance.now() - started;
sink.stop();
await db.destroy();
console.log(JSON.stringify({ ms, peakRssMb: sink.peakRss() / 1024 / 1024, bytes: sink.bytes() }));
