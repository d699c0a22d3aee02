import { GrammyError } from 'grammy';

/**
 * Telegram answers a callback query once, within seconds: a redelivered update (its query
 * answered the first time) or a slow step gets "query is too old … or query ID is invalid".
 * Only the toast is lost then; the reply's messages must still be shown (or, for a
 * duplicate, nothing said), not "the reply could not be delivered".
 */
export function isExpiredQuery(error: unknown): boolean {
  return error instanceof GrammyError && /query is too old|query id is invalid/i.test(error.description);
}
