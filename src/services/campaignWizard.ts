/**
 * The admin's chat wizards: /dotmoi (open a round, step by step) and changing a
 * round's deadline. The state machine (`startNewRound`, `advance`) is pure given
 * a small environment (now, the stored forms, a target check); the functions
 * below it keep the state in admin_wizards (one row per admin) and run the
 * use cases. Prompts are channel-neutral: HTML text and buttons carrying short
 * values that the chat layer encodes with the wizard's sequence number.
 */
import type { Kysely } from 'kysely';
import { periodFromLabel } from '../campaigns/period.js';
import { parseChatDateRange, parseChatDateTime } from '../campaigns/dateInput.js';
import { isClosed } from '../campaigns/state.js';
import { ORGANIZATION_TYPES, type Database, type OrganizationType } from '../db/schema.js';
import { formatDateVi } from '../forms/format.js';
import { describePlan, parseOffsets, parseTimeOfDay } from '../reminders/plan.js';
import { DEFAULT_REMINDER_PLAN } from '../reminders/policy.js';
import { escapeHtml, truncate } from '../text/html.js';
import { foldVietnamese, matchesSay } from '../text/normalize.js';
import { formatDateTime, formatDeadline, type Clock } from '../time.js';
import {
  CampaignInputError,
  createCampaignIn,
  getCampaign,
  notifyScheduler,
  previewTargets,
  setDeadlineIn,
  type CreatedCampaign,
  type NewCampaignInput,
  type TargetPreview,
  type TargetSelection,
} from './campaigns.js';
import { latestForms } from './forms.js';
import { campaignMessages, organizationTypeLabels, wizardMessages as msg } from './messages/campaigns.js';
import type { RoundScheduler } from './scheduling.js';
import type { EventKey } from '../chat/port.js';
import { markUpdateProcessed } from './processedUpdates.js';
import { upsertPerson, type ChannelUser } from './people.js';
import { withSavepoint } from '../db/savepoint.js';
import { inTransaction } from '../db/transaction.js';

// ---------------------------------------------------------------- state

export type NewRoundStep =
  | 'form'
  | 'period'
  | 'periodDates'
  | 'opens'
  | 'due'
  | 'targets'
  | 'targetTypes'
  | 'targetParent'
  | 'targetCodes'
  | 'plan'
  | 'confirm';

export interface FormChoice {
  id: string;
  version: number;
  title: string;
}

export interface NewRoundDraft {
  /** The forms offered at the first step; a button carries an index into this list. */
  formChoices?: FormChoice[];
  form?: FormChoice;
  periodLabel?: string;
  periodStart?: string | null;
  periodEnd?: string | null;
  /** ISO instant; absent with opensNow. */
  opensAt?: string;
  /** "Mở ngay": the round opens when it is created. */
  opensNow?: boolean;
  dueAt?: string;
  targets?: TargetSelection;
  /** Human description of the targets, HTML-escaped. */
  targetsText?: string;
  /** Types ticked so far at the targetTypes step. */
  pickedTypes?: OrganizationType[];
  reminderOffsets?: string[];
  reminderTime?: string;
}

export interface NewRoundWizard {
  kind: 'new_round';
  step: NewRoundStep;
  /** Increases with every prompt: a button from an older prompt is stale. */
  seq: number;
  draft: NewRoundDraft;
}

export interface DeadlineWizard {
  kind: 'deadline';
  seq: number;
  campaignId: string;
}

export type WizardState = NewRoundWizard | DeadlineWizard;

export type WizardInput = { kind: 'text'; text: string } | { kind: 'button'; value: string };

export interface WizardButton {
  label: string;
  /** Short value, at most 16 ASCII characters. */
  value: string;
  /** What the admin types instead of pressing (`1`, `ngay`, `tạo`, `huỷ`): advance() understands it in every channel. */
  say: string;
}

export interface WizardPrompt {
  /** HTML */
  text: string;
  buttons: WizardButton[][];
}

export interface WizardEnv {
  now: Date;
  listForms(): Promise<FormChoice[]>;
  previewTargets(selection: TargetSelection): Promise<TargetPreview>;
}

