/**
 * Counting the SQL statements the bench's Kysely instance sends: the pg pool is built
 * here (as src/db/connect.ts builds it) and every client it creates has its `query`
 * wrapped, so each statement reaching Postgres is counted, BEGIN, COMMIT and ROLLBACK
 * included (Kysely sends those through the same client). Each statement is also given
 * a short label (the use cases' known statements by name, others by their first words)
 * for the per-answer breakdown.
 */
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
// Imported for its side effect too: the 'date' type parser every Db relies on.
import type { Db } from '../src/db/connect.js';
import '../src/db/connect.js';
import type { Database } from '../src/db/schema.js';

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
];

export function statementLabel(text: string): string {
  for (const [pattern, label] of KNOWN) if (pattern.test(text)) return label;
  return text.replace(/\s+/g, ' ').trim().slice(0, 48) + '…';
}

/** Statements are told apart by their beginning: hashing whole texts on every query would cost the bench itself. */
const KEY_CHARS = 120;

export class StatementCounter {
  total = 0;
  /** The pool's high-water marks: connections open, and requests waiting while every allowed connection was taken. */
  maxConnections = 0;
  maxWaitingOnFullPool = 0;
  private readonly byText = new Map<string, number>();

  record(text: string): void {
    this.total++;
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
    return { total: this.total, byText: new Map(this.byText) };
  }
}

export interface Snapshot {
  total: number;
  byText: Map<string, number>;
}

/** The SQL text of a pg `query` call's first argument (a string or a config object). */
function textOf(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'text' in arg && typeof (arg as { text: unknown }).text === 'string') return (arg as { text: string }).text;
  return '(unknown)';
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

/**
 * A Db like createDb's, whose every statement is counted by `counter`. With `prepare`
 * (BENCH_PREPARED=1, an experiment: the project does not do this), every statement but
 * transaction control is sent as a named prepared statement (named after a hash of its
 * text), so Postgres parses and plans it once per connection instead of on every execution.
 */
export function createCountingDb(databaseUrl: string, max: number, counter: StatementCounter, options: { prepare?: boolean } = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  pool.on('error', () => undefined);
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `bench_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
    return name;
  };
  pool.on('acquire', () => {
    counter.maxConnections = Math.max(counter.maxConnections, pool.totalCount);
    // Requests also wait while a new connection is being opened: only a full pool is too small.
    if (pool.totalCount >= max) counter.maxWaitingOnFullPool = Math.max(counter.maxWaitingOnFullPool, pool.waitingCount);
  });
  // 'connect' fires once per new client, before it is handed out.
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = textOf(args[0]);
      counter.record(text);
      if (options.prepare && typeof args[0] === 'string' && args.length <= 2 && !TRANSACTION_CONTROL.test(text)) {
        return original({ name: nameOf(text), text, values: args[1] ?? [] });
      }
      return original(...args);
    };
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
