/**
 * Which rounds get today's digest is decided in SQL over every round (roundsNeedingDigest)
 * and stated once in the policy (wantsDigest): the two agree at every edge of the rule —
 * opened exactly now or a millisecond later, closed now, later or before, due exactly at
 * the cut-off or a millisecond either side.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { digestCutoff, wantsDigest } from '../../src/reminders/policy.js';
import { roundsNeedingDigest } from '../../src/services/digests.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertCampaign, insertOrg, seedForms } from '../support/fixtures.js';

const NOW = at('2026-12-16T07:30');
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

let t: TestDb;
let db: Kysely<Database>;
const rounds: Array<{ id: string; opensAt: Date; closedAt: Date | null; dueAt: Date }> = [];

beforeAll(async () => {
  t = await createTestDb('digests');
  db = t.db;
  await seedForms(db);
  await insertOrg(db, { code: 'CB01', name: 'Chi bộ 1' });
  const cutoff = digestCutoff(NOW);
  for (const opensAt of [ms(NOW, -30 * 86_400_000), NOW, ms(NOW, 1)]) {
    for (const closedAt of [null, ms(NOW, -1), NOW, ms(NOW, 1)]) {
      for (const dueAt of [ms(cutoff, -1), cutoff, ms(cutoff, 1), ms(NOW, 86_400_000)]) {
        // A deadline is after the opening (a check constraint): the opening's edges meet a later deadline only.
        if (dueAt.getTime() <= opensAt.getTime()) continue;
        const id = await insertCampaign(db);
        await db.updateTable('campaigns').set({ opens_at: opensAt, closed_at: closedAt, due_at: dueAt }).where('id', '=', id).execute();
        rounds.push({ id, opensAt, closedAt, dueAt });
      }
    }
  }
});

afterAll(() => t.drop());

describe('the rounds in the daily digest', () => {
  it.each([
    ['at the instant', NOW],
    ['a millisecond before', ms(NOW, -1)],
    ['a millisecond after', ms(NOW, 1)],
  ])('are those the policy names, %s', async (_label, now) => {
    const expected = rounds.filter((r) => wantsDigest(r, now)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rounds.length);
    expect(await roundsNeedingDigest(db, now)).toEqual([...expected].sort((a, b) => Number(a) - Number(b)));
  });
});
