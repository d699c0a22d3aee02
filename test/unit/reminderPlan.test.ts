import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { describePlan, parseOffsets, parseTimeOfDay } from '../../src/reminders/plan.js';
import {
  DEFAULT_QUIET_HOURS,
  DEFAULT_REMINDER_PLAN,
  nextAllowedTime,
  planSlots,
  type PlannedSlot,
  type ReminderPlan,
  type ReminderPolicy,
} from '../../src/reminders/policy.js';
import { TIME_ZONE } from '../../src/time.js';
import { VIETNAMESE_LETTER } from './helpers.js';

/** A local time 'YYYY-MM-DD HH:mm' in Asia/Ho_Chi_Minh → instant. */
const at = (localTime: string): Date => dayjs.tz(localTime, TIME_ZONE).toDate();
/** Instant → local 'YYYY-MM-DD HH:mm'. */
const fmt = (date: Date): string => dayjs(date).tz(TIME_ZONE).format('YYYY-MM-DD HH:mm');
/** Slots as [key, local time] rows, in the planner's order. */
const rows = (slots: PlannedSlot[]): [string, string][] => slots.map((s) => [s.key, fmt(s.sendAt)]);

const policy = (overrides: Partial<ReminderPolicy> = {}): ReminderPolicy => ({
  quietHours: DEFAULT_QUIET_HOURS,
  holidays: new Set<string>(),
  ...overrides,
});

const plan = (overrides: Partial<ReminderPlan> = {}): ReminderPlan => ({ ...DEFAULT_REMINDER_PLAN, ...overrides });

describe('defaults', () => {
  it('the default ladder and quiet hours are the ones of the issue', () => {
    expect(DEFAULT_REMINDER_PLAN).toEqual({ offsets: ['-7d', '-3d', '-1d', '0d', '+1d', '+3d'], time: '08:00' });
    expect(DEFAULT_QUIET_HOURS).toEqual({ start: '21:00', end: '07:00' });
  });
});

describe('planSlots: the default ladder', () => {
  it('a round due 17:00 Tue 15/12/2026, opened 01/12/2026 00:00', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 00:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy(),
    });
    expect(slots.map((s) => [s.key, s.kind, fmt(s.sendAt), s.offsetDays])).toEqual([
      // 00:00 is inside the quiet hours: the announcement waits for 07:00.
      ['announce', 'announcement', '2026-12-01 07:00', undefined],
      ['r-7d', 'reminder', '2026-12-08 08:00', -7],
      ['r-3d', 'reminder', '2026-12-12 08:00', -3],
      ['r-1d', 'reminder', '2026-12-14 08:00', -1],
      ['r0d', 'reminder', '2026-12-15 08:00', 0],
      ['r+1d', 'reminder', '2026-12-16 08:00', 1],
      ['r+3d', 'reminder', '2026-12-18 08:00', 3],
      // Two hours after the last (overdue) reminder.
      ['escalate', 'escalation', '2026-12-18 10:00', undefined],
    ]);
  });

  it('is the same whatever the process time zone says (exact UTC instants)', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 00:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy(),
    });
    expect(slots.map((s) => s.sendAt.toISOString())).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-08T01:00:00.000Z',
      '2026-12-12T01:00:00.000Z',
      '2026-12-14T01:00:00.000Z',
      '2026-12-15T01:00:00.000Z',
      '2026-12-16T01:00:00.000Z',
      '2026-12-18T01:00:00.000Z',
      '2026-12-18T03:00:00.000Z',
    ]);
  });

  it('reads local wall time correctly on a day the process zone changes to DST (US 2026-03-08)', () => {
    // 02:30 on 08/03/2026 in Hanoi is 2:30 a.m. in New York's spring-forward gap.
    const slots = planSlots({
      opensAt: at('2026-03-01 09:00'),
      dueAt: at('2026-03-10 17:00'),
      plan: { offsets: ['-2d'], time: '02:30' },
      policy: policy({ quietHours: { start: '02:00', end: '02:45' } }),
    });
    expect(slots.find((s) => s.key === 'r-2d')?.sendAt.toISOString()).toBe('2026-03-07T19:45:00.000Z');
    const free = planSlots({
      opensAt: at('2026-03-01 09:00'),
      dueAt: at('2026-03-10 17:00'),
      plan: { offsets: ['-2d'], time: '02:30' },
      policy: policy({ quietHours: null }),
    });
    expect(free.find((s) => s.key === 'r-2d')?.sendAt.toISOString()).toBe('2026-03-07T19:30:00.000Z');
  });
});

