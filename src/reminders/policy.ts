/**
 * The reminder policy, in one place: which messages a round sends (announcement,
 * reminders, one escalation, the admins' daily digest, "Nhắc ngay"), to whom, and
 * when — in Asia/Ho_Chi_Minh local time, out of quiet hours and holidays — and what
 * happens to messages held back by an outage or a crash. Pure functions and their
 * constants: no database, no queue, no clock (the caller passes `now`).
 *
 * A rule applied to many rows at once is applied in SQL, which takes its constants
 * and its meaning from here; each such rule names its SQL:
 * - non-submitters only (audienceOf, SUBMITTED_STATUS): services/deliveries.ts
 *   insertDeliveries and MOOT;
 * - cut-offs (staleSlotCutoff, planCutoff): services/reminderSlots.ts pendingSlots,
 *   campaignsToPlan; digestCutoff: services/digests.ts roundsNeedingDigest;
 * - the current digest (currentDigestKey): services/deliveries.ts resendable;
 * - interrupted deliveries (INTERRUPTED_GRACE_MS, MAX_RESENDS): services/deliveries.ts
 *   resendInterruptedDeliveries.
 * Every other rule runs here, on rows the services read.
 */
import { isClosed } from '../campaigns/state.js';
import type { SlotKind } from '../db/schema.js';
import { CronExpressionParser } from 'cron-parser';
import { localDate, TIME_ZONE } from '../time.js';
import { addDays, instant, minutesOf, wall } from './localClock.js';
import {
  ANNOUNCE_KEY,
  digestSlotKey,
  ESCALATE_KEY,
  MANUAL_PREFIX,
  manualSlotKey,
  movedSlotKey,
  reminderSlotKey,
  isUnplannedSlot,
  type DigestKey,
  type ManualKey,
  type SlotKey,
} from './slotKeys.js';

export * from './slotKeys.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// ---------------------------------------------------------------- types and defaults

/** 'HH:mm' local; may cross midnight (21:00–07:00) or not (12:00–13:30). Start inclusive, end exclusive. */
export interface QuietHours {
  start: string;
  end: string;
}

/** The installation's calendar (configuration): when nothing is sent. */
export interface ReminderPolicy {
  quietHours: QuietHours | null;
  /** 'YYYY-MM-DD' local dates on which nothing is sent. */
  holidays: ReadonlySet<string>;
}

/** A round's ladder (stored with the round). */
export interface ReminderPlan {
  /** Normalised offsets from the deadline's local date: '-7d', '0d', '+1d'. */
  offsets: readonly string[];
  /** 'HH:mm' local time of day the reminders go out. */
  time: string;
}

/** The ladder of the issue: a week ahead, three days, the eve, the day, and twice after. */
export const DEFAULT_REMINDER_PLAN: ReminderPlan = Object.freeze({
  offsets: Object.freeze(['-7d', '-3d', '-1d', '0d', '+1d', '+3d']),
  time: '08:00',
});

/** Nobody is woken by the bot: nothing goes out between 21:00 and 07:00. */
export const DEFAULT_QUIET_HOURS: QuietHours = Object.freeze({ start: '21:00', end: '07:00' });

/** What a delivery is (the ledger's and the slots' `kind`). */
export type MessageKind = SlotKind;
/** The kinds the ladder plans; digests and manual reminders are made on demand. */
export type PlannedKind = Exclude<MessageKind, 'digest'>;

export interface PlannedSlot {
  /** 'announce', 'r-7d', 'r0d', 'r+1d', 'escalate': stable across re-plans of the same round. */
  key: SlotKey;
  kind: PlannedKind;
  sendAt: Date;
  /** reminders only */
  offsetDays?: number;
}

// ---------------------------------------------------------------- offsets

/** Reminders at most this many days before or after the deadline: further out, a round is another round. */
export const MAX_OFFSET_DAYS = 60;
/** The escalation goes out this long after the deadline (or the last reminder after it): time to submit late. */
const ESCALATION_DELAY_MINUTES = 120;

/** An offset as typed: days, or why it is not one (plan.ts words the reason for the admin). */
export type OffsetReading = { ok: true; days: number } | { ok: false; problem: 'syntax' } | { ok: false; problem: 'unsigned' | 'too_far'; days: number };

