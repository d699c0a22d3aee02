/**
 * Invites bind a chat account to an organization: the admin hands each
 * organization a link t.me/<bot>?start=<code> (Telegram) or the code itself to
 * send to the Zalo bot; the secretary uses it once.
 *
 * - A code is 16 random bytes in base64url (22 characters of [A-Za-z0-9_-],
 *   128 bits): it fits Telegram's /start payload (64 characters) and cannot be guessed.
 * - Only its sha256 is stored, so a copy of the database hands out no usable invite.
 * - Each code binds one person, once. Creating a new invite for an organization
 *   does NOT revoke its older ones: an organization may have several reporters
 *   (secretary and deputy), each with a link of their own. `revokeInvites`
 *   withdraws every unused one of an organization, e.g. when a link was sent to
 *   the wrong person.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../time.js';
import { recordAudit, recordAudits } from './audit.js';
import { inviteMessages as msg } from './messages/invites.js';
import { identityKey } from '../chat/identity.js';
import { findByCodes } from './organizations.js';
import { upsertPerson, type ChannelUser } from './people.js';
import { inTransaction } from '../db/transaction.js';

export const INVITE_CODE_BYTES = 16;
/** What a code may look like: Telegram's deep-link payload alphabet and length. */
export const INVITE_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const DAY_MS = 24 * 60 * 60 * 1000;
const INSERT_BATCH = 1000;

export class InviteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InviteInputError';
  }
}

export function generateInviteCode(): string {
  return randomBytes(INVITE_CODE_BYTES).toString('base64url');
}

export function hashInviteCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

export interface CreatedInvite {
  orgCode: string;
  orgName: string;
  code: string;
  expiresAt: Date;
}

/** One new invite per organization, ordered by organization code. Unknown codes: nothing written, an error naming them. */
export async function createInvites(
  db: Kysely<Database>,
  target: { orgCodes: 'all' | readonly string[] },
  options: { ttlDays: number },
  clock: Clock,
  actor = 'cli',
): Promise<CreatedInvite[]> {
  if (!Number.isInteger(options.ttlDays) || options.ttlDays < 1 || options.ttlDays > 365) {
    throw new InviteInputError(msg.badTtl(options.ttlDays));
  }
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + options.ttlDays * DAY_MS);

  return inTransaction(db, async (tx) => {
    let orgs: Array<{ id: string; code: string; name: string }>;
    if (target.orgCodes === 'all') {
      orgs = await tx.selectFrom('organizations').select(['id', 'code', 'name']).orderBy('code').execute();
      if (orgs.length === 0) throw new InviteInputError(msg.noOrganizations);
    } else {
      const codes = [...new Set(target.orgCodes.map((c) => c.trim()).filter(Boolean))];
      if (codes.length === 0) throw new InviteInputError(msg.noOrgCodes);
      const found = await organizationsByCodes(tx, codes);
      if (found.missing.length > 0) throw new InviteInputError(msg.unknownOrganizations(found.missing));
      orgs = found.orgs;
    }

    const created = orgs.map((o) => ({ orgId: o.id, orgCode: o.code, orgName: o.name, code: generateInviteCode() }));
    for (let i = 0; i < created.length; i += INSERT_BATCH) {
      const batch = created.slice(i, i + INSERT_BATCH);
      await sql`
        insert into invites (code_hash, organization_id, created_at, expires_at)
        select h, o, ${now}, ${expiresAt}
        from unnest(${batch.map((c) => hashInviteCode(c.code))}::text[], ${batch.map((c) => c.orgId)}::bigint[]) as v(h, o)
      `.execute(tx);
    }
    await recordAudit(tx, {
      actor,
      action: 'invites.create',
      details: { orgCodes: target.orgCodes === 'all' ? 'all' : created.map((c) => c.orgCode), count: created.length, ttlDays: options.ttlDays },
      at: now,
    });
    return created.map(({ orgCode, orgName, code }) => ({ orgCode, orgName, code, expiresAt }));
  });
}

export type RedeemResult =
  | { kind: 'ok'; personId: string; organization: { id: string; code: string; name: string }; alreadyMember: boolean }
  | { kind: 'unknown' | 'used' | 'expired' | 'revoked' };

export interface RedeemInput {
  code: string;
  user: ChannelUser;
}

/** Thrown inside the transaction to roll back the person upsert when the code is refused. */
class Refused extends Error {
  constructor(readonly result: RedeemResult) {
    super(result.kind);
  }
}

/**
 * Uses a code: one transaction that records the person and the membership.
 * Single use is enforced by one conditional UPDATE, so of two people tapping the
 * same link at once exactly one succeeds. The same person tapping again gets
 * `ok` with alreadyMember. A refused code leaves no trace in the database.
 */
