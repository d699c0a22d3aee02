/** Vietnamese texts of campaign administration (CLI and chat). Values are plain text; the chat escapes them. */
export const campaignMessages = {
  unknownForm: (id: string) => `Không có biểu mẫu «${id}». Xem danh sách bằng lệnh: baocao forms list`,
  unknownFormVersion: (id: string, version: number) => `Biểu mẫu «${id}» không có phiên bản ${version}.`,
  badPeriodDates: 'Ngày bắt đầu và kết thúc kỳ báo cáo phải có dạng YYYY-MM-DD và ngày bắt đầu không sau ngày kết thúc.',
  emptyPeriod: 'Cần ghi kỳ báo cáo, ví dụ "Năm 2026".',
  dueBeforeOpen: 'Hạn chót phải sau thời điểm mở đợt báo cáo.',
  dueInPast: 'Hạn chót mới phải sau thời điểm hiện tại.',
  dueAfterClose: 'Hạn chót mới phải trước thời điểm kết thúc đợt.',
  closeBeforeDue: 'Thời điểm kết thúc đợt phải sau hạn chót.',
  closeInPast: 'Thời điểm kết thúc đợt đã qua; để kết thúc ngay, bỏ thời điểm đi.',
  alreadyClosed: (id: string) => `Đợt báo cáo ${id} đã kết thúc; không thay đổi được nữa.`,
  unknownCampaign: (id: string) => `Không có đợt báo cáo mang mã «${id}».`,
  noTargets: 'Đợt báo cáo chưa có tổ chức nào được giao báo cáo.',
  unknownOrganizations: (codes: string[]) => `Không có tổ chức mang mã: ${codes.join(', ')}.`,
  unknownTypes: (types: string[]) =>
    `Loại hình không hợp lệ: ${types.join(', ')}. Dùng: dang_bo_co_so, chi_bo_co_so, chi_bo_truc_thuoc.`,
  noTypes: 'Cần chọn ít nhất một loại hình tổ chức.',
  noParent: 'Cần ghi mã của đảng bộ cấp trên.',
  unknownParent: (code: string) => `Không có tổ chức mang mã «${code}».`,
  parentNotDangBo: (code: string, name: string) =>
    `«${code}» (${name}) không phải đảng bộ cơ sở nên không có chi bộ trực thuộc; ghi mã của một đảng bộ cơ sở.`,
  badReminderTime: (value: string) => `Giờ nhắc «${value}» không hợp lệ; ghi dạng 08:00.`,
} as const;

/** Organization types as the office says them. */
export const organizationTypeLabels = {
  dang_bo_co_so: 'Đảng bộ cơ sở',
  chi_bo_co_so: 'Chi bộ cơ sở',
  chi_bo_truc_thuoc: 'Chi bộ trực thuộc',
} as const;

/**
 * Texts of the /dotmoi wizard and of changing a deadline in chat (HTML).
 * Functions take values already HTML-escaped by the caller.
 */