/** '-7d', '+1d', '0d' (the 'd' optional, a typographic minus accepted): a signed number of days within MAX_OFFSET_DAYS. */
export function readOffset(item: string): OffsetReading {
  // A typographic minus or dash (copied from a document) counts as '-'.
  const text = item.replace(/[\u2212\u2013\u2014]/g, '-');
  const m = /^([+-]?)(\d{1,3})(d?)$/i.exec(text);
  if (!m) return { ok: false, problem: 'syntax' };
  const sign = m[1] ?? '';
  const n = Number(m[2]);
  // "7d" could mean before or after the deadline: the sign is required except for 0.
  if (n !== 0 && sign === '') return { ok: false, problem: 'unsigned', days: n };
  if (n > MAX_OFFSET_DAYS) return { ok: false, problem: 'too_far', days: n };
  return { ok: true, days: sign === '-' ? -n : n };
}

/** Days of a normalised (or at least readable) offset; throws on garbage, which only code can produce. */
export function offsetDaysOf(offset: string): number {
  const read = readOffset(offset);
  if (!read.ok) throw new RangeError(`invalid reminder offset ${JSON.stringify(offset)}`);
  return read.days;
}

// ---------------------------------------------------------------- quiet hours and holidays

interface QuietWindow {
  start: number;
  end: number;
}

function quietWindow(policy: ReminderPolicy): QuietWindow | null {
  const q = policy.quietHours;
  if (!q) return null;
  const start = minutesOf(q.start, 'quiet hours start');
  const end = minutesOf(q.end, 'quiet hours end');
  return start === end ? null : { start, end };
}

/**
 * The earliest instant ≥ `at` outside quiet hours and not on a holiday (local
 * dates). A quiet time moves to the end of the quiet window; a holiday moves to
 * the start of the next day, which is then checked again (so with 21:00–07:00 it
 * becomes 07:00 of the first working day).
 */
export function nextAllowedTime(at: Date, policy: ReminderPolicy): Date {
  const quiet = quietWindow(policy);
  let t = at;
  // Each step either returns or moves to a later day boundary / window end; a
  // holiday costs a day, quiet hours at most one step per day.
  const maxSteps = 2 * policy.holidays.size + 4;
  for (let step = 0; step < maxSteps; step++) {
    const w = wall(t);
    if (policy.holidays.has(w.date)) {
      t = instant(addDays(w.date, 1), 0);
      continue;
    }
    if (quiet) {
      const crosses = quiet.start > quiet.end;
      if (crosses && w.minutes >= quiet.start) {
        t = instant(addDays(w.date, 1), quiet.end);
        continue;
      }
      if (crosses ? w.minutes < quiet.end : w.minutes >= quiet.start && w.minutes < quiet.end) {
        t = instant(w.date, quiet.end);
        continue;
      }
    }
    return t;
  }
  throw new Error(`no allowed time found after ${at.toISOString()}`);
}

/**
 * How long a message about to be sent must wait for quiet hours or a holiday to end; 0
 * when it may go now, or without a policy. Checked again at sending (jobs/outbox.ts): a
 * slot planned at 08:00 can reach the outbox at 23:00 (a restart after an outage, a
 * fan-out of thousands that runs past 21:00).
 */
export function quietWaitMs(now: Date, policy: ReminderPolicy | undefined): number {
  if (!policy) return 0;
  return nextAllowedTime(now, policy).getTime() - now.getTime();
}

// ---------------------------------------------------------------- the ladder

/**
 * Every slot of a round: the announcement at the opening time, a reminder per
 * offset at `plan.time` on the deadline's local date plus the offset, and one
 * escalation to admins; each moved by `nextAllowedTime`. Reminders before the
 * deadline that would not go out strictly before it, and reminders not strictly
 * after the announcement, are dropped; two reminders landing on the same instant
 * keep the one closer to (or further past) the deadline. Sorted by time, then key.
 * The caller makes sure `opensAt` is before `dueAt`.
 */
