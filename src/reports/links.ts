/**
 * Download links for channels that cannot send files (Zalo): a link names the round, the
 * file, the admin it was made for and its expiry, signed with HMAC-SHA256. The server
 * refuses a link that is expired, altered, or whose admin is no longer an admin. The key
 * is LINK_SECRET, or one generated at first start and kept in the database (so every
 * replica and every restart accepts the same links); it is never logged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { FILE_CODES, FILE_KINDS, type FileKind, type Identity } from '../chat/port.js';
import type { Database } from '../db/schema.js';

/** How long a link works. */
export const LINK_TTL_MS = 24 * 60 * 60 * 1000;
const SECRET_SETTING = 'link_secret';
/** The path links are served under. */
export const FILES_PATH = '/files/';

export interface LinkClaims {
  campaignId: string;
  file: FileKind;
  /** The admin's account the link was made for (an admin from ADMIN_IDS may have no person yet). */
  admin: Identity;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const CHANNEL_CODES: Record<Identity['channel'], string> = { telegram: 't', zalo: 'z' };

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, 20);
}

/** `<campaign>.<file>.<channel><account id>.<expiry in seconds, base 36>.<signature>`: short enough for a chat message. */
export function signLink(secret: string, claims: LinkClaims): string {
  const admin = `${CHANNEL_CODES[claims.admin.channel]}${claims.admin.externalId}`;
  const payload = [claims.campaignId, FILE_CODES[claims.file], admin, Math.floor(claims.expiresAt / 1000).toString(36)].join('.');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

export function verifyLink(secret: string, token: string, nowMs: number): LinkCheck {
  const match = /^(\d{1,18})\.([a-z])\.([tz])([\w-]{1,64})\.([0-9a-z]{1,10})\.([\w-]{27})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, campaignId, code, channelCode, externalId, expiry, signature] = match;
  const file = FILE_KINDS.find((k) => FILE_CODES[k] === code);
  if (!file) return { ok: false, reason: 'malformed' };
  const channel: Identity['channel'] = channelCode === 't' ? 'telegram' : 'zalo';
  const payload = [campaignId, code, `${channelCode}${externalId}`, expiry].join('.');
  // Compared as text: base64url's last character has bits a decoder ignores, so two
  // spellings of one signature would otherwise both pass.
  const given = Buffer.from(signature!);
  const expected = Buffer.from(sign(secret, payload).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  const expiresAt = parseInt(expiry!, 36) * 1000;
  if (expiresAt <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { campaignId: campaignId!, file, admin: { channel, externalId: externalId! }, expiresAt } };
}

/** LINK_SECRET, or the installation's generated key (created once, whoever starts first). */
export async function linkSecret(db: Kysely<Database>, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const generated = randomBytes(32).toString('hex');
  const { rows } = await sql<{ value: string }>`
    with created as (
      insert into settings (key, value) values (${SECRET_SETTING}, ${generated}) on conflict (key) do nothing returning value
    )
    select value from created union all select value from settings where key = ${SECRET_SETTING} limit 1
  `.execute(db);
  if (rows[0]) return rows[0].value;
  // Another process created it after this statement's snapshot was taken: read it now.
  const { rows: again } = await sql<{ value: string }>`select value from settings where key = ${SECRET_SETTING}`.execute(db);
  return again[0]!.value;
}

/** Makes links for one installation. */
export interface LinkMaker {
  url(claims: Omit<LinkClaims, 'expiresAt'>, nowMs: number): string;
}

export function linkMaker(publicUrl: string, secret: string): LinkMaker {
  return {
    url: (claims, nowMs) => `${publicUrl}${FILES_PATH}${signLink(secret, { ...claims, expiresAt: nowMs + LINK_TTL_MS })}`,
  };
}
