/**
 * One person, two channels: /lienket in one chat app gives a one-time code; typed in
 * the other, it joins that account to the same person. If the second account already
 * was a person of its own (a secretary registered on both), the two are merged:
 * memberships, the report session, deliveries and history all follow.
 *
 * Codes are short enough to type on a phone (8 characters of an unambiguous
 * alphabet, 40 bits), valid for 15 minutes, single use, stored only as a hash: a
 * guess would need about 2^39 tries inside those minutes.
 */
import { createHash, randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { identityKey } from '../chat/identity.js';
import type { Database } from '../db/schema.js';
import { recordAudit } from './audit.js';
import type { ChannelUser } from './people.js';
import { inTransaction } from '../db/transaction.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 8;
export const LINK_CODE_TTL_MS = 15 * 60 * 1000;
/** As typed: any case, with spaces or dashes between groups. */
export const LINK_CODE_PATTERN = new RegExp(`^[${ALPHABET}]{${LINK_CODE_LENGTH}}$`);

export function normalizeLinkCode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

function hashLinkCode(code: string): string {
  return createHash('sha256').update(`link:${code}`, 'utf8').digest('hex');
}

/** A fresh code for the person; their earlier unused codes stop working. */
export async function createLinkCode(db: Kysely<Database>, personId: string, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const code = Array.from({ length: LINK_CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom('link_codes').where('person_id', '=', personId).execute();
    await tx.insertInto('link_codes').values({ code_hash: hashLinkCode(code), person_id: personId, created_at: now, expires_at: expiresAt }).execute();
  });
  return { code, expiresAt };
}

export type LinkResult =
  | { kind: 'ok'; personId: string; merged: boolean }
  /** This account already belongs to the person who made the code. */
  | { kind: 'already' }
  /** Unknown, used or expired. */
  | { kind: 'invalid' }
  /** The person already has an account on this channel: a code is typed in the other app. */
  | { kind: 'same_channel' };

class Refused extends Error {
  constructor(readonly result: LinkResult) {
    super(result.kind);
  }
}

/** Moves everything of person `from` to person `into`, then deletes `from`. */
async function mergePeople(tx: Kysely<Database>, from: string, into: string): Promise<void> {
  await sql`insert into memberships (person_id, organization_id, invite_id, created_at)
    select ${into}, organization_id, invite_id, created_at from memberships where person_id = ${from}
    on conflict do nothing`.execute(tx);
  // One delivery per person and slot: where both had one, the merged person keeps theirs.
  await sql`delete from deliveries d using deliveries k
    where d.person_id = ${from} and k.person_id = ${into} and k.campaign_id = d.campaign_id
      and k.slot_key = d.slot_key and k.organization_id is not distinct from d.organization_id`.execute(tx);
  await tx.updateTable('deliveries').set({ person_id: into }).where('person_id', '=', from).execute();
  await tx.updateTable('invites').set({ used_by_person_id: into }).where('used_by_person_id', '=', from).execute();
  await tx.updateTable('submissions').set({ updated_by: into }).where('updated_by', '=', from).execute();
  await tx.updateTable('answers').set({ answered_by: into }).where('answered_by', '=', from).execute();
  await tx.updateTable('answer_history').set({ changed_by: into }).where('changed_by', '=', from).execute();
  await tx.updateTable('identities').set({ person_id: into }).where('person_id', '=', from).execute();
  // One audit identity: what the merged person did is theirs now.
  await tx.updateTable('audit_log').set({ actor: `person:${into}` }).where('actor', '=', `person:${from}`).execute();
  await sql`update people k set
      is_admin = k.is_admin or f.is_admin,
      active_submission_id = coalesce(k.active_submission_id, f.active_submission_id),
      seen_step = case when k.active_submission_id is null then f.seen_step else k.seen_step end
    from people f where k.id = ${into} and f.id = ${from}`.execute(tx);
  await tx.deleteFrom('people').where('id', '=', from).execute();
}

/**
 * Uses a code typed by `user`: binds their account to the code's person, in one
 * transaction. A refused code changes nothing.
 */
export async function redeemLinkCode(db: Kysely<Database>, request: { code: string; user: ChannelUser }, now: Date): Promise<LinkResult> {
  const code = normalizeLinkCode(request.code);
  if (!LINK_CODE_PATTERN.test(code)) return { kind: 'invalid' };
  const { channel, externalId } = request.user.identity;
  try {
    return await inTransaction(db, async (tx): Promise<LinkResult> => {
      const claimed = await tx
        .updateTable('link_codes')
        .set({ used_at: now })
        .where('code_hash', '=', hashLinkCode(code))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('person_id')
        .executeTakeFirst();
      if (!claimed) throw new Refused({ kind: 'invalid' });
      const target = claimed.person_id;
      const mine = await tx.selectFrom('identities').select('person_id').where('channel', '=', channel).where('external_id', '=', externalId).executeTakeFirst();
      if (mine?.person_id === target) throw new Refused({ kind: 'already' });
      // One account per channel and person: the target must have none on this channel, nor on
      // any channel of the person being merged into it.
      const channels = mine
        ? (await tx.selectFrom('identities').select('channel').where('person_id', '=', mine.person_id).execute()).map((r) => r.channel)
        : [channel];
      const taken = await tx.selectFrom('identities').select('external_id').where('person_id', '=', target).where('channel', 'in', channels).executeTakeFirst();
      if (taken) throw new Refused({ kind: 'same_channel' });
      if (mine) {
        await mergePeople(tx, mine.person_id, target);
        await tx.updateTable('identities').set({ last_seen_at: now }).where('channel', '=', channel).where('external_id', '=', externalId).execute();
      } else {
        await tx.insertInto('identities').values({ channel, external_id: externalId, person_id: target, created_at: now, last_seen_at: now }).execute();
      }
      await recordAudit(tx, {
        actor: identityKey(request.user.identity),
        action: 'person.link',
        details: { personId: target, mergedPersonId: mine?.person_id ?? null },
        at: now,
      });
      return { kind: 'ok', personId: target, merged: mine !== undefined };
    });
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
}
