import { afterEach, describe, expect, it } from 'vitest';
import { parseChatDateTime } from '../../src/campaigns/dateInput.js';

/** A local time as the CLI and the chat read it; a date alone means midnight. */
const parseLocalDateTime = (text: string) => parseChatDateTime(text, '00:00');
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { TIME_ZONE, formatDateTime, formatDeadline, formatLocalDate, formatLocalTime, formatNearTime, local, localDate, localInstant } from '../../src/time.js';

dayjs.extend(utc);
dayjs.extend(timezone);

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('local time in Asia/Ho_Chi_Minh', () => {
  it('formats deadlines and dates in Vietnamese', () => {
    expect(formatDeadline(new Date('2026-12-15T10:00:00Z'))).toBe('17:00 thứ Ba, 15/12/2026');
    expect(formatDateTime(new Date('2026-12-31T17:30:00Z'))).toBe('01/01/2027 00:30');
    expect([formatLocalDate(new Date('2026-12-31T17:30:00Z')), formatLocalTime(new Date('2026-12-31T17:30:00Z'))]).toEqual(['01/01/2027', '00:30']);
    expect(localDate(new Date('2026-12-31T16:59:00Z'))).toBe('2026-12-31');
  });

  it('is right whatever the process time zone, across its daylight-saving change', () => {
    process.env.TZ = 'America/New_York';
    // 19:30 UTC on the eve of the US change is 02:30 next day in Hà Nội.
    expect(local(new Date('2026-03-07T19:30:00Z')).format('YYYY-MM-DD HH:mm')).toBe('2026-03-08 02:30');
    expect(formatDeadline(new Date('2026-03-08T10:00:00Z'))).toBe('17:00 Chủ nhật, 08/03/2026');
  });

  it('parses local times given on the command line', () => {
    expect(parseLocalDateTime('2026-12-15T17:00')?.toISOString()).toBe('2026-12-15T10:00:00.000Z');
    expect(parseLocalDateTime('15/12/2026 17:00')?.toISOString()).toBe('2026-12-15T10:00:00.000Z');
    expect(parseLocalDateTime('2026-12-15')?.toISOString()).toBe('2026-12-14T17:00:00.000Z');
    expect(parseLocalDateTime('31/02/2026')).toBeUndefined();
  });
});

/**
 * The tz path as it was before the fixed-offset fast path: the zone's offset from dayjs' tz(),
 * read on a UTC instance. It costs about 0.4 ms an instant, so dense scans use `viaIntl`.
 */
function viaTz(date: Date): dayjs.Dayjs {
  return dayjs.utc(date).add(dayjs(date).tz(TIME_ZONE).utcOffset(), 'minute');
}

/** The same zone database (ICU) that dayjs' tz() reads, through one cached formatter: ~20 µs an instant. */
const zoneParts = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function viaIntl(date: Date): dayjs.Dayjs {
  const parts = zoneParts.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'), date.getUTCMilliseconds());
  return dayjs.utc(wall);
}

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every `step` from `from` (inclusive) to `to` (exclusive), both UTC ISO strings. */
function every(step: number, from: string, to: string): Date[] {
  const out: Date[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += step) out.push(new Date(t));
  return out;
}

