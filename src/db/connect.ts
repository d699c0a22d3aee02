import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database } from './schema.js';

// 'date' columns as 'YYYY-MM-DD' strings: a JS Date would shift them by the time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or a transaction: services take this so callers can compose them in one transaction. */
export type DbOrTx = Kysely<Database>;

/**
 * Marks a statement of the hot path (one per answer): it is sent as a named prepared
 * statement, parsed and planned once per connection instead of on every execution (the
 * planning was most of Postgres's time per answer). Such statements name their columns:
 * a `*` would break a cached plan when a migration adds a column.
 */
export const PREPARED = '/* prepared */';

const preparedNames = new Map<string, string>();

function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (!name) preparedNames.set(text, (name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`));
  return name;
}

type QueryFn = (...args: unknown[]) => unknown;

/** Sends the marked statements of a new client as named prepared statements. */
export function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === 'string' && text.startsWith(PREPARED) && args.length <= 2) {
      return query({ name: preparedName(text), text, values: (values as unknown[] | undefined) ?? [] });
    }
    return query(...args);
  };
}

/** How often a Postgres backend checks that this process is still there, while it runs a statement. */
const CLIENT_CHECK_MS = 1000;

/**
 * How long a query waits for a connection: a new one that Postgres does not answer (a
 * network that drops packets, a server that hangs), or a free one of a full pool. Without
 * it such a wait has no end: every update behind it hangs, and the process looks alive.
 * With it the update fails, is apologised for and is received again.
 */
const CONNECT_TIMEOUT_MS = 10_000;

export function createDb(databaseUrl: string, options: { max?: number; onIdleError?: (error: Error) => void; connectTimeoutMs?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // A connection whose peer vanished without a word (a NAT or firewall forgot it) is found by
    // TCP keepalive instead of waiting for the next query to hang on it.
    keepAlive: true,
    // A backend whose process died (kill -9) stops within a second instead of committing a
    // statement nobody will acknowledge: the update is then received again and handled whole.
    options: `-c client_connection_check_interval=${CLIENT_CHECK_MS}`,
  });
  // An idle client losing its connection (a Postgres restart, a dropped database) must not
  // crash the process: the pool discards the client and the next query gets a fresh one.
  pool.on('error', options.onIdleError ?? (() => undefined));
  pool.on('connect', (client) => {
    prepareMarked(client);
    // A client in use whose connection drops (Postgres restarted, a network cut) emits
    // 'error'; unheard, that would end the process. Its query is rejected anyway, and the
    // pool discards it when it is released (no longer queryable).
    client.on('error', options.onIdleError ?? (() => undefined));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** The pool under each database createDb made: the readiness probe needs to discard a client, which Kysely cannot. */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * Whether Postgres answers `select 1` within `ms` (the readiness probe). A probe given up
 * leaves nothing stuck in the pool: a client still waited for is released as soon as it
 * comes, and a client whose query did not come back is discarded (released with the
 * error, which ends its connection) — its connection may hang (a network cut, a stalled
 * server), and handed to the next caller it would hang that one too; every probe given up
 * would otherwise keep one more of the pool's connections.
 */
export async function postgresAnswersWithin(db: Db, ms: number): Promise<boolean> {
  const pool = pools.get(db);
  if (!pool) throw new Error('postgresAnswersWithin takes a database made by createDb');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const connecting = pool.connect();
  let client: pg.PoolClient | undefined;
  try {
    const got = await Promise.race([connecting, late]);
    if (got === 'late') {
      connecting.then((c) => c.release(), () => undefined);
      return false;
    }
    client = got;
    const answering = client.query('select 1').then(() => true as const);
    // It may fail after the probe gave up (its connection ended below): nobody waits for it then.
    answering.catch(() => undefined);
    if ((await Promise.race([answering, late])) === 'late') throw new Error(`readiness probe: no answer to select 1 within ${ms} ms`);
    client.release();
    return true;
  } catch (error) {
    // Refused by Postgres (down), or no answer: that client is discarded, not reused.
    client?.release(error instanceof Error ? error : new Error(String(error)));
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the database named in the URL if it does not exist (when the server allows it).
 * With `create: false` only says whether it exists: a command line that reads must not
 * make an empty database of a mistyped name and answer from it.
 */
export async function ensureDatabase(databaseUrl: string, options: { create?: boolean } = {}): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return true;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount !== 0) return true;
    if (options.create === false) return false;
    await client.query(`create database "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
      // Another process created it meanwhile.
      if (error.code !== '42P04') throw error;
    });
    return true;
  } finally {
    await client.end();
  }
}
