/**
 * The reporting service against the real Postgres: every reply is checked
 * against what the database holds afterwards (answers, history, submission row,
 * people.seen_step), not only against the text sent back.
 */
import { markReplied } from '../../src/services/processedUpdates.js';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import type { Input } from '../../src/dialogue/types.js';
import { FormCache } from '../../src/services/forms.js';
import { reportingMessages } from '../../src/services/messages/reporting.js';
import {
  handleReportInput,
  openReport,
  pauseReport,
  type ReportReply,
} from '../../src/services/reporting.js';
import { createTestDb, lockWaiters, type TestDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';
import { at, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';
import {
  asPrompt,
  open,
  reportScene,
  submissionRows,
  telegramUpdate,
  type Prompted,
  type ReportScene as Scene,
  type ReportSceneOptions,
} from '../support/reporting.js';

let t: TestDb;
let db: Kysely<Database>;
let nextUpdateId = 1;
let nextTelegramId = 500_000;
let nextOrg = 1;

beforeAll(async () => {
  t = await createTestDb('reporting');
  db = t.db;
  await seedForms(db);
});

afterAll(async () => {
  await t?.drop();
});

/** One organization with `reporters` members, a campaign targeting only it, a clock at 10/12/2026 09:00. */
const scene = (opts: ReportSceneOptions = {}): Promise<Scene> => reportScene(db, `CB${nextOrg++}`, () => nextTelegramId++, opts);

/** Typed text: no button. */
function type(s: Scene, personId: string, text: string, updateId = nextUpdateId++): Promise<ReportReply> {
  return handleReportInput(s.deps, { event: telegramUpdate(updateId), personId, input: { kind: 'text', text } });
}

/** A button pressed under the prompt `on`. */
function press(s: Scene, personId: string, on: { submissionId: string; step: number }, input: Input, updateId = nextUpdateId++): Promise<ReportReply> {
  return handleReportInput(s.deps, { event: telegramUpdate(updateId), personId, input, button: { submissionId: on.submissionId, step: on.step } });
}

const { submissionRow, answerRows, historyRows } = submissionRows(() => db);

async function cursorKey(id: string): Promise<string> {
  const cursor = (await submissionRow(id)).cursor as { at: string; key?: string };
  return cursor.at === 'question' || cursor.at === 'confirm' ? `${cursor.at}:${cursor.key}` : cursor.at;
}

async function answerValues(id: string): Promise<Record<string, unknown>> {
  return Object.fromEntries([...(await answerRows(id))].map(([k, r]) => [k, r.value]));
}

/** Everything a message could change, for "nothing changed" assertions. */
async function snapshot(id: string) {
  const sub = await submissionRow(id);
  return {
    answers: await answerValues(id),
    history: (await historyRows(id)).length,
    step: sub.step,
    cursor: sub.cursor,
    status: sub.status,
    answered: sub.answered_count,
    lateReason: sub.late_reason,
    updatedAt: sub.updated_at.getTime(),
    updatedBy: sub.updated_by,
  };
}

/** Answers a fresh QCDC report up to the review screen with plain valid answers. */
async function answerWholeQcdc(s: Scene, personId = s.people[0]!): Promise<Prompted> {
  let reply = await open(s, personId);
  for (const text of ['có', 'có', '2', 'không', 'có', 'da ky', '3', '10', '1', '4', 'tot', 'Thiếu kinh phí', 'Không']) {
    reply = asPrompt(await type(s, personId, text));
    expect(reply.notice).toBeUndefined();
  }
  expect(await cursorKey(reply.submissionId)).toBe('review');
  return reply;
}

describe('a whole QCDC report through the service', () => {
  it('stores typed answers, refuses wrong ones, skips, goes back, drops irrelevant answers and submits', async () => {
    const s = await scene();
    const me = s.people[0]!;
    const first = await open(s);
    const id = first.submissionId;
    expect(first.prompt.text).toContain('Câu 1/14.');
    expect(await cursorKey(id)).toBe('question:ban_chi_dao');

    // Q1 yes, typed with diacritics.
    let reply = asPrompt(await type(s, me, 'có'));
    expect(reply.step).toBe(first.step + 1);
    expect(await cursorKey(id)).toBe('question:bcd_quy_che');
    reply = asPrompt(await type(s, me, 'co'));
    expect(await cursorKey(id)).toBe('question:so_mo_hinh_dvk');

    // Wrong answers keep the question and store nothing.
    for (const wrong of ['-3', 'abc', '2,5']) {
      const before = await snapshot(id);
      reply = asPrompt(await type(s, me, wrong));
      expect(reply.notice).toBeTruthy();
      expect(reply.prompt.text).toContain('Câu 3/14.');
      expect(await snapshot(id)).toEqual(before);
    }
    reply = asPrompt(await type(s, me, '1.234'));
    expect(reply.notice).toBeUndefined();
    expect(await cursorKey(id)).toBe('question:dang_ky_mo_hinh');

    // Back from Q4 to Q3, a new answer replaces the old one.
    reply = asPrompt(await press(s, me, reply, { kind: 'back' }));
    expect(await cursorKey(id)).toBe('question:so_mo_hinh_dvk');
    expect(reply.prompt.text).toContain('1.234');
    reply = asPrompt(await type(s, me, '2'));
    expect(await cursorKey(id)).toBe('question:dang_ky_mo_hinh');

    reply = asPrompt(await type(s, me, 'không'));
    // ten_mo_hinh does not apply: straight to hoi_nghi_nld.
    expect(await cursorKey(id)).toBe('question:hoi_nghi_nld');
    reply = asPrompt(await type(s, me, 'có'));
    reply = asPrompt(await type(s, me, 'da ky'));
    expect(await cursorKey(id)).toBe('question:so_doi_thoai');
    for (const n of ['3', '1.234', '1', '4']) reply = asPrompt(await type(s, me, n));
    expect(await cursorKey(id)).toBe('question:tu_danh_gia');
    reply = asPrompt(await type(s, me, 'trung binh'));
    expect(await cursorKey(id)).toBe('question:han_che');

    // Skip the optional han_che: stored as skipped with a null value.
    reply = asPrompt(await press(s, me, reply, { kind: 'skip' }));
    expect(await cursorKey(id)).toBe('question:kien_nghi');
    const skipped = (await answerRows(id)).get('han_che')!;
    expect(skipped.skipped).toBe(true);
    expect(skipped.value).toBeNull();
    expect(skipped.text_value).toBeNull();

    reply = asPrompt(await type(s, me, 'Tăng kinh phí <b>cho</b> mô hình'));
    expect(await cursorKey(id)).toBe('review');
    expect(reply.prompt.text).toContain('&lt;b&gt;cho&lt;/b&gt;');

    // Change ban_chi_dao to "Không" from the review: bcd_quy_che no longer applies.
    reply = asPrompt(await press(s, me, reply, { kind: 'edit', questionNo: 1 }));
    expect(await cursorKey(id)).toBe('question:ban_chi_dao');
    reply = asPrompt(await press(s, me, reply, { kind: 'pick', index: 1 }));
    expect(await cursorKey(id)).toBe('review');
    const afterChange = await answerRows(id);
    expect(afterChange.get('ban_chi_dao')?.bool_value).toBe(false);
    expect(afterChange.has('bcd_quy_che')).toBe(false);
    const history = await historyRows(id);
    const dropped = history.filter((h) => h.question_key === 'bcd_quy_che');
    expect(dropped.map((h) => [h.old_value, h.new_value])).toEqual([
      [null, true],
      [true, null],
    ]);
    expect(history.every((h) => h.after_submission === false && h.changed_by === me)).toBe(true);
    const q3 = history.filter((h) => h.question_key === 'so_mo_hinh_dvk').map((h) => [h.old_value, h.new_value]);
    expect(q3).toEqual([
      [null, 1234],
      [1234, 2],
    ]);

    // Submit from the review.
    const beforeSubmit = await submissionRow(id);
    expect(beforeSubmit.status).toBe('draft');
    expect(beforeSubmit.first_submitted_at).toBeNull();
    reply = asPrompt(await press(s, me, reply, { kind: 'submit' }));
    expect(reply.notice).toContain('Đã gửi báo cáo');
    const sub = await submissionRow(id);
    expect(sub.status).toBe('submitted');
    expect(sub.first_submitted_at?.getTime()).toBe(at('2026-12-10T09:00').getTime());
    expect(sub.last_submitted_at?.getTime()).toBe(at('2026-12-10T09:00').getTime());
    expect(sub.late).toBe(false);
    expect(sub.cursor).toEqual({ at: 'done' });
    expect(sub.step).toBe(reply.step);

    const rows = await answerRows(id);
    // 14 questions, bcd_quy_che and ten_mo_hinh do not apply.
    expect([...rows.keys()].sort()).toEqual(
      [
        'ban_chi_dao', 'so_mo_hinh_dvk', 'dang_ky_mo_hinh', 'hoi_nghi_nld', 'thoa_uoc', 'so_doi_thoai', 'so_tap_huan',
        'khen_tap_the', 'khen_ca_nhan', 'tu_danh_gia', 'han_che', 'kien_nghi',
      ].sort(),
    );
    expect(sub.answered_count).toBe(rows.size);
    expect(rows.get('so_mo_hinh_dvk')).toMatchObject({ value: 2, bool_value: null, text_value: null, skipped: false });
    expect(Number(rows.get('so_mo_hinh_dvk')!.num_value)).toBe(2);
    expect(Number(rows.get('so_tap_huan')!.num_value)).toBe(1234);
    expect(rows.get('dang_ky_mo_hinh')).toMatchObject({ value: false, bool_value: false, num_value: null });
    expect(rows.get('hoi_nghi_nld')).toMatchObject({ value: true, bool_value: true });
    expect(rows.get('thoa_uoc')).toMatchObject({ value: 'da_ky', text_value: 'da_ky', bool_value: null });
    expect(rows.get('tu_danh_gia')).toMatchObject({ value: 'trung_binh', text_value: 'trung_binh' });
    expect(rows.get('kien_nghi')).toMatchObject({ value: 'Tăng kinh phí <b>cho</b> mô hình', skipped: false });
    expect([...rows.values()].every((r) => r.answered_by === me)).toBe(true);

    const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'submission.submit').execute();
    expect(audit.some((a) => (a.details as { submissionId: string }).submissionId === id)).toBe(true);
  });

  it('asks for confirmation of an ambiguous number and stores the picked reading', async () => {
    const s = await scene();
    const me = s.people[0]!;
    let reply = await open(s);
    reply = asPrompt(await type(s, me, 'có'));
    reply = asPrompt(await type(s, me, 'có'));
    reply = asPrompt(await type(s, me, '1,234'));
    expect(await cursorKey(reply.submissionId)).toBe('confirm:so_mo_hinh_dvk');
    expect((await answerRows(reply.submissionId)).has('so_mo_hinh_dvk')).toBe(false);
    reply = asPrompt(await press(s, me, reply, { kind: 'pick', index: 0 }));
    expect(await cursorKey(reply.submissionId)).toBe('question:dang_ky_mo_hinh');
    expect(Number((await answerRows(reply.submissionId)).get('so_mo_hinh_dvk')!.num_value)).toBe(1234);
  });
});

describe('changes after submission', () => {
  it('before the deadline: an edit from the review is stored with history marked after_submission', async () => {
    const s = await scene();
    const me = s.people[0]!;
    let reply = await answerWholeQcdc(s);
    const id = reply.submissionId;
    reply = asPrompt(await press(s, me, reply, { kind: 'submit' }));
    expect((await submissionRow(id)).status).toBe('submitted');

    s.clock.set(at('2026-12-12T10:00'));
    reply = await open(s);
    expect(await cursorKey(id)).toBe('review');
    reply = asPrompt(await press(s, me, reply, { kind: 'edit', questionNo: 3 }));
    expect(await cursorKey(id)).toBe('question:so_mo_hinh_dvk');
    reply = asPrompt(await type(s, me, '5'));
    expect(await cursorKey(id)).toBe('review');

    const sub = await submissionRow(id);
    expect(sub.status).toBe('submitted');
    expect(sub.first_submitted_at?.getTime()).toBe(at('2026-12-10T09:00').getTime());
    expect(Number((await answerRows(id)).get('so_mo_hinh_dvk')!.num_value)).toBe(5);
    const last = (await historyRows(id)).at(-1)!;
    expect(last).toMatchObject({ question_key: 'so_mo_hinh_dvk', old_value: 2, new_value: 5, after_submission: true, changed_by: me });
    expect(last.changed_at.getTime()).toBe(at('2026-12-12T10:00').getTime());

    // The same value again is stored but is not a change: no history row.
    const historyCount = (await historyRows(id)).length;
    reply = asPrompt(await press(s, me, reply, { kind: 'edit', questionNo: 3 }));
    reply = asPrompt(await type(s, me, '5'));
    expect(await cursorKey(id)).toBe('review');
    expect((await historyRows(id)).length).toBe(historyCount);

    // Typed review command «sửa 7» works as well.
    reply = asPrompt(await type(s, me, 'sửa 7'));
    expect(await cursorKey(id)).toBe('question:thoa_uoc');
    reply = asPrompt(await type(s, me, 'chua ky'));
    expect((await answerRows(id)).get('thoa_uoc')!.text_value).toBe('chua_ky');
    expect((await historyRows(id)).at(-1)).toMatchObject({ question_key: 'thoa_uoc', old_value: 'da_ky', new_value: 'chua_ky', after_submission: true });
    expect((await submissionRow(id)).status).toBe('submitted');
  });

  it('after the deadline: a submitted report is locked, nothing changes', async () => {
    const s = await scene();
    const me = s.people[0]!;
    let reply = await answerWholeQcdc(s);
    const id = reply.submissionId;
    reply = asPrompt(await press(s, me, reply, { kind: 'submit' }));

    s.clock.set(at('2026-12-15T17:01'));
    const before = await snapshot(id);
    // Opening it only shows the locked review: no write after the deadline.
    reply = await open(s);
    expect(await snapshot(id)).toEqual(before);
    expect(reply.prompt.text).toContain('quá hạn chót');
    expect(reply.prompt.buttons).toEqual([]);

    reply = asPrompt(await press(s, me, reply, { kind: 'edit', questionNo: 3 }));
    expect(reply.notice).toContain('quá hạn chót');
    reply = asPrompt(await type(s, me, '9'));
    reply = asPrompt(await type(s, me, 'sửa 3'));
    expect(reply.notice).toContain('quá hạn chót');
    expect(await snapshot(id)).toEqual(before);
    expect((await submissionRow(id)).late).toBe(false);
  });

  it('a first submission after the deadline is late and asks for the reason, which is stored', async () => {
    const s = await scene();
    const me = s.people[0]!;
    let reply = await answerWholeQcdc(s);
    const id = reply.submissionId;

    s.clock.set(at('2026-12-16T08:00'));
    reply = asPrompt(await press(s, me, reply, { kind: 'submit' }));
    expect(reply.notice).toContain('sau hạn chót');
    let sub = await submissionRow(id);
    expect(sub.status).toBe('submitted');
    expect(sub.late).toBe(true);
    expect(sub.first_submitted_at?.getTime()).toBe(at('2026-12-16T08:00').getTime());
    expect(sub.cursor).toEqual({ at: 'late_reason' });
    expect(reply.prompt.text).toContain('lý do nộp muộn');

    // Reopening shows the same request, it does not skip it.
    reply = await open(s);
    expect(reply.prompt.text).toContain('lý do nộp muộn');

    reply = asPrompt(await type(s, me, 'Đồng chí bí thư đi công tác'));
    expect(reply.notice).toContain('Đã ghi nhận lý do');
    sub = await submissionRow(id);
    expect(sub.late_reason).toBe('Đồng chí bí thư đi công tác');
    expect(sub.cursor).toEqual({ at: 'done' });
    expect(sub.late).toBe(true);

    // Once the reason is in, the late report is locked like any other past the deadline.
    const before = await snapshot(id);
    reply = await open(s);
    reply = asPrompt(await press(s, me, reply, { kind: 'edit', questionNo: 3 }));
    expect(reply.notice).toContain('quá hạn chót');
    expect(await snapshot(id)).toEqual(before);
  });
});

describe('redelivery and stale buttons', () => {
  it('the same update handled twice changes nothing the second time and is answered as a duplicate', async () => {
    const s = await scene();
    const me = s.people[0]!;
    const first = await open(s);
    const id = first.submissionId;
    const seen = () => db.selectFrom('people').select(['active_submission_id', 'seen_step']).where('id', '=', me).executeTakeFirstOrThrow();
    const updateId = nextUpdateId++;
    const once = asPrompt(await type(s, me, 'có', updateId));
    expect(once.prompt.text).toContain('Câu 2/14.');
    const after = await snapshot(id);
    const seenAfter = await seen();
    expect(after.answers).toEqual({ ban_chi_dao: true });
    expect(after.step).toBe(first.step + 1);

    // Redelivered before its reply was recorded as shown: nothing changes, and the current
    // question comes with it (the first reply may never have gone out).
    const unreplied = await type(s, me, 'có', updateId);
    expect(unreplied).toMatchObject({ kind: 'duplicate', current: { prompt: { kind: 'prompt', submissionId: id, step: once.step }, handledAt: expect.any(Date) } });
    expect(unreplied.kind === 'duplicate' && unreplied.current?.prompt.prompt.text).toContain('Câu 2/14.');
    expect(await snapshot(id)).toEqual(after);
    expect(await seen()).toEqual(seenAfter);

    // Once the reply is recorded as shown, the redelivery says nothing more and changes nothing.
    await markReplied(db, [telegramUpdate(updateId)], new Date());
    expect(await type(s, me, 'có', updateId)).toEqual({ kind: 'duplicate' });
    expect(await snapshot(id)).toEqual(after);
    expect(await seen()).toEqual(seenAfter);

    // A redelivered button press, too.
    const pressId = nextUpdateId++;
    const pressed = asPrompt(await press(s, me, once, { kind: 'pick', index: 1 }, pressId));
    expect(pressed.notice).toBeUndefined();
    const afterPress = await snapshot(id);
    const seenAfterPress = await seen();
    await markReplied(db, [telegramUpdate(pressId)], new Date());
    expect(await press(s, me, once, { kind: 'pick', index: 1 }, pressId)).toEqual({ kind: 'duplicate' });
    expect(await snapshot(id)).toEqual(afterPress);
    expect(await seen()).toEqual(seenAfterPress);
    expect(afterPress.answers).toEqual({ ban_chi_dao: true, bcd_quy_che: false });
  });

  it('a button from an older prompt stores nothing and shows the current question', async () => {
    const s = await scene();
    const me = s.people[0]!;
    const first = await open(s);
    const id = first.submissionId;
    const q1 = asPrompt(await press(s, me, first, { kind: 'pick', index: 0 }));
    expect(await cursorKey(id)).toBe('question:bcd_quy_che');
    const before = await snapshot(id);

    // "Không" pressed again under the first question's message.
    const stale = asPrompt(await press(s, me, first, { kind: 'pick', index: 1 }));
    expect(stale.notice).toBe(reportingMessages.stalePrompt);
    expect(stale.step).toBe(q1.step);
    expect(stale.prompt.text).toContain('Câu 2/14.');
    expect(await snapshot(id)).toEqual(before);
  });
});

describe('two reporters of one organization', () => {
  it('a typed answer meant for a question the co-reporter already answered is not stored elsewhere', async () => {
    const s = await scene({ reporters: 2 });
    const [a, b] = s.people as [string, string];
    const openedA = await open(s, a);
    const openedB = await open(s, b);
    expect(openedB.submissionId).toBe(openedA.submissionId);
    const id = openedA.submissionId;
    expect(await db.selectFrom('submissions').select('id').where('campaign_id', '=', s.campaignId).execute()).toHaveLength(1);

    asPrompt(await type(s, a, 'có'));
    expect(await cursorKey(id)).toBe('question:bcd_quy_che');
    const before = await snapshot(id);

    // B still looks at Q1 and types "không" for it: must not become bcd_quy_che = false.
    const moved = asPrompt(await type(s, b, 'không'));
    expect(moved.notice).toBe(reportingMessages.movedByCoReporter);
    expect(moved.prompt.text).toContain('Câu 2/14.');
    expect(await snapshot(id)).toEqual(before);

    // Now B has seen the current question: the answer goes through.
    const ok = asPrompt(await type(s, b, 'không'));
    expect(ok.notice).toBeUndefined();
    const rows = await answerRows(id);
    expect(rows.get('bcd_quy_che')).toMatchObject({ bool_value: false, answered_by: b });
    expect(rows.get('ban_chi_dao')).toMatchObject({ bool_value: true, answered_by: a });

    // And A, who has not seen B's step, is protected the same way.
    const movedA = asPrompt(await type(s, a, '7'));
    expect(movedA.notice).toBe(reportingMessages.movedByCoReporter);
    expect((await answerRows(id)).has('so_mo_hinh_dvk')).toBe(false);
  });

  it('answers sent at the same moment: both complete, and every acknowledged answer is stored', async () => {
    for (const mode of ['typed', 'buttons'] as const) {
      const s = await scene({ reporters: 2 });
      const [a, b] = s.people as [string, string];
      const shown = await open(s, a);
      await open(s, b);
      const id = shown.submissionId;
      const start = await submissionRow(id);

      const send = (person: string, text: string, index: number) =>
        mode === 'typed' ? type(s, person, text) : press(s, person, shown, { kind: 'pick', index });
      const replies = (await Promise.all([send(a, 'có', 0), send(b, 'không', 1)])).map(asPrompt);

      const end = await submissionRow(id);
      const stored = await answerRows(id);
      const history = await historyRows(id);
      const accepted = replies.filter((r) => r.notice === undefined);
      const refused = replies.filter((r) => r.notice !== undefined);
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.notice).toBe(mode === 'typed' ? reportingMessages.movedByCoReporter : reportingMessages.stalePrompt);
      expect(stored.size).toBe(1);
      expect(history).toHaveLength(1);
      expect(end.step).toBe(start.step + 1);
      expect(end.answered_count).toBe(1);
      // The acknowledged answer is the one stored, from the person who was told so.
      const winner = replies.indexOf(accepted[0]!) === 0 ? a : b;
      expect(stored.get('ban_chi_dao')).toMatchObject({ bool_value: winner === a, answered_by: winner });
      expect(accepted[0]!.step).toBe(end.step);
      expect(refused[0]!.step).toBe(end.step);
      expect(end.cursor).toEqual(winner === a ? { at: 'question', key: 'bcd_quy_che', review: false } : { at: 'question', key: 'so_mo_hinh_dvk', review: false });
    }
  });

  it('many concurrent answers on one report keep step, answers and history consistent', async () => {
    const s = await scene({ reporters: 2 });
    const [a, b] = s.people as [string, string];
    await open(s, a);
    const shown = await open(s, b);
    const id = shown.submissionId;
    const start = await submissionRow(id);
    // Each reporter sends a burst; the ones that arrive after a co-reporter's change are refused.
    const replies = (
      await Promise.all([
        type(s, a, 'có'), type(s, b, 'có'), type(s, a, 'có'), type(s, b, '2'), type(s, a, '3'), type(s, b, 'không'),
      ])
    ).map(asPrompt);
    const end = await submissionRow(id);
    const history = await historyRows(id);
    const accepted = replies.filter((r) => r.notice === undefined);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(end.step - start.step).toBe(history.length);
    expect(history.length).toBe(accepted.length);
    // Each accepted message answered a different question: none was applied to a state it did not see.
    expect(new Set(history.map((h) => h.question_key)).size).toBe(history.length);
    const stored = await answerValues(id);
    for (const h of history) expect(stored[h.question_key]).toEqual(h.new_value);
    expect(end.answered_count).toBe((await answerRows(id)).size);
    expect(new Set(accepted.map((r) => r.step)).size).toBe(accepted.length);
  });
});

