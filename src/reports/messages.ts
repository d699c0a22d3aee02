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

/** Organization types as a heading (a workbook column, a chart label). */
export const organizationTypeHeadings: Record<OrganizationType, string> = {
  dang_bo_co_so: 'Đảng bộ cơ sở',
  chi_bo_co_so: 'Chi bộ cơ sở',
  chi_bo_truc_thuoc: 'Chi bộ trực thuộc',
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
  /** "Đã nộp 152/159 (95,6%): đúng hạn 150, muộn 2." */
  submitted: (fraction: string, percent: string, onTime: string, late: string) =>
    `Đã nộp ${fraction} (${percent}): ${onTime}, ${late}.`,
  onTime: (count: string) => `đúng hạn ${count}`,
  noneOnTime: 'không có báo cáo đúng hạn',
  late: (count: string) => `muộn ${count}`,
  noneLate: 'không có báo cáo nộp muộn',
  /** "Theo loại hình: đảng bộ cơ sở 4/4; chi bộ cơ sở 3/6." */
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

  /** Choices: "152/159 tổ chức cơ sở đảng hoàn thành tốt …; 7 tổ chức cơ sở đảng hoàn thành nhiệm vụ; không có …" (the Word draft: "07"). */
  choicePart: (count: string, label: string, choice: string) => `${count} ${label} ${choice}`,
  choiceNone: (label: string, choice: string) => `không có ${label} ${choice}`,
  groupDetail: (parts: string) => ` (trong đó ${parts})`,
  groupMember: (count: string, choice: string) => `${count} ${choice}`,
  groupMemberNone: (choice: string) => `không có ${choice}`,
  /** With the form's phrase for the choice: "3/4 đơn vị đã ký Thỏa ước lao động tập thể". */
  choicePhrase: (count: string, phrase: string) => `${count} ${phrase}`,
  choicePhraseNone: (phrase: string) => `không có ${phrase}`,
  /**
   * The share over every target organization is the figure that counts; the
   * share among those who reported is added while reports can still come in.
   * "Chỉ tiêu 80% …: có 1/3 tổ chức (33,3%); riêng các tổ chức đã nộp: 1/1 (100%) — chưa đủ báo cáo để kết luận."
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

  /** Multiple choice: "Label: Lựa chọn A 5; Lựa chọn B không có". */
  multi: (label: string, parts: string) => `${label}: ${parts}`,
  multiPart: (choice: string, count: string) => `${choice} ${count}`,

  /** Free text: only how many wrote something; the content is in the export. */
  text: (label: string, count: string) => `${label}: ${count} tổ chức có nội dung`,
  textNone: (label: string) => `${label}: không có tổ chức nào nêu nội dung`,

  /** Dates: "Ngày họp kiểm điểm: 7 tổ chức báo cáo, sớm nhất 10/12/2026, muộn nhất 14/12/2026". */
  date: (label: string, count: string, earliest: string, latest: string) =>
    `${label}: ${count} tổ chức báo cáo, sớm nhất ${earliest}, muộn nhất ${latest}`,
  dateNone: (label: string) => `${label}: chưa có tổ chức nào báo cáo`,

  noAnswers: (label: string) => `${label}: chưa có số liệu`,
  /** After a share, a change is in organizations, not points: "tăng 2 tổ chức so với năm 2025". */
  organizationsCount: (count: string) => `${count} tổ chức`,
  confirmedOutliers: (count: string) => ` (${count} số liệu bất thường đã được đơn vị xác nhận)`,
  /** After a decimal's figures: "; bình quân tăng 1,5 so với năm 2025". */
  averageChange: (change: string) => `; bình quân ${change}`,
  /** After a yes/no share: "(Năm 2025: 98,7%)". */
  previousShareNote: (period: string, share: string) => `${period}: ${share}`,

  /** "Chưa nộp (07):", then one organization a line: "• MA1 — Tên 1". */
  notSubmittedList: (count: string) => `Chưa nộp (${count}):`,
  lateList: (count: string) => `Nộp muộn (${count}):`,
  listItem: (item: string) => `• ${item}`,
  orgRef: (code: string, name: string) => `${code} — ${name}`,
  /** After the organization: "• MA1 — Tên 1: Bí thư đi công tác". */
  lateReason: (reason: string) => `: ${reason}`,
  /** After the first organizations of a list: where the rest are. `command` is "/chuanop 12". */
  notSubmittedRest: (count: string, command: string) =>
    `… và ${count} tổ chức khác: xem bằng lệnh ${command} hoặc trang «${workbookMessages.sheets.notSubmitted}» của tệp Excel.`,
  lateRest: (count: string) => `… và ${count} tổ chức khác: xem trang «${workbookMessages.sheets.late}» của tệp Excel.`,
  notSubmittedCommand: (campaignId: string) => `/chuanop ${campaignId}`,

  /** /chuanop */
  notSubmittedHeading: (formTitle: string, period: string) => `CHƯA NỘP BÁO CÁO: ${formTitle} — ${period}`,
  notSubmittedCount: (count: string) => `Còn ${count} tổ chức chưa nộp báo cáo:`,
  notSubmittedNone: 'Tất cả các tổ chức đã nộp báo cáo.',
  numbered: (index: string, item: string) => `${index}. ${item}`,
  notSubmittedMore: (count: string) => `… và ${count} tổ chức khác.`,
  /** /chuanop 12 DB01: the đảng bộ cơ sở and its chi bộ trực thuộc. */
  notSubmittedOf: (code: string, name: string) => `Thuộc ${code} — ${name} (cả đảng bộ và các chi bộ trực thuộc)`,
  notSubmittedNoneOf: (code: string) => `Tất cả các tổ chức thuộc ${code} đã nộp báo cáo.`,
  /** A list longer than a page: "Trang 2/100 — 5.000 tổ chức chưa nộp". */
  notSubmittedPage: (page: string, pages: string, count: string) => `Trang ${page}/${pages} — ${count} tổ chức chưa nộp`,
  /** `command` is "/chuanop 12" or "/chuanop 12 DB01". */
  notSubmittedOtherPages: (command: string) => `Xem trang khác: ${command} trang SỐ_TRANG`,
  notSubmittedFullList: (campaignId: string) =>
    `Danh sách đầy đủ: trang «${workbookMessages.sheets.notSubmitted}» của tệp Excel (gõ /tonghop ${campaignId} để tải).`,
} as const;