export type WizardOutcome =
  | { kind: 'prompt'; state: WizardState; prompt: WizardPrompt }
  | { kind: 'cancelled' }
  /** The admin confirmed: create the round from this input. */
  | { kind: 'create'; state: NewRoundWizard; input: NewCampaignInput }
  /** A new deadline was typed for the round. */
  | { kind: 'set_deadline'; state: DeadlineWizard; campaignId: string; dueAt: Date };

const MAX_PERIOD_LABEL = 100;
const TOTAL_STEPS = 7;
const STEP_NUMBER: Record<NewRoundStep, number> = {
  form: 1,
  period: 2,
  periodDates: 2,
  opens: 3,
  due: 4,
  targets: 5,
  targetTypes: 5,
  targetParent: 5,
  targetCodes: 5,
  plan: 6,
  confirm: 7,
};
const PREVIOUS: Partial<Record<NewRoundStep, NewRoundStep>> = {
  period: 'form',
  periodDates: 'period',
  opens: 'period',
  due: 'opens',
  targets: 'due',
  targetTypes: 'targets',
  targetParent: 'targets',
  targetCodes: 'targets',
  plan: 'targets',
  confirm: 'plan',
};

export const WIZARD_BUTTONS = {
  cancel: 'x',
  back: 'b',
  now: 'now',
  noDates: 'nd',
  all: 'all',
  types: 'ty',
  parent: 'pa',
  codes: 'co',
  done: 'ok',
  defaultPlan: 'def',
  create: 'go',
} as const;
const B = WIZARD_BUTTONS;

// ---------------------------------------------------------------- prompts

function planOf(draft: NewRoundDraft): { offsets: string[]; time: string } {
  return {
    offsets: draft.reminderOffsets ?? [...DEFAULT_REMINDER_PLAN.offsets],
    time: draft.reminderTime ?? DEFAULT_REMINDER_PLAN.time,
  };
}

/** The «Huỷ» button. Why shared: the deadline wizard's prompts offer it too, with the same typed word. */
export function cancelButton(): WizardButton {
  return { label: msg.cancelButton, value: B.cancel, say: msg.sayCancel };
}

function navigation(step: NewRoundStep): WizardButton[] {
  return [...(PREVIOUS[step] ? [{ label: msg.backButton, value: B.back, say: msg.sayBack }] : []), cancelButton()];
}

function confirmLines(draft: NewRoundDraft): string[] {
  const form = draft.form!;
  const dates = draft.periodStart && draft.periodEnd ? msg.dateRange(formatDateVi(draft.periodStart), formatDateVi(draft.periodEnd)) : null;
  return [
    msg.confirmForm(escapeHtml(form.title), escapeHtml(form.id), form.version),
    msg.confirmPeriod(escapeHtml(draft.periodLabel ?? ''), dates),
    msg.confirmOpens(draft.opensNow || !draft.opensAt ? null : formatDeadline(new Date(draft.opensAt))),
    msg.confirmDue(formatDeadline(new Date(draft.dueAt!))),
    msg.confirmTargets(draft.targetsText ?? ''),
    msg.confirmPlan(describePlan(planOf(draft))),
  ];
}

