/**
 * End to end: the office's files of a round through the real bot process. On Telegram,
 * /tonghop carries three buttons and each sends its file (the workbook and the Word
 * draft as documents, the chart as a photo), the same totals in all of them. On Zalo,
 * which cannot send files, /tonghop carries signed links to the bot's own HTTP server,
 * good for that admin only; an altered link gets 403.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type BotMessage, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { startZaloEmulator, type ZaloEmulator, type ZaloUser } from '../../src/emulator/zaloEmulator.js';
import type { Form } from '../../src/forms/schema.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { systemClock } from '../../src/time.js';
import { onFreePort, startBotOn, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { DAY, insertOpenRound, stopAll, telegramChat, zaloChat } from '../support/e2e.js';
import { bundledForm, insertOrg, insertReport, seedForms } from '../support/fixtures.js';

const admin: TgUser = { id: 9101, first_name: 'Văn phòng' };
const secretary: TgUser = { id: 1101, first_name: 'Bí thư' };
const zaloAdmin: ZaloUser = { id: 'c0ffee00112233445566', display_name: 'Văn phòng Zalo' };
const EVIL = '<b>A & B</b>';

let testDb: TestDb;
let telegram: BotApiEmulator;
let zalo: ZaloEmulator;
let bot: BotProcess;
let port: number;
let campaignId: string;
let form: Form;

const tg = telegramChat(() => telegram, () => bot);
const za = zaloChat(() => zalo, () => bot);

/** QCDC answers with the given number of models, the rest fixed. */
function answers(models: number, rating: string, proposal: string) {
  return {
    ban_chi_dao: true,
    bcd_quy_che: true,
    so_mo_hinh_dvk: models,
    dang_ky_mo_hinh: false,
    hoi_nghi_nld: true,
    thoa_uoc: 'da_ky',
    so_doi_thoai: 2,
    so_tap_huan: 1,
    khen_tap_the: 0,
    khen_ca_nhan: 1,
    tu_danh_gia: rating,
    han_che: 'Không có',
    kien_nghi: proposal,
  };
}

