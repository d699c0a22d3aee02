import { sql, type Kysely } from 'kysely';

/**
 * The figures of a round, maintained by Postgres as reports change, so the consolidated
 * summary reads a few hundred rows whatever the number of organizations
 * (src/reports/counts.ts reads them; scanRoundCounts there is the full-scan reference).
 *
 * - figure_counts: per (campaign, organization type, question, bucket) a count n, and for
 *   the 'num' bucket the sum of the numbers in `total`. Progress buckets have question ''
 *   ('target', 'submitted', 'late'); per question: 'answered', 'num', 'outlier', 'yes',
 *   'no', 'text', 'date', and 'c:<value>' per choice (multi-choice: per element, once per
 *   report). Rows that fall back to zero stay (they are few and hot).
 * - figure_numbers / figure_dates: per (campaign, question) a histogram of the values, so
 *   min and max are index probes; a value whose count reaches 0 is deleted.
 * - figure_contributions: what each counted report (submitted, by a target organization)
 *   currently adds, with the campaign and organization type it was counted under, as
 *   parallel arrays sorted by (question, bucket). A recount subtracts exactly that and
 *   adds the fresh contribution; a report that does not count has no row.
 *
 * figure_recount(submission ids, target deltas) does all the writing. Deadlocks: it locks
 * in one global order — the submissions by id (FOR NO KEY UPDATE, which also serializes
 * two recounts of one report), then figure_counts rows, figure_numbers rows and
 * figure_dates rows, each sorted by key, every change of one call in one statement per
 * table. Triggers collect everything a statement changed into one call: the submissions'
 * row triggers (filtered by WHEN, so that draft-only updates call nothing) note the ids
 * in a transaction-local setting and a statement trigger recounts them; answers and
 * targets use statement triggers with transition tables. The answers triggers lock the
 * reports touched before reading their status, so an answer written while another
 * transaction submits its report is counted once both commit. Target changes and
 * organization type changes are serialized by an advisory lock taken before any of their
 * rows is (targets share it; type changes and deletions of organizations take it
 * exclusively), so a target added while its organization changes type is counted once,
 * under the right type. A TRUNCATE of a source table rebuilds everything.
 *
 * What can still deadlock (a transaction is aborted, the counts stay right): a transaction
 * that recounts in several statements (two UPDATEs each submitting a report) holds figure
 * rows from the first while the second locks its report; an answer written without the
 * submission row being locked first (the dialogue's step write updates it in the same
 * statement, before the answers) against a writer of the same report that locks it first;
 * multi-row statements locking reports in another order than by id. The application
 * writes one report per statement, submission row first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // No write may slip between the backfill and the triggers.
  await sql`lock table organizations, campaign_targets, submissions, answers in share row exclusive mode`.execute(db);

  await sql`
    create table figure_counts (
      campaign_id bigint not null references campaigns (id) on delete cascade,
      org_type text not null,
      question_key text not null,
      bucket text not null,
      n bigint not null default 0,
      total numeric not null default 0,
      primary key (campaign_id, org_type, question_key, bucket)
    )`.execute(db);
  await sql`
    create table figure_numbers (
      campaign_id bigint not null references campaigns (id) on delete cascade,
      question_key text not null,
      value numeric not null,
      n bigint not null,
      primary key (campaign_id, question_key, value)
    )`.execute(db);
  await sql`
    create table figure_dates (
      campaign_id bigint not null references campaigns (id) on delete cascade,
      question_key text not null,
      value date not null,
      n bigint not null,
      primary key (campaign_id, question_key, value)
    )`.execute(db);
  // No foreign key to submissions: a deleted report's row must still be there when its
  // trigger subtracts it (the trigger deletes it then).
  await sql`
    create table figure_contributions (
      submission_id bigint primary key,
      campaign_id bigint not null,
      org_type text not null,
      question_keys text[] not null,
      buckets text[] not null,
      totals numeric[] not null,
      days date[] not null
    )`.execute(db);

  await sql`create type figure_count_delta as (campaign_id bigint, org_type text, question_key text, bucket text, n bigint, total numeric)`.execute(db);
  await sql`create type figure_number_delta as (campaign_id bigint, question_key text, value numeric, n bigint)`.execute(db);
  await sql`create type figure_date_delta as (campaign_id bigint, question_key text, value date, n bigint)`.execute(db);

  await sql.raw(RECOUNT_FUNCTION).execute(db);
  await sql.raw(TRIGGER_FUNCTIONS).execute(db);

  // Backfill: the targets, then every submitted report in one recount.
  await sql`select figure_rebuild()`.execute(db);

  await sql.raw(TRIGGERS).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop trigger if exists figure_submissions_ins on submissions;
    drop trigger if exists figure_submissions_upd on submissions;
    drop trigger if exists figure_submissions_flush on submissions;
    drop trigger if exists figure_submissions_del on submissions;
    drop trigger if exists figure_answers_ins on answers;
    drop trigger if exists figure_answers_upd on answers;
    drop trigger if exists figure_answers_del on answers;
    drop trigger if exists figure_targets_lock on campaign_targets;
    drop trigger if exists figure_targets_ins on campaign_targets;
    drop trigger if exists figure_targets_upd on campaign_targets;
    drop trigger if exists figure_targets_del on campaign_targets;
    drop trigger if exists figure_orgs_lock_type on organizations;
    drop trigger if exists figure_orgs_lock_delete on organizations;
    drop trigger if exists figure_orgs_type on organizations;
    drop trigger if exists figure_orgs_delete on organizations;
    drop trigger if exists figure_campaigns_form on campaigns;
    drop trigger if exists figure_answers_truncate on answers;
    drop trigger if exists figure_submissions_truncate on submissions;
    drop trigger if exists figure_targets_truncate on campaign_targets;
    drop trigger if exists figure_orgs_truncate on organizations;
    drop function if exists figure_submissions_row_changed();
    drop function if exists figure_submissions_flush();
    drop function if exists figure_submissions_deleted();
    drop function if exists figure_answers_changed();
    drop function if exists figure_types_lock();
    drop function if exists figure_targets_changed();
    drop function if exists figure_orgs_type_changed();
    drop function if exists figure_orgs_deleting();
    drop function if exists figure_campaigns_form_changed();
    drop function if exists figure_truncated();
    drop function if exists figure_rebuild();
    drop function if exists figure_recount(bigint[], figure_count_delta[]);
    drop table if exists figure_contributions;
    drop table if exists figure_dates;
    drop table if exists figure_numbers;
    drop table if exists figure_counts;
    drop type if exists figure_date_delta;
    drop type if exists figure_number_delta;
    drop type if exists figure_count_delta;
  `).execute(db);
}

/**
 * figure_recount(submissions, extra): recounts the reports (whatever their status; one
 * that does not count ends with no contribution) and adds `extra` (the target buckets'
 * changes) to figure_counts, all in one sorted pass per table.
 */
