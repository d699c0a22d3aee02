/** Inbound events already handled: the dedupe record every use case writes with its changes. */
import { sql, type Kysely } from 'kysely';
import type { EventKey } from '../chat/port.js';
import type { Database } from '../db/schema.js';

/**
 * Records the inbound event; false when it was handled before (Telegram redelivers after
 * a crash, Zalo has no offset at all). Called inside the transaction of the event's writes.
 */
export async function markUpdateProcessed(tx: Kysely<Database>, event: EventKey): Promise<boolean> {
  const inserted = await tx
    .insertInto('processed_updates')
    .values({ channel: event.channel, dedupe_key: event.dedupeKey })
    .onConflict((oc) => oc.columns(['channel', 'dedupe_key']).doNothing())
    .returning('dedupe_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Whether the event was handled before, and if so since when its reply is not known to have
 * been shown (null once it was recorded as shown); undefined for an event never handled.
 */
export async function handledBefore(db: Kysely<Database>, event: EventKey): Promise<{ unrepliedSince: Date | null } | undefined> {
  return db
    .selectFrom('processed_updates')
    .select(sql<Date | null>`case when replied_at is null then processed_at end`.as('unrepliedSince'))
    .where('channel', '=', event.channel)
    .where('dedupe_key', '=', event.dedupeKey)
    .executeTakeFirst();
}

/** Records that the replies to these events were shown, in one statement. */
export async function markReplied(db: Kysely<Database>, events: readonly EventKey[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await sql`
    update processed_updates u set replied_at = ${now}
    from unnest(${events.map((e) => e.channel)}::text[], ${events.map((e) => e.dedupeKey)}::text[]) as r(channel, dedupe_key)
    where u.channel = r.channel and u.dedupe_key = r.dedupe_key and u.replied_at is null
  `.execute(db);
}

/** How long shown replies are gathered before they are recorded: one statement for many, off the answer's path. */
const REPLIED_FLUSH_MS = 200;

/**
 * Replies shown, recorded in batches. A process killed before a batch is written leaves
 * those events unreplied in Postgres: received again, they are answered once more, which
 * is the safe side (a person told twice where their report stands, never left in silence).
 */
export class RepliedMarks {
  private pending: EventKey[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: { now(): Date },
    private readonly onError: (error: unknown) => void,
  ) {}

  add(event: EventKey): void {
    // After close the pool is gone: such an event stays unreplied (answered again if received again).
    if (this.closed) return;
    this.pending.push({ channel: event.channel, dedupeKey: event.dedupeKey });
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), REPLIED_FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what is gathered and takes no more (at shutdown, before the pool closes). */
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => markReplied(this.db, batch, this.clock.now()).catch(this.onError));
    return this.flushing;
  }
}
