/**
 * Local wall-clock arithmetic for the reminder policy (Asia/Ho_Chi_Minh), pure: times of
 * day as minutes, on src/time.ts's wall clock (never the process zone, no zone database
 * on the outbox's path).
 */
import dayjs from 'dayjs';
import { localDate, localInstant, wallClock } from '../time.js';

/** '8:00', '08:00', '8h', '8h30', '8g30' → 'HH:mm'; undefined if not a time of day. */
export function parseTimeOfDay(text: string): string | undefined {
  const m = /^(\d{1,2})(?::(\d{2})|[hg](\d{2})?)$/i.exec(text.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? m[3] ?? '0');
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Minutes since midnight of a strict 'HH:mm' (configuration, stored plans); throws otherwise, which only code can cause. */
export function minutesOf(time: string, what: string): number {
  const normal = parseTimeOfDay(time);
  if (normal === undefined || !/^\d{1,2}:\d{2}$/.test(time.trim())) {
    throw new RangeError(`invalid ${what} ${JSON.stringify(time)} (expected HH:mm)`);
  }
  return Number(normal.slice(0, 2)) * 60 + Number(normal.slice(3, 5));
}

export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export interface Wall {
  /** 'YYYY-MM-DD' local */
  date: string;
  /** minutes since local midnight (seconds ignored) */
  minutes: number;
}

export function wall(at: Date): Wall {
  const shifted = wallClock(at);
  return { date: localDate(at), minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
}

/** The instant of a local date and minute of day. */
export function instant(date: string, minutes: number): Date {
  return localInstant(date, hhmm(minutes));
}

/** Calendar arithmetic on 'YYYY-MM-DD', in UTC so the process zone cannot interfere. */
export function addDays(date: string, days: number): string {
  return dayjs.utc(`${date}T00:00:00Z`).add(days, 'day').format('YYYY-MM-DD');
}
