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

export function local(date: Date | string): Dayjs {
  // The zone's offset comes from Intl and is right whatever the process zone; dayjs's own wall
  // fields of a tz instance are not (an hour off around the process zone's DST changes), so the
  // wall time is read from a UTC instance shifted by that offset. Use it for display and dates only.
  const offset = dayjs(date).tz(TIME_ZONE).utcOffset();
  return dayjs.utc(date).add(offset, 'minute');
}

/** 'YYYY-MM-DD' of the local day. */
export function localDate(date: Date): string {
  return local(date).format('YYYY-MM-DD');
}

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'] as const;

/** "17:00 thứ Ba, 15/12/2026" */
export function formatDeadline(date: Date): string {
  const d = local(date);
  return `${d.format('HH:mm')} ${WEEKDAYS[d.day()]}, ${d.format('DD/MM/YYYY')}`;
}

/** "15/12/2026 17:00" */
export function formatDateTime(date: Date): string {
  return local(date).format('DD/MM/YYYY HH:mm');
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

/** The instant of a local date 'YYYY-MM-DD' at a local time of day 'HH:mm'. */
export function localInstant(date: string, hhmm: string): Date {
  return dayjs.tz(`${date}T${hhmm}`, TIME_ZONE).toDate();
}
