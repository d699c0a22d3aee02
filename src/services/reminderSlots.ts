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
  BLOCKING_KINDS,
  remindNowDecision,
  REMIND_NOW_NOTICE_MS,
  replanSlots,
  staleSlotCutoff,
  type ReminderPolicy,
  type RemindNowDecision,
} from '../reminders/policy.js';
import { listNotSubmitted } from '../reports/figures.js';
import { inTransaction } from '../db/transaction.js';
import { isBigintId } from '../db/ids.js';
import { waitingRoundMessages } from './deliveries.js';

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
  /** `waiting`: the round's announcement and reminder deliveries still queued. */
  | { kind: 'busy'; waiting: number }
  /** `organizations`: how many have not submitted, whom the reminder goes to. */
  | { kind: 'added'; slot: PendingSlot; organizations: number };

/** What remindNowDecision decides on, as read for one round. */
interface RemindNowFacts {
  round: { opensAt: Date; closedAt: Date | null; periodLabel: string; formTitle: string } | undefined;
  missing: number;
  lastManualAt: Date | undefined;
  waiting: number;
}

async function remindNowFacts(tx: Kysely<Database>, campaignId: string): Promise<RemindNowFacts> {
  const row = await tx
    .selectFrom('campaigns as c')
    .innerJoin('forms as f', (j) => j.onRef('f.id', '=', 'c.form_id').onRef('f.version', '=', 'c.form_version'))
    .select(['c.opens_at', 'c.closed_at', 'c.period_label', 'f.title'])
    .where('c.id', '=', campaignId)
    .executeTakeFirst();
  if (!row) return { round: undefined, missing: 0, lastManualAt: undefined, waiting: 0 };
  const [missing, lastAt, waiting] = await Promise.all([
    listNotSubmitted(tx, campaignId, { limit: 0 }).then((list) => list.total),
    lastManualAt(tx, campaignId),
    waitingRoundMessages(tx, campaignId),
  ]);
  return { round: { opensAt: row.opens_at, closedAt: row.closed_at, periodLabel: row.period_label, formTitle: row.title }, missing, lastManualAt: lastAt, waiting };
}

/**
 * "Nhắc ngay": reads what the policy's remindNowDecision needs (the round's times, how
 * many organizations have not submitted, the last manual reminder, the round's messages
 * still waiting to be sent) and, when it says go, adds the manual slot, in one
 * transaction. The caller queues the slot's job.
 */
export async function requestManualReminder(db: Kysely<Database>, campaignId: string, now: Date): Promise<ManualReminderRequest> {
  return inTransaction(db, async (tx) => {
    const facts = await remindNowFacts(tx, campaignId);
    const decision = remindNowDecision(facts, now);
    switch (decision) {
      case 'not_open':
      case 'none_missing':
        return { kind: decision };
      case 'too_soon':
        return { kind: 'too_soon', lastAt: facts.lastManualAt! };
      case 'busy':
        return { kind: 'busy', waiting: facts.waiting };
      case 'go': {
        const added = await insertManualSlot(tx, campaignId, now);
        return added.kind === 'added' ? { ...added, organizations: facts.missing } : added;
      }
    }
  });
}

/** One of the round's messages to organizations, by its slot. */
export interface RoundMessage {
  slotKey: string;
  kind: SlotKind;
  at: Date;
}

/** What the office is asked to confirm before "Nhắc ngay", as true when it was read. */
export interface ManualReminderPreview {
  periodLabel: string;
  formTitle: string;
  /** What requestManualReminder would answer now; only 'go' is asked to confirm. */
  decision: RemindNowDecision;
  /** Organizations that have not submitted: whom the reminder would go to. */
  missing: number;
  lastManualAt: Date | undefined;
  /** The round's announcement and reminder deliveries still queued. */
  waiting: number;
  /** The latest announcement or reminder fanned out within REMIND_NOW_NOTICE_MS (the time it went out). */
  recent: RoundMessage | undefined;
  /** The next planned announcement or reminder due within REMIND_NOW_NOTICE_MS. */
  upcoming: RoundMessage | undefined;
}

/**
 * What "Nhắc ngay" would do to the round now, and what the office should know before it
 * says yes: how many organizations it reaches, and the round's messages sent lately or
 * due soon. Undefined for a round that does not exist. Nothing is written: the
 * confirmation asks requestManualReminder again, which decides on what is true then.
 */
export async function manualReminderPreview(db: Kysely<Database>, campaignId: string, now: Date): Promise<ManualReminderPreview | undefined> {
  if (!isBigintId(campaignId)) return undefined;
  const facts = await remindNowFacts(db, campaignId);
  if (!facts.round) return undefined;
  const kinds = [...BLOCKING_KINDS];
  const [recent, upcoming] = await Promise.all([
    db
      .selectFrom('reminder_slots')
      .select(['slot_key', 'kind', 'fanned_out_at'])
      .where('campaign_id', '=', campaignId)
      .where('kind', 'in', kinds)
      .where('outcome', '=', 'sent')
      .where('fanned_out_at', '>', new Date(now.getTime() - REMIND_NOW_NOTICE_MS))
      .orderBy('fanned_out_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('reminder_slots')
      .select(['slot_key', 'kind', 'send_at'])
      .where('campaign_id', '=', campaignId)
      .where('kind', 'in', kinds)
      .where('fanned_out_at', 'is', null)
      .where('slot_key', 'not like', `${MANUAL_PREFIX}%`)
      .where('send_at', '>', now)
      .where('send_at', '<=', new Date(now.getTime() + REMIND_NOW_NOTICE_MS))
      .orderBy('send_at')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return {
    periodLabel: facts.round.periodLabel,
    formTitle: facts.round.formTitle,
    decision: remindNowDecision(facts, now),
    missing: facts.missing,
    lastManualAt: facts.lastManualAt,
    waiting: facts.waiting,
    recent: recent && { slotKey: recent.slot_key, kind: recent.kind, at: recent.fanned_out_at! },
    upcoming: upcoming && { slotKey: upcoming.slot_key, kind: upcoming.kind, at: upcoming.send_at },
  };
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