/** The question of the wizard's current step, with an optional notice (an error, or what was understood) above it. */
export function promptFor(state: NewRoundWizard, notice?: string): WizardPrompt {
  const { draft, step } = state;
  let body: string;
  const rows: WizardButton[][] = [];
  switch (step) {
    case 'form':
      body = (draft.formChoices ?? []).length === 0 ? msg.noForms : msg.chooseForm;
      for (const [i, f] of (draft.formChoices ?? []).entries()) {
        rows.push([{ label: msg.formButton(truncate(f.title, 56), f.version), value: `f${i}`, say: String(i + 1) }]);
      }
      break;
    case 'period':
      body = msg.askPeriod(escapeHtml(draft.form?.title ?? ''));
      break;
    case 'periodDates':
      body = msg.askPeriodDates(escapeHtml(draft.periodLabel ?? ''));
      rows.push([{ label: msg.noDatesButton, value: B.noDates, say: msg.sayNoDates }]);
      break;
    case 'opens':
      body = msg.askOpens;
      rows.push([{ label: msg.opensNowButton, value: B.now, say: msg.sayNow }]);
      break;
    case 'due':
      body = msg.askDue;
      break;
    case 'targets':
      body = msg.askTargets;
      rows.push([
        { label: msg.targetsAllButton, value: B.all, say: '1' },
        { label: msg.targetsTypesButton, value: B.types, say: '2' },
      ]);
      rows.push([
        { label: msg.targetsParentButton, value: B.parent, say: '3' },
        { label: msg.targetsCodesButton, value: B.codes, say: '4' },
      ]);
      break;
    case 'targetTypes': {
      body = msg.askTypes;
      const picked = new Set(draft.pickedTypes ?? []);
      for (const [i, t] of ORGANIZATION_TYPES.entries()) {
        rows.push([{ label: msg.typeButton(organizationTypeLabels[t], picked.has(t)), value: `t${i}`, say: String(i + 1) }]);
      }
      rows.push([{ label: msg.typesDoneButton, value: B.done, say: msg.sayTypesDone }]);
      break;
    }
    case 'targetParent':
      body = msg.askParent;
      break;
    case 'targetCodes':
      body = msg.askCodes;
      break;
    case 'plan':
      body = msg.askPlan(describePlan(DEFAULT_REMINDER_PLAN));
      rows.push([{ label: msg.defaultPlanButton, value: B.defaultPlan, say: msg.sayDefaultPlan }]);
      break;
    case 'confirm':
      body = msg.confirm(confirmLines(draft));
      rows.push([{ label: msg.createButton, value: B.create, say: msg.sayCreate }]);
      break;
  }
  rows.push(navigation(step));
  const heading = msg.step(STEP_NUMBER[step], TOTAL_STEPS);
  return { text: [heading, notice, body].filter(Boolean).join('\n\n'), buttons: rows };
}

// ---------------------------------------------------------------- transitions

/** A fresh /dotmoi: the form step, offering the latest version of every stored form. */
export async function startNewRound(env: Pick<WizardEnv, 'listForms'>, seq = 1): Promise<{ state: NewRoundWizard; prompt: WizardPrompt }> {
  const state: NewRoundWizard = { kind: 'new_round', step: 'form', seq, draft: { formChoices: await env.listForms() } };
  return { state, prompt: promptFor(state) };
}

function go(state: NewRoundWizard, step: NewRoundStep, draft: NewRoundDraft, notice?: string): WizardOutcome {
  const next: NewRoundWizard = { kind: 'new_round', step, seq: state.seq + 1, draft };
  return { kind: 'prompt', state: next, prompt: promptFor(next, notice) };
}

function stay(state: NewRoundWizard, notice: string): WizardOutcome {
  return go(state, state.step, state.draft, notice);
}

function opensInstant(draft: NewRoundDraft, now: Date): Date {
  return draft.opensNow || !draft.opensAt ? now : new Date(draft.opensAt);
}

/** The input of createCampaign that the draft stands for ("Mở ngay" resolved to `now`). */
export function draftToInput(draft: NewRoundDraft, now: Date): NewCampaignInput {
  const plan = planOf(draft);
  return {
    formId: draft.form!.id,
    formVersion: draft.form!.version,
    periodLabel: draft.periodLabel!,
    ...(draft.periodStart && draft.periodEnd ? { periodStart: draft.periodStart, periodEnd: draft.periodEnd } : {}),
    opensAt: opensInstant(draft, now),
    dueAt: new Date(draft.dueAt!),
    targets: draft.targets!,
    reminderOffsets: plan.offsets,
    reminderTime: plan.time,
  };
}

function describeTargets(selection: TargetSelection, preview: Extract<TargetPreview, { ok: true }>): string {
  switch (selection.kind) {
    case 'all':
      return msg.targetsAll(preview.count);
    case 'types':
      return msg.targetsTypes(
        selection.types.map((t) => organizationTypeLabels[t]),
        preview.count,
      );
    case 'parent':
      return msg.targetsParent(escapeHtml(preview.parentName ?? ''), escapeHtml(selection.parentCode), preview.count);
    case 'codes':
      return msg.targetsCodes(selection.codes.map(escapeHtml), preview.count);
  }
}

