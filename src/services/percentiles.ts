/**
 * This round's 99th percentile and answer count per number question, for the
 * plausibility check. Computing it scans the round's answers, so each process keeps
 * it for a minute: a percentile a minute old judges "far above most organizations"
 * just as well, and the hot path stays two round trips.
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

export async function roundPercentiles(db: Kysely<Database>, campaignId: string, percentiles: ReadonlyMap<string, number>): Promise<RoundPercentiles> {
  if (percentiles.size === 0) return new Map();
  const keys = [...percentiles.keys()];
  const fractions = keys.map((k) => percentiles.get(k)! / 100);
  const { rows } = await sql<{ question_key: string; p99: number | string; answered: string }>`
    select a.question_key, percentile_cont(q.fraction) within group (order by a.num_value) as p99, count(*) as answered
    from unnest(${keys}::text[], ${fractions}::float8[]) as q(key, fraction)
    join answers a on a.question_key = q.key
    join submissions s on s.id = a.submission_id
    where s.campaign_id = ${campaignId} and a.num_value is not null
    group by a.question_key, q.fraction
  `.execute(db);
  return new Map(rows.map((r) => [r.question_key, { p99: Number(r.p99), answered: Number(r.answered) }]));
}
