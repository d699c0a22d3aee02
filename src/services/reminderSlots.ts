/**
 * A round's reminder slots in Postgres: planned from the round's times and plan,
 * re-planned when the round changes. A slot that has been fanned out is history
 * and is never planned again, so a changed deadline cannot repeat a reminder.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, SlotKind } from '../db/schema.js';
import { planSlots, type ReminderPolicy } from '../reminders/plan.js';

export interface PendingSlot {
  campaignId: string;
  slotKey: string;
  kind: SlotKind;
  sendAt: Date;
}

/** Manual reminders ("Nhắc ngay") are not part of the plan and survive re-planning. */
const MANUAL_PREFIX = 'manual-';

/** Re-plans the round's slots that have not been sent. Closed rounds keep no pending slot. */
export async function planCampaignSlots(db: Kysely<Database>, campaignId: string, policy: ReminderPolicy, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const campaign = await tx
      .selectFrom('campaigns')
      .select(['opens_at', 'due_at', 'closed_at', 'reminder_offsets', 'reminder_time'])
      .where('id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) return;
    await tx
      .deleteFrom('reminder_slots')
      .where('campaign_id', '=', campaignId)
      .where('fanned_out_at', 'is', null)
      .where('slot_key', 'not like', `${MANUAL_PREFIX}%`)
      .execute();
    if (campaign.closed_at && campaign.closed_at.getTime() <= now.getTime()) {
      await tx.deleteFrom('reminder_slots').where('campaign_id', '=', campaignId).where('fanned_out_at', 'is', null).execute();
      return;
    }
    const planned = planSlots({
      opensAt: campaign.opens_at,
      dueAt: campaign.due_at,
      plan: { offsets: campaign.reminder_offsets, time: campaign.reminder_time },
      policy,
    }).filter((slot) => !campaign.closed_at || slot.sendAt.getTime() < campaign.closed_at.getTime());
    if (planned.length === 0) return;
    await tx
      .insertInto('reminder_slots')
      .values(planned.map((s) => ({ campaign_id: campaignId, slot_key: s.key, kind: s.kind, send_at: s.sendAt })))
      .onConflict((oc) => oc.columns(['campaign_id', 'slot_key']).doNothing())
      .execute();
  });
}

/** An extra reminder slot due now; its key is unique to the moment it was asked for. */
export async function addManualSlot(db: Kysely<Database>, campaignId: string, now: Date): Promise<PendingSlot> {
  const slotKey = `${MANUAL_PREFIX}${now.getTime()}`;
  await db
    .insertInto('reminder_slots')
    .values({ campaign_id: campaignId, slot_key: slotKey, kind: 'reminder', send_at: now })
    .onConflict((oc) => oc.columns(['campaign_id', 'slot_key']).doNothing())
    .execute();
  return { campaignId, slotKey, kind: 'reminder', sendAt: now };
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
