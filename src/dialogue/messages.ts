/** Vietnamese texts of the report dialogue. Values passed in are already HTML-escaped by the caller. */
export const dialogueMessages = {
  questionHeading: (no: number, total: number) => `<b>Câu ${no}/${total}.</b>`,
  currentAnswer: (value: string) => `Câu trả lời hiện tại: <b>${value}</b>`,
  optional: '(không bắt buộc)',
  proposal: (from: string, label: string, no: number) =>
    `Đề xuất theo ${from}: <b>${label}</b>. Chọn ${no} để xác nhận, hoặc chọn mức khác.`,
  proposedMark: '★ ',
  selectedMark: '☑ ',
  unselectedMark: '☐ ',
  yes: 'Có',
  no: 'Không',
  back: '« Quay lại',
  skip: 'Bỏ qua »',
  finishMulti: 'Xong ✔',
  submit: '✅ Gửi báo cáo',
  resubmit: '✅ Gửi lại báo cáo',
  editButton: (no: number) => `Sửa câu ${no}`,
  // What the person types instead of a button (compared folded: "quay lai", «Gửi» work too).
  sayBack: 'quay lại',
  saySkip: 'bỏ qua',
  sayFinishMulti: 'xong',
  saySubmit: 'gửi',
  sayEdit: (no: number) => `sửa ${no}`,
  yesNoHint: 'Chọn 1 (Có) hoặc 2 (Không); gõ «có»/«không» cũng được',
  choiceHint: 'Chọn một mục: gõ số thứ tự hoặc tên của mục',
  confirmHint: (count: number) =>
    count >= 2 ? 'Gõ 1 hoặc 2 để chọn cách hiểu đúng, hoặc nhập lại số.' : 'Gõ 1 để xác nhận giá trị này, hoặc nhập lại số.',
  reviewHeading: (title: string) => `<b>Xem lại báo cáo</b>\n${title}`,
  reviewFooterDraft:
    'Kiểm tra các câu trả lời, rồi gõ «gửi» để nộp, hoặc «sửa 3» để sửa câu 3 (thay 3 bằng số thứ tự của câu cần sửa).',
  reviewFooterSubmitted:
    'Báo cáo đã được gửi. Đồng chí vẫn có thể sửa đến hạn chót: gõ «sửa 3» để sửa câu 3 (thay 3 bằng số thứ tự của câu cần sửa). ' +
    'Mỗi lần sửa được lưu ngay vào báo cáo đã gửi và vào tổng hợp, có lưu lịch sử; gõ «gửi» khi sửa xong để báo văn phòng là đã gửi lại.',
  reviewProposalNote: (label: string) => ` <i>(đề xuất theo điểm: ${label})</i>`,
  missingAnswer: '<i>(chưa trả lời)</i>',
  ruleWarning: (message: string) => `⚠️ ${message}`,
  lockedPastDeadline:
    'Báo cáo đã nộp và đã quá hạn chót nên không sửa được nữa. Nếu cần sửa, đề nghị liên hệ Văn phòng Đảng ủy để mở lại.',
  lockedClosed: 'Đợt báo cáo này đã kết thúc, không nhận thêm thay đổi.',
  submitted: (when: string) => `✅ <b>Đã gửi báo cáo</b> lúc ${when}. Cảm ơn đồng chí!`,
  submittedLate: (when: string) =>
    // The prompt that follows asks for the reason (lateReasonEmpty): said once.
    `Đã gửi báo cáo lúc ${when}, <b>sau hạn chót</b>.`,
  unsubmittedByEdit:
    '⚠️ Sau lần sửa này báo cáo chưa đầy đủ hoặc số liệu chưa khớp, nên được chuyển về trạng thái <b>chưa gửi</b>. Đồng chí sửa tiếp rồi gõ «gửi» (hoặc chọn «Gửi báo cáo») để gửi lại.',
  lateReasonThanks: 'Đã ghi nhận lý do nộp muộn. Cảm ơn đồng chí!',
  lateReasonEmpty: 'Xin nhắn lý do nộp muộn bằng chữ (tối đa 1.000 ký tự).',
  doneHint: 'Báo cáo đã được gửi. Gõ /baocao để xem lại hoặc sửa (trước hạn chót), /trangthai để xem tình hình.',
  firstQuestion: 'Đây là câu đầu tiên, không có câu trước để quay lại.',
  required: 'Câu này bắt buộc, không bỏ qua được.',
  notApplicable: (no: number) => `Câu ${no} không áp dụng với các câu trả lời hiện tại.`,
  noSuchQuestion: (total: number) => `Không có câu đó. Các câu được đánh số từ 1 đến ${total}.`,
  reviewTypedHint: 'Gõ «gửi» để nộp báo cáo, hoặc «sửa 3» để sửa câu 3.',
  ruleFixHint: 'Nếu một câu trước nhập nhầm, gõ «sửa 3» để sửa câu 3 (thay 3 bằng số thứ tự của câu đó), rồi trả lời lại câu này.',
  missingBeforeSubmit: (no: number) => `Còn câu ${no} chưa trả lời. Đồng chí trả lời tiếp nhé:`,
  rulesBlockSubmit: 'Chưa gửi được vì số liệu chưa khớp:',
  buttonNotForThisStep: 'Lựa chọn này không dùng được ở bước hiện tại.',
  plausibleAsk: (value: string, label: string | undefined, basis: string | undefined) =>
    `Đồng chí xác nhận ${value}${label === undefined ? '' : ` ${label}`}?${basis === undefined ? '' : ` ${basis}`}`,
  plausibleBasisPrevious: (periodLabel: string, previous: string) => `(${periodLabel}: ${previous})`,
  plausibleBasisPercentile: (percentile: string, answered: string, usual: string) =>
    `(Số này cao hơn nhiều so với phần lớn các đơn vị: ${percentile}% trong ${answered} đơn vị đã trả lời đợt này báo không quá ${usual}.)`,
  plausibleHint: 'Số này khác nhiều so với thường lệ. Chọn «Đúng» (hoặc gõ «đúng») để lưu, «Nhập lại» để nhập lại; hoặc gõ ngay số đúng.',
  plausibleYes: 'Đúng',
  plausibleRetype: 'Nhập lại',
  /** Typed on the plausibility step, besides 1 and 2 (compared folded). */
  sayPlausibleYesWords: ['đúng', 'có', 'xác nhận', 'ok'],
  sayPlausibleRetypeWords: ['nhập lại', 'sai', 'không'],
  edited: (no: number, value: string, before: string) => `Đã sửa câu ${no}: ${value} (trước: ${before})`,
  notAnsweredYet: '(chưa trả lời)',
  editUnchanged: (no: number, value: string) => `Câu ${no} vẫn là ${value}, không có gì thay đổi.`,
  editNotSaved: (no: number, reason: string) => `Chưa sửa được câu ${no}: ${reason}`,
  editImpossible: (no: number, reason: string) => `Câu ${no} không còn sửa được: ${reason}`,
  editNoSuchQuestion: (no: number, total: number) => `Câu ${no} không sửa được: biểu mẫu chỉ có các câu từ 1 đến ${total}.`,
  editReasonClosed: 'đợt báo cáo này đã kết thúc, không nhận thêm thay đổi.',
  editReasonPastDeadline: 'báo cáo đã nộp và đã quá hạn chót. Nếu cần sửa, đề nghị liên hệ Văn phòng Đảng ủy để mở lại.',
  editReasonNotApplicable: 'câu này không áp dụng với các câu trả lời hiện tại.',
  /** Under a multi-choice question where its options are buttons (the typed way is the hint, said everywhere). */
  multiButtonsNote: '<i>Hoặc chọn lần lượt các mục ở dưới, rồi chọn «Xong».</i>',
} as const;
