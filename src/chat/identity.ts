/** Identities as people and configuration write them: 'telegram:123', 'zalo:8a3f…', or a bare Telegram id. */
import type { Identity } from './port.js';

/** A Telegram user id as typed: digits only. */
export const TELEGRAM_USER_ID = /^\d{1,15}$/;
/** A Zalo user id: an opaque string (hex or digits, sometimes beyond 2^53). */
export const ZALO_USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** 'zalo:ID' or 'telegram:ID'; a bare number stays a Telegram id (ADMIN_IDS before Zalo). */
export function parseIdentity(text: string): Identity | undefined {
  const value = text.trim();
  const qualified = /^(telegram|tg|zalo):(.+)$/i.exec(value);
  if (!qualified) return TELEGRAM_USER_ID.test(value) ? { channel: 'telegram', externalId: value } : undefined;
  const channel = qualified[1]!.toLowerCase() === 'zalo' ? 'zalo' : 'telegram';
  const id = qualified[2]!;
  const pattern = channel === 'zalo' ? ZALO_USER_ID : TELEGRAM_USER_ID;
  return pattern.test(id) ? { channel, externalId: id } : undefined;
}

/** How an identity is written in ADMIN_IDS, the CLI and the audit log. */
export function identityKey(identity: Identity): string {
  return `${identity.channel}:${identity.externalId}`;
}

export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.channel === b.channel && a.externalId === b.externalId;
}
