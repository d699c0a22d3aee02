/**
 * The reminder ladder of a report round, as pure functions: which messages a
 * round sends (announcement, reminders, one escalation) and exactly when, in
 * Asia/Ho_Chi_Minh local time, moved out of quiet hours and holidays.
 *
 * Wall-clock reading never goes through the process time zone: dayjs's `.tz()`
 * formats through a Date in the process zone and is off by an hour around that
 * zone's DST changes (TZ=America/New_York, 2026-03-08). Local fields are read
 * from a UTC dayjs shifted by the zone's offset, and local times are turned into
 * instants with `dayjs.tz(string, zone)`, which parses in UTC.
 */
import dayjs from 'dayjs';
import { TIME_ZONE } from '../time.js';
import { foldVietnamese } from '../text/normalize.js';
import { ANNOUNCE_KEY, ESCALATE_KEY } from './slotKeys.js';

/** 'HH:mm' local; may cross midnight (21:00–07:00) or not (12:00–13:30). Start inclusive, end exclusive. */
export interface QuietHours {
  start: string;
  end: string;
}

export interface ReminderPolicy {
  quietHours: QuietHours | null;
  /** 'YYYY-MM-DD' local dates on which nothing is sent. */
  holidays: ReadonlySet<string>;
}

export interface ReminderPlan {
  /** Normalised offsets from the deadline's local date: '-7d', '0d', '+1d'. */
  offsets: readonly string[];
  /** 'HH:mm' local time of day the reminders go out. */
  time: string;
}

export const DEFAULT_REMINDER_PLAN: ReminderPlan = Object.freeze({
  offsets: Object.freeze(['-7d', '-3d', '-1d', '0d', '+1d', '+3d']),
  time: '08:00',
});

export const DEFAULT_QUIET_HOURS: QuietHours = Object.freeze({ start: '21:00', end: '07:00' });

export type SlotKind = 'announcement' | 'reminder' | 'escalation';

export interface PlannedSlot {
  /** 'announce', 'r-7d', 'r0d', 'r+1d', 'escalate': stable across re-plans of the same round. */
  key: string;
  kind: SlotKind;
  sendAt: Date;
  /** reminders only */
  offsetDays?: number;
}

const MAX_OFFSET_DAYS = 60;
const ESCALATION_DELAY_MINUTES = 120;

// ---------------------------------------------------------------- offsets

const OFFSET_HELP = 'mỗi mốc nhắc viết như -7d (7 ngày trước hạn), 0d (ngày hết hạn) hoặc +1d (1 ngày sau hạn).';

function formatOffset(days: number): string {
  return days === 0 ? '0d' : days < 0 ? `${days}d` : `+${days}d`;
}

type OffsetParse = { ok: true; days: number } | { ok: false; message: string };

function parseOffsetItem(item: string): OffsetParse {
  // A typographic minus or dash (copied from a document) counts as '-'.
  const text = item.replace(/[\u2212\u2013\u2014]/g, '-');
  const m = /^([+-]?)(\d{1,3})(d?)$/i.exec(text);
  if (!m) return { ok: false, message: `Không hiểu «${item}»: ${OFFSET_HELP}` };
  const sign = m[1] ?? '';
  const n = Number(m[2]);
  if (n !== 0 && sign === '') {
    return {
      ok: false,
      message: `Mốc «${item}» thiếu dấu: ghi -${n}d (${n} ngày trước hạn) hoặc +${n}d (${n} ngày sau hạn).`,
    };
  }
  if (n > MAX_OFFSET_DAYS) {
    return {
      ok: false,
      message: `Mốc «${item}» quá xa: chỉ nhắc trong khoảng ${MAX_OFFSET_DAYS} ngày trước đến ${MAX_OFFSET_DAYS} ngày sau hạn.`,
    };
  }
  return { ok: true, days: sign === '-' ? -n : n };
}

/**
 * "-7d, -3d, -1d, 0d, +1d, +3d" (also "-7 -3 0 +1", separated by commas, spaces
 * or semicolons) → normalised, sorted, without duplicates. "không"/"none" means
 * no reminders at all.
 */
export function parseOffsets(text: string): { ok: true; offsets: string[] } | { ok: false; message: string } {
  const folded = foldVietnamese(text.normalize('NFC'));
  if (folded === 'khong' || folded === 'none') return { ok: true, offsets: [] };
  const items = text.split(/[\s,;]+/).filter(Boolean);
  if (items.length === 0) {
    return { ok: false, message: `Chưa có mốc nhắc nào: ${OFFSET_HELP} Không muốn nhắc thì ghi «không».` };
  }
  const days = new Set<number>();
  for (const item of items) {
    const parsed = parseOffsetItem(item);
    if (!parsed.ok) return parsed;
    days.add(parsed.days);
  }
  return { ok: true, offsets: [...days].sort((a, b) => a - b).map(formatOffset) };
}