beforeAll(async () => {
  testDb = await createTestDb('e2e_files');
  await seedForms(testDb.db);
  form = await bundledForm('dan_van_qcdc');
  await insertOrg(testDb.db, { code: 'DB01', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so' });
  await insertOrg(testDb.db, { code: 'CT01', name: 'Chi bộ Phòng Kỹ thuật', parentCode: 'DB01' });
  await insertOrg(testDb.db, { code: 'CB02', name: EVIL, type: 'chi_bo_co_so' });
  await insertOrg(testDb.db, { code: 'CB03', name: 'Chi bộ Sở Y tế', type: 'chi_bo_co_so' });
  const now = Date.now();
  const { id: previousId } = await createCampaign(
    testDb.db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2025', opensAt: new Date(now - 400 * DAY), dueAt: new Date(now - 380 * DAY), organizationCodes: 'all' },
    systemClock,
  );
  for (const code of ['DB01', 'CT01']) await insertReport(testDb.db, previousId, form, code, answers(2, 'kha', 'Không'));
  campaignId = await insertOpenRound(testDb.db, now);
  await insertReport(testDb.db, campaignId, form, 'DB01', answers(5, 'tot', 'Đề nghị tăng cường tập huấn cho cán bộ cơ sở'));
  await insertReport(testDb.db, campaignId, form, 'CT01', answers(3, 'tot', 'Đề nghị hỗ trợ kinh phí'));
  await insertReport(testDb.db, campaignId, form, 'CB02', answers(4, 'kha', 'Không có'));
  telegram = await startBotApiEmulator();
  zalo = await startZaloEmulator();
  zalo.addUser(zaloAdmin);
  ({ port, started: bot } = await onFreePort((port) =>
    startBotOn({ telegram, zalo }, testDb, {
      adminIds: [admin.id, `zalo:${zaloAdmin.id}`],
      env: { PUBLIC_URL: `http://127.0.0.1:${port}`, HTTP_PORT: String(port), ORG_NAME: 'Đảng ủy Khối các cơ quan tỉnh', PLACE_NAME: 'Trà Vinh' },
    }),
  ));
}, 90_000);

afterAll(() => stopAll(bot, [telegram, zalo], testDb));

/** The document (or photo) the bot sends after the press. */
async function pressForFile(summary: BotMessage, label: RegExp): Promise<BotMessage> {
  const before = telegram.messagesTo(admin.id).length;
  telegram.pressButtonLabelled(admin, summary, label);
  return telegram.waitFor(() => telegram.messagesTo(admin.id).slice(before).find((m) => m.document), 30_000);
}

describe('the office files on Telegram', () => {
  let summary: BotMessage;

  it('puts the three buttons under /tonghop, with the change since last year in the text', async () => {
    summary = await tg.say(admin, `/tonghop ${campaignId}`, /Đã nộp/);
    const labels = (summary.reply_markup?.inline_keyboard ?? []).flat().map((b: { text: string }) => b.text);
    expect(labels).toEqual(['📊 Tải Excel', '📄 Tải báo cáo (Word)', '🖼 Biểu đồ']);
    // 5 + 3 + 4 models against 2 + 2 a year before.
    expect(summary.plainText).toContain('12 mô hình');
    expect(summary.plainText).toContain('tăng 8 so với năm 2025');
  });

  it('sends the workbook, whose sheets add up to the summary', async () => {
    const answersBefore = telegram.callbackAnswers.length;
    const callsBefore = telegram.calls.length;
    const message = await pressForFile(summary, /Excel/);
    expect(message.document?.file_name).toMatch(/\.xlsx$/);
    // The button was answered at once with the notice, and the chat showed a file on its way before it came.
    expect(telegram.callbackAnswers.slice(answersBefore).map((a) => a.text)).toEqual(['Đang chuẩn bị tệp…']);
    const methods = telegram.calls.slice(callsBefore).map((c) => (c.method === 'sendChatAction' ? `${c.method}:${c.params.action}` : c.method));
    expect(methods.indexOf('sendChatAction:upload_document')).toBeGreaterThan(-1);
    expect(methods.indexOf('sendChatAction:upload_document')).toBeLessThan(methods.indexOf('sendDocument'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(message.document!.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Chi tiết', 'Chưa nộp', 'Nộp muộn', 'Ý kiến']);
    const details = workbook.getWorksheet('Chi tiết')!;
    const header = Array.from(details.getRow(1).values as unknown[], (v) => String(v ?? ''));
    const modelsColumn = header.findIndex((h) => h.includes('mô hình'));
    let models = 0;
    const names: string[] = [];
    details.eachRow((row, n) => {
      if (n === 1) return;
      names.push(String(row.getCell(2).value));
      const value = row.getCell(modelsColumn).value;
      if (typeof value === 'number') models += value;
    });
    expect(names).toHaveLength(4);
    expect(names).toContain(EVIL);
    expect(models).toBe(12);
    const opinions: string[] = [];
    workbook.getWorksheet('Ý kiến')!.eachRow((row) => opinions.push(Array.from(row.values as unknown[], (v) => String(v ?? '')).join('|')));
    expect(opinions.join('\n')).toContain('Đề nghị tăng cường tập huấn cho cán bộ cơ sở');
  });

  it('sends the Word draft in the party format with the same figures', async () => {
    const message = await pressForFile(summary, /Word/);
    expect(message.document?.file_name).toMatch(/\.docx$/);
    const zip = await JSZip.loadAsync(message.document!.bytes);
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('Trà Vinh, ngày');
    expect(text).toContain('12 mô hình');
    // The document writes counts as the party's documents do; the chat above said «tăng 8».
    expect(text).toContain('tăng 08 so với năm 2025');
    expect(text).toContain('Đề nghị hỗ trợ kinh phí');
    expect(xml).toContain('&lt;b&gt;A &amp; B&lt;/b&gt;');
  });

  it('sends the chart as a photo', async () => {
    const message = await pressForFile(summary, /Biểu đồ/);
    expect(message.document?.photo?.width).toBe(1200);
    expect(message.document?.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('refuses a file button to a secretary, whatever the payload claims', async () => {
    const start = await tg.say(secretary, '/trogiup', /./);
    const before = telegram.callbackAnswers.length;
    telegram.pressButton(secretary, start, `f:${campaignId}:x`);
    const answer = await telegram.waitFor(() => telegram.callbackAnswers.slice(before).find((a) => a.text));
    expect(answer.text).toContain('chỉ dành cho');
    expect(telegram.messagesTo(secretary.id).some((m) => m.document)).toBe(false);
  });
});

describe('the office files on Zalo', () => {
  let links: string[];

  it('puts signed links under /tonghop, since Zalo cannot send files', async () => {
    // The summary may take two messages on Zalo; the links end the last one.
    const message = await za.say(zaloAdmin, `tonghop ${campaignId}`, '/files/');
    links = [...message.text.matchAll(/http:\/\/127\.0\.0\.1:\d+\/files\/\S+/g)].map((m) => m[0]);
    expect(links).toHaveLength(3);
    expect(message.text).toContain('24 giờ');
  });

  it('serves each file from its link', async () => {
    const [xlsx, docx, png] = await Promise.all(links.map((link) => fetch(link)));
    expect(xlsx!.status).toBe(200);
    expect(xlsx!.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx!.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx!.arrayBuffer());
    expect(workbook.getWorksheet('Chi tiết')!.rowCount).toBe(5);
    expect(docx!.headers.get('content-type')).toContain('wordprocessingml');
    expect(png!.headers.get('content-type')).toBe('image/png');
    await Promise.all([docx!.arrayBuffer(), png!.arrayBuffer()]);
  });

  it('records nothing about the admin when a link is opened: it is not them writing to the bot', async () => {
    const identity = testDb.db.selectFrom('identities').where('channel', '=', 'zalo').where('external_id', '=', zaloAdmin.id);
    const { person_id } = await identity.select('person_id').executeTakeFirstOrThrow();
    const lastSeen = new Date('2026-01-02T03:04:05Z');
    await testDb.db
      .updateTable('identities')
      .set({ last_seen_at: lastSeen, unreachable_at: lastSeen, unreachable_reason: 'blocked' })
      .where('channel', '=', 'zalo')
      .where('external_id', '=', zaloAdmin.id)
      .execute();
    const served = await fetch(links[2]!);
    expect(served.status).toBe(200);
    await served.arrayBuffer();
    // Neither stamped as seen nor made reachable again.
    expect(await identity.select(['person_id', 'last_seen_at', 'unreachable_at', 'unreachable_reason']).executeTakeFirstOrThrow()).toEqual({
      person_id,
      last_seen_at: lastSeen,
      unreachable_at: lastSeen,
      unreachable_reason: 'blocked',
    });
  });

  it('refuses an altered link with 403 and serves nothing', async () => {
    const link = links[0]!;
    const altered = link.replace(`/files/${campaignId}.`, `/files/${Number(campaignId) + 1}.`);
    const refused = await fetch(altered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('không hợp lệ');
    const lastChar = link.at(-1) === 'A' ? 'B' : 'A';
    expect((await fetch(link.slice(0, -1) + lastChar)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/files/`)).status).toBe(403);
    // A malformed escape is just a wrong link: the process keeps running.
    expect((await fetch(`http://127.0.0.1:${port}/files/%ZZ`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });
});
