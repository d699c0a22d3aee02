/**
 * Use cases that do not record the event in their own transaction (read-only commands, and
 * those whose service is idempotent: registering, linking, acknowledging, pausing) are run
 * once per event here: skipped when the event was handled before, recorded after they
 * succeed. A failure, or a crash before the record, leaves the event to be handled again
 * when it is redelivered — at least once, never lost — and the idempotent services make
 * that second run harmless ("đã là người báo cáo từ trước").
 */
import { sql } from 'kysely';
import { markUpdateProcessed } from '../services/processedUpdates.js';
import type { ChatRequest } from './context.js';
import { NO_REPLY, type Reply } from './port.js';

/**
 * Runs `handle` unless this event was handled before: then nothing is said, unless its
 * reply was never recorded as shown and the handler may be gone (the process died between
 * the record and the reply, see recentEvents.ts). The use case is idempotent, so it runs
 * again for the reply it gives now ("đã là người báo cáo từ trước"), recorded once still.
 */
export async function once(request: ChatRequest, handle: () => Promise<Reply>): Promise<Reply> {
  const { db } = request.deps;
  const { event } = request;
  const { rows } = await sql<{ processed_at: Date; unreplied: boolean }>`
    select processed_at, replied_at is null as unreplied from processed_updates where channel = ${event.channel} and dedupe_key = ${event.dedupeKey}
  `.execute(db);
  const before = rows[0];
  if (before) return before.unreplied && request.answersAgain(before.processed_at) ? handle() : NO_REPLY;
  const reply = await handle();
  // Two copies handled at the same moment (replicas): only the first to record it answers.
  return (await markUpdateProcessed(db, event)) ? reply : NO_REPLY;
}
