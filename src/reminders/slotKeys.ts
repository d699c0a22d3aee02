/**
 * The names of a round's slots. Planned ones come from the ladder ('announce',
 * 'r-7d' … 'r+3d', 'escalate', and 'r0d@2026-12-22' after the deadline moved);
 * the others are made on demand and are never re-planned.
 */
export const ANNOUNCE_KEY = 'announce';
export const ESCALATE_KEY = 'escalate';
export const MANUAL_PREFIX = 'manual-';
export const DIGEST_PREFIX = 'digest-';

/** "Nhắc ngay": one key per window, so simultaneous requests make one slot. */
export function manualSlotKey(windowStartMs: number): string {
  return `${MANUAL_PREFIX}${windowStartMs}`;
}

/** The daily digest of a local date, 'YYYY-MM-DD'. */
export function digestSlotKey(localDate: string): string {
  return `${DIGEST_PREFIX}${localDate}`;
}

/** Made on demand (manual reminder, digest), not by the plan. */
export function isUnplannedSlot(key: string): boolean {
  return key.startsWith(MANUAL_PREFIX) || key.startsWith(DIGEST_PREFIX);
}