async function chooseTargets(state: NewRoundWizard, selection: TargetSelection, env: WizardEnv): Promise<WizardOutcome> {
  const preview = await env.previewTargets(selection);
  if (!preview.ok) return stay(state, escapeHtml(preview.message));
  // The codes as the organizations have them ("cb01" typed is CB01), in the summary and in the round.
  const targetsText = describeTargets(preview.selection, preview);
  const { pickedTypes: _picked, ...draft } = state.draft;
  return go(state, 'plan', { ...draft, targets: preview.selection, targetsText }, msg.targetsChosen(targetsText));
}

/** "-5d, -1d, 0d, +2d 08:30", "08:30" (default ladder at that time), "không". */
export function parsePlanText(text: string): { ok: true; offsets: string[]; time: string } | { ok: false; message: string } {
  const tokens = text
    .normalize('NFC')
    .split(/[\s,;]+/)
    .filter((t) => t && !['luc', 'vao', 'gio'].includes(foldVietnamese(t)));
  const times = tokens.filter((t) => /[:hg]/i.test(t) && parseTimeOfDay(t) !== undefined);
  if (times.length > 1) return { ok: false, message: msg.badPlanTime };
  const rest = tokens.filter((t) => !times.includes(t));
  const time = times.length === 1 ? parseTimeOfDay(times[0]!)! : DEFAULT_REMINDER_PLAN.time;
  if (rest.length === 0) {
    if (times.length === 0) return parseOffsets('') as { ok: false; message: string };
    return { ok: true, offsets: [...DEFAULT_REMINDER_PLAN.offsets], time };
  }
  const offsets = parseOffsets(rest.join(' '));
  if (!offsets.ok) return offsets;
  return { ok: true, offsets: offsets.offsets, time };
}

/** Quotes and brackets copied around a code, and a sentence's end typed after the last one («CB01», "CB02."). */
const AROUND_CODE = /^[«"'“‘(]+|[»"'”’).!?:]+$/gu;

/** Codes typed in a list: "CB01, cb02 ; DB03." — separated by commas, semicolons or spaces; case is the lookup's affair. */
function splitCodes(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((c) => c.replace(AROUND_CODE, '')).filter(Boolean))];
}

/** A form of the list named by its id, as typed ("DAN_VAN_QCDC", " dan_van_qcdc, "): ids are lower-case snake_case. */
function formById(choices: readonly FormChoice[], text: string): number | undefined {
  const [typed] = splitCodes(text);
  const index = typed === undefined ? -1 : choices.findIndex((f) => f.id === typed.toLowerCase());
  return index >= 0 ? index : undefined;
}

/** Steps that take no typed value, where a typed `0` means «Quay lại». */
const ZERO_IS_BACK: ReadonlySet<NewRoundStep> = new Set(['targets', 'targetTypes', 'confirm']);

/**
 * Typed text that is the word of one of the prompt's buttons (`1`, `ngay`, `tạo`,
 * `quay lại`, `huỷ`, or `0` for back where no value is typed) stands for that
 * button; any other text stays text for the free-text steps.
 */
function typedButton(state: NewRoundWizard, input: WizardInput): WizardInput {
  if (input.kind !== 'text') return input;
  const buttons = promptFor(state).buttons.flat();
  const said = buttons.find((b) => matchesSay(input.text, b.say));
  if (said) return { kind: 'button', value: said.value };
  if (ZERO_IS_BACK.has(state.step) && matchesSay(input.text, msg.sayBackShort) && buttons.some((b) => b.value === B.back)) {
    return { kind: 'button', value: B.back };
  }
  return input;
}

