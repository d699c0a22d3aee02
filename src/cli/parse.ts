/** Option value parsers shared by the commands; they throw commander's InvalidArgumentError with a Vietnamese reason. */
import { InvalidArgumentError } from 'commander';
import { parseChatDate } from '../campaigns/dateInput.js';
import { parseIdentity } from '../chat/identity.js';
import type { Identity } from '../chat/port.js';
import { ORGANIZATION_TYPES, type OrganizationType } from '../db/schema.js';
import { parseOffsets, parseTimeOfDay } from '../reminders/plan.js';
import { cliMessages as msg } from './messages.js';

export function positiveInteger(value: string): number {
  if (!/^\d{1,9}$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(msg.badInteger(value));
  return Number(value);
}

/** Repeatable, comma-separated list option: --org A --org B,C → ['A','B','C']. */
export function collectCodes(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** A single organization's code: given twice (or as a list), refused rather than one of them silently used. */
export function oneCode(value: string, previous: string | undefined): string {
  const code = value.trim();
  if (previous !== undefined || code.includes(',')) throw new InvalidArgumentError(msg.oneOrgOnly);
  return code;
}

/** A Telegram id (digits) or a channel-qualified id ('zalo:8a3f…', 'telegram:123'). */
export function identityArgument(value: string): Identity {
  const identity = parseIdentity(value);
  if (!identity || (identity.channel === 'telegram' && Number(identity.externalId) === 0)) throw new InvalidArgumentError(msg.badTelegramId(value));
  return identity;
}

/** --reminders "-7d,-3d,-1d,0d,+1d,+3d" (or "không"): normalised offsets. */
export function reminderOffsets(value: string): string[] {
  const parsed = parseOffsets(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.offsets;
}

/** --at 08:00 (also 8:00, 8h, 8h30): 'HH:mm'. */
export function timeOfDay(value: string): string {
  const parsed = parseTimeOfDay(value);
  if (parsed === undefined) throw new InvalidArgumentError(msg.badTimeOfDay(value));
  return parsed;
}

/** --types dang_bo_co_so,chi_bo_co_so (repeatable). */
export function organizationTypes(value: string, previous: OrganizationType[] = []): OrganizationType[] {
  const types = value.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = types.filter((t) => !(ORGANIZATION_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0 || types.length === 0) throw new InvalidArgumentError(msg.badTypes(unknown.length > 0 ? unknown : [value]));
  return [...new Set([...previous, ...(types as OrganizationType[])])];
}

/** --period-start 2026-10-01 or 01/10/2026 (as --opens takes it): a real calendar date, as YYYY-MM-DD. */
export function isoDate(value: string): string {
  const iso = parseChatDate(value);
  if (iso === undefined) throw new InvalidArgumentError(msg.badDate(value));
  return iso;
}