describe('a burst of messages right after a start', () => {
  it('more concurrent reports than pool connections complete while the form cache is still cold', async () => {
    // Twelve organizations with a report open each; the pool has 10 connections.
    const scenes: Scene[] = [];
    for (let i = 0; i < 12; i++) scenes.push(await scene());
    for (const s of scenes) await open(s);
    // A process that just started: nothing cached yet.
    const forms = new FormCache(db);
    const replies = await Promise.all(
      scenes.map((s) =>
        handleReportInput({ ...s.deps, forms }, { event: telegramUpdate(nextUpdateId++), personId: s.people[0]!, input: { kind: 'text', text: 'có' } }),
      ),
    );
    for (const [i, reply] of replies.entries()) {
      expect(asPrompt(reply).notice).toBeUndefined();
      expect(await answerValues(asPrompt(reply).submissionId)).toEqual({ ban_chi_dao: true });
      expect(asPrompt(reply).submissionId).toBe((await open(scenes[i]!)).submissionId);
    }
  }, 10_000);
});

describe('authorization', () => {
  it('a person outside the organization can neither open nor answer its report', async () => {
    const s = await scene();
    const shown = await open(s);
    const id = shown.submissionId;
    const otherOrg = await insertOrg(db, { code: `OTHER${nextOrg++}` });
    const stranger = await insertPerson(db, { telegramUserId: nextTelegramId++, orgIds: [otherOrg] });
    const before = await snapshot(id);

    expect(await openReport(s.deps, { personId: stranger, campaignId: s.campaignId, organizationId: s.orgId })).toEqual({ kind: 'forbidden' });
    expect(await press(s, stranger, shown, { kind: 'pick', index: 0 })).toEqual({ kind: 'forbidden' });
    expect(await type(s, stranger, 'có')).toEqual({ kind: 'no_active' });
    expect(await snapshot(id)).toEqual(before);
    const person = await db.selectFrom('people').selectAll().where('id', '=', stranger).executeTakeFirstOrThrow();
    expect(person.active_submission_id).toBeNull();
    expect(person.seen_step).toBeNull();
  });

  it('a campaign that does not target the organization, or has not opened, is forbidden', async () => {
    const s = await scene({ opens: '2026-12-11T00:00' });
    expect(await openReport(s.deps, { personId: s.people[0]!, campaignId: s.campaignId, organizationId: s.orgId })).toEqual({ kind: 'forbidden' });
    expect(await db.selectFrom('submissions').select('id').where('campaign_id', '=', s.campaignId).execute()).toHaveLength(0);

    const other = await scene();
    expect(await openReport(s.deps, { personId: s.people[0]!, campaignId: other.campaignId, organizationId: s.orgId })).toEqual({ kind: 'forbidden' });
    expect(await db.selectFrom('submissions').select('id').where('campaign_id', '=', other.campaignId).execute()).toHaveLength(0);

    // Once it opens, the same request works.
    s.clock.set(at('2026-12-11T00:00'));
    expect((await openReport(s.deps, { personId: s.people[0]!, campaignId: s.campaignId, organizationId: s.orgId })).kind).toBe('prompt');
  });

  it('a button carrying a submission id that is not a number is no report, not a crash', async () => {
    const s = await scene();
    await open(s);
    const reply = await handleReportInput(s.deps, {
      event: telegramUpdate(nextUpdateId++),
      personId: s.people[0]!,
      input: { kind: 'pick', index: 0 },
      button: { submissionId: 'x1', step: 0 },
    });
    expect(reply).toEqual({ kind: 'no_active' });
  });
});

