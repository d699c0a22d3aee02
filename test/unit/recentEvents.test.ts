import { describe, expect, it } from 'vitest';
import { RecentEvents, REPLY_GRACE_MS } from '../../src/chat/recentEvents.js';

const started = new Date('2026-12-10T09:00:00Z');
const at = (ms: number) => new Date(started.getTime() + ms);

describe('RecentEvents', () => {
  it('knows an event received before, per channel', () => {
    const recent = new RecentEvents(started);
    expect(recent.receive({ channel: 'telegram', dedupeKey: '1' })).toBe('new');
    expect(recent.receive({ channel: 'telegram', dedupeKey: '1' })).toBe('received');
    // The same key on another channel is another event.
    expect(recent.receive({ channel: 'zalo', dedupeKey: '1' })).toBe('new');
  });

  it('forgets the oldest beyond its capacity, and only the oldest', () => {
    const recent = new RecentEvents(started, 3);
    for (const key of ['a', 'b', 'c', 'd']) recent.receive({ channel: 'telegram', dedupeKey: key });
    expect(recent.receive({ channel: 'telegram', dedupeKey: 'd' })).toBe('received');
    expect(recent.receive({ channel: 'telegram', dedupeKey: 'c' })).toBe('received');
    expect(recent.receive({ channel: 'telegram', dedupeKey: 'a' })).toBe('new');
  });

  it('remembers a handling that failed here until the event is received again', () => {
    const recent = new RecentEvents(started);
    const event = { channel: 'telegram' as const, dedupeKey: '7' };
    recent.receive(event);
    recent.failed(event);
    expect(recent.receive(event)).toBe('failed');
    // That delivery is being handled now: the next one is its duplicate.
    expect(recent.receive(event)).toBe('received');
    // An event never received is not marked.
    recent.failed({ channel: 'telegram', dedupeKey: '8' });
    expect(recent.receive({ channel: 'telegram', dedupeKey: '8' })).toBe('new');
  });

  it('takes a handler for gone if it handled the event before this process started, or longer ago than a reply takes', () => {
    const recent = new RecentEvents(started);
    // Before this process started: its handler was another process (a restart).
    expect(recent.handlerMayBeGone(at(-1), at(1_000))).toBe(true);
    // Since: another replica may still be sending its reply.
    expect(recent.handlerMayBeGone(at(10), at(REPLY_GRACE_MS))).toBe(false);
    expect(recent.handlerMayBeGone(at(10), at(REPLY_GRACE_MS + 11))).toBe(true);
  });
});