/** The change since the previous round of the same form. */
export const compareMessages = {
  up: (delta: string, period: string) => `tăng ${delta} so với ${period}`,
  down: (delta: string, period: string) => `giảm ${delta} so với ${period}`,
  unchanged: (period: string) => `bằng ${period}`,
} as const;

/**
 * The Word draft of the report (docx.ts), in the party's document format
 * (Hướng dẫn 36-HD/VPTW). Arguments are plain text: the docx writer escapes.
 * The bracketed blanks are what the bot cannot know; the draft highlights them.
 */
export const reportDocumentMessages = {
  party: 'ĐẢNG CỘNG SẢN VIỆT NAM',
  star: '*',
  documentType: 'BÁO CÁO',
  /** "kết quả công tác dân vận … năm 2026": the summary line under BÁO CÁO. */
  summaryLine: (formTitle: string, period: string) => `kết quả ${formTitle} ${period}`,
  summaryRule: '-----',
  /** "Trà Vinh, ngày 05 tháng 01 năm 2027" (the place is a separate run). */
  dateLine: (day: string, month: string, year: string) => `, ngày ${day} tháng ${month} năm ${year}`,
  defaultSubject: 'Toàn Đảng bộ',

  blanks: {
    number: 'Số      -BC/…',
    /** The same without "Số", after "Báo cáo số". */
    numberOnly: '     -BC/…',
    superiorBody: '[TÊN CẤP ỦY CẤP TRÊN]',
    issuingBody: '[TÊN CẤP ỦY BAN HÀNH]',
    place: '[Địa danh]',
    signerTitle: '[Chức vụ người ký]',
    signerName: '[Họ và tên]',
    recipients: '[Nơi nhận]',
  },

  sectionProgress: 'I. TÌNH HÌNH NỘP BÁO CÁO',
  sectionResults: 'II. KẾT QUẢ',
  /** The progress in the document's sentences, not the chat's fragments. "Đợt báo cáo có 159 tổ chức cơ sở đảng phải báo cáo, gồm 80 đảng bộ cơ sở và 79 chi bộ cơ sở." */
  progressTargets: (count: string, noun: string, breakdown: string | undefined) =>
    `Đợt báo cáo có ${count} ${noun} phải báo cáo${breakdown ? `, gồm ${breakdown}` : ''}.`,
  /** "Tính đến 15 giờ 30 ngày 14/12/2026, có 152/159 tổ chức (95,6%) đã gửi báo cáo, trong đó 150 đúng hạn và 02 nộp muộn." */
  progressSubmitted: (when: string, fraction: string, percent: string, split: string) =>
    `Tính đến ${when}, có ${fraction} tổ chức (${percent}) đã gửi báo cáo, ${split}.`,
  progressSplit: (onTime: string, late: string) => `trong đó ${onTime} đúng hạn và ${late} nộp muộn`,
  progressAllOnTime: 'tất cả đều đúng hạn',
  progressAllLate: 'tất cả đều nộp muộn',
  progressNothing: (when: string) => `Tính đến ${when}, chưa có tổ chức nào gửi báo cáo, nên chưa có số liệu tổng hợp.`,
  /** "15 giờ 30 ngày 14/12/2026". */
  progressWhen: (time: string, date: string) => `${time.replace(':', ' giờ ')} ngày ${date}`,
  /** "Còn 07 tổ chức chưa nộp báo cáo (danh sách tại Phụ lục, mục 1)." */
  notSubmitted: (count: string) => `Còn ${count} tổ chức chưa nộp báo cáo (danh sách tại Phụ lục, mục 1).`,
  late: (count: string) => `Có ${count} tổ chức nộp báo cáo muộn (danh sách và lý do tại Phụ lục, mục 2).`,
  /** A sentence that starts with a count gets the subject: "Đảng bộ Khối có 152/159 …". */
  withSubject: (subject: string, sentence: string) => `${subject} có ${sentence}`,
  /** … or, when it starts with "không có": "Đảng bộ Khối không có …". */
  withSubjectNone: (subject: string, sentence: string) => `${subject} ${sentence}`,
  textInAnnex: 'Nội dung cụ thể tại Phụ lục, mục 3.',
  closing: (summaryLine: string) => `Trên đây là báo cáo ${summaryLine}./.`,

  recipientsHeading: 'Nơi nhận:',
  recipientItem: (item: string) => `- ${item},`,
  recipientArchive: '- Lưu Văn phòng.',
  signingAuthority: 'T/M BAN THƯỜNG VỤ',

  annexTitle: 'PHỤ LỤC',
  /** "(Kèm theo Báo cáo số      -BC/… ngày 15/12/2026)": the number is a blank run between. */
  annexAttachedBefore: '(Kèm theo Báo cáo số ',
  annexAttachedAfter: (date: string) => ` ngày ${date})`,
  annexNotSubmitted: (count: string) => `1. Các tổ chức chưa nộp báo cáo (${count})`,
  annexLate: (count: string) => `2. Các tổ chức nộp báo cáo muộn (${count})`,
  annexTexts: '3. Nội dung các tổ chức nêu',
  annexTextQuestion: (index: number, label: string, count: string) => `3.${index}. ${label} (${count})`,
  annexNone: 'Không có.',
  annexTextNone: 'Không có tổ chức nào nêu nội dung.',
  /** The lists in the summary are capped; the workbook has them all. */
  annexMore: (count: string) => `… và ${count} tổ chức khác (xem tệp Excel).`,
  /** After the first answers of a question: how many more, and where they all are (the workbook's sheet). */
  annexTextMore: (count: string) => `Ngoài ra còn ${count} ý kiến khác; toàn bộ ý kiến xem tại trang «${workbookMessages.sheets.texts}» của tệp Excel tổng hợp.`,
  /** "MA01 — Chi bộ A: nội dung" (the org part is bold). */
  annexEntryOrg: (code: string, name: string) => `${code} — ${name}: `,
  columns: {
    index: 'STT',
    code: 'Mã',
    name: 'Tên tổ chức',
    lateReason: 'Lý do nộp muộn',
  },
  noLateReason: 'Không nêu lý do',
} as const;

