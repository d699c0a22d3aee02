/**
 * Dates and times as an admin types them in chat: "01/12/2026 08:00",
 * "1/12/2026 8h", "8:00 ngày 1/12/2026", "2026-12-01T08:00", "15/12/2026"
 * (a date alone takes a default time). Local time, Asia/Ho_Chi_Minh.
 */
import { parseTimeOfDay } from '../reminders/plan.js';
import { foldVietnamese } from '../text/normalize.js';
import { calendarDate, localInstant } from '../time.js';

const DMY = /(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/;
const YMD = /(\d{4})-(\d{1,2})-(\d{1,2})/;
const FILLER = /\b(ngay|luc|vao|gio|hom)\b/g;

/** The first date in the text and what is left around it; undefined when there is none or it is not a real day. */
function takeDate(text: string): { date: string; rest: string } | undefined {
  const ymd = YMD.exec(text);
  const dmy = ymd ? undefined : DMY.exec(text);
  const m = ymd ?? dmy;
  if (!m) return undefined;
  const date = ymd ? calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) : calendarDate(Number(m[3]), Number(m[2]), Number(m[1]));
  if (!date) return undefined;
  return { date, rest: text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length) };
}

/** A date alone ("01/10/2026", "1.10.2026", "2026-10-01") as 'YYYY-MM-DD'; undefined when not understood or not a real day. */
export function parseChatDate(text: string): string | undefined {
  const taken = takeDate(foldVietnamese(text.normalize('NFC')));
  return taken && taken.rest.trim() === '' ? taken.date : undefined;
}

/** A local date and time; a date alone means `defaultTime` ('HH:mm'). Undefined when not understood. */
export function parseChatDateTime(text: string, defaultTime: string): Date | undefined {
  const taken = takeDate(foldVietnamese(text.normalize('NFC')));
  if (!taken) return undefined;
  const rest = taken.rest.replace(FILLER, ' ').replace(/\bt(?=\d)/g, ' ').replace(/[,;]/g, ' ').trim();
  const time = rest === '' ? defaultTime : parseTimeOfDay(rest.replace(/\s+/g, ''));
  if (time === undefined) return undefined;
  return localInstant(taken.date, time);
}

/** "01/10/2026 - 31/12/2026" (or "từ … đến …") → two ISO dates, start not after end. */
export function parseChatDateRange(text: string): { start: string; end: string } | undefined {
  const first = takeDate(foldVietnamese(text.normalize('NFC')));
  if (!first) return undefined;
  const second = takeDate(first.rest);
  if (!second) return undefined;
  if (second.rest.replace(/\b(tu|den|toi|ngay)\b/g, ' ').replace(/[\s\-–—,;:]/g, '') !== '') return undefined;
  return first.date <= second.date ? { start: first.date, end: second.date } : undefined;
}