export function planSlots(input: { opensAt: Date; dueAt: Date; plan: ReminderPlan; policy: ReminderPolicy }): PlannedSlot[] {
  const { opensAt, dueAt, plan, policy } = input;
  const announceAt = nextAllowedTime(opensAt, policy);
  const slots: PlannedSlot[] = [{ key: ANNOUNCE_KEY, kind: 'announcement', sendAt: announceAt }];

  const time = minutesOf(plan.time, 'reminder time');
  const dueDate = wall(dueAt).date;
  const days = [...new Set(plan.offsets.map(offsetDaysOf))].sort((a, b) => a - b);

  // Ascending offsets: a later one replaces an earlier one at the same instant.
  const byInstant = new Map<number, PlannedSlot>();
  for (const n of days) {
    const sendAt = nextAllowedTime(instant(addDays(dueDate, n), time), policy);
    if (n <= 0 && sendAt.getTime() >= dueAt.getTime()) continue;
    if (sendAt.getTime() <= announceAt.getTime()) continue;
    byInstant.set(sendAt.getTime(), { key: reminderSlotKey(n), kind: 'reminder', sendAt, offsetDays: n });
  }
  const reminders = [...byInstant.values()].sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime());
  slots.push(...reminders);

  const last = reminders.at(-1);
  const base = last && (last.offsetDays ?? 0) > 0 ? last.sendAt : dueAt;
  slots.push({
    key: ESCALATE_KEY,
    kind: 'escalation',
    sendAt: nextAllowedTime(new Date(base.getTime() + ESCALATION_DELAY_MINUTES * MINUTE_MS), policy),
  });

  return slots.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---------------------------------------------------------------- re-planning (services/reminderSlots.ts planCampaignSlots)

/** A reminder re-planned this far from when its key already went out is a new reminder (the deadline moved). */
export const SAME_REMINDER_MS = 12 * HOUR_MS;

export interface WantedSlot {
  key: SlotKey;
  kind: PlannedKind;
  sendAt: Date;
}

/**
 * The slots a round wants now, from its fresh plan and the keys already sent (with when):
 * nothing after a future close; a key already sent is never planned again, except a
 * reminder whose deadline moved (planned more than SAME_REMINDER_MS from when it went
 * out), which comes back as `key@new deadline's local date` unless that went out too.
 */
export function replanSlots(input: {
  planned: readonly PlannedSlot[];
  /** Already fanned out: key → its send time. */
  sent: ReadonlyMap<string, Date>;
  dueAt: Date;
  closedAt: Date | null;
}): WantedSlot[] {
  const { sent, dueAt, closedAt } = input;
  const wanted: WantedSlot[] = [];
  for (const slot of input.planned) {
    // A round set to close in the future sends nothing from then on.
    if (closedAt && slot.sendAt.getTime() >= closedAt.getTime()) continue;
    const sentAt = sent.get(slot.key);
    if (sentAt === undefined) {
      wanted.push({ key: slot.key, kind: slot.kind, sendAt: slot.sendAt });
      continue;
    }
    if (slot.kind !== 'reminder' || Math.abs(sentAt.getTime() - slot.sendAt.getTime()) <= SAME_REMINDER_MS) continue;
    // Planned reminders carry their offset (never a moved key: those are made here).
    if (slot.offsetDays === undefined) continue;
    const moved = movedSlotKey(reminderSlotKey(slot.offsetDays), localDate(dueAt));
    if (!sent.has(moved)) wanted.push({ key: moved, kind: slot.kind, sendAt: slot.sendAt });
  }
  return wanted;
}

/**
 * The unsent slots a re-plan deletes: those the plan no longer wants. Manual reminders
 * and digests are not part of the plan and survive re-planning, but not the round's close.
 */
export function obsoleteSlots(input: { unsent: readonly string[]; wanted: ReadonlySet<string>; closed: boolean }): string[] {
  return input.unsent.filter((key) => !input.wanted.has(key) && (input.closed || !isUnplannedSlot(key)));
}

/** A slot missed by this much (a round nobody closed, a long outage) is history, not news: it is not sent. */
export const STALE_SLOT_MS = 14 * DAY_MS;
/** Rounds whose deadline passed this many days ago are not re-planned at start: their ladder is long over. */
export const PLAN_DAYS_AFTER_DUE = 60;

/** Pending slots due before this are stale (services/reminderSlots.ts pendingSlots). */
export function staleSlotCutoff(now: Date): Date {
  return new Date(now.getTime() - STALE_SLOT_MS);
}

/** Rounds due before this are not re-planned (services/reminderSlots.ts campaignsToPlan). */
export function planCutoff(now: Date): Date {
  return new Date(now.getTime() - PLAN_DAYS_AFTER_DUE * DAY_MS);
}

// ---------------------------------------------------------------- at fan-out: the 12-hour rule (services/deliveries.ts fanOutSlot)

/** No planned reminder follows an announcement or another reminder this closely: once is enough for today. */
export const RECENT_MESSAGE_MS = 12 * HOUR_MS;