async function advanceNewRound(state: NewRoundWizard, given: WizardInput, env: WizardEnv): Promise<WizardOutcome> {
  const { draft } = state;
  const input = typedButton(state, given);
  const text = input.kind === 'text' ? input.text.trim() : undefined;
  const button = input.kind === 'button' ? input.value : undefined;

  if (button === B.cancel) return { kind: 'cancelled' };
  if (button === B.back) {
    const previous = PREVIOUS[state.step];
    if (!previous) return stay(state, '');
    // Going back to the form step offers the forms again (they may have changed).
    if (previous === 'form') return go(state, 'form', { ...draft, formChoices: await env.listForms() });
    return go(state, previous, draft);
  }

  switch (state.step) {
    case 'form': {
      const index = button && /^f\d{1,3}$/.test(button) ? Number(button.slice(1)) : text !== undefined ? formById(draft.formChoices ?? [], text) : undefined;
      const form = index === undefined ? undefined : draft.formChoices?.[index];
      if (!form) return stay(state, msg.pickFormButton);
      return go(state, 'period', { form, formChoices: draft.formChoices ?? [] });
    }
    case 'period': {
      if (text === undefined || text === '') return stay(state, msg.emptyPeriod);
      if ([...text].length > MAX_PERIOD_LABEL) return stay(state, msg.periodTooLong(MAX_PERIOD_LABEL));
      const period = periodFromLabel(text);
      const label = text.replace(/\s+/g, ' ');
      if (!period) return go(state, 'periodDates', { ...draft, periodLabel: label, periodStart: null, periodEnd: null });
      return go(
        state,
        'opens',
        { ...draft, periodLabel: label, periodStart: period.start, periodEnd: period.end },
        msg.periodUnderstood(escapeHtml(label), formatDateVi(period.start), formatDateVi(period.end)),
      );
    }
    case 'periodDates': {
      if (button === B.noDates) return go(state, 'opens', { ...draft, periodStart: null, periodEnd: null }, msg.noPeriodDates);
      const range = text === undefined ? undefined : parseChatDateRange(text);
      if (!range) return stay(state, msg.badPeriodDates);
      return go(
        state,
        'opens',
        { ...draft, periodStart: range.start, periodEnd: range.end },
        msg.periodUnderstood(escapeHtml(draft.periodLabel ?? ''), formatDateVi(range.start), formatDateVi(range.end)),
      );
    }
    case 'opens': {
      if (button === B.now) {
        const { opensAt: _at, ...rest } = draft;
        return go(state, 'due', { ...rest, opensNow: true }, msg.opensNow);
      }
      const at = text === undefined ? undefined : parseChatDateTime(text, '00:00');
      if (!at) return stay(state, msg.badDateTime('01/12/2026 08:00'));
      if (at.getTime() <= env.now.getTime()) return stay(state, msg.opensInPast);
      return go(state, 'due', { ...draft, opensAt: at.toISOString(), opensNow: false }, msg.opensAt(formatDeadline(at)));
    }
    case 'due': {
      const at = text === undefined ? undefined : parseChatDateTime(text, '23:59');
      if (!at) return stay(state, msg.badDateTime('15/12/2026 17:00'));
      if (at.getTime() <= env.now.getTime()) return stay(state, msg.dueInPast);
      if (at.getTime() <= opensInstant(draft, env.now).getTime()) return stay(state, msg.dueBeforeOpen);
      return go(state, 'targets', { ...draft, dueAt: at.toISOString() }, msg.dueAt(formatDeadline(at)));
    }
    case 'targets':
      switch (button) {
        case B.all:
          return chooseTargets(state, { kind: 'all' }, env);
        case B.types:
          return go(state, 'targetTypes', { ...draft, pickedTypes: [] });
        case B.parent:
          return go(state, 'targetParent', draft);
        case B.codes:
          return go(state, 'targetCodes', draft);
        default:
          return stay(state, msg.pickTargetsButton);
      }
    case 'targetTypes': {
      const picked = draft.pickedTypes ?? [];
      const toggle = button && /^t\d$/.test(button) ? ORGANIZATION_TYPES[Number(button.slice(1))] : undefined;
      if (toggle) {
        const next = picked.includes(toggle) ? picked.filter((t) => t !== toggle) : ORGANIZATION_TYPES.filter((t) => t === toggle || picked.includes(t));
        return go(state, 'targetTypes', { ...draft, pickedTypes: next });
      }
      if (button === B.done) return chooseTargets(state, { kind: 'types', types: picked }, env);
      return stay(state, msg.askTypes);
    }
    case 'targetParent':
      if (text === undefined || text === '') return stay(state, msg.askParent);
      return chooseTargets(state, { kind: 'parent', parentCode: splitCodes(text)[0] ?? '' }, env);
    case 'targetCodes': {
      const codes = text === undefined ? [] : splitCodes(text);
      if (codes.length === 0) return stay(state, msg.askCodes);
      return chooseTargets(state, { kind: 'codes', codes }, env);
    }
    case 'plan': {
      if (button === B.defaultPlan) {
        return go(state, 'confirm', { ...draft, reminderOffsets: [...DEFAULT_REMINDER_PLAN.offsets], reminderTime: DEFAULT_REMINDER_PLAN.time });
      }
      if (text === undefined) return stay(state, '');
      const plan = parsePlanText(text);
      if (!plan.ok) return stay(state, escapeHtml(plan.message));
      return go(state, 'confirm', { ...draft, reminderOffsets: plan.offsets, reminderTime: plan.time });
    }
    case 'confirm':
      if (button === B.create) {
        // Times may have passed while the admin read the summary.
        if (new Date(draft.dueAt!).getTime() <= env.now.getTime()) return go(state, 'due', draft, msg.dueInPast);
        if (!draft.opensNow && draft.opensAt && new Date(draft.opensAt).getTime() <= env.now.getTime()) {
          return go(state, 'opens', draft, msg.opensInPast);
        }
        return { kind: 'create', state, input: draftToInput(draft, env.now) };
      }
      return stay(state, msg.pressCreate);
  }
}

