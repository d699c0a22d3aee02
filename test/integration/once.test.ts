/**
 * A command recorded as handled but whose reply was never recorded as shown (the process
 * died between the two), received again by a process that did not handle it: one whose
 * second run changes nothing more is run again for its reply; one that acts is not.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/chat/port.js';
import { createChat } from '../../src/chat/router.js';
import type { Database } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { FormCache } from '../../src/services/forms.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertCampaign, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';
import { connectTestScheduler, type SchedulerClient } from '../support/reminderHarness.js';

const SECRETARY = 6101;
const clock = new ManualClock(at('2026-12-05T09:00'));
let t: TestDb;
let db: Kysely<Database>;
let reminders: SchedulerClient;
let nextUpdate = 1;

beforeAll(async () => {
  t = await createTestDb('once');
  db = t.db;
  await seedForms(db);
  const org = await insertOrg(db, { code: 'CB01', name: 'Chi bộ Sở Tư pháp' });
  await insertPerson(db, { telegramUserId: SECRETARY, name: 'Bí thư', orgIds: [org] });
  await insertCampaign(db);
  reminders = await connectTestScheduler(db, clock, t.name);
});

afterAll(async () => {
  await reminders?.close();
  await t?.drop();
});

/** A process that started after the event was first handled (it has not seen it). */
const freshProcess = () => createChat({ db, clock, forms: new FormCache(db), adminIds: [], logger: silentLogger, scheduler: reminders.scheduler });

function typed(text: string, dedupeKey = `once-${nextUpdate++}`): InboundEvent {
  return { channel: 'telegram', dedupeKey, from: { externalId: String(SECRETARY), displayName: 'Bí thư', username: null }, at: clock.now(), content: { kind: 'text', text } };
}

/** Handled by a process that died before showing the reply: recorded, never replied. */
async function handledThenDied(text: string): Promise<InboundEvent> {
  const event = typed(text);
  const first = await freshProcess().handle(event);
  expect(first.messages.length).toBeGreaterThan(0);
  return event;
}

describe('a command received again after its reply was lost', () => {
  it('is run again for its reply when running it again changes nothing more (/trangthai)', async () => {
    const event = await handledThenDied('/trangthai');
    const again = await freshProcess().handle(event);
    expect(again.messages.map((m) => m.text).join('\n')).toContain('Chi bộ Sở Tư pháp');
  });

  it('is not run again when it acts (/huy would now say there is nothing to pause)', async () => {
    await freshProcess().handle(typed('/baocao'));
    const event = await handledThenDied('/huy');
    expect(await freshProcess().handle(event)).toEqual({ messages: [] });
  });

  it('says nothing either way once its reply was recorded as shown', async () => {
    const event = typed('/trangthai');
    const chat = freshProcess();
    chat.replied(event, await chat.handle(event), undefined);
    await chat.close();
    expect(await freshProcess().handle(event)).toEqual({ messages: [] });
  });
});

describe("/baocao's list received again after its reply was lost", () => {
  it('is shown again, but does not pause the report the person opened from it since', async () => {
    await insertCampaign(db, { formId: 'xep_loai_to_chuc_dang' });
    const list = await handledThenDied('/baocao');
    const person = () => db.selectFrom('people').select('active_submission_id').executeTakeFirstOrThrow();
    expect((await person()).active_submission_id).toBeNull();
    const opened = await freshProcess().handle(typed('2'));
    expect(opened.messages.map((m) => m.text).join('\n')).toContain('Câu 1/');
    const active = (await person()).active_submission_id;
    expect(active).not.toBeNull();
    const again = await freshProcess().handle(list);
    expect(again.messages.map((m) => m.text).join('\n')).toContain('Có nhiều đợt báo cáo đang mở');
    expect((await person()).active_submission_id).toBe(active);
  });
});
