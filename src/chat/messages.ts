import { formatCount as count, formatFraction as fraction } from '../reports/format.js';
import { escapeHtml, truncate as truncateLabel } from '../text/html.js';

/**
 * Vietnamese texts of the chat layer: registration, commands, status, help, linking.
 * Channel-neutral: they read well with buttons (Telegram) and as plain text (Zalo).
 * Functions take values already HTML-escaped by the caller unless they say otherwise.
 */
export const botMessages = {
  // Registration
  welcomeBound: (name: string, org: string) =>
    `Xin chào đồng chí <b>${name}</b>.\nĐồng chí đã được ghi nhận là người báo cáo của <b>${org}</b>.`,
  welcomeAgain: (name: string, org: string) =>
    `Xin chào đồng chí <b>${name}</b>. Đồng chí đã là người báo cáo của <b>${org}</b> từ trước.`,
  welcomeKnown: (name: string) => `Xin chào đồng chí <b>${name}</b>.`,
  openCampaignsHeading: 'Đợt báo cáo đang mở cho đơn vị:',
  /** `org`: named when the person reports for several organizations, so the same round twice reads apart. */
  openCampaignLine: (title: string, period: string, due: string, org?: string) => `• ${title} — ${period}${org ? ` — ${org}` : ''} (hạn chót ${due})`,
  noOpenCampaigns: 'Hiện chưa có đợt báo cáo nào đang mở cho đơn vị. Khi có, bot sẽ nhắn đồng chí.',
  startReportHint: 'Gõ /baocao để bắt đầu báo cáo, /trogiup để xem các lệnh.',
  inviteUnknown:
    'Mã mời không đúng. Đề nghị đồng chí kiểm tra lại mã (hoặc đường liên kết) đã nhận — mã có 22 ký tự, phân biệt chữ hoa và chữ thường, nên tốt nhất là sao chép và dán nguyên mã — hoặc liên hệ Văn phòng Đảng ủy để được cấp mã mới.',
  inviteUsed: 'Mã mời này đã được người khác sử dụng. Mỗi mã chỉ dùng được một lần; đề nghị liên hệ Văn phòng Đảng ủy để được cấp mã mới.',
  inviteExpired: 'Mã mời này đã hết hạn. Đề nghị liên hệ Văn phòng Đảng ủy để được cấp mã mới.',
  inviteRevoked: 'Mã mời này đã bị thu hồi. Đề nghị liên hệ Văn phòng Đảng ủy để được cấp mã mới.',
  notRegistered:
    'Đồng chí chưa được đăng ký là người báo cáo của tổ chức đảng nào.\n' +
    'Đề nghị liên hệ Văn phòng Đảng ủy để nhận mã mời, rồi gửi mã đó cho bot (trên Zalo: gõ «/start MÃ_MỜI»; trên Telegram: bấm đường liên kết mời).',

  // Reporting
  noActiveReport: 'Đồng chí chưa mở báo cáo nào. Gõ /baocao để bắt đầu hoặc tiếp tục báo cáo.',
  forbiddenReport: 'Đồng chí không có quyền báo cáo cho đơn vị này trong đợt báo cáo này.',
  noOpenCampaignForReport: 'Hiện không có đợt báo cáo nào đang mở cho đơn vị của đồng chí.',
  removedFromOrganization:
    'Đồng chí không còn là người báo cáo của tổ chức đảng nào (Văn phòng Đảng ủy đã thay đổi danh sách người báo cáo). Nếu đây là nhầm lẫn, đề nghị liên hệ Văn phòng Đảng ủy để được cấp mã mời mới.',
  chooseCampaign: 'Có nhiều đợt báo cáo đang mở. Đồng chí chọn đợt muốn báo cáo:',
  chooseOnlyCampaign: 'Đợt báo cáo đang mở cho đơn vị của đồng chí:',
  noSuchCampaign: (no: number, count: number) => `Không có đợt số ${no}: chỉ có ${count} đợt đang mở.`,
  paused: 'Đã tạm dừng. Các câu trả lời đã được lưu; gõ /baocao để tiếp tục đúng chỗ đang dừng.',
  nothingToPause: 'Đồng chí không có báo cáo nào đang mở. Gõ /baocao để bắt đầu.',
  editNotAnswer: 'Tin nhắn vừa sửa không phải là câu trả lời của câu hỏi nào, nên bot không thay đổi gì.',
  replyToUnknownPrompt: (questionNo: number) =>
    `Bot không rõ tin nhắn đồng chí trả lời thuộc báo cáo nào, nên chưa lưu gì. ` +
    `Để trả lời câu đang hỏi, đồng chí gõ câu trả lời bình thường (không trả lời vào tin nhắn cũ); ` +
    `để sửa câu ${questionNo} của báo cáo đó, gõ /baocao, chọn đúng đợt rồi gõ «sửa ${questionNo}».`,
  forwardedNotAnswer: 'Tin nhắn chuyển tiếp (hoặc gửi qua bot khác) không được tính là câu trả lời. Đồng chí gõ trực tiếp câu trả lời.',
  textOnly: 'Bot chỉ đọc được tin nhắn chữ. Xin gõ câu trả lời hoặc chọn một lựa chọn của câu hỏi.',
  chooseCampaignTyped: 'Gõ số thứ tự của đợt (1, 2…) để chọn.',
  campaignOption: (no: number, org: string, form: string, period: string) => `${no}. ${truncateLabel(form, 40)} — ${period} — ${truncateLabel(org, 32)}`,
  acknowledgedTyped: (count: number) => (count > 1 ? `Đã ghi nhận đồng chí đã nhận ${count} thông báo. Cảm ơn đồng chí!` : 'Đã ghi nhận. Cảm ơn đồng chí!'),
  nothingToAcknowledge: 'Không có thông báo nào đang chờ xác nhận.',
  staleButton: 'Nút này đã cũ.',

  // Status
  statusHeading: '<b>Tình hình báo cáo của đơn vị</b>',
  statusOrg: (org: string) => `\n<b>${org}</b>`,
  statusNone: 'Chưa có đợt báo cáo nào.',
  statusLine: (title: string, period: string, due: string, state: string) => `• ${title} — ${period}\n  Hạn chót: ${due}\n  ${state}`,
  stateNotStarted: 'Chưa bắt đầu',
  stateDraft: (answered: number, remaining: number, total: number) =>
    remaining > 0
      ? `Đang làm, chưa gửi: đã trả lời ${answered} câu, còn ${remaining} câu (biểu mẫu có ${total} câu)`
      : 'Đã trả lời đủ, chưa gửi (gõ /baocao để xem lại và gửi)',
  stateSubmitted: (when: string) => `Đã nộp lúc ${when}`,
  stateSubmittedLate: (when: string) => `Đã nộp muộn lúc ${when}`,
  stateClosedSuffix: ' (đợt đã kết thúc)',

  // Admin
  adminOnly: 'Lệnh này chỉ dành cho Văn phòng Đảng ủy (quản trị viên).',
  noCampaign: 'Chưa có đợt báo cáo nào đã mở.',
  unknownCampaign: (arg: string) => `Không có đợt báo cáo mang số «${arg}». Gõ /trangthai để xem danh sách.`,
  reopenUsage: 'Cách dùng: /molai MA_TO_CHUC [số đợt]. Ví dụ: /molai CB01 3',
  notSubmittedUsage: 'Cách dùng: /chuanop [số đợt] [mã đảng bộ] [trang SỐ_TRANG]. Ví dụ: /chuanop 3 trang 2, /chuanop 3 DB01',
  unknownOrganization: (code: string) => `Không có tổ chức mang mã «${code}».`,
  notAParent: (code: string) => `${code} không phải đảng bộ cơ sở: /chuanop chỉ lọc theo mã một đảng bộ (danh sách gồm đảng bộ đó và các chi bộ trực thuộc).`,
  noSuchPage: (page: string, pages: string) => `Không có trang ${page}: danh sách chỉ có ${pages} trang.`,
  nextPageButton: 'Trang sau ▶',
  nextPageSay: (command: string, page: number) => `${command} trang ${page}`,
  // The round is named: without a number /molai takes the latest one, which may not be the one meant.
  reopenUnknownOrg: (code: string, id: string, period: string) => `Không có tổ chức mang mã «${code}» trong đợt #${id} — ${period}.`,
  reopenNotSubmitted: (org: string, id: string, period: string) => `${org} chưa nộp báo cáo trong đợt #${id} — ${period}, không cần mở lại.`,
  reopened: (org: string, id: string, period: string) =>
    `Đã mở lại báo cáo của ${org} trong đợt #${id} — ${period}. Người báo cáo có thể sửa và gửi lại.`,

  // Help
  helpSecretary: [
    '<b>Các lệnh của người báo cáo</b>',
    '/baocao — bắt đầu hoặc tiếp tục báo cáo của đơn vị',
    '/trangthai — xem tình hình các đợt báo cáo của đơn vị',
    '/huy — tạm dừng câu hỏi đang trả lời (không mất câu trả lời)',
    '/trogiup — xem hướng dẫn này',
    '',
    '/lienket — lấy mã để dùng bot trên cả Telegram và Zalo',
    '',
    'Khi trả lời: gõ câu trả lời, hoặc gõ số của lựa chọn (trên Telegram có thể bấm nút). Số viết như «1.234» hoặc «12,5». Gõ «quay lại» để về câu trước, «bỏ qua» để bỏ qua câu không bắt buộc; sau câu cuối, bot cho xem lại toàn bộ, gõ «gửi» để nộp hoặc «sửa 3» để sửa câu 3. Gõ «đã nhận» để xác nhận đã nhận thông báo.',
  ].join('\n'),
  helpAdmin: [
    '',
    '<b>Các lệnh của Văn phòng Đảng ủy</b>',
    '/dotmoi — tạo đợt báo cáo mới (từng bước)',
    '/dot [số đợt] — các đợt và tiến độ; đổi hạn chót, kết thúc đợt, nhắc ngay',
    '/doihan SỐ_ĐỢT — đổi hạn chót của đợt; /ketthuc SỐ_ĐỢT — kết thúc đợt',
    '/tonghop [số đợt] — báo cáo tổng hợp của đợt (mặc định: đợt mới nhất)',
    '/chuanop [số đợt] [mã đảng bộ] [trang N] — danh sách tổ chức chưa nộp, mỗi trang 50 tổ chức',
    '/nhacnho [số đợt] — nhắc ngay các tổ chức chưa nộp (bot hỏi lại trước khi gửi)',
    '/guilai SỐ_ĐỢT — gửi lại các tin nhắn của đợt chưa đến được người nhận',
    '/molai MA [số đợt] — mở lại báo cáo đã nộp để đơn vị sửa sau hạn chót',
    '/trangthai — danh sách các đợt và số đơn vị đã nộp',
  ].join('\n'),
  unknownCommand: 'Không có lệnh này. Gõ /trogiup để xem các lệnh.',

  // Linking two channels
  linkCode: (code: string, minutes: number) =>
    `Mã liên kết của đồng chí: <b>${code}</b>\nTrong ${minutes} phút tới, mở bot trên ứng dụng còn lại (Telegram hoặc Zalo) và gõ: <b>/lienket ${code}</b>\nSau đó hai tài khoản là một: cùng báo cáo, cùng lời nhắc (gửi tới ứng dụng đồng chí dùng gần nhất).`,
  linkNeedsPerson: 'Đồng chí cần đăng ký bằng mã mời trước, rồi mới liên kết được tài khoản thứ hai.',
  linked: (name: string) => `✅ Đã liên kết. Từ nay tài khoản này và tài khoản kia là một: <b>${name}</b>. Lời nhắc gửi tới ứng dụng đồng chí dùng gần nhất.`,
  linkAlready: 'Tài khoản này đã được liên kết từ trước.',
  linkInvalid: 'Mã liên kết không đúng hoặc đã hết hạn. Gõ /lienket ở ứng dụng kia để lấy mã mới.',
  linkSameChannel: 'Mã này phải được gõ ở ứng dụng còn lại (nếu lấy mã trên Telegram thì gõ trên Zalo, và ngược lại).',

  // Errors
  internalError: 'Xin lỗi, hệ thống đang gặp sự cố nên câu trả lời vừa rồi chưa được ghi. Đồng chí vui lòng gửi lại sau ít phút.',
  /** What was not done when the system failed, by what the person asked for (an answer is internalError). */
  failedTo: {
    register: 'Xin lỗi, hệ thống đang gặp sự cố nên chưa đăng ký được. Đồng chí vui lòng gửi lại mã mời sau ít phút; mã vẫn còn dùng được.',
    openReport: 'Xin lỗi, hệ thống đang gặp sự cố nên chưa mở được báo cáo. Đồng chí vui lòng gõ /baocao lại sau ít phút; các câu đã trả lời vẫn được giữ nguyên.',
    command: (command: string) => `Xin lỗi, hệ thống đang gặp sự cố nên chưa thực hiện được lệnh /${command}. Đồng chí vui lòng thử lại sau ít phút.`,
    button: 'Xin lỗi, hệ thống đang gặp sự cố nên thao tác vừa rồi chưa được thực hiện. Đồng chí vui lòng bấm lại sau ít phút.',
  },
  replyFailed: 'Xin lỗi, bot chưa gửi được tin trả lời tới đồng chí. Gõ /baocao để xem câu hiện tại trước khi trả lời tiếp.',
} as const;