/**
 * One step of a wizard: the admin typed text or pressed one of its buttons. A
 * typed button word (`1`, `tạo`, `huỷ`…) counts as the press, so a channel without
 * buttons runs the same wizard.
 */
export async function advance(state: WizardState, input: WizardInput, env: WizardEnv): Promise<WizardOutcome> {
  if (state.kind === 'new_round') return advanceNewRound(state, input, env);
  if (input.kind === 'button' || matchesSay(input.text, msg.sayCancel)) {
    if (input.kind === 'text' || input.value === B.cancel) return { kind: 'cancelled' };
    return { kind: 'prompt', state, prompt: { text: msg.badDateTime('20/12/2026 17:00'), buttons: [[cancelButton()]] } };
  }
  const dueAt = parseChatDateTime(input.text, '23:59');
  if (!dueAt) {
    const next = { ...state, seq: state.seq + 1 };
    return { kind: 'prompt', state: next, prompt: { text: msg.badDateTime('20/12/2026 17:00'), buttons: [[cancelButton()]] } };
  }
  return { kind: 'set_deadline', state, campaignId: state.campaignId, dueAt };
}

// ---------------------------------------------------------------- persistence and use cases

export interface WizardDeps {
  db: Kysely<Database>;
  clock: Clock;
  scheduler: RoundScheduler;
}

/**
 * A wizard left alone this long is forgotten: the admin's next message is not taken for it
 * (an admin who also reports for an organization would otherwise find their answers swallowed).
 */
export const WIZARD_TTL_MS = 2 * 60 * 60 * 1000;

/** The kind of an admin's row that holds only a confirmation shown (roundConfirmations.ts), no wizard. */
export const CONFIRMATION_KIND = 'confirmation';

interface StoredWizard {
  state: WizardState;
}

export type WizardReply =
  /** No wizard is active (or it expired): the message is not for the wizard. */
  | { kind: 'none' }
  /** A button of an older prompt, or an update already handled. */
  | { kind: 'stale' }
  | { kind: 'prompt'; prompt: WizardPrompt; seq: number; notice?: string }
  | { kind: 'cancelled' }
  | { kind: 'created'; campaign: CreatedCampaign; input: NewCampaignInput; formTitle: string }
  | { kind: 'deadline_changed'; campaignId: string; previousDueAt: Date; dueAt: Date; scheduleError?: Error };

function toStored(value: unknown): StoredWizard | undefined {
  const v = value as Partial<StoredWizard> | null;
  if (!v || typeof v !== 'object' || !v.state || typeof v.state !== 'object') return undefined;
  return { state: v.state };
}

