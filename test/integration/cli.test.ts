import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '../../src/cli/program.js';
import { loadConfig } from '../../src/config.js';
import { bundledFormsDir } from '../../src/forms/load.js';
import { redeemInvite } from '../../src/services/invites.js';
import { findPersonByIdentity, isAdmin } from '../../src/services/people.js';
import type { RoundScheduler } from '../../src/services/scheduling.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let t: TestDb;
let dir: string;
const clock = new ManualClock(at('2026-11-23T09:00'));

/** Our RoundScheduler, recording which rounds the commands said changed. */
const scheduler = {
  changed: [] as string[],
  async campaignChanged(campaignId: string) {
    this.changed.push(campaignId);
  },
  async deliveriesRequeued() {},
  async remindNow() {
    return { kind: 'none_missing' as const };
  },
} satisfies RoundScheduler & { changed: string[] };

beforeAll(async () => {
  t = await createTestDb('cli');
  dir = await mkdtemp(join(tmpdir(), 'baocao-cli-'));
});

afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string[];
  err: string[];
}

const noNetwork: typeof fetch = async () => {
  throw new Error('no network in tests');
};

async function cli(
  argv: string[],
  options: { env?: Record<string, string>; fetch?: typeof fetch; formsDir?: string } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    db: t.db,
    clock,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    config: loadConfig({ DATABASE_URL: t.url, ...options.env }, { requireBotToken: false }),
    fetch: options.fetch ?? noNetwork,
    ...(options.formsDir ? { formsDir: options.formsDir } : {}),
    scheduler,
  };
  const code = await runCli(deps, argv);
  return { code, out, err };
}