describe('pause and resume', () => {
  it('after /huy typed text has no report; /baocao resumes at the same question with every answer kept', async () => {
    const s = await scene();
    const me = s.people[0]!;
    let reply = await open(s);
    const id = reply.submissionId;
    for (const text of ['có', 'không', '4']) reply = asPrompt(await type(s, me, text));
    expect(await cursorKey(id)).toBe('question:dang_ky_mo_hinh');
    const before = await snapshot(id);

    expect(await pauseReport(db, me)).toBe(true);
    expect(await pauseReport(db, me)).toBe(false);
    expect(await type(s, me, 'có')).toEqual({ kind: 'no_active' });
    expect(await snapshot(id)).toEqual(before);

    const resumed = await open(s);
    expect(resumed.submissionId).toBe(id);
    expect(resumed.prompt.text).toContain('Câu 4/14.');
    expect(await snapshot(id)).toEqual(before);
    expect(before.answers).toEqual({ ban_chi_dao: true, bcd_quy_che: false, so_mo_hinh_dvk: 4 });

    reply = asPrompt(await type(s, me, 'có'));
    expect(reply.notice).toBeUndefined();
    expect(await cursorKey(id)).toBe('question:ten_mo_hinh');
  });
});

describe('the party-organization rating form', () => {
  async function answer(s: Scene, texts: string[]): Promise<Prompted> {
    let reply!: Prompted;
    for (const text of texts) {
      reply = asPrompt(await type(s, s.people[0]!, text));
      expect(reply.notice).toBeUndefined();
    }
    return reply;
  }

  it('counts that do not add up are refused with the numbers; a score proposes the rating; a date outside the period is refused', async () => {
    const s = await scene({ formId: 'xep_loai_to_chuc_dang' });
    const me = s.people[0]!;
    const first = await open(s);
    const id = first.submissionId;
    await answer(s, ['10', '2', '5', '2']);
    expect(await cursorKey(id)).toBe('question:dv_khong_ht');

    const before = await snapshot(id);
    let reply = asPrompt(await type(s, me, '0'));
    expect(reply.notice).toContain('(9)');
    expect(reply.notice).toContain('(10)');
    expect(reply.notice).toContain('2 + 5 + 2 + 0 = 9');
    expect(await cursorKey(id)).toBe('question:dv_khong_ht');
    expect((await snapshot(id)).answers).toEqual(before.answers);
    expect((await answerRows(id)).has('dv_khong_ht')).toBe(false);
    expect((await historyRows(id)).length).toBe(before.history);

    // A single count over the total is refused by the question's own constraint.
    reply = asPrompt(await type(s, me, '11'));
    expect(reply.notice).toContain('(11)');
    expect((await answerRows(id)).has('dv_khong_ht')).toBe(false);

    reply = await answer(s, ['1']);
    expect(await cursorKey(id)).toBe('question:diem_tu_cham');
    reply = await answer(s, ['87,5']);
    expect(Number((await answerRows(id)).get('diem_tu_cham')!.num_value)).toBe(87.5);
    expect(await cursorKey(id)).toBe('question:tu_xep_loai');
    expect(reply.prompt.text).toContain('Đề xuất theo câu 6 (87,5): <b>Hoàn thành tốt nhiệm vụ</b>');
    expect(reply.prompt.buttons.flat().map((b) => b.label)).toContain('★ 2. Hoàn thành tốt nhiệm vụ');

    reply = asPrompt(await press(s, me, reply, { kind: 'pick', index: 1 }));
    expect((await answerRows(id)).get('tu_xep_loai')!.text_value).toBe('htt');
    expect(await cursorKey(id)).toBe('question:ngay_kiem_diem');

    for (const wrong of ['15/11/2025', '20/12/2026', '31/02/2026']) {
      const prior = await snapshot(id);
      reply = asPrompt(await type(s, me, wrong));
      expect(reply.notice).toBeTruthy();
      expect(await snapshot(id)).toEqual(prior);
    }
    reply = asPrompt(await type(s, me, 'khong'));
    expect((await answerRows(id)).has('ngay_kiem_diem')).toBe(false);
    await answer(s, ['5/12/2026']);
    expect((await answerRows(id)).get('ngay_kiem_diem')).toMatchObject({ value: '2026-12-05', date_value: '2026-12-05' });
    expect(await cursorKey(id)).toBe('question:ghi_chu');
  });
});

describe('a step caught in a deadlock', () => {
  it('is decided and written again once Postgres has aborted it, and lands once', async () => {
    const s = await scene();
    const me = s.people[0]!;
    const first = await open(s);
    // Another transaction holds the person's row, then wants the report's: the step's write
    // holds the report's row and waits for the person's, so Postgres aborts one of them.
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    try {
      await holder.query('begin');
      // The holder waits longer before looking for a deadlock: the step's statement is the one aborted.
      await holder.query("set local deadlock_timeout = '10s'");
      await holder.query('select id from people where id = $1 for update', [me]);
      const answering = type(s, me, 'có');
      await eventually(async () => (await lockWaiters(holder)) > 0, 'the step to wait on the person', 10_000);
      await holder.query('select id from submissions where id = $1 for update', [first.submissionId]);
      await holder.query('rollback');
      const reply = asPrompt(await answering);
      expect(reply.prompt.text).toContain('Câu 2/14.');
    } finally {
      await holder.end();
    }
    expect(await answerValues(first.submissionId)).toEqual({ ban_chi_dao: true });
    expect(await historyRows(first.submissionId)).toHaveLength(1);
    expect((await submissionRow(first.submissionId)).step).toBe(first.step + 1);
  });
});