/** A slot of the round as fanOutSlot reads it. */
export interface SlotState {
  key: string;
  kind: MessageKind;
  sendAt: Date;
  outcome: 'sent' | 'superseded' | 'closed' | null;
  fannedOutAt: Date | null;
}

/** Only planned reminders give way; an announcement, an escalation, a digest or "Nhắc ngay" always goes out. */
export function mayBeSuperseded(kind: MessageKind, key: string): boolean {
  return kind === 'reminder' && !key.startsWith(MANUAL_PREFIX);
}

/**
 * Whether a planned reminder due at `sendAt` is superseded by the round's other slots,
 * at `now`: after an outage several planned messages are due at once and only the
 * latest reminder is sent — a later reminder already due counts whether or not it went
 * out (slot jobs may run out of order: several workers, a retry) — and none goes out
 * within RECENT_MESSAGE_MS after the announcement or another planned reminder (of an
 * earlier deadline, say) was sent, which said the same. Manual reminders never count.
 */
export function isSuperseded(sendAt: Date, others: readonly SlotState[], now: Date): boolean {
  const recentSince = now.getTime() - RECENT_MESSAGE_MS;
  return others.some((other) => {
    if (other.key.startsWith(MANUAL_PREFIX)) return false;
    const laterDue = other.kind === 'reminder' && other.sendAt.getTime() > sendAt.getTime() && other.sendAt.getTime() <= now.getTime();
    const recentlySent =
      other.outcome === 'sent' && (other.kind === 'announcement' || other.kind === 'reminder') && other.fannedOutAt !== null && other.fannedOutAt.getTime() > recentSince;
    return laterDue || recentlySent;
  });
}

// ---------------------------------------------------------------- who a message goes to

export type MessageAudience =
  /** Every reporter of every target organization: the announcement says the round exists. */
  | 'all-targets'
  /** Reporters of target organizations that have not submitted: a reminder to one that has is noise. */
  | 'non-submitters'
  /** Admins (role or configuration): escalations and digests are about the round, not to it. */
  | 'admins';

export function audienceOf(kind: MessageKind): MessageAudience {
  switch (kind) {
    case 'announcement':
      return 'all-targets';
    case 'reminder':
      return 'non-submitters';
    case 'escalation':
    case 'digest':
      return 'admins';
  }
}

/** The kinds sent only to non-submitters, for SQL (services/deliveries.ts MOOT). */
export const NON_SUBMITTER_KINDS: readonly MessageKind[] = Object.freeze(
  (['announcement', 'reminder', 'escalation', 'digest'] as const).filter((kind) => audienceOf(kind) === 'non-submitters'),
);

/** An organization has submitted once its report's status is this; a draft does not stop reminders. */
export const SUBMITTED_STATUS = 'submitted';

export function hasSubmitted(status: string | null | undefined): boolean {
  return status === SUBMITTED_STATUS;
}

/**
 * A message to an organization that has submitted since it was written: not sent (checked
 * again at sending, src/reminders/compose.ts), not shown among the problems in /dot N
 * (services/deliveries.ts MOOT).
 */
export function isMoot(kind: MessageKind, submitted: boolean): boolean {
  return submitted && audienceOf(kind) === 'non-submitters';
}

// ---------------------------------------------------------------- "Nhắc ngay" (services/reminderSlots.ts requestManualReminder)

/** "Nhắc ngay" at most once in this window per round, whoever asks and however fast they tap. */
export const MANUAL_REMINDER_WINDOW_MS = 10 * MINUTE_MS;

/** The manual slot of the window `now` falls in: two requests at the same moment make one slot. */
export function manualWindowKey(now: Date): ManualKey {
  return manualSlotKey(Math.floor(now.getTime() / MANUAL_REMINDER_WINDOW_MS) * MANUAL_REMINDER_WINDOW_MS);
}

export type RemindNowDecision = 'not_open' | 'none_missing' | 'too_soon' | 'busy' | 'go';

/**
 * The messages whose deliveries still waiting make "Nhắc ngay" wait too: those to the
 * organizations (the announcement, reminders). A reminder now would arrive on top of
 * them: at 50,000 reporters a Zalo batch takes over an hour, and a second tap after the
 * 10-minute window would stack a second message on everyone still waiting for the first.
 */
export const BLOCKING_KINDS: readonly MessageKind[] = Object.freeze(
  (['announcement', 'reminder', 'escalation', 'digest'] as const).filter((kind) => audienceOf(kind) !== 'admins'),
);

