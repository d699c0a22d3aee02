/** People who talk to the bot: reporters bound to organizations, and admins. */
import type { Kysely } from 'kysely';
import type { Database, OrganizationType, Person } from '../db/schema.js';
import type { Clock } from '../time.js';
import { recordAudit } from './audit.js';

export interface TelegramUserInput {
  telegramUserId: number;
  displayName: string;
  username?: string | null;
}

/** Inserts the person or refreshes their name, username and last_seen_at: one statement. */
export async function upsertPerson(db: Kysely<Database>, user: TelegramUserInput, now: Date): Promise<Person> {
  const displayName = user.displayName.trim() || `Người dùng ${user.telegramUserId}`;
  const username = user.username?.trim() || null;
  return db
    .insertInto('people')
    .values({
      telegram_user_id: user.telegramUserId,
      display_name: displayName,
      username,
      created_at: now,
      last_seen_at: now,
    })
    .onConflict((oc) =>
      oc.column('telegram_user_id').doUpdateSet({ display_name: displayName, username, last_seen_at: now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPersonByTelegramId(db: Kysely<Database>, telegramUserId: number | string): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('telegram_user_id', '=', String(telegramUserId)).executeTakeFirst();
}

/** An admin is flagged in the database or listed in ADMIN_IDS (config.adminIds). */
export function isAdmin(person: { is_admin: boolean; telegram_user_id: string | number }, adminIds: readonly number[]): boolean {
  return person.is_admin || adminIds.includes(Number(person.telegram_user_id));
}

export interface PersonOrganization {
  id: string;
  code: string;
  name: string;
  type: OrganizationType;
}

/** The organizations the person reports for, by name. */
export async function organizationsOf(db: Kysely<Database>, personId: string): Promise<PersonOrganization[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .where('m.person_id', '=', personId)
    .select(['o.id', 'o.code', 'o.name', 'o.type'])
    .orderBy('o.name')
    .orderBy('o.code')
    .execute();
}

/**
 * Grants or withdraws the admin flag. Granting to someone who has never written
 * to the bot creates their row (named 'Quản trị viên <id>' until they do);
 * withdrawing from an unknown id changes nothing and returns undefined.
 * ADMIN_IDS from the environment still make a person admin whatever the flag.
 */
export async function setAdmin(
  db: Kysely<Database>,
  telegramUserId: number,
  admin: boolean,
  clock: Clock,
  actor = 'cli',
): Promise<Person | undefined> {
  const now = clock.now();
  return db.transaction().execute(async (tx) => {
    const person = admin
      ? await tx
          .insertInto('people')
          .values({
            telegram_user_id: telegramUserId,
            display_name: `Quản trị viên ${telegramUserId}`,
            is_admin: true,
            created_at: now,
            last_seen_at: now,
          })
          .onConflict((oc) => oc.column('telegram_user_id').doUpdateSet({ is_admin: true }))
          .returningAll()
          .executeTakeFirstOrThrow()
      : await tx
          .updateTable('people')
          .set({ is_admin: false })
          .where('telegram_user_id', '=', String(telegramUserId))
          .returningAll()
          .executeTakeFirst();
    if (person) {
      await recordAudit(tx, { actor, action: admin ? 'admin.add' : 'admin.remove', details: { telegramUserId, personId: person.id }, at: now });
    }
    return person;
  });
}
