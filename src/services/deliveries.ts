/**
 * The delivery ledger: one row per (round, slot, organization, person). Fanning a
 * slot out writes its rows in one statement, each with the channel it goes through
 * (the person's most recent reachable account); sending claims a row before calling the channel
 * and records the outcome after. Because a row moves queued → sending once per
 * generation, a redelivered job, a restarted worker or a flushed Redis cannot send
 * the same reminder twice. The one exception is deliberate: a row left in 'sending'
 * by a crash is queued again (a message nobody received is worse than one received
 * twice) and flagged maybe_duplicate, so admins see it in /dot N. A message of several
 * parts records each part as it goes (recordPartSent): resumed, it sends only those not
 * delivered, so the doubt of an interruption is one part at most.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { isClosed } from '../campaigns/state.js';
import type { ChannelName, EventKey, Identity, OutboundPart } from '../chat/port.js';
import type { BegunParts, Database, DeliveriesTable, DeliveryStatus, SlotKind } from '../db/schema.js';
import {
  ANNOUNCE_KEY,
  audienceOf,
  BLOCKING_KINDS,
  currentDigestKey,
  isSuperseded,
  MAX_RESENDS,
  mayBeSuperseded,
  NON_SUBMITTER_KINDS,
  SUBMITTED_STATUS,
} from '../reminders/policy.js';
import type { Selectable } from 'kysely';
import { recordAudit } from './audit.js';
import { markUpdateProcessed } from './processedUpdates.js';
import { inTransaction } from '../db/transaction.js';
import { reachableChannel } from './reachability.js';

export type Delivery = Selectable<DeliveriesTable>;
/** What kind of failure a failed row records (see migrations/0007_delivery_retries.ts). */
export type DeliveryFailure = NonNullable<DeliveriesTable['failure']>;

export type FanOutResult =
  | { kind: 'done'; created: number }
  /** The slot was fanned out before (a repeated job), no longer exists, or belongs to an old plan. */
  | { kind: 'gone' }
  | { kind: 'closed' }
  /** A later reminder of the same round is also due: only the latest is sent after an outage. */
  | { kind: 'superseded' };

/** Who a slot's messages go to, and through which channels. */
export interface Audience {
  /** Identities with admin rights by configuration (their people rows are created at start). */
  adminIds: readonly Identity[];
  /** The channels this installation sends through; a person is reached on their most recent account there that did not refuse messages. */
  channels: readonly ChannelName[];
}

/** The person `p` is an admin: the admin role, or an identity listed in ADMIN_IDS (isAdmin, in SQL). */
function adminPerson(adminIds: readonly Identity[]) {
  if (adminIds.length === 0) return sql<boolean>`p.is_admin`;
  return sql<boolean>`(p.is_admin or exists (select 1 from identities ai where ai.person_id = p.id
    and (ai.channel, ai.external_id) in (${sql.join(adminIds.map((a) => sql`(${a.channel}, ${a.externalId})`))})))`;
}

/** People who get admin messages. */
function adminRecipients(db: Kysely<Database>, adminIds: readonly Identity[]) {
  return db.selectFrom('people as p').where(adminPerson(adminIds));
}

/**
 * The delivery's person is still the one it is for: a reporter of its organization (a
 * reminder, an announcement), an admin (a digest, an escalation). Someone removed or
 * demoted after it was queued is not sent it, nor sent it again.
 */
function stillAddressed(adminIds: readonly Identity[]) {
  // Every caller joins the recipient as `p` (p.id = d.person_id).
  return sql<boolean>`case when d.organization_id is not null
      then exists (select 1 from memberships m where m.person_id = d.person_id and m.organization_id = d.organization_id)
      else ${adminPerson(adminIds)} end`;
}

/**
 * Writes the slot's deliveries, in one statement whatever the number of organizations,
 * to the slot's audience (policy: audienceOf), unless the 12-hour rule says a planned
 * reminder is superseded (policy: isSuperseded, on the round's slots read here).
 */
