/**
 * Use cases that do not record the event in their own transaction (read-only commands, and
 * those whose service is idempotent: registering, linking, acknowledging, pausing) are run
 * once per event here: skipped when the event was handled before, recorded after they
 * succeed. A failure, or a crash before the record, leaves the event to be handled again
 * when it is redelivered — at least once, never lost — and the idempotent services make
 * that second run harmless ("đã là người báo cáo từ trước").
 */
import { handledBefore, markUpdateProcessed } from '../services/processedUpdates.js';
import type { ChatRequest } from './context.js';
import { NO_REPLY, say, type Reply } from './port.js';

/** Runs `handle` unless this event was handled before; then nothing is said. */
export function once(request: ChatRequest, handle: () => Promise<Reply>): Promise<Reply> {
  return runOnce(request, handle, false);
}

/**
 * Like once, for a use case that can run again for the same event with nothing more
 * changed and its reply still true: a read-only command, a fixed reply, a registration
 * already made ("đã là người báo cáo từ trước"). A duplicate whose reply was never
 * recorded as shown, while the handler that recorded it may be gone (the process died
 * between the record and the reply, see recentEvents.ts), runs it again for its reply.
 * Not for one whose second run would act again or say something else («Nhắc ngay»
 * sending a second reminder, «Đã nhận» saying there is nothing to acknowledge).
 */
export function onceRepeatable(request: ChatRequest, handle: (run: { again: boolean }) => Promise<Reply>): Promise<Reply> {
  return runOnce(request, handle, true);
}

/** `again`: the event was handled before and is run once more only for its reply; what it changed stays as it is now. */
async function runOnce(request: ChatRequest, handle: (run: { again: boolean }) => Promise<Reply>, repeatable: boolean): Promise<Reply> {
  const { db } = request.deps;
  const before = await handledBefore(db, request.event);
  if (before) return repeatable && before.unrepliedSince && request.answersAgain(before.unrepliedSince) ? handle({ again: true }) : NO_REPLY;
  const reply = await handle({ again: false });
  // Two copies handled at the same moment (replicas): only the first to record it answers.
  return (await markUpdateProcessed(db, request.event)) ? reply : NO_REPLY;
}

/** A fixed reply, once per event (run again for a lost reply: it says the same). */
export function sayOnce(request: ChatRequest, text: string): Promise<Reply> {
  return onceRepeatable(request, async () => say(text));
}