/** The command menus Telegram shows next to the text box. */
export const commandMenus = {
  secretary: [
    { command: 'baocao', description: 'Bắt đầu hoặc tiếp tục báo cáo' },
    { command: 'trangthai', description: 'Tình hình báo cáo của đơn vị' },
    { command: 'huy', description: 'Tạm dừng câu hỏi đang trả lời' },
    { command: 'lienket', description: 'Dùng bot trên cả Telegram và Zalo' },
    { command: 'trogiup', description: 'Hướng dẫn sử dụng' },
  ],
  admin: [
    { command: 'dotmoi', description: 'Tạo đợt báo cáo mới' },
    { command: 'dot', description: 'Các đợt báo cáo và tiến độ' },
    { command: 'tonghop', description: 'Báo cáo tổng hợp của đợt' },
    { command: 'chuanop', description: 'Tổ chức chưa nộp báo cáo' },
    { command: 'trangthai', description: 'Các đợt báo cáo' },
    { command: 'nhacnho', description: 'Nhắc ngay các tổ chức chưa nộp' },
    { command: 'molai', description: 'Mở lại báo cáo đã nộp' },
    { command: 'trogiup', description: 'Hướng dẫn sử dụng' },
  ],
} as const;

/**
 * Texts of the admin's round commands (/dotmoi, /dot). Functions take values already HTML-escaped.
 * Counts are written here as /tonghop writes them ("5", "45.000", "4/9"), so no caller prints a bare 45000;
 * a late count of 0 is not said at all.
 */
