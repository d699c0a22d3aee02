import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from '../../migrations/index.js';

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider });
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
 * migrations besides is refused (ForeignSchemaError).
 */
export async function migrateToLatest(db: Kysely<any>, onAhead: (unknown: string[]) => void = () => undefined): Promise<string[]> {
  const known = new Set(Object.keys(migrations));
  const executed = await executedMigrations(db);
  const unknown = executed.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const missing = [...known].filter((name) => !executed.includes(name));
    if (missing.length > 0) throw new ForeignSchemaError(unknown, missing);
    onAhead(unknown);
    return [];
  }
  const result = await createMigrator(db).migrateToLatest();
  // A newer version migrated between the read above and the migrator's lock: that case again.
  if (result.error && (await executedMigrations(db)).some((name) => !known.has(name))) return migrateToLatest(db, onAhead);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