const RECOUNT_FUNCTION = `
create function figure_recount(p_submissions bigint[], p_extra figure_count_delta[] default '{}')
returns void
language plpgsql
-- The statements below are planned once per connection: planning the big one took longer
-- than running it for a report (its plan does not depend on how many reports are passed).
set plan_cache_mode = force_generic_plan
as $fn$
declare
  v_counts figure_count_delta[];
  v_numbers figure_number_delta[];
  v_dates figure_date_delta[];
begin
  p_submissions := coalesce(p_submissions, '{}');
  p_extra := coalesce(p_extra, '{}');
  if cardinality(p_submissions) = 0 and cardinality(p_extra) = 0 then
    return;
  end if;

  -- 1. The reports, by id: a second recount of one of them waits here, then reads
  -- what the first one stored.
  if cardinality(p_submissions) > 0 then
    perform 1 from submissions where id = any(p_submissions) order by id for no key update;
  end if;

  -- 2. Fresh contributions, stored; the change since the stored ones, as deltas.
  with counted as (
    select s.id, s.campaign_id, o.type as org_type, s.late
    from submissions s
    join campaign_targets t on t.campaign_id = s.campaign_id and t.organization_id = s.organization_id
    join organizations o on o.id = s.organization_id
    where s.id = any(p_submissions) and s.status = 'submitted'
  ),
  -- Question types from each campaign's form, read once.
  question_types as (
    select c.id as campaign_id, q.value ->> 'key' as question_key, q.value ->> 'type' as type
    from campaigns c
    join forms f on f.id = c.form_id and f.version = c.form_version
    cross join lateral jsonb_array_elements(f.definition -> 'questions') q
    where c.id in (select campaign_id from counted)
  ),
  fresh as (
    select c.id as submission_id, c.campaign_id, c.org_type, ''::text as question_key, 'submitted'::text as bucket,
      null::numeric as total, null::date as day
    from counted c
    union all
    select c.id, c.campaign_id, c.org_type, '', 'late', null, null from counted c where c.late
    union all
    select c.id, c.campaign_id, c.org_type, a.question_key, b.bucket, b.total, b.day
    from counted c
    join answers a on a.submission_id = c.id
    left join question_types qt on qt.campaign_id = c.campaign_id and qt.question_key = a.question_key
    cross join lateral (
      values
        ('answered'::text, null::numeric, null::date, not a.skipped),
        ('num', a.num_value, null, a.num_value is not null),
        ('outlier', null, null, a.confirmed_outlier),
        ('yes', null, null, a.bool_value is true),
        ('no', null, null, a.bool_value is false),
        ('text', null, null, btrim(coalesce(a.text_value, '')) <> ''),
        ('date', null, a.date_value, a.date_value is not null),
        ('c:' || a.text_value, null, null, qt.type = 'choice' and a.text_value is not null)
    ) b(bucket, total, day, present)
    where b.present
    union all
    select distinct c.id, c.campaign_id, c.org_type, a.question_key, 'c:' || e.choice, null::numeric, null::date
    from counted c
    join answers a on a.submission_id = c.id
    join question_types qt on qt.campaign_id = c.campaign_id and qt.question_key = a.question_key and qt.type = 'multi_choice'
    cross join lateral unnest(a.choice_values) e(choice)
    where e.choice is not null
  ),
  packed as (
    select submission_id, campaign_id, org_type,
      array_agg(question_key order by question_key, bucket) as question_keys,
      array_agg(bucket order by question_key, bucket) as buckets,
      array_agg(total order by question_key, bucket) as totals,
      array_agg(day order by question_key, bucket) as days
    from fresh
    group by submission_id, campaign_id, org_type
  ),
  stored as (
    select fc.submission_id, fc.campaign_id, fc.org_type, u.question_key, u.bucket, u.total, u.day
    from figure_contributions fc
    cross join lateral unnest(fc.question_keys, fc.buckets, fc.totals, fc.days) u(question_key, bucket, total, day)
    where fc.submission_id = any(p_submissions)
  ),
  gone as (
    delete from figure_contributions
    where submission_id = any(p_submissions) and submission_id not in (select submission_id from packed)
  ),
  saved as (
    insert into figure_contributions as fc (submission_id, campaign_id, org_type, question_keys, buckets, totals, days)
    select submission_id, campaign_id, org_type, question_keys, buckets, totals, days from packed
    on conflict (submission_id) do update set
      campaign_id = excluded.campaign_id, org_type = excluded.org_type, question_keys = excluded.question_keys,
      buckets = excluded.buckets, totals = excluded.totals, days = excluded.days
    where (fc.campaign_id, fc.org_type, fc.question_keys, fc.buckets, fc.totals, fc.days)
      is distinct from (excluded.campaign_id, excluded.org_type, excluded.question_keys, excluded.buckets, excluded.totals, excluded.days)
  ),
  signed as (
    select campaign_id, org_type, question_key, bucket, total, day, -1 as sign from stored
    union all
    select campaign_id, org_type, question_key, bucket, total, day, 1 from fresh
  ),
  count_deltas as (
    select campaign_id, org_type, question_key, bucket, sum(n)::bigint as n, coalesce(sum(total), 0) as total
    from (
      select campaign_id, org_type, question_key, bucket, sign as n, sign * total as total from signed
      union all
      select e.campaign_id, e.org_type, e.question_key, e.bucket, e.n, e.total from unnest(p_extra) e
    ) d
    group by campaign_id, org_type, question_key, bucket
    having sum(n) <> 0 or coalesce(sum(total), 0) <> 0
  ),
  number_deltas as (
    select campaign_id, question_key, total as value, sum(sign)::bigint as n
    from signed where bucket = 'num'
    group by campaign_id, question_key, total
    having sum(sign) <> 0
  ),
  date_deltas as (
    select campaign_id, question_key, day as value, sum(sign)::bigint as n
    from signed where bucket = 'date'
    group by campaign_id, question_key, day
    having sum(sign) <> 0
  )
  select
    (select array_agg(row(campaign_id, org_type, question_key, bucket, n, total)::figure_count_delta
       order by campaign_id, org_type, question_key, bucket) from count_deltas),
    (select array_agg(row(campaign_id, question_key, value, n)::figure_number_delta
       order by campaign_id, question_key, value) from number_deltas),
    (select array_agg(row(campaign_id, question_key, value, n)::figure_date_delta
       order by campaign_id, question_key, value) from date_deltas)
  into v_counts, v_numbers, v_dates;

  -- 3. The deltas, in key order. A campaign being deleted (its rows cascade away) gets none.
  if v_counts is not null then
    insert into figure_counts as f (campaign_id, org_type, question_key, bucket, n, total)
    select d.campaign_id, d.org_type, d.question_key, d.bucket, d.n, d.total
    from unnest(v_counts) with ordinality d
    where exists (select 1 from campaigns c where c.id = d.campaign_id)
    order by d.ordinality
    on conflict (campaign_id, org_type, question_key, bucket) do update set n = f.n + excluded.n, total = f.total + excluded.total;
  end if;
  if v_numbers is not null then
    insert into figure_numbers as f (campaign_id, question_key, value, n)
    select d.campaign_id, d.question_key, d.value, d.n
    from unnest(v_numbers) with ordinality d
    where exists (select 1 from campaigns c where c.id = d.campaign_id)
    order by d.ordinality
    on conflict (campaign_id, question_key, value) do update set n = f.n + excluded.n;
    delete from figure_numbers f using unnest(v_numbers) d
    where f.campaign_id = d.campaign_id and f.question_key = d.question_key and f.value = d.value and f.n <= 0;
  end if;
  if v_dates is not null then
    insert into figure_dates as f (campaign_id, question_key, value, n)
    select d.campaign_id, d.question_key, d.value, d.n
    from unnest(v_dates) with ordinality d
    where exists (select 1 from campaigns c where c.id = d.campaign_id)
    order by d.ordinality
    on conflict (campaign_id, question_key, value) do update set n = f.n + excluded.n;
    delete from figure_dates f using unnest(v_dates) d
    where f.campaign_id = d.campaign_id and f.question_key = d.question_key and f.value = d.value and f.n <= 0;
  end if;
end
$fn$;
`;

