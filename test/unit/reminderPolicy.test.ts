import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import {
  audienceOf,
  currentDigestKey,
  digestCutoff,
  digestDueEarlierToday,
  digestSkippedOn,
  DIGEST_DAYS_AFTER_DUE,
  formatOffset,
  INTERRUPTED_GRACE_MS,
  isMoot,
  isStaleDigest,
  isSuperseded,
  isUnplannedSlot,
  MANUAL_REMINDER_WINDOW_MS,
  manualWindowKey,
  MAX_RESENDS,
  mayBeSuperseded,
  NON_SUBMITTER_KINDS,
  obsoleteSlots,
  parseSlotKey,
  planCutoff,
  planSlots,
  quietWaitMs,
  readOffset,
  RECENT_MESSAGE_MS,
  remindNowDecision,
  BLOCKING_KINDS,
  replanSlots,
  SAME_REMINDER_MS,
  staleSlotCutoff,
  STALE_QUEUED_MS,
  wantsDigest,
  type MessageKind,
  type PlannedSlot,
  type ReminderPolicy,
  type SlotState,
} from '../../src/reminders/policy.js';
import { TIME_ZONE } from '../../src/time.js';

/** A local time 'YYYY-MM-DD HH:mm' in Asia/Ho_Chi_Minh → instant. */
const at = (localTime: string): Date => dayjs.tz(localTime, TIME_ZONE).toDate();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const policy = (holidays: string[] = []): ReminderPolicy => ({ quietHours: { start: '21:00', end: '07:00' }, holidays: new Set(holidays) });

describe('the constants of the rules', () => {
  it('are the ones the issue and the runbook state', () => {
    expect(RECENT_MESSAGE_MS).toBe(12 * HOUR);
    expect(SAME_REMINDER_MS).toBe(12 * HOUR);
    expect(MANUAL_REMINDER_WINDOW_MS).toBe(10 * MINUTE);
    expect(DIGEST_DAYS_AFTER_DUE).toBe(7);
    expect(MAX_RESENDS).toBe(3);
    expect(INTERRUPTED_GRACE_MS).toBe(10 * MINUTE);
    expect(STALE_QUEUED_MS).toBe(5 * MINUTE);
  });

  it('cut-offs: slots two weeks old are stale, rounds due 60 days ago are not re-planned', () => {
    const now = at('2026-12-20 08:00');
    expect(staleSlotCutoff(now)).toEqual(new Date(now.getTime() - 14 * DAY));
    expect(planCutoff(now)).toEqual(new Date(now.getTime() - 60 * DAY));
    expect(digestCutoff(now)).toEqual(new Date(now.getTime() - 7 * DAY));
  });
});

describe("digestDueEarlierToday: a worker starting after today's digest time sends it", () => {
  it.each([
    ['0 7 * * *', '2026-12-20 07:05', true],
    ['0 7 * * *', '2026-12-20 23:59', true],
    ['0 7 * * *', '2026-12-20 06:59', false],
    // Local time: 07:00 in Hà Nội is 00:00 UTC; just after midnight local, today's has not come.
    ['0 7 * * *', '2026-12-21 00:30', false],
    ['0 7 * * 1-5', '2026-12-20 09:00', false], // a Sunday: no digest today
    ['30 6 * * 1-5', '2026-12-21 09:00', true], // a Monday
  ])('%s at %s → %s', (cron, local, expected) => {
    expect(digestDueEarlierToday(cron, at(local))).toBe(expected);
  });
});