/** The chart of a round's figures (chart.ts): a PNG sent with the summary. */
export const chartMessages = {
  /** "Báo cáo xếp loại tổ chức đảng — Năm 2026" */
  title: (formTitle: string, period: string) => `${formTitle} — ${period}`,
  asOf: (when: string) => `Số liệu tính đến ${when}`,

  progressTitle: 'Tình hình nộp báo cáo',
  progressNote: 'Độ dài thanh: tỉ lệ trên số đối tượng báo cáo; số trên thanh: số tổ chức',
  total: 'Tổng cộng',
  /** Under a bar's label: "Đã nộp 152/159 (95,6%)". */
  submittedDetail: (fraction: string, percent: string) => `Đã nộp ${fraction} (${percent})`,
  /** Under the total's label: "Đúng hạn 150, nộp muộn 2"; «nộp muộn 0» is not said. */
  onTimeLateDetail: (onTime: string, late: string | undefined) => `Đúng hạn ${onTime}${late === undefined ? '' : `, nộp muộn ${late}`}`,
  series: {
    submitted: 'Đã nộp',
    onTime: 'Đúng hạn',
    late: 'Nộp muộn',
    notSubmitted: 'Chưa nộp',
  },

  /** Under a choice question's title. */
  answeredBase: (count: string) => `Tỉ lệ tính trên ${count} tổ chức đã trả lời`,
  noAnswers: 'Chưa có tổ chức nào trả lời',
  /** At the end of a choice's bar: "152 (95,6%)". */
  choiceValue: (count: string, percent: string) => `${count} (${percent})`,

  /** Where a label is cut short. */
  ellipsis: '…',
  fileName: (campaignId: string) => `bieu-do-${campaignId}.png`,
} as const;

