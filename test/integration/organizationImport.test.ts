import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  importOrganizationFile,
  importOrganizations,
  parseOrganizationFile,
  type OrganizationRow,
} from '../../src/services/organizationImport.js';
import { findByCodes, listOrganizations } from '../../src/services/organizations.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, insertPerson } from '../support/fixtures.js';

let t: TestDb;
let dir: string;
const clock = new ManualClock(at('2026-11-23T09:00'));

beforeAll(async () => {
  t = await createTestDb('org_import');
  dir = await mkdtemp(join(tmpdir(), 'baocao-orgs-'));
});

afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await t.db.deleteFrom('memberships').execute();
  await t.db.deleteFrom('people').execute();
  await t.db.deleteFrom('organizations').where('parent_id', 'is not', null).execute();
  await t.db.deleteFrom('organizations').execute();
  await t.db.deleteFrom('audit_log').execute();
});

async function orgRows() {
  const rows = await listOrganizations(t.db);
  return rows.map((r) => ({ code: r.code, name: r.name, type: r.type, parent: r.parentCode }));
}

async function countOrgs(): Promise<number> {
  const row = await t.db.selectFrom('organizations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const GOOD_CSV =
  '\uFEFFMa; Ten ;LOAI;Mã cấp trên\r\n' +
  'DB01;Đảng bộ Công ty Điện lực;dang_bo_co_so;\r\n' +
  'CB01;"Chi bộ Phòng Kế hoạch; Vật tư";chi_bo_truc_thuoc;DB01\r\n' +
  '\r\n' +
  'CB02;Chi bộ Sở Tư pháp;Chi bộ cơ sở;\r\n';

describe('parsing', () => {
  it('reads a CSV with BOM, semicolons, quoted separators, blank lines and Vietnamese headers', async () => {
    const parsed = await parseOrganizationFile(Buffer.from(GOOD_CSV, 'utf8'), 'csv');
    expect(parsed).toEqual({
      kind: 'ok',
      rows: [
        { line: 2, code: 'DB01', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so', parentCode: '' },
        { line: 3, code: 'CB01', name: 'Chi bộ Phòng Kế hoạch; Vật tư', type: 'chi_bo_truc_thuoc', parentCode: 'DB01' },
        { line: 5, code: 'CB02', name: 'Chi bộ Sở Tư pháp', type: 'Chi bộ cơ sở', parentCode: '' },
      ],
    });
  });

  it('reads a comma-separated CSV with the columns in another order', async () => {
    const csv = 'ma_cap_tren,loai,ten,ma\n,dang_bo_co_so,"Đảng bộ A, B",DB9\nDB9,chi_bo_truc_thuoc,Chi bộ 1,CB9\n';
    const parsed = await parseOrganizationFile(Buffer.from(csv), 'csv');
    expect(parsed.kind === 'ok' && parsed.rows.map((r) => [r.line, r.code, r.name, r.parentCode])).toEqual([
      [2, 'DB9', 'Đảng bộ A, B', ''],
      [3, 'CB9', 'Chi bộ 1', 'DB9'],
    ]);
  });

  it('names every missing header column', async () => {
    const parsed = await parseOrganizationFile(Buffer.from('ma;ten\nA;B\n'), 'csv');
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toContain('Dòng 1');
    expect(parsed.errors[0]).toContain('«loai»');
    expect(parsed.errors[0]).toContain('«ma_cap_tren»');
    expect(parsed.errors[0]).not.toContain('«ten»');
  });

  it('reports an unclosed quote instead of throwing', async () => {
    const parsed = await parseOrganizationFile(Buffer.from('ma,ten,loai,ma_cap_tren\nA,"B,chi_bo_co_so,\n'), 'csv');
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.errors[0]).toMatch(/^Không đọc được tệp CSV: dòng \d+: có dấu ngoặc kép \("\) mở mà không đóng$/);
  });

  it('refuses a file saved in a Windows code page (Excel\'s plain CSV) instead of importing garbled names', async () => {
    // "Chi bộ Sở Tư pháp" as Windows-1258 would write it: bytes that are not UTF-8.
    const legacy = Buffer.concat([Buffer.from('ma,ten,loai,ma_cap_tren\nCB1,Chi b'), Buffer.from([0xf4, 0xf2]), Buffer.from(' S'), Buffer.from([0xf5]), Buffer.from(',chi_bo_co_so,\n')]);
    const parsed = await parseOrganizationFile(legacy, 'csv');
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.errors).toEqual([expect.stringContaining('không ở dạng UTF-8')]);
  });

  it('reads Excel\'s "Unicode Text" (UTF-16 with its BOM, tab-separated)', async () => {
    const text = 'ma\tten\tloai\tma_cap_tren\r\nCB1\tChi bộ Sở Tư pháp\tchi_bo_co_so\t\r\n';
    const parsed = await parseOrganizationFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'csv');
    expect(parsed.kind === 'ok' && parsed.rows.map((r) => [r.code, r.name])).toEqual([['CB1', 'Chi bộ Sở Tư pháp']]);
    // Cut short (an odd number of bytes): refused in Vietnamese, not a crash.
    const cut = await parseOrganizationFile(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('abc')]), 'csv');
    expect(cut.kind === 'invalid' && cut.errors).toEqual([expect.stringContaining('không ở dạng UTF-8')]);
  });
});

