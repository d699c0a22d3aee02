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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, databaseExists, TEST_PG_SERVER, type TestDb } from '../support/db.js';
import { loadConfig, reminderPolicy } from '../../src/config.js';
import { planCampaignSlots } from '../../src/services/reminderSlots.js';
import { DAY, insertOpenRound } from '../support/e2e.js';
import { insertOrg, seedForms } from '../support/fixtures.js';


const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

function runCli(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, cli, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}


let t: TestDb;
let folder: string;

beforeAll(async () => {
  t = await createTestDb('cli_process');
  await seedForms(t.db);
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

  it('plans a changed deadline in Postgres even when Redis cannot be reached, and says the schedule follows within a minute', async () => {
    const now = new Date();
    const id = await insertOpenRound(t.db, now.getTime(), { organizationCodes: ['ENV01'] });
    await planCampaignSlots(t.db, id, reminderPolicy(loadConfig({ DATABASE_URL: t.url }, { requireBotToken: false })), now);
    const slotOf = async () => {
      const slots = await t.db.selectFrom('reminder_slots').select(['slot_key', 'send_at']).where('campaign_id', '=', id).execute();
      const due = slots.find((s) => s.slot_key === 'r-1d');
      if (!due) throw new Error(`no r-1d among ${slots.map((s) => s.slot_key).join(', ')}`);
      return due.send_at;
    };
    const before = await slotOf();
    const due = new Date(now.getTime() + 20 * DAY);
    const dueText = due.toISOString().slice(0, 10);
    const { code, stdout, stderr } = await runCli(['campaigns', 'set-due', id, `${dueText}T17:00`], { cwd: folder, env: { DATABASE_URL: t.url, REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(code).toBe(0);
    expect(stdout).toContain(`Đã đổi hạn chót của đợt ${id}`);
    expect(stderr).toContain('Bot đang chạy sẽ cập nhật lịch trong vòng một phút');
    const after = await slotOf();
    // The day before the new deadline (ten days later, give or take the local date of 17:00).
    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(9 * DAY);
  }, 60_000);

  it('refuses a database that does not exist, creates nothing, and says what to check', async () => {
    const missing = `baocao_missing_${randomBytes(4).toString('hex')}`;
    const { code, stderr } = await runCli(['campaigns', 'list'], { cwd: folder, env: { DATABASE_URL: `${TEST_PG_SERVER}/${missing}` } });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`Chưa có cơ sở dữ liệu ${TEST_PG_SERVER}/${missing} (DATABASE_URL). Kiểm tra DATABASE_URL (và tệp .env); nếu đây là lần cài đặt đầu tiên, chạy «baocao migrate» để tạo.`);
    expect(await databaseExists(missing)).toBe(false);
  }, 60_000);
});
