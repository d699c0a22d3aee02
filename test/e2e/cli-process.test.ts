/**
 * The command line as the office runs it: it reads `.env` from the folder it runs in (as
 * the bot does), and a command that reads never creates the database it was pointed at:
 * a mistyped DATABASE_URL says so instead of answering from an empty new database.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, TEST_PG_SERVER, type TestDb } from '../support/db.js';
import { insertOrg } from '../support/fixtures.js';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

function runCli(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, cli, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  try {
    return ((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

let t: TestDb;
let folder: string;

beforeAll(async () => {
  t = await createTestDb('cli_process');
  folder = mkdtempSync(join(tmpdir(), 'baocao-cli-'));
});

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await t?.drop();
});

describe('the command line', () => {
  it('reads DATABASE_URL from .env in the folder it runs in', async () => {
    await insertOrg(t.db, { code: 'ENV01', name: 'Chi bộ Đọc từ tệp env' });
    writeFileSync(join(folder, '.env'), `DATABASE_URL=${t.url}\nREDIS_URL=redis://127.0.0.1:6379\n`);
    const { code, stdout } = await runCli(['orgs', 'list'], { cwd: folder, env: {} });
    expect(code).toBe(0);
    expect(stdout).toContain('Chi bộ Đọc từ tệp env');
  }, 60_000);

  it('refuses a database that does not exist, creates nothing, and says what to check', async () => {
    const missing = `baocao_missing_${randomBytes(4).toString('hex')}`;
    const { code, stderr } = await runCli(['campaigns', 'list'], { cwd: folder, env: { DATABASE_URL: `${TEST_PG_SERVER}/${missing}` } });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`Chưa có cơ sở dữ liệu ${TEST_PG_SERVER}/${missing} (DATABASE_URL). Kiểm tra DATABASE_URL (và tệp .env); nếu đây là lần cài đặt đầu tiên, chạy «baocao migrate» để tạo.`);
    expect(await databaseExists(missing)).toBe(false);
  }, 60_000);
});
