/**
 * Local wall-clock arithmetic for the reminder policy (Asia/Ho_Chi_Minh), pure.
 *
 * Wall-clock reading never goes through the process time zone: dayjs's `.tz()`
 * formats through a Date in the process zone and is off by an hour around that
 * zone's DST changes (TZ=America/New_York, 2026-03-08). Local fields are read
 * from a UTC dayjs shifted by the zone's offset, and local times are turned into
 * instants with `dayjs.tz(string, zone)`, which parses in UTC.
 */
import dayjs from 'dayjs';
import { TIME_ZONE } from '../time.js';

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
  // utcOffset() of a tz instance comes from Intl (correct whatever the process zone); its
  // wall fields do not, so they are read from a UTC instance shifted by that offset.
  const offset = dayjs(at).tz(TIME_ZONE).utcOffset();
  const shifted = dayjs.utc(at).add(offset, 'minute');
  return { date: shifted.format('YYYY-MM-DD'), minutes: shifted.hour() * 60 + shifted.minute() };
}

/** The instant of a local date and minute of day. */
export function instant(date: string, minutes: number): Date {
  return dayjs.tz(`${date}T${hhmm(minutes)}`, TIME_ZONE).toDate();
}

/** Calendar arithmetic on 'YYYY-MM-DD', in UTC so the process zone cannot interfere. */
export function addDays(date: string, days: number): string {
  return dayjs.utc(`${date}T00:00:00Z`).add(days, 'day').format('YYYY-MM-DD');
}
