/** The HTTP probes of a running app: /healthz (alive) and /readyz (Postgres and Redis answer). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, createRedis } from '../../jobs/connection.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { REDIS_URL } from '../support/reminderHarness.js';

let t: TestDb;
let emulator: BotApiEmulator;
let app: RunningApp;
const prefix = `test-probes-${process.pid}`;

beforeAll(async () => {
  t = await createTestDb('probes');
  emulator = await startBotApiEmulator();
  const config = loadConfig({
    BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    DATABASE_URL: t.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    HTTP_PORT: '0',
    QUIET_HOURS: 'off',
  });
  app = await startApp(config, { clock: systemClock, logger: silentLogger });
});

afterAll(async () => {
  await app?.stop();
  await emulator?.close();
  const redis = createRedis(REDIS_URL, 'worker');
  await clearRedisPrefix(redis, prefix);
  await redis.quit();
  await t?.drop();
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${app.httpPort}${path}`);
  return { status: response.status, body: response.status === 404 ? undefined : await response.json() };
}

describe('probes', () => {
  it('/healthz says the process is alive, /readyz that Postgres and Redis answer, anything else is 404', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await get('/readyz')).toEqual({ status: 200, body: { ok: true, postgres: true, redis: true, started: true } });
    expect((await get('/metricz')).status).toBe(404);
  });
});