describe('planSlots: quiet hours', () => {
  it('an announcement at 23:00 goes out at 07:00 the next day', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 23:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy(),
    });
    expect(rows(slots)[0]).toEqual(['announce', '2026-12-02 07:00']);
  });

  it('a plan time of 22:00 moves every reminder to 07:00 the next day', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: plan({ time: '22:00' }),
      policy: policy(),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-01 08:00'],
      ['r-7d', '2026-12-09 07:00'],
      ['r-3d', '2026-12-13 07:00'],
      ['r-1d', '2026-12-15 07:00'],
      // '0d' at 22:00 on the deadline day is after the 17:00 deadline: dropped.
      ['r+1d', '2026-12-17 07:00'],
      ['r+3d', '2026-12-19 07:00'],
      ['escalate', '2026-12-19 09:00'],
    ]);
  });

  it('without quiet hours nothing moves, not even a 23:00 announcement', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 23:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: plan({ time: '22:00' }),
      policy: policy({ quietHours: null }),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-01 23:00'],
      ['r-7d', '2026-12-08 22:00'],
      ['r-3d', '2026-12-12 22:00'],
      ['r-1d', '2026-12-14 22:00'],
      ['r+1d', '2026-12-16 22:00'],
      ['r+3d', '2026-12-18 22:00'],
      ['escalate', '2026-12-19 00:00'],
    ]);
  });
});

describe('planSlots: holidays', () => {
  it('a holiday on the −1d date moves it onto the deadline morning, where only "0d" is kept', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: plan({ time: '07:00' }),
      policy: policy({ holidays: new Set(['2026-12-14']) }),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-01 08:00'],
      ['r-7d', '2026-12-08 07:00'],
      ['r-3d', '2026-12-12 07:00'],
      ['r0d', '2026-12-15 07:00'],
      ['r+1d', '2026-12-16 07:00'],
      ['r+3d', '2026-12-18 07:00'],
      ['escalate', '2026-12-18 09:00'],
    ]);
  });

  it('a holiday on the −1d date at 08:00 moves it to 07:00 of the deadline day, before "0d"', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy({ holidays: new Set(['2026-12-14']) }),
    });
    expect(rows(slots).slice(3, 5)).toEqual([
      ['r-1d', '2026-12-15 07:00'],
      ['r0d', '2026-12-15 08:00'],
    ]);
  });

  const TET = new Set(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10']);

  it('Tết (05–10/02/2027) pushes the reminders before a 12/02 deadline to the first working morning', () => {
    const slots = planSlots({
      opensAt: at('2027-01-25 08:00'),
      dueAt: at('2027-02-12 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy({ holidays: TET }),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2027-01-25 08:00'],
      // −7d (05/02) and −3d (09/02) both land on 11/02 07:00: the one nearer the deadline stays.
      ['r-3d', '2027-02-11 07:00'],
      ['r-1d', '2027-02-11 08:00'],
      ['r0d', '2027-02-12 08:00'],
      ['r+1d', '2027-02-13 08:00'],
      ['r+3d', '2027-02-15 08:00'],
      ['escalate', '2027-02-15 10:00'],
    ]);
  });

  it('Tết right after a deadline pushes the overdue reminders and the escalation past it', () => {
    const slots = planSlots({
      opensAt: at('2027-01-20 08:00'),
      dueAt: at('2027-02-04 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy({ holidays: TET }),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2027-01-20 08:00'],
      ['r-7d', '2027-01-28 08:00'],
      ['r-3d', '2027-02-01 08:00'],
      ['r-1d', '2027-02-03 08:00'],
      ['r0d', '2027-02-04 08:00'],
      // +1d (05/02) and +3d (07/02) both land on 11/02 07:00: +3d stays.
      ['r+3d', '2027-02-11 07:00'],
      ['escalate', '2027-02-11 09:00'],
    ]);
    expect(slots.find((s) => s.key === 'r+3d')?.offsetDays).toBe(3);
  });

  it('an announcement on a holiday waits for the first working day', () => {
    const slots = planSlots({
      opensAt: at('2027-02-06 10:00'),
      dueAt: at('2027-02-20 17:00'),
      plan: { offsets: ['-1d'], time: '08:00' },
      policy: policy({ holidays: TET }),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2027-02-11 07:00'],
      ['r-1d', '2027-02-19 08:00'],
      ['escalate', '2027-02-20 19:00'],
    ]);
  });
});

