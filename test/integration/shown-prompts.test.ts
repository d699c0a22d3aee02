/**
 * A typed message placed in its chat before the prompt of the question the report is at
 * was sent before that question was shown: it answers nothing (it was meant for the one
 * before, or it is a platform delivering it again late). Judged by where this process
 * showed the prompt or, after a restart or on another replica, by where Postgres recorded
 * it. Places are the channel's (InboundEvent.order); here they are chosen by the test.
 * And an event whose handling keeps failing is apologised for once.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEvent } from '../../src/chat/boundary.js';
import type { ChannelName, InboundEvent, Reply } from '../../src/chat/port.js';
import { createChat, type Chat } from '../../src/chat/router.js';
import { createDb } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { FormCache } from '../../src/services/forms.js';
import { markPromptsShown } from '../../src/services/processedUpdates.js';
import { markupToPlain } from '../../src/channels/text/render.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertCampaign, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';
import { connectTestScheduler, type SchedulerClient } from '../support/reminderHarness.js';

const SECRETARY = 6201;
const SECRETARY_ON_ZALO = 'z6201';
const clock = new ManualClock(at('2026-12-05T09:00'));
let t: TestDb;
let db: Kysely<Database>;
let personId: string;
let reminders: SchedulerClient;
let nextUpdate = 1;

beforeAll(async () => {
  t = await createTestDb('shown_prompts');
  db = t.db;
  await seedForms(db);
  const org = await insertOrg(db, { code: 'CB01', name: 'Chi bộ Sở Tư pháp' });
  personId = await insertPerson(db, { telegramUserId: SECRETARY, zaloUserId: SECRETARY_ON_ZALO, name: 'Bí thư', orgIds: [org] });
  await insertCampaign(db);
  reminders = await connectTestScheduler(db, clock, t.name);
});

afterAll(async () => {
  await reminders?.close();
  await t?.drop();
});

/** A bot process (a replica, or the one after a restart): it knows only what it showed itself. */
const process_ = () => createChat({ db, clock, forms: new FormCache(db), adminIds: [], logger: silentLogger, scheduler: reminders.scheduler });

function typed(text: string, order: number, channel: ChannelName = 'telegram'): InboundEvent {
  const externalId = channel === 'telegram' ? String(SECRETARY) : SECRETARY_ON_ZALO;
  return { channel, dedupeKey: `shown-${nextUpdate++}`, from: { externalId, displayName: 'Bí thư', username: null }, at: clock.now(), order, content: { kind: 'text', text } };
}

/** The person types `text` at `order`; the bot's reply is shown at `shownAt`. */
async function say(chat: Chat, text: string, order: number, shownAt: number, channel?: ChannelName): Promise<string> {
  const event = typed(text, order, channel);
  const reply = await chat.handle(event);
  chat.replied(event, reply, shownAt);
  return reply.messages.map((m) => markupToPlain(m.text)).join('\n');
}

async function answers(): Promise<Record<string, unknown>> {
  const rows = await db.selectFrom('answers').select(['question_key', 'value']).execute();
  return Object.fromEntries(rows.map((r) => [r.question_key, r.value]));
}