/**
 * Whether "Nhắc ngay" sends a reminder now: not before the round opens (it would precede
 * the announcement) nor after it closes; not when every organization has submitted; not
 * within MANUAL_REMINDER_WINDOW_MS of the last one (a double tap, two admins at once);
 * not while the round's announcement or reminders still have deliveries `waiting` to be
 * sent (BLOCKING_KINDS). Checked in that order: within the window «vừa được nhắc lúc …»
 * says more than the count of what it queued.
 */
export function remindNowDecision(
  input: { round: { opensAt: Date; closedAt: Date | null } | undefined; missing: number; lastManualAt: Date | undefined; waiting: number },
  now: Date,
): RemindNowDecision {
  const { round } = input;
  if (!round || round.opensAt.getTime() > now.getTime() || isClosed({ closed_at: round.closedAt }, now)) return 'not_open';
  if (input.missing === 0) return 'none_missing';
  if (manualTooSoon(input.lastManualAt, now)) return 'too_soon';
  if (input.waiting > 0) return 'busy';
  return 'go';
}

/**
 * The confirmation of "Nhắc ngay" warns of a message of the round sent to the
 * organizations this recently, or a planned one due this soon: the same 12 hours the
 * planned ladder keeps between its own messages (RECENT_MESSAGE_MS).
 */
export const REMIND_NOW_NOTICE_MS = RECENT_MESSAGE_MS;

/** Whether the last manual reminder (its send time) was asked for within MANUAL_REMINDER_WINDOW_MS. */
function manualTooSoon(lastManualAt: Date | undefined, now: Date): boolean {
  return lastManualAt !== undefined && lastManualAt.getTime() > now.getTime() - MANUAL_REMINDER_WINDOW_MS;
}

// ---------------------------------------------------------------- the daily digest (services/digests.ts, jobs/slots.ts runDigest)

/** Digests go on for a week past the deadline: the late ones are the ones admins chase. */
export const DIGEST_DAYS_AFTER_DUE = 7;

/** No digest on a holiday: it would wait for the next working day and arrive beside that day's. */
export function digestSkippedOn(now: Date, policy: ReminderPolicy | undefined): boolean {
  return policy?.holidays.has(localDate(now)) ?? false;
}

/** Rounds due before this get no digest (services/digests.ts roundsNeedingDigest). */
export function digestCutoff(now: Date): Date {
  return new Date(now.getTime() - DIGEST_DAYS_AFTER_DUE * DAY_MS);
}

/** A round is in the digest once opened, until closed or DIGEST_DAYS_AFTER_DUE past its deadline. */
export function wantsDigest(round: { opensAt: Date; closedAt: Date | null; dueAt: Date }, now: Date): boolean {
  return round.opensAt.getTime() <= now.getTime() && !isClosed({ closed_at: round.closedAt }, now) && round.dueAt.getTime() > digestCutoff(now).getTime();
}

/** Today's digest key: a digest of another day (held back by quiet hours, an outage) is stale, that day has its own. */
export function currentDigestKey(now: Date): DigestKey {
  return digestSlotKey(localDate(now));
}

/**
 * Whether today's digest time (`cron`, local) has passed at `now`: a worker that starts
 * after it (a deploy or a reboot spanning 07:00) sends today's digest then, since the job
 * scheduler only plans the next one. Sending it again changes nothing (its slot key).
 */
export function digestDueEarlierToday(cron: string, now: Date): boolean {
  const previous = CronExpressionParser.parse(cron, { tz: TIME_ZONE, currentDate: now }).prev().toDate();
  return localDate(previous) === localDate(now);
}

export function isStaleDigest(slotKey: string, now: Date): boolean {
  return slotKey !== currentDigestKey(now);
}

// ---------------------------------------------------------------- the outbox: interrupted and lost deliveries

/** A delivery interrupted while sending is queued again at most this many times, then marked failed (a message that kills the worker). */
export const MAX_RESENDS = 3;

/**
 * A delivery left in 'sending' this long was interrupted mid-send: its outcome is unknown,
 * and it is queued again. Longer than any send can take while its worker lives (a hung
 * connection included), so a live worker's delivery is not sent twice.
 */
export const INTERRUPTED_GRACE_MS = 10 * MINUTE_MS;

/** A delivery queued in Postgres this long ago should have a job by now; if not, it lost it and gets one. */
export const STALE_QUEUED_MS = 5 * MINUTE_MS;
