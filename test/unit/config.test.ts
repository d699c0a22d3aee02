import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, reminderPolicy } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig(env, { requireBotToken: false });

/** The problems a ConfigError lists; fails the test when the environment is accepted. */
function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('config: reminder settings', () => {
  it('defaults: quiet hours 21:00–07:00, no holidays, 25 messages/s, digest at 07:00', () => {
    const config = load({});
    expect(config.quietHours).toEqual({ start: '21:00', end: '07:00' });
    expect([...config.holidays]).toEqual([]);
    expect(config.outboxMaxPerSecond).toBe(25);
    expect(config.digestCron).toBe('0 7 * * *');
  });

  it.each([
    ['22:30-6:00', { start: '22:30', end: '06:00' }],
    ['12:00 – 13:30', { start: '12:00', end: '13:30' }],
    [' 21:00 - 07:00 ', { start: '21:00', end: '07:00' }],
    ['off', null],
    ['OFF', null],
    ['none', null],
  ])('QUIET_HOURS=%j', (value, expected) => {
    expect(load({ QUIET_HOURS: value }).quietHours).toEqual(expected);
  });

  it.each(['21-7', '25:00-07:00', '21:00-07:60', '21:00', '21:00-07:00-08:00', 'ban đêm'])(
    'QUIET_HOURS=%j is refused, naming the variable',
    (value) => {
      const found = problems({ QUIET_HOURS: value });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^QUIET_HOURS: /);
      expect(found[0]).toContain('HH:mm-HH:mm');
    },
  );

  it('QUIET_HOURS with the same start and end is refused (use "off")', () => {
    expect(problems({ QUIET_HOURS: '07:00-07:00' })).toEqual([
      'QUIET_HOURS: «07:00-07:00» bắt đầu và kết thúc cùng giờ; dùng «off» nếu không có giờ yên lặng',
    ]);
  });

  it('HOLIDAYS: single dates and inclusive ranges (Tết), across month ends and leap days', () => {
    const config = load({ HOLIDAYS: '2026-09-02, 2027-02-05..2027-02-10;2028-02-28..2028-03-01 2026-09-02' });
    expect([...config.holidays].sort()).toEqual([
      '2026-09-02',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
  });

  it('HOLIDAYS: a range of exactly 60 days is accepted, 61 is refused', () => {
    expect(load({ HOLIDAYS: '2027-01-01..2027-03-01' }).holidays.size).toBe(60);
    const found = problems({ HOLIDAYS: '2027-01-01..2027-03-02' });
    expect(found).toEqual(['HOLIDAYS: «2027-01-01..2027-03-02» phải đi từ ngày trước đến ngày sau và dài tối đa 60 ngày']);
  });

  it.each([
    ['2027-02-30', '«2027-02-30» không phải ngày'],
    ['2027-2-5', '«2027-2-5» không phải ngày'],
    ['Tết', '«Tết» không phải ngày'],
    ['2027-02-05..', '«2027-02-05..» không phải ngày'],
    ['2027-02-05..2027-02-07..2027-02-09', 'không phải ngày'],
    ['2027-02-10..2027-02-05', 'phải đi từ ngày trước đến ngày sau'],
  ])('HOLIDAYS=%j is refused: %s', (value, message) => {
    const found = problems({ HOLIDAYS: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^HOLIDAYS: /);
    expect(found[0]).toContain(message);
  });

  it('HOLIDAYS: every bad item is listed', () => {
    expect(problems({ HOLIDAYS: '2027-02-05, x, 2027-13-01' })).toHaveLength(2);
  });

  it.each([
    ['1', 1],
    ['25', 25],
    ['1000', 1000],
  ])('OUTBOX_MAX_PER_SECOND=%j', (value, expected) => {
    expect(load({ OUTBOX_MAX_PER_SECOND: value }).outboxMaxPerSecond).toBe(expected);
  });

  it.each(['0', '1001', '2.5', 'fast', '-5'])('OUTBOX_MAX_PER_SECOND=%j is refused', (value) => {
    const found = problems({ OUTBOX_MAX_PER_SECOND: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^OUTBOX_MAX_PER_SECOND: /);
  });

  it('STOP_TIMEOUT_SECONDS: 20 by default, a whole number of seconds from 1 to 600', () => {
    expect(load({}).stopTimeoutSeconds).toBe(20);
    expect(load({ STOP_TIMEOUT_SECONDS: '45' }).stopTimeoutSeconds).toBe(45);
    for (const value of ['0', '601', '2.5', 'soon']) expect(problems({ STOP_TIMEOUT_SECONDS: value })[0]).toMatch(/^STOP_TIMEOUT_SECONDS: /);
  });

  it('MIGRATION_LOCK_TIMEOUT_SECONDS: 5 by default, a whole number of seconds from 1 to 600', () => {
    expect(load({}).migrationLockTimeoutSeconds).toBe(5);
    expect(load({ MIGRATION_LOCK_TIMEOUT_SECONDS: '30' }).migrationLockTimeoutSeconds).toBe(30);
    for (const value of ['0', '601', '0.5', 'long']) expect(problems({ MIGRATION_LOCK_TIMEOUT_SECONDS: value })[0]).toMatch(/^MIGRATION_LOCK_TIMEOUT_SECONDS: /);
  });

  it.each([
    ['30 6 * * 1-5', '30 6 * * 1-5'],
    ['  0   7 * * * ', '0 7 * * *'],
    ['*/15 7-17 * * MON-FRI', '*/15 7-17 * * MON-FRI'],
    ['0 0 7 * * *', '0 0 7 * * *'],
  ])('DIGEST_CRON=%j', (value, expected) => {
    expect(load({ DIGEST_CRON: value }).digestCron).toBe(expected);
  });

  it.each(['0 7 * *', 'every morning', '0 7 * * * * *', '0 7 * * $', '99 7 * * *', '0 25 * * *', '0 7 32 * *'])('DIGEST_CRON=%j is refused', (value) => {
    const found = problems({ DIGEST_CRON: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^DIGEST_CRON: phải là biểu thức cron/);
  });

  it('reports every wrong reminder setting at once', () => {
    const found = problems({ QUIET_HOURS: 'x', HOLIDAYS: 'y', OUTBOX_MAX_PER_SECOND: '0', DIGEST_CRON: 'z' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'DIGEST_CRON',
      'HOLIDAYS',
      'OUTBOX_MAX_PER_SECOND',
      'QUIET_HOURS',
    ]);
  });

  it('reminderPolicy takes the quiet hours and holidays of the configuration', () => {
    const config = load({ QUIET_HOURS: '22:00-06:30', HOLIDAYS: '2027-02-05..2027-02-06' });
    const policy = reminderPolicy(config);
    expect(policy.quietHours).toEqual({ start: '22:00', end: '06:30' });
    expect([...policy.holidays].sort()).toEqual(['2027-02-05', '2027-02-06']);
    expect(reminderPolicy(load({ QUIET_HOURS: 'off' })).quietHours).toBeNull();
  });
});

describe('config: channels and admins', () => {
  const strict = (env: Record<string, string>) => loadConfig(env, { requireBotToken: true });

  it('needs a token of at least one channel to run the bot', () => {
    expect(() => strict({})).toThrow(/BOT_TOKEN: cần có mã bot.*ZALO_BOT_TOKEN/);
    expect(strict({ BOT_TOKEN: '123:abc' }).zalo).toBeUndefined();
    const zaloOnly = strict({ ZALO_BOT_TOKEN: '4242:secret-XYZ' });
    expect(zaloOnly.botToken).toBe('');
    expect(zaloOnly.zalo).toEqual({ token: '4242:secret-XYZ', apiRoot: 'https://bot-api.zaloplatforms.com', maxPerSecond: 10 });
  });

  it("takes Telegram's webhook connections within its 1–100, 40 by default", () => {
    expect(load({}).telegramWebhookConnections).toBe(40);
    expect(load({ TELEGRAM_WEBHOOK_CONNECTIONS: '100' }).telegramWebhookConnections).toBe(100);
    expect(problems({ TELEGRAM_WEBHOOK_CONNECTIONS: '0' }).join('\n')).toMatch(/TELEGRAM_WEBHOOK_CONNECTIONS/);
    expect(problems({ TELEGRAM_WEBHOOK_CONNECTIONS: '101' }).join('\n')).toMatch(/TELEGRAM_WEBHOOK_CONNECTIONS/);
  });

  it('reads the Zalo webhook settings and refuses a secret without PUBLIC_URL', () => {
    const config = load({ ZALO_BOT_TOKEN: '1:x', ZALO_WEBHOOK_SECRET: 'a-long-secret', PUBLIC_URL: 'https://bot.example.vn/', ZALO_API_ROOT: 'http://127.0.0.1:9/', ZALO_MAX_PER_SECOND: '5' });
    expect(config.zalo).toEqual({ token: '1:x', apiRoot: 'http://127.0.0.1:9', webhookSecret: 'a-long-secret', maxPerSecond: 5 });
    expect(config.publicUrl).toBe('https://bot.example.vn');
    expect(problems({ ZALO_BOT_TOKEN: '1:x', ZALO_WEBHOOK_SECRET: 'a-long-secret' }).join('\n')).toMatch(/PUBLIC_URL: cần có khi đặt/);
    expect(problems({ ZALO_WEBHOOK_SECRET: 'short', PUBLIC_URL: 'https://x.vn' }).join('\n')).toMatch(/ZALO_WEBHOOK_SECRET/);
    expect(problems({ ZALO_BOT_TOKEN: 'no colon' }).join('\n')).toMatch(/ZALO_BOT_TOKEN/);
  });

  it('ADMIN_IDS: bare numbers are Telegram ids, zalo:ID Zalo ids, kept as text beyond 2^53', () => {
    expect(load({ ADMIN_IDS: '123456, zalo:8a3f00aa11bb22cc33dd;telegram:77 zalo:84930217362540192839' }).adminIds).toEqual([
      { channel: 'telegram', externalId: '123456' },
      { channel: 'zalo', externalId: '8a3f00aa11bb22cc33dd' },
      { channel: 'telegram', externalId: '77' },
      { channel: 'zalo', externalId: '84930217362540192839' },
    ]);
    const found = problems({ ADMIN_IDS: '12a, viber:5, zalo:' }).join('\n');
    expect(found).toMatch(/«12a»/);
    expect(found).toMatch(/«viber:5»/);
    expect(found).toMatch(/«zalo:»/);
  });
});