describe('replanSlots: the moved-deadline decision', () => {
  const dueAt = at('2026-12-22 17:00');
  const planned: PlannedSlot[] = [
    { key: 'announce', kind: 'announcement', sendAt: at('2026-12-01 08:00') },
    { key: 'r-1d', kind: 'reminder', sendAt: at('2026-12-21 08:00'), offsetDays: -1 },
    { key: 'r0d', kind: 'reminder', sendAt: at('2026-12-22 08:00'), offsetDays: 0 },
    { key: 'escalate', kind: 'escalation', sendAt: at('2026-12-22 19:00') },
  ];
  const keys = (sent: Map<string, Date>, closedAt: Date | null = null) => replanSlots({ planned, sent, dueAt, closedAt }).map((w) => w.key);

  it('nothing sent yet: every planned slot is wanted, as planned', () => {
    expect(replanSlots({ planned, sent: new Map(), dueAt, closedAt: null })).toEqual(planned.map(({ key, kind, sendAt }) => ({ key, kind, sendAt })));
  });

  it('a key already sent at (about) its planned time is not planned again', () => {
    const sent = new Map([
      ['announce', at('2026-12-01 08:00')],
      // 12 hours off still counts as the same reminder.
      ['r-1d', new Date(at('2026-12-21 08:00').getTime() - SAME_REMINDER_MS)],
    ]);
    expect(keys(sent)).toEqual(['r0d', 'escalate']);
  });

  it('a reminder sent more than 12 hours from its new time comes back as key@new deadline date', () => {
    const sent = new Map([['r-1d', new Date(at('2026-12-21 08:00').getTime() - SAME_REMINDER_MS - 1)]]);
    const wanted = replanSlots({ planned, sent, dueAt, closedAt: null });
    expect(wanted.map((w) => w.key)).toEqual(['announce', 'r-1d@2026-12-22', 'r0d', 'escalate']);
    expect(wanted[1]).toEqual({ key: 'r-1d@2026-12-22', kind: 'reminder', sendAt: at('2026-12-21 08:00') });
  });

  it('the moved key is dated by the local date of the deadline (UTC+7), not UTC', () => {
    const lateDue = at('2026-12-23 06:00'); // 2026-12-22 23:00 UTC
    const sent = new Map([['r0d', at('2026-12-10 08:00')]]);
    expect(replanSlots({ planned, sent, dueAt: lateDue, closedAt: null }).map((w) => w.key)).toContain('r0d@2026-12-23');
  });

  it('a moved key already sent is not planned a third time', () => {
    const sent = new Map([
      ['r-1d', at('2026-12-10 08:00')],
      ['r-1d@2026-12-22', at('2026-12-21 08:00')],
    ]);
    expect(keys(sent)).toEqual(['announce', 'r0d', 'escalate']);
  });

  it('an announcement or escalation already sent is never planned again, however far it moved', () => {
    const sent = new Map([
      ['announce', at('2026-11-01 08:00')],
      ['escalate', at('2026-11-20 19:00')],
    ]);
    expect(keys(sent)).toEqual(['r-1d', 'r0d']);
  });

  it('a round set to close drops the slots at or after its close', () => {
    expect(keys(new Map(), at('2026-12-22 08:00'))).toEqual(['announce', 'r-1d']);
  });
});

describe('obsoleteSlots', () => {
  const unsent = ['r-3d', 'r-1d', 'manual-1765000000000', 'digest-2026-12-20'];

  it('deletes planned slots the plan no longer wants, keeps made-on-demand ones', () => {
    expect(obsoleteSlots({ unsent, wanted: new Set(['r-1d']), closed: false })).toEqual(['r-3d']);
  });

  it('a closed round keeps nothing unsent', () => {
    expect(obsoleteSlots({ unsent, wanted: new Set(), closed: true })).toEqual(unsent);
  });
});