describe('importing', () => {
  it('imports a good CSV (BOM + semicolon), parents first, and writes one audit row', async () => {
    const path = join(dir, 'good.csv');
    await writeFile(path, GOOD_CSV, 'utf8');
    const result = await importOrganizationFile(t.db, path, undefined, clock);
    expect(result).toEqual({ kind: 'ok', created: 3, updated: 0, unchanged: 0 });
    expect(await orgRows()).toEqual([
      { code: 'CB01', name: 'Chi bộ Phòng Kế hoạch; Vật tư', type: 'chi_bo_truc_thuoc', parent: 'DB01' },
      { code: 'CB02', name: 'Chi bộ Sở Tư pháp', type: 'chi_bo_co_so', parent: null },
      { code: 'DB01', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so', parent: null },
    ]);
    const audit = await t.db.selectFrom('audit_log').selectAll().execute();
    expect(audit.map((a) => a.action)).toEqual(['organizations.import']);
    expect(audit[0]?.details).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
  });

  it('imports a good XLSX (first worksheet, numeric codes as text)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Tổ chức');
    sheet.addRow(['Mã', 'Tên', 'Loại', 'Mã cấp trên']);
    sheet.addRow(['DB10', 'Đảng bộ Trường Đại học', 'dang_bo_co_so', null]);
    sheet.addRow(['CB11', 'Chi bộ Khoa Toán', 'chi_bo_truc_thuoc', 'DB10']);
    sheet.addRow([]);
    sheet.addRow([2024, 'Chi bộ số', 'chi_bo_co_so', '']);
    workbook.addWorksheet('Ghi chú').addRow(['ma', 'ten', 'loai', 'ma_cap_tren']);
    const path = join(dir, 'good.xlsx');
    await workbook.xlsx.writeFile(path);

    const parsed = await parseOrganizationFile(path);
    expect(parsed.kind === 'ok' && parsed.rows.map((r) => [r.line, r.code])).toEqual([
      [2, 'DB10'],
      [3, 'CB11'],
      [5, '2024'],
    ]);
    const result = await importOrganizationFile(t.db, path, 'xlsx', clock);
    expect(result).toEqual({ kind: 'ok', created: 3, updated: 0, unchanged: 0 });
    const found = await findByCodes(t.db, ['CB11', 'DB10', '2024', 'NOPE']);
    expect(found.map((o) => o.code)).toEqual(['2024', 'CB11', 'DB10']);
    const parent = found.find((o) => o.code === 'DB10');
    expect(found.find((o) => o.code === 'CB11')?.parent_id).toBe(parent?.id);
  });

  it('re-importing upserts by code: created, updated and unchanged are counted, updated_at moves only when changed', async () => {
    const first = [
      row(2, 'DB1', 'Đảng bộ 1', 'dang_bo_co_so'),
      row(3, 'CB1', 'Chi bộ 1', 'chi_bo_truc_thuoc', 'DB1'),
      row(4, 'CB2', 'Chi bộ 2', 'chi_bo_co_so'),
    ];
    expect(await importOrganizations(t.db, first, clock)).toEqual({ kind: 'ok', created: 3, updated: 0, unchanged: 0 });
    const before = await t.db.selectFrom('organizations').select(['code', 'id', 'updated_at']).orderBy('code').execute();

    const later = new ManualClock(at('2026-11-24T09:00'));
    const second = [
      row(2, 'DB1', 'Đảng bộ 1', 'dang_bo_co_so'),
      row(3, 'CB1', 'Chi bộ 1 (đổi tên)', 'chi_bo_truc_thuoc', 'DB1'),
      row(4, 'CB2', 'Chi bộ 2', 'chi_bo_truc_thuoc', 'DB1'),
      row(5, 'CB3', 'Chi bộ 3', 'chi_bo_co_so'),
    ];
    expect(await importOrganizations(t.db, second, later)).toEqual({ kind: 'ok', created: 1, updated: 2, unchanged: 1 });
    const after = await t.db.selectFrom('organizations').select(['code', 'id', 'updated_at']).orderBy('code').execute();
    expect(after.filter((a) => before.some((b) => b.code === a.code && b.id === a.id))).toHaveLength(3);
    const updatedAt = Object.fromEntries(after.map((a) => [a.code, a.updated_at.toISOString()]));
    expect(updatedAt).toEqual({
      CB1: later.now().toISOString(),
      CB2: later.now().toISOString(),
      CB3: later.now().toISOString(),
      DB1: clock.now().toISOString(),
    });
    expect((await orgRows()).find((o) => o.code === 'CB2')).toEqual({ code: 'CB2', name: 'Chi bộ 2', type: 'chi_bo_truc_thuoc', parent: 'DB1' });

    // The same file again changes nothing.
    expect(await importOrganizations(t.db, second, later)).toEqual({ kind: 'ok', created: 0, updated: 0, unchanged: 4 });
  });

  it('a parent already in the database may be referenced from the file', async () => {
    await importOrganizations(t.db, [row(2, 'DBX', 'Đảng bộ X', 'dang_bo_co_so')], clock);
    expect(await importOrganizations(t.db, [row(2, 'CBX', 'Chi bộ X', 'chi_bo_truc_thuoc', 'DBX')], clock)).toEqual({
      kind: 'ok',
      created: 1,
      updated: 0,
      unchanged: 0,
    });
  });

  it('a code differing only in case from one in the file or in the database is refused, not made a second organization', async () => {
    await importOrganizations(t.db, [row(2, 'CASE01', 'Chi bộ Chữ hoa', 'chi_bo_co_so')], clock);
    const before = await countOrgs();
    const result = await importOrganizations(t.db, [row(2, 'case01', 'Chi bộ Chữ hoa', 'chi_bo_co_so'), row(3, 'CASE05', 'Chi bộ 5', 'chi_bo_co_so'), row(4, 'case05', 'Chi bộ 5', 'chi_bo_co_so')], clock);
    expect(result).toEqual({
      kind: 'invalid',
      errors: [
        'Dòng 2: mã «case01» chỉ khác chữ hoa/thường với mã «CASE01» đã có; dùng đúng «CASE01» nếu là cùng một tổ chức.',
        'Dòng 4: mã «case05» trùng với dòng 3.',
      ],
    });
    expect(await countOrgs()).toBe(before);
  });

  it('refuses 50,000 rows of which 40,000 differ only in case from codes in the database, in seconds', async () => {
    // Each refused code used to be looked for again in the whole file: 78 s for such a file.
    await sql`insert into organizations (code, name, type) select 'CASE' || i, 'Chi bộ ' || i, 'chi_bo_co_so' from generate_series(1, 40000) i`.execute(t.db);
    const rows = Array.from({ length: 50_000 }, (_, i) =>
      i < 40_000 ? row(i + 2, `case${i + 1}`, `Chi bộ ${i + 1}`, 'chi_bo_co_so') : row(i + 2, `NEW${i}`, `Chi bộ mới ${i}`, 'chi_bo_co_so'),
    );
    const started = performance.now();
    const result = await importOrganizations(t.db, rows, clock);
    const seconds = (performance.now() - started) / 1000;
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.errors).toHaveLength(40_000);
    expect(result.errors[0]).toBe('Dòng 2: mã «case1» chỉ khác chữ hoa/thường với mã «CASE1» đã có; dùng đúng «CASE1» nếu là cùng một tổ chức.');
    expect(result.errors.at(-1)).toBe('Dòng 40001: mã «case40000» chỉ khác chữ hoa/thường với mã «CASE40000» đã có; dùng đúng «CASE40000» nếu là cùng một tổ chức.');
    expect(await countOrgs()).toBe(40_000);
    expect(seconds).toBeLessThan(10);
  }, 120_000);

  it('a bad file lists every error with its line number and writes nothing', async () => {
    await importOrganizations(t.db, [row(2, 'OLD', 'Chi bộ cũ', 'chi_bo_co_so'), row(3, 'DBOLD', 'Đảng bộ cũ', 'dang_bo_co_so')], clock);
    await importOrganizations(t.db, [row(2, 'KID', 'Chi bộ con', 'chi_bo_truc_thuoc', 'DBOLD')], clock);
    const orgsBefore = await countOrgs();
    const auditBefore = await t.db.selectFrom('audit_log').select('id').execute();

    const csv = [
      'ma,ten,loai,ma_cap_tren',
      'DB1,Đảng bộ 1,dang_bo_co_so,', // 2: fine
      ',Không mã,chi_bo_co_so,', // 3: empty code
      'CB1,,chi_bo_co_so,', // 4: empty name
      'CB2,Chi bộ 2,abc,', // 5: bad type
      'DB1,Đảng bộ trùng,dang_bo_co_so,', // 6: duplicate
      'CB3,Chi bộ 3,chi_bo_truc_thuoc,ZZZ', // 7: unknown parent
      'CB4,Chi bộ 4,chi_bo_truc_thuoc,', // 8: no parent
      'CB5,Chi bộ 5,chi_bo_truc_thuoc,OLD', // 9: parent is a chi bộ cơ sở (in DB)
      'CB6,Chi bộ 6,chi_bo_truc_thuoc,CB7', // 10: parent is a chi bộ cơ sở (in file)
      'CB7,Chi bộ 7,chi_bo_co_so,',
      'CB8,Chi bộ 8,chi_bo_truc_thuoc,CB8', // 12: own parent
      'CB9,Chi bộ 9,chi_bo_co_so,DB1', // 13: parent on a type without one
      'DBOLD,Đảng bộ cũ,chi_bo_co_so,', // 14: demoted while KID still points at it
      'CB10,Chi bộ 10,chi_bo_truc_thuoc,DB1', // 15: fine
    ].join('\n');
    const path = join(dir, 'bad.csv');
    await writeFile(path, csv);
    const result = await importOrganizationFile(t.db, path, 'csv', clock);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.errors).toEqual([
      'Dòng 3: thiếu mã tổ chức (cột ma).',
      'Dòng 4: thiếu tên tổ chức (cột ten).',
      'Dòng 5: loại «abc» không hợp lệ; dùng một trong: dang_bo_co_so, chi_bo_co_so, chi_bo_truc_thuoc',
      'Dòng 6: mã «DB1» trùng với dòng 2.',
      'Dòng 7: mã cấp trên «ZZZ» không có trong tệp và cũng chưa có trong cơ sở dữ liệu.',
      'Dòng 8: chi bộ trực thuộc phải có mã cấp trên (cột ma_cap_tren) là một đảng bộ cơ sở.',
      'Dòng 9: cấp trên «OLD» là chi bộ cơ sở, không phải đảng bộ cơ sở; chỉ đảng bộ cơ sở mới có chi bộ trực thuộc.',
      'Dòng 10: cấp trên «CB7» là chi bộ cơ sở, không phải đảng bộ cơ sở; chỉ đảng bộ cơ sở mới có chi bộ trực thuộc.',
      'Dòng 12: tổ chức «CB8» không thể là cấp trên của chính nó.',
      'Dòng 13: loại «chi_bo_co_so» không có cấp trên trong hệ thống; chi bộ thuộc một đảng bộ cơ sở phải có loại chi_bo_truc_thuoc.',
      'Dòng 14: «DBOLD» đang có chi bộ trực thuộc (KID) nên phải giữ loại dang_bo_co_so.',
    ]);
    expect(await countOrgs()).toBe(orgsBefore);
    expect(await t.db.selectFrom('organizations').select('code').where('code', 'in', ['DB1', 'CB7', 'CB10']).execute()).toEqual([]);
    expect((await t.db.selectFrom('organizations').select('type').where('code', '=', 'DBOLD').executeTakeFirstOrThrow()).type).toBe(
      'dang_bo_co_so',
    );
    expect(await t.db.selectFrom('audit_log').select('id').execute()).toEqual(auditBefore);
  });

  it('stores names with markup literally', async () => {
    const csv = 'ma,ten,loai,ma_cap_tren\nH1,"<b>A & B</b>",chi_bo_co_so,\n';
    const result = await importOrganizationFile(t.db, Buffer.from(csv), 'csv', clock);
    expect(result).toEqual({ kind: 'ok', created: 1, updated: 0, unchanged: 0 });
    const org = await t.db.selectFrom('organizations').select('name').where('code', '=', 'H1').executeTakeFirstOrThrow();
    expect(org.name).toBe('<b>A & B</b>');
  });

  it('listOrganizations counts reporters', async () => {
    await importOrganizations(t.db, [row(2, 'R1', 'Chi bộ R1', 'chi_bo_co_so'), row(3, 'R2', 'Chi bộ R2', 'chi_bo_co_so')], clock);
    const [r1] = await findByCodes(t.db, ['R1']);
    await insertPerson(t.db, { telegramUserId: 501, orgIds: [r1!.id] });
    await insertPerson(t.db, { telegramUserId: 502, orgIds: [r1!.id] });
    const listed = await listOrganizations(t.db);
    expect(listed.map((o) => [o.code, o.reporterCount])).toEqual([
      ['R1', 2],
      ['R2', 0],
    ]);
  });

  it('imports 5,000 organizations (100 đảng bộ with 49 chi bộ each, parents after children in the file)', async () => {
    const lines = ['ma;ten;loai;ma_cap_tren'];
    for (let d = 0; d < 100; d++) {
      for (let c = 0; c < 49; c++) lines.push(`C${d}-${c};Chi bộ ${c} thuộc Đảng bộ ${d};chi_bo_truc_thuoc;D${d}`);
      lines.push(`D${d};Đảng bộ ${d};dang_bo_co_so;`);
    }
    expect(lines.length - 1).toBe(5000);
    const result = await importOrganizationFile(t.db, Buffer.from(lines.join('\n')), 'csv', clock);
    expect(result).toEqual({ kind: 'ok', created: 5000, updated: 0, unchanged: 0 });
    expect(await countOrgs()).toBe(5000);
    const children = await t.db
      .selectFrom('organizations as c')
      .innerJoin('organizations as p', 'p.id', 'c.parent_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('p.type', '=', 'dang_bo_co_so')
      .executeTakeFirstOrThrow();
    expect(Number(children.n)).toBe(4900);
  });
});

function row(line: number, code: string, name: string, type: string, parentCode = ''): OrganizationRow {
  return { line, code, name, type, parentCode };
}
