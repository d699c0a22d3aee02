/**
 * No secret reaches a log line: the configured ones (by value) and those of a known shape
 * (a bot token in a Bot API URL), wherever they hide: an error's message, a nested error
 * (a fetch error quoting the URL), a request's payload, the line's message.
 */
import { Writable } from 'node:stream';
import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { secretScrubber, secretsIn } from '../../src/text/redact.js';

const TOKEN = '7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const WEBHOOK_SECRET = 'MyVerySecretWebhookToken_123';
const DB_PASSWORD = 's3cr3t-pa55word';
const ENV = { BOT_TOKEN: TOKEN, WEBHOOK_SECRET, DATABASE_URL: `postgres://bot:${DB_PASSWORD}@db:5432/baocao`, REDIS_URL: 'redis://127.0.0.1:6379' };

function capture(scrubbing = secretScrubber(secretsIn(ENV))) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', { scrub: scrubbing, destination }), lines };
}

/** What grammY throws when a Bot API call fails on the network: the fetch error quotes the URL. */
function networkFailure(token: string): HttpError {
  const fetchError = new Error(`request to https://api.telegram.org/bot${token}/sendMessage failed, reason: read ECONNRESET`);
  return new HttpError("Network request for 'sendMessage' failed!", fetchError);
}

describe('log lines', () => {
  it('mask a bot token quoted by a nested network error, and keep what went wrong', () => {
    const { logger, lines } = capture();
    logger.warn({ err: networkFailure(TOKEN), deliveryId: '42' }, 'delivery failed');
    const line = lines.join('');
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain(TOKEN.split(':')[1]);
    expect(line).toContain('/bot<redacted>/sendMessage');
    expect(line).toContain('ECONNRESET');
    expect(JSON.parse(line)).toMatchObject({ deliveryId: '42', msg: 'delivery failed', err: { type: 'HttpError' } });
  });

  it('mask a token of the known shape even when it is not the configured one', () => {
    const { logger, lines } = capture(secretScrubber([]));
    const other = '5550001112:AAFzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
    logger.error({ err: networkFailure(other) }, 'send failed');
    logger.info({ note: `token ${other} seen` }, 'plain field');
    expect(lines.join('')).not.toContain(other.split(':')[1]);
  });

  it('leave out a refused request and its secret, and mask configured secrets in any field', () => {
    const { logger, lines } = capture();
    const refused = new GrammyError(
      "Call to 'setWebhook' failed!",
      { ok: false, error_code: 400, description: 'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443' },
      'setWebhook',
      { url: 'https://bot.example.vn:8080/telegram/webhook', secret_token: WEBHOOK_SECRET },
    );
    logger.error({ err: refused }, 'start failed');
    logger.info({ url: `postgres://bot:${DB_PASSWORD}@db:5432/baocao` }, `connecting with ${WEBHOOK_SECRET}`);
    const text = lines.join('');
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(text).not.toContain(DB_PASSWORD);
    expect(text).toContain('ports 80, 88, 443 or 8443');
    expect(JSON.parse(lines[0]!).err.payload).toBeUndefined();
  });

  it('mask an error logged first-hand, whose message pino would take as the line message', () => {
    const { logger, lines } = capture();
    logger.warn(new Error(`cannot reach https://api.telegram.org/bot${TOKEN}/getMe`));
    const line = JSON.parse(lines[0]!);
    expect(line.msg).toBe('cannot reach https://api.telegram.org/bot<redacted>/getMe');
    expect(JSON.stringify(line)).not.toContain(TOKEN);
  });
});

describe('log lines without a message', () => {
  it('mask the message pino takes from the error, and keep dates readable', () => {
    const { logger, lines } = capture();
    const at = new Date('2026-12-01T02:00:00Z');
    logger.warn({ err: new Error(`failed with ${WEBHOOK_SECRET}`), at });
    const line = JSON.parse(lines[0]!);
    expect(line.msg).toBe('failed with <redacted>');
    expect(line.at).toBe('2026-12-01T02:00:00.000Z');
    expect(lines[0]).not.toContain(WEBHOOK_SECRET);
  });
});

describe('secretsIn', () => {
  it('names the tokens and the services passwords, not short or empty values', () => {
    expect(secretsIn({ ...ENV, LINK_SECRET: 'short' })).toEqual([TOKEN, WEBHOOK_SECRET, DB_PASSWORD]);
  });
});
