import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { migrations as bundled } from '../../migrations/index.js';

/** `all`: the migrations to run (tests give their own); by default this version's. */
export function createMigrator(db: Kysely<any>, all: Record<string, Migration> = bundled): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => all } });
}

/** How long a migration's statement waits for a lock before it gives up (MIGRATION_LOCK_TIMEOUT_SECONDS). */
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_MS = 5000;
const DEFAULT_LOCK_ATTEMPTS = 3;
const DEFAULT_LOCK_PAUSE_MS = 1000;

/** lock_not_available: a statement gave up waiting for a lock (lock_timeout). */
const LOCK_NOT_AVAILABLE = '55P03';

function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE;
}

/**
 * Each migration first bounds, for the rest of the migrations' transaction, how long a
 * statement may wait for a lock. Why: on a live database a migration that waits behind a
 * long transaction (an ALTER TABLE behind a report being written) holds its place in the
 * lock's queue, and every query that comes after it waits too — the bot stops answering.
 * Given up after `ms`, it is rolled back whole and tried again a moment later, while
 * the queries behind it go through. set_config(…, true) is SET LOCAL with a parameter.
 */
function withLockTimeout(all: Record<string, Migration>, ms: number): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(all).map(([name, migration]) => [
      name,
      {
        ...migration,
        up: async (db: Kysely<any>) => {
          await sql`select set_config('lock_timeout', ${`${ms}ms`}, true)`.execute(db);
          await migration.up(db);
        },
      },
    ]),
  );
}

/** A migration gave up waiting for a lock as many times as it may: another transaction keeps holding it. */
export class MigrationLockError extends Error {
  override readonly name = 'MigrationLockError';
  constructor(
    readonly migration: string,
    readonly attempts: number,
    readonly lockTimeoutMs: number,
    options: { cause: unknown },
  ) {
    super(
      `Chưa nâng cấp được cơ sở dữ liệu: migration ${migration} đã ${attempts} lần chờ khoá quá ${lockTimeoutMs / 1000} giây vì một giao dịch khác đang giữ bảng nó cần. ` +
        'Không có gì thay đổi. Xem giao dịch đó trong pg_stat_activity (chờ nó xong hoặc dừng nó), rồi khởi động lại; hoặc tăng MIGRATION_LOCK_TIMEOUT_SECONDS.',
      options,
    );
  }
}

/** A migration that gave up waiting for a lock and is tried again after `pauseMs`. */
export interface LockWait {
  migration: string;
  /** The attempt that gave up, from 1; the next is attempt + 1 of `attempts`. */
  attempt: number;
  attempts: number;
  lockTimeoutMs: number;
  pauseMs: number;
}

export interface MigrateOptions {
  /** Told the migrations a newer version has run that this one does not know (it then migrates nothing). */
  onAhead?: (unknown: string[]) => void;
  /** Told each time a migration gave up waiting for a lock and is tried again. */
  onLockWait?: (wait: LockWait) => void;
  /** How long one statement may wait for a lock; default DEFAULT_MIGRATION_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
  /** Attempts in all before MigrationLockError; default 3. */
  lockAttempts?: number;
  /** The pause before an attempt again; default 1 s. */
  lockPauseMs?: number;
  /** The migrations to run; default this version's (tests give their own). */
  migrations?: Record<string, Migration>;
}

/**
 * The database has run migrations this version does not have, and lacks some it has: it
 * was migrated by another line of versions, and neither can run on it.
 */
export class ForeignSchemaError extends Error {
  override readonly name = 'ForeignSchemaError';
  constructor(
    readonly unknown: readonly string[],
    readonly missing: readonly string[],
  ) {
    super(
      `Cơ sở dữ liệu đã chạy migration mà phiên bản này không có (${unknown.join(', ')}) nhưng thiếu migration của phiên bản này (${missing.join(', ')}). ` +
        'Dùng đúng phiên bản đã nâng cấp cơ sở dữ liệu, hoặc khôi phục bản sao lưu trước khi nâng cấp.',
    );
  }
}

/** The migrations the database has run, in order; empty for a database never migrated. */
async function executedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows: table } = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db);
  if (!table[0]?.found) return [];
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Applies every pending migration; throws with the failing migration's name. A database
 * a newer version has migrated further (a rolling upgrade: this replica still runs the
 * version before) is used as it is when it has run every migration this version knows —
 * migrations only add, so the version before runs on the schema after — and `onAhead`
 * hears the migrations it does not know. One that lacks some of this version's
 * migrations besides is refused (ForeignSchemaError). A migration that waits for a lock
 * longer than `lockTimeoutMs` is rolled back and tried again (`onLockWait` hears of it),
 * and after `lockAttempts` refused with MigrationLockError, nothing changed.
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateOptions = {}): Promise<string[]> {
  const all = options.migrations ?? bundled;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_MIGRATION_LOCK_TIMEOUT_MS;
  const attempts = options.lockAttempts ?? DEFAULT_LOCK_ATTEMPTS;
  const pauseMs = options.lockPauseMs ?? DEFAULT_LOCK_PAUSE_MS;
  const known = new Set(Object.keys(all));
  const migrator = createMigrator(db, withLockTimeout(all, lockTimeoutMs));
  for (let attempt = 1; ; attempt++) {
    const executed = await executedMigrations(db);
    const unknown = executed.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      const missing = [...known].filter((name) => !executed.includes(name));
      if (missing.length > 0) throw new ForeignSchemaError(unknown, missing);
      options.onAhead?.(unknown);
      return [];
    }
    const result = await migrator.migrateToLatest();
    if (!result.error) return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    // A newer version migrated between the read above and the migrator's lock: that case, read again.
    if ((await executedMigrations(db)).some((name) => !known.has(name))) continue;
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    if (isLockTimeout(result.error)) {
      if (attempt >= attempts) throw new MigrationLockError(failed, attempts, lockTimeoutMs, { cause: result.error });
      options.onLockWait?.({ migration: failed, attempt, attempts, lockTimeoutMs, pauseMs });
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      continue;
    }
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed} failed: ${cause}`, { cause: result.error });
  }
}