/** Days of a normalised (or at least parseable) offset; throws on garbage, which only code can produce. */
function offsetDaysOf(offset: string): number {
  const parsed = parseOffsetItem(offset);
  if (!parsed.ok) throw new RangeError(`invalid reminder offset ${JSON.stringify(offset)}`);
  return parsed.days;
}

// ---------------------------------------------------------------- time of day

/** '8:00', '08:00', '8h', '8h30', '8g30' → 'HH:mm'; undefined if not a time of day. */
export function parseTimeOfDay(text: string): string | undefined {
  const m = /^(\d{1,2})(?::(\d{2})|[hg](\d{2})?)$/i.exec(text.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? m[3] ?? '0');
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function minutesOf(time: string, what: string): number {
  const normal = parseTimeOfDay(time);
  if (normal === undefined || !/^\d{1,2}:\d{2}$/.test(time.trim())) {
    throw new RangeError(`invalid ${what} ${JSON.stringify(time)} (expected HH:mm)`);
  }
  return Number(normal.slice(0, 2)) * 60 + Number(normal.slice(3, 5));
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- local wall clock

interface Wall {
  /** 'YYYY-MM-DD' local */
  date: string;
  /** minutes since local midnight (seconds ignored) */
  minutes: number;
}

function wall(at: Date): Wall {
  // utcOffset() of a tz instance comes from Intl (correct whatever the process zone); its
  // wall fields do not, so they are read from a UTC instance shifted by that offset.
  const offset = dayjs(at).tz(TIME_ZONE).utcOffset();
  const shifted = dayjs.utc(at).add(offset, 'minute');
  return { date: shifted.format('YYYY-MM-DD'), minutes: shifted.hour() * 60 + shifted.minute() };
}

/** The instant of a local date and minute of day. */
function instant(date: string, minutes: number): Date {
  return dayjs.tz(`${date}T${hhmm(minutes)}`, TIME_ZONE).toDate();
}

/** Calendar arithmetic on 'YYYY-MM-DD', in UTC so the process zone cannot interfere. */
function addDays(date: string, days: number): string {
  return dayjs.utc(`${date}T00:00:00Z`).add(days, 'day').format('YYYY-MM-DD');
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
export function planSlots(input: {
  opensAt: Date;
  dueAt: Date;
  plan: ReminderPlan;
  policy: ReminderPolicy;
}): PlannedSlot[] {
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
    byInstant.set(sendAt.getTime(), { key: `r${formatOffset(n)}`, kind: 'reminder', sendAt, offsetDays: n });
  }
  const reminders = [...byInstant.values()].sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime());
  slots.push(...reminders);

  const last = reminders.at(-1);
  const base = last && (last.offsetDays ?? 0) > 0 ? last.sendAt : dueAt;
  slots.push({
    key: ESCALATE_KEY,
    kind: 'escalation',
    sendAt: nextAllowedTime(new Date(base.getTime() + ESCALATION_DELAY_MINUTES * 60_000), policy),
  });

  return slots.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---------------------------------------------------------------- description

function list(numbers: number[]): string {
  return numbers.length === 2 ? `${numbers[0]} và ${numbers[1]}` : numbers.join(', ');
}

/** "7, 3, 1 ngày trước hạn, sáng ngày hết hạn, 1 và 3 ngày sau hạn, lúc 08:00"; "không nhắc" without offsets. */
export function describePlan(plan: ReminderPlan): string {
  const days = [...new Set(plan.offsets.map(offsetDaysOf))].sort((a, b) => a - b);
  if (days.length === 0) return 'không nhắc';
  const time = minutesOf(plan.time, 'reminder time');
  const parts: string[] = [];
  const before = days.filter((n) => n < 0).map((n) => -n);
  const after = days.filter((n) => n > 0);
  if (before.length > 0) parts.push(`${list(before)} ngày trước hạn`);
  if (days.includes(0)) parts.push(time < 12 * 60 ? 'sáng ngày hết hạn' : 'ngày hết hạn');
  if (after.length > 0) parts.push(`${list(after)} ngày sau hạn`);
  return `${parts.join(', ')}, lúc ${hhmm(time)}`;
}
