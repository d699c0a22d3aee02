/**
 * Starting with a service away: the process says in one Vietnamese line what to check,
 * prints no stack trace or JSON log, and has not migrated the database. Starting while
 * Telegram is slow: alive at once, ready only once started.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { startBotProcess } from '../support/botProcess.js';
import { freePort } from '../support/e2e.js';
import { dropDatabase, TEST_PG_SERVER } from '../support/db.js';

const name = `baocao_startup_${process.pid}_${randomBytes(4).toString('hex')}`;

async function publicTables(): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) return undefined;
  } finally {
    await client.end();
  }
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

describe('starting while Telegram is slow to answer', () => {
  it('is alive from the moment its database is open, and ready only once started', async () => {
    const emulator = await startBotApiEmulator();
    // Telegram's getMe never answers: the start waits on it.
    const hung = emulator.hangNext('getMe');
    const port = await freePort();
    const bot = startBotProcess({
      BOT_TOKEN: emulator.token,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      DATABASE_URL: `${TEST_PG_SERVER}/${name}_slow`,
      HTTP_PORT: String(port),
    });
    try {
      await hung;
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