describe('the 12-hour rule (isSuperseded)', () => {
  const now = at('2026-12-21 09:00');
  const sendAt = at('2026-12-18 08:00'); // r-3d, held back by an outage
  const slot = (overrides: Partial<SlotState> & Pick<SlotState, 'key' | 'kind'>): SlotState => ({ sendAt: at('2026-12-01 08:00'), outcome: null, fannedOutAt: null, ...overrides });

  it('only planned reminders may give way', () => {
    const cases: Array<[MessageKind, string, boolean]> = [
      ['reminder', 'r-3d', true],
      ['reminder', 'r-1d@2026-12-22', true],
      ['reminder', 'manual-1765000000000', false],
      ['announcement', 'announce', false],
      ['escalation', 'escalate', false],
      ['digest', 'digest-2026-12-21', false],
    ];
    for (const [kind, key, expected] of cases) expect([kind, key, mayBeSuperseded(kind, key)]).toEqual([kind, key, expected]);
  });

  it('a later reminder already due supersedes it, sent or not; one not yet due does not', () => {
    expect(isSuperseded(sendAt, [slot({ key: 'r-1d', kind: 'reminder', sendAt: at('2026-12-21 08:00') })], now)).toBe(true);
    expect(isSuperseded(sendAt, [slot({ key: 'r-1d', kind: 'reminder', sendAt: now })], now)).toBe(true);
    expect(isSuperseded(sendAt, [slot({ key: 'r0d', kind: 'reminder', sendAt: at('2026-12-22 08:00') })], now)).toBe(false);
    // An earlier reminder, or itself, does not count.
    expect(isSuperseded(sendAt, [slot({ key: 'r-7d', kind: 'reminder', sendAt: at('2026-12-14 08:00') }), slot({ key: 'r-3d', kind: 'reminder', sendAt })], now)).toBe(false);
  });

  it('an announcement or planned reminder sent within 12 hours supersedes it; 12 hours ago does not', () => {
    const sentAgo = (ms: number, kind: MessageKind = 'announcement', key = 'announce') =>
      isSuperseded(sendAt, [slot({ key, kind, outcome: 'sent', fannedOutAt: new Date(now.getTime() - ms) })], now);
    expect(sentAgo(11 * HOUR)).toBe(true);
    expect(sentAgo(RECENT_MESSAGE_MS - 1, 'reminder', 'r-7d')).toBe(true);
    expect(sentAgo(RECENT_MESSAGE_MS)).toBe(false);
    // Escalations and digests go to admins: they do not count.
    expect(sentAgo(HOUR, 'escalation', 'escalate')).toBe(false);
    expect(sentAgo(HOUR, 'digest', 'digest-2026-12-21')).toBe(false);
  });

  it('a superseded or closed slot was not sent, and manual reminders never count', () => {
    const recent = new Date(now.getTime() - HOUR);
    expect(isSuperseded(sendAt, [slot({ key: 'r-7d', kind: 'reminder', outcome: 'superseded', fannedOutAt: recent })], now)).toBe(false);
    expect(isSuperseded(sendAt, [slot({ key: 'manual-1766280000000', kind: 'reminder', outcome: 'sent', fannedOutAt: recent, sendAt: recent })], now)).toBe(false);
  });
});

describe('who a message goes to', () => {
  it('announcement to every target, reminder to non-submitters, escalation and digest to admins', () => {
    expect((['announcement', 'reminder', 'escalation', 'digest'] as const).map(audienceOf)).toEqual(['all-targets', 'non-submitters', 'admins', 'admins']);
    expect(NON_SUBMITTER_KINDS).toEqual(['reminder']);
  });

  it('only a message to non-submitters becomes moot once its organization submitted', () => {
    expect(isMoot('reminder', true)).toBe(true);
    expect(isMoot('reminder', false)).toBe(false);
    expect(isMoot('announcement', true)).toBe(false);
    expect(isMoot('escalation', true)).toBe(false);
  });
});