describe('planSlots: dropped reminders', () => {
  it('a round opened 2 days before its deadline gets no −7d or −3d reminder', () => {
    const slots = planSlots({
      opensAt: at('2026-12-13 09:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy(),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-13 09:00'],
      ['r-1d', '2026-12-14 08:00'],
      ['r0d', '2026-12-15 08:00'],
      ['r+1d', '2026-12-16 08:00'],
      ['r+3d', '2026-12-18 08:00'],
      ['escalate', '2026-12-18 10:00'],
    ]);
  });

  it('a reminder at the very time of the announcement is dropped, one a minute later is kept', () => {
    const same = planSlots({
      opensAt: at('2026-12-14 08:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: { offsets: ['-1d', '0d'], time: '08:00' },
      policy: policy(),
    });
    expect(same.map((s) => s.key)).toEqual(['announce', 'r0d', 'escalate']);
    const later = planSlots({
      opensAt: at('2026-12-14 07:59'),
      dueAt: at('2026-12-15 17:00'),
      plan: { offsets: ['-1d', '0d'], time: '08:00' },
      policy: policy(),
    });
    expect(later.map((s) => s.key)).toEqual(['announce', 'r-1d', 'r0d', 'escalate']);
  });

  it('a deadline at 07:00 drops the 08:00 "0d" reminder', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 07:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy(),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-01 08:00'],
      ['r-7d', '2026-12-08 08:00'],
      ['r-3d', '2026-12-12 08:00'],
      ['r-1d', '2026-12-14 08:00'],
      ['r+1d', '2026-12-16 08:00'],
      ['r+3d', '2026-12-18 08:00'],
      ['escalate', '2026-12-18 10:00'],
    ]);
  });

  it('a deadline at exactly the plan time drops "0d" too (strictly before)', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 08:00'),
      plan: { offsets: ['0d'], time: '08:00' },
      policy: policy(),
    });
    expect(slots.map((s) => s.key)).toEqual(['announce', 'escalate']);
  });
});

describe('planSlots: the escalation', () => {
  it('without overdue reminders it comes 2 hours after the deadline', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: { offsets: ['-1d', '0d'], time: '08:00' },
      policy: policy(),
    });
    expect(rows(slots).at(-1)).toEqual(['escalate', '2026-12-15 19:00']);
  });

  it('two hours after a 20:00 deadline is quiet: it waits for 07:00', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 20:00'),
      plan: { offsets: [], time: '08:00' },
      policy: policy(),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-01 08:00'],
      ['escalate', '2026-12-16 07:00'],
    ]);
  });

  it('there is exactly one escalation, and slots are sorted by time then key', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-15 17:00'),
      plan: plan({ offsets: ['+3d', '-1d', '+1d', '-1d'] }),
      policy: policy(),
    });
    expect(slots.filter((s) => s.kind === 'escalation')).toHaveLength(1);
    expect(slots.map((s) => s.key)).toEqual(['announce', 'r-1d', 'r+1d', 'r+3d', 'escalate']);
  });

  it('an announcement and an escalation at the same instant come in key order', () => {
    // Announcement and escalation both pushed to 07:00 on 16/12 (15/12 is a holiday).
    const slots = planSlots({
      opensAt: at('2026-12-15 10:00'),
      dueAt: at('2026-12-15 11:00'),
      plan: { offsets: [], time: '08:00' },
      policy: policy({ holidays: new Set(['2026-12-15']) }),
    });
    expect(rows(slots)).toEqual([
      ['announce', '2026-12-16 07:00'],
      ['escalate', '2026-12-16 07:00'],
    ]);
  });
});

describe('planSlots: a deadline changed later', () => {
  it('re-planning with a new deadline shifts the times and keeps the keys', () => {
    const opensAt = at('2026-12-01 00:00');
    const before = planSlots({ opensAt, dueAt: at('2026-12-15 17:00'), plan: DEFAULT_REMINDER_PLAN, policy: policy() });
    const after = planSlots({ opensAt, dueAt: at('2026-12-22 17:00'), plan: DEFAULT_REMINDER_PLAN, policy: policy() });
    expect(after.map((s) => s.key)).toEqual(before.map((s) => s.key));
    expect(rows(after)).toEqual([
      ['announce', '2026-12-01 07:00'],
      ['r-7d', '2026-12-15 08:00'],
      ['r-3d', '2026-12-19 08:00'],
      ['r-1d', '2026-12-21 08:00'],
      ['r0d', '2026-12-22 08:00'],
      ['r+1d', '2026-12-23 08:00'],
      ['r+3d', '2026-12-25 08:00'],
      ['escalate', '2026-12-25 10:00'],
    ]);
  });

  it('a deadline moved earlier, to 2 days after opening, loses the early reminders', () => {
    const slots = planSlots({
      opensAt: at('2026-12-01 08:00'),
      dueAt: at('2026-12-03 17:00'),
      plan: DEFAULT_REMINDER_PLAN,
      policy: policy(),
    });
    expect(slots.map((s) => s.key)).toEqual(['announce', 'r-1d', 'r0d', 'r+1d', 'r+3d', 'escalate']);
  });
});