/** The workbook (.xlsx) of a round: sheet names, column headings, cell texts. */
export const workbookMessages = {
  /** Excel's page footer: «Trang 2/5» (&P the page, &N the pages). */
  printFooter: '&CTrang &P/&N',
  /** Tổng hợp of a round with thousands of đảng bộ cơ sở. */
  parentsNotShown: (count: string) => `Đợt có ${count} đảng bộ cơ sở có chi bộ trực thuộc, quá nhiều để mỗi đảng bộ một cột: số liệu của các chi bộ trực thuộc một đảng bộ xem ở trang «Chi tiết», lọc theo cột «Trực thuộc».`,
  sheets: {
    summary: 'Tổng hợp',
    detail: 'Chi tiết',
    notSubmitted: 'Chưa nộp',
    late: 'Nộp muộn',
    texts: 'Ý kiến',
  },

  /** Tổng hợp: its heading lines read as the chat summary's. */
  heading: summaryMessages.heading,
  period: summaryMessages.period,
  deadline: summaryMessages.deadline,
  closedAt: summaryMessages.closedAt,
  asOf: summaryMessages.asOf,
  sectionProgress: 'TÌNH HÌNH NỘP BÁO CÁO',
  sectionFigures: 'KẾT QUẢ TỔNG HỢP',
  progressItem: 'Nội dung',
  total: 'Toàn bộ',
  progress: {
    targets: 'Số tổ chức phải báo cáo',
    submitted: 'Đã nộp',
    submittedShare: 'Tỷ lệ đã nộp',
    onTime: 'Nộp đúng hạn',
    late: 'Nộp muộn',
    notSubmitted: 'Chưa nộp',
  },
  questionColumn: 'Chỉ tiêu',
  figureColumn: 'Số liệu',
  /** The previous round's column, headed by its period: "Năm 2025". */
  previousColumn: (period: string) => period,
  changeColumn: (period: string) => `Tăng (+) / giảm (−) so với ${period}`,
  figures: {
    sum: 'Tổng số',
    average: 'Bình quân',
    min: 'Thấp nhất',
    max: 'Cao nhất',
    answered: 'Số tổ chức trả lời',
    yes: 'Số tổ chức trả lời «Có»',
    yesShare: 'Tỷ lệ «Có»',
    nonEmpty: 'Số tổ chức có nội dung',
    earliest: 'Sớm nhất',
    latest: 'Muộn nhất',
    confirmedOutliers: 'Số liệu bất thường đã được xác nhận',
    /** A group of choices reported together: "Cộng: hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ". */
    group: (label: string) => `Cộng: ${label}`,
    /** "Chỉ tiêu 80%: tỷ lệ đạt (trên tổng số tổ chức)". */
    targetShare: (share: string) => `Chỉ tiêu ${share}: tỷ lệ đạt (trên tổng số tổ chức phải báo cáo)`,
    targetVerdict: 'Đánh giá chỉ tiêu',
  },
  noFigures: 'Chưa có số liệu',

  /** Chi tiết */
  columns: {
    code: 'Mã',
    name: 'Tên tổ chức',
    type: 'Loại hình',
    parent: 'Trực thuộc',
    status: 'Trạng thái',
    submittedAt: 'Nộp lúc',
    late: 'Muộn',
    lateReason: 'Lý do nộp muộn',
    reporter: 'Người báo cáo',
    channels: 'Tài khoản liên lạc',
    reachable: 'Liên lạc được',
    reachNote: 'Ghi chú',
    question: 'Câu hỏi',
    text: 'Nội dung',
  },
  statuses: {
    submitted: 'Đã nộp',
    draft: 'Đang soạn',
    not_started: 'Chưa nộp',
  },
  yes: 'Có',
  no: 'Không',
  /** multi_choice labels in one cell. */
  choiceSeparator: '; ',
  channelSeparator: ', ',
  channelNames: { telegram: 'Telegram', zalo: 'Zalo' } as Record<string, string>,

  /** Chưa nộp */
  noReporter: 'Chưa có người báo cáo',
  noAccount: 'Chưa liên kết tài khoản chat',
  /** One account whose app refused messages: «Zalo từ chối gửi tin: …». */
  refusedBy: (app: string, reason: string | null) => (reason ? `${app} từ chối gửi tin: ${reason}` : `${app} từ chối gửi tin (người dùng đã chặn hoặc xóa tài khoản)`),
  noteSeparator: '; ',
  noEnabledAccount: 'Không có tài khoản trên kênh chat bot đang dùng',

  /** File name: "tong-hop-12-nam-2026.xlsx". */
  fileName: (campaignId: string, slug: string) => (slug ? `tong-hop-${campaignId}-${slug}.xlsx` : `tong-hop-${campaignId}.xlsx`),
} as const;
