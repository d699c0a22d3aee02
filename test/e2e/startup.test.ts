/**
 * Starting with a service away: the process says in one Vietnamese line what to check,
 * prints no stack trace or JSON log, and has not migrated the database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startBotProcess } from '../support/botProcess.js';
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