describe('planSlots: bad input from code', () => {
  it('throws on an offset or time that was never validated', () => {
    const input = { opensAt: at('2026-12-01 08:00'), dueAt: at('2026-12-15 17:00'), policy: policy() };
    expect(() => planSlots({ ...input, plan: { offsets: ['soon'], time: '08:00' } })).toThrow(/soon/);
    expect(() => planSlots({ ...input, plan: { offsets: ['-1d'], time: '8h' } })).toThrow(/8h/);
    expect(() => planSlots({ ...input, plan: DEFAULT_REMINDER_PLAN, policy: policy({ quietHours: { start: '21', end: '07:00' } }) })).toThrow(/quiet hours/);
  });
});

describe('nextAllowedTime', () => {
  const quiet = policy();
  const cases: [string, string, ReminderPolicy, string][] = [
    ['allowed time stays', '2026-12-10 10:15', quiet, '2026-12-10 10:15'],
    ['quiet start is quiet (inclusive)', '2026-12-10 21:00', quiet, '2026-12-11 07:00'],
    ['a minute before quiet start is allowed', '2026-12-10 20:59', quiet, '2026-12-10 20:59'],
    ['after midnight moves to 07:00 the same day', '2026-12-10 03:00', quiet, '2026-12-10 07:00'],
    ['midnight is quiet', '2026-12-10 00:00', quiet, '2026-12-10 07:00'],
    ['quiet end is allowed (exclusive)', '2026-12-10 07:00', quiet, '2026-12-10 07:00'],
    ['06:59 is quiet', '2026-12-10 06:59', quiet, '2026-12-10 07:00'],
    ['late evening crosses the month end', '2026-12-31 23:30', quiet, '2027-01-01 07:00'],
    ['a holiday moves to the next day at 07:00', '2026-12-14 10:00', policy({ holidays: new Set(['2026-12-14']) }), '2026-12-15 07:00'],
    [
      'quiet evening before a holiday moves past the holiday',
      '2026-12-13 22:00',
      policy({ holidays: new Set(['2026-12-14', '2026-12-15']) }),
      '2026-12-16 07:00',
    ],
    ['a holiday without quiet hours moves to 00:00', '2026-12-14 10:00', policy({ quietHours: null, holidays: new Set(['2026-12-14']) }), '2026-12-15 00:00'],
    ['no quiet hours: 23:00 stays', '2026-12-10 23:00', policy({ quietHours: null }), '2026-12-10 23:00'],
    ['lunch window: 12:00 moves to 13:30', '2026-12-10 12:00', policy({ quietHours: { start: '12:00', end: '13:30' } }), '2026-12-10 13:30'],
    ['lunch window: 13:29 moves to 13:30', '2026-12-10 13:29', policy({ quietHours: { start: '12:00', end: '13:30' } }), '2026-12-10 13:30'],
    ['lunch window: 13:30 stays', '2026-12-10 13:30', policy({ quietHours: { start: '12:00', end: '13:30' } }), '2026-12-10 13:30'],
    ['lunch window: 23:00 stays', '2026-12-10 23:00', policy({ quietHours: { start: '12:00', end: '13:30' } }), '2026-12-10 23:00'],
    [
      'lunch window: a holiday moves to 00:00 of the next day (not quiet)',
      '2026-12-14 12:30',
      policy({ quietHours: { start: '12:00', end: '13:30' }, holidays: new Set(['2026-12-14']) }),
      '2026-12-15 00:00',
    ],
  ];
  it.each(cases)('%s', (_name, input, p, expected) => {
    expect(fmt(nextAllowedTime(at(input), p))).toBe(expected);
  });

  it('keeps seconds of an allowed instant and returns an instant ≥ the input', () => {
    const input = new Date('2026-12-10T03:15:42.123Z'); // 10:15:42 local
    expect(nextAllowedTime(input, quiet).getTime()).toBe(input.getTime());
    const late = new Date('2026-12-10T13:59:59.999Z'); // 20:59:59.999 local: still allowed
    expect(nextAllowedTime(late, quiet).getTime()).toBe(late.getTime());
  });

  it('works in the spring-forward gap of the process zone (02:15 local on 08/03/2026)', () => {
    const input = new Date('2026-03-07T19:15:00Z');
    expect(nextAllowedTime(input, policy({ quietHours: { start: '02:00', end: '03:00' } })).toISOString()).toBe('2026-03-07T20:00:00.000Z');
  });
});

