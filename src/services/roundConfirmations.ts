/**
 * The confirmation of «Nhắc ngay» or «Kết thúc đợt» last shown to an admin, so that its
 * options can be typed as they read («Nhắc ngay», «Không nhắc», «Kết thúc ngay», «Không,
 * để đợt tiếp tục»): on Zalo there is no button to carry the round's number, and only
 * the bot knows which round it asked about.
 *
 * It lives in the admin's admin_wizards row (one per admin), beside an unfinished wizard
 * under the key `confirmation` without touching that wizard's age, or alone as a row of
 * kind CONFIRMATION_KIND, which the wizard does not take for one of its own. A wizard
 * that moves on writes its row whole and so drops the confirmation: the admin has gone
 * on to something else.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { CONFIRMATION_KIND, WIZARD_TTL_MS, type WizardAdmin } from './campaignWizard.js';
import { upsertPerson } from './people.js';

export type ConfirmedAction = 'remind' | 'close';

export interface PendingConfirmation {
  action: ConfirmedAction;
  campaignId: string;
  /** When it was shown: an answer typed long after asks again, as a pressed button does. */
  shownAt: Date;
  /**
   * The admin answered a question of their own report since it was shown: the bot has asked
   * them something else meanwhile, so a word typed now may be meant for that, not for this.
   */
  reportAnsweredSince: boolean;
}

interface StoredConfirmation {
  action: ConfirmedAction;
  campaignId: string;
  shownAt: string;
}

function fromStored(value: unknown): PendingConfirmation | undefined {
  const v = value as Partial<StoredConfirmation> | null;
  if (!v || (v.action !== 'remind' && v.action !== 'close') || typeof v.campaignId !== 'string' || typeof v.shownAt !== 'string') return undefined;
  const shownAt = new Date(v.shownAt);
  return Number.isNaN(shownAt.getTime()) ? undefined : { action: v.action, campaignId: v.campaignId, shownAt, reportAnsweredSince: false };
}

/**
 * Records the confirmation just shown, replacing the one before. An admin from ADMIN_IDS
 * with no person yet gets one here, as the wizard gives them (the row hangs on it).
 */
export async function rememberConfirmation(db: Kysely<Database>, admin: WizardAdmin, confirmation: Omit<PendingConfirmation, 'reportAnsweredSince'>): Promise<void> {
  const now = confirmation.shownAt;
  const personId = 'personId' in admin ? admin.personId : (await upsertPerson(db, admin.user, now)).id;
  const stored: StoredConfirmation = { action: confirmation.action, campaignId: confirmation.campaignId, shownAt: now.toISOString() };
  const state = JSON.stringify({ confirmation: stored });
  const since = new Date(now.getTime() - WIZARD_TTL_MS);
  // One statement: beside a live wizard (kept as it is, its age too), or a row of its own.
  const beside = sql<boolean>`admin_wizards.kind <> ${CONFIRMATION_KIND} and admin_wizards.updated_at >= ${since}`;
  await db
    .insertInto('admin_wizards')
    .values({ person_id: personId, kind: CONFIRMATION_KIND, state, updated_at: now })
    .onConflict((oc) =>
      oc.column('person_id').doUpdateSet({
        state: sql`case when ${beside} then admin_wizards.state || excluded.state else excluded.state end`,
        kind: sql`case when ${beside} then admin_wizards.kind else excluded.kind end`,
        updated_at: sql`case when ${beside} then admin_wizards.updated_at else excluded.updated_at end`,
      }),
    )
    .execute();
}

/** The confirmation the admin was last shown, if it is younger than a wizard may grow (WIZARD_TTL_MS). */
export async function pendingConfirmation(db: Kysely<Database>, personId: string, now: Date): Promise<PendingConfirmation | undefined> {
  const row = await db
    .selectFrom('admin_wizards as w')
    .innerJoin('people as p', 'p.id', 'w.person_id')
    .leftJoin('submissions as s', (j) => j.onRef('s.id', '=', 'p.active_submission_id').onRef('s.updated_by', '=', 'w.person_id'))
    .select([sql<unknown>`w.state -> 'confirmation'`.as('confirmation'), 's.updated_at as report_updated_at'])
    .where('w.person_id', '=', personId)
    .executeTakeFirst();
  const pending = fromStored(row?.confirmation);
  if (!pending || now.getTime() - pending.shownAt.getTime() > WIZARD_TTL_MS) return undefined;
  const reportUpdatedAt = row?.report_updated_at;
  return { ...pending, reportAnsweredSince: reportUpdatedAt != null && reportUpdatedAt.getTime() > pending.shownAt.getTime() };
}

/**
 * The confirmation of this round and action has been answered (pressed or typed): it is
 * forgotten, so the other answer typed later does nothing. A newer one shown meanwhile stays.
 */
export async function forgetConfirmation(db: Kysely<Database>, personId: string, answered: { action: ConfirmedAction; campaignId: string }): Promise<void> {
  const same = sql<boolean>`state -> 'confirmation' @> ${JSON.stringify({ action: answered.action, campaignId: answered.campaignId })}::jsonb`;
  await db.deleteFrom('admin_wizards').where('person_id', '=', personId).where('kind', '=', CONFIRMATION_KIND).where(same).execute();
  await db
    .updateTable('admin_wizards')
    .set({ state: sql`state - 'confirmation'` })
    .where('person_id', '=', personId)
    .where(same)
    .execute();
}