export async function fanOutSlot(
  db: Kysely<Database>,
  request: { campaignId: string; slotKey: string; sendAt: Date } & Audience,
  now: Date,
): Promise<FanOutResult> {
  return inTransaction(db, async (tx) => {
    const slot = await tx
      .selectFrom('reminder_slots as r')
      .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
      .select(['r.kind', 'r.send_at', 'r.fanned_out_at', 'c.closed_at'])
      .where('r.campaign_id', '=', request.campaignId)
      .where('r.slot_key', '=', request.slotKey)
      .forUpdate('r')
      .executeTakeFirst();
    if (!slot || slot.fanned_out_at || slot.send_at.getTime() !== request.sendAt.getTime()) return { kind: 'gone' };
    const markDone = (outcome: 'sent' | 'superseded' | 'closed') =>
      tx
        .updateTable('reminder_slots')
        .set({ fanned_out_at: now, outcome })
        .where('campaign_id', '=', request.campaignId)
        .where('slot_key', '=', request.slotKey)
        .execute();
    if (isClosed(slot, now)) {
      await markDone('closed');
      return { kind: 'closed' };
    }
    if (mayBeSuperseded(slot.kind, request.slotKey)) {
      const others = await tx
        .selectFrom('reminder_slots')
        .select(['slot_key', 'kind', 'send_at', 'outcome', 'fanned_out_at'])
        .where('campaign_id', '=', request.campaignId)
        .execute();
      const states = others.map((r) => ({ key: r.slot_key, kind: r.kind, sendAt: r.send_at, outcome: r.outcome, fannedOutAt: r.fanned_out_at }));
      if (isSuperseded(slot.send_at, states, now)) {
        await markDone('superseded');
        return { kind: 'superseded' };
      }
    }
    const created = await insertDeliveries(tx, { ...request, kind: slot.kind }, now);
    await markDone('sent');
    return { kind: 'done', created };
  });
}

/** INSERT … SELECT matches columns by position: the selects below list them in this order. */
const LEDGER_COLUMNS = ['campaign_id', 'organization_id', 'person_id', 'slot_key', 'kind', 'channel', 'status', 'reason', 'created_at', 'updated_at'] as const;

/**
 * The columns every new ledger row shares; `p` is the recipient person and `ch` the
 * identity they are reached on (recentChannel). Someone whose every identity on the
 * enabled channels refused messages ('unreachable', on the most recent of them, so that
 * «Gửi lại» knows where it failed), or who has none there ('no channel'), is recorded, not queued.
 */
function ledgerFields(request: { slotKey: string; kind: SlotKind }, now: Date) {
  return [
    sql<string>`${request.slotKey}`.as('slot_key'),
    sql<SlotKind>`${request.kind}`.as('kind'),
    sql<ChannelName | null>`ch.channel`.as('channel'),
    sql<string>`case when ch.channel is not null and ch.unreachable_at is null then 'queued' else 'skipped' end`.as('status'),
    sql<string | null>`case when ch.unreachable_at is not null then 'unreachable' when ch.channel is null then 'no channel' end`.as('reason'),
    sql<Date>`${now}::timestamptz`.as('created_at'),
    sql<Date>`${now}::timestamptz`.as('updated_at'),
  ] as const;
}

/**
 * For a `left join lateral`: the recipient's most recent reachable identity among the
 * enabled channels, as `ch`; only when every one of them refused messages, the most recent
 * of those (its unreachable_at set). A Zalo block leaves the person's Telegram account in use.
 */
function recentChannel(channels: readonly ChannelName[]) {
  return (eb: ExpressionBuilder<Database & { p: Database['people'] }, 'p'>) =>
    eb
      .selectFrom('identities as i')
      .select(['i.channel', 'i.unreachable_at'])
      .whereRef('i.person_id', '=', 'p.id')
      .where(sql<boolean>`i.channel = any(${[...channels]}::text[])`)
      .orderBy(sql`i.unreachable_at is not null`)
      .orderBy(sql`i.last_seen_at desc nulls last`)
      .orderBy('i.created_at', 'desc')
      .limit(1)
      .as('ch');
}

