/** What both benchmarks need: a fresh database, and organizations each with one reporter. */
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { ChannelName } from '../src/chat/port.js';
import pg from 'pg';
import { createDb, ensureDatabase, type Db } from '../src/db/connect.js';
import type { Database } from '../src/db/schema.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bundledFormsDir, loadFormsFromDir } from '../src/forms/load.js';
import { syncBundledForms } from '../src/services/forms.js';
import { createCountingDb, type StatementCounter } from './sqlCount.js';

export const DATABASE_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * Drops and recreates `name`, migrated, with the bundled forms. With `counter`, every
 * statement the returned Db sends is counted (see sqlCount.ts).
 */
export async function freshDatabase(name: string, poolSize: number, counter?: StatementCounter): Promise<Db> {
  const admin = new pg.Client({ connectionString: `${DATABASE_SERVER}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  const url = `${DATABASE_SERVER}/${name}`;
  await ensureDatabase(url);
  const db = counter ? createCountingDb(url, poolSize, counter) : createDb(url, { max: poolSize });
  await migrateToLatest(db);
  await syncBundledForms(db, await loadFormsFromDir(bundledFormsDir));
  return db;
}

/**
 * `count` organizations CB00000… (from `firstOrg`), each with one reporter whose id on
 * `channel` is firstUserId + i (as text, as every external id).
 */
export async function seedReporters(
  db: Kysely<Database>,
  count: number,
  firstUserId: number | bigint,
  options: { channel?: ChannelName; firstOrg?: number } = {},
): Promise<void> {
  const BATCH = 1000;
  const channel = options.channel ?? 'telegram';
  const firstOrg = options.firstOrg ?? 0;
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => start + k);
    const orgs = await db
      .insertInto('organizations')
      .values(batch.map((i) => ({ code: organizationCode(firstOrg + i), name: `Chi bộ số ${firstOrg + i}`, type: 'chi_bo_co_so' as const })))
      .returning('id')
      .execute();
    const people = await db
      .insertInto('people')
      .values(batch.map((i) => ({ display_name: `Bí thư ${firstOrg + i}` })))
      .returning('id')
      .execute();
    await db
      .insertInto('identities')
      .values(batch.map((i, j) => ({ channel, external_id: String(BigInt(firstUserId) + BigInt(i)), person_id: people[j]!.id })))
      .execute();
    await db
      .insertInto('memberships')
      .values(batch.map((_, j) => ({ person_id: people[j]!.id, organization_id: orgs[j]!.id })))
      .execute();
  }
}

/** The code of the i-th seeded organization. */
export function organizationCode(i: number): string {
  return `CB${String(i).padStart(5, '0')}`;
}

/** A sink that counts bytes and samples RSS, taking each chunk on the next tick as a socket would. */
export interface CountingSink {
  sink: Writable;
  bytes(): number;
  /** The highest process.memoryUsage().rss seen: every 20 ms, at every chunk and at stop(). */
  peakRss(): number;
  /** Stops the 20 ms sampling (after a last sample). */
  stop(): void;
}

/** Starts sampling RSS now; call stop() when the file is written. */
export function countingSink(): CountingSink {
  let bytes = 0;
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 20);
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      sample();
      setImmediate(callback);
    },
  });
  return {
    sink,
    bytes: () => bytes,
    peakRss: () => peak,
    stop: () => {
      clearInterval(timer);
      sample();
    },
  };
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
