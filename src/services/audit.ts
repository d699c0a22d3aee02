/** The audit log: who did what, when. One row per change, written in the change's transaction. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface AuditEntry {
  /** 'cli', 'telegram:<id>', 'person:<id>', … */
  actor: string;
  /** 'campaign.create', 'invites.revoke', … */
  action: string;
  /** Stored as JSON (Dates become ISO strings). */
  details: unknown;
  at: Date;
}

/** Writes one audit_log row; pass the transaction so the entry commits with the change. */
export function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  return recordAudits(db, [entry]);
}

/** Writes a row per entry, in one statement (a change of many things audited thing by thing). */
export async function recordAudits(db: Kysely<Database>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(entries.map((entry) => ({ actor: entry.actor, action: entry.action, details: JSON.stringify(entry.details), at: entry.at })))
    .execute();
}