export const roundMessages = {
  created: (id: string, title: string, period: string, opens: string, due: string, targets: number, plan: string) =>
    `✅ Đã tạo đợt báo cáo <b>#${id}</b>: ${title} — ${period}.\n` +
    `Mở: ${opens}. Hạn chót: ${due}.\nGiao cho ${count(targets)} tổ chức. Nhắc: ${plan}.\nXem tiến độ: /dot ${id}`,
  cancelled: 'Đã huỷ. Không có gì được tạo hay thay đổi.',
  scheduleFailed:
    '⚠️ Đã lưu thay đổi nhưng chưa cập nhật được lịch nhắc; lịch sẽ được dựng lại khi bot khởi động lại. Đề nghị báo cho người quản trị hệ thống.',
  listHeading: '<b>Các đợt báo cáo</b>',
  listNone: 'Chưa có đợt báo cáo nào. Tạo đợt mới: /dotmoi',
  listLine: (id: string, title: string, period: string, due: string, submitted: number, targets: number, late: number, state: string) =>
    `• <b>#${id}</b> ${title} — ${period}\n  Hạn chót ${due}. Đã nộp ${fraction(submitted, targets)}${late > 0 ? ` (muộn ${count(late)})` : ''}. ${state}`,
  listFooter: 'Xem và điều chỉnh một đợt: /dot SỐ_ĐỢT',
  changeDueSay: (id: string) => `/doihan ${id}`,
  closeSay: (id: string) => `/ketthuc ${id}`,
  remindSay: (id: string) => `/nhacnho ${id}`,
  // A confirmation's options typed as they read: the bot remembers which round it asked about
  // («/nhacnho N ngay» and «/ketthuc N ngay» still do the same, naming the round).
  confirmRemindSay: 'nhắc ngay',
  noRemindSay: 'không nhắc',
  confirmCloseSay: 'kết thúc ngay',
  keepOpenSay: 'không, để đợt tiếp tục',
  roundCommandUsage: (command: string) => `Cách dùng: /${command} SỐ_ĐỢT. Xem các đợt: /dot`,
  stateScheduled: (opens: string) => `Chưa mở (mở lúc ${opens}).`,
  stateOpen: 'Đang mở.',
  stateOpenUntil: (closes: string) => `Đang mở (kết thúc lúc ${closes}).`,
  stateClosed: (closed: string) => `Đã kết thúc (${closed}).`,
  details: (d: {
    id: string;
    title: string;
    form: string;
    period: string;
    periodDates: string | null;
    opens: string;
    due: string;
    state: string;
    targets: number;
    submitted: number;
    late: number;
    drafts: number;
    plan: string;
  }) =>
    [
      `<b>Đợt báo cáo #${d.id}</b>: ${d.title}`,
      `Biểu mẫu: ${d.form}`,
      `Kỳ: ${d.period}${d.periodDates ? ` (${d.periodDates})` : ''}`,
      `Mở: ${d.opens}`,
      `Hạn chót: ${d.due}`,
      `Tình trạng: ${d.state}`,
      `Đã nộp ${fraction(d.submitted, d.targets)}${d.late > 0 ? ` (muộn ${count(d.late)})` : ''}; đang làm dở ${count(d.drafts)}; chưa bắt đầu ${count(Math.max(0, d.targets - d.submitted - d.drafts))}.`,
      `Nhắc: ${d.plan}.`,
    ].join('\n'),
  acknowledgements: (sent: number, acknowledged: number) => `Thông báo mở đợt: đã gửi ${count(sent)}, đã xác nhận «Đã nhận» ${count(acknowledged)}.`,
  notAcknowledged: (total: number, list: string) => `Chưa xác nhận đã nhận thông báo (${count(total)} tổ chức): ${list}`,
  unreachable: (total: number, list: string) => `Không liên lạc được (đã chặn bot) ${count(total)} người: ${list}`,
  andMore: (n: number) => ` … và ${count(n)} nữa`,
  changeDueButton: '🕔 Đổi hạn chót',
  closeButton: '⏹ Kết thúc đợt',
  remindButton: '🔔 Nhắc ngay',
  confirmClose: (id: string, title: string) =>
    `Kết thúc đợt <b>#${id}</b> (${title}) ngay bây giờ?\nSau khi kết thúc, các đơn vị không gửi hay sửa báo cáo được nữa và bot thôi nhắc.`,
  // «Nhắc ngay» asks first: a reminder to tens of thousands cannot be taken back.
  remindConfirmationStale: 'Xác nhận vừa rồi đã cũ (quá 30 phút): tình hình có thể đã khác. Đồng chí xem lại dưới đây rồi xác nhận lần nữa.',
  confirmRemind: (id: string, period: string, title: string, organizations: number) =>
    `🔔 Nhắc ngay đợt <b>#${id}</b> — ${period} (${title})?\n` +
    `Bot sẽ gửi lời nhắc tới ${count(organizations)} tổ chức chưa nộp. Tin đã gửi thì không thu hồi được; tin được gửi dần theo giới hạn của ứng dụng nhắn tin (hàng chục nghìn người nhận có thể mất hơn một giờ).`,
  remindRecentReminder: (at: string, what: string) => `⚠️ Lần nhắc gần nhất lúc ${at} (${what}), chưa đầy 12 giờ trước: nhắc nữa thì các đơn vị nhận hai lời nhắc trong cùng nửa ngày.`,
  remindRecentAnnouncement: (at: string) => `⚠️ Thông báo mở đợt vừa gửi lúc ${at}, chưa đầy 12 giờ trước.`,
  remindUpcoming: (at: string, what: string) => `⚠️ Lời nhắc theo lịch kế tiếp (${what}) sẽ gửi lúc ${at}, chưa đầy 12 giờ nữa.`,
  remindIgnoreHint: 'Nếu không muốn nhắc, đồng chí không cần làm gì thêm.',
  confirmRemindButton: '🔔 Nhắc ngay',
  noRemindButton: 'Không nhắc',
  remindCancelled: (id: string, period: string) => `Không nhắc đợt #${id} — ${period}; không có tin nào được gửi.`,
  confirmCloseButton: 'Kết thúc ngay',
  keepOpenButton: 'Không, để đợt tiếp tục',
  keptOpen: (id: string) => `Đợt #${id} vẫn tiếp tục.`,
  noConfirmationWaiting:
    'Không có xác nhận nào đang chờ (đã trả lời rồi, hoặc đã quá lâu), nên bot không làm gì và không lưu gì. ' +
    'Để nhắc ngay: gõ /nhacnho SỐ_ĐỢT; để kết thúc đợt: gõ /ketthuc SỐ_ĐỢT.',
  closedNow: (id: string, at: string) => `Đã kết thúc đợt #${id} lúc ${at}.`,
  dueChanged: (id: string, from: string, to: string) => `Đã đổi hạn chót của đợt #${id}: ${from} → <b>${to}</b>. Lịch nhắc đã đổi theo.`,
  usage: 'Cách dùng: /dot để xem các đợt, /dot SỐ_ĐỢT để xem và điều chỉnh một đợt.',

  // Deliveries of the round that did not arrive or may have arrived twice (/dot N), and «Gửi lại».
  problemsHeading: (total: number) => `<b>Tin nhắn chưa đến hoặc có thể bị trùng</b> (${count(total)}):`,
  problemOrganization: (code: string, name: string) => `<b>${code}</b> ${name}`,
  problemAdmins: '<b>Tin gửi cán bộ quản trị</b>',
  problemPerson: (name: string, items: string) => `  • ${name}: ${items}`,
  problemItem: (messages: string, what: string) => `${messages} — ${what}`,
  problemsMore: (n: number) => `… và ${count(n)} trường hợp khác.`,
  resendHint: (n: number) =>
    `Chọn «Gửi lại» để gửi lại ${count(n)} tin cho những người đã liên lạc lại được với bot hoặc chỉ gặp lỗi tạm thời.`,
  resendNotYet:
    'Các tin chưa đến này chưa gửi lại được: người nhận chưa nhắn lại cho bot kể từ khi chặn bot hoặc bị từ chối. Đề nghị đồng chí liên hệ để họ nhắn cho bot một tin bất kỳ, rồi chọn «Gửi lại».',
  resendButton: '🔁 Gửi lại',
  resendSay: (id: string) => `/guilai ${id}`,
  resent: (id: string, n: number) =>
    `Đã xếp lại ${count(n)} tin của đợt #${id} để gửi lại; bot gửi trong ít phút (trong giờ nghỉ hoặc ngày nghỉ, bot gửi vào thời điểm được phép kế tiếp). Xem lại: /dot ${id}`,
  resentNone: (id: string) => `Đợt #${id} hiện không có tin nào gửi lại được. Xem chi tiết: /dot ${id}`,
  resendClosed: (id: string) => `Đợt #${id} đã kết thúc, bot không gửi lại tin nhắn của đợt này nữa.`,
  slotAnnouncement: 'thông báo mở đợt',
  slotBefore: (days: number) => `nhắc ${days} ngày trước hạn`,
  slotDueDay: 'nhắc ngày hết hạn',
  slotAfter: (days: number) => `nhắc ${days} ngày sau hạn`,
  slotManual: (at: string) => `nhắc ngay lúc ${at}`,
  slotManualRecent: 'nhắc ngay theo yêu cầu',
  slotEscalation: 'danh sách đơn vị chưa nộp',
  slotDigest: (date: string) => `tin tổng hợp ngày ${date}`,
  slotOther: (key: string) => `tin «${key}»`,
  notDelivered: (why: string) => `chưa đến: ${why}`,
  notSent: (why: string) => `chưa gửi: ${why}`,
  whyBlocked: 'người nhận đã chặn bot',
  whyDeactivated: 'tài khoản của người nhận đã bị xoá',
  whyUnknownUser: 'không tìm thấy người nhận (có thể chưa từng nhắn cho bot)',
  whyUnreachableNow: 'người nhận đang không liên lạc được (đã chặn bot hoặc tài khoản không còn)',
  whyUnreachable: (reason: string) => `không liên lạc được với người nhận (${reason})`,
  whyRejected: (reason: string) => `kênh nhắn tin từ chối (${reason})`,
  whyTransient: 'lỗi mạng hoặc lỗi máy chủ của kênh nhắn tin, đã thử nhiều lần',
  whyInterrupted: 'bị gián đoạn khi đang gửi',
  whyGaveUp: (times: number) => `bị gián đoạn khi đang gửi, đã gửi lại ${times} lần vẫn không xong`,
  maybeDoubled: 'đã gửi lại sau sự cố, có thể đã nhận hai lần',
  resending: 'đang gửi lại sau sự cố, có thể sẽ nhận hai lần',
} as const;

