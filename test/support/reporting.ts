/**
 * What the tests of the report dialogue stand on, whether they call the reporting
 * service directly or drive the bot process: a reply taken as a prompt, a scene of
 * one organization with its reporters and round, and the rows a submission left in
 * Postgres (its row, its answers by question key, its history oldest first).
 */
import { expect } from 'vitest';
import type { Db } from '../../src/db/connect.js';
import { FormCache } from '../../src/services/forms.js';
import { openReport, type ReportingDeps, type ReportReply } from '../../src/services/reporting.js';
import { ManualClock } from '../../src/time.js';
import { at, insertCampaign, insertOrg, insertPerson } from './fixtures.js';

export type Prompted = Extract<ReportReply, { kind: 'prompt' }>;

/** The reply, which must be a prompt. */
export function asPrompt(reply: ReportReply): Prompted {
  expect(reply.kind).toBe('prompt');
  return reply as Prompted;
}

/** The inbound event of Telegram update `updateId`. */
export const telegramUpdate = (updateId: number) => ({ channel: 'telegram' as const, dedupeKey: String(updateId) });

export interface ReportScene {
  deps: ReportingDeps;
  clock: ManualClock;
  orgId: string;
  campaignId: string;
  people: string[];
}

export interface ReportSceneOptions {
  formId?: string;
  reporters?: number;
  opens?: string;
  due?: string;
}

/**
 * Organization `code` («Chi bộ <code>») with `reporters` members (1 by default), each
 * with the next Telegram id of `telegramId`, a round of `formId` (QCDC by default)
 * targeting only it, and a clock at 10/12/2026 09:00.
 */
export async function reportScene(db: Db, code: string, telegramId: () => number, opts: ReportSceneOptions = {}): Promise<ReportScene> {
  const orgId = await insertOrg(db, { code, name: `Chi bộ ${code}` });
  const people: string[] = [];
  for (let i = 0; i < (opts.reporters ?? 1); i++) {
    people.push(await insertPerson(db, { telegramUserId: telegramId(), orgIds: [orgId] }));
  }
  const campaignId = await insertCampaign(db, {
    formId: opts.formId ?? 'dan_van_qcdc',
    orgCodes: [code],
    opens: opts.opens ?? '2026-12-01T00:00',
    due: opts.due ?? '2026-12-15T17:00',
  });
  const clock = new ManualClock(at('2026-12-10T09:00'));
  return { deps: { db, clock, forms: new FormCache(db) }, clock, orgId, campaignId, people };
}

/** The scene's report opened by `personId` (the first reporter by default): the prompt shown. */
export async function open(s: ReportScene, personId = s.people[0]!, deps = s.deps): Promise<Prompted> {
  return asPrompt(await openReport(deps, { personId, campaignId: s.campaignId, organizationId: s.orgId }));
}

/** Readers of a submission's rows, by its id, in the database `db()` returns when called. */
export function submissionRows(db: () => Db) {
  return {
    submissionRow(id: string) {
      return db().selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    },
    /** The answers by question key, in key order. */
    async answerRows(id: string) {
      const rows = await db().selectFrom('answers').selectAll().where('submission_id', '=', id).orderBy('question_key').execute();
      return new Map(rows.map((r) => [r.question_key, r]));
    },
    /** Every change of an answer, oldest first. */
    historyRows(id: string) {
      return db().selectFrom('answer_history').selectAll().where('submission_id', '=', id).orderBy('id').execute();
    },
  };
}
