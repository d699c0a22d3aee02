import { sql, type Kysely } from 'kysely';

/**
 * "Unreachable" belongs to an account, not to a person: Zalo refusing a message (the
 * secretary blocked the bot there) says nothing about their Telegram account, and until
 * now it stopped their Telegram reminders too. The mark moves to identities; a person is
 * unreachable only when every account on the channels in use is.
 *
 * The marks already set are copied to the accounts the ledger shows refused them: the
 * outbox marks the person in the same moment it records the delivery failed as
 * 'unreachable' on its channel, so a failure of that kind from a minute before the mark
 * on names the channel (both, when both refused). That is exact, where "the account
 * used most recently" is only a guess: the person may have written from the other app
 * since the block, without clearing it. When the ledger has no such failure (a mark set
 * by hand, its delivery merged away by /lienket), every account of the person is
 * marked: as unreachable as before, until they write from one of them.
 *
 * people.unreachable_at and people.unreachable_reason stay: during a rolling upgrade
 * the replicas of the version before still read and write them (docs/production.md,
 * *Upgrading*). This version neither reads nor writes them, so they grow stale; a later
 * migration may drop them once no replica of the version before can run. Adding two
 * nullable columns rewrites no row; the copy touches the marked people's accounts only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table identities add column unreachable_at timestamptz, add column unreachable_reason text`.execute(db);
  await sql`
    with refusals as (
      select d.person_id, coalesce(d.channel, 'telegram') as channel
      from deliveries d join people p on p.id = d.person_id
      where p.unreachable_at is not null and d.status = 'failed' and d.failure = 'unreachable'
        and d.updated_at >= p.unreachable_at - interval '1 minute'
    )
    update identities i set unreachable_at = p.unreachable_at, unreachable_reason = p.unreachable_reason
    from people p
    where p.id = i.person_id and p.unreachable_at is not null
      and (exists (select 1 from refusals r where r.person_id = p.id and r.channel = i.channel)
           or not exists (select 1 from refusals r where r.person_id = p.id))
  `.execute(db);
}

/**
 * The version before marks people: a person is marked when every one of their accounts
 * is (with the latest mark), and not otherwise — its people columns were left stale.
 */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update people p set
      unreachable_at = case when m.every then m.unreachable_at end,
      unreachable_reason = case when m.every then m.unreachable_reason end
    from (
      select distinct on (person_id) person_id, unreachable_at, unreachable_reason,
        bool_and(unreachable_at is not null) over (partition by person_id) as every
      from identities
      order by person_id, unreachable_at desc nulls last
    ) m
    where m.person_id = p.id
  `.execute(db);
  await sql`alter table identities drop column unreachable_at, drop column unreachable_reason`.execute(db);
}