async function loadWizard(db: Kysely<Database>, personId: string, now: Date, lock: boolean): Promise<StoredWizard | undefined> {
  let q = db.selectFrom('admin_wizards').select(['state', 'updated_at']).where('person_id', '=', personId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || now.getTime() - row.updated_at.getTime() > WIZARD_TTL_MS) return undefined;
  return toStored(row.state);
}

async function saveWizard(db: Kysely<Database>, personId: string, stored: StoredWizard, now: Date): Promise<void> {
  const state = JSON.stringify(stored);
  await db
    .insertInto('admin_wizards')
    .values({ person_id: personId, kind: stored.state.kind, state, updated_at: now })
    .onConflict((oc) => oc.column('person_id').doUpdateSet({ kind: stored.state.kind, state, updated_at: now }))
    .execute();
}

/** Deletes the admin's wizard (and a confirmation shown beside it); true if there was an active wizard. */
export async function cancelWizard(db: Kysely<Database>, personId: string, now: Date): Promise<boolean> {
  const row = await db.deleteFrom('admin_wizards').where('person_id', '=', personId).returning(['kind', 'updated_at']).executeTakeFirst();
  return row !== undefined && row.kind !== CONFIRMATION_KIND && now.getTime() - row.updated_at.getTime() <= WIZARD_TTL_MS;
}

/** Whether typed text from this admin belongs to a wizard. */
export async function hasActiveWizard(db: Kysely<Database>, personId: string, now: Date): Promise<boolean> {
  return (await loadWizard(db, personId, now, false)) !== undefined;
}

function envOf(db: Kysely<Database>, now: Date): WizardEnv {
  return { now, listForms: () => latestForms(db), previewTargets: (selection) => previewTargets(db, selection) };
}

/**
 * Who runs a wizard: a person, or an admin from ADMIN_IDS who never wrote before and gets
 * their person row in the wizard's own transaction (the wizard's state hangs on it).
 */
export type WizardAdmin = { personId: string } | { user: ChannelUser };

async function adminPersonId(tx: Kysely<Database>, admin: WizardAdmin, now: Date): Promise<string> {
  return 'personId' in admin ? admin.personId : (await upsertPerson(tx, admin.user, now)).id;
}

/** /dotmoi: starts (or restarts) the new-round wizard. A redelivered event changes nothing. */
export async function beginNewRound(deps: WizardDeps, admin: WizardAdmin, event: EventKey): Promise<WizardReply> {
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    if (!(await markUpdateProcessed(tx, event))) return { kind: 'stale' } as const;
    const personId = await adminPersonId(tx, admin, now);
    const previous = await loadWizard(tx, personId, now, true);
    const seq = (previous?.state.seq ?? 0) + 1;
    const { state, prompt } = await startNewRound(envOf(tx, now), seq);
    await saveWizard(tx, personId, { state }, now);
    return { kind: 'prompt', prompt, seq: state.seq } as const;
  });
}

/**
 * "Đổi hạn chót": the admin's next text is the new deadline of the round. Undefined
 * when the round is unknown or has ended (the caller says so). Replaces an unfinished /dotmoi.
 */
export async function beginDeadlineChange(
  deps: WizardDeps,
  admin: WizardAdmin,
  campaignId: string,
  event: EventKey,
): Promise<(WizardReply & { kind: 'prompt' }) | { kind: 'stale' } | { kind: 'refused'; message: string }> {
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    if (!(await markUpdateProcessed(tx, event))) return { kind: 'stale' } as const;
    const campaign = await getCampaign(tx, campaignId);
    if (!campaign) return { kind: 'refused', message: campaignMessages.unknownCampaign(campaignId) } as const;
    if (isClosed(campaign, now)) {
      return { kind: 'refused', message: campaignMessages.alreadyClosed(campaignId) } as const;
    }
    const personId = await adminPersonId(tx, admin, now);
    const previous = await loadWizard(tx, personId, now, true);
    const state: DeadlineWizard = { kind: 'deadline', seq: (previous?.state.seq ?? 0) + 1, campaignId };
    await saveWizard(tx, personId, { state }, now);
    const replaced = previous?.state.kind === 'new_round' ? msg.replacedNewRound : undefined;
    const prompt: WizardPrompt = {
      text: [replaced, msg.askNewDue(escapeHtml(campaignId), formatDeadline(campaign.due_at))].filter(Boolean).join('\n\n'),
      buttons: [[cancelButton()]],
    };
    return { kind: 'prompt', prompt, seq: state.seq } as const;
  });
}

