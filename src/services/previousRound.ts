/**
 * Which round a round is compared with — "tăng 08 so với Năm 2025" in the summary, last
 * round's figure in the plausibility check: a round of the same form whose period ends
 * before this one's does, the latest such. By period, not by when it opened: a past year
 * entered late (so that the first year in the bot has something to compare with) must not
 * become the "previous" round of the next real one. A round without a period stands at the
 * day it opened; rounds of one period are never each other's previous.
 */
import { sql, type RawBuilder } from 'kysely';
import { TIME_ZONE } from '../time.js';

/** Where round `alias` stands among its form's rounds: the day its period ends, else the day it opened. */
function standing(alias: string): RawBuilder<string> {
  return sql`coalesce(${sql.ref(`${alias}.period_end`)}, (${sql.ref(`${alias}.opens_at`)} at time zone ${sql.lit(TIME_ZONE)})::date)`;
}

/** Round `earlier` stands before round `round` (the same form is the caller's condition). */
export function standsBefore(earlier: string, round: string): RawBuilder<boolean> {
  return sql<boolean>`${standing(earlier)} < ${standing(round)}`;
}

/** The order that puts the previous round first among those standing before. */
export function latestFirst(alias: string): RawBuilder<unknown> {
  return sql`${standing(alias)} desc, ${sql.ref(`${alias}.opens_at`)} desc, ${sql.ref(`${alias}.id`)} desc`;
}
