/**
 * A database handle that records every statement sent to Postgres — BEGIN and
 * COMMIT included, since each is a round trip too — by wrapping the query method
 * of each pg client its pool connects. For tests of what a use case costs.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PREPARED, prepareMarked } from '../../src/db/connect.js';
// The project's type parsers (dates as 'YYYY-MM-DD') are set where createDb lives.
import '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';

export interface CountingDb {
  db: Kysely<Database>;
  /** The SQL of every statement since the last reset, oldest first. */
  statements(): string[];
  /** Forgets what was recorded: the next statements() starts from here. */
  reset(): void;
  /**
   * Holds the next statement `match` takes until `release()`: `reached` resolves once
   * it is held. For making a race happen in a chosen order (another writer gets in
   * between this use case's read and its write).
   */
  holdNext(match: (sql: string, params: readonly unknown[]) => boolean): { reached: Promise<void>; release(): void };
  destroy(): Promise<void>;
}

interface Gate {
  match: (sql: string, params: readonly unknown[]) => boolean;
  reached: () => void;
  released: Promise<void>;
}

export function countingDb(url: string): CountingDb {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  let recorded: string[] = [];
  const gates: Gate[] = [];
  pool.on('connect', (client) => {
    // As createDb's pool: the hot path's statements prepared.
    prepareMarked(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const counted = (...args: unknown[]): unknown => {
      const [first, second] = args;
      const raw = typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? first);
      // Recorded as the statement itself, without the marker that has it prepared.
      const text = raw.startsWith(PREPARED) ? raw.slice(PREPARED.length) : raw;
      recorded.push(text);
      const params = Array.isArray(second) ? second : [];
      const gate = gates.findIndex((g) => g.match(text, params));
      if (gate === -1) return query(...args);
      const [held] = gates.splice(gate, 1);
      held!.reached();
      return held!.released.then(() => query(...args));
    };
    (client as unknown as { query: typeof counted }).query = counted;
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    statements: () => [...recorded],
    reset: () => {
      recorded = [];
    },
    holdNext(match) {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      gates.push({ match, reached, released });
      return { reached: reachedPromise, release };
    },
    destroy: () => db.destroy(),
  };
}
