/**
 * The answer path of issue 8 against the real Postgres: one read statement and one
 * conditional write per message (optimistic concurrency on submissions.step). Two
 * reporters of one organization answering at the same moment never lose an answer
 * silently — each is stored where its reporter saw it, or its reporter is told it was
 * not — and step, answered_count, answers and answer_history stay consistent. And what
 * one answer costs, counted statement by statement at the pg client.
 */
import type { Reply } from '../../src/chat/port.js';
import { createChat } from '../../src/chat/router.js';
import { silentLogger } from '../../src/logger.js';
import { markReplied } from '../../src/services/processedUpdates.js';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import type { Input } from '../../src/dialogue/types.js';
import { FormCache } from '../../src/services/forms.js';
import { reportingMessages } from '../../src/services/messages/reporting.js';
import { PercentileCache } from '../../src/services/percentiles.js';
import { handleReportInput, type ReportingDeps, type ReportReply } from '../../src/services/reporting.js';
import { removeReporter } from '../../src/services/reporters.js';
import pg from 'pg';
import { connectTestScheduler } from '../support/reminderHarness.js';
import { createTestDb, lockWaiters, type TestDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';
import { bundledForm, seedForms } from '../support/fixtures.js';
import { asPrompt, open, reportScene, submissionRows, telegramUpdate, type Prompted, type ReportScene as Scene } from '../support/reporting.js';
import { countingDb, type CountingDb } from '../support/statementCount.js';

let t: TestDb;
let db: Kysely<Database>;
let nextUpdateId = 1;
let nextTelegramId = 700_000;
let nextOrg = 1;

/** The same database through a pool whose statements are recorded (and can be held). */
let counting: CountingDb;

beforeAll(async () => {
  t = await createTestDb('answer_path');
  db = t.db;
  await seedForms(db);
  counting = countingDb(t.url);
});

afterAll(async () => {
  await counting?.destroy();
  await t?.drop();
});

/** One organization with `reporters` members and a QCDC round for it only; the clock at 10/12/2026 09:00. */
const scene = (reporters = 1): Promise<Scene> => reportScene(db, `AP${nextOrg++}`, () => nextTelegramId++, { reporters });

const event = (updateId = nextUpdateId++) => telegramUpdate(updateId);

const orgCode = async (orgId: string) => (await db.selectFrom('organizations').select('code').where('id', '=', orgId).executeTakeFirstOrThrow()).code;

const { submissionRow, answerRows, historyRows } = submissionRows(() => db);

/** The question a prompt asks ("Câu 3/14."), or undefined for the review and the closing prompts. */
function askedQuestion(prompt: Prompted): number | undefined {
  const match = /Câu (\d+)\/14\./.exec(prompt.prompt.text);
  return match ? Number(match[1]) : undefined;
}

describe('two reporters of one organization answering at the same moment', () => {
  interface Outcome {
    person: string;
    key: string;
    value: unknown;
    pressed: boolean;
    /** No other answer has this value (numbers, texts): it can be looked for anywhere. */
    unique: boolean;
    notice: string | undefined;
  }

  let serialNo = 0;

  /**
   * One reporter answering whatever question the bot last showed them, reply after
   * reply, until the review: typed, or (with `buttons`) pressed where the question has
   * options. Every answer carries a value no other answer has where the type allows.
   */
  async function reporter(s: Scene, person: string, first: Prompted, tag: 'A' | 'B', buttons: boolean, outcomes: Outcome[]): Promise<void> {
    const form = await bundledForm('dan_van_qcdc');
    let shown = first;
    let n = 0;
    for (let no = askedQuestion(shown); no !== undefined; no = askedQuestion(shown)) {
      if (++n > 60) throw new Error(`reporter ${tag} made no progress`);
      const question = form.questions[no - 1]!;
      const serial = ++serialNo;
      let input: Input;
      let value: unknown;
      let pressed = false;
      let unique = false;
      switch (question.type) {
        case 'yes_no':
          value = tag === 'A';
          pressed = buttons;
          input = buttons ? { kind: 'pick', index: tag === 'A' ? 0 : 1 } : { kind: 'text', text: tag === 'A' ? 'có' : 'không' };
          break;
        case 'choice':
          value = question.choices[tag === 'A' ? 0 : 1]!.value;
          pressed = buttons;
          input = buttons ? { kind: 'pick', index: tag === 'A' ? 0 : 1 } : { kind: 'text', text: tag === 'A' ? '1' : '2' };
          break;
        case 'integer':
          value = 100 + serial;
          unique = true;
          input = { kind: 'text', text: String(value) };
          break;
        case 'text':
          value = `${tag} trả lời lần ${serial}`;
          unique = true;
          input = { kind: 'text', text: String(value) };
          break;
        default:
          throw new Error(`unexpected question type ${question.type}`);
      }
      const reply = asPrompt(
        await handleReportInput(s.deps, {
          event: event(),
          personId: person,
          input,
          ...(pressed ? { button: { submissionId: shown.submissionId, step: shown.step } } : {}),
        }),
      );
      outcomes.push({ person, key: question.key, value, pressed, unique, notice: reply.notice });
      shown = reply;
    }
    expect(shown.prompt.text).toContain('Xem lại báo cáo');
  }

  it('every answer is stored where its reporter saw it, or its reporter is told it was not', async () => {
    let refusals = 0;
    for (let trial = 0; trial < 8; trial++) {
      const s = await scene(2);
      const [a, b] = s.people as [string, string];
      await open(s, a);
      const shownB = await open(s, b);
      // Opening again shows the same step to both (it changes nothing).
      const shownA = await open(s, a);
      expect(shownA.step).toBe(shownB.step);
      const id = shownA.submissionId;
      const start = await submissionRow(id);
      const outcomes: Outcome[] = [];
      const buttons = trial % 2 === 1;
      await Promise.all([reporter(s, a, shownA, 'A', buttons, outcomes), reporter(s, b, shownB, 'B', buttons, outcomes)]);

      const accepted = outcomes.filter((o) => o.notice === undefined);
      const refused = outcomes.filter((o) => o.notice !== undefined);
      refusals += refused.length;
      // Never silently lost: a reply without a notice stored it; any other says why it did not.
      for (const o of refused) {
        expect(o.notice, JSON.stringify(o)).toBe(o.pressed ? reportingMessages.stalePrompt : reportingMessages.movedByCoReporter);
      }
      const end = await submissionRow(id);
      const stored = await answerRows(id);
      const history = await historyRows(id);
      expect(end.cursor).toEqual({ at: 'review' });
      // One step, one history row, one stored answer per accepted answer, each a question of its own.
      expect(new Set(accepted.map((o) => o.key)).size).toBe(accepted.length);
      expect(end.step - start.step).toBe(accepted.length);
      expect(history).toHaveLength(accepted.length);
      expect(stored.size).toBe(accepted.length);
      expect(end.answered_count).toBe(stored.size);
      for (const o of accepted) {
        expect(stored.get(o.key), JSON.stringify(o)).toMatchObject({ value: o.value, answered_by: o.person });
        expect(history.filter((h) => h.question_key === o.key).map((h) => [h.old_value, h.new_value, h.changed_by])).toEqual([[null, o.value, o.person]]);
      }
      // A refused answer is not stored anywhere: the question it was meant for holds the co-reporter's.
      for (const o of refused) {
        expect(stored.get(o.key)?.answered_by, JSON.stringify(o)).not.toBe(o.person);
        if (o.unique) expect(history.filter((h) => JSON.stringify(h.new_value) === JSON.stringify(o.value)), JSON.stringify(o)).toEqual([]);
      }
      const people = await db.selectFrom('people').select(['id', 'active_submission_id', 'seen_step']).where('id', 'in', [a, b]).execute();
      // Whoever got the last reply saw the current step; nobody is left on a step that does not exist.
      for (const p of people) {
        expect(p.active_submission_id).toBe(id);
        expect(p.seen_step).toBeLessThanOrEqual(end.step);
      }
    }
    // The race did happen (each trial answers ~12 questions with two reporters at once).
    expect(refusals).toBeGreaterThan(0);
  }, 60_000);
});

describe('a write that loses the race to a co-reporter', () => {
  /**
   * B's step is read, then held before its write while A answers; once released,
   * B's conditional write finds the step moved, writes nothing, and B's step is
   * decided again on what A left.
   */
  async function race(s: Scene, b: string, inputB: Input, answerA: () => Promise<ReportReply>, button?: Prompted) {
    const depsB: ReportingDeps = { ...s.deps, db: counting.db };
    const gate = counting.holdNext((sql) => /^\s*with\s+upd\b/i.test(sql));
    counting.reset();
    const pendingB = handleReportInput(depsB, {
      event: event(),
      personId: b,
      input: inputB,
      ...(button ? { button: { submissionId: button.submissionId, step: button.step } } : {}),
    });
    await gate.reached;
    const replyA = asPrompt(await answerA());
    gate.release();
    const replyB = asPrompt(await pendingB);
    // Read, the write that found the step moved, read again, and the write of what was decided then.
    const statements = counting.statements();
    expect(statements).toHaveLength(4);
    expect(statements.map((q) => /^\s*(select|with\s+\w+)/i.exec(q)?.[1]?.replace(/\s+/g, ' ').toLowerCase())).toEqual([
      'select', 'with upd', 'select', expect.stringMatching(/^with (upd|mark)$/),
    ]);
    return { replyA, replyB };
  }

  async function twoAtQuestion4(): Promise<{ s: Scene; a: string; b: string; id: string; shownB: Prompted }> {
    const s = await scene(2);
    const [a, b] = s.people as [string, string];
    await open(s, a);
    for (const text of ['có', 'có', '2']) {
      asPrompt(await handleReportInput(s.deps, { event: event(), personId: a, input: { kind: 'text', text } }));
    }
    const shownB = await open(s, b);
    expect(shownB.prompt.text).toContain('Câu 4/14.');
    return { s, a, b, id: shownB.submissionId, shownB };
  }

  const typeA = (s: Scene, a: string, text: string) => () => handleReportInput(s.deps, { event: event(), personId: a, input: { kind: 'text', text } });

  it('a typed answer is not stored on the question the co-reporter moved to: the reporter is told', async () => {
    const { s, a, b, id } = await twoAtQuestion4();
    const before = await submissionRow(id);
    const { replyA, replyB } = await race(s, b, { kind: 'text', text: 'có' }, typeA(s, a, 'không'));
    expect(replyA.notice).toBeUndefined();
    expect(replyB.notice).toBe(reportingMessages.movedByCoReporter);
    expect(replyB.prompt.text).toContain('Câu 6/14.');
    const rows = await answerRows(id);
    expect(rows.get('dang_ky_mo_hinh')).toMatchObject({ value: false, answered_by: a });
    expect(rows.has('hoi_nghi_nld')).toBe(false);
    const after = await submissionRow(id);
    expect(after.step).toBe(before.step + 1);
    expect(after.answered_count).toBe(rows.size);
    expect((await historyRows(id)).filter((h) => h.changed_by === b)).toEqual([]);
  });

  it('a pressed option of the prompt the co-reporter answered is stale: nothing stored, the reporter is told', async () => {
    const { s, a, b, id, shownB } = await twoAtQuestion4();
    const { replyB } = await race(s, b, { kind: 'pick', index: 0 }, typeA(s, a, 'không'), shownB);
    expect(replyB.notice).toBe(reportingMessages.stalePrompt);
    expect((await answerRows(id)).get('dang_ky_mo_hinh')).toMatchObject({ value: false, answered_by: a });
    expect((await historyRows(id)).filter((h) => h.changed_by === b)).toEqual([]);
  });

  it('an edit of an earlier question is applied again on the fresh report: both answers are kept', async () => {
    const { s, a, b, id } = await twoAtQuestion4();
    const before = await submissionRow(id);
    const { replyB } = await race(s, b, { kind: 'edit_answer', questionNo: 3, text: '7' }, typeA(s, a, 'không'));
    expect(replyB.notice).toContain('Đã sửa câu 3: 7 (trước: 2)');
    // Shown where the co-reporter left the report, not where B last saw it.
    expect(replyB.prompt.text).toContain('Câu 6/14.');
    const rows = await answerRows(id);
    expect(rows.get('so_mo_hinh_dvk')).toMatchObject({ value: 7, answered_by: b });
    expect(rows.get('dang_ky_mo_hinh')).toMatchObject({ value: false, answered_by: a });
    const after = await submissionRow(id);
    expect(after.step).toBe(before.step + 2);
    expect(after.cursor).toEqual({ at: 'question', key: 'hoi_nghi_nld', review: false });
    expect(after.answered_count).toBe(rows.size);
    expect((await historyRows(id)).slice(-2).map((h) => [h.question_key, h.old_value, h.new_value, h.changed_by])).toEqual(
      expect.arrayContaining([
        ['dang_ky_mo_hinh', null, false, a],
        ['so_mo_hinh_dvk', 2, 7, b],
      ]),
    );
  });
});

describe('a reporter removed between the read and the write of their answer', () => {
  it('stores nothing and is answered as after the removal (no report open); the removal stands', async () => {
    const s = await scene();
    const [b] = s.people as [string];
    const shown = await open(s, b);
    const identity = await db.selectFrom('identities').select(['channel', 'external_id']).where('person_id', '=', b).executeTakeFirstOrThrow();
    const gate = counting.holdNext((sql) => /^\s*with\s+upd\b/i.test(sql));
    const pending = handleReportInput({ ...s.deps, db: counting.db }, { event: event(), personId: b, input: { kind: 'text', text: 'có' } });
    await gate.reached;
    const removed = await removeReporter(db, { orgCode: (await orgCode(s.orgId)), identity: { channel: 'telegram', externalId: identity.external_id } }, s.clock);
    expect(removed.kind).toBe('removed');
    gate.release();
    expect((await pending).kind).toBe('no_active');
    expect((await answerRows(shown.submissionId)).size).toBe(0);
    expect((await submissionRow(shown.submissionId)).step).toBe(shown.step);
    const person = await db.selectFrom('people').select(['active_submission_id', 'seen_step']).where('id', '=', b).executeTakeFirstOrThrow();
    expect(person).toEqual({ active_submission_id: null, seen_step: null });
  });
});

describe('a reporter removed by a transaction still in progress when their answer is written', () => {
  it('waits for the removal and, once it commits, stores nothing: the removal stands', async () => {
    const s = await scene();
    const [b] = s.people as [string];
    const shown = await open(s, b);
    const removal = new pg.Client({ connectionString: t.url });
    await removal.connect();
    try {
      await removal.query('begin');
      await removal.query('delete from memberships where person_id = $1', [b]);
      await removal.query('update people set active_submission_id = null, seen_step = null where id = $1', [b]);
      const pending = handleReportInput(s.deps, { event: event(), personId: b, input: { kind: 'text', text: 'có' } });
      await eventually(async () => (await lockWaiters(removal)) > 0, 'the answer to wait for the removal', 10_000);
      await removal.query('commit');
      expect((await pending).kind).toBe('no_active');
    } finally {
      await removal.end();
    }
    expect((await answerRows(shown.submissionId)).size).toBe(0);
    const person = await db.selectFrom('people').select(['active_submission_id', 'seen_step']).where('id', '=', b).executeTakeFirstOrThrow();
    expect(person).toEqual({ active_submission_id: null, seen_step: null });
  });
});

describe('what one answer costs', () => {
  /** Everything a message could write: the report, its answers and history, the person, the events seen, the audit. */
  async function everything(submissionId: string, personId: string) {
    const [sub, answers, history, person, processed, audit] = await Promise.all([
      submissionRow(submissionId),
      answerRows(submissionId),
      historyRows(submissionId),
      db.selectFrom('people').selectAll().where('id', '=', personId).executeTakeFirstOrThrow(),
      db.selectFrom('processed_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { sub, answers: Object.fromEntries(answers), history, person, processed: processed.n, audit: audit.n };
  }

  it('is at most two statements — one read, one write — whatever the step; a duplicated event is one read that writes nothing', async () => {
    const s = await scene();
    const me = s.people[0]!;
    // The process's dependencies: its form cache and percentile cache, over the counted pool.
    const deps: ReportingDeps = { db: counting.db, clock: s.deps.clock, forms: new FormCache(counting.db), percentiles: new PercentileCache() };
    let shown = await open(s, me);
    const id = shown.submissionId;
    // The first answer of a process loads the form and the round's percentiles: once, not per answer.
    shown = asPrompt(await handleReportInput(deps, { event: event(), personId: me, input: { kind: 'text', text: 'có' } }));

    const cost = async (what: string, input: Input, extra: { on?: Prompted; dedupeKey?: number } = {}) => {
      counting.reset();
      const reply = await handleReportInput(deps, {
        event: event(extra.dedupeKey),
        personId: me,
        input,
        ...(extra.on ? { button: { submissionId: extra.on.submissionId, step: extra.on.step } } : {}),
      });
      const statements = counting.statements();
      expect(statements.length, `${what}: ${statements.join('\n---\n')}`).toBeLessThanOrEqual(2);
      expect(statements[0], what).toMatch(/^\s*select\b/i);
      expect(statements.some((q) => /^\s*(begin|commit|rollback)\b/i.test(q)), what).toBe(false);
      // A write is one statement: a data-modifying CTE, never a transaction of several.
      if (statements.length === 2) expect(statements[1], what).toMatch(/^\s*with\b/i);
      return { reply, statements };
    };
    const step = async (what: string, input: Input, notice: string | RegExp | undefined, on?: Prompted) => {
      const reply = asPrompt((await cost(what, input, on ? { on } : {})).reply);
      if (notice === undefined) expect(reply.notice, what).toBeUndefined();
      else expect(reply.notice, what).toMatch(notice);
      return reply;
    };

    shown = await step('a typed answer', { kind: 'text', text: 'không' }, undefined);
    shown = await step('a refused answer', { kind: 'text', text: 'abc' }, /Không đọc được số/);
    shown = await step('a number that reads two ways', { kind: 'text', text: '1,234' }, /có thể bị hiểu nhầm/);
    const confirming = shown;
    shown = await step('a pressed reading', { kind: 'pick', index: 0 }, undefined, confirming);
    expect(shown.prompt.text).toContain('Câu 4/14.');
    shown = await step('a stale button', { kind: 'pick', index: 0 }, reportingMessages.stalePrompt, confirming);
    shown = await step('a pressed option', { kind: 'pick', index: 0 }, undefined, shown);
    expect(shown.prompt.text).toContain('Câu 5/14.');
    shown = await step('an edit of an earlier question', { kind: 'edit_answer', questionNo: 3, text: '5' }, /Đã sửa câu 3: 5 \(trước: 1\.234\)/);
    shown = await step('an edit the question refuses', { kind: 'edit_answer', questionNo: 3, text: '-5' }, /Chưa sửa được câu 3/);
    shown = await step('«Quay lại»', { kind: 'back' }, undefined, shown);
    expect(shown.prompt.text).toContain('Câu 4/14.');
    shown = await step('the current question shown again', { kind: 'show' }, undefined);
    expect(Number((await answerRows(id)).get('so_mo_hinh_dvk')?.num_value)).toBe(5);

    // The same event again: one read, nothing written, nothing said.
    const updateId = nextUpdateId++;
    const first = await cost('an answer', { kind: 'pick', index: 0 }, { on: shown, dedupeKey: updateId });
    expect(asPrompt(first.reply).prompt.text).toContain('Câu 5/14.');
    await markReplied(db, [event(updateId)], new Date());
    const before = await everything(id, me);
    const { reply, statements } = await cost('the same answer redelivered', { kind: 'pick', index: 0 }, { on: shown, dedupeKey: updateId });
    expect(reply).toEqual({ kind: 'duplicate' });
    expect(statements).toHaveLength(1);
    expect(await everything(id, me)).toEqual(before);
  });
});

describe('a typed answer through the chat', () => {
  /** The chat of a process over the counted pool; `say` types as the Telegram user `telegramId`. */
  async function chatOf(s: Scene, name: string) {
    const reminders = await connectTestScheduler(counting.db, s.clock, `${t.name}-${name}`);
    const chat = createChat({ db: counting.db, clock: s.clock, forms: new FormCache(counting.db), adminIds: [], logger: silentLogger, scheduler: reminders.scheduler });
    const say = (telegramId: number, text: string) =>
      chat.handle({
        channel: 'telegram',
        dedupeKey: String(nextUpdateId++),
        from: { externalId: String(telegramId), displayName: 'Bí thư', username: null },
        at: s.clock.now(),
        content: { kind: 'text', text },
      });
    const close = async () => {
      await chat.close();
      await reminders.close();
    };
    return { say, close };
  }

  const textOf = (reply: Reply) => reply.messages.map((m) => String(m.text)).join('\n');

  it('costs two statements: who wrote and the step in one, the write in the other; a command identifies apart', async () => {
    let telegramId = 0;
    const s = await reportScene(db, `AP${nextOrg++}`, () => (telegramId = nextTelegramId++));
    const chat = await chatOf(s, 'chat');
    const say = (text: string) => chat.say(telegramId, text);
    try {
      expect(textOf(await say('/baocao'))).toContain('Câu 1/14');
      // The first answer of a process loads the form and the round's percentiles.
      expect(textOf(await say('có'))).toContain('Câu 2/14');

      counting.reset();
      expect(textOf(await say('có'))).toContain('Câu 3/14');
      const statements = counting.statements();
      expect(statements).toHaveLength(2);
      expect(statements[0]).toMatch(/with touched as/);
      expect(statements[0]).toMatch(/json_object_agg\(a\.question_key/);
      expect(statements[1]).toMatch(/with upd as/);
      const report = await db.selectFrom('submissions').select('id').where('campaign_id', '=', s.campaignId).executeTakeFirstOrThrow();
      const stored = await answerRows(report.id);
      expect([...stored.keys()].sort()).toEqual(['ban_chi_dao', 'bcd_quy_che']);
      expect(stored.get('bcd_quy_che')?.bool_value).toBe(true);

      // A command is not an answer: the person is looked up alone, then the command reads what it needs.
      counting.reset();
      expect(textOf(await say('/trangthai'))).not.toBe('');
      expect(counting.statements()[0]).not.toMatch(/json_object_agg\(a\.question_key/);
    } finally {
      await chat.close();
    }
  });

  it('a co-reporter stepping in between the first statement and the write: the answer is decided again on a fresh read, never stored on the question moved to', async () => {
    const ids: number[] = [];
    const s = await reportScene(db, `AP${nextOrg++}`, () => {
      const id = nextTelegramId++;
      ids.push(id);
      return id;
    }, { reporters: 2 });
    const [a, b] = s.people as [string, string];
    const chat = await chatOf(s, 'race');
    try {
      await open(s, a);
      await open(s, b);
      // A answers question 1 through the chat; its write is held while B answers question 1 first.
      const gate = counting.holdNext((sql) => /^\s*with\s+upd\b/i.test(sql));
      counting.reset();
      const pendingA = chat.say(ids[0]!, 'không');
      await gate.reached;
      const replyB = asPrompt(await handleReportInput(s.deps, { event: event(), personId: b, input: { kind: 'text', text: 'có' } }));
      expect(replyB.prompt.text).toContain('Câu 2/14.');
      gate.release();
      const replyA = await pendingA;
      // A's «không» was meant for question 1, which B answered meanwhile: not stored on question 2.
      expect(textOf(replyA)).toContain(reportingMessages.movedByCoReporter);
      // Without this process's first loads of the form and the round's percentiles:
      const statements = counting.statements().filter((sql) => !/from "forms"|join figure_numbers/.test(sql));
      // who wrote with the step, the write that found the step moved, the fresh read, the stay write.
      expect(statements[0]).toMatch(/with touched as/);
      expect(statements[1]).toMatch(/with upd as/);
      expect(statements[2]).toMatch(/^\s*select p\.id as person_id/);
      const report = await db.selectFrom('submissions').select('id').where('campaign_id', '=', s.campaignId).executeTakeFirstOrThrow();
      const stored = await answerRows(report.id);
      expect([...stored.keys()]).toEqual(['ban_chi_dao']);
      expect(stored.get('ban_chi_dao')?.bool_value).toBe(true);
    } finally {
      await chat.close();
    }
  });
});
