/**
 * The admins' daily digest in Postgres: which rounds get one today, and each round's
 * digest slot for the day (made on demand, never planned). Which rounds, and which
 * day, is the policy's (src/reminders/policy.ts wantsDigest, digestCutoff).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { digestCutoff, type DigestKey } from '../reminders/policy.js';

/** The rounds in today's digest (policy: wantsDigest, applied here in SQL), by id. */
export async function roundsNeedingDigest(db: Kysely<Database>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('campaigns')
    .select('id')
    .where('opens_at', '<=', now)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', now)]))
    .where('due_at', '>', digestCutoff(now))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The round's digest slot of the day, created due now unless it exists; returns its send
 * time, which a slot's fan-out must match (a digest asked for twice a day is one slot).
 */
export async function ensureDigestSlot(db: Kysely<Database>, campaignId: string, slotKey: DigestKey, now: Date): Promise<Date> {
  await db
    .insertInto('reminder_slots')
    .values({ campaign_id: campaignId, slot_key: slotKey, kind: 'digest', send_at: now })
    .onConflict((oc) => oc.columns(['campaign_id', 'slot_key']).doNothing())
    .execute();
  const slot = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', campaignId).where('slot_key', '=', slotKey).executeTakeFirstOrThrow();
  return slot.send_at;
}