/** Advisory lock serializing target changes (shared) with type changes and deletions of organizations (exclusive). */
const TYPES_LOCK = `1718183795, 1`;

const TRIGGER_FUNCTIONS = `
-- Everything from scratch: the backfill, and after a TRUNCATE of a table the figures come from.
create function figure_rebuild() returns void
language plpgsql as $fn$
begin
  delete from figure_contributions;
  delete from figure_numbers;
  delete from figure_dates;
  delete from figure_counts;
  insert into figure_counts (campaign_id, org_type, question_key, bucket, n, total)
  select t.campaign_id, o.type, '', 'target', count(*), 0
  from campaign_targets t join organizations o on o.id = t.organization_id
  group by t.campaign_id, o.type
  order by 1, 2;
  perform figure_recount(array(select id from submissions where status = 'submitted' order by id));
end
$fn$;

create function figure_truncated() returns trigger
language plpgsql as $fn$
begin
  perform figure_rebuild();
  return null;
end
$fn$;

-- A report's status, lateness, organization or campaign changed (the WHEN clauses keep
-- draft-only updates from calling this): its id is noted, and the statement's reports
-- are recounted together at its end (one sorted pass, whatever the number of rows). A
-- statement changing thousands of reports recounts them by thousand ids, so the list
-- stays short.
create function figure_submissions_row_changed() returns trigger
language plpgsql as $fn$
declare
  v_pending text := coalesce(current_setting('figure.pending', true), '') || ',' || new.id::text
    || case when tg_op = 'UPDATE' and old.id <> new.id then ',' || old.id::text else '' end;
begin
  if length(v_pending) > 16000 then
    perform set_config('figure.pending', '', true);
    perform figure_recount(array(
      select distinct x::bigint from unnest(string_to_array(v_pending, ',')) x where x <> '' order by 1
    ));
  else
    perform set_config('figure.pending', v_pending, true);
  end if;
  return null;
end
$fn$;

create function figure_submissions_flush() returns trigger
language plpgsql as $fn$
declare
  v_pending text := current_setting('figure.pending', true);
begin
  if v_pending is null or v_pending = '' then
    return null;
  end if;
  perform set_config('figure.pending', '', true);
  perform figure_recount(array(
    select distinct x::bigint from unnest(string_to_array(v_pending, ',')) x where x <> '' order by 1
  ));
  return null;
end
$fn$;

-- Deleted reports that were counted: their contribution is subtracted.
create function figure_submissions_deleted() returns trigger
language plpgsql as $fn$
declare
  v_ids bigint[];
begin
  select array_agg(o.id order by o.id) into v_ids
  from old_rows o join figure_contributions fc on fc.submission_id = o.id;
  if v_ids is not null then
    perform figure_recount(v_ids);
  end if;
  return null;
end
$fn$;

-- Answers changed: the submitted reports among theirs are recounted. Every report touched
-- is locked before its status is read, so a report being submitted meanwhile is seen
-- submitted (and recounted) once that commits. Draft reports cost this one query.
create function figure_answers_changed() returns trigger
language plpgsql as $fn$
declare
  v_ids bigint[];
begin
  if tg_op = 'INSERT' then
    select array_agg(s.id order by s.id) filter (where s.status = 'submitted') into v_ids
    from (select id, status from submissions where id in (select submission_id from new_rows) order by id for no key update) s;
  elsif tg_op = 'DELETE' then
    select array_agg(s.id order by s.id) filter (where s.status = 'submitted') into v_ids
    from (select id, status from submissions where id in (select submission_id from old_rows) order by id for no key update) s;
  else
    -- Only rows whose counted columns changed (not answered_by, answered_at, source_message…).
    select array_agg(s.id order by s.id) filter (where s.status = 'submitted') into v_ids
    from (
      select id, status from submissions
      where id in (
        select n.submission_id from new_rows n
        left join old_rows o on o.submission_id = n.submission_id and o.question_key = n.question_key
        where o.submission_id is null
          or (o.num_value, o.bool_value, o.text_value, o.date_value, o.choice_values, o.skipped, o.confirmed_outlier)
            is distinct from (n.num_value, n.bool_value, n.text_value, n.date_value, n.choice_values, n.skipped, n.confirmed_outlier)
        union
        select o.submission_id from old_rows o
        left join new_rows n on n.submission_id = o.submission_id and n.question_key = o.question_key
        where n.submission_id is null
      )
      order by id for no key update
    ) s;
  end if;
  if v_ids is not null then
    perform figure_recount(v_ids);
  end if;
  return null;
end
$fn$;

create function figure_types_lock() returns trigger
language plpgsql as $fn$
begin
  if tg_table_name = 'campaign_targets' then
    perform pg_advisory_xact_lock_shared(${TYPES_LOCK});
  else
    perform pg_advisory_xact_lock(${TYPES_LOCK});
  end if;
  return null;
end
$fn$;

-- Targets added or removed: the 'target' buckets move, and the reports of those
-- (campaign, organization) pairs are recounted (whatever their status, see above).
-- A target removed because its organization is deleted was subtracted before (the
-- organization, and its type, are gone here); one removed with its campaign needs nothing.
create function figure_targets_changed() returns trigger
language plpgsql as $fn$
declare
  v_extra figure_count_delta[];
  v_ids bigint[];
begin
  if tg_op = 'INSERT' then
    select array_agg(row(d.campaign_id, d.type, '', 'target', d.n, 0)::figure_count_delta order by d.campaign_id, d.type) into v_extra
    from (select r.campaign_id, o.type, count(*) as n from new_rows r join organizations o on o.id = r.organization_id group by 1, 2) d;
    select array_agg(s.id order by s.id) into v_ids
    from submissions s join new_rows r on r.campaign_id = s.campaign_id and r.organization_id = s.organization_id;
  elsif tg_op = 'DELETE' then
    select array_agg(row(d.campaign_id, d.type, '', 'target', -d.n, 0)::figure_count_delta order by d.campaign_id, d.type) into v_extra
    from (select r.campaign_id, o.type, count(*) as n from old_rows r join organizations o on o.id = r.organization_id group by 1, 2) d;
    select array_agg(s.id order by s.id) into v_ids
    from submissions s join old_rows r on r.campaign_id = s.campaign_id and r.organization_id = s.organization_id;
  else
    select array_agg(row(d.campaign_id, d.type, '', 'target', d.n, 0)::figure_count_delta order by d.campaign_id, d.type) into v_extra
    from (
      select campaign_id, type, sum(n) as n from (
        select r.campaign_id, o.type, 1 as n from new_rows r join organizations o on o.id = r.organization_id
        union all
        select r.campaign_id, o.type, -1 from old_rows r join organizations o on o.id = r.organization_id
      ) x group by 1, 2 having sum(n) <> 0
    ) d;
    select array_agg(distinct s.id) into v_ids
    from submissions s
    join (select campaign_id, organization_id from new_rows union select campaign_id, organization_id from old_rows) r
      on r.campaign_id = s.campaign_id and r.organization_id = s.organization_id;
  end if;
  perform figure_recount(v_ids, v_extra);
  return null;
end
$fn$;

-- Organizations changed type: their targets move between type buckets and their reports
-- are recounted under the new type.
create function figure_orgs_type_changed() returns trigger
language plpgsql as $fn$
declare
  v_extra figure_count_delta[];
  v_ids bigint[];
begin
  with changed as (
    select n.id, o.type as old_type, n.type as new_type
    from new_rows n join old_rows o on o.id = n.id
    where o.type is distinct from n.type
  )
  select
    (select array_agg(row(d.campaign_id, d.type, '', 'target', d.n, 0)::figure_count_delta order by d.campaign_id, d.type)
     from (
       select campaign_id, type, sum(n) as n from (
         select t.campaign_id, c.new_type as type, 1 as n from changed c join campaign_targets t on t.organization_id = c.id
         union all
         select t.campaign_id, c.old_type, -1 from changed c join campaign_targets t on t.organization_id = c.id
       ) x group by 1, 2 having sum(n) <> 0
     ) d),
    (select array_agg(s.id order by s.id) from submissions s where s.organization_id in (select id from changed))
  into v_extra, v_ids;
  perform figure_recount(v_ids, v_extra);
  return null;
end
$fn$;

-- An organization is about to be deleted: its targets leave the 'target' buckets now,
-- while its type is known (its reports are subtracted when they cascade away).
create function figure_orgs_deleting() returns trigger
language plpgsql as $fn$
begin
  perform figure_recount(
    array(select id from submissions where organization_id = old.id order by id),
    array(select row(campaign_id, old.type, '', 'target', -1, 0)::figure_count_delta
          from campaign_targets where organization_id = old.id order by campaign_id)
  );
  return old;
end
$fn$;

-- A campaign pointed at another form: question types may differ, every report is recounted.
create function figure_campaigns_form_changed() returns trigger
language plpgsql as $fn$
begin
  perform figure_recount(array(select id from submissions where campaign_id = new.id order by id));
  return null;
end
$fn$;
`;

