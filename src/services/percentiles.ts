/**
 * This round's 99th percentile and answer count per number question, for the
 * plausibility check, over the reports submitted so far: what the organizations have
 * reported, not figures still being typed. Read from the value histogram Postgres keeps
 * per round and question (figure_numbers, migrations/0005_round_figures.ts), so it costs
 * as many rows as there are distinct values, whatever the number of organizations or
 * past rounds. Each process still keeps it for a minute: a percentile a minute old judges
 * "far above most organizations" just as well, and the hot path stays two round trips.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export type RoundPercentiles = ReadonlyMap<string, { p99: number; answered: number }>;

const TTL_MS = 60_000;
/** Rounds remembered at once; the oldest is forgotten first. */
const MAX_ROUNDS = 200;

export class PercentileCache {
  private readonly rounds = new Map<string, { at: number; value: Promise<RoundPercentiles> }>();

  constructor(private readonly ttlMs = TTL_MS) {}

  /**
   * The round's figures, computed at most once per TTL (concurrent callers share one query).
   * `percentiles`: per question key, the percentile its form asks for (99 by default).
   */
  get(db: Kysely<Database>, campaignId: string, percentiles: ReadonlyMap<string, number>, nowMs: number): Promise<RoundPercentiles> {
    const cached = this.rounds.get(campaignId);
    if (cached && nowMs - cached.at < this.ttlMs) return cached.value;
    const value = roundPercentiles(db, campaignId, percentiles);
    this.rounds.delete(campaignId);
    this.rounds.set(campaignId, { at: nowMs, value });
    if (this.rounds.size > MAX_ROUNDS) this.rounds.delete(this.rounds.keys().next().value!);
    // A failed query is not remembered: the next answer asks again.
    value.catch(() => this.rounds.get(campaignId)?.value === value && this.rounds.delete(campaignId));
    return value;
  }
}

/**
 * percentile_cont over the histogram: the value at 0-based position f × (n − 1) of the
 * sorted values, interpolated between the two values around it (as Postgres's
 * percentile_cont over the answers themselves would give).
 */
export async function roundPercentiles(db: Kysely<Database>, campaignId: string, percentiles: ReadonlyMap<string, number>): Promise<RoundPercentiles> {
  if (percentiles.size === 0) return new Map();
  const keys = [...percentiles.keys()];
  const fractions = keys.map((k) => percentiles.get(k)! / 100);
  const { rows } = await sql<{ question_key: string; p99: number | string; answered: string }>`
    with h as (
      select f.question_key, f.value, q.fraction,
        sum(f.n) over (partition by f.question_key order by f.value) as upto,
        sum(f.n) over (partition by f.question_key) as total
      from unnest(${keys}::text[], ${fractions}::float8[]) as q(key, fraction)
      join figure_numbers f on f.campaign_id = ${campaignId} and f.question_key = q.key
    ),
    pos as (select distinct question_key, total, fraction * (total - 1) as at from h)
    select p.question_key, p.total as answered, lo.value + (p.at - floor(p.at))::numeric * (hi.value - lo.value) as p99
    from pos p
    cross join lateral (select value from h where h.question_key = p.question_key and h.upto > floor(p.at) order by value limit 1) lo
    cross join lateral (select value from h where h.question_key = p.question_key and h.upto > ceil(p.at) order by value limit 1) hi
  `.execute(db);
  return new Map(rows.map((r) => [r.question_key, { p99: Number(r.p99), answered: Number(r.answered) }]));
}