async function insertDeliveries(
  tx: Kysely<Database>,
  request: { campaignId: string; slotKey: string; kind: SlotKind } & Audience,
  now: Date,
): Promise<number> {
  const { campaignId, kind } = request;
  const fields = ledgerFields(request, now);
  const insert = tx.insertInto('deliveries').columns(LEDGER_COLUMNS);
  const lateral = recentChannel(request.channels);
  const audience = audienceOf(kind);
  const result =
    audience === 'admins'
      ? await insert
          .expression(
            adminRecipients(tx, request.adminIds)
              .leftJoinLateral(lateral, (j) => j.onTrue())
              .select([
              sql<string>`${campaignId}::bigint`.as('campaign_id'),
              sql<null>`null::bigint`.as('organization_id'),
              'p.id',
              ...fields,
            ]),
          )
          .onConflict((oc) => oc.constraint('deliveries_once_uq').doNothing())
          .executeTakeFirst()
      : await insert
          .expression((eb) => {
            let q = eb
              .selectFrom('campaign_targets as t')
              .innerJoin('memberships as m', 'm.organization_id', 't.organization_id')
              .innerJoin('people as p', 'p.id', 'm.person_id')
              .leftJoinLateral(lateral, (j) => j.onTrue())
              .where('t.campaign_id', '=', campaignId);
            if (audience === 'non-submitters') {
              q = q.where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('submissions as s')
                      .select('s.id')
                      .whereRef('s.campaign_id', '=', 't.campaign_id')
                      .whereRef('s.organization_id', '=', 't.organization_id')
                      .where('s.status', '=', SUBMITTED_STATUS),
                  ),
                ),
              );
            }
            return q.select(['t.campaign_id', 't.organization_id', 'p.id', ...fields]);
          })
          .onConflict((oc) => oc.constraint('deliveries_once_uq').doNothing())
          .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/**
 * Queued deliveries whose channel is no longer enabled (Zalo switched off, say) go
 * through the person's most recent enabled channel instead (a reachable account first),
 * or are skipped when they have none: otherwise they would wait for a worker that never
 * comes. Returns how many moved.
 */
