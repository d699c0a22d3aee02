/**
 * What every handler receives besides the update: the application's dependencies
 * and who is asking. Built per update by the middleware in src/bot.ts.
 */
import type { Context } from 'grammy';
import type { User } from 'grammy/types';
import type { Kysely } from 'kysely';
import type { Database, Person } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import type { FormCache } from '../src/services/forms.js';
import type { RoundScheduler } from '../src/services/scheduling.js';
import type { Clock } from '../src/time.js';

export interface BotDeps {
  db: Kysely<Database>;
  clock: Clock;
  forms: FormCache;
  /** Telegram ids given admin rights by configuration (ADMIN_IDS). */
  adminIds: readonly number[];
  logger: Logger;
  /** Re-plans reminders when a round changes; sends "Nhắc ngay". */
  scheduler: RoundScheduler;
}

export interface Caller {
  telegramUserId: number;
  /** Undefined until the person registers with an invite (admins from ADMIN_IDS may have no row). */
  person: Person | undefined;
  isAdmin: boolean;
}

export type BotContext = Context & { deps: BotDeps; caller: Caller; log: Logger };

/** The name shown for a Telegram user: first and last name, else the username, else the id. */
export function displayName(from: User): string {
  return [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || String(from.id);
}

/** Who acted, for the audit log. */
export function actorOf(ctx: BotContext): string {
  return `telegram:${ctx.caller.telegramUserId}`;
}
