/** Use cases without a transaction of their own record the event first: a redelivery gets no second reply. */
import { markUpdateProcessed } from '../services/processedUpdates.js';
import type { ChatRequest } from './context.js';
import { NO_REPLY, type Reply } from './port.js';

/** Runs `handle` unless this event was handled before (then nothing is said). */
export async function once(request: ChatRequest, handle: () => Promise<Reply>): Promise<Reply> {
  if (!(await markUpdateProcessed(request.deps.db, request.event))) return NO_REPLY;
  return handle();
}
