/**
 * People who talk to the bot: reporters bound to organizations, and admins. A person
 * is reached through identities, one per chat app account: (channel, external id).
 */
import { sql, type Kysely } from 'kysely';
import { identityKey, sameIdentity } from '../chat/identity.js';
import type { Identity } from '../chat/port.js';
import { PREPARED } from '../db/connect.js';
import type { Database, OrganizationType, Person } from '../db/schema.js';
import type { Clock } from '../time.js';
import { recordAudit } from './audit.js';
import { inTransaction } from '../db/transaction.js';

export interface ChannelUser {
  identity: Identity;
  displayName: string;
  username?: string | null;
}

/** The person an account belongs to, if it is known. */
export async function personIdOf(db: Kysely<Database>, identity: Identity): Promise<string | undefined> {
  const row = await db
    .selectFrom('identities')
    .select('person_id')
    .where('channel', '=', identity.channel)
    .where('external_id', '=', identity.externalId)
    .executeTakeFirst();
  return row?.person_id;
}

/**
 * Gives a new person its account; false when the account was bound at the same moment
 * elsewhere (another process, the CLI): the new person is deleted and the caller uses that one.
 */
async function bindNewPerson(db: Kysely<Database>, identity: Identity, personId: string, now: Date | undefined, seen: boolean): Promise<boolean> {
  const bound = await db
    .insertInto('identities')
    .values({ channel: identity.channel, external_id: identity.externalId, person_id: personId, ...(now ? { created_at: now } : {}), ...(seen && now ? { last_seen_at: now } : {}) })
    .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
    .returning('person_id')
    .executeTakeFirst();
  if (!bound) await db.deleteFrom('people').where('id', '=', personId).execute();
  return bound !== undefined;
}

/**
 * Inserts the person behind the identity or refreshes their name and last_seen_at.
 * Runs in the caller's transaction (registration, an admin's first wizard).
 */
