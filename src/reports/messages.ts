/**
 * Vietnamese texts of the consolidated report (/tonghop) and of the list of
 * organizations that have not reported (/chuanop). Every argument that is not a
 * number is already formatted and, in HTML, already escaped by the caller.
 */
import type { OrganizationType } from '../db/schema.js';

/** Organization types as counted in a sentence: "80 đảng bộ cơ sở". */
export const organizationTypeNouns: Record<OrganizationType, string> = {
  dang_bo_co_so: 'đảng bộ cơ sở',
  chi_bo_co_so: 'chi bộ cơ sở',
  chi_bo_truc_thuoc: 'chi bộ trực thuộc',
};

export const summaryMessages = {
  /** The reporting unit when every target is a base organization, and otherwise. */
  baseOrgNoun: 'tổ chức cơ sở đảng',
  anyOrgNoun: 'tổ chức đảng',
  /** A zero count is written out: "không có tập thể được khen thưởng". */
  none: 'không có',
  and: 'và',
  bullet: '- ',

  heading: (formTitle: string) => `TỔNG HỢP BÁO CÁO: ${formTitle}`,
  period: (label: string) => `Kỳ báo cáo: ${label}`,
  deadline: (deadline: string) => `Hạn chót: ${deadline}`,
  deadlinePassed: 'đã hết hạn',
  closedAt: (when: string) => `Đợt báo cáo đã khóa sổ lúc ${when}.`,
  asOf: (when: string) => `Số liệu tính đến ${when}.`,

  sectionProgress: 'Tình hình nộp báo cáo',
  sectionFigures: 'Kết quả tổng hợp',

  /** "Đối tượng báo cáo: 159 tổ chức cơ sở đảng, trong đó 80 đảng bộ cơ sở và 79 chi bộ cơ sở." */
  targets: (count: string, noun: string, breakdown: string | undefined) =>
    `Đối tượng báo cáo: ${count} ${noun}${breakdown ? `, trong đó ${breakdown}` : ''}.`,
  /** "Đã nộp 152/159 (95,6%): đúng hạn 150, muộn 02." */
  submitted: (fraction: string, percent: string, onTime: string, late: string) =>
    `Đã nộp ${fraction} (${percent}): ${onTime}, ${late}.`,
  onTime: (count: string) => `đúng hạn ${count}`,
  noneOnTime: 'không có báo cáo đúng hạn',
  late: (count: string) => `muộn ${count}`,
  noneLate: 'không có báo cáo nộp muộn',
  /** "Theo loại hình: đảng bộ cơ sở 04/04; chi bộ cơ sở 03/06." */
  submittedByType: (parts: string) => `Đã nộp theo loại hình: ${parts}.`,
  typeFraction: (noun: string, fraction: string) => `${noun} ${fraction}`,
  nothingSubmitted: 'Chưa có tổ chức nào nộp báo cáo, nên chưa có số liệu tổng hợp.',
  allSubmitted: 'Tất cả các tổ chức đã nộp báo cáo.',

  /** Sums: "26 mô hình «Dân vận khéo»"; the answered count is added when some did not answer. */
  sum: (count: string, label: string) => `${count} ${label}`,
  sumNone: (label: string) => `không có ${label}`,
  answeredBy: (fraction: string) => ` (số liệu của ${fraction} tổ chức)`,
  /** Decimals (scores) are not summed in the text: an average and the range mean something. */
  decimal: (label: string, average: string, min: string, max: string, answered: string) =>
    `${label}: bình quân ${average}, thấp nhất ${min}, cao nhất ${max} (${answered} tổ chức trả lời)`,

  /** Yes/no: "100% (159/159) tổ chức cơ sở đảng thành lập Ban Chỉ đạo thực hiện QCDC". */
  yes: (percent: string, fraction: string, label: string) => `${percent} (${fraction}) ${label}`,
  yesNone: (fraction: string, label: string) => `Không có ${label} (${fraction})`,

  /** Choices: "152/159 tổ chức cơ sở đảng hoàn thành tốt …; 07 tổ chức cơ sở đảng hoàn thành nhiệm vụ; không có …". */
  choicePart: (count: string, label: string, choice: string) => `${count} ${label} ${choice}`,
  choiceNone: (label: string, choice: string) => `không có ${label} ${choice}`,
  groupDetail: (parts: string) => ` (trong đó ${parts})`,
  groupMember: (count: string, choice: string) => `${count} ${choice}`,
  groupMemberNone: (choice: string) => `không có ${choice}`,
  /** With the form's phrase for the choice: "03/04 đơn vị đã ký Thỏa ước lao động tập thể". */
  choicePhrase: (count: string, phrase: string) => `${count} ${phrase}`,
  choicePhraseNone: (phrase: string) => `không có ${phrase}`,
  /**
   * The share over every target organization is the figure that counts; the
   * share among those who reported is added while reports can still come in.
   * "Chỉ tiêu 80% …: có 01/03 tổ chức (33,3%); riêng các tổ chức đã nộp: 01/01 (100%) — chưa đủ báo cáo để kết luận."
   */
  target: (targetShare: string, label: string, counted: string, amongSubmitted: string | undefined, verdict: string) =>
    `Chỉ tiêu ${targetShare} ${label}: có ${counted}${amongSubmitted ? `; riêng các tổ chức đã nộp: ${amongSubmitted}` : ''} — ${verdict}`,
  targetCounted: (fraction: string, percent: string) => `${fraction} tổ chức (${percent})`,
  targetAmongSubmitted: (fraction: string, percent: string) => `${fraction} (${percent})`,
  targetVerdicts: {
    reached: 'đạt chỉ tiêu',
    not_reached: 'chưa đạt chỉ tiêu',
    provisional: 'chưa đủ báo cáo để kết luận',
  },

  /** Multiple choice: "Label: Lựa chọn A 05; Lựa chọn B không có". */
  multi: (label: string, parts: string) => `${label}: ${parts}`,
  multiPart: (choice: string, count: string) => `${choice} ${count}`,

  /** Free text: only how many wrote something; the content is in the export. */
  text: (label: string, count: string) => `${label}: ${count} tổ chức có nội dung`,
  textNone: (label: string) => `${label}: không có tổ chức nào nêu nội dung`,

  /** Dates: "Ngày họp kiểm điểm: 07 tổ chức báo cáo, sớm nhất 10/12/2026, muộn nhất 14/12/2026". */
  date: (label: string, count: string, earliest: string, latest: string) =>
    `${label}: ${count} tổ chức báo cáo, sớm nhất ${earliest}, muộn nhất ${latest}`,
  dateNone: (label: string) => `${label}: chưa có tổ chức nào báo cáo`,

  noAnswers: (label: string) => `${label}: chưa có số liệu`,

  /** "Chưa nộp (07): MA1 — Tên 1; MA2 — Tên 2 … và 120 tổ chức khác." */
  notSubmittedList: (count: string, items: string) => `Chưa nộp (${count}): ${items}`,
  lateList: (count: string, items: string) => `Nộp muộn (${count}): ${items}`,
  orgRef: (code: string, name: string) => `${code} — ${name}`,
  lateReason: (reason: string) => ` (lý do: ${reason})`,
  andOthers: (count: string) => ` và ${count} tổ chức khác`,
  listSeparator: '; ',

  /** /chuanop */
  notSubmittedHeading: (formTitle: string, period: string) => `CHƯA NỘP BÁO CÁO: ${formTitle} — ${period}`,
  notSubmittedCount: (count: string) => `Còn ${count} tổ chức chưa nộp báo cáo:`,
  notSubmittedNone: 'Tất cả các tổ chức đã nộp báo cáo.',
  numbered: (index: number, item: string) => `${index}. ${item}`,
  notSubmittedMore: (count: string) => `… và ${count} tổ chức khác.`,
} as const;
