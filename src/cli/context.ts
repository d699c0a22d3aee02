/** What every command of the admin command line receives. */
import type { Kysely } from 'kysely';
import type { ChannelName } from '../chat/port.js';
import { enabledChannels, type Config } from '../config.js';
import type { Database } from '../db/schema.js';
import type { RoundScheduler } from '../services/scheduling.js';
import type { Clock } from '../time.js';

export interface CliDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** One line (or block) of normal output: stdout. */
  out: (line: string) => void;
  /** Errors and remarks for the person at the terminal: stderr. */
  err: (line: string) => void;
  config: Config;
  /**
   * Makes sure the database is there (created with `create`, for `migrate`; else refused
   * when missing) before it is migrated. Called once, before the first command acts.
   * Default: nothing (the database is there).
   */
  prepareDb?: (options: { create: boolean }) => Promise<void>;
  /** For getMe when the bot's username is needed; default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Where the bundled forms are; default the repository's forms/. */
  formsDir?: string;
  /**
   * Told when a command creates or changes a round, so reminders follow. Needed by
   * `campaigns create|set-due|close` (src/cli.ts passes the real one); other commands do without.
   */
  scheduler?: RoundScheduler;
}

export interface CliContext extends CliDeps {
  /** prepareDb, then the migrations (the ones applied returned), run at most once. */
  ready(options?: { create: boolean }): Promise<string[]>;
}

/** A mistake of the person at the terminal: printed as is, exit code 1, no stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The channels the bot sends through, by the tokens in this configuration; unset when it has
 * none (the command line run with only DATABASE_URL): then every channel counts, rather than
 * every reporter looking unreachable.
 */
export function cliChannels(config: Pick<Config, 'botToken' | 'zalo'>): ChannelName[] | undefined {
  const channels = enabledChannels(config);
  return channels.length > 0 ? channels : undefined;
}