describe('remindNowDecision', () => {
  const now = at('2026-12-10 10:00');
  const open = { opensAt: at('2026-12-01 08:00'), closedAt: null };
  const decide = (overrides: Partial<Parameters<typeof remindNowDecision>[0]> = {}) => remindNowDecision({ round: open, missing: 3, lastManualAt: undefined, waiting: 0, ...overrides }, now);

  it('go for an open round with organizations missing and no recent manual reminder', () => {
    expect(decide()).toBe('go');
    expect(decide({ lastManualAt: new Date(now.getTime() - MANUAL_REMINDER_WINDOW_MS) })).toBe('go');
  });

  it('not_open: no round, not opened yet, closed (a close in the future is still open)', () => {
    expect(decide({ round: undefined })).toBe('not_open');
    expect(decide({ round: { opensAt: new Date(now.getTime() + 1), closedAt: null } })).toBe('not_open');
    expect(decide({ round: { ...open, closedAt: now } })).toBe('not_open');
    expect(decide({ round: { ...open, closedAt: new Date(now.getTime() + 1) } })).toBe('go');
  });

  it('none_missing when everyone submitted; too_soon within the window', () => {
    expect(decide({ missing: 0 })).toBe('none_missing');
    expect(decide({ lastManualAt: new Date(now.getTime() - MANUAL_REMINDER_WINDOW_MS + 1) })).toBe('too_soon');
  });

  it('busy while the round has announcement or reminder deliveries still queued', () => {
    expect(decide({ waiting: 1 })).toBe('busy');
    expect(decide({ waiting: 45_000, lastManualAt: new Date(now.getTime() - 2 * HOUR) })).toBe('busy');
  });

  it('checks in that order: not open before none missing before too soon before busy', () => {
    const recent = new Date(now.getTime() - MINUTE);
    expect(decide({ round: { ...open, closedAt: now }, missing: 0, lastManualAt: recent, waiting: 5 })).toBe('not_open');
    expect(decide({ missing: 0, lastManualAt: recent, waiting: 5 })).toBe('none_missing');
    expect(decide({ lastManualAt: recent, waiting: 5 })).toBe('too_soon');
  });

  it('only messages to organizations hold "Nhắc ngay" back: not the admins\' digest or escalation', () => {
    expect([...BLOCKING_KINDS].sort()).toEqual(['announcement', 'reminder']);
  });

  it('the manual slot of a window: one key for every request within it', () => {
    const start = Math.floor(now.getTime() / MANUAL_REMINDER_WINDOW_MS) * MANUAL_REMINDER_WINDOW_MS;
    expect(manualWindowKey(new Date(start))).toBe(`manual-${start}`);
    expect(manualWindowKey(new Date(start + MANUAL_REMINDER_WINDOW_MS - 1))).toBe(`manual-${start}`);
    expect(manualWindowKey(new Date(start + MANUAL_REMINDER_WINDOW_MS))).toBe(`manual-${start + MANUAL_REMINDER_WINDOW_MS}`);
  });
});

describe('quietWaitMs', () => {
  it('waits until 07:00 in quiet hours, not at all outside them or without a policy', () => {
    expect(quietWaitMs(at('2026-12-10 23:00'), policy())).toBe(8 * HOUR);
    expect(quietWaitMs(at('2026-12-10 06:59'), policy())).toBe(MINUTE);
    expect(quietWaitMs(at('2026-12-10 07:00'), policy())).toBe(0);
    expect(quietWaitMs(at('2026-12-10 20:59'), policy())).toBe(0);
    expect(quietWaitMs(at('2026-12-10 23:00'), undefined)).toBe(0);
  });

  it('a holiday waits for 07:00 of the first working day', () => {
    expect(quietWaitMs(at('2026-12-10 10:00'), policy(['2026-12-10', '2026-12-11']))).toBe(at('2026-12-12 07:00').getTime() - at('2026-12-10 10:00').getTime());
  });

  it('is planSlots own rule: a ladder never plans a slot with a wait', () => {
    const p = policy(['2026-12-21']);
    const slots = planSlots({ opensAt: at('2026-12-01 22:30'), dueAt: at('2026-12-22 17:00'), plan: { offsets: ['-7d', '-1d', '0d'], time: '06:00' }, policy: p });
    for (const s of slots) expect([s.key, quietWaitMs(s.sendAt, p)]).toEqual([s.key, 0]);
  });
});

