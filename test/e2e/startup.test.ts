/**
 * Starting with a service away: the process says in one Vietnamese line what to check,
 * prints no stack trace or JSON log, and has not migrated the database. Starting on a
 * port already taken: one line too. Starting while Telegram is slow: alive at once,
 * ready only once started. Telegram refusing the token or the webhook: one line with
 * its reason, neither the token nor the webhook's secret printed.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { freePort } from '../../src/http/freePort.js';
import { beforeExit, onFreePort, readyOn, startBotProcess, type BotProcess } from '../support/botProcess.js';
import { databaseExists, dropDatabase, TEST_PG_SERVER } from '../support/db.js';

const name = `baocao_startup_${process.pid}_${randomBytes(4).toString('hex')}`;

async function publicTables(): Promise<number | undefined> {
  if (!(await databaseExists(name))) return undefined;
  const db = new pg.Client({ connectionString: `${TEST_PG_SERVER}/${name}` });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>("select count(*) as n from pg_tables where schemaname = 'public'");
    return Number(rows[0]!.n);
  } finally {
    await db.end();
  }
}

afterAll(() => dropDatabase(name));

describe('starting with Redis away', () => {
  it('says so in one line and leaves the database unmigrated', async () => {
    const bot = startBotProcess({ BOT_TOKEN: '1:TEST', DATABASE_URL: `${TEST_PG_SERVER}/${name}`, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'info' });
    const code = await bot.exited();
    expect(code).toBe(1);
    const output = bot.output().trim();
    expect(output).toBe('Không kết nối được Redis tại redis://127.0.0.1:1 (REDIS_URL). Kiểm tra Redis đã chạy chưa, ví dụ: redis-server --daemonize yes');
    expect(await publicTables()).toBeOneOf([undefined, 0]);
  });
});

describe('starting on a port another program holds', () => {
  it('says so in one line, naming the setting, and exits 75 (try again, another port)', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const bot = startBotProcess({ BOT_TOKEN: '1:TEST', DATABASE_URL: `${TEST_PG_SERVER}/${name}_port`, HTTP_PORT: String(port) });
      expect(await bot.exited()).toBe(75);
      expect(bot.output().trim()).toBe(
        `Cổng HTTP đang có chương trình khác dùng: 127.0.0.1:${port} (HTTP_HOST, HTTP_PORT). Dừng chương trình đó hoặc đặt HTTP_PORT khác.`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
      await dropDatabase(`${name}_port`);
    }
  });
});

describe('starting on a host address that is not this machine\'s', () => {
  it('says so in one line, naming HTTP_HOST', async () => {
    try {
      const bot = startBotProcess({ BOT_TOKEN: '1:TEST', DATABASE_URL: `${TEST_PG_SERVER}/${name}_host`, HTTP_HOST: '999.1.1.1' });
      expect(await bot.exited()).toBe(1);
      expect(bot.output().trim()).toBe(
        'HTTP_HOST «999.1.1.1» không phải là địa chỉ của máy này. Dùng 127.0.0.1 (chỉ nhận từ chính máy này, sau proxy) hoặc 0.0.0.0 (mọi địa chỉ của máy).',
      );
    } finally {
      await dropDatabase(`${name}_host`);
    }
  }, 60_000);
});

describe('the harness that starts test processes on free ports', () => {
  it('starts again on another port when the one it picked was taken meanwhile', async () => {
    const emulator = await startBotApiEmulator();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as AddressInfo).port;
    const picks = [taken];
    const started: BotProcess[] = [];
    try {
      const { port } = await onFreePort(
        async (port) => {
          const bot = startBotProcess({ BOT_TOKEN: emulator.token, TELEGRAM_API_ROOT: emulator.apiRoot, DATABASE_URL: `${TEST_PG_SERVER}/${name}_retry`, HTTP_PORT: String(port) });
          started.push(bot);
          await readyOn(bot, port);
          return bot;
        },
        5,
        async () => picks.shift() ?? freePort(),
      );
      expect(port).not.toBe(taken);
      expect(started).toHaveLength(2);
      expect(await started[0]!.exited()).toBe(75);
    } finally {
      for (const bot of started) await bot.stop();
      // The harness asked the holder for /readyz before the refused process ended: that request never gets an answer.
      holder.closeAllConnections();
      await new Promise((resolve) => holder.close(resolve));
      await emulator.close();
      await dropDatabase(`${name}_retry`);
    }
  }, 90_000);
});

describe('starting while Telegram is slow to answer', () => {
  it('is alive from the moment its database is open, and ready only once started', async () => {
    const emulator = await startBotApiEmulator();
    // Telegram's getMe never answers: the start waits on it.
    const hung = emulator.hangNext('getMe');
    const { port, started: bot } = await onFreePort(async (port) => {
      const bot = startBotProcess({
        BOT_TOKEN: emulator.token,
        TELEGRAM_API_ROOT: emulator.apiRoot,
        DATABASE_URL: `${TEST_PG_SERVER}/${name}_slow`,
        HTTP_PORT: String(port),
      });
      await beforeExit(bot, hung);
      return bot;
    });
    try {
      const alive = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(alive.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ok: false, postgres: true, redis: true, started: false });
      // An update posted before the webhook's route exists is refused for now (Telegram delivers it again later).
      expect((await fetch(`http://127.0.0.1:${port}/telegram/webhook`, { method: 'POST', body: '{}' })).status).toBe(503);
    } finally {
      await bot.kill();
      await emulator.close();
      await dropDatabase(`${name}_slow`);
    }
  }, 60_000);
});

describe('starting when Telegram refuses the bot', () => {
  it('says in one line that the token is wrong, without printing it', async () => {
    const emulator = await startBotApiEmulator();
    const wrongToken = '7000000001:AAWrongTokenWrongTokenWrongToken1234';
    try {
      const bot = startBotProcess({ BOT_TOKEN: wrongToken, TELEGRAM_API_ROOT: emulator.apiRoot, DATABASE_URL: `${TEST_PG_SERVER}/${name}_token` });
      expect(await bot.exited()).toBe(1);
      expect(bot.output().trim()).toBe('Telegram không nhận BOT_TOKEN (lỗi 401): lấy lại token đúng từ @BotFather rồi đặt lại BOT_TOKEN.');
    } finally {
      await emulator.close();
      await dropDatabase(`${name}_token`);
    }
  }, 60_000);

  it("gives Telegram's reason for refusing the webhook in one line, never the webhook's secret", async () => {
    const emulator = await startBotApiEmulator();
    const secret = 'MyVerySecretWebhookToken_123';
    emulator.failNext('setWebhook', { error_code: 400, description: 'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443' });
    try {
      const bot = startBotProcess({
        BOT_TOKEN: emulator.token,
        TELEGRAM_API_ROOT: emulator.apiRoot,
        DATABASE_URL: `${TEST_PG_SERVER}/${name}_webhook`,
        PUBLIC_URL: 'https://bot.example.vn:8080',
        WEBHOOK_SECRET: secret,
        LOG_LEVEL: 'info',
      });
      expect(await bot.exited()).toBe(1);
      const lines = bot.output().trim().split('\n');
      expect(lines.at(-1)).toBe(
        'Telegram từ chối lệnh setWebhook: Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443. ' +
          'Kiểm tra PUBLIC_URL: Telegram chỉ gửi webhook đến địa chỉ https, cổng 443, 80, 88 hoặc 8443.',
      );
      expect(bot.output()).not.toContain(secret);
      expect(bot.output()).not.toContain(emulator.token);
    } finally {
      await emulator.close();
      await dropDatabase(`${name}_webhook`);
    }
  }, 60_000);
});
