import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInvites,
  hashInviteCode,
  InviteInputError,
  redeemInvite,
  revokeInvites,
} from '../../src/services/invites.js';
import type { Identity } from '../../src/chat/port.js';
import { findPersonByIdentity, isAdmin, organizationsOf, setAdmin, upsertPerson } from '../../src/services/people.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertOrg } from '../support/fixtures.js';

let t: TestDb;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  t = await createTestDb('invites');
  const db = t.db;
  await insertOrg(db, { code: 'DB1', name: 'Đảng bộ Công ty A', type: 'dang_bo_co_so' });
  await insertOrg(db, { code: 'CB1', name: 'Chi bộ Phòng Kế toán', parentCode: 'DB1' });
  await insertOrg(db, { code: 'CB2', name: 'Chi bộ Sở B' });
  await insertOrg(db, { code: 'CB3', name: 'Chi bộ Sở C' });
});

afterAll(async () => {
  await t?.drop();
});

const clockAt = (local = '2026-11-23T09:00') => new ManualClock(at(local));
const tg = (id: number): Identity => ({ channel: 'telegram', externalId: String(id) });
const user = (id: number, displayName = `Đồng chí ${id}`) => ({ identity: tg(id), displayName, username: `u${id}` });
/** The person behind a Telegram id, if there is one. */
const findByTelegram = async (id: number) => (await findPersonByIdentity(t.db, tg(id), clockAt().now()))?.person;

async function oneInvite(orgCode: string, clock = clockAt()): Promise<string> {
  const [invite] = await createInvites(t.db, { orgCodes: [orgCode] }, { ttlDays: 30 }, clock);
  return invite!.code;
}

describe('createInvites', () => {
  it('makes unguessable codes for Telegram deep links and stores only their hash', async () => {
    const clock = clockAt();
    const created = await createInvites(t.db, { orgCodes: ['CB2', 'CB1'] }, { ttlDays: 30 }, clock);
    expect(created.map((c) => [c.orgCode, c.orgName])).toEqual([
      ['CB1', 'Chi bộ Phòng Kế toán'],
      ['CB2', 'Chi bộ Sở B'],
    ]);
    for (const c of created) {
      expect(c.code).toMatch(/^[A-Za-z0-9_-]{22,64}$/); // 22 base64url characters = 128 bits
      expect(c.expiresAt.getTime()).toBe(clock.now().getTime() + 30 * DAY);
    }
    expect(created[0]!.code).not.toBe(created[1]!.code);

    const stored = await t.db.selectFrom('invites').select(['code_hash']).execute();
    const hashes = stored.map((s) => s.code_hash);
    for (const c of created) {
      expect(hashes).toContain(hashInviteCode(c.code));
      expect(hashes).not.toContain(c.code);
    }
    const dump = JSON.stringify(await t.db.selectFrom('invites').selectAll().execute());
    for (const c of created) expect(dump).not.toContain(c.code);
  });

  it('refuses unknown organization codes, naming them, and writes nothing', async () => {
    const before = await t.db.selectFrom('invites').select('id').execute();
    const attempt = createInvites(t.db, { orgCodes: ['CB1', 'NOPE', 'ZZ'] }, { ttlDays: 30 }, clockAt());
    await expect(attempt).rejects.toBeInstanceOf(InviteInputError);
    await expect(attempt).rejects.toThrow(/NOPE, ZZ/);
    expect(await t.db.selectFrom('invites').select('id').execute()).toEqual(before);
  });

  it("'all' makes one invite per organization", async () => {
    const created = await createInvites(t.db, { orgCodes: 'all' }, { ttlDays: 7 }, clockAt());
    expect(created.map((c) => c.orgCode)).toEqual(['CB1', 'CB2', 'CB3', 'DB1']);
  });
});

