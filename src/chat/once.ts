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

/** Runs `handle` unless this event was handled before (then nothing is said). */
export async function once(request: ChatRequest, handle: () => Promise<Reply>): Promise<Reply> {
  const { db } = request.deps;
  const { event } = request;
  const seen = await sql<{ seen: boolean }>`
    select exists (select 1 from processed_updates where channel = ${event.channel} and dedupe_key = ${event.dedupeKey}) as seen
  `.execute(db);
  if (seen.rows[0]?.seen) return NO_REPLY;
  const reply = await handle();
  // Two copies handled at the same moment (replicas): only the first to record it answers.
  return (await markUpdateProcessed(db, event)) ? reply : NO_REPLY;
}