export const wizardMessages = {
  step: (n: number, total: number) => `<b>Tạo đợt báo cáo mới</b> (bước ${n}/${total})`,
  chooseForm: 'Chọn biểu mẫu báo cáo (gõ số thứ tự):',
  noForms: 'Chưa có biểu mẫu nào trong cơ sở dữ liệu. Khởi động lại bot để nạp các biểu mẫu kèm theo.',
  pickFormButton: 'Xin chọn một biểu mẫu trong danh sách: gõ số thứ tự của biểu mẫu.',
  formButton: (title: string, version: number) => (version > 1 ? `${title} (phiên bản ${version})` : title),
  askPeriod: (form: string) =>
    `Biểu mẫu: <b>${form}</b>.\nGõ kỳ báo cáo, ví dụ: <i>Năm 2026</i>, <i>Quý IV/2026</i>, <i>6 tháng đầu năm 2026</i>, <i>Tháng 11/2026</i>.`,
  emptyPeriod: 'Kỳ báo cáo không được để trống.',
  periodTooLong: (max: number) => `Kỳ báo cáo dài quá (tối đa ${max} ký tự).`,
  periodUnderstood: (label: string, start: string, end: string) => `Kỳ «${label}»: từ ${start} đến ${end}.`,
  askPeriodDates: (label: string) =>
    `Bot không suy ra được ngày của kỳ «${label}». Gõ ngày bắt đầu và kết thúc, ví dụ <i>01/07/2026 - 30/09/2026</i>, ` +
    `hoặc chọn «Không cần ngày» (khi đó các câu hỏi về ngày trong kỳ sẽ không được kiểm tra).`,
  badPeriodDates: 'Chưa hiểu hai ngày này. Gõ như <i>01/07/2026 - 30/09/2026</i> (ngày bắt đầu trước, không sau ngày kết thúc).',
  noDatesButton: 'Không cần ngày',
  noPeriodDates: 'Kỳ báo cáo không kèm ngày.',
  askOpens: 'Khi nào mở đợt (gửi thông báo cho các đơn vị)? Gõ thời điểm, ví dụ <i>01/12/2026 08:00</i>, hoặc chọn «Mở ngay».',
  opensNowButton: 'Mở ngay',
  badDateTime: (example: string) => `Chưa hiểu thời điểm này. Gõ ngày và giờ, ví dụ <i>${example}</i>.`,
  opensInPast: 'Thời điểm mở đã qua. Gõ một thời điểm sau bây giờ, hoặc chọn «Mở ngay».',
  opensNow: 'Mở: ngay khi tạo đợt.',
  opensAt: (when: string) => `Mở: ${when}.`,
  askDue: 'Hạn chót nộp báo cáo? Gõ ngày và giờ, ví dụ <i>15/12/2026 17:00</i> (chỉ ghi ngày thì hạn là 23:59 ngày đó).',
  dueBeforeOpen: 'Hạn chót phải sau thời điểm mở đợt.',
  dueInPast: 'Hạn chót phải sau thời điểm hiện tại.',
  dueAt: (when: string) => `Hạn chót: ${when}.`,
  askTargets: 'Giao cho những tổ chức nào? Chọn một cách (gõ số thứ tự):',
  targetsAllButton: 'Tất cả',
  targetsTypesButton: 'Theo loại hình',
  targetsParentButton: 'Theo đảng bộ cấp trên',
  targetsCodesButton: 'Danh sách mã',
  pickTargetsButton: 'Xin chọn một cách giao trong danh sách: gõ số thứ tự (1–4).',
  askTypes: 'Chọn (hoặc bỏ chọn) từng loại hình: gõ số thứ tự của loại hình, mỗi lần một số; rồi chọn «Xong».',
  typeButton: (label: string, picked: boolean) => `${picked ? '☑' : '☐'} ${label}`,
  typesDoneButton: 'Xong',
  askParent: 'Gõ mã của đảng bộ cơ sở: đợt sẽ giao cho đảng bộ đó và các chi bộ trực thuộc.',
  askCodes: 'Gõ các mã tổ chức, ngăn bằng dấu phẩy hoặc dấu cách, ví dụ <i>CB01, CB02, DB03</i>.',
  targetsAll: (n: number) => `tất cả tổ chức (${n})`,
  targetsTypes: (labels: string[], n: number) => `loại hình ${labels.join(', ')} (${n} tổ chức)`,
  targetsParent: (name: string, code: string, n: number) => `${name} (${code}) và các chi bộ trực thuộc (${n} tổ chức)`,
  targetsCodes: (codes: string[], n: number) => `${n} tổ chức: ${codes.join(', ')}`,
  targetsChosen: (what: string) => `Giao cho: ${what}.`,
  askPlan: (plan: string) =>
    `Lịch nhắc mặc định: ${plan}.\nChọn «Dùng mặc định», hoặc gõ các mốc nhắc tính từ ngày hạn chót và giờ nhắc, ` +
    `ví dụ <i>-5d, -1d, 0d, +2d 08:30</i> (gõ <i>không</i> nếu không muốn nhắc).`,
  defaultPlanButton: 'Dùng mặc định',
  badPlanTime: 'Chỉ ghi một giờ nhắc, ví dụ 08:30.',
  confirm: (lines: string[]) => ['<b>Kiểm tra lại đợt báo cáo</b>', ...lines, '', 'Chọn «Tạo đợt» để tạo, hoặc «Huỷ».'].join('\n'),
  confirmForm: (title: string, id: string, version: number) => `• Biểu mẫu: ${title} (${id} v${version})`,
  confirmPeriod: (label: string, dates: string | null) => `• Kỳ: ${label}${dates ? ` (${dates})` : ' (không kèm ngày)'}`,
  confirmOpens: (when: string | null) => `• Mở: ${when ?? 'ngay khi tạo'}`,
  confirmDue: (when: string) => `• Hạn chót: ${when}`,
  confirmTargets: (what: string) => `• Giao cho: ${what}`,
  confirmPlan: (plan: string) => `• Nhắc: ${plan}`,
  pressCreate: 'Gõ «tạo» để tạo đợt, «huỷ» để thôi, hoặc «quay lại» để sửa bước trước.',
  createButton: '✅ Tạo đợt',
  cancelButton: 'Huỷ',
  backButton: '« Quay lại',
  // What the admin types instead of a button (compared folded: "huy", "hủy" and «Huỷ» are one word).
  sayNow: 'ngay',
  sayNoDates: 'không',
  sayTypesDone: 'xong',
  sayDefaultPlan: 'mặc định',
  sayCreate: 'tạo',
  sayBack: 'quay lại',
  sayCancel: 'huỷ',
  /** Typed instead of «Quay lại» at the steps that take no typed value. */
  sayBackShort: '0',
  dateRange: (start: string, end: string) => `${start} – ${end}`,

  // changing a deadline
  askNewDue: (id: string, current: string) =>
    `Hạn chót hiện tại của đợt #${id}: ${current}.\nGõ hạn chót mới, ví dụ <i>20/12/2026 17:00</i>, hoặc /huy để thôi.`,
  replacedNewRound: 'Việc tạo đợt mới đang làm dở đã được huỷ.',
} as const;
