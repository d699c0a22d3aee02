/**
 * The inbound events this process has received lately, by channel and dedupe key, and
 * whether a duplicate is answered again. A duplicate this process received before is its
 * own (a poll retry, a webhook retried while it is handled): it has replied or will —
 * unless its handling failed here, after a commit it did not see. One
 * whose first handling committed but whose reply was never recorded as shown was handled
 * by a process that may have died in between: it is answered again with where the report
 * stands, so nobody is left in silence — if that handling happened before this process
 * started, or longer ago than any live handler takes to reply (another replica may still
 * be sending its reply: answering then would say it twice).
 */
import type { EventKey } from './port.js';

/**
 * What this process knows of an event: never received; received (being handled, or
 * handled and replied to); or its handling failed here (the person was told it was not
 * done, though its transaction may have committed before the failure was seen).
 */
type Received = 'new' | 'received' | 'failed';

/** Enough for minutes of a province's traffic; a key is a few dozen bytes. */
const DEFAULT_CAPACITY = 20_000;

/** Longer than a live handler takes from its commit to its reply shown, waits on a channel's 429 included. */
export const REPLY_GRACE_MS = 60_000;

export class RecentEvents {
  private readonly keys = new Map<string, Exclude<Received, 'new'>>();

  constructor(
    /** When this process started handling events. */
    private readonly startedAt: Date,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** Records the event as received; what was known of it before. */
  receive(event: EventKey): Received {
    const key = keyOf(event);
    const before = this.keys.get(key) ?? 'new';
    this.keys.set(key, 'received');
    // A Map iterates in insertion order: the first key is the oldest (a key set again keeps its place).
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
    return before;
  }

  /** Its handling failed here: received again, it is answered again (where the report stands). */
  failed(event: EventKey): void {
    const key = keyOf(event);
    if (this.keys.has(key)) this.keys.set(key, 'failed');
  }

  /** Whether the handler of an event first handled at `handledAt`, its reply never recorded, may be gone without replying. */
  handlerMayBeGone(handledAt: Date, now: Date): boolean {
    return handledAt.getTime() < this.startedAt.getTime() || now.getTime() - handledAt.getTime() > REPLY_GRACE_MS;
  }
}

function keyOf(event: EventKey): string {
  return `${event.channel}\u0000${event.dedupeKey}`;
}
