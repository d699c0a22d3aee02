/**
 * The morning digest when no worker ran at its time (a deploy or a reboot across 07:00):
 * a worker that starts later the same day sends it then, once — started again, it sends
 * nothing more.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJobs } from '../../jobs/runtime.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertCampaign, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness } from '../support/reminderHarness.js';

const ADMIN = 764_001;
const WAIT = 20_000;
const clock = new ManualClock(at('2026-12-10T09:30'));

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let jobs: RunningJobs | undefined;

beforeAll(async () => {
  h = await startReminderHarness('reminders_digest_catchup', { clock, policy: reminderPolicy(), scheduler: false });
  ({ db, emulator } = h);
  const org = await insertOrg(db, { code: 'DG01', name: 'Chi bộ DG01' });
  await insertPerson(db, { telegramUserId: 764_101, name: 'Bí thư DG01', orgIds: [org] });
  await insertPerson(db, { telegramUserId: ADMIN, name: 'Văn phòng', admin: true });
  await insertCampaign(db, { opens: '2026-12-01T08:00', due: '2026-12-15T17:00' });
});

afterAll(async () => {
  await jobs?.stop();
  await h?.stop();
});

const digests = () => db.selectFrom('deliveries').select(['status', 'slot_key']).where('kind', '=', 'digest').execute();

describe("a worker started after today's digest time", () => {
  it('sends today\'s digest at start, and started again sends nothing more', async () => {
    jobs = await h.startJobs(100, { digestCron: '0 7 * * *' });
    const sent = await eventually(async () => {
      const rows = await digests();
      return rows.length === 1 && rows[0]!.status === 'sent' && rows;
    }, "today's digest to be sent", WAIT);
    expect(sent[0]!.slot_key).toBe('digest-2026-12-10');
    expect(emulator.messagesTo(ADMIN)).toHaveLength(1);

    await jobs.stop();
    clock.set(at('2026-12-10T11:00'));
    jobs = await h.startJobs(100, { digestCron: '0 7 * * *' });
    // The day's catch-up job is added before the start returns: once nothing waits or runs, it has run (or was there already).
    await eventually(async () => {
      const counts = await jobs!.queues.slots.getJobCounts('waiting', 'active');
      return counts.waiting === 0 && counts.active === 0;
    }, 'the slot queue to settle', WAIT);
    await eventually(async () => (await db.selectFrom('deliveries').select('id').where('status', 'in', ['queued', 'sending']).execute()).length === 0, 'the outbox to settle', WAIT);
    expect(await digests()).toHaveLength(1);
    expect(emulator.messagesTo(ADMIN)).toHaveLength(1);
  });
});
