/** Inbound events already handled: the dedupe record every use case writes with its changes. */
import type { Kysely } from 'kysely';
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