/** The office's files of a round (/tonghop). */
export const fileMessages = {
  button: { xlsx: '📊 Tải Excel', docx: '📄 Tải báo cáo (Word)', png: '🖼 Biểu đồ' } as const,
  sending: 'Đang chuẩn bị tệp…',
  unknownRound: 'Không tìm thấy đợt báo cáo này.',
  tooLarge: (id: string) => `Tệp quá lớn để gửi qua Telegram (tối đa 50 MB). Đồng chí nhờ cán bộ kỹ thuật xuất tệp bằng lệnh: baocao export ${id} --xlsx tong-hop.xlsx`,
  caption: {
    xlsx: (id: string, period: string) => `📊 Bảng tổng hợp đợt #${id} — ${escapeHtml(period)}`,
    docx: (id: string, period: string) => `📄 Dự thảo báo cáo đợt #${id} — ${escapeHtml(period)}. Các chỗ tô vàng cần điền trước khi trình ký.`,
    png: (id: string, period: string) => `🖼 Biểu đồ đợt #${id} — ${escapeHtml(period)}`,
  },
  /** Channels that cannot send files (Zalo): one link per file, for this admin only. */
  links: (items: Array<{ label: string; url: string }>) =>
    ['Tải tệp của đợt này (liên kết chỉ dành cho đồng chí, hết hạn sau 24 giờ; đề nghị không chuyển tiếp liên kết):', ...items.map((i) => `${i.label}: ${i.url}`)].join('\n'),
  noLinks: 'Kênh này không gửi được tệp và máy chủ chưa có địa chỉ công khai (PUBLIC_URL), nên chưa tạo được liên kết tải. Đồng chí dùng Telegram, hoặc nhờ cán bộ kỹ thuật xuất tệp bằng lệnh baocao export.',
} as const;

