/** Who a round's messages reach: for the office's view of one round (/dot N). */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface UnreachableReporters {
  total: number;
  first: Array<{ code: string; name: string; reporter: string }>;
}

/** Reporters of the round's organizations whom Telegram refuses to reach (they blocked the bot). */
export async function unreachableReporters(db: Kysely<Database>, campaignId: string, limit: number): Promise<UnreachableReporters> {
  const base = db
    .selectFrom('campaign_targets as t')
    .innerJoin('memberships as m', 'm.organization_id', 't.organization_id')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .where('t.campaign_id', '=', campaignId)
    .where('p.unreachable_at', 'is not', null);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    base.select(['o.code', 'o.name', 'p.display_name']).orderBy('o.code').limit(limit).execute(),
  ]);
  return { total: Number(count.n), first: rows.map((r) => ({ code: r.code, name: r.name, reporter: r.display_name })) };
}