/** A small seeded generator, so a failure names an instant that can be reproduced. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomInstants(count: number, from: string, to: string, seed = 20261215): Date[] {
  const next = seeded(seed);
  const start = Date.parse(from);
  const span = Date.parse(to) - start;
  return Array.from({ length: count }, () => new Date(start + Math.floor(next() * span)));
}

/** Compares every formatter with a reference wall clock; the first mismatches, so one report names them. */
function mismatches(instants: Date[], reference: (d: Date) => dayjs.Dayjs = viaTz): string[] {
  const bad: string[] = [];
  for (const d of instants) {
    const ref = reference(d);
    const expected = {
      local: ref.format('YYYY-MM-DD HH:mm:ss.SSS'),
      localDate: ref.format('YYYY-MM-DD'),
      dateTime: ref.format('DD/MM/YYYY HH:mm'),
      date: ref.format('DD/MM/YYYY'),
      time: ref.format('HH:mm'),
      deadline: `${ref.format('HH:mm')} ${WEEKDAYS[ref.day()]}, ${ref.format('DD/MM/YYYY')}`,
    };
    const actual = {
      local: local(d).format('YYYY-MM-DD HH:mm:ss.SSS'),
      localDate: localDate(d),
      dateTime: formatDateTime(d),
      date: formatLocalDate(d),
      time: formatLocalTime(d),
      deadline: formatDeadline(d),
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) bad.push(`${d.toISOString()}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
    if (bad.length >= 5) break;
  }
  return bad;
}

describe('the fixed UTC+7 fast path agrees with dayjs tz()', () => {
  it('every hour of two weeks across the 1976 switch to the fast path, and every minute of its last hour', () => {
    expect(mismatches(every(HOUR, '1975-12-24T00:00:00Z', '1976-01-08T00:00:00Z'))).toEqual([]);
    expect(mismatches(every(MINUTE, '1975-12-31T16:30:00Z', '1975-12-31T17:30:00Z'))).toEqual([]);
    const edge = Date.parse('1975-12-31T17:00:00Z');
    expect(mismatches([edge - 1, edge, edge + 1].map((t) => new Date(t)))).toEqual([]);
    expect(formatDateTime(new Date(edge))).toBe('01/01/1976 00:00');
    expect(formatDateTime(new Date(edge - 1))).toBe('31/12/1975 23:59');
  });

  it('around the 13/06/1975 change from UTC+8 (tz path)', () => {
    expect(mismatches(every(10 * MINUTE, '1975-06-12T15:00:00Z', '1975-06-12T19:00:00Z'))).toEqual([]);
    expect(formatDateTime(new Date('1975-06-12T12:00:00Z'))).toBe('12/06/1975 20:00');
  });

  it('random instants from 1976 to 2100, and from 1900 to 1976 (with milliseconds)', () => {
    expect(mismatches(randomInstants(2_500, '1976-01-01T00:00:00Z', '2100-01-01T00:00:00Z'))).toEqual([]);
    expect(mismatches(randomInstants(200, '1900-01-01T00:00:00Z', '1976-01-01T00:00:00Z'))).toEqual([]);
  });

  it('the dense reference agrees with dayjs tz() itself', () => {
    const sample = randomInstants(300, '1970-01-01T00:00:00Z', '2040-01-01T00:00:00Z', 7);
    const bad = sample.filter((d) => viaIntl(d).valueOf() !== viaTz(d).valueOf()).map((d) => d.toISOString());
    expect(bad).toEqual([]);
  });

  it('every hour of 1976–1977 and of 2026–2027, against the zone database', () => {
    expect(mismatches(every(HOUR, '1976-01-01T00:00:00Z', '1978-01-01T00:00:00Z'), viaIntl)).toEqual([]);
    expect(mismatches(every(HOUR, '2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z'), viaIntl)).toEqual([]);
  });

  it('agrees whatever the process time zone', () => {
    for (const zone of ['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
      process.env.TZ = zone;
      expect(mismatches(every(HOUR, '2026-03-01T00:00:00Z', '2026-04-15T00:00:00Z'), viaIntl)).toEqual([]);
      expect(mismatches(randomInstants(150, '1940-01-01T00:00:00Z', '2060-01-01T00:00:00Z', 11))).toEqual([]);
    }
  });

  it('reads a string instant the way dayjs does', () => {
    expect(local('2026-12-15T10:00:00Z').format('YYYY-MM-DD HH:mm')).toBe('2026-12-15 17:00');
    expect(local('1970-06-01T00:00:00Z').format('YYYY-MM-DD HH:mm')).toBe(viaTz(new Date('1970-06-01T00:00:00Z')).format('YYYY-MM-DD HH:mm'));
  });

  it('localInstant agrees with dayjs.tz for local wall times on both sides of 1976', () => {
    const bad: string[] = [];
    const days = [
      ...every(24 * HOUR, '1975-12-20T00:00:00Z', '1976-01-12T00:00:00Z'),
      ...randomInstants(150, '1976-01-01T00:00:00Z', '2100-01-01T00:00:00Z', 3),
      ...randomInstants(30, '1900-01-01T00:00:00Z', '1976-01-01T00:00:00Z', 5),
    ];
    for (const day of days) {
      const date = day.toISOString().slice(0, 10);
      for (const time of ['00:00', '06:59', '07:00', '16:59', '17:00', '23:59']) {
        const expected = dayjs.tz(`${date}T${time}`, TIME_ZONE).toDate().getTime();
        const actual = localInstant(date, time).getTime();
        if (actual !== expected) bad.push(`${date} ${time}: ${actual} ≠ ${expected}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('localInstant: the fast path starts at 1976-01-01 00:00 local', () => {
    expect(localInstant('1976-01-01', '00:00').toISOString()).toBe('1975-12-31T17:00:00.000Z');
    expect(localInstant('1975-12-31', '23:59').toISOString()).toBe('1975-12-31T16:59:00.000Z');
    expect(localInstant('2026-12-15', '17:00').toISOString()).toBe('2026-12-15T10:00:00.000Z');
    expect(localInstant('1970-01-01', '08:00').toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('formatNearTime', () => {
  const now = new Date('2026-12-10T03:00:00Z'); // 10:00 local
  it('says today, yesterday, tomorrow by the local date, else the date', () => {
    expect(formatNearTime(new Date('2026-12-10T01:00:00Z'), now)).toBe('08:00 hôm nay');
    // 23:30 on the 9th locally, though the same UTC date as now.
    expect(formatNearTime(new Date('2026-12-09T16:30:00Z'), now)).toBe('23:30 hôm qua');
    expect(formatNearTime(new Date('2026-12-10T17:00:00Z'), now)).toBe('00:00 ngày mai');
    expect(formatNearTime(new Date('2026-12-12T02:00:00Z'), now)).toBe('09:00 ngày 12/12/2026');
  });
});