describe('redeemInvite', () => {
  it('binds the person to the organization, then refuses the code to anyone else', async () => {
    const code = await oneInvite('CB3');
    const result = await redeemInvite(t.db, { code, user: user(1001, 'Nguyễn Văn A') }, clockAt('2026-11-24T08:00'));
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.organization).toMatchObject({ code: 'CB3', name: 'Chi bộ Sở C' });
    expect(result.alreadyMember).toBe(false);

    const person = await findByTelegram(1001);
    expect(person).toMatchObject({ id: result.personId, display_name: 'Nguyễn Văn A', username: 'u1001' });
    expect((await organizationsOf(t.db, result.personId)).map((o) => o.code)).toEqual(['CB3']);
    const invite = await t.db.selectFrom('invites').selectAll().where('code_hash', '=', hashInviteCode(code)).executeTakeFirstOrThrow();
    expect(invite.used_by_person_id).toBe(result.personId);
    expect(invite.used_at?.toISOString()).toBe(at('2026-11-24T08:00').toISOString());

    // Someone else with the same code.
    expect(await redeemInvite(t.db, { code, user: user(1002) }, clockAt('2026-11-24T09:00'))).toEqual({ kind: 'used' });
    // A refused code leaves no trace: the second person was not recorded.
    expect(await findByTelegram(1002)).toBeUndefined();

    // The same person tapping the link again.
    const again = await redeemInvite(t.db, { code, user: user(1001, 'Nguyễn Văn A') }, clockAt('2026-11-24T10:00'));
    expect(again).toEqual({ kind: 'ok', personId: result.personId, organization: result.organization, alreadyMember: true });
    const memberships = await t.db.selectFrom('memberships').selectAll().where('person_id', '=', result.personId).execute();
    expect(memberships).toHaveLength(1);
    const audit = await t.db.selectFrom('audit_log').select('actor').where('action', '=', 'invite.redeem').orderBy('id').execute();
    expect(audit.map((a) => a.actor)).toEqual(['telegram:1001']);
  });

  it('binds a Zalo account the same way: its identity is recorded and the audit names it', async () => {
    const code = await oneInvite('CB3');
    const zalo: Identity = { channel: 'zalo', externalId: '7f3a9c0e11' };
    const result = await redeemInvite(t.db, { code, user: { identity: zalo, displayName: 'Lê Văn Z' } }, clockAt('2026-11-24T08:30'));
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.organization.code).toBe('CB3');
    const identities = await t.db.selectFrom('identities').select(['channel', 'external_id']).where('person_id', '=', result.personId).execute();
    expect(identities).toEqual([{ channel: 'zalo', external_id: '7f3a9c0e11' }]);
    const audit = await t.db.selectFrom('audit_log').select('actor').where('action', '=', 'invite.redeem').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('zalo:7f3a9c0e11');
  });

  it('lets an organization have several reporters, each with an invite of their own', async () => {
    const first = await oneInvite('CB2');
    const second = await oneInvite('CB2');
    expect((await redeemInvite(t.db, { code: first, user: user(2001) }, clockAt())).kind).toBe('ok');
    expect((await redeemInvite(t.db, { code: second, user: user(2002) }, clockAt())).kind).toBe('ok');
    const org = await t.db.selectFrom('organizations').select('id').where('code', '=', 'CB2').executeTakeFirstOrThrow();
    const members = await t.db.selectFrom('memberships').select('person_id').where('organization_id', '=', org.id).execute();
    expect(members).toHaveLength(2);
  });

  it("refuses an expired code (30-day invite, 31 days later)", async () => {
    const clock = clockAt();
    const code = await oneInvite('CB1', clock);
    clock.advance(31 * DAY);
    expect(await redeemInvite(t.db, { code, user: user(3001) }, clock)).toEqual({ kind: 'expired' });
  });

  it('accepts a code until its last moment', async () => {
    const clock = clockAt();
    const code = await oneInvite('CB1', clock);
    clock.advance(30 * DAY - 1000);
    expect((await redeemInvite(t.db, { code, user: user(3002) }, clock)).kind).toBe('ok');
  });

  it('refuses a revoked code; revoking counts only active unused invites of that organization', async () => {
    const clock = clockAt('2026-11-25T09:00');
    const used = await oneInvite('DB1', clock);
    const a = await oneInvite('DB1', clock);
    const b = await oneInvite('DB1', clock);
    const other = await oneInvite('CB3', clock);
    expect((await redeemInvite(t.db, { code: used, user: user(4001) }, clock)).kind).toBe('ok');

    const activeBefore = await t.db
      .selectFrom('invites as i')
      .innerJoin('organizations as o', 'o.id', 'i.organization_id')
      .select('i.id')
      .where('o.code', '=', 'DB1')
      .where('i.used_at', 'is', null)
      .where('i.revoked_at', 'is', null)
      .where('i.expires_at', '>', clock.now())
      .execute();
    const [{ count }] = (await revokeInvites(t.db, { orgCodes: ['DB1'] }, clock)) as [{ code: string; count: number }];
    expect(count).toBe(activeBefore.length);
    expect(count).toBeGreaterThanOrEqual(2);

    expect(await redeemInvite(t.db, { code: a, user: user(4002) }, clock)).toEqual({ kind: 'revoked' });
    expect(await redeemInvite(t.db, { code: b, user: user(4003) }, clock)).toEqual({ kind: 'revoked' });
    // The used one stays used, and the member stays a member.
    expect((await redeemInvite(t.db, { code: used, user: user(4001) }, clock)).kind).toBe('ok');
    // Other organizations' invites are untouched.
    expect((await redeemInvite(t.db, { code: other, user: user(4004) }, clock)).kind).toBe('ok');
    expect(await revokeInvites(t.db, { orgCodes: ['DB1'] }, clock)).toEqual([{ code: 'DB1', count: 0 }]);

    const audit = await t.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'invites.revoke').execute();
    expect(audit.map((r) => (r.details as { count: number }).count)).toEqual([count, 0]);
    await expect(revokeInvites(t.db, { orgCodes: ['NOPE'] }, clock)).rejects.toBeInstanceOf(InviteInputError);
  });

  it('revokes several organizations at once, counted and audited per code in the order given; one unknown code revokes nothing', async () => {
    const clock = clockAt('2026-11-25T09:00');
    for (const code of ['RV1', 'RV2', 'RV3', 'RV4']) await insertOrg(t.db, { code, name: `Chi bộ ${code}` });
    const [a, b, c, d] = [await oneInvite('RV1', clock), await oneInvite('RV1', clock), await oneInvite('RV2', clock), await oneInvite('RV4', clock)];
    const auditBefore = await t.db.selectFrom('audit_log').select((e) => e.fn.max('id').as('id')).executeTakeFirstOrThrow();

    expect(await revokeInvites(t.db, { orgCodes: ['RV2', 'RV1', 'RV3', 'RV1'] }, clock)).toEqual([
      { code: 'RV2', count: 1 },
      { code: 'RV1', count: 2 },
      { code: 'RV3', count: 0 },
    ]);
    for (const [i, code] of [a, b, c].entries()) expect(await redeemInvite(t.db, { code, user: user(4100 + i) }, clock)).toEqual({ kind: 'revoked' });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'invites.revoke')
      .where('id', '>', auditBefore.id ?? '0')
      .orderBy('id')
      .execute();
    const ids = await t.db
      .selectFrom('invites as i')
      .innerJoin('organizations as o', 'o.id', 'i.organization_id')
      .select(['i.id', 'o.code'])
      .where('o.code', 'in', ['RV1', 'RV2'])
      .orderBy('i.id')
      .execute();
    const idsOf = (code: string) => ids.filter((r) => r.code === code).map((r) => r.id);
    expect(audit.map((r) => r.details)).toEqual([
      { orgCode: 'RV2', count: 1, inviteIds: idsOf('RV2') },
      { orgCode: 'RV1', count: 2, inviteIds: idsOf('RV1') },
      { orgCode: 'RV3', count: 0, inviteIds: [] },
    ]);

    await expect(revokeInvites(t.db, { orgCodes: ['RV4', 'NOPE'] }, clock)).rejects.toBeInstanceOf(InviteInputError);
    expect((await redeemInvite(t.db, { code: d, user: user(4110) }, clock)).kind).toBe('ok');
  });

  it('refuses unknown codes, including malformed ones', async () => {
    const clock = clockAt();
    expect(await redeemInvite(t.db, { code: 'AAAAAAAAAAAAAAAAAAAAAA', user: user(5001) }, clock)).toEqual({ kind: 'unknown' });
    expect(await redeemInvite(t.db, { code: 'not a code!', user: user(5001) }, clock)).toEqual({ kind: 'unknown' });
    expect(await redeemInvite(t.db, { code: 'x'.repeat(65), user: user(5001) }, clock)).toEqual({ kind: 'unknown' });
    expect(await findByTelegram(5001)).toBeUndefined();
  });

  it('of two people redeeming one code at the same time, exactly one succeeds', async () => {
    for (let round = 0; round < 5; round++) {
      const code = await oneInvite('CB3');
      const clock = clockAt();
      const results = await Promise.all([
        redeemInvite(t.db, { code, user: user(6000 + round * 2) }, clock),
        redeemInvite(t.db, { code, user: user(6001 + round * 2) }, clock),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['ok', 'used']);
      const invite = await t.db.selectFrom('invites').selectAll().where('code_hash', '=', hashInviteCode(code)).executeTakeFirstOrThrow();
      const winner = results.find((r) => r.kind === 'ok');
      expect(winner?.kind === 'ok' && winner.personId).toBe(invite.used_by_person_id);
      const memberships = await t.db.selectFrom('memberships').select('person_id').where('invite_id', '=', invite.id).execute();
      expect(memberships).toHaveLength(1);
    }
  });
});

