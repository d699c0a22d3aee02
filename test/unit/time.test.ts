import { afterEach, describe, expect, it } from 'vitest';
import { parseChatDateTime } from '../../src/campaigns/dateInput.js';

/** A local time as the CLI and the chat read it; a date alone means midnight. */
const parseLocalDateTime = (text: string) => parseChatDateTime(text, '00:00');
import { formatDateTime, formatDeadline, local, localDate } from '../../src/time.js';

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('local time in Asia/Ho_Chi_Minh', () => {
  it('formats deadlines and dates in Vietnamese', () => {
    expect(formatDeadline(new Date('2026-12-15T10:00:00Z'))).toBe('17:00 thứ Ba, 15/12/2026');
    expect(formatDateTime(new Date('2026-12-31T17:30:00Z'))).toBe('01/01/2027 00:30');
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
