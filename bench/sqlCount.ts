/**
 * Counting the SQL statements the bench's Kysely instance sends: the pg pool is built
 * here (as src/db/connect.ts builds it) and every client it creates has its `query`
 * wrapped, so each statement reaching Postgres is counted, BEGIN, COMMIT and ROLLBACK
 * included (Kysely sends those through the same client). Each statement is also given
 * a short label (the use cases' known statements by name, others by their first words)
 * for the per-answer breakdown.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
// Imported for its side effect too: the 'date' type parser every Db relies on.
import { prepareMarked, type Db } from '../src/db/connect.js';
import type { Database } from '../src/db/schema.js';

/** Statements a process sends in batches beside the answers (none waits for them): counted apart. */
const BATCHED = /^\s*update processed_updates u set replied_at/i;

/** Statements recognised by what they contain, checked in order. */
const KNOWN: Array<[RegExp, string]> = [
  [/^\s*begin\b/i, 'BEGIN'],
  [/^\s*commit\b/i, 'COMMIT'],
  [/^\s*rollback\b/i, 'ROLLBACK'],
  [/^\s*with reached as/i, 'identity lookup (findPersonByIdentity)'],
  [/^\s*select p\.id as person_id, p\.active_submission_id/i, 'step read (readStep)'],
  [/^\s*with upd as/i, 'step write (writeChange)'],
  [/^\s*with mark as/i, 'stay write (writeStay)'],
  [/percentile_cont/i, 'round percentiles (PercentileCache)'],
  [BATCHED, 'replies shown (RepliedMarks, batched)'],
];

export function statementLabel(text: string): string {
  for (const [pattern, label] of KNOWN) if (pattern.test(text)) return label;
  return text.replace(/\s+/g, ' ').trim().slice(0, 48) + '…';
}

/** Statements are told apart by their beginning: hashing whole texts on every query would cost the bench itself. */
const KEY_CHARS = 120;

export class StatementCounter {
  total = 0;
  /** Of the total, the batched ones (BATCHED). */
  batched = 0;
  /** The pool's high-water marks: connections open, and requests waiting while every allowed connection was taken. */
  maxConnections = 0;
  maxWaitingOnFullPool = 0;
  private readonly byText = new Map<string, number>();

  record(text: string): void {
    this.total++;
    if (BATCHED.test(text)) this.batched++;
    const key = text.slice(0, KEY_CHARS);
    this.byText.set(key, (this.byText.get(key) ?? 0) + 1);
  }

  /** Statements counted between two snapshots (`to`: now), by label, most frequent first. */
  breakdown(from: Snapshot, to: Snapshot = this.snapshot()): Map<string, number> {
    const result = new Map<string, number>();
    for (const [text, n] of to.byText) {
      const d = n - (from.byText.get(text) ?? 0);
      if (d > 0) {
        const label = statementLabel(text);
        result.set(label, (result.get(label) ?? 0) + d);
      }
    }
    return new Map([...result].sort((a, b) => b[1] - a[1]));
  }

  snapshot(): Snapshot {
    return { total: this.total, batched: this.batched, byText: new Map(this.byText) };
  }
}

export interface Snapshot {
  total: number;
  batched: number;
  byText: Map<string, number>;
}

/** The SQL text of a pg `query` call's first argument (a string or a config object). */
function textOf(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'text' in arg && typeof (arg as { text: unknown }).text === 'string') return (arg as { text: string }).text;
  return '(unknown)';
}

/**
 * A Db like createDb's (the hot path's statements prepared, see PREPARED in
 * src/db/connect.ts), whose every statement is counted by `counter`.
 */
export function createCountingDb(databaseUrl: string, max: number, counter: StatementCounter): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  pool.on('error', () => undefined);
  pool.on('acquire', () => {
    counter.maxConnections = Math.max(counter.maxConnections, pool.totalCount);
    // Requests also wait while a new connection is being opened: only a full pool is too small.
    if (pool.totalCount >= max) counter.maxWaitingOnFullPool = Math.max(counter.maxWaitingOnFullPool, pool.waitingCount);
  });
  // 'connect' fires once per new client, before it is handed out: the project's own preparing, then counting.
  pool.on('connect', (client) => {
    prepareMarked(client);
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      counter.record(textOf(args[0]));
      return original(...args);
    };
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