async function count(table: 'organizations' | 'invites' | 'campaigns' | 'audit_log'): Promise<number> {
  const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('baocao (in process)', () => {
  it('orgs import of a bad file prints every error with its line and writes nothing', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'ma;ten;loai;ma_cap_tren\nDB1;Đảng bộ 1;dang_bo_co_so;\nCB1;Chi bộ 1;abc;\nCB2;Chi bộ 2;chi_bo_truc_thuoc;KHONGCO\n');
    const result = await cli(['orgs', 'import', path]);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    const text = result.err.join('\n');
    expect(text).toContain('Tệp có 2 lỗi; chưa ghi gì vào cơ sở dữ liệu');
    expect(text).toContain('Dòng 3: loại «abc» không hợp lệ; dùng một trong: dang_bo_co_so, chi_bo_co_so, chi_bo_truc_thuoc');
    expect(text).toContain('Dòng 4: mã cấp trên «KHONGCO»');
    expect(await count('organizations')).toBe(0);
  });

  it('orgs import of a file with 300 errors prints the first 200 and how many more', async () => {
    const path = join(dir, 'many-errors.csv');
    const rows = Array.from({ length: 300 }, (_, i) => `CB${i + 1};Chi bộ ${i + 1};abc;`);
    await writeFile(path, ['ma;ten;loai;ma_cap_tren', ...rows].join('\n'));
    const result = await cli(['orgs', 'import', path]);
    expect(result.code).toBe(1);
    const lines = result.err.join('\n').split('\n');
    expect(lines[0]).toBe('Tệp có 300 lỗi; chưa ghi gì vào cơ sở dữ liệu. Sửa các lỗi sau rồi nhập lại:');
    expect(lines.filter((l) => l.startsWith('Dòng '))).toHaveLength(200);
    expect(lines[1]).toMatch(/^Dòng 2: loại «abc» không hợp lệ/);
    expect(lines[200]).toMatch(/^Dòng 201: loại «abc» không hợp lệ/);
    expect(lines[201]).toBe('… và 100 lỗi khác (sửa các lỗi trên rồi nhập lại để xem tiếp).');
    expect(lines).toHaveLength(202);
    expect(await count('organizations')).toBe(0);
  });

  it('orgs import refuses other file kinds and missing files in Vietnamese', async () => {
    const txt = await cli(['orgs', 'import', join(dir, 'list.txt')]);
    expect(txt).toMatchObject({ code: 1, err: [expect.stringContaining('không phải .csv hoặc .xlsx')] });
    const missing = await cli(['orgs', 'import', join(dir, 'missing.csv')]);
    expect(missing).toMatchObject({ code: 1, err: [expect.stringContaining('Không đọc được tệp')] });
  });

  it('orgs import of a good file prints the counts; orgs list shows them', async () => {
    const path = join(dir, 'good.csv');
    await writeFile(path, 'ma,ten,loai,ma_cap_tren\nDB1,Đảng bộ 1,dang_bo_co_so,\nCB1,"Chi bộ <1> & co",chi_bo_truc_thuoc,DB1\nCB2,Chi bộ 2,chi_bo_co_so,\n');
    const result = await cli(['orgs', 'import', path]);
    expect(result).toEqual({ code: 0, out: ['Đã nhập 3 tổ chức: 3 mới, 0 cập nhật, 0 không đổi.'], err: [] });

    const list = await cli(['orgs', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toEqual([
      'ma\tloai\tten\tma_cap_tren\tso_nguoi_bao_cao',
      'CB1\tchi_bo_truc_thuoc\tChi bộ <1> & co\tDB1\t0',
      'CB2\tchi_bo_co_so\tChi bộ 2\t\t0',
      'DB1\tdang_bo_co_so\tĐảng bộ 1\t\t0',
    ]);
  });

  it('invites create --org prints code, t.me link and the /start line for Zalo, and the code works', async () => {
    const before = await count('invites');
    const result = await cli(['invites', 'create', '--org', 'CB1', '--org', 'CB2', '--bot-username', 'testbot']);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(2);
    const match = /^CB1\t([A-Za-z0-9_-]{22})\thttps:\/\/t\.me\/testbot\?start=([A-Za-z0-9_-]+)\t\/start ([A-Za-z0-9_-]+)$/.exec(result.out[0]!);
    expect(match).not.toBeNull();
    expect(match![2]).toBe(match![1]);
    expect(match![3]).toBe(match![1]);
    expect(result.out[1]).toMatch(/^CB2\t([A-Za-z0-9_-]{22})\thttps:\/\/t\.me\/testbot\?start=\1\t\/start \1$/);
    expect(await count('invites')).toBe(before + 2);

    const redeemed = await redeemInvite(
      t.db,
      { code: match![1]!, user: { identity: { channel: 'telegram', externalId: '90001' }, displayName: 'Bí thư CB1' } },
      clock,
    );
    expect(redeemed.kind === 'ok' && redeemed.organization.code).toBe('CB1');
  });

  it('invites create on a Zalo-only installation prints no Telegram link, only the code and the /start line', async () => {
    const before = await count('invites');
    const result = await cli(['invites', 'create', '--org', 'CB1'], { env: { ZALO_BOT_TOKEN: '1234:zalosecret' } });
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const match = /^CB1\t([A-Za-z0-9_-]{22})\t-\t\/start ([A-Za-z0-9_-]+)$/.exec(result.out[0]!);
    expect(match).not.toBeNull();
    expect(match![2]).toBe(match![1]);
    expect(await count('invites')).toBe(before + 1);

    const redeemed = await redeemInvite(
      t.db,
      { code: match![1]!, user: { identity: { channel: 'zalo', externalId: 'za90002' }, displayName: 'Bí thư CB1 (Zalo)' } },
      clock,
    );
    expect(redeemed.kind === 'ok' && redeemed.organization.code).toBe('CB1');
  });

  it('invites create takes the bot name from BOT_USERNAME, else from getMe with the token', async () => {
    const fromEnv = await cli(['invites', 'create', '--org', 'DB1'], { env: { BOT_USERNAME: '@envbot' } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.out[0]).toMatch(/\thttps:\/\/t\.me\/envbot\?start=/);

    const asked: string[] = [];
    const getMe: typeof fetch = async (input) => {
      asked.push(String(input));
      return new Response(JSON.stringify({ ok: true, result: { id: 1, is_bot: true, username: 'askedbot' } }));
    };
    const fromApi = await cli(['invites', 'create', '--org', 'DB1'], {
      env: { BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: 'http://127.0.0.1:1' },
      fetch: getMe,
    });
    expect(fromApi.code).toBe(0);
    expect(asked).toEqual(['http://127.0.0.1:1/bot123:abc/getMe']);
    expect(fromApi.out[0]).toMatch(/\thttps:\/\/t\.me\/askedbot\?start=/);
  });

  it('invites create without a bot name fails clearly and writes nothing', async () => {
    const before = await count('invites');
    const result = await cli(['invites', 'create', '--all']);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain('Không biết tên bot');
    expect(await count('invites')).toBe(before);

    const unknown = await cli(['invites', 'create', '--org', 'NOPE', '--bot-username', 'testbot']);
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toContain('Không có tổ chức mang mã: NOPE');
    expect(await count('invites')).toBe(before);

    const neither = await cli(['invites', 'create', '--bot-username', 'testbot']);
    expect(neither.code).toBe(1);
    expect(neither.err[0]).toBe('Cần đúng một trong hai: --all hoặc --org MA.');
    const both = await cli(['invites', 'create', '--all', '--org', 'CB1', '--bot-username', 'testbot']);
    expect(both.code).toBe(1);
    expect(both.err[0]).toBe('Không dùng --all cùng với --org: chọn một trong hai.');
    // The help hint names the command, not its arguments.
    expect((await cli(['summary', '1', '--khong-co'])).err.at(-1)).toBe('Xem hướng dẫn: baocao summary --help');
  });

  it('invites revoke reports how many were revoked', async () => {
    await cli(['invites', 'create', '--org', 'CB2', '--bot-username', 'testbot']);
    const result = await cli(['invites', 'revoke', '--org', 'CB2']);
    expect(result.code).toBe(0);
    expect(result.out).toEqual(['Đã thu hồi 2 mã mời của tổ chức CB2.']);
  });

  it('invites revoke takes every --org given, and none when one is unknown; a one-organization command refuses two', async () => {
    await cli(['invites', 'create', '--org', 'CB2', '--org', 'DB1', '--bot-username', 'testbot']);
    const invites = await count('invites');
    const refused = await cli(['invites', 'revoke', '--org', 'CB2', '--org', 'KHONGCO']);
    expect(refused.code).toBe(1);
    const stillValid = await t.db.selectFrom('invites').select('id').where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
    expect(stillValid.length).toBeGreaterThanOrEqual(2);
    const both = await cli(['invites', 'revoke', '--org', 'CB2', '--org', 'DB1']);
    expect(both.code).toBe(0);
    expect(both.out[0]).toBe('Đã thu hồi 1 mã mời của tổ chức CB2.');
    expect(both.out[1]).toMatch(/^Đã thu hồi \d+ mã mời của tổ chức DB1\.$/);
    expect(await count('invites')).toBe(invites);
    for (const argv of [['reporters', 'list', '--org', 'CB2', '--org', 'DB1'], ['reporters', 'list', '--org', 'CB2,DB1']]) {
      const one = await cli(argv);
      expect(one.code).toBe(1);
      expect(one.err.join('\n')).toContain('lệnh này làm việc với một tổ chức mỗi lần');
    }
  });

  it('reporters list marks the accounts that refuse messages, and the person none of whose accounts on the bot\'s channels takes them', async () => {
    const org = await insertOrg(t.db, { code: 'RL1', name: 'Chi bộ Liên lạc' });
    const twoApps = await insertPerson(t.db, { telegramUserId: 880_001, zaloUserId: 'z880001', name: 'An Hai Kênh', orgIds: [org] });
    const telegramOnly = await insertPerson(t.db, { telegramUserId: 880_002, name: 'Bình Chặn', orgIds: [org] });
    const refuse = (personId: string, channel: 'telegram' | 'zalo') =>
      t.db.updateTable('identities').set({ unreachable_at: at('2026-11-20T08:00'), unreachable_reason: 'blocked' }).where('person_id', '=', personId).where('channel', '=', channel).execute();
    await refuse(twoApps, 'zalo');
    await refuse(telegramOnly, 'telegram');
    // No token in this configuration: every channel counts.
    expect((await cli(['reporters', 'list', '--org', 'RL1'])).out).toEqual([
      'telegram:880001,zalo:z880001\tAn Hai Kênh\t(zalo:z880001 không nhận tin: đã chặn bot hoặc không còn tài khoản)',
      'telegram:880002\tBình Chặn\t(không liên lạc được)',
    ]);
    // A Zalo-only installation: Zalo refusing is refusing everywhere it sends.
    const zaloOnly = await cli(['reporters', 'list', '--org', 'RL1'], { env: { ZALO_BOT_TOKEN: '1234567890:zalo-test-secret' } });
    expect(zaloOnly.out[0]).toBe('telegram:880001,zalo:z880001\tAn Hai Kênh\t(không liên lạc được)');
  });

  it('forms list syncs and lists both bundled forms', async () => {
    const result = await cli(['forms', 'list']);
    expect(result.code).toBe(0);
    expect(result.out.map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['dan_van_qcdc 1', 'xep_loai_to_chuc_dang 1']);
    expect(result.out[0]).toMatch(/\t\d+ câu hỏi$/);
  });

  it('a form file changed without a new version number is refused in Vietnamese', async () => {
    await cli(['forms', 'list']);
    const formsDir = join(dir, 'forms');
    await mkdir(formsDir, { recursive: true });
    const original = JSON.parse(await readFile(join(bundledFormsDir, 'xep_loai_to_chuc_dang.v1.json'), 'utf8')) as { title: string };
    await writeFile(join(formsDir, 'xep_loai_to_chuc_dang.v1.json'), JSON.stringify({ ...original, title: `${original.title} (sửa)` }));
    const result = await cli(['forms', 'list'], { formsDir });
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toMatch(/^Tệp biểu mẫu «xep_loai_to_chuc_dang» phiên bản 1 khác với bản đã lưu/);
  });

  it("FORMS_DIR adds the office's own forms beside the bundled ones, and a version defined twice is refused", async () => {
    const own = join(dir, 'own-forms');
    await mkdir(own, { recursive: true });
    const original = JSON.parse(await readFile(join(bundledFormsDir, 'dan_van_qcdc.v1.json'), 'utf8')) as { title: string; version: number };
    const ownForm = { ...original, id: 'mau_rieng_van_phong', title: 'Mẫu riêng của văn phòng' };
    await writeFile(join(own, 'mau_rieng_van_phong.v1.json'), JSON.stringify(ownForm));
    try {
      const listed = await cli(['forms', 'list'], { env: { FORMS_DIR: own } });
      expect(listed.code).toBe(0);
      expect(listed.out.map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['dan_van_qcdc 1', 'mau_rieng_van_phong 1', 'xep_loai_to_chuc_dang 1']);
      await writeFile(join(own, 'again.json'), JSON.stringify({ ...ownForm, title: 'Khác' }));
      const twice = await cli(['forms', 'list'], { env: { FORMS_DIR: own } });
      expect(twice.code).toBe(1);
      expect(twice.err.join('\n')).toContain('mau_rieng_van_phong');
    } finally {
      // The other tests expect the two bundled forms only.
      await t.db.deleteFrom('forms').where('id', '=', 'mau_rieng_van_phong').execute();
    }
  });

  it('campaigns create prints the id alone on stdout; campaigns list shows it', async () => {
    const result = await cli([
      'campaigns',
      'create',
      '--form',
      'dan_van_qcdc',
      '--period',
      'Năm 2026',
      '--opens',
      '2026-12-01',
      '--due',
      '2026-12-15T17:00',
      '--orgs',
      'CB1,CB2',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    expect(result.out[0]).toMatch(/^\d+$/);
    const id = result.out[0]!;
    const campaign = await t.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(campaign.due_at.toISOString()).toBe(at('2026-12-15T17:00').toISOString());
    expect(campaign.opens_at.toISOString()).toBe(at('2026-12-01T00:00').toISOString());
    const targets = await t.db.selectFrom('campaign_targets').select('organization_id').where('campaign_id', '=', id).execute();
    expect(targets).toHaveLength(2);

    const list = await cli(['campaigns', 'list']);
    expect(list.out.some((l) => l.startsWith(`${id}\tdan_van_qcdc@1\tNăm 2026\t`) && l.includes('đã nộp 0/2'))).toBe(true);
  });

  it('campaigns create explains bad input in Vietnamese', async () => {
    const before = await count('campaigns');
    const badDate = await cli(['campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Năm 2026', '--opens', '2026-13-01', '--due', '2026-12-15']);
    expect(badDate).toMatchObject({ code: 1, out: [] });
    expect(badDate.err[0]).toContain('--opens «2026-13-01» không phải thời điểm hợp lệ');
    const badForm = await cli(['campaigns', 'create', '--form', 'nope', '--period', 'Năm 2026', '--opens', '2026-12-01', '--due', '2026-12-15']);
    expect(badForm.err[0]).toContain('Không có biểu mẫu «nope»');
    const missing = await cli(['campaigns', 'create', '--form', 'dan_van_qcdc']);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/^Thiếu tùy chọn bắt buộc --period/);
    expect(await count('campaigns')).toBe(before);
  });

  it('campaigns create takes targets by type or parent, a reminder plan and period dates; warns about a period without dates', async () => {
    await cli(['orgs', 'list']);
    const orgsFile = join(dir, 'tree.csv');
    await writeFile(orgsFile, 'ma,ten,loai,ma_cap_tren\nDBX,Đảng bộ X,dang_bo_co_so,\nTX1,Chi bộ X1,chi_bo_truc_thuoc,DBX\nTX2,Chi bộ X2,chi_bo_truc_thuoc,DBX\n');
    expect((await cli(['orgs', 'import', orgsFile])).code).toBe(0);
    scheduler.changed = [];

    const parent = await cli([
      'campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Quý IV/2026', '--opens', '2026-12-01T08:00', '--due', '2026-12-15T17:00',
      '--parent', 'DBX', '--reminders', '-5d,0d,+2d', '--at', '07:30', '--closes', '2026-12-31',
    ]);
    expect(parent.code).toBe(0);
    const id = parent.out[0]!;
    expect(parent.err.join('\n')).toContain('giao cho 3 tổ chức');
    expect(parent.err.join('\n')).toContain('Lịch nhắc: 5 ngày trước hạn, sáng ngày hết hạn, 2 ngày sau hạn, lúc 07:30.');
    expect(parent.err.join('\n')).not.toContain('Lưu ý');
    const stored = await t.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ reminder_offsets: ['-5d', '0d', '+2d'], reminder_time: '07:30', period_start: '2026-10-01', period_end: '2026-12-31' });
    expect(stored.closed_at?.toISOString()).toBe(at('2026-12-31T23:59').toISOString());
    expect(scheduler.changed).toEqual([id]);

    const types = await cli([
      'campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Đợt kiểm tra đặc biệt', '--opens', '2026-12-01', '--due', '2026-12-15',
      '--types', 'chi_bo_truc_thuoc', '--reminders=không',
    ]);
    expect(types.code).toBe(0);
    const truc = await t.db.selectFrom('organizations').select('code').where('type', '=', 'chi_bo_truc_thuoc').execute();
    expect(truc.length).toBeGreaterThanOrEqual(2);
    expect(types.err.join('\n')).toContain(`giao cho ${truc.length} tổ chức`);
    expect(types.err.join('\n')).toContain('Lịch nhắc: không nhắc.');
    expect(types.err.join('\n')).toContain('Lưu ý: không suy ra được ngày đầu và cuối của kỳ «Đợt kiểm tra đặc biệt»');

    const dated = await cli([
      'campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Đợt kiểm tra đặc biệt', '--opens', '2026-12-01', '--due', '2026-12-15',
      '--period-start', '2026-07-01', '--period-end', '2026-09-30', '--orgs', 'TX1',
    ]);
    expect(dated.code).toBe(0);
    expect(dated.err.join('\n')).not.toContain('Lưu ý');
    const datedRow = await t.db.selectFrom('campaigns').selectAll().where('id', '=', dated.out[0]!).executeTakeFirstOrThrow();
    expect(datedRow).toMatchObject({ period_start: '2026-07-01', period_end: '2026-09-30' });
  });

  it('campaigns create warns of a deadline already past, unless the round is closed too (a past round entered late)', async () => {
    const past = await cli(['campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Năm 2019', '--opens', '2019-01-01', '--due', '2019-01-15']);
    expect(past.code).toBe(0);
    expect(past.err.join('\n')).toContain(`Cảnh báo: hạn chót của đợt ${past.out[0]} đã qua`);
    const backfill = await cli(['campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Năm 2018', '--opens', '2018-01-01', '--due', '2018-01-15', '--closes', '2018-02-01']);
    expect(backfill.code).toBe(0);
    expect(backfill.err.join('\n')).not.toContain('Cảnh báo: hạn chót');
  });

  it('campaigns create refuses conflicting or bad new options', async () => {
    const before = await count('campaigns');
    const args = ['campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Năm 2026', '--opens', '2026-12-01', '--due', '2026-12-15'];
    expect((await cli([...args, '--types', 'dang_bo_co_so', '--orgs', 'CB1'])).err[0]).toBe('Chỉ dùng một trong các tùy chọn --orgs, --types, --parent.');
    expect((await cli([...args, '--types', 'chi_bo'])).err[0]).toContain('Loại hình không hợp lệ: chi_bo.');
    expect((await cli([...args, '--reminders', '7d'])).err[0]).toContain('thiếu dấu');
    expect((await cli([...args, '--at', '25:00'])).err[0]).toBe('«25:00» không phải giờ hợp lệ; dùng HH:mm, ví dụ 08:00.');
    expect((await cli([...args, '--parent', 'CB1'])).err[0]).toContain('không phải đảng bộ cơ sở');
    expect((await cli([...args, '--orgs', 'CB1,NOPE1,NOPE2'])).err[0]).toBe('Không có tổ chức mang mã: NOPE1, NOPE2.');
    expect((await cli([...args, '--period-start', '2026-01-01'])).err[0]).toContain('Ngày bắt đầu và kết thúc kỳ báo cáo');
    expect((await cli([...args, '--period-start', '2026-02-30', '--period-end', '2026-03-01'])).err[0]).toBe('«2026-02-30» không phải ngày hợp lệ; dùng YYYY-MM-DD hoặc DD/MM/YYYY.');
    expect((await cli([...args, '--period-start', '30/02/2026', '--period-end', '01/03/2026'])).err[0]).toBe('«30/02/2026» không phải ngày hợp lệ; dùng YYYY-MM-DD hoặc DD/MM/YYYY.');
    expect(await count('campaigns')).toBe(before);
    // The period's dates as --opens takes them too.
    const dmy = await cli([...args, '--period', 'Năm 2031', '--period-start', '01/01/2031', '--period-end', '31/12/2031']);
    expect(dmy.code).toBe(0);
  });

  it('campaigns set-due and close change the round, tell the scheduler, and list shows chưa mở / đang mở / đã kết thúc', async () => {
    const create = (opens: string, due: string) =>
      cli(['campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Năm 2026', '--opens', opens, '--due', due, '--orgs', 'CB1']);
    const future = (await create('2026-12-01', '2026-12-15T17:00')).out[0]!;
    const current = (await create('2026-11-01', '2026-11-30T17:00')).out[0]!;
    const ended = (await create('2026-11-01', '2026-11-30T17:00')).out[0]!;
    scheduler.changed = [];

    const moved = await cli(['campaigns', 'set-due', future, '2026-12-20T17:00']);
    expect(moved).toEqual({ code: 0, out: [`Đã đổi hạn chót của đợt ${future}: 17:00 thứ Ba, 15/12/2026 → 17:00 Chủ nhật, 20/12/2026. Lịch nhắc đã đổi theo.`], err: [] });
    const badDue = await cli(['campaigns', 'set-due', future, '2026-11-30']);
    expect(badDue).toMatchObject({ code: 1, err: ['Hạn chót phải sau thời điểm mở đợt báo cáo.'] });
    expect((await cli(['campaigns', 'set-due', future, 'mai'])).err[0]).toContain('không phải thời điểm hợp lệ');
    expect((await cli(['campaigns', 'set-due', '999999', '2026-12-20'])).err[0]).toBe('Không có đợt báo cáo mang mã «999999».');

    const closed = await cli(['campaigns', 'close', ended]);
    expect(closed).toEqual({ code: 0, out: [`Đợt báo cáo ${ended} kết thúc lúc 23/11/2026 09:00.`], err: [] });
    expect((await cli(['campaigns', 'close', ended])).err[0]).toBe(`Đợt báo cáo ${ended} đã kết thúc; không thay đổi được nữa.`);
    const later = await cli(['campaigns', 'close', current, '--at', '2026-12-05T17:00']);
    expect(later.out[0]).toBe(`Đợt báo cáo ${current} kết thúc lúc 05/12/2026 17:00.`);
    expect(scheduler.changed).toEqual([future, ended, current]);

    const list = (await cli(['campaigns', 'list'])).out;
    const line = (id: string) => list.find((l) => l.startsWith(`${id}\t`)) ?? '';
    expect(line(future)).toMatch(/\tchưa mở$/);
    expect(line(current)).toMatch(/\tđang mở \(kết thúc 05\/12\/2026 17:00\)$/);
    expect(line(ended)).toMatch(/\tđã kết thúc 23\/11\/2026 09:00$/);
    expect(line(future)).toContain('hạn 20/12/2026 17:00');
  });

  it('summary prints the plain-text report of a campaign, and refuses an unknown one', async () => {
    const [id] = (await cli(['campaigns', 'create', '--form', 'xep_loai_to_chuc_dang', '--period', 'Năm 2026', '--opens', '2026-11-01', '--due', '2026-12-20'])).out;
    const result = await cli(['summary', id!]);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain('Năm 2026');
    expect(result.out.join('\n')).not.toMatch(/<\/?b>/);

    const unknown = await cli(['summary', '999999']);
    expect(unknown).toMatchObject({ code: 1, out: [] });
    expect(unknown.err[0]).toContain('Không có đợt báo cáo mang mã «999999»');
  });

  it('export, report and chart write their file, or say in Vietnamese why they cannot, leaving nothing behind', async () => {
    const [id] = (await cli(['campaigns', 'create', '--form', 'dan_van_qcdc', '--period', 'Năm 2027', '--opens', '2026-11-01', '--due', '2026-12-20'])).out;
    const folder = await mkdtemp(join(tmpdir(), 'baocao-files-'));
    try {
      for (const [command, option, file] of [['export', '--xlsx', 'tong-hop.xlsx'], ['report', '--docx', 'bao-cao.docx'], ['chart', '--png', 'bieu-do.png']] as const) {
        const written = await cli([command, id!, option, join(folder, file)]);
        expect(written.code, command).toBe(0);
        expect((await readFile(join(folder, file))).length, command).toBeGreaterThan(1000);
        const missing = join(folder, 'khong-co', file);
        const refused = await cli([command, id!, option, missing]);
        expect(refused.code, command).toBe(1);
        expect(refused.err, command).toEqual([`Không ghi được tệp ${missing}: thư mục không tồn tại. Chưa ghi gì; chọn một thư mục khác (ví dụ /tmp/tong-hop.xlsx).`]);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('admins add makes isAdmin true; admins remove takes it back', async () => {
    const added = await cli(['admins', 'add', '77001']);
    expect(added).toEqual({ code: 0, out: ['Đã cấp quyền quản trị cho 77001 (Quản trị viên 77001).'], err: [] });
    const telegram = { channel: 'telegram', externalId: '77001' } as const;
    const person = await findPersonByIdentity(t.db, telegram, clock.now());
    expect(person && isAdmin(person.person, person.identities, [])).toBe(true);

    const removed = await cli(['admins', 'remove', '77001']);
    expect(removed.code).toBe(0);
    const after = await findPersonByIdentity(t.db, telegram, clock.now());
    expect(after && isAdmin(after.person, after.identities, [])).toBe(false);

    const bad = await cli(['admins', 'add', 'abc']);
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toBe('«abc» không phải ID Telegram (chỉ gồm chữ số) hay ID Zalo (dạng zalo:ID).');
  });

  it('admins add and remove take a Zalo identity as zalo:ID', async () => {
    const zalo = { channel: 'zalo', externalId: '8a3f0c77' } as const;
    const added = await cli(['admins', 'add', 'zalo:8a3f0c77']);
    expect(added).toEqual({ code: 0, out: ['Đã cấp quyền quản trị cho zalo:8a3f0c77 (Quản trị viên 8a3f0c77).'], err: [] });
    const person = await findPersonByIdentity(t.db, zalo, clock.now());
    expect(person?.identities).toEqual([zalo]);
    expect(person && isAdmin(person.person, person.identities, [])).toBe(true);
    // The same external id on Telegram is another account, not this admin.
    expect(await findPersonByIdentity(t.db, { channel: 'telegram', externalId: '8a3f0c77' }, clock.now())).toBeUndefined();

    const removed = await cli(['admins', 'remove', 'zalo:8a3f0c77']);
    expect(removed).toEqual({ code: 0, out: ['Đã bỏ quyền quản trị của zalo:8a3f0c77 (Quản trị viên 8a3f0c77).'], err: [] });
    const after = await findPersonByIdentity(t.db, zalo, clock.now());
    expect(after && isAdmin(after.person, after.identities, [])).toBe(false);
  });

  it("commander's own errors come out in Vietnamese", async () => {
    const result = await cli(['orgs', 'lisst']);
    expect(result).toEqual({ code: 1, out: [], err: ['Không có lệnh «lisst».', 'Xem hướng dẫn: baocao orgs --help'] });
    const option = await cli(['forms', 'list', '--nope']);
    expect(option.err[0]).toBe('Không có tùy chọn --nope.');
  });
});

describe('bin/baocao.js (a real process)', () => {
  const env = () => ({ ...process.env, DATABASE_URL: t.url, BOT_TOKEN: '', BOT_USERNAME: '' });

  it('forms list', async () => {
    const { stdout } = await run(process.execPath, ['bin/baocao.js', 'forms', 'list'], { cwd: repoRoot, env: env(), timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['dan_van_qcdc 1', 'xep_loai_to_chuc_dang 1']);
  });

  it('«baocao worker --help» and «baocao web --help» print their help and start nothing; «baocao --help» lists them', async () => {
    for (const role of ['worker', 'web']) {
      const { stdout } = await run(process.execPath, ['bin/baocao.js', role, '--help'], { cwd: repoRoot, env: env(), timeout: 60_000 });
      expect(stdout).toContain(`Cách dùng: baocao ${role}`);
    }
    const { stdout } = await run(process.execPath, ['bin/baocao.js', '--help'], { cwd: repoRoot, env: env(), timeout: 60_000 });
    expect(stdout).toMatch(/^\s+web\s+Chạy tiến trình nhận tin/m);
    expect(stdout).toMatch(/^\s+worker\s+Chạy tiến trình gửi thông báo/m);
  });

  it('a user error exits 1 with a Vietnamese message and no stack trace', async () => {
    const failure = await run(
      process.execPath,
      ['bin/baocao.js', 'campaigns', 'create', '--form', 'nope', '--period', 'Năm 2026', '--opens', '2026-12-01', '--due', '2026-12-15'],
      { cwd: repoRoot, env: env(), timeout: 60_000 },
    ).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toContain('Không có biểu mẫu «nope»');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});