const TRIGGERS = `
create trigger figure_submissions_ins after insert on submissions
  for each row when (new.status = 'submitted')
  execute function figure_submissions_row_changed();
create trigger figure_submissions_upd after update on submissions
  for each row when (
    (old.status = 'submitted' or new.status = 'submitted')
    and (old.status <> new.status or old.late <> new.late or old.organization_id <> new.organization_id
      or old.campaign_id <> new.campaign_id or old.id <> new.id)
  )
  execute function figure_submissions_row_changed();
create trigger figure_submissions_flush after insert or update on submissions
  for each statement execute function figure_submissions_flush();
create trigger figure_submissions_del after delete on submissions
  referencing old table as old_rows
  for each statement execute function figure_submissions_deleted();

create trigger figure_answers_ins after insert on answers
  referencing new table as new_rows
  for each statement execute function figure_answers_changed();
create trigger figure_answers_upd after update on answers
  referencing old table as old_rows new table as new_rows
  for each statement execute function figure_answers_changed();
create trigger figure_answers_del after delete on answers
  referencing old table as old_rows
  for each statement execute function figure_answers_changed();

create trigger figure_targets_lock before insert or update or delete on campaign_targets
  for each statement execute function figure_types_lock();
create trigger figure_targets_ins after insert on campaign_targets
  referencing new table as new_rows
  for each statement execute function figure_targets_changed();
create trigger figure_targets_upd after update on campaign_targets
  referencing old table as old_rows new table as new_rows
  for each statement execute function figure_targets_changed();
create trigger figure_targets_del after delete on campaign_targets
  referencing old table as old_rows
  for each statement execute function figure_targets_changed();

create trigger figure_orgs_lock_type before update of type on organizations
  for each statement execute function figure_types_lock();
create trigger figure_orgs_lock_delete before delete on organizations
  for each statement execute function figure_types_lock();
create trigger figure_orgs_type after update on organizations
  referencing old table as old_rows new table as new_rows
  for each statement execute function figure_orgs_type_changed();
create trigger figure_orgs_delete before delete on organizations
  for each row execute function figure_orgs_deleting();

create trigger figure_answers_truncate after truncate on answers for each statement execute function figure_truncated();
create trigger figure_submissions_truncate after truncate on submissions for each statement execute function figure_truncated();
create trigger figure_targets_truncate after truncate on campaign_targets for each statement execute function figure_truncated();
create trigger figure_orgs_truncate after truncate on organizations for each statement execute function figure_truncated();

create trigger figure_campaigns_form after update of form_id, form_version on campaigns
  for each row when (old.form_id <> new.form_id or old.form_version <> new.form_version)
  execute function figure_campaigns_form_changed();
`;