export async function upsertPerson(db: Kysely<Database>, user: ChannelUser, now: Date): Promise<Person> {
  const { channel, externalId } = user.identity;
  const displayName = user.displayName.trim() || `Người dùng ${externalId}`;
  const username = user.username?.trim() || null;
  const known = await db
    .updateTable('identities')
    .set({ last_seen_at: now })
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .returning('person_id')
    .executeTakeFirst();
  if (known) {
    return db
      .updateTable('people')
      .set({ display_name: displayName, username, last_seen_at: now })
      .where('id', '=', known.person_id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  const person = await db
    .insertInto('people')
    .values({ display_name: displayName, username, created_at: now, last_seen_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return (await bindNewPerson(db, user.identity, person.id, now, true)) ? person : upsertPerson(db, user, now);
}

/** The person behind an identity, with every identity they have (admin rights follow any of them). */
export interface KnownPerson {
  person: Person;
  identities: Identity[];
}

/** Identities touched less recently than this are stamped again when the person writes. */
const LAST_SEEN_RESOLUTION = '10 minutes';

/**
 * What looking up who wrote also writes, as the CTE `touched` of the statement that reads
 * the person: this identity is the one they last wrote from (messages follow the most
 * recent channel), and it can be reached again if they had blocked the bot there. Only
 * this account: a message on Telegram says nothing of a block on Zalo, which stands until
 * they write on Zalo. The stamp is refreshed at most every few minutes, unless another
 * identity of the person is more recent or this one was marked unreachable. The
 * statement's reads see the person as before these writes.
 */
export function identitySeen(identity: Identity, now: Date) {
  // One update of the row (two CTEs updating one row in a statement leave only one of them done).
  return sql`touched as (
      update identities me set last_seen_at = ${now}, unreachable_at = null, unreachable_reason = null
      where me.channel = ${identity.channel} and me.external_id = ${identity.externalId}
        and (me.last_seen_at is null or me.last_seen_at < ${now}::timestamptz - ${LAST_SEEN_RESOLUTION}::interval
             or me.unreachable_at is not null
             or exists (select 1 from identities o where o.person_id = me.person_id
                        and (o.channel, o.external_id) <> (me.channel, me.external_id) and o.last_seen_at > me.last_seen_at))
      returning me.person_id
    )`;
}

/** The person `p` as KnownPerson needs it; its id as person_id, so that other tables' ids can sit beside it. */
export const KNOWN_PERSON_COLUMNS = sql`p.id as person_id, p.display_name, p.username, p.is_admin, p.active_submission_id, p.seen_step,
      p.created_at, p.last_seen_at, p.last_answer_text,
      (select json_agg(json_build_object('channel', i.channel, 'externalId', i.external_id)) from identities i where i.person_id = p.id) as identities`;

export type KnownPersonRow = Omit<Person, 'id'> & { person_id: string; identities: Identity[] };

export function knownPersonOf(row: KnownPersonRow): KnownPerson {
  return {
    person: {
      id: row.person_id,
      display_name: row.display_name,
      username: row.username,
      is_admin: row.is_admin,
      active_submission_id: row.active_submission_id,
      seen_step: row.seen_step,
      created_at: row.created_at,
      last_seen_at: row.last_seen_at,
      last_answer_text: row.last_answer_text,
    },
    identities: row.identities,
  };
}

/** The `from` and `where` of a lookup of the person `p` an account (`me`) belongs to. */
function personOfIdentity(identity: Identity) {
  return sql`from identities me join people p on p.id = me.person_id
    where me.channel = ${identity.channel} and me.external_id = ${identity.externalId}`;
}

/** Looks up who wrote, in one statement that also records it (identitySeen). */
export async function findPersonByIdentity(db: Kysely<Database>, identity: Identity, now: Date): Promise<KnownPerson | undefined> {
  const result = await sql<KnownPersonRow>`${sql.raw(PREPARED)}
    with ${identitySeen(identity, now)}
    select ${KNOWN_PERSON_COLUMNS} ${personOfIdentity(identity)}
  `.execute(db);
  const row = result.rows[0];
  return row ? knownPersonOf(row) : undefined;
}

/**
 * Whether the account is an admin now (callerIsAdmin), read only: opening a download link
 * is not the person writing to the bot, so nothing about their accounts is recorded.
 */
export async function isAdminNow(db: Kysely<Database>, identity: Identity, adminIds: readonly Identity[]): Promise<boolean> {
  const { rows } = await sql<KnownPersonRow>`select ${KNOWN_PERSON_COLUMNS} ${personOfIdentity(identity)}`.execute(db);
  return callerIsAdmin(rows[0] ? knownPersonOf(rows[0]) : undefined, identity, adminIds);
}

/** The account that wrote is an admin: its person (with any of their accounts) is, or the account itself is listed in ADMIN_IDS. */
export function callerIsAdmin(known: KnownPerson | undefined, identity: Identity, adminIds: readonly Identity[]): boolean {
  return isAdmin(known?.person, known?.identities ?? [identity], adminIds);
}

/** An admin is flagged in the database or has an identity listed in ADMIN_IDS (config.adminIds). */
export function isAdmin(person: { is_admin: boolean } | undefined, identities: readonly Identity[], adminIds: readonly Identity[]): boolean {
  return (person?.is_admin ?? false) || identities.some((i) => adminIds.some((a) => sameIdentity(a, i)));
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

/** The person registered with an invite once and belongs to no organization now: the office removed them. */
export async function wasRemoved(db: Kysely<Database>, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom('people as p')
    .select((eb) => [
      eb.exists(eb.selectFrom('invites').select('id').where('used_by_person_id', '=', personId)).as('invited'),
      eb.exists(eb.selectFrom('memberships').select('person_id').where('person_id', '=', personId)).as('member'),
    ])
    .where('p.id', '=', personId)
    .executeTakeFirst();
  return row !== undefined && Boolean(row.invited) && !row.member;
}

/** The placeholder name of an admin known only by id, until they write to the bot. */
function adminPlaceholderName(identity: Identity): string {
  return `Quản trị viên ${identity.externalId}`;
}

/**
 * ADMIN_IDS are configuration, not rows: give each identity a person so deliveries
 * (digest, escalation) can point at it. Existing identities are left as they are.
 */
export async function ensureAdminPeople(db: Kysely<Database>, adminIds: readonly Identity[]): Promise<void> {
  if (adminIds.length === 0) return;
  await inTransaction(db, async (tx) => {
    for (const identity of adminIds) {
      if (await personIdOf(tx, identity)) continue;
      const person = await tx.insertInto('people').values({ display_name: adminPlaceholderName(identity) }).returning('id').executeTakeFirstOrThrow();
      await bindNewPerson(tx, identity, person.id, undefined, false);
    }
  });
}

/**
 * Grants or withdraws the admin flag. Granting to an identity that has never written
 * to the bot creates its person (named 'Quản trị viên <id>' until they do);
 * withdrawing from an unknown identity changes nothing and returns undefined.
 * ADMIN_IDS from the environment still make a person admin whatever the flag.
 */
export async function setAdmin(
  db: Kysely<Database>,
  identity: Identity,
  admin: boolean,
  clock: Clock,
  actor = 'cli',
): Promise<Person | undefined> {
  const now = clock.now();
  return inTransaction(db, async (tx) => {
    let known = await personIdOf(tx, identity);
    let person: Person | undefined;
    if (!known && admin) {
      const created = await tx
        .insertInto('people')
        .values({ display_name: adminPlaceholderName(identity), is_admin: true, created_at: now, last_seen_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      // Bound elsewhere at the same moment: the flag goes to that person instead.
      if (await bindNewPerson(tx, identity, created.id, now, false)) person = created;
      else known = await personIdOf(tx, identity);
    }
    if (known) person = await tx.updateTable('people').set({ is_admin: admin }).where('id', '=', known).returningAll().executeTakeFirstOrThrow();
    if (person) {
      await recordAudit(tx, { actor, action: admin ? 'admin.add' : 'admin.remove', details: { identity: identityKey(identity), personId: person.id }, at: now });
    }
    return person;
  });
}
