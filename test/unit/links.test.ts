import { describe, expect, it } from 'vitest';
import { LINK_TTL_MS, linkMaker, signLink, verifyLink, type LinkClaims } from '../../src/reports/links.js';

const SECRET = 'a'.repeat(64);
const NOW = Date.parse('2026-12-15T03:00:00Z');
const claims: LinkClaims = { campaignId: '12', file: 'xlsx', admin: { channel: 'zalo', externalId: 'a1b2c3d4e5f60718293a' }, expiresAt: NOW + LINK_TTL_MS };

describe('signed download links', () => {
  it('verify with the claims they were made with', () => {
    const check = verifyLink(SECRET, signLink(SECRET, claims), NOW);
    expect(check).toEqual({ ok: true, claims: { ...claims, expiresAt: Math.floor(claims.expiresAt / 1000) * 1000 } });
  });

  it('are refused once expired, at the second', () => {
    const token = signLink(SECRET, claims);
    expect(verifyLink(SECRET, token, claims.expiresAt - 1000).ok).toBe(true);
    expect(verifyLink(SECRET, token, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are refused when any byte changes', () => {
    const token = signLink(SECRET, claims);
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'b' ? 'c' : 'b';
      const altered = token.slice(0, i) + replacement + token.slice(i + 1);
      expect(verifyLink(SECRET, altered, NOW).ok, `byte ${i} changed: ${altered}`).toBe(false);
    }
  });

  it('are refused with another key, another round or another admin', () => {
    const token = signLink(SECRET, claims);
    expect(verifyLink('b'.repeat(64), token, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink(SECRET, token.replace(/^12\./, '13.'), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink(SECRET, token.replace('.za1b2', '.ta1b2'), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink(SECRET, 'not-a-link', NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('are made under PUBLIC_URL and last 24 hours', () => {
    const url = linkMaker('https://bot.example.vn', SECRET).url({ campaignId: '7', file: 'docx', admin: { channel: 'telegram', externalId: '9001' } }, NOW);
    expect(url).toMatch(/^https:\/\/bot\.example\.vn\/files\/7\.w\.t9001\.[0-9a-z]+\.[\w-]{27}$/);
    const check = verifyLink(SECRET, url.split('/files/')[1]!, NOW);
    expect(check.ok && check.claims.expiresAt).toBe(NOW + LINK_TTL_MS);
  });
});