describe('parseOffsets', () => {
  const good: [string, string[]][] = [
    ['-7d,-3d,-1d,0d,+1d,+3d', ['-7d', '-3d', '-1d', '0d', '+1d', '+3d']],
    ['+3D; -7 0 -1d, +1', ['-7d', '-1d', '0d', '+1d', '+3d']],
    ['  -1d   -1  -1D ', ['-1d']],
    ['+0d -0 0', ['0d']],
    ['+1d -60d +60d', ['-60d', '+1d', '+60d']],
    ['\u22127d', ['-7d']],
    ['-14d,+7d', ['-14d', '+7d']],
    ['không', []],
    ['KHÔNG', []],
    ['khong', []],
    ['none', []],
    ['không'.normalize('NFD'), []],
  ];
  it.each(good)('%j', (text, offsets) => {
    expect(parseOffsets(text)).toEqual({ ok: true, offsets });
  });

  it('says what it did not understand, naming the item, in Vietnamese', () => {
    expect(parseOffsets('abc')).toEqual({
      ok: false,
      message:
        'Không hiểu «abc»: mỗi mốc nhắc viết như -7d (7 ngày trước hạn), 0d (ngày hết hạn) hoặc +1d (1 ngày sau hạn).',
    });
  });

  const bad: [string, string][] = [
    ['-7d, ba ngày', '«ba»'],
    ['-7d,+1w', '«+1w»'],
    ['+61d', '«+61d»'],
    ['-90', '«-90»'],
    ['7', '«7»'],
    ['-1.5d', '«-1.5d»'],
    ['--1d', '«--1d»'],
  ];
  it.each(bad)('%j is refused, naming %s', (text, named) => {
    const r = parseOffsets(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(named);
    expect(r.message).toMatch(VIETNAMESE_LETTER);
  });

  it('an unsigned number asks which side of the deadline', () => {
    const r = parseOffsets('-7d 3');
    expect(r).toEqual({ ok: false, message: 'Mốc «3» thiếu dấu: ghi -3d (3 ngày trước hạn) hoặc +3d (3 ngày sau hạn).' });
  });

  it('too far is explained with the limit', () => {
    const r = parseOffsets('+61d');
    expect(r.ok ? '' : r.message).toBe('Mốc «+61d» quá xa: chỉ nhắc trong khoảng 60 ngày trước đến 60 ngày sau hạn.');
  });

  it('an empty list is refused (write «không» for no reminders)', () => {
    for (const text of ['', '  ', ' , ; ']) {
      const r = parseOffsets(text);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.message).toContain('«không»');
    }
  });
});

describe('parseTimeOfDay', () => {
  const good: [string, string][] = [
    ['8:00', '08:00'],
    ['08:00', '08:00'],
    ['8h', '08:00'],
    ['8h30', '08:30'],
    ['8H30', '08:30'],
    ['8g30', '08:30'],
    [' 7:05 ', '07:05'],
    ['17:00', '17:00'],
    ['0:00', '00:00'],
    ['23:59', '23:59'],
  ];
  it.each(good)('%j → %s', (text, expected) => {
    expect(parseTimeOfDay(text)).toBe(expected);
  });

  it.each(['24:00', '8:60', '8', '8:5', '8h5', 'abc', '', '08:00:00', '-8:00', '8 giờ'])('%j is not a time of day', (text) => {
    expect(parseTimeOfDay(text)).toBeUndefined();
  });
});

describe('describePlan', () => {
  const cases: [ReminderPlan, string][] = [
    [DEFAULT_REMINDER_PLAN, '7, 3, 1 ngày trước hạn, sáng ngày hết hạn, 1 và 3 ngày sau hạn, lúc 08:00'],
    [{ offsets: ['-3d', '-1d'], time: '07:30' }, '3 và 1 ngày trước hạn, lúc 07:30'],
    [{ offsets: ['0d'], time: '14:00' }, 'ngày hết hạn, lúc 14:00'],
    [{ offsets: ['+1d'], time: '08:00' }, '1 ngày sau hạn, lúc 08:00'],
    [{ offsets: ['+2d', '-5d', '0d'], time: '9:15' }, '5 ngày trước hạn, sáng ngày hết hạn, 2 ngày sau hạn, lúc 09:15'],
    [{ offsets: [], time: '08:00' }, 'không nhắc'],
  ];
  it.each(cases)('%j', (p, expected) => {
    expect(describePlan(p)).toBe(expected);
  });
});
