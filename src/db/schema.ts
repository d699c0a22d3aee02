/** Table types for Kysely. Kept in step with migrations/ by hand. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ChannelName, OutboundPart } from '../chat/port.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint columns come back from pg as strings; ids are passed around as strings. */
type BigId = ColumnType<string, string | number, string | number>;
type Json<T> = ColumnType<T, string, string>;
/** Dates come back as 'YYYY-MM-DD' (a type parser is installed in db/connect.ts). */
type DateOnly = ColumnType<string | null, string | null | undefined, string | null>;

export type OrganizationType = 'dang_bo_co_so' | 'chi_bo_co_so' | 'chi_bo_truc_thuoc';
export const ORGANIZATION_TYPES: readonly OrganizationType[] = ['dang_bo_co_so', 'chi_bo_co_so', 'chi_bo_truc_thuoc'];

export interface OrganizationsTable {
  id: Generated<string>;
  code: string;
  name: string;
  type: OrganizationType;
  parent_id: BigId | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PeopleTable extends ShownPromptColumns {
  id: Generated<string>;
  display_name: string;
  username: string | null;
  is_admin: Generated<boolean>;
  active_submission_id: BigId | null;
  seen_step: number | null;
  /** The text of the person's last typed answer: the same answer typed twice is recognised. */
  last_answer_text: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  // people.unreachable_at and unreachable_reason are still in the database (migrations/0010_identity_unreachable.ts
  // keeps them for the version before during a rolling upgrade) but no longer read or written: the mark is the account's.
}

/** Where the report's prompt was last shown to the person (migrations/0009_shown_prompts.ts); null before any. */
export interface ShownPromptColumns {
  shown_channel: ChannelName | null;
  shown_submission_id: BigId | null;
  shown_step: number | null;
  /** The prompt's place in its chat's order; bigint, read as text. */
  shown_order: string | null;
}

/** One account of a person in one chat app. */
export interface IdentitiesTable {
  channel: ChannelName;
  /** Text: Zalo's ids exceed 2^53. */
  external_id: string;
  person_id: BigId;
  created_at: Generated<Date>;
  /** When the person last wrote from here; null for admins configured but never seen. */
  last_seen_at: NullableTimestamp;
  /**
   * Set when this chat app refused a message to this account (blocked the bot, no such user);
   * cleared when the person writes from it again. Their other accounts are not affected.
   */
  unreachable_at: NullableTimestamp;
  unreachable_reason: string | null;
}

export interface LinkCodesTable {
  code_hash: string;
  person_id: BigId;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface MembershipsTable {
  person_id: BigId;
  organization_id: BigId;
  invite_id: BigId | null;
  created_at: Timestamp;
}

export interface InvitesTable {
  id: Generated<string>;
  code_hash: string;
  organization_id: BigId;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  used_by_person_id: BigId | null;
  revoked_at: NullableTimestamp;
}

export interface FormsTable {
  id: string;
  version: number;
  title: string;
  definition: Json<unknown>;
  content_hash: string;
  created_at: Timestamp;
}

export interface CampaignsTable {
  id: Generated<string>;
  form_id: string;
  form_version: number;
  period_label: string;
  period_start: DateOnly;
  period_end: DateOnly;
  opens_at: Timestamp;
  due_at: Timestamp;
  closed_at: NullableTimestamp;
  created_at: Timestamp;
  /** Offsets from the deadline's day, e.g. ["-7d", "0d", "+1d"]. */
  reminder_offsets: ColumnType<string[], string | undefined, string>;
  /** Local time of day of the reminders, 'HH:mm'. */
  reminder_time: Generated<string>;
  updated_at: Generated<Date>;
}

export type SlotKind = 'announcement' | 'reminder' | 'escalation' | 'digest';

export interface ReminderSlotsTable {
  campaign_id: BigId;
  slot_key: string;
  kind: SlotKind;
  send_at: Timestamp;
  fanned_out_at: NullableTimestamp;
  outcome: 'sent' | 'superseded' | 'closed' | null;
  created_at: Generated<Date>;
}

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface DeliveriesTable {
  id: Generated<string>;
  campaign_id: BigId;
  slot_key: string;
  organization_id: BigId | null;
  person_id: BigId;
  kind: SlotKind;
  status: Generated<DeliveryStatus>;
  reason: string | null;
  /** The channel the message goes through, chosen when queued; null for rows skipped before that. */
  channel: ChannelName | null;
  /** The channel's id of the sent message, as text. */
  message_id: string | null;
  attempts: Generated<number>;
  acknowledged_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  sent_at: NullableTimestamp;
  /** Interrupted while sending and queued again: the person may have received it twice. */
  maybe_duplicate: Generated<boolean>;
  /** Times queued again (after an interruption, or by an admin's «Gửi lại»); names the outbox job. */
  resend_count: Generated<number>;
  resent_at: NullableTimestamp;
  /** Of a failed row: whether and when it may be sent again (see migrations/0007_delivery_retries.ts). */
  failure: 'unreachable' | 'rejected' | 'transient' | 'interrupted' | null;
  /** How many of the message's parts the channel took (see migrations/0011_delivery_parts_sent.ts). */
  parts_sent: Generated<number>;
  /** The parts of a message of several, kept once its first went out: the rest is sent from them. */
  parts: Json<BegunParts> | null;
}

/** A long message begun: its parts as `channel` sends them, to the chat `to`. */
export interface BegunParts {
  channel: ChannelName;
  to: string;
  parts: OutboundPart[];
}

export interface AdminWizardsTable {
  person_id: BigId;
  kind: string;
  state: Json<unknown>;
  updated_at: Generated<Date>;
}

export interface CampaignTargetsTable {
  campaign_id: BigId;
  organization_id: BigId;
}

export type SubmissionStatus = 'draft' | 'submitted';

export interface SubmissionsTable {
  id: Generated<string>;
  campaign_id: BigId;
  organization_id: BigId;
  status: Generated<SubmissionStatus>;
  cursor: Json<unknown>;
  step: Generated<number>;
  answered_count: Generated<number>;
  started_at: Timestamp;
  first_submitted_at: NullableTimestamp;
  last_submitted_at: NullableTimestamp;
  late: Generated<boolean>;
  late_reason: string | null;
  reopened_at: NullableTimestamp;
  updated_at: Timestamp;
  updated_by: BigId | null;
}

export interface AnswersTable {
  submission_id: BigId;
  question_key: string;
  value: Json<unknown>;
  num_value: ColumnType<string | null, number | string | null, number | string | null>;
  bool_value: boolean | null;
  text_value: string | null;
  date_value: DateOnly;
  choice_values: string[] | null;
  skipped: Generated<boolean>;
  answered_by: BigId | null;
  answered_at: Timestamp;
  /** channel:chat:message of the typed message that gave the answer (an edit of it changes the answer). */
  source_message: string | null;
  /** The number was far from the usual and the organization confirmed it. */
  confirmed_outlier: Generated<boolean>;
}

export interface AnswerHistoryTable {
  id: Generated<string>;
  submission_id: BigId;
  question_key: string;
  old_value: Json<unknown> | null;
  new_value: Json<unknown> | null;
  changed_by: BigId | null;
  changed_at: Timestamp;
  after_submission: Generated<boolean>;
}

export interface ProcessedUpdatesTable {
  channel: ChannelName;
  /** Telegram's update_id, Zalo's message_id. */
  dedupe_key: string;
  processed_at: Timestamp;
  /** When its reply was shown (recorded a moment after); null: not (yet) known to be. */
  replied_at: NullableTimestamp;
}

/** Values the installation generates for itself (the download-link key). */
export interface SettingsTable {
  key: string;
  value: string;
  created_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  details: Json<unknown>;
}

export interface Database {
  organizations: OrganizationsTable;
  people: PeopleTable;
  identities: IdentitiesTable;
  link_codes: LinkCodesTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  forms: FormsTable;
  campaigns: CampaignsTable;
  campaign_targets: CampaignTargetsTable;
  submissions: SubmissionsTable;
  answers: AnswersTable;
  answer_history: AnswerHistoryTable;
  processed_updates: ProcessedUpdatesTable;
  audit_log: AuditLogTable;
  reminder_slots: ReminderSlotsTable;
  deliveries: DeliveriesTable;
  admin_wizards: AdminWizardsTable;
  settings: SettingsTable;
}

export type Organization = Selectable<OrganizationsTable>;
/** A person as the use cases read them: the answer path alone reads where their prompt was shown. */
export type Person = Omit<Selectable<PeopleTable>, keyof ShownPromptColumns>;
export type Campaign = Selectable<CampaignsTable>;
export type Submission = Selectable<SubmissionsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
