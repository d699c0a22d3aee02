/**
 * The inbound events this process has received lately, by channel and dedupe key. A
 * duplicate this process received before is its own (Telegram or Zalo delivering again
 * what it is still answering, a poll retry): it has replied or will. A duplicate it never
 * received was handled by a process that may have died before its reply went out: that
 * one is answered with where the report stands, so nobody is left in silence.
 */
import type { EventKey } from './port.js';

/** Enough for minutes of a province's traffic; a key is a few dozen bytes. */
const DEFAULT_CAPACITY = 20_000;

export class RecentEvents {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Records the event; true when it had been received here before. */
  receive(event: EventKey): boolean {
    const key = `${event.channel}\u0000${event.dedupeKey}`;
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    // A Set iterates in insertion order: the first key is the oldest.
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
    return false;
  }
}