describe('people', () => {
  it('upsertPerson inserts once and then refreshes name, username and last_seen_at', async () => {
    const first = await upsertPerson(t.db, { identity: tg(7001), displayName: 'Trần B', username: 'tranb' }, at('2026-11-23T09:00'));
    const second = await upsertPerson(t.db, { identity: tg(7001), displayName: 'Trần Thị B', username: null }, at('2026-11-23T10:00'));
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ display_name: 'Trần Thị B', username: null });
    expect(second.last_seen_at.toISOString()).toBe(at('2026-11-23T10:00').toISOString());
    expect(second.created_at.toISOString()).toBe(at('2026-11-23T09:00').toISOString());
  });

  it('isAdmin: flag in the database or an identity in ADMIN_IDS', () => {
    expect(isAdmin({ is_admin: true }, [tg(1)], [])).toBe(true);
    expect(isAdmin({ is_admin: false }, [tg(42)], [tg(7), tg(42)])).toBe(true);
    expect(isAdmin({ is_admin: false }, [tg(42)], [tg(7)])).toBe(false);
    // Any identity of the person counts, and the channel is part of the identity.
    const zalo: Identity = { channel: 'zalo', externalId: '42' };
    expect(isAdmin({ is_admin: false }, [tg(5), zalo], [zalo])).toBe(true);
    expect(isAdmin({ is_admin: false }, [zalo], [tg(42)])).toBe(false);
  });

  it('setAdmin creates an unknown person, grants and withdraws, with audit rows', async () => {
    const clock = clockAt();
    const granted = await setAdmin(t.db, tg(8001), true, clock);
    expect(granted).toMatchObject({ display_name: 'Quản trị viên 8001', is_admin: true });
    const withdrawn = await setAdmin(t.db, tg(8001), false, clock);
    expect(withdrawn?.is_admin).toBe(false);
    expect(await setAdmin(t.db, tg(8999), false, clock)).toBeUndefined();
    expect(await findByTelegram(8999)).toBeUndefined();
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'admin.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['admin.add', 'admin.remove']);
  });
});
