import { describe, expect, it } from 'vitest';
import { RecentEvents } from '../../src/chat/recentEvents.js';

describe('RecentEvents', () => {
  it('knows an event received before, per channel', () => {
    const recent = new RecentEvents();
    expect(recent.receive({ channel: 'telegram', dedupeKey: '1' })).toBe(false);
    expect(recent.receive({ channel: 'telegram', dedupeKey: '1' })).toBe(true);
    // The same key on another channel is another event.
    expect(recent.receive({ channel: 'zalo', dedupeKey: '1' })).toBe(false);
  });

  it('forgets the oldest beyond its capacity, and only the oldest', () => {
    const recent = new RecentEvents(3);
    for (const key of ['a', 'b', 'c', 'd']) recent.receive({ channel: 'telegram', dedupeKey: key });
    expect(recent.receive({ channel: 'telegram', dedupeKey: 'd' })).toBe(true);
    expect(recent.receive({ channel: 'telegram', dedupeKey: 'c' })).toBe(true);
    expect(recent.receive({ channel: 'telegram', dedupeKey: 'a' })).toBe(false);
  });
});