export async function rechannelQueued(db: Kysely<Database>, channels: readonly ChannelName[], now: Date): Promise<number> {
  const result = await sql`
    update deliveries d set
      channel = ch.channel,
      status = case when ch.channel is null then 'skipped' else d.status end,
      reason = case when ch.channel is null then 'no channel' else d.reason end,
      updated_at = ${now}
    from (
      select q.id, (select i.channel from identities i where i.person_id = q.person_id and i.channel = any(${[...channels]}::text[])
                    order by i.unreachable_at is not null, i.last_seen_at desc nulls last, i.created_at desc limit 1) as channel
      from deliveries q
      where q.status = 'queued' and (q.channel is null or q.channel <> all(${[...channels]}::text[]))
    ) ch
    where d.id = ch.id and d.status = 'queued'
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

export interface WaitingFilter {
  campaignId?: string;
  slotKey?: string;
  /**
   * Which queued rows, when given (either matches): those queued before this time (their job
   * should exist by now), and/or those put back in the queue and untouched since (an
   * interrupted delivery or «Gửi lại»: their job of the new generation may not exist yet).
   */
  queuedBefore?: Date;
  resent?: boolean;
  afterId: string;
  limit: number;
}

/** A delivery waiting to be sent, as the scheduler queues it: its outbox job is named after its generation. */
export interface WaitingDelivery {
  id: string;
  channel: ChannelName;
  resendCount: number;
}

/** A delivery row as the queue needs it. Rows queued before channels existed went through Telegram. */
function toWaiting(row: { id: string; channel: ChannelName | null; resend_count: number }): WaitingDelivery {
  return { id: row.id, channel: row.channel ?? 'telegram', resendCount: row.resend_count };
}

/**
 * The ended rounds' (one round's, or all) deliveries to organizations still queued,
 * skipped now in one statement, as the outbox would skip each when its turn came
 * ('closed'): with their generation, so that their jobs can be taken out of the queue. A
 * round closed with 100,000 reminders waiting does not hold its channel for hours.
 */
export async function skipClosedRoundDeliveries(db: Kysely<Database>, now: Date, campaignId?: string): Promise<WaitingDelivery[]> {
  let q = db
    .updateTable('deliveries')
    .set({ status: 'skipped', reason: 'closed', updated_at: now })
    .where('status', '=', 'queued')
    .where('organization_id', 'is not', null)
    .where((eb) => eb.exists(eb.selectFrom('campaigns as c').select('c.id').whereRef('c.id', '=', 'deliveries.campaign_id').where('c.closed_at', '<=', now)));
  if (campaignId) q = q.where('campaign_id', '=', campaignId);
  const rows = await q.returning(['id', 'channel', 'resend_count']).execute();
  return rows.map(toWaiting);
}

/** How many deliveries wait to be sent, per channel (rows from before channels existed count as Telegram's). */
export async function queuedCounts(db: Kysely<Database>): Promise<Map<ChannelName, number>> {
  const { rows } = await sql<{ channel: ChannelName; n: string }>`
    select coalesce(channel, 'telegram') as channel, count(*) as n from deliveries where status = 'queued' group by 1
  `.execute(db);
  return new Map(rows.map((r) => [r.channel, Number(r.n)]));
}

/**
 * How many of the round's messages to organizations (its announcement, its reminders:
 * policy BLOCKING_KINDS) are still queued, not yet sent: "Nhắc ngay" waits for them.
 */
export async function waitingRoundMessages(db: Kysely<Database>, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'queued')
    .where('kind', 'in', [...BLOCKING_KINDS])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deliveries waiting to be sent, a page at a time (for queueing them). */
export async function waitingDeliveries(db: Kysely<Database>, filter: WaitingFilter): Promise<WaitingDelivery[]> {
  let q = db.selectFrom('deliveries').select(['id', 'channel', 'resend_count']).where('status', '=', 'queued').where('id', '>', filter.afterId);
  const { queuedBefore, resent } = filter;
  if (queuedBefore || resent) {
    q = q.where((eb) =>
      eb.or([
        ...(queuedBefore ? [eb('updated_at', '<', queuedBefore)] : []),
        ...(resent ? [eb('resent_at', '=', eb.ref('updated_at'))] : []),
      ]),
    );
  }
  if (filter.campaignId) q = q.where('campaign_id', '=', filter.campaignId);
  if (filter.slotKey) q = q.where('slot_key', '=', filter.slotKey);
  const rows = await q.orderBy('id').limit(filter.limit).execute();
  return rows.map(toWaiting);
}

/** Deliveries waiting to be sent, by id with their channel. */
export async function queuedDeliveryIds(db: Kysely<Database>, filter: WaitingFilter): Promise<Array<{ id: string; channel: ChannelName }>> {
  return (await waitingDeliveries(db, filter)).map(({ id, channel }) => ({ id, channel }));
}

/**
 * Of these deliveries, those still queued, with their generation (whose outbox job is the
 * one to run): for retrying jobs that ran out of attempts.
 */
export async function queuedGenerations(db: Kysely<Database>, deliveryIds: readonly string[]): Promise<Array<{ id: string; resendCount: number }>> {
  if (deliveryIds.length === 0) return [];
  const rows = await db.selectFrom('deliveries').select(['id', 'resend_count']).where('id', 'in', [...deliveryIds]).where('status', '=', 'queued').execute();
  return rows.map((r) => ({ id: r.id, resendCount: r.resend_count }));
}

/** Takes the delivery for sending; undefined when it was sent, skipped, failed or is being sent. */
export async function claimDelivery(db: Kysely<Database>, deliveryId: string, now: Date): Promise<Delivery | undefined> {
  return db
    .updateTable('deliveries')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('id', '=', deliveryId)
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
}

export type DeliveryOutcome =
  /** `parts`: how many the message was sent as (its last part's id is `messageId`). */
  | { status: 'sent'; messageId: string; parts: number }
  | { status: 'skipped'; reason: string }
  /** `failure` decides whether «Gửi lại» may send it again (default 'rejected'). */
  | { status: 'failed'; reason: string; failure?: DeliveryFailure }
  /** A transient failure: back to the queue for another attempt. */
  | { status: 'queued'; reason: string };

/**
 * Records what happened to a delivery in the state it was left in: 'sending' after a call
 * to the channel, 'queued' when it was decided without one (skipped). False when the row had
 * already moved on (another worker, a sweep), in which case nothing is written.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  deliveryId: string,
  outcome: DeliveryOutcome,
  now: Date,
  from: 'sending' | 'queued' = 'sending',
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({
      status: outcome.status,
      reason: outcome.status === 'sent' ? null : outcome.reason,
      message_id: outcome.status === 'sent' ? outcome.messageId : null,
      sent_at: outcome.status === 'sent' ? now : null,
      failure: outcome.status === 'failed' ? (outcome.failure ?? 'rejected') : null,
      ...(outcome.status === 'sent' ? { parts_sent: outcome.parts } : {}),
      updated_at: now,
    })
    .where('id', '=', deliveryId)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Part `partsSent` of a long message went out (and every one before it): written before
 * the next is sent, with the parts, so that a retry sends the rest of this very text. A
 * part sent and not yet recorded when the process dies is sent again after the row is
 * queued again as interrupted (maybe_duplicate): at most one part twice, none lost. It
 * touches updated_at, so a long send is not taken for one interrupted. False when the
 * row is no longer being sent by this attempt (the sweep queued it again, another
 * worker claimed it): stop there.
 */
export async function recordPartSent(
  db: Kysely<Database>,
  claimed: Pick<Delivery, 'id' | 'attempts'>,
  begun: BegunParts,
  partsSent: number,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ parts_sent: partsSent, parts: JSON.stringify(begun), updated_at: now })
    .where('id', '=', claimed.id)
    .where('status', '=', 'sending')
    // A worker that froze past the grace period must not record over the attempt that took the row from it.
    .where('attempts', '=', claimed.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Where a delivery's message resumes: the parts it began with and the first not yet
 * sent, when some went out already through this channel to this chat. Undefined when it
 * starts whole: never begun, or begun elsewhere (moved to another channel, another
 * account), where the person has seen none of it.
 */
export function resumePoint(
  delivery: Pick<Delivery, 'parts' | 'parts_sent'>,
  channel: ChannelName,
  to: string,
): { parts: OutboundPart[]; next: number } | undefined {
  const begun = delivery.parts;
  if (!begun || begun.channel !== channel || begun.to !== to) return undefined;
  if (delivery.parts_sent <= 0 || delivery.parts_sent >= begun.parts.length) return undefined;
  return { parts: begun.parts, next: delivery.parts_sent };
}

/**
 * A queued delivery with its recipient: their account on the delivery's channel (null if
 * they have none left), when that account refused a message (null while it can be
 * reached), and whether they are still who it is for (stillAddressed).
 */
export type QueuedDelivery = Delivery & { external_id: string | null; unreachable_at: Date | null; addressed: boolean };

/** A delivery still waiting to be sent, with its recipient; undefined once it was claimed, sent, skipped or failed. */
export async function queuedDelivery(db: Kysely<Database>, deliveryId: string, adminIds: readonly Identity[]): Promise<QueuedDelivery | undefined> {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('people as p', 'p.id', 'd.person_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('identities as i')
          .select(['i.external_id', 'i.unreachable_at'])
          .whereRef('i.person_id', '=', 'd.person_id')
          .where((w) => w('i.channel', '=', w.fn.coalesce('d.channel', sql<ChannelName>`'telegram'`)))
          .orderBy(sql`i.last_seen_at desc nulls last`)
          .limit(1)
          .as('account'),
      (j) => j.onTrue(),
    )
    .selectAll('d')
    .select(['account.external_id', 'account.unreachable_at', stillAddressed(adminIds).as('addressed')])
    .where('d.id', '=', deliveryId)
    .where('d.status', '=', 'queued')
    .executeTakeFirst();
}

/**
 * A worker that died between claiming and recording leaves a row in 'sending': whether
 * the channel got the message is unknown. After `graceMs` it is queued again — at least
 * once: a message nobody received is worse than one received twice — flagged
 * maybe_duplicate, with a new generation (resend_count) for its outbox job, which the
 * caller queues (policy: INTERRUPTED_GRACE_MS, MAX_RESENDS). A row interrupted `maxResends` times already (a message that brings the
 * worker down, say) is marked failed instead. Only the row's state changes: what it
 * says, and whether it still goes out (submitted since, round closed, quiet hours), is
 * decided when it is sent, as for any queued row; the 12-hour rule is the fan-out's and
 * concerns other slots, never this row again.
 */
export async function resendInterruptedDeliveries(
  db: Kysely<Database>,
  now: Date,
  graceMs: number,
  maxResends = MAX_RESENDS,
): Promise<{ resent: WaitingDelivery[]; gaveUp: number }> {
  const again = sql<boolean>`resend_count < ${maxResends}`;
  const rows = await db
    .updateTable('deliveries')
    .set({
      status: sql<DeliveryStatus>`case when ${again} then 'queued' else 'failed' end`,
      reason: sql<string>`case when ${again} then 'interrupted while sending'
        else 'interrupted while sending, gave up after ' || resend_count || ' resends' end`,
      failure: sql<DeliveryFailure | null>`case when ${again} then null else 'interrupted' end`,
      maybe_duplicate: true,
      resend_count: sql<number>`case when ${again} then resend_count + 1 else resend_count end`,
      resent_at: sql<Date | null>`case when ${again} then ${now}::timestamptz else resent_at end`,
      updated_at: now,
    })
    .where('status', '=', 'sending')
    .where('updated_at', '<', new Date(now.getTime() - graceMs))
    .returning(['id', 'channel', 'status', 'resend_count'])
    .execute();
  return {
    resent: rows.filter((r) => r.status === 'queued').map(toWaiting),
    gaveUp: rows.filter((r) => r.status === 'failed').length,
  };
}

/**
 * The chat app refused a message to this account (blocked the bot, no such user): nothing
 * more goes to it until the person writes from it again (people.ts identitySeen). Only this
 * account: the person's accounts in other apps are still used.
 */
export async function markUnreachable(db: Kysely<Database>, account: Identity, reason: string, now: Date): Promise<void> {
  await db
    .updateTable('identities')
    .set({ unreachable_at: now, unreachable_reason: reason })
    .where('channel', '=', account.channel)
    .where('external_id', '=', account.externalId)
    .execute();
}

/**
 * The delivery's account cannot be reached (refused just now, from 'sending'; or marked
 * before its turn, from 'queued'): when the person has another account, on one of these
 * channels, that can be, the delivery is queued on it instead — the message never reached
 * them, so it is no duplicate — as a new generation whose job the caller adds (or the
 * sweep, which finds it by resent_at = updated_at). Undefined when they have no such
 * account, or the row had moved on.
 */
export async function moveToReachableAccount(
  db: Kysely<Database>,
  request: { deliveryId: string; from: 'sending' | 'queued'; channels: readonly ChannelName[]; reason: string },
  now: Date,
): Promise<WaitingDelivery | undefined> {
  const { rows } = await sql<{ id: string; channel: ChannelName; resend_count: number }>`
    update deliveries d set channel = other.channel, status = 'queued', reason = ${request.reason},
      resend_count = d.resend_count + 1, resent_at = ${now}, updated_at = ${now},
      -- Begun on the other app, it starts whole on this one; coming back later, it starts whole there too.
      parts = null, parts_sent = 0
    from (
      select i.channel from deliveries q join identities i on i.person_id = q.person_id
      where q.id = ${request.deliveryId} and i.unreachable_at is null and i.channel = any(${[...request.channels]}::text[])
        and i.channel <> coalesce(q.channel, 'telegram')
      order by i.last_seen_at desc nulls last, i.created_at desc limit 1
    ) other
    where d.id = ${request.deliveryId} and d.status = ${request.from}
    returning d.id, d.channel, d.resend_count
  `.execute(db);
  return rows[0] && toWaiting(rows[0]);
}

/** "Đã nhận" on an announcement: only the person it was sent to can acknowledge it. */
export async function acknowledgeDelivery(db: Kysely<Database>, deliveryId: string, personId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set((eb) => ({ acknowledged_at: eb.fn.coalesce('acknowledged_at', sql<Date>`${now}::timestamptz`) }))
    .where('id', '=', deliveryId)
    .where('person_id', '=', personId)
    .where('kind', '=', 'announcement')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * «đã nhận» typed instead of pressed: acknowledges every announcement sent to the person
 * that they have not acknowledged yet, of rounds still open. Returns how many.
 */
export async function acknowledgeAnnouncements(db: Kysely<Database>, personId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('deliveries as d')
    .set({ acknowledged_at: now })
    .where('d.person_id', '=', personId)
    .where('d.kind', '=', 'announcement')
    .where('d.status', '=', 'sent')
    .where('d.acknowledged_at', 'is', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('campaigns as c')
          .select('c.id')
          .whereRef('c.id', '=', 'd.campaign_id')
          .where((eb) => eb.or([eb('c.closed_at', 'is', null), eb('c.closed_at', '>', now)])),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Starting the report proves the announcement arrived: it counts as "Đã nhận". */
export async function acknowledgeByOpening(db: Kysely<Database>, request: { campaignId: string; personId: string }, now: Date): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ acknowledged_at: now })
    .where('campaign_id', '=', request.campaignId)
    .where('person_id', '=', request.personId)
    .where('slot_key', '=', ANNOUNCE_KEY)
    .where('acknowledged_at', 'is', null)
    .execute();
}

export interface AnnouncementStats {
  sent: number;
  acknowledged: number;
  /** Organizations none of whose reporters acknowledged, first few by code. */
  notAcknowledged: { total: number; first: Array<{ code: string; name: string }> };
}

export async function announcementStats(db: Kysely<Database>, campaignId: string, limit: number): Promise<AnnouncementStats> {
  const counts = await db
    .selectFrom('deliveries')
    .select([
      sql<string>`count(*) filter (where status = 'sent')`.as('sent'),
      sql<string>`count(*) filter (where acknowledged_at is not null)`.as('acknowledged'),
    ])
    .where('campaign_id', '=', campaignId)
    .where('slot_key', '=', ANNOUNCE_KEY)
    .executeTakeFirstOrThrow();
  const pending = db
    .selectFrom('deliveries as d')
    .innerJoin('organizations as o', 'o.id', 'd.organization_id')
    .where('d.campaign_id', '=', campaignId)
    .where('d.slot_key', '=', ANNOUNCE_KEY)
    .groupBy(['o.id', 'o.code', 'o.name'])
    .having(sql<boolean>`bool_and(d.acknowledged_at is null)`);
  const [first, total] = await Promise.all([
    pending.select(['o.code', 'o.name']).orderBy('o.code').limit(limit).execute(),
    db.selectFrom(pending.select('o.id').as('x')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { sent: Number(counts.sent), acknowledged: Number(counts.acknowledged), notAcknowledged: { total: Number(total.n), first } };
}

// ---------------------------------------------------------------- failed or maybe doubled (/dot N, «Gửi lại»)

/** A reminder to an organization that has submitted since: there is nothing to send or show any more (policy: isMoot). */
const MOOT = sql<boolean>`(d.kind in (${sql.join(NON_SUBMITTER_KINDS.map((kind) => sql.lit(kind)))}) and exists (select 1 from submissions s
  where s.campaign_id = d.campaign_id and s.organization_id = d.organization_id and s.status = ${sql.lit(SUBMITTED_STATUS)}))`;
/** deliveries_problems_idx's predicate, repeated word for word so that the planner uses the index. */
const INDEXED = sql<boolean>`(d.status = 'failed' or d.maybe_duplicate or (d.status = 'skipped' and d.reason = 'unreachable'))`;
/** Did not reach the person: failed, or skipped because they had blocked the bot. */
const UNDELIVERED = sql<boolean>`((d.status = 'failed' or (d.status = 'skipped' and d.reason = 'unreachable')) and not ${MOOT})`;
/** Interrupted while sending and sent again (or about to be): the person may have it twice. */
const DOUBLED = sql<boolean>`(d.maybe_duplicate and d.status in ('sent', 'queued', 'sending'))`;

/**
 * An undelivered row «Gửi lại» sends again: its failure was transient (network, server,
 * interruptions), or its person can be reached again — has an account on the enabled
 * channels that did not refuse messages (wrote to the bot after blocking it, or an account
 * in the other app), or wrote after the chat app refused the message. Only today's digest
 * (policy: currentDigestKey).
 * `d` is the delivery, `p` its person.
 */
function resendable(now: Date, adminIds: readonly Identity[], channels: readonly ChannelName[] | undefined) {
  const reachable = sql<boolean>`(${reachableChannel('d.person_id', channels)}) is not null`;
  return sql<boolean>`(${UNDELIVERED} and d.channel is not null and ${stillAddressed(adminIds)}
    and (d.kind <> 'digest' or d.slot_key = ${currentDigestKey(now)})
    and case when d.status = 'skipped' then ${reachable}
             else case coalesce(d.failure, 'rejected')
               when 'unreachable' then ${reachable}
               when 'rejected' then exists (select 1 from identities i where i.person_id = d.person_id and i.last_seen_at > d.updated_at)
               else true end end)`;
}

export interface DeliveryProblem {
  id: string;
  kind: SlotKind;
  slotKey: string;
  status: DeliveryStatus;
  reason: string | null;
  failure: DeliveryFailure | null;
  maybeDuplicate: boolean;
  resendCount: number;
  /** Null for messages to admins (escalation, digest). */
  organization: { code: string; name: string } | null;
  person: { id: string; name: string };
  /** «Gửi lại» would send it now. */
  resendable: boolean;
}

export interface DeliveryProblems {
  /** Deliveries of the round that did not reach their person, or may have reached them twice. */
  total: number;
  /** Of those, how many did not reach their person (failed, or skipped as unreachable). */
  undelivered: number;
  /** Of those, how many «Gửi lại» would send again now. */
  resendable: number;
  /** The first `limit`, by organization code (admins' last), person and delivery. */
  first: DeliveryProblem[];
}

/**
 * Every delivery of the round that failed (or was skipped because the person had blocked
 * the bot), except reminders to organizations that have submitted since, and every one
 * that may have been received twice.
 */
export async function deliveryProblems(
  db: Kysely<Database>,
  campaignId: string,
  options: { limit: number; now: Date; adminIds: readonly Identity[]; channels?: readonly ChannelName[] },
): Promise<DeliveryProblems> {
  const canResend = resendable(options.now, options.adminIds, options.channels);
  const base = db
    .selectFrom('deliveries as d')
    .innerJoin('people as p', 'p.id', 'd.person_id')
    .where('d.campaign_id', '=', campaignId)
    .where(INDEXED)
    .where(sql<boolean>`(${UNDELIVERED} or ${DOUBLED})`);
  const [counts, rows] = await Promise.all([
    base
      .select([
        sql<string>`count(*)`.as('total'),
        sql<string>`count(*) filter (where ${UNDELIVERED})`.as('undelivered'),
        sql<string>`count(*) filter (where ${canResend})`.as('resendable'),
      ])
      .executeTakeFirstOrThrow(),
    base
      .leftJoin('organizations as o', 'o.id', 'd.organization_id')
      .select([
        'd.id',
        'd.kind',
        'd.slot_key',
        'd.status',
        'd.reason',
        'd.failure',
        'd.maybe_duplicate',
        'd.resend_count',
        'o.code',
        'o.name as org_name',
        'p.id as person_id',
        'p.display_name',
        canResend.as('resendable'),
      ])
      .orderBy(sql`o.code asc nulls last`)
      .orderBy('p.display_name')
      .orderBy('p.id')
      .orderBy('d.id')
      .limit(options.limit)
      .execute(),
  ]);
  return {
    total: Number(counts.total),
    undelivered: Number(counts.undelivered),
    resendable: Number(counts.resendable),
    first: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      slotKey: r.slot_key,
      status: r.status,
      reason: r.reason,
      failure: r.failure,
      maybeDuplicate: r.maybe_duplicate,
      resendCount: r.resend_count,
      organization: r.code !== null && r.org_name !== null ? { code: r.code, name: r.org_name } : null,
      person: { id: r.person_id, name: r.display_name },
      resendable: r.resendable,
    })),
  };
}

export type ResendResult = { kind: 'seen' } | { kind: 'unknown' } | { kind: 'closed' } | { kind: 'requeued'; count: number };

/**
 * «Gửi lại»: puts back in the queue every delivery of the round that may be sent again
 * (see resendable), each with a new generation for its outbox job, on the channel of the
 * person's most recent reachable account (a Zalo block sends it over Telegram); the
 * scheduler gives them jobs (deliveriesRequeued, or the next sweep). A closed round sends nothing more.
 * The event is recorded in the same transaction: a redelivered press changes nothing.
 */
export async function resendFailedDeliveries(
  db: Kysely<Database>,
  request: { campaignId: string; actor: string; event: EventKey; adminIds: readonly Identity[]; channels?: readonly ChannelName[] },
  now: Date,
): Promise<ResendResult> {
  const { campaignId, actor } = request;
  return inTransaction(db, async (tx) => {
    if (!(await markUpdateProcessed(tx, request.event))) return { kind: 'seen' };
    const round = await tx.selectFrom('campaigns').select('closed_at').where('id', '=', campaignId).executeTakeFirst();
    if (!round) return { kind: 'unknown' };
    if (isClosed(round, now)) return { kind: 'closed' };
    const result = await sql`
      update deliveries d set status = 'queued', reason = null, failure = null,
        -- The account it failed on, while that one still takes messages (a transient failure, an
        -- interruption: resumed there at the part that did not arrive); else their most recent one that does.
        channel = case when exists (select 1 from identities si where si.person_id = d.person_id
                                      and si.channel = d.channel and si.unreachable_at is null)
                       then d.channel
                       else coalesce(${reachableChannel('d.person_id', request.channels)}, d.channel) end,
        resend_count = d.resend_count + 1, resent_at = ${now}, updated_at = ${now}
      from people p
      where p.id = d.person_id and d.campaign_id = ${campaignId} and ${INDEXED} and ${resendable(now, request.adminIds, request.channels)}
    `.execute(tx);
    const count = Number(result.numAffectedRows ?? 0n);
    if (count > 0) await recordAudit(tx, { actor, action: 'campaign.resend', details: { campaignId, count }, at: now });
    return { kind: 'requeued', count };
  });
}
