/**
 * A round's reminder slots in Postgres: planned from the round's times and plan,
 * re-planned when the round changes, plus the ones made on demand ("Nhắc ngay"). A
 * slot that has been fanned out is history. What to plan is the policy's
 * (src/reminders/policy.ts); this module reads and writes the rows.
 */
import type { Kysely } from 'kysely';
import type { Database, SlotKind } from '../db/schema.js';
import { isClosed } from '../campaigns/state.js';
import {
  MANUAL_PREFIX,
  manualWindowKey,
  obsoleteSlots,
  planCutoff,
  planSlots,
  remindNowDecision,
  replanSlots,
  staleSlotCutoff,
  type ReminderPolicy,
} from '../reminders/policy.js';
import { listNotSubmitted } from '../reports/figures.js';
import { inTransaction } from '../db/transaction.js';

export interface PendingSlot {
  campaignId: string;
  slotKey: string;
  kind: SlotKind;
  sendAt: Date;
}

/**
 * Re-plans the round's slots that have not been sent, in place: a slot whose job is
 * running keeps its row (its send time may change), so re-planning never races a
 * fan-out into losing it. Which slots the round wants is the policy's (replanSlots,
 * obsoleteSlots): a key already sent is never planned again, except a reminder whose
 * deadline moved. Closed rounds keep no pending slot.
 */
export async function planCampaignSlots(db: Kysely<Database>, campaignId: string, policy: ReminderPolicy, now: Date): Promise<void> {
  await inTransaction(db, async (tx) => {
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

    const wanted = closed
      ? []
      : replanSlots({
          planned: planSlots({
            opensAt: campaign.opens_at,
            dueAt: campaign.due_at,
            plan: { offsets: campaign.reminder_offsets, time: campaign.reminder_time },
            policy,
          }),
          sent,
          dueAt: campaign.due_at,
          closedAt: campaign.closed_at,
        });

    const obsolete = obsoleteSlots({
      unsent: existing.filter((r) => !r.fanned_out_at).map((r) => r.slot_key),
      wanted: new Set(wanted.map((w) => w.key)),
      closed,
    });
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

/** The send time of the round's latest manual reminder, if any (the policy decides whether it is recent). */
async function lastManualAt(tx: Kysely<Database>, campaignId: string): Promise<Date | undefined> {
  const row = await tx
    .selectFrom('reminder_slots')
    .select('send_at')
    .where('campaign_id', '=', campaignId)
    .where('slot_key', 'like', `${MANUAL_PREFIX}%`)
    .orderBy('send_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.send_at;
}

type ManualSlotResult = { kind: 'added'; slot: PendingSlot } | { kind: 'too_soon'; lastAt: Date };

/** The slot of the window `now` falls in; a request of the same window that got there first wins. */
async function insertManualSlot(tx: Kysely<Database>, campaignId: string, now: Date): Promise<ManualSlotResult> {
  const slotKey = manualWindowKey(now);
  const inserted = await tx
    .insertInto('reminder_slots')
    .values({ campaign_id: campaignId, slot_key: slotKey, kind: 'reminder', send_at: now })
    .onConflict((oc) => oc.columns(['campaign_id', 'slot_key']).doNothing())
    .returning('send_at')
    .executeTakeFirst();
  if (!inserted) return { kind: 'too_soon', lastAt: now };
  return { kind: 'added', slot: { campaignId, slotKey, kind: 'reminder', sendAt: now } };
}

export type ManualReminderRequest =
  | { kind: 'not_open' }
  | { kind: 'none_missing' }
  | { kind: 'too_soon'; lastAt: Date }
  /** `organizations`: how many have not submitted, whom the reminder goes to. */
  | { kind: 'added'; slot: PendingSlot; organizations: number };

/**
 * "Nhắc ngay": reads what the policy's remindNowDecision needs (the round's times, how
 * many organizations have not submitted, the last manual reminder) and, when it says go,
 * adds the manual slot, in one transaction. The caller queues the slot's job.
 */
export async function requestManualReminder(db: Kysely<Database>, campaignId: string, now: Date): Promise<ManualReminderRequest> {
  return inTransaction(db, async (tx) => {
    const round = await tx.selectFrom('campaigns').select(['opens_at', 'closed_at']).where('id', '=', campaignId).executeTakeFirst();
    const missing = round ? (await listNotSubmitted(tx, campaignId, { limit: 0 })).total : 0;
    const lastAt = round ? await lastManualAt(tx, campaignId) : undefined;
    const decision = remindNowDecision({ round: round && { opensAt: round.opens_at, closedAt: round.closed_at }, missing, lastManualAt: lastAt }, now);
    switch (decision) {
      case 'not_open':
      case 'none_missing':
        return { kind: decision };
      case 'too_soon':
        return { kind: 'too_soon', lastAt: lastAt! };
      case 'go': {
        const added = await insertManualSlot(tx, campaignId, now);
        return added.kind === 'added' ? { ...added, organizations: missing } : added;
      }
    }
  });
}

/** A manual slot whose job could not be queued: gone, so it cannot fire days later. */
export async function removeUnsentSlot(db: Kysely<Database>, campaignId: string, slotKey: string): Promise<void> {
  await db.deleteFrom('reminder_slots').where('campaign_id', '=', campaignId).where('slot_key', '=', slotKey).where('fanned_out_at', 'is', null).execute();
}

/** Slots not yet fanned out, of rounds not closed, not stale (policy: STALE_SLOT_MS); optionally of one round. */
export async function pendingSlots(db: Kysely<Database>, now: Date, campaignId?: string): Promise<PendingSlot[]> {
  let query = db
    .selectFrom('reminder_slots as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select(['r.campaign_id', 'r.slot_key', 'r.kind', 'r.send_at'])
    .where('r.fanned_out_at', 'is', null)
    .where('r.send_at', '>', staleSlotCutoff(now))
    .where((eb) => eb.or([eb('c.closed_at', 'is', null), eb('c.closed_at', '>', now)]));
  if (campaignId) query = query.where('r.campaign_id', '=', campaignId);
  const rows = await query.orderBy('r.send_at').execute();
  return rows.map((r) => ({ campaignId: r.campaign_id, slotKey: r.slot_key, kind: r.kind, sendAt: r.send_at }));
}

/** Rounds whose slots are worth re-planning at start: not closed, not long past (policy: PLAN_DAYS_AFTER_DUE). */
export async function campaignsToPlan(db: Kysely<Database>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('campaigns')
    .select('id')
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', now)]))
    .where('due_at', '>', planCutoff(now))
    .execute();
  return rows.map((r) => r.id);
}