describe('a message sent before the question now shown', () => {
  it('answers nothing after a restart, judged by where Postgres recorded the prompt; one sent after it answers', async () => {
    const first = process_();
    expect(await say(first, '/baocao', 100, 110)).toContain('Câu 1/14');
    expect(await say(first, 'có', 120, 130)).toContain('Câu 2/14');
    await first.close();

    const restarted = process_();
    const refused = await say(restarted, 'không', 125, 135);
    expect(refused).toContain('Câu 2 chưa được trả lời: tin «không» được gửi trước khi câu 2 hiện ra nên chưa được ghi');
    expect(refused).toContain('Câu 2/14');
    expect(await answers()).toEqual({ ban_chi_dao: true });

    expect(await say(restarted, 'không', 140, 150)).toContain('Câu 3/14');
    expect(await answers()).toEqual({ ban_chi_dao: true, bcd_quy_che: false });
    await restarted.close();
  });

  it("is judged by another replica's later prompt, not by this process's mark of an earlier question", async () => {
    const replicaA = process_();
    expect(await say(replicaA, '/baocao', 160, 170)).toContain('Câu 3/14');
    // The next answer goes to the other replica, which shows question 4.
    const replicaB = process_();
    expect(await say(replicaB, '2', 180, 190)).toContain('Câu 4/14');
    await replicaB.close();
    // A message from before question 4 was shown reaches the first replica, whose own mark is of question 3.
    expect(await say(replicaA, '5', 185, 195)).toContain('Câu 4 chưa được trả lời');
    expect(await answers()).toEqual({ ban_chi_dao: true, bcd_quy_che: false, so_mo_hinh_dvk: 2 });
    await replicaA.close();
  });

  it('a prompt shown again at the same question keeps the place it was first shown at', async () => {
    const chat = process_();
    // Refused, question 4 is shown again at 220; «có» was typed at 215, while question 4 was on screen.
    expect(await say(chat, 'abc', 210, 220)).toContain('Câu 4/14');
    await chat.close();
    const restarted = process_();
    expect(await say(restarted, 'có', 215, 230)).toContain('Câu 5/14');
    expect((await answers()).dang_ky_mo_hinh).toBe(true);
    await restarted.close();
  });

  it("a late batch (another replica's) does not move the mark back to an earlier step of the report", async () => {
    const recorded = () => db.selectFrom('people').select(['shown_submission_id', 'shown_step', 'shown_order']).where('id', '=', personId).executeTakeFirstOrThrow();
    const now = await recorded();
    expect(now.shown_step).not.toBeNull();
    await markPromptsShown(db, [{ personId, channel: 'telegram', submissionId: now.shown_submission_id!, step: now.shown_step! - 1, order: Number(now.shown_order) + 1000 }]);
    expect(await recorded()).toEqual(now);
  });

  it("a mark of another chat app judges nothing: Zalo's places are not Telegram's", async () => {
    const chat = process_();
    // Zalo orders by dates in milliseconds, far beyond Telegram's ids; a small one is not "before" anything here.
    expect(await say(chat, 'Mô hình dân vận khéo', 1, 2, 'zalo')).toContain('Câu 6/14');
    expect((await answers()).ten_mo_hinh).toBe('Mô hình dân vận khéo');
    await chat.close();
  });
  it('a prompt shown again at the same question by another process is judged from where it was first shown', async () => {
    const first = process_();
    expect(await say(first, '/baocao', 240, 250)).toContain('Câu 6/14');
    await first.close();
    // Refused on the other replica, which shows question 6 again at 270 (Postgres keeps 250).
    const other = process_();
    expect(await say(other, 'abc', 260, 270)).toContain('Câu 6/14');
    // Typed at 265, while question 6 was on screen since 250: an answer, not "sent before".
    expect(await say(other, 'có', 265, 280)).toContain('Câu 7/14');
    expect((await answers()).hoi_nghi_nld).toBe(true);
    await other.close();
  });
});

describe('an event whose handling fails', () => {
  it('is apologised for once, however often it is delivered again; another event is apologised for too', async () => {
    // No Postgres answers on this port: every handling fails before anything is written.
    const unreachable = createDb('postgres://postgres@127.0.0.1:9/none', { max: 1 });
    const chat = createChat({ db: unreachable, clock, forms: new FormCache(unreachable), adminIds: [], logger: silentLogger, scheduler: reminders.scheduler });
    const apologies: string[] = [];
    const side = { show: async (_reply: Reply) => undefined, apologise: async (text: string) => void apologies.push(text) };
    const event = typed('3', 300);
    for (let attempt = 0; attempt < 4; attempt++) expect(await handleEvent(chat, event, side, silentLogger)).toBe('failed');
    expect(apologies).toHaveLength(1);
    expect(apologies[0]).toContain('hệ thống đang gặp sự cố');
    expect(await handleEvent(chat, typed('4', 310), side, silentLogger)).toBe('failed');
    expect(apologies).toHaveLength(2);
    await unreachable.destroy();
  });
});
