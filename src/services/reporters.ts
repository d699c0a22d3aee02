/**
 * Who reports for an organization, and taking someone off it (a link sent to the wrong
 * person, a secretary replaced). Removing keeps the person and every answer they gave;
 * they just cannot open or answer the organization's reports any more.
 */
import type { Kysely } from 'kysely';
import type { ChannelName, Identity } from '../chat/port.js';
import { identityKey } from '../chat/identity.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../time.js';
import { recordAudit } from './audit.js';
import { inTransaction } from '../db/transaction.js';

export interface Reporter {
  personId: string;
  name: string;
  identities: Identity[];
  /** Of those, the accounts whose chat app refused a message (blocked the bot, deleted). */
  refused: Identity[];
  /** Every account on the enabled channels refused: nothing reaches them (someone with none there is not counted). */
  unreachable: boolean;
}

/**
 * The organization's reporters with their accounts; undefined when there is no such
 * organization. `channels`: the enabled ones, on which a reporter is unreachable or not (unset: every channel).
 */
export async function listReporters(db: Kysely<Database>, orgCode: string, channels?: readonly ChannelName[]): Promise<Reporter[] | undefined> {
  const org = await db.selectFrom('organizations').select('id').where('code', '=', orgCode.trim()).executeTakeFirst();
  if (!org) return undefined;
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .leftJoin('identities as i', 'i.person_id', 'p.id')
    .select(['p.id', 'p.display_name', 'i.channel', 'i.external_id', 'i.unreachable_at'])
    .where('m.organization_id', '=', org.id)
    .orderBy('p.display_name')
    .orderBy('p.id')
    .orderBy('i.channel')
    .execute();
  const byPerson = new Map<string, Reporter>();
  for (const r of rows) {
    const reporter = byPerson.get(r.id) ?? { personId: r.id, name: r.display_name, identities: [], refused: [], unreachable: false };
    if (r.channel && r.external_id) {
      reporter.identities.push({ channel: r.channel, externalId: r.external_id });
      if (r.unreachable_at) reporter.refused.push({ channel: r.channel, externalId: r.external_id });
    }
    byPerson.set(r.id, reporter);
  }
  for (const reporter of byPerson.values()) {
    const used = reporter.identities.filter((i) => !channels || channels.includes(i.channel));
    reporter.unreachable = used.length > 0 && used.every((i) => reporter.refused.some((x) => x.channel === i.channel && x.externalId === i.externalId));
  }
  return [...byPerson.values()];
}

export type RemoveReporterResult = { kind: 'removed'; name: string } | { kind: 'unknown_org' } | { kind: 'not_reporter' };

/** Takes the account's person off the organization, in one transaction with its audit entry. */
export async function removeReporter(
  db: Kysely<Database>,
  request: { orgCode: string; identity: Identity; actor?: string },
  clock: Clock,
): Promise<RemoveReporterResult> {
  const now = clock.now();
  return inTransaction(db, async (tx): Promise<RemoveReporterResult> => {
    const org = await tx.selectFrom('organizations').select(['id', 'code']).where('code', '=', request.orgCode.trim()).executeTakeFirst();
    if (!org) return { kind: 'unknown_org' };
    const person = await tx
      .selectFrom('identities as i')
      .innerJoin('people as p', 'p.id', 'i.person_id')
      .select(['p.id', 'p.display_name'])
      .where('i.channel', '=', request.identity.channel)
      .where('i.external_id', '=', request.identity.externalId)
      .executeTakeFirst();
    if (!person) return { kind: 'not_reporter' };
    const removed = await tx.deleteFrom('memberships').where('person_id', '=', person.id).where('organization_id', '=', org.id).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return { kind: 'not_reporter' };
    // A report of that organization they were answering is no longer theirs to answer.
    await tx
      .updateTable('people')
      .set({ active_submission_id: null, seen_step: null })
      .where('id', '=', person.id)
      .where('active_submission_id', 'in', tx.selectFrom('submissions').select('id').where('organization_id', '=', org.id))
      .execute();
    await recordAudit(tx, { actor: request.actor ?? 'cli', action: 'reporter.remove', details: { orgCode: org.code, personId: person.id, identity: identityKey(request.identity) }, at: now });
    return { kind: 'removed', name: person.display_name };
  });
}
