/** Reading organizations: the admin's list and lookups by code. */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, Organization, OrganizationType } from '../db/schema.js';

export interface OrganizationListing {
  id: string;
  code: string;
  name: string;
  type: OrganizationType;
  parentCode: string | null;
  /** People bound to the organization (who may report for it). */
  reporterCount: number;
}

/** Every organization ordered by code, with its parent's code and its number of reporters. */
export async function listOrganizations(db: Kysely<Database>): Promise<OrganizationListing[]> {
  const rows = await db
    .selectFrom('organizations as o')
    .leftJoin('organizations as p', 'p.id', 'o.parent_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('memberships')
          .select(['organization_id', (e) => e.fn.countAll<string>().as('n')])
          .groupBy('organization_id')
          .as('m'),
      (join) => join.onRef('m.organization_id', '=', 'o.id'),
    )
    .select(['o.id', 'o.code', 'o.name', 'o.type', 'p.code as parent_code', 'm.n'])
    .orderBy('o.code')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    type: r.type,
    parentCode: r.parent_code,
    reporterCount: Number(r.n ?? 0),
  }));
}

/** The organizations with these codes (any order; unknown codes are simply absent). */
export async function findByCodes(db: Kysely<Database>, codes: readonly string[]): Promise<Organization[]> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return [];
  return db
    .selectFrom('organizations')
    .selectAll()
    .where(sql<boolean>`code = any(${unique}::text[])`)
    .orderBy('code')
    .execute();
}

/**
 * A code as the import compares codes ("cb01" is CB01): `matches` without case, and
 * `exactFirst` to order by, should two organizations from before that rule differ only in case.
 * `code`: a value, or a column of the query (codes typed in a list, unnested).
 */
export function codeLookup(code: string | RawBuilder<string>, column: string = 'code') {
  const ref = sql.ref(column);
  return { matches: sql<boolean>`upper(${ref}) = upper(${code})`, exactFirst: sql`${ref} = ${code}` };
}

/**
 * The organizations codes typed in a list name, matched as codeLookup matches one:
 * each typed code with the stored code it is (the exact one first), and those that
 * name none. One statement for the whole list.
 */
export async function resolveCodes(db: Kysely<Database>, typed: readonly string[]): Promise<{ found: Map<string, { id: string; code: string }>; missing: string[] }> {
  const unique = [...new Set(typed)];
  if (unique.length === 0) return { found: new Map(), missing: [] };
  const lookup = codeLookup(sql<string>`t.typed`, 'o.code');
  const { rows } = await sql<{ typed: string; id: string; code: string }>`
    select distinct on (t.typed) t.typed, o.id, o.code
    from unnest(${unique}::text[]) as t(typed)
    join organizations o on ${lookup.matches}
    order by t.typed, ${lookup.exactFirst} desc, o.code
  `.execute(db);
  const found = new Map(rows.map((r) => [r.typed, { id: r.id, code: r.code }]));
  return { found, missing: unique.filter((code) => !found.has(code)) };
}

/** The organization with this code, whatever its case (codeLookup). */
export async function findByCode(db: Kysely<Database>, code: string): Promise<Organization | undefined> {
  const lookup = codeLookup(code);
  return db.selectFrom('organizations').selectAll().where(lookup.matches).orderBy(lookup.exactFirst, 'desc').orderBy('code').limit(1).executeTakeFirst();
}

export async function getOrganization(db: Kysely<Database>, id: string): Promise<Organization | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}
