/**
 * The names of a round's slots, typed. Planned ones come from the ladder ('announce',
 * 'r-7d' … 'r+3d', 'escalate', and 'r0d@2026-12-22' after the deadline moved); the
 * others are made on demand and are never re-planned ('manual-<window start ms>',
 * 'digest-<local date>'). Keys are stored as text: a key read back from Postgres or
 * Redis is a plain string until `parseSlotKey` says what it is.
 */

/** A reminder's offset from the deadline's local date, as formatOffset writes it. */
type OffsetText = '0d' | `-${number}d` | `+${number}d`;
export type ReminderKey = `r${OffsetText}`;
/** A reminder whose key went out before the deadline moved: the same offset, from the new deadline's date. */
export type MovedReminderKey = `${ReminderKey}@${string}`;
export type ManualKey = `manual-${number}`;
export type DigestKey = `digest-${string}`;
export type SlotKey = 'announce' | 'escalate' | ReminderKey | MovedReminderKey | ManualKey | DigestKey;

export type ParsedSlotKey =
  | { kind: 'announce'; key: SlotKey }
  | { kind: 'escalate'; key: SlotKey }
  /** `movedTo`: the local date 'YYYY-MM-DD' of the deadline the reminder was re-planned for. */
  | { kind: 'reminder'; key: SlotKey; offsetDays: number; movedTo?: string }
  | { kind: 'manual'; key: SlotKey; windowStartMs: number }
  | { kind: 'digest'; key: SlotKey; date: string };

export const ANNOUNCE_KEY = 'announce' satisfies SlotKey;
export const ESCALATE_KEY = 'escalate' satisfies SlotKey;
export const MANUAL_PREFIX = 'manual-';
const DIGEST_PREFIX = 'digest-';

/** '-7d', '0d', '+1d': the offset notation of plans and of reminder keys. */
export function formatOffset(days: number): OffsetText {
  return days === 0 ? '0d' : days < 0 ? `-${-days}d` : `+${days}d`;
}

/** The planned reminder `days` from the deadline's local date. */
export function reminderSlotKey(days: number): ReminderKey {
  return `r${formatOffset(days)}`;
}

/** A reminder already sent, re-planned for a deadline that moved to `dueDate` ('YYYY-MM-DD'). */
export function movedSlotKey(key: ReminderKey, dueDate: string): MovedReminderKey {
  return `${key}@${dueDate}`;
}

/** "Nhắc ngay": one key per window, so simultaneous requests make one slot. */
export function manualSlotKey(windowStartMs: number): ManualKey {
  return `${MANUAL_PREFIX}${windowStartMs}`;
}

/** The daily digest of a local date, 'YYYY-MM-DD'. */
export function digestSlotKey(localDate: string): DigestKey {
  return `${DIGEST_PREFIX}${localDate}`;
}

/** Made on demand (manual reminder, digest), not by the plan. By prefix, as the SQL that looks for them (`like 'manual-%'`). */
export function isUnplannedSlot(key: string): boolean {
  return key.startsWith(MANUAL_PREFIX) || key.startsWith(DIGEST_PREFIX);
}

const REMINDER = /^r(0|[+-][1-9]\d*)d(?:@(\d{4}-\d{2}-\d{2}))?$/;
const MANUAL = /^manual-(\d+)$/;
const DIGEST = /^digest-(\d{4}-\d{2}-\d{2})$/;

/** What a stored key is; undefined for a string no constructor above makes. `key` is rebuilt from the parts, so `parseSlotKey(k)?.key === k`. */
export function parseSlotKey(text: string): ParsedSlotKey | undefined {
  if (text === ANNOUNCE_KEY) return { kind: 'announce', key: ANNOUNCE_KEY };
  if (text === ESCALATE_KEY) return { kind: 'escalate', key: ESCALATE_KEY };
  const reminder = REMINDER.exec(text);
  if (reminder) {
    const offsetDays = reminder[1] === '0' ? 0 : Number(reminder[1]);
    const planned = reminderSlotKey(offsetDays);
    const movedTo = reminder[2];
    return movedTo === undefined ? { kind: 'reminder', key: planned, offsetDays } : { kind: 'reminder', key: movedSlotKey(planned, movedTo), offsetDays, movedTo };
  }
  const manual = MANUAL.exec(text);
  if (manual) return { kind: 'manual', key: manualSlotKey(Number(manual[1])), windowStartMs: Number(manual[1]) };
  const digest = DIGEST.exec(text);
  if (digest) return { kind: 'digest', key: digestSlotKey(digest[1]!), date: digest[1]! };
  return undefined;
}
