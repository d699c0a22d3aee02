/** Who a round's messages reach: for the office's view of one round (/dot N). */
import type { Kysely } from 'kysely';
import type { ChannelName } from '../chat/port.js';
import type { Database } from '../db/schema.js';
import { unreachablePerson } from './reachability.js';

export interface UnreachableReporters {
  total: number;
  first: Array<{ code: string; name: string; reporter: string }>;
}

/**
 * Reporters of the round's organizations whom no chat app lets the bot reach: every account
 * they have on the enabled channels (all channels when unset) refused messages (they blocked the
 * bot). Someone blocked on Zalo but reachable on Telegram is not one of them.
 */
export async function unreachableReporters(db: Kysely<Database>, campaignId: string, limit: number, channels?: readonly ChannelName[]): Promise<UnreachableReporters> {
  const base = db
    .selectFrom('campaign_targets as t')
    .innerJoin('memberships as m', 'm.organization_id', 't.organization_id')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .where('t.campaign_id', '=', campaignId)
    .where(unreachablePerson('p.id', channels));
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    base.select(['o.code', 'o.name', 'p.display_name']).orderBy('o.code').limit(limit).execute(),
  ]);
  return { total: Number(count.n), first: rows.map((r) => ({ code: r.code, name: r.name, reporter: r.display_name })) };
}
