/** Inbound events already handled: the dedupe record every use case writes with its changes. */
import { sql, type Kysely } from 'kysely';
import type { ChannelName, ChatOrder, EventKey } from '../chat/port.js';
import type { Database } from '../db/schema.js';

/**
 * Records the inbound event; false when it was handled before (Telegram redelivers after
 * a crash, Zalo has no offset at all). Called inside the transaction of the event's writes.
 */
export async function markUpdateProcessed(tx: Kysely<Database>, event: EventKey): Promise<boolean> {
  const inserted = await tx
    .insertInto('processed_updates')
    .values({ channel: event.channel, dedupe_key: event.dedupeKey })
    .onConflict((oc) => oc.columns(['channel', 'dedupe_key']).doNothing())
    .returning('dedupe_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Whether the event was handled before, and if so since when its reply is not known to have
 * been shown (null once it was recorded as shown); undefined for an event never handled.
 */
export async function handledBefore(db: Kysely<Database>, event: EventKey): Promise<{ unrepliedSince: Date | null } | undefined> {
  return db
    .selectFrom('processed_updates')
    .select(sql<Date | null>`case when replied_at is null then processed_at end`.as('unrepliedSince'))
    .where('channel', '=', event.channel)
    .where('dedupe_key', '=', event.dedupeKey)
    .executeTakeFirst();
}

/** Records that the replies to these events were shown, in one statement. */
export async function markReplied(db: Kysely<Database>, events: readonly EventKey[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await sql`
    update processed_updates u set replied_at = ${now}
    from unnest(${events.map((e) => e.channel)}::text[], ${events.map((e) => e.dedupeKey)}::text[]) as r(channel, dedupe_key)
    where u.channel = r.channel and u.dedupe_key = r.dedupe_key and u.replied_at is null
  `.execute(db);
}

/**
 * Where a person was shown their report's prompt: the report and step, and the prompt's
 * place in the chat of `channel` (migrations/0009_shown_prompts.ts).
 */
export interface ShownPrompt {
  personId: string;
  channel: ChannelName;
  submissionId: string;
  step: number;
  order: ChatOrder;
}

/** Whether two marks are of the same prompt: the same report at the same step, in the same chat app. */
export function samePrompt(a: Omit<ShownPrompt, 'order'>, b: Omit<ShownPrompt, 'order'>): boolean {
  return a.personId === b.personId && a.channel === b.channel && a.submissionId === b.submissionId && a.step === b.step;
}

/**
 * Records where prompts were shown, one row per person. A prompt shown again at the same
 * step (a refused answer) keeps the place it was first shown at: what the person typed
 * while it was on their screen was meant for it. A late batch (another replica's) does
 * not move a report's mark back to an earlier step.
 */
export async function markPromptsShown(db: Kysely<Database>, prompts: readonly ShownPrompt[]): Promise<void> {
  if (prompts.length === 0) return;
  // By person id: two replicas' batches lock their rows in one order, so they never deadlock.
  const sorted = [...prompts].sort((a, b) => (BigInt(a.personId) < BigInt(b.personId) ? -1 : 1));
  await sql`
    update people p set shown_channel = r.channel, shown_submission_id = r.submission_id, shown_step = r.step, shown_order = r.ord
    from unnest(${sorted.map((m) => m.personId)}::bigint[], ${sorted.map((m) => m.channel)}::text[], ${sorted.map((m) => m.submissionId)}::bigint[],
      ${sorted.map((m) => m.step)}::int[], ${sorted.map((m) => m.order)}::bigint[]) as r(person_id, channel, submission_id, step, ord)
    where p.id = r.person_id and not (p.shown_submission_id is not distinct from r.submission_id and p.shown_step > r.step)
      -- The same prompt at a later place changes nothing: the row is not written again.
      and not (p.shown_channel is not distinct from r.channel and p.shown_submission_id is not distinct from r.submission_id
               and p.shown_step is not distinct from r.step and p.shown_order <= r.ord)
  `.execute(db);
}

/** How long shown replies are gathered before they are recorded: a statement for many, off the answer's path. */
const REPLIED_FLUSH_MS = 200;

/** People whose last shown prompt this process remembers: a province's secretaries many times over. */
const MAX_PROMPTS_KEPT = 50_000;

/**
 * Replies shown, and the prompts among them, recorded in batches. A process killed before
 * a batch is written leaves those events unreplied in Postgres: received again, they are
 * answered once more, which is the safe side (a person told twice where their report
 * stands, never left in silence). Its prompts' places are lost with it: a message placed
 * before one of them is then judged by the mark before (see reporting.ts sentBeforeShown).
 * Prompts are also kept here, so the next message, often within the batch's delay, is
 * judged by this process's own mark.
 */
export class RepliedMarks {
  private pending: EventKey[] = [];
  /** Each person's prompt of this batch, folded as it comes (laterMark). */
  private pendingPrompts = new Map<string, ShownPrompt>();
  private readonly prompts = new Map<string, ShownPrompt>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: { now(): Date },
    private readonly onError: (error: unknown) => void,
  ) {}

  add(event: EventKey): void {
    // After close the pool is gone: such an event stays unreplied (answered again if received again).
    if (this.closed) return;
    this.pending.push({ channel: event.channel, dedupeKey: event.dedupeKey });
    this.schedule();
  }

  /** The prompt was shown at `order` in its chat. */
  promptShown(prompt: ShownPrompt): void {
    const kept = laterMark(this.prompts.get(prompt.personId), prompt);
    this.prompts.delete(prompt.personId);
    this.prompts.set(prompt.personId, kept);
    // A Map iterates in insertion order: the first key is the person seen longest ago.
    if (this.prompts.size > MAX_PROMPTS_KEPT) this.prompts.delete(this.prompts.keys().next().value!);
    if (this.closed) return;
    this.pendingPrompts.set(prompt.personId, laterMark(this.pendingPrompts.get(prompt.personId), prompt));
    this.schedule();
  }

  /** Where this process last showed the person a prompt, if it did. */
  shownTo(personId: string): ShownPrompt | undefined {
    return this.prompts.get(personId);
  }

  /** Writes what is gathered and takes no more (at shutdown, before the pool closes). */
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), REPLIED_FLUSH_MS);
    this.timer.unref();
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    const prompts = [...this.pendingPrompts.values()];
    this.pending = [];
    this.pendingPrompts = new Map();
    this.flushing = this.flushing.then(async () => {
      await markReplied(this.db, batch, this.clock.now()).catch(this.onError);
      await markPromptsShown(this.db, prompts).catch(this.onError);
    });
    return this.flushing;
  }
}

/** Of two marks of one person, the one that stands: the same prompt keeps its first place; a report's earlier step does not follow a later one. */
function laterMark(known: ShownPrompt | undefined, next: ShownPrompt): ShownPrompt {
  if (!known) return next;
  if (samePrompt(known, next)) return known.order <= next.order ? known : next;
  if (known.channel === next.channel && known.submissionId === next.submissionId && known.step > next.step) return known;
  return next;
}
