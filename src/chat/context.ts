/**
 * What every chat use case receives: the application's dependencies, who is asking
 * (a person with identities, never "a Telegram user"), and the event being handled.
 */
import type { Kysely } from 'kysely';
import type { Database, Person } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Letterhead } from '../reports/docx.js';
import type { LinkMaker } from '../reports/links.js';
import type { FormCache } from '../services/forms.js';
import type { PercentileCache } from '../services/percentiles.js';
import type { ShownPrompt } from '../services/processedUpdates.js';
import type { PrefetchedStep } from '../services/reporting.js';
import type { ChannelUser } from '../services/people.js';
import type { RoundScheduler } from '../services/scheduling.js';
import type { Clock } from '../time.js';
import type { ChannelName, Identity, InboundEvent, Working } from './port.js';

export interface ChatDeps {
  db: Kysely<Database>;
  clock: Clock;
  forms: FormCache;
  /** Identities given admin rights by configuration (ADMIN_IDS). */
  adminIds: readonly Identity[];
  logger: Logger;
  /** Re-plans reminders when a round changes; sends "Nhắc ngay". */
  scheduler: RoundScheduler;
  /** This round's percentiles for the plausibility check, kept a minute per process (createChat makes one). */
  percentiles?: PercentileCache;
  /** The Word draft's letterhead (ORG_NAME, PARENT_ORG_NAME, PLACE_NAME, REPORT_SUBJECT). */
  letterhead?: Letterhead;
  /** Download links for channels that cannot send files; undefined without PUBLIC_URL. */
  links?: LinkMaker;
  /**
   * The channels this installation sends through: whether a person can be reached is judged
   * by their accounts on these (/dot N, «Gửi lại», the workbook). Unset: every channel.
   */
  channels?: readonly ChannelName[];
}

export interface Caller {
  /** The account this event came from, with its name as the channel gives it. */
  user: ChannelUser;
  /** Undefined until the person registers (admins from ADMIN_IDS may have no row yet). */
  person: Person | undefined;
  isAdmin: boolean;
}

export interface ChatRequest {
  deps: ChatDeps;
  event: InboundEvent;
  caller: Caller;
  log: Logger;
  /**
   * Whether a duplicate of this event, first handled at `handledAt` and its reply never
   * recorded as shown, is answered again here (see recentEvents.ts).
   */
  answersAgain(handledAt: Date): boolean;
  /** The step read with the caller, when the event looked like an answer (router.ts identify). */
  prefetchedStep?: PrefetchedStep;
  /** Where this process last showed the caller their report's prompt (fresher than Postgres's record for a moment). */
  shownPrompt?: ShownPrompt;
  /** Tells the channel the reply will take a while (see Working). */
  working: Working;
}

/** Who acted, for the audit log: the person where known, else the account. */
export function actorOf(request: ChatRequest): string {
  const { caller } = request;
  return caller.person ? `person:${caller.person.id}` : `${caller.user.identity.channel}:${caller.user.identity.externalId}`;
}
