/** Vietnamese texts of the organization import (CLI output, one line per problem). */
import { ORGANIZATION_TYPES } from '../../db/schema.js';

const allowedTypes = ORGANIZATION_TYPES.join(', ');

export const organizationMessages = {
  typeLabel: {
    dang_bo_co_so: 'đảng bộ cơ sở',
    chi_bo_co_so: 'chi bộ cơ sở',
    chi_bo_truc_thuoc: 'chi bộ trực thuộc',
  } as Record<string, string>,
  unreadableCsv: (detail: string) => `Không đọc được tệp CSV: ${detail}`,
  notUtf8:
    'Tệp CSV không ở dạng UTF-8 nên chữ có dấu sẽ bị sai; chưa nhập gì. Trong Excel, chọn «Lưu dưới dạng» → «CSV UTF-8 (phân tách bằng dấu phẩy)», hoặc nhập thẳng tệp .xlsx.',
  csvQuoteNotClosed: 'có dấu ngoặc kép (") mở mà không đóng',
  csvBadQuote: 'dấu ngoặc kép (") đặt sai chỗ trong một ô',
  unreadableXlsx: (detail: string) => `Không đọc được tệp Excel (.xlsx): ${detail}`,
  noWorksheet: 'Tệp Excel không có trang tính nào.',
  emptyFile: 'Tệp không có dòng nào. Dòng đầu tiên phải là tiêu đề: ma,ten,loai,ma_cap_tren',
  missingColumns: (line: number, missing: string[]) =>
    `Dòng ${line}: thiếu cột ${missing.map((m) => `«${m}»`).join(', ')}. Dòng tiêu đề phải có các cột: ma, ten, loai, ma_cap_tren (thứ tự tùy ý).`,
  duplicateColumn: (line: number, name: string) => `Dòng ${line}: cột «${name}» xuất hiện hai lần.`,
  noRows: 'Tệp chỉ có dòng tiêu đề, không có tổ chức nào.',
  emptyCode: (line: number) => `Dòng ${line}: thiếu mã tổ chức (cột ma).`,
  emptyName: (line: number) => `Dòng ${line}: thiếu tên tổ chức (cột ten).`,
  badType: (line: number, value: string) =>
    value === ''
      ? `Dòng ${line}: thiếu loại tổ chức (cột loai); dùng một trong: ${allowedTypes}`
      : `Dòng ${line}: loại «${value}» không hợp lệ; dùng một trong: ${allowedTypes}`,
  codeCaseDiffers: (line: number, code: string, existing: string) =>
    `Dòng ${line}: mã «${code}» chỉ khác chữ hoa/thường với mã «${existing}» đã có; dùng đúng «${existing}» nếu là cùng một tổ chức.`,
  duplicateCode: (line: number, code: string, firstLine: number) =>
    `Dòng ${line}: mã «${code}» trùng với dòng ${firstLine}.`,
  ownParent: (line: number, code: string) => `Dòng ${line}: tổ chức «${code}» không thể là cấp trên của chính nó.`,
  parentNotFound: (line: number, parent: string) =>
    `Dòng ${line}: mã cấp trên «${parent}» không có trong tệp và cũng chưa có trong cơ sở dữ liệu.`,
  parentRequired: (line: number) =>
    `Dòng ${line}: chi bộ trực thuộc phải có mã cấp trên (cột ma_cap_tren) là một đảng bộ cơ sở.`,
  parentNotAllowed: (line: number, type: string) =>
    `Dòng ${line}: loại «${type}» không có cấp trên trong hệ thống; chi bộ thuộc một đảng bộ cơ sở phải có loại chi_bo_truc_thuoc.`,
  parentNotDangBo: (line: number, parent: string, parentType: string) =>
    `Dòng ${line}: cấp trên «${parent}» là ${organizationMessages.typeLabel[parentType] ?? parentType}, không phải đảng bộ cơ sở; chỉ đảng bộ cơ sở mới có chi bộ trực thuộc.`,
  cycle: (line: number, chain: string[]) => `Dòng ${line}: quan hệ cấp trên tạo thành vòng lặp: ${chain.join(' → ')}.`,
  stillHasChildren: (line: number, code: string, children: string[]) =>
    `Dòng ${line}: «${code}» đang có chi bộ trực thuộc (${children.slice(0, 5).join(', ')}${children.length > 5 ? ', …' : ''}) nên phải giữ loại dang_bo_co_so.`,
} as const;