/**
 * Typed text or a button for the admin's wizard. `seq` is the sequence number a
 * button carries (undefined for text). One transaction: the event is recorded, and
 * creating the round or setting the deadline happens with the wizard's own change, so a
 * redelivered "Tạo đợt" creates nothing; a refusal (a time that has passed, say) undoes
 * only the attempt and keeps the wizard, with the reason. The scheduler hears of the
 * change once it has committed.
 */
export async function wizardInput(
  deps: WizardDeps,
  request: { personId: string; event: EventKey; input: WizardInput; seq?: number; actor: string },
): Promise<WizardReply> {
  const { db, clock } = deps;
  const now = clock.now();
  const refused = (error: unknown) => error instanceof CampaignInputError;
  const result: WizardReply = await inTransaction(db, async (tx): Promise<WizardReply> => {
    const stored = await loadWizard(tx, request.personId, now, true);
    if (!stored) return request.input.kind === 'button' ? { kind: 'stale' } : { kind: 'none' };
    // Recorded only when the wizard takes the event: text with no wizard goes on to the report.
    if (!(await markUpdateProcessed(tx, request.event))) return { kind: 'stale' };
    if (request.seq !== undefined && request.seq !== stored.state.seq) return { kind: 'stale' };
    const outcome = await advance(stored.state, request.input, envOf(tx, now));
    switch (outcome.kind) {
      case 'cancelled':
        await tx.deleteFrom('admin_wizards').where('person_id', '=', request.personId).execute();
        return { kind: 'cancelled' };
      case 'prompt':
        await saveWizard(tx, request.personId, { state: outcome.state }, now);
        return { kind: 'prompt', prompt: outcome.prompt, seq: outcome.state.seq };
      case 'create': {
        const created = await withSavepoint(tx, () => createCampaignIn(tx, { ...outcome.input, actor: request.actor }, clock), refused);
        if (!created.ok) {
          // Not created: the summary again, with the reason.
          const state: NewRoundWizard = { ...outcome.state, seq: outcome.state.seq + 1 };
          await saveWizard(tx, request.personId, { state }, now);
          return { kind: 'prompt', prompt: promptFor(state, escapeHtml((created.error as Error).message)), seq: state.seq };
        }
        await tx.deleteFrom('admin_wizards').where('person_id', '=', request.personId).execute();
        return { kind: 'created', campaign: created.value, input: outcome.input, formTitle: outcome.state.draft.form?.title ?? '' };
      }
      case 'set_deadline': {
        const set = await withSavepoint(tx, () => setDeadlineIn(tx, outcome.campaignId, outcome.dueAt, request.actor, now), refused);
        if (!set.ok) {
          const state = { ...outcome.state, seq: outcome.state.seq + 1 };
          await saveWizard(tx, request.personId, { state }, now);
          return { kind: 'prompt', prompt: { text: escapeHtml((set.error as Error).message), buttons: [[cancelButton()]] }, seq: state.seq };
        }
        await tx.deleteFrom('admin_wizards').where('person_id', '=', request.personId).execute();
        return { kind: 'deadline_changed', campaignId: outcome.campaignId, previousDueAt: set.value, dueAt: outcome.dueAt };
      }
    }
  });

  if (result.kind === 'created') {
    const scheduleError = await notifyScheduler(deps.scheduler, result.campaign.id);
    return scheduleError ? { ...result, campaign: { ...result.campaign, scheduleError } } : result;
  }
  if (result.kind === 'deadline_changed') {
    const scheduleError = await notifyScheduler(deps.scheduler, result.campaignId);
    return scheduleError ? { ...result, scheduleError } : result;
  }
  return result;
}

/** The one-line description of a created round's opening, for the reply. */
export function describeOpening(input: NewCampaignInput, now: Date): string {
  return input.opensAt.getTime() <= now.getTime() ? formatDateTime(now) : formatDeadline(input.opensAt);
}
