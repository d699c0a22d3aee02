/** Time in Asia/Ho_Chi_Minh, and a clock that tests can set. */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests and benchmarks: starts where told and moves only when told. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * Asia/Ho_Chi_Minh has been UTC+7, without daylight saving, since 13/06/1975. From
 * 1976-01-01 00:00 local time on, the offset is this constant and no zone database is read:
 * dayjs' tz() (Intl) was 12% of the dialogue's CPU. Earlier instants take the tz path.
 */
const FIXED_OFFSET_MINUTES = 7 * 60;
const MINUTE_MS = 60_000;
const FIXED_OFFSET_MS = FIXED_OFFSET_MINUTES * MINUTE_MS;
const FIXED_OFFSET_FROM_DATE = '1976-01-01';
const FIXED_OFFSET_FROM_MS = Date.UTC(1976, 0, 1) - FIXED_OFFSET_MS;

/** The zone's offset at an instant, in minutes; the tz path only before 1976 (or for an invalid instant). */
function offsetMinutesAt(ms: number): number {
  return ms >= FIXED_OFFSET_FROM_MS ? FIXED_OFFSET_MINUTES : dayjs(ms).tz(TIME_ZONE).utcOffset();
}

/** A Date whose UTC fields are the wall time in Asia/Ho_Chi_Minh: formatting without dayjs. */
export function wallClock(date: Date): Date {
  const ms = date.getTime();
  return new Date(ms + offsetMinutesAt(ms) * MINUTE_MS);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** 'DD/MM/YYYY' of a wall-clock Date (see wallClock), as dayjs formats it. */
function dmy(wall: Date): string {
  return `${pad2(wall.getUTCDate())}/${pad2(wall.getUTCMonth() + 1)}/${String(wall.getUTCFullYear()).padStart(4, '0')}`;
}

function hhmm(wall: Date): string {
  return `${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`;
}

export function local(date: Date | string): Dayjs {
  // The zone's offset is right whatever the process zone (a constant from 1976 on, else from
  // Intl); dayjs's own wall fields of a tz instance are not (an hour off around the process
  // zone's DST changes), so the wall time is read from a UTC instance shifted by that offset.
  // Use it for display and dates only.
  const ms = typeof date === 'string' ? dayjs(date).valueOf() : date.getTime();
  return dayjs.utc(ms + offsetMinutesAt(ms) * MINUTE_MS);
}

/** 'YYYY-MM-DD' of the local day. Why plain arithmetic: it runs for every answer and reminder. */
export function localDate(date: Date): string {
  const wall = wallClock(date);
  if (Number.isNaN(wall.getTime())) return local(date).format('YYYY-MM-DD');
  return `${String(wall.getUTCFullYear()).padStart(4, '0')}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`;
}

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'] as const;

/** "17:00 thứ Ba, 15/12/2026" */
export function formatDeadline(date: Date): string {
  const wall = wallClock(date);
  if (Number.isNaN(wall.getTime())) {
    const d = local(date);
    return `${d.format('HH:mm')} ${WEEKDAYS[d.day()]}, ${d.format('DD/MM/YYYY')}`;
  }
  return `${hhmm(wall)} ${WEEKDAYS[wall.getUTCDay()]}, ${dmy(wall)}`;
}

/** The local wall time formatted by plain arithmetic; dayjs (`fallback`, its format) only for an invalid Date. */
function formatWall(date: Date, format: (wall: Date) => string, fallback: string): string {
  const wall = wallClock(date);
  return Number.isNaN(wall.getTime()) ? local(date).format(fallback) : format(wall);
}

/** "15/12/2026 17:00". Why plain arithmetic: it is shown in replies on the hot path. */
export function formatDateTime(date: Date): string {
  return formatWall(date, (wall) => `${dmy(wall)} ${hhmm(wall)}`, 'DD/MM/YYYY HH:mm');
}

/** "15/12/2026": the local day of formatDateTime. */
export function formatLocalDate(date: Date): string {
  return formatWall(date, dmy, 'DD/MM/YYYY');
}

/** "17:00": the local time of day of formatDateTime. */
export function formatLocalTime(date: Date): string {
  return formatWall(date, hhmm, 'HH:mm');
}

/**
 * A time near `now`, as people say it: "08:00 hôm nay", "21:30 hôm qua", "09:00 ngày mai";
 * farther off, "08:00 ngày 10/12/2026". For warnings where the day matters at a glance.
 */
export function formatNearTime(date: Date, now: Date): string {
  const wall = wallClock(date);
  const today = wallClock(now);
  if (Number.isNaN(wall.getTime()) || Number.isNaN(today.getTime())) return formatDateTime(date);
  const day = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const days = Math.round((day(wall) - day(today)) / (24 * 60 * MINUTE_MS));
  const when = days === 0 ? 'hôm nay' : days === -1 ? 'hôm qua' : days === 1 ? 'ngày mai' : `ngày ${dmy(wall)}`;
  return `${hhmm(wall)} ${when}`;
}

/** 'YYYY-MM-DD' for a day that exists on the calendar (31/02 does not), else undefined. */
export function calendarDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whether the text is exactly 'YYYY-MM-DD' and that day exists on the calendar. */
export function isoCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) !== undefined;
}

/**
 * The instant of a local date 'YYYY-MM-DD' at a local time of day 'HH:mm'. Why the
 * fixed offset: a wall time from 1976 on is always UTC+7; other shapes and older
 * dates keep dayjs' tz parsing.
 */
export function localInstant(date: string, time: string): Date {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  const [hour, minute] = t ? [Number(t[1]), Number(t[2])] : [NaN, NaN];
  if (d && date >= FIXED_OFFSET_FROM_DATE && isoCalendarDate(date) && hour <= 23 && minute <= 59) {
    const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), hour, minute);
    return new Date(wall - FIXED_OFFSET_MS);
  }
  return dayjs.tz(`${date}T${time}`, TIME_ZONE).toDate();
}
