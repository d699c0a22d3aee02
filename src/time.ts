/** Time in Asia/Ho_Chi_Minh, and a clock that tests can set. */
import dayjs, { type Dayjs } from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

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

/**
 * Parses a local time given on the command line: "2026-12-15", "2026-12-15T17:00",
 * "2026-12-15 17:00", "15/12/2026", "15/12/2026 17:00". A date alone means
 * `defaultTime` on that day. Returns undefined when the text is not a valid time.
 */
export function parseLocalDateTime(text: string, defaultTime = '00:00'): Date | undefined {
  const trimmed = text.trim();
  const formats = ['YYYY-MM-DD[T]HH:mm', 'YYYY-MM-DD HH:mm', 'DD/MM/YYYY HH:mm', 'YYYY-MM-DD', 'DD/MM/YYYY'];
  for (const format of formats) {
    const withTime = format.includes('HH') ? trimmed : `${trimmed} ${defaultTime}`;
    const fullFormat = format.includes('HH') ? format : `${format} HH:mm`;
    const parsed = dayjs(withTime, fullFormat, true);
    if (parsed.isValid()) return dayjs.tz(parsed.format('YYYY-MM-DDTHH:mm'), TIME_ZONE).toDate();
  }
  return undefined;
}

/** 'YYYY-MM-DD' for a day that exists on the calendar (31/02 does not), else undefined. */
export function calendarDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
