/**
 * A round's reminder slots in Postgres: planned from the round's times and plan,
 * re-planned when the round changes. A slot that has been fanned out is history.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, SlotKind } from '../db/schema.js';
import { isClosed } from '../campaigns/state.js';
import { planSlots, type ReminderPolicy } from '../reminders/plan.js';
import { isUnplannedSlot, MANUAL_PREFIX, manualSlotKey } from '../reminders/slotKeys.js';
import { localDate } from '../time.js';

export interface PendingSlot {
  campaignId: string;
  slotKey: string;
  kind: SlotKind;
  sendAt: Date;
}


/** A reminder re-planned this far from when its key already went out is a new reminder (the deadline moved). */
const SAME_REMINDER_MS = 12 * 60 * 60 * 1000;

/**
 * Re-plans the round's slots that have not been sent, in place: a slot whose job is
 * running keeps its row (its send time may change), so re-planning never races a
 * fan-out into losing it. A key already sent is never planned again, except a reminder
 * whose deadline moved: it comes back as a new key (offset @ new deadline's date).
 * Closed rounds keep no pending slot.
 */
export async function planCampaignSlots(db: Kysely<Database>, campaignId: string, policy: ReminderPolicy, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const campaign = await tx
      .selectFrom('campaigns')
      .select(['opens_at', 'due_at', 'closed_at', 'reminder_offsets', 'reminder_time'])
      .where('id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) return;
    const closed = isClosed(campaign, now);
    const existing = await tx.selectFrom('reminder_slots').select(['slot_key', 'send_at', 'fanned_out_at']).where('campaign_id', '=', campaignId).execute();
    const sent = new Map(existing.filter((r) => r.fanned_out_at).map((r) => [r.slot_key, r.send_at]));

    const wanted: Array<{ key: string; kind: SlotKind; sendAt: Date }> = [];
    if (!closed) {
      const planned = planSlots({
        opensAt: campaign.opens_at,
        dueAt: campaign.due_at,
        plan: { offsets: campaign.reminder_offsets, time: campaign.reminder_time },
        policy,
      }).filter((slot) => !campaign.closed_at || slot.sendAt.getTime() < campaign.closed_at.getTime());
      for (const slot of planned) {
        const sentAt = sent.get(slot.key);
        if (sentAt === undefined) {
          wanted.push({ key: slot.key, kind: slot.kind, sendAt: slot.sendAt });
          continue;
        }
        if (slot.kind !== 'reminder' || Math.abs(sentAt.getTime() - slot.sendAt.getTime()) <= SAME_REMINDER_MS) continue;
        const moved = `${slot.key}@${localDate(campaign.due_at)}`;
        if (!sent.has(moved)) wanted.push({ key: moved, kind: slot.kind, sendAt: slot.sendAt });
      }
    }

    const keep = new Set(wanted.map((w) => w.key));
    const obsolete = existing
      .filter((r) => !r.fanned_out_at && !keep.has(r.slot_key))
      // Manual reminders and digests are not part of the plan: they survive re-planning.
      .filter((r) => closed || !isUnplannedSlot(r.slot_key))
      .map((r) => r.slot_key);
    if (obsolete.length > 0) {
      await tx.deleteFrom('reminder_slots').where('campaign_id', '=', campaignId).where('fanned_out_at', 'is', null).where('slot_key', 'in', obsolete).execute();
    }
    if (wanted.length === 0) return;
    await tx
      .insertInto('reminder_slots')
      .values(wanted.map((w) => ({ campaign_id: campaignId, slot_key: w.key, kind: w.kind, send_at: w.sendAt })))
      .onConflict((oc) =>
        oc
          .columns(['campaign_id', 'slot_key'])
          .doUpdateSet((eb) => ({ send_at: eb.ref('excluded.send_at'), kind: eb.ref('excluded.kind') }))
          .where('reminder_slots.fanned_out_at', 'is', null),
      )
      .execute();
  });
}

/** "Nhắc ngay" at most once in this window per round, whoever asks and however fast they tap. */
export const MANUAL_REMINDER_WINDOW_MS = 10 * 60 * 1000;

/**
 * An extra reminder slot due now, or the time of the one asked for within the window.
 * The key is the window's start, so two requests at the same moment make one slot.
 */
export async function addManualSlot(
  db: Kysely<Database>,
  campaignId: string,
  now: Date,
): Promise<{ kind: 'added'; slot: PendingSlot } | { kind: 'too_soon'; lastAt: Date }> {
  return db.transaction().execute(async (tx) => {
    const recent = await tx
      .selectFrom('reminder_slots')
      .select('send_at')
      .where('campaign_id', '=', campaignId)
      .where('slot_key', 'like', `${MANUAL_PREFIX}%`)
      .where('send_at', '>', new Date(now.getTime() - MANUAL_REMINDER_WINDOW_MS))
      .orderBy('send_at', 'desc')
      .executeTakeFirst();
    if (recent) return { kind: 'too_soon', lastAt: recent.send_at };
    const slotKey = manualSlotKey(Math.floor(now.getTime() / MANUAL_REMINDER_WINDOW_MS) * MANUAL_REMINDER_WINDOW_MS);
    const inserted = await tx
      .insertInto('reminder_slots')
      .values({ campaign_id: campaignId, slot_key: slotKey, kind: 'reminder', send_at: now })
      .onConflict((oc) => oc.columns(['campaign_id', 'slot_key']).doNothing())
      .returning('send_at')
      .executeTakeFirst();
    if (!inserted) return { kind: 'too_soon', lastAt: now };
    return { kind: 'added', slot: { campaignId, slotKey, kind: 'reminder', sendAt: now } };
  });
}

/** A manual slot whose job could not be queued: gone, so it cannot fire days later. */
export async function removeUnsentSlot(db: Kysely<Database>, campaignId: string, slotKey: string): Promise<void> {
  await db.deleteFrom('reminder_slots').where('campaign_id', '=', campaignId).where('slot_key', '=', slotKey).where('fanned_out_at', 'is', null).execute();
}

const STALE_SLOT_MS = 14 * 24 * 60 * 60 * 1000;

/** Slots not yet fanned out, of rounds not closed, due at most two weeks ago; optionally of one round. */
export async function pendingSlots(db: Kysely<Database>, now: Date, campaignId?: string): Promise<PendingSlot[]> {
  let query = db
    .selectFrom('reminder_slots as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select(['r.campaign_id', 'r.slot_key', 'r.kind', 'r.send_at'])
    .where('r.fanned_out_at', 'is', null)
    // A slot missed by weeks (a round nobody closed, a long outage) is history, not news.
    .where('r.send_at', '>', new Date(now.getTime() - STALE_SLOT_MS))
    .where((eb) => eb.or([eb('c.closed_at', 'is', null), eb('c.closed_at', '>', now)]));
  if (campaignId) query = query.where('r.campaign_id', '=', campaignId);
  const rows = await query.orderBy('r.send_at').execute();
  return rows.map((r) => ({ campaignId: r.campaign_id, slotKey: r.slot_key, kind: r.kind, sendAt: r.send_at }));
}

/** Rounds whose slots are worth re-planning at start: not closed, not long past. */
export async function campaignsToPlan(db: Kysely<Database>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('campaigns')
    .select('id')
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', now)]))
    .where('due_at', '>', sql<Date>`${now}::timestamptz - interval '60 days'`)
    .execute();
  return rows.map((r) => r.id);
}
