/** /trangthai's status, /molai's reopen (the service and the command), the office's round lists and typed command words, and the housekeeping of processed updates, against the real Postgres. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMessages } from '../../src/chat/messages.js';
import type { InboundEvent, Reply } from '../../src/chat/port.js';
import { createChat } from '../../src/chat/router.js';
import { silentLogger } from '../../src/logger.js';
import { FormCache } from '../../src/services/forms.js';
import { acknowledgeByOpening } from '../../src/services/deliveries.js';
import { pruneProcessedUpdates } from '../../src/services/maintenance.js';
import { handleReportInput, openReport, type ReportingDeps } from '../../src/services/reporting.js';
import { statusForPerson } from '../../src/services/status.js';
import { reopenSubmission } from '../../src/services/submissions.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertCampaign, insertNumberedOrgs, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

let t: TestDb;
let deps: ReportingDeps & { clock: ManualClock };
let updateId = 1;

beforeAll(async () => {
  t = await createTestDb('admin_services');
  await seedForms(t.db);
  deps = { db: t.db, clock: new ManualClock(at('2026-12-10T09:00')), forms: new FormCache(t.db) };
});

afterAll(async () => {
  await t?.drop();
});

async function say(personId: string, ...texts: string[]) {
  let reply;
  for (const text of texts) reply = await handleReportInput(deps, { event: { channel: 'telegram', dedupeKey: String(updateId++) }, personId, input: { kind: 'text', text } });
  return reply;
}

describe('status and reopening', () => {
  let orgA: string;
  let orgB: string;
  let person: string;
  let campaignId: string;

  beforeAll(async () => {
    orgA = await insertOrg(t.db, { code: 'SA', name: 'Chi bộ A' });
    orgB = await insertOrg(t.db, { code: 'SB', name: 'Chi bộ B' });
    person = await insertPerson(t.db, { telegramUserId: 71, orgIds: [orgA, orgB] });
    campaignId = await insertCampaign(t.db, { orgCodes: ['SA', 'SB'] });
  });

  it('counts progress over the questions that apply, and shows not started and submitted', async () => {
    await openReport(deps, { personId: person, campaignId, organizationId: orgA });
    // "Không" to question 1 rules question 2 out; question 5 still depends on question 4, unanswered.
    await say(person, 'không', '3');
    await openReport(deps, { personId: person, campaignId, organizationId: orgB });
    const status = await statusForPerson(t.db, deps.forms, person, deps.clock.now());
    expect(status.map((o) => o.organizationName)).toEqual(['Chi bộ A', 'Chi bộ B']);
    expect(status[0]!.campaigns[0]!.state).toEqual({ kind: 'draft', answered: 2, remaining: 11, total: 14 });
    expect(status[1]!.campaigns[0]!.state).toEqual({ kind: 'draft', answered: 0, remaining: 14, total: 14 });
  });

  it('reopens a submitted report locked after the deadline, and only that', async () => {
    await openReport(deps, { personId: person, campaignId, organizationId: orgA });
    await say(person, 'có', 'không', 'không', 'đã ký', '1', '2', '3', '4', 'tốt', 'không', 'không');
    const submitted = await say(person, 'gửi');
    expect(submitted?.kind === 'prompt' && submitted.notice).toContain('Đã gửi báo cáo');

    const status = await statusForPerson(t.db, deps.forms, person, deps.clock.now());
    expect(status[0]!.campaigns[0]!.state).toMatchObject({ kind: 'submitted', late: false });

    deps.clock.set(at('2026-12-16T08:00'));
    await openReport(deps, { personId: person, campaignId, organizationId: orgA });
    const locked = await say(person, 'sửa 3');
    expect(locked?.kind === 'prompt' && locked.notice).toContain('quá hạn');

    expect(await reopenSubmission(t.db, { campaignId, organizationCode: 'SB', actor: 'test' }, deps.clock.now())).toEqual({
      kind: 'not_submitted',
      organizationName: 'Chi bộ B',
    });
    expect(await reopenSubmission(t.db, { campaignId, organizationCode: 'XX', actor: 'test' }, deps.clock.now())).toEqual({ kind: 'unknown_org' });
    expect(await reopenSubmission(t.db, { campaignId, organizationCode: 'SA', actor: 'test' }, deps.clock.now())).toEqual({
      kind: 'ok',
      organizationName: 'Chi bộ A',
    });

    const editing = await say(person, 'sửa 3');
    expect(editing?.kind === 'prompt' && editing.prompt.text).toContain('Câu 3/14');
    await say(person, '9');
    const answer = await t.db.selectFrom('answers').select('value').where('question_key', '=', 'so_mo_hinh_dvk').innerJoin('submissions', 'submissions.id', 'answers.submission_id').where('submissions.organization_id', '=', orgA).executeTakeFirstOrThrow();
    expect(answer.value).toBe(9);
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'submission.reopen').execute();
    expect(audit).toHaveLength(1);
  });
});

describe('an edit that breaks a sent report', () => {
  it('takes it back to draft, keeps the first submission time, and it counts again once re-sent', async () => {
    deps.clock.set(at('2026-12-10T09:00'));
    const org = await insertOrg(t.db, { code: 'SC', name: 'Chi bộ C' });
    const person = await insertPerson(t.db, { telegramUserId: 72, orgIds: [org] });
    const campaignId = await insertCampaign(t.db, { orgCodes: ['SC'] });
    await openReport(deps, { personId: person, campaignId, organizationId: org });
    await say(person, 'không', '1', 'không', 'có', 'đã ký', '1', '2', '3', '4', 'tốt', 'không', 'không', 'gửi');
    const row = () => t.db.selectFrom('submissions').selectAll().where('organization_id', '=', org).executeTakeFirstOrThrow();
    const sent = await row();
    expect(sent.status).toBe('submitted');

    deps.clock.set(at('2026-12-11T09:00'));
    await openReport(deps, { personId: person, campaignId, organizationId: org });
    const asked = await say(person, 'sửa 4', 'có');
    expect(asked?.kind === 'prompt' && asked.prompt.text).toContain('Câu 5/14');
    const draft = await row();
    expect(draft.status).toBe('draft');
    expect(draft.first_submitted_at).toEqual(sent.first_submitted_at);

    await say(person, 'Mô hình mới', 'gửi');
    const resent = await row();
    expect(resent.status).toBe('submitted');
    expect(resent.late).toBe(false);
    expect(resent.last_submitted_at).toEqual(at('2026-12-11T09:00'));
  });
});

describe('acknowledging an announcement by starting the report', () => {
  it('marks only that round\'s announcement to that person, once', async () => {
    const org = await insertOrg(t.db, { code: 'SD', name: 'Chi bộ D' });
    const person = await insertPerson(t.db, { telegramUserId: 73, orgIds: [org] });
    const other = await insertPerson(t.db, { telegramUserId: 74, orgIds: [org] });
    const campaignId = await insertCampaign(t.db, { orgCodes: ['SD'] });
    const row = (personId: string, slotKey: string) => ({ campaign_id: campaignId, slot_key: slotKey, organization_id: org, person_id: personId, kind: slotKey === 'announce' ? ('announcement' as const) : ('reminder' as const) });
    await t.db.insertInto('deliveries').values([row(person, 'announce'), row(other, 'announce'), row(person, 'r-3d')]).execute();
    const first = at('2026-12-10T09:00');
    await acknowledgeByOpening(t.db, { campaignId, personId: person }, first);
    await acknowledgeByOpening(t.db, { campaignId, personId: person }, at('2026-12-11T09:00'));
    const acks = await t.db.selectFrom('deliveries').select(['person_id', 'slot_key', 'acknowledged_at']).where('campaign_id', '=', campaignId).orderBy('id').execute();
    expect(acks.map((a) => [a.person_id, a.slot_key, a.acknowledged_at])).toEqual([
      [person, 'announce', first],
      [other, 'announce', null],
      [person, 'r-3d', null],
    ]);
  });
});

describe('the office in chat', () => {
  const ADMIN = 9900;
  const SECRETARY = 75;
  let chat: ReturnType<typeof createChat>;
  let nextEvent = 1;
  const tell = async (from: number, text: string): Promise<string> => {
    const event: InboundEvent = {
      channel: 'telegram',
      dedupeKey: `office-${nextEvent++}`,
      from: { externalId: String(from), displayName: `Người ${from}`, username: null },
      at: deps.clock.now(),
      content: { kind: 'text', text },
    };
    const reply: Reply = await chat.handle(event);
    return reply.messages.map((m) => m.text).join('\n');
  };

  beforeAll(() => {
    deps.clock.set(at('2026-12-10T09:00'));
    const scheduler = {
      async campaignChanged() {},
      async deliveriesRequeued() {},
      async remindNow() {
        return { kind: 'none_missing' as const };
      },
    };
    chat = createChat({ ...deps, adminIds: [{ channel: 'telegram', externalId: String(ADMIN) }], logger: silentLogger, scheduler });
  });

  it('/molai finds the organization whatever the case of its code, and names the round in its reply', async () => {
    const org = await insertOrg(t.db, { code: 'MLCB01', name: 'Chi bộ Mở lại' });
    const person = await insertPerson(t.db, { telegramUserId: 76, orgIds: [org] });
    const campaignId = await insertCampaign(t.db, { orgCodes: ['MLCB01'], periodLabel: '6 tháng đầu năm 2026' });
    expect(await tell(ADMIN, `/molai mlcb01 ${campaignId}`)).toBe(`Chi bộ Mở lại chưa nộp báo cáo trong đợt #${campaignId} — 6 tháng đầu năm 2026, không cần mở lại.`);
    await openReport(deps, { personId: person, campaignId, organizationId: org });
    await say(person, 'không', '1', 'không', 'có', 'đã ký', '1', '2', '3', '4', 'tốt', 'không', 'không', 'gửi');
    const submitted = await t.db.selectFrom('submissions').select('status').where('organization_id', '=', org).executeTakeFirstOrThrow();
    expect(submitted.status).toBe('submitted');

    expect(await reopenSubmission(t.db, { campaignId, organizationCode: 'mlCB01', actor: 'test' }, deps.clock.now())).toEqual({ kind: 'ok', organizationName: 'Chi bộ Mở lại' });
    const reopened = `Đã mở lại báo cáo của Chi bộ Mở lại trong đợt #${campaignId} — 6 tháng đầu năm 2026. Người báo cáo có thể sửa và gửi lại.`;
    expect(await tell(ADMIN, `/molai mlcb01 ${campaignId}`)).toBe(reopened);
    // Without the slash, as on Zalo.
    expect(await tell(ADMIN, `molai MLCB01 ${campaignId}`)).toBe(reopened);
    expect(await tell(ADMIN, `/molai KHONGCO ${campaignId}`)).toBe(`Không có tổ chức mang mã «KHONGCO» trong đợt #${campaignId} — 6 tháng đầu năm 2026.`);
  });

  it("writes the round list's and the round's counts as /tonghop does: 1.100/1.200, not 1100/1200", async () => {
    await insertNumberedOrgs(t.db, { letter: 'N', digits: 4, count: 1200, firstChat: 810_001 });
    const codes = Array.from({ length: 1200 }, (_, i) => `N${String(i + 1).padStart(4, '0')}`);
    const campaignId = await insertCampaign(t.db, { orgCodes: codes, periodLabel: 'Năm 2026 (lớn)' });
    // 1.100 submitted (the first 100 late) and 50 drafts, as the dialogue leaves them: a draft first, submitted after.
    await sql`insert into submissions (campaign_id, organization_id, status, cursor)
      select ${campaignId}, o.id, 'draft', '{}'::jsonb from organizations o where o.code = any(${codes.slice(0, 1150)}::text[])`.execute(t.db);
    await sql`update submissions s set status = 'submitted', first_submitted_at = ${deps.clock.now()}, last_submitted_at = ${deps.clock.now()},
        late = o.code <= 'N0100'
      from organizations o where o.id = s.organization_id and s.campaign_id = ${campaignId} and o.code <= 'N1100'`.execute(t.db);

    const list = await tell(ADMIN, '/trangthai');
    expect(list).toContain(`#${campaignId}</b> Công tác dân vận`);
    expect(list).toMatch(/Năm 2026 \(lớn\)\n {2}Hạn chót [^\n]*\. Đã nộp 1\.100\/1\.200 \(muộn 100\)\. Đang mở\./);
    expect(await tell(ADMIN, `/dot ${campaignId}`)).toContain('Đã nộp 1.100/1.200 (muộn 100); đang làm dở 50; chưa bắt đầu 50.');
  });

  it('a command word of the office typed at a question that takes free text is refused, not stored as the answer', async () => {
    const org = await insertOrg(t.db, { code: 'FT01', name: 'Chi bộ Chữ' });
    await insertPerson(t.db, { telegramUserId: SECRETARY, orgIds: [org] });
    await insertCampaign(t.db, { orgCodes: ['FT01'] });
    expect(await tell(SECRETARY, '/baocao')).toContain('Câu 1/14');
    for (const answer of ['có', 'có', '3']) await tell(SECRETARY, answer);
    expect(await tell(SECRETARY, 'có')).toContain('Câu 5/14');
    const state = () => t.db.selectFrom('submissions').select(['status', 'step', 'answered_count']).where('organization_id', '=', org).executeTakeFirstOrThrow();
    const before = await state();
    // The new words are treated as «tonghop» always was.
    for (const word of ['tonghop', 'dot', 'nhacnho', 'molai', 'doihan 5', 'ketthuc', 'guilai']) {
      expect(await tell(SECRETARY, word)).toBe(botMessages.adminOnly);
    }
    expect(await state()).toEqual(before);
    const stored = await t.db
      .selectFrom('answers')
      .innerJoin('submissions', 'submissions.id', 'answers.submission_id')
      .select('answers.question_key')
      .where('submissions.organization_id', '=', org)
      .where('answers.question_key', '=', 'ten_mo_hinh')
      .execute();
    expect(stored).toEqual([]);
  });
});

describe('processed updates housekeeping', () => {
  it('forgets update ids older than a week, keeps recent ones', async () => {
    const now = at('2026-12-20T00:00');
    await t.db
      .insertInto('processed_updates')
      .values([
        { channel: 'telegram', dedupe_key: '900001', processed_at: at('2026-12-01T00:00') },
        { channel: 'telegram', dedupe_key: '900002', processed_at: at('2026-12-19T00:00') },
      ])
      .execute();
    const removed = await pruneProcessedUpdates(t.db, now);
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = await t.db.selectFrom('processed_updates').select(['channel', 'dedupe_key']).where('dedupe_key', 'in', ['900001', '900002']).execute();
    expect(left.map((r) => [r.channel, r.dedupe_key])).toEqual([['telegram', '900002']]);
  });
});