describe('the daily digest', () => {
  const now = at('2026-12-10 07:30');

  it('none on a holiday (local date), one on any other day or without a policy', () => {
    expect(digestSkippedOn(now, policy(['2026-12-10']))).toBe(true);
    expect(digestSkippedOn(now, policy(['2026-12-09']))).toBe(false);
    expect(digestSkippedOn(now, undefined)).toBe(false);
  });

  it('rounds opened, not closed, due less than a week ago', () => {
    const round = { opensAt: at('2026-12-01 08:00'), closedAt: null, dueAt: at('2026-12-15 17:00') };
    expect(wantsDigest(round, now)).toBe(true);
    expect(wantsDigest({ ...round, opensAt: new Date(now.getTime() + 1) }, now)).toBe(false);
    expect(wantsDigest({ ...round, closedAt: now }, now)).toBe(false);
    expect(wantsDigest({ ...round, closedAt: new Date(now.getTime() + 1) }, now)).toBe(true);
    expect(wantsDigest({ ...round, dueAt: new Date(now.getTime() - 7 * DAY + 1) }, now)).toBe(true);
    expect(wantsDigest({ ...round, dueAt: new Date(now.getTime() - 7 * DAY) }, now)).toBe(false);
  });

  it("a digest is today's until local midnight (UTC+7), stale after", () => {
    expect(currentDigestKey(at('2026-12-10 23:59'))).toBe('digest-2026-12-10');
    expect(currentDigestKey(at('2026-12-11 00:00'))).toBe('digest-2026-12-11');
    expect(isStaleDigest('digest-2026-12-10', at('2026-12-10 23:59'))).toBe(false);
    expect(isStaleDigest('digest-2026-12-10', at('2026-12-11 00:00'))).toBe(true);
  });
});

describe('slot keys', () => {
  it('every key the policy makes parses back to itself, with its kind', () => {
    const cases: Array<[string, string]> = [
      ['announce', 'announce'],
      ['escalate', 'escalate'],
      ['r-7d', 'reminder'],
      ['r0d', 'reminder'],
      ['r+3d', 'reminder'],
      ['r-1d@2026-12-22', 'reminder'],
      ['manual-1765000000000', 'manual'],
      ['digest-2026-12-10', 'digest'],
    ];
    for (const [key, kind] of cases) {
      const parsed = parseSlotKey(key);
      expect([key, parsed?.kind, parsed?.key]).toEqual([key, kind, key]);
    }
  });

  it('reads the parts: offset, new deadline date, window, digest date', () => {
    expect(parseSlotKey('r-7d')).toEqual({ kind: 'reminder', key: 'r-7d', offsetDays: -7 });
    expect(parseSlotKey('r+1d@2026-12-22')).toEqual({ kind: 'reminder', key: 'r+1d@2026-12-22', offsetDays: 1, movedTo: '2026-12-22' });
    expect(parseSlotKey('manual-1765000000000')).toEqual({ kind: 'manual', key: 'manual-1765000000000', windowStartMs: 1765000000000 });
    expect(parseSlotKey('digest-2026-12-10')).toEqual({ kind: 'digest', key: 'digest-2026-12-10', date: '2026-12-10' });
  });

  it('anything else is not a slot key', () => {
    for (const text of ['', 'r7d', 'r-0d', 'r+01d', 'r-1d@', 'r-1d@22/12/2026', 'manual-', 'manual-x', 'digest-today', 'Announce']) {
      expect([text, parseSlotKey(text)]).toEqual([text, undefined]);
    }
  });

  it('made-on-demand slots by prefix, offsets as the plan writes them', () => {
    expect(['manual-1', 'digest-2026-12-10', 'r-1d', 'announce'].map(isUnplannedSlot)).toEqual([true, true, false, false]);
    expect([-7, 0, 3].map(formatOffset)).toEqual(['-7d', '0d', '+3d']);
  });
});

describe('readOffset', () => {
  it('a signed number of days within 60, or why not', () => {
    expect(readOffset('-7d')).toEqual({ ok: true, days: -7 });
    expect(readOffset('\u22123')).toEqual({ ok: true, days: -3 });
    expect(readOffset('0')).toEqual({ ok: true, days: 0 });
    expect(readOffset('7d')).toEqual({ ok: false, problem: 'unsigned', days: 7 });
    expect(readOffset('+60d')).toEqual({ ok: true, days: 60 });
    expect(readOffset('+61d')).toEqual({ ok: false, problem: 'too_far', days: 61 });
    expect(readOffset('soon')).toEqual({ ok: false, problem: 'syntax' });
  });
});
