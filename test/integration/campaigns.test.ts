/**
 * Round administration against the real Postgres: target selections, the
 * reminder plan, moving a deadline, closing, progress, and the /dotmoi wizard's
 * persistence (one row per admin, a redelivered update changes nothing).
 * The scheduler is a small recording implementation of our RoundScheduler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CampaignInputError,
  campaignProgress,
  closeCampaign,
  createCampaign,
  getCampaignListing,
  listCampaigns,
  previewTargets,
  setDeadline,
  type NewCampaignInput,
} from '../../src/services/campaigns.js';
import { beginNewRound, cancelWizard, hasActiveWizard, wizardInput, WIZARD_BUTTONS as B } from '../../src/services/campaignWizard.js';
import { findByCode } from '../../src/services/organizations.js';
import type { RemindNowResult, RoundScheduler } from '../../src/services/scheduling.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

class RecordingScheduler implements RoundScheduler {
  changed: string[] = [];
  reminded: string[] = [];
  failNext = false;
  async campaignChanged(campaignId: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('redis down');
    }
    this.changed.push(campaignId);
  }
  async deliveriesRequeued(): Promise<void> {}
  async remindNow(campaignId: string): Promise<RemindNowResult> {
    this.reminded.push(campaignId);
    return { kind: 'none_missing' };
  }
}

let t: TestDb;
const clock = new ManualClock(at('2026-11-23T09:00'));
const scheduler = new RecordingScheduler();
const ids: Record<string, string> = {};

const base: NewCampaignInput = {
  formId: 'dan_van_qcdc',
  periodLabel: 'Năm 2026',
  opensAt: at('2026-12-01T00:00'),
  dueAt: at('2026-12-15T17:00'),
};

async function targetCodes(campaignId: string): Promise<string[]> {
  const rows = await t.db
    .selectFrom('campaign_targets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select('o.code')
    .where('t.campaign_id', '=', campaignId)
    .orderBy('o.code')
    .execute();
  return rows.map((r) => r.code);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CampaignInputError);
  return (error as Error).message;
}

beforeAll(async () => {
  t = await createTestDb('campaigns');
  await seedForms(t.db);
  for (const seed of [
    { code: 'DB1', type: 'dang_bo_co_so' as const },
    { code: 'DB2', type: 'dang_bo_co_so' as const },
    { code: 'CB1', type: 'chi_bo_co_so' as const },
  ]) {
    ids[seed.code] = await insertOrg(t.db, seed);
  }
  ids.T11 = await insertOrg(t.db, { code: 'T11', parentCode: 'DB1' });
  ids.T12 = await insertOrg(t.db, { code: 'T12', parentCode: 'DB1' });
  ids.T21 = await insertOrg(t.db, { code: 'T21', parentCode: 'DB2' });
});

afterAll(async () => {
  await t?.drop();
});

describe('createCampaign', () => {
  it('targets all, by type, by parent đảng bộ, by codes; stores the plan; tells the scheduler', async () => {
    const all = await createCampaign(t.db, { ...base, targets: { kind: 'all' } }, clock, scheduler);
    expect(await targetCodes(all.id)).toEqual(['CB1', 'DB1', 'DB2', 'T11', 'T12', 'T21']);
    const types = await createCampaign(t.db, { ...base, targets: { kind: 'types', types: ['dang_bo_co_so', 'chi_bo_co_so'] } }, clock, scheduler);
    expect(await targetCodes(types.id)).toEqual(['CB1', 'DB1', 'DB2']);
    const parent = await createCampaign(t.db, { ...base, targets: { kind: 'parent', parentCode: 'DB1' } }, clock, scheduler);
    expect(await targetCodes(parent.id)).toEqual(['DB1', 'T11', 'T12']);
    expect(parent.targetCount).toBe(3);
    const codes = await createCampaign(
      t.db,
      { ...base, targets: { kind: 'codes', codes: ['T21', ' CB1 ', 'T21'] }, reminderOffsets: ['+2d', '-5d'], reminderTime: '7h30' },
      clock,
      scheduler,
    );
    expect(await targetCodes(codes.id)).toEqual(['CB1', 'T21']);
    expect(scheduler.changed).toEqual([all.id, types.id, parent.id, codes.id]);

    const stored = await t.db.selectFrom('campaigns').selectAll().where('id', '=', codes.id).executeTakeFirstOrThrow();
    expect(stored.reminder_offsets).toEqual(['-5d', '+2d']);
    expect(stored.reminder_time).toBe('07:30');
    const defaults = await t.db.selectFrom('campaigns').selectAll().where('id', '=', all.id).executeTakeFirstOrThrow();
    expect(defaults.reminder_offsets).toEqual(['-7d', '-3d', '-1d', '0d', '+1d', '+3d']);
    expect(defaults.reminder_time).toBe('08:00');
    expect(defaults.period_start).toBe('2026-01-01');
  });

  it('keeps organizationCodes working for older callers (no scheduler: reconciled at start)', async () => {
    const created = await createCampaign(t.db, { ...base, organizationCodes: ['DB2'] }, clock);
    expect(await targetCodes(created.id)).toEqual(['DB2']);
    expect(scheduler.changed).not.toContain(created.id);
  });

  it('refuses bad targets, plans and periods in Vietnamese, writing nothing', async () => {
    const before = (await t.db.selectFrom('campaigns').select('id').execute()).length;
    expect(await refusal(createCampaign(t.db, { ...base, targets: { kind: 'codes', codes: ['CB1', 'NOPE', 'ZZ'] } }, clock, scheduler))).toBe(
      'Không có tổ chức mang mã: NOPE, ZZ.',
    );
    expect(await refusal(createCampaign(t.db, { ...base, targets: { kind: 'parent', parentCode: 'T11' } }, clock, scheduler))).toContain(
      'không phải đảng bộ cơ sở',
    );
    expect(await refusal(createCampaign(t.db, { ...base, targets: { kind: 'parent', parentCode: 'XX' } }, clock, scheduler))).toContain('«XX»');
    expect(await refusal(createCampaign(t.db, { ...base, targets: { kind: 'types', types: [] } }, clock, scheduler))).toContain('loại hình');
    expect(await refusal(createCampaign(t.db, { ...base, reminderOffsets: ['3d'] }, clock, scheduler))).toContain('thiếu dấu');
    expect(await refusal(createCampaign(t.db, { ...base, reminderTime: '25:00' }, clock, scheduler))).toContain('Giờ nhắc');
    expect(await refusal(createCampaign(t.db, { ...base, periodStart: '2026-02-30', periodEnd: '2026-03-01' }, clock, scheduler))).toContain(
      'YYYY-MM-DD',
    );
    expect(await refusal(createCampaign(t.db, { ...base, closesAt: at('2026-12-10T00:00') }, clock, scheduler))).toBe(
      'Thời điểm kết thúc đợt phải sau hạn chót.',
    );
    expect((await t.db.selectFrom('campaigns').select('id').execute()).length).toBe(before);
  });

  it('reports a scheduler failure without undoing the round', async () => {
    scheduler.failNext = true;
    const created = await createCampaign(t.db, { ...base, periodLabel: 'Đợt đặc biệt' }, clock, scheduler);
    expect(created.scheduleError?.message).toBe('redis down');
    expect(created.periodStart).toBeNull();
    expect(await getCampaignListing(t.db, created.id, clock)).toBeDefined();
  });
});

describe('setDeadline, closeCampaign, progress', () => {
  it('moves the deadline (after opening, in the future), audits it, tells the scheduler', async () => {
    const { id } = await createCampaign(t.db, base, clock, scheduler);
    scheduler.changed = [];
    expect(await refusal(setDeadline(t.db, id, at('2026-11-30T17:00'), 'telegram:1', clock, scheduler))).toBe(
      'Hạn chót phải sau thời điểm mở đợt báo cáo.',
    );
    expect(await refusal(setDeadline(t.db, '999999', at('2026-12-20T17:00'), 'telegram:1', clock, scheduler))).toContain('999999');
    const changed = await setDeadline(t.db, id, at('2026-12-20T17:00'), 'telegram:1', clock, scheduler);
    expect(changed.previousDueAt).toEqual(at('2026-12-15T17:00'));
    expect((await getCampaignListing(t.db, id, clock))?.dueAt).toEqual(at('2026-12-20T17:00'));
    expect(scheduler.changed).toEqual([id]);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.set_due').execute();
    expect(audit.at(-1)).toMatchObject({ actor: 'telegram:1' });

    const later = new ManualClock(at('2026-12-21T09:00'));
    expect(await refusal(setDeadline(t.db, id, at('2026-12-21T08:00'), 'cli', later, scheduler))).toBe('Hạn chót mới phải sau thời điểm hiện tại.');
  });

  it('closes now or later, not twice, not in the past; list states follow the clock', async () => {
    const { id } = await createCampaign(t.db, { ...base, periodLabel: 'Quý IV/2026' }, clock, scheduler);
    expect((await getCampaignListing(t.db, id, clock))?.state).toBe('scheduled');
    const open = new ManualClock(at('2026-12-05T10:00'));
    expect((await getCampaignListing(t.db, id, open))?.state).toBe('open');

    expect(await refusal(closeCampaign(t.db, id, at('2026-12-01T00:00'), 'cli', open, scheduler))).toContain('đã qua');
    scheduler.changed = [];
    const later = await closeCampaign(t.db, id, at('2026-12-31T00:00'), 'cli', open, scheduler);
    expect(later.closedAt).toEqual(at('2026-12-31T00:00'));
    expect((await getCampaignListing(t.db, id, open))?.state).toBe('open');
    const now = await closeCampaign(t.db, id, open.now(), 'cli', open, scheduler);
    expect(now.closedAt).toEqual(open.now());
    expect((await getCampaignListing(t.db, id, open))?.state).toBe('closed');
    expect(scheduler.changed).toEqual([id, id]);
    expect(await refusal(closeCampaign(t.db, id, open.now(), 'cli', open, scheduler))).toContain('đã kết thúc');
    expect(await refusal(setDeadline(t.db, id, at('2027-01-10T17:00'), 'cli', open, scheduler))).toContain('đã kết thúc');
    const listed = (await listCampaigns(t.db, open)).find((c) => c.id === id);
    expect(listed?.state).toBe('closed');
  });

  it('counts submitted, late and drafts among the targets', async () => {
    const { id } = await createCampaign(t.db, { ...base, targets: { kind: 'parent', parentCode: 'DB1' } }, clock, scheduler);
    const row = (org: string, status: 'draft' | 'submitted', late = false) => ({
      campaign_id: id,
      organization_id: ids[org]!,
      status,
      late,
      cursor: JSON.stringify({}),
      started_at: clock.now(),
      updated_at: clock.now(),
      first_submitted_at: status === 'submitted' ? clock.now() : null,
    });
    await t.db.insertInto('submissions').values([row('DB1', 'submitted'), row('T11', 'submitted', true), row('T12', 'draft')]).execute();
    expect(await campaignProgress(t.db, id)).toEqual({ targets: 3, submitted: 2, late: 1, drafts: 1 });
    expect(await campaignProgress(t.db, '424242')).toBeUndefined();
    const listing = await getCampaignListing(t.db, id, clock);
    expect(listing).toMatchObject({ submittedCount: 2, lateCount: 1, draftCount: 1, targetCount: 3 });
  });
});

describe('the /dotmoi wizard in Postgres', () => {
  it('keeps one row per admin, ignores redelivered updates, creates the round once', async () => {
    const personId = await insertPerson(t.db, { telegramUserId: 555, admin: true });
    const deps = { db: t.db, clock, scheduler };
    const actor = 'telegram:555';
    let update = 100;
    const ev = (n: number) => ({ channel: 'telegram' as const, dedupeKey: String(n) });
    const first = await beginNewRound(deps, { personId }, ev(++update));
    expect(first.kind).toBe('prompt');
    if (first.kind !== 'prompt') return;
    expect(await hasActiveWizard(t.db, personId, clock.now())).toBe(true);
    const formIndex = first.prompt.buttons.flat().findIndex((b) => b.label.startsWith('Công tác dân vận'));
    let seq = first.seq;
    const press = async (value: string) => {
      const r = await wizardInput(deps, { personId, event: ev(++update), input: { kind: 'button', value }, seq, actor });
      if (r.kind === 'prompt') seq = r.seq;
      return r;
    };
    const type = async (text: string) => {
      const r = await wizardInput(deps, { personId, event: ev(++update), input: { kind: 'text', text }, actor });
      if (r.kind === 'prompt') seq = r.seq;
      return r;
    };
    await press(`f${formIndex}`);
    await type('Năm 2026');
    // The same update delivered twice: the second changes nothing.
    const again = await wizardInput(deps, { personId, event: ev(update), input: { kind: 'text', text: 'Năm 2026' }, actor });
    expect(again.kind).toBe('stale');
    await type('01/12/2026 08:00');
    await type('15/12/2026 17:00');
    // A button of an older prompt is stale.
    expect((await wizardInput(deps, { personId, event: ev(++update), input: { kind: 'button', value: B.all }, seq: seq - 1, actor })).kind).toBe('stale');
    await press(B.codes);
    const unknown = await type('T11, NOPE');
    expect(unknown.kind === 'prompt' && unknown.prompt.text).toContain('Không có tổ chức mang mã: NOPE.');
    await type('T11, T21');
    await press(B.defaultPlan);
    scheduler.changed = [];
    const created = await press(B.create);
    expect(created.kind).toBe('created');
    if (created.kind !== 'created') return;
    expect(await targetCodes(created.campaign.id)).toEqual(['T11', 'T21']);
    expect(scheduler.changed).toEqual([created.campaign.id]);
    expect(await hasActiveWizard(t.db, personId, clock.now())).toBe(false);
    // Pressing "Tạo đợt" again (or Telegram redelivering it) creates nothing.
    expect((await wizardInput(deps, { personId, event: ev(update), input: { kind: 'button', value: B.create }, seq, actor })).kind).toBe('stale');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.create').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor).toBe(actor);

    await beginNewRound(deps, { personId }, ev(++update));
    expect(await cancelWizard(t.db, personId, clock.now())).toBe(true);
    expect(await cancelWizard(t.db, personId, clock.now())).toBe(false);
    expect((await wizardInput(deps, { personId, event: ev(++update), input: { kind: 'text', text: 'x' }, actor })).kind).toBe('none');
  });
});

describe('codes as an admin types them', () => {
  it('match without case, as /molai and the import compare them; stored and shown as the organizations have them', async () => {
    expect(await previewTargets(t.db, { kind: 'codes', codes: ['t11', ' Cb1 ', 'T11'] })).toEqual({ ok: true, count: 2, selection: { kind: 'codes', codes: ['T11', 'CB1'] } });
    expect(await previewTargets(t.db, { kind: 'parent', parentCode: 'db1' })).toMatchObject({ ok: true, count: 3, selection: { kind: 'parent', parentCode: 'DB1' } });
    const parent = await createCampaign(t.db, { ...base, targets: { kind: 'parent', parentCode: 'db2' } }, clock, scheduler);
    expect(await targetCodes(parent.id)).toEqual(['DB2', 'T21']);
    const codes = await createCampaign(t.db, { ...base, targets: { kind: 'codes', codes: ['t12', 'db1'] } }, clock, scheduler);
    expect(await targetCodes(codes.id)).toEqual(['DB1', 'T12']);
    expect(await refusal(createCampaign(t.db, { ...base, targets: { kind: 'codes', codes: ['cb1', 'nope'] } }, clock, scheduler))).toBe('Không có tổ chức mang mã: nope.');
  });

  it('two organizations from before that rule, differing only in case: the code typed exactly is the one', async () => {
    await insertOrg(t.db, { code: 'LX1' });
    await insertOrg(t.db, { code: 'lx1' });
    expect(await previewTargets(t.db, { kind: 'codes', codes: ['lx1'] })).toEqual({ ok: true, count: 1, selection: { kind: 'codes', codes: ['lx1'] } });
    expect(await previewTargets(t.db, { kind: 'codes', codes: ['LX1', 'lx1'] })).toEqual({ ok: true, count: 2, selection: { kind: 'codes', codes: ['LX1', 'lx1'] } });
    // Neither typed exactly: the first by code, as findByCode takes it.
    const first = (await findByCode(t.db, 'Lx1'))!.code;
    expect(['LX1', 'lx1']).toContain(first);
    expect(await previewTargets(t.db, { kind: 'codes', codes: ['Lx1'] })).toEqual({ ok: true, count: 1, selection: { kind: 'codes', codes: [first] } });
  });
});
