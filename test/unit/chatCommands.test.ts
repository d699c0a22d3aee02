/** What a typed message asks for before it is taken as an answer: commands with or without '/'. */
import { describe, expect, it } from 'vitest';
import { isConfirmWord, isUnknownSlashCommand, parseCommand } from '../../src/chat/commands.js';
import { parseIdentity } from '../../src/chat/identity.js';

describe('parseCommand', () => {
  it.each([
    ['/baocao', { name: 'baocao', args: '' }],
    ['/baocao@baocao_bot 2', { name: 'baocao', args: '2' }],
    ['/start  7K2Mabc ', { name: 'start', args: '7K2Mabc' }],
    ['/tonghop 3', { name: 'tonghop', args: '3' }],
    ['/help', { name: 'trogiup', args: '' }],
    ['/ketthuc 5 ngay', { name: 'ketthuc', args: '5 ngay' }],
    ['/huỷ', { name: 'huy', args: '' }],
    ['/Hủy', { name: 'huy', args: '' }],
    ['/baocao.', { name: 'baocao', args: '' }],
    ['/BAOCAO 2', { name: 'baocao', args: '2' }],
    ['baocao', { name: 'baocao', args: '', bare: true }],
    ['Báo cáo', { name: 'baocao', args: '', bare: true }],
    ['bao cao 2', { name: 'baocao', args: '2', bare: true }],
    ['Đã nhận', { name: 'danhan', args: '', bare: true }],
    ['da nhan.', { name: 'danhan', args: '', bare: true }],
    ['lienket K7M2QRST', { name: 'lienket', args: 'K7M2QRST', bare: true }],
    ['Liên kết', { name: 'lienket', args: '', bare: true }],
    ['tong hop 4', { name: 'tonghop', args: '4', bare: true }],
    ['trợ giúp', { name: 'trogiup', args: '', bare: true }],
    ['Huỷ', { name: 'huy', args: '', bare: true }],
    // The office's other commands without the slash, as on Zalo, with the arguments the slash forms take.
    ['dot', { name: 'dot', args: '', bare: true }],
    ['dot #12', { name: 'dot', args: '#12', bare: true }],
    ['nhacnho', { name: 'nhacnho', args: '', bare: true }],
    ['nhacnho 7', { name: 'nhacnho', args: '7', bare: true }],
    // The typed «Nhắc ngay» of the confirmation, and «ngay» alone (which only asks, about the latest round).
    ['nhacnho 7 ngay', { name: 'nhacnho', args: '7 ngay', bare: true }],
    ['nhacnho ngay', { name: 'nhacnho', args: 'ngay', bare: true }],
    ['/nhacnho #7 ngay', { name: 'nhacnho', args: '#7 ngay' }],
    // /chuanop's pages and parent, as typed on Zalo.
    ['chuanop 12', { name: 'chuanop', args: '12', bare: true }],
    ['chuanop 12 trang 2', { name: 'chuanop', args: '12 trang 2', bare: true }],
    ['Chuanop #12 Trang 2', { name: 'chuanop', args: '#12 Trang 2', bare: true }],
    ['chuanop 12 DB01 trang 3', { name: 'chuanop', args: '12 DB01 trang 3', bare: true }],
    ['chuanop DB01', { name: 'chuanop', args: 'DB01', bare: true }],
    ['chuanop trang 2', { name: 'chuanop', args: 'trang 2', bare: true }],
    ['/chuanop 12 trang 2', { name: 'chuanop', args: '12 trang 2' }],
    ['molai CB01', { name: 'molai', args: 'CB01', bare: true }],
    ['molai cb01 3', { name: 'molai', args: 'cb01 3', bare: true }],
    ['Molai CB-01 #3', { name: 'molai', args: 'CB-01 #3', bare: true }],
    ['molai', { name: 'molai', args: '', bare: true }],
    ['doihan 5', { name: 'doihan', args: '5', bare: true }],
    ['doihan', { name: 'doihan', args: '', bare: true }],
    ['ketthuc 5', { name: 'ketthuc', args: '5', bare: true }],
    ['ketthuc 5 ngay', { name: 'ketthuc', args: '5 ngay', bare: true }],
    ['KetThuc #5 ngày', { name: 'ketthuc', args: '#5 ngày', bare: true }],
    ['guilai 5', { name: 'guilai', args: '5', bare: true }],
    ['nhacnho ngày', { name: 'nhacnho', args: 'ngày', bare: true }],
    ['nhacnho 7 ngày', { name: 'nhacnho', args: '7 ngày', bare: true }],
    ['guilai.', { name: 'guilai', args: '', bare: true }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    '1.234',
    'có',
    'Báo cáo đầy đủ',
    'đã nhận được chỉ đạo',
    'Mô hình dân vận',
    '/unknown',
    '0',
    // Words of the office's commands apart, or followed by what no command takes: answers.
    'Đợt thi đua năm 2026',
    // A round's name as /dotmoi takes it: only "dot #12" is the command.
    'Đợt 12',
    'đợt 2 năm 2026',
    'nhắc nhở',
    'Mở lại',
    'kết thúc',
    'gửi lại',
    'đổi hạn',
    'nhacnho các chi bộ',
    'nhacnho ngay bây giờ',
    'chuanop các chi bộ',
    'chuanop 12 trang',
    'chuanop 12 trang hai',
    'chuanop DB01 tuần sau',
    'molai CB01 tuần sau',
    'doihan 20/12/2026',
    'ketthuc 5 ngay bây giờ',
    'guilai tất cả',
  ])('%j is not a command', (text) => {
    expect(parseCommand(text)).toBeUndefined();
  });

  it('recognises an unknown slash command (refused, never an answer)', () => {
    expect(isUnknownSlashCommand('/xyz')).toBe(true);
    expect(isUnknownSlashCommand('/baocao')).toBe(false);
    expect(isUnknownSlashCommand('1/2')).toBe(false);
  });
});

describe('parseIdentity', () => {
  it.each([
    ['123', { channel: 'telegram', externalId: '123' }],
    ['telegram:123', { channel: 'telegram', externalId: '123' }],
    ['zalo:8a3f', { channel: 'zalo', externalId: '8a3f' }],
    ['ZALO:84930217362540192839', { channel: 'zalo', externalId: '84930217362540192839' }],
  ])('%j', (text, expected) => expect(parseIdentity(text)).toEqual(expected));

  it.each(['', 'abc', 'telegram:abc', 'zalo:', 'zalo:a b', 'viber:1'])('%j is refused', (text) => expect(parseIdentity(text)).toBeUndefined());
});

describe('isConfirmWord', () => {
  it.each([
    ['ngay', true],
    ['ngày', true],
    ['Ngày.', true],
    ['NGAY', true],
    ['không', false],
  ])('%j → %j', (word, expected) => {
    expect(isConfirmWord(word)).toBe(expected);
  });
});