export async function redeemInvite(db: Kysely<Database>, input: RedeemInput, clock: Clock): Promise<RedeemResult> {
  const code = input.code.trim();
  if (!INVITE_CODE_PATTERN.test(code)) return { kind: 'unknown' };
  const hash = hashInviteCode(code);
  const now = clock.now();
  try {
    return await inTransaction(db, async (tx): Promise<RedeemResult> => {
      const person = await upsertPerson(tx, input.user, now);
      const claimed = await tx
        .updateTable('invites')
        .set({ used_at: now, used_by_person_id: person.id })
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['id', 'organization_id'])
        .executeTakeFirst();

      if (!claimed) {
        const invite = await tx
          .selectFrom('invites as i')
          .innerJoin('organizations as o', 'o.id', 'i.organization_id')
          .select(['i.id', 'i.used_at', 'i.used_by_person_id', 'i.revoked_at', 'i.expires_at', 'o.id as org_id', 'o.code', 'o.name'])
          .where('i.code_hash', '=', hash)
          .executeTakeFirst();
        if (!invite) throw new Refused({ kind: 'unknown' });
        if (invite.used_at !== null) {
          // Tapped twice by the one who used it: fine, as long as they are still a member
          // (an admin who removed them does not want an old link to bring them back).
          if (invite.used_by_person_id === person.id) {
            const member = await tx
              .selectFrom('memberships')
              .select('person_id')
              .where('person_id', '=', person.id)
              .where('organization_id', '=', invite.org_id)
              .executeTakeFirst();
            if (member) {
              return {
                kind: 'ok',
                personId: person.id,
                organization: { id: invite.org_id, code: invite.code, name: invite.name },
                alreadyMember: true,
              };
            }
          }
          throw new Refused({ kind: 'used' });
        }
        if (invite.revoked_at !== null) throw new Refused({ kind: 'revoked' });
        throw new Refused({ kind: 'expired' });
      }

      const membership = await tx
        .insertInto('memberships')
        .values({ person_id: person.id, organization_id: claimed.organization_id, invite_id: claimed.id, created_at: now })
        .onConflict((oc) => oc.columns(['person_id', 'organization_id']).doNothing())
        .returning('person_id')
        .executeTakeFirst();
      const org = await tx
        .selectFrom('organizations')
        .select(['id', 'code', 'name'])
        .where('id', '=', claimed.organization_id)
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        actor: identityKey(input.user.identity),
        action: 'invite.redeem',
        details: { inviteId: claimed.id, personId: person.id, orgCode: org.code },
        at: now,
      });
      return { kind: 'ok', personId: person.id, organization: org, alreadyMember: membership === undefined };
    });
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
}

/** The organizations of `codes`, by code, and the codes that name none. */
async function organizationsByCodes(db: Kysely<Database>, codes: readonly string[]) {
  const orgs = await findByCodes(db, codes);
  const found = new Set(orgs.map((o) => o.code));
  return { orgs, missing: codes.filter((c) => !found.has(c)) };
}

/**
 * Revokes the organizations' invites still valid, all or none: one unknown code refuses
 * the whole request before anything changes. The number revoked, per code, in order.
 */
export async function revokeInvites(
  db: Kysely<Database>,
  target: { orgCodes: readonly string[] },
  clock: Clock,
  actor = 'cli',
): Promise<Array<{ code: string; count: number }>> {
  const now = clock.now();
  return inTransaction(db, async (tx) => {
    const codes = [...new Set(target.orgCodes.map((c) => c.trim()))];
    const { orgs, missing } = await organizationsByCodes(tx, codes);
    if (missing[0] !== undefined) throw new InviteInputError(msg.unknownOrganization(missing[0]));
    const revoked = await tx
      .updateTable('invites')
      .set({ revoked_at: now })
      .where(sql<boolean>`organization_id = any(${orgs.map((o) => o.id)}::bigint[])`)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['id', 'organization_id'])
      .execute();
    const codeOf = new Map(orgs.map((o) => [o.id, o.code]));
    const perCode = codes.map((code) => ({
      code,
      inviteIds: revoked.filter((r) => codeOf.get(r.organization_id) === code).map((r) => r.id).sort((a, b) => Number(a) - Number(b)),
    }));
    await recordAudits(
      tx,
      perCode.map(({ code, inviteIds }) => ({ actor, action: 'invites.revoke', details: { orgCode: code, count: inviteIds.length, inviteIds }, at: now })),
    );
    return perCode.map(({ code, inviteIds }) => ({ code, count: inviteIds.length }));
  });
}
