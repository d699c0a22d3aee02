/** Vietnamese texts of announcements, reminders and the office's notices. Values are HTML-escaped by the caller. */
export const reminderMessages = {
  announcement: (org: string, form: string, period: string, due: string, questions: number) =>
    [
      '📢 <b>Thông báo đợt báo cáo</b>',
      `Văn phòng Đảng ủy đề nghị <b>${org}</b> báo cáo: <b>${form}</b> — ${period}.`,
      `Hạn chót: <b>${due}</b>.`,
      `Biểu mẫu có ${questions} câu hỏi; đồng chí trả lời ngay trong tin nhắn với bot, có thể dừng và tiếp tục bất cứ lúc nào.`,
    ].join('\n'),
  reminderBefore: (org: string, form: string, period: string, due: string, daysLeft: number) =>
    [
      `⏰ <b>Nhắc báo cáo</b>: ${form} — ${period}`,
      `${org} chưa nộp báo cáo. Hạn chót: <b>${due}</b> (còn ${daysLeft} ngày).`,
    ].join('\n'),
  reminderDueToday: (org: string, form: string, period: string, due: string) =>
    [`⏰ <b>Hôm nay là hạn chót</b>: ${form} — ${period}`, `${org} chưa nộp báo cáo. Hạn chót: <b>${due}</b>.`].join('\n'),
  reminderOverdue: (org: string, form: string, period: string, due: string, daysLate: number) =>
    [
      `⚠️ <b>Quá hạn báo cáo</b>: ${form} — ${period}`,
      `Hạn chót là ${due} (đã quá ${daysLate} ngày), ${org} chưa nộp báo cáo.`,
      'Đề nghị đồng chí hoàn thành sớm; khi gửi, bot sẽ hỏi lý do nộp muộn.',
    ].join('\n'),
  progress: (answered: number, remaining: number, total: number) =>
    `Đơn vị đã trả lời ${answered} câu, còn ${remaining}/${total} câu.`,
  notStarted: (total: number) => `Đơn vị chưa bắt đầu; biểu mẫu có ${total} câu.`,
  startButton: 'Bắt đầu báo cáo',
  continueButton: 'Tiếp tục báo cáo',
  acknowledgeButton: 'Đã nhận',
  /** Typed instead of the buttons (every channel understands them). */
  startSay: '/baocao',
  acknowledgeSay: 'đã nhận',
  acknowledged: 'Đã ghi nhận. Cảm ơn đồng chí!',
  acknowledgeRefused: 'Thông báo này không dành cho đồng chí.',

  escalationHeading: (count: string, form: string, period: string, due: string) =>
    `🔔 <b>Còn ${count} tổ chức chưa nộp</b> ${form} — ${period} (hạn chót ${due}), sau tất cả các lần nhắc:`,
  escalationLine: (code: string, name: string, reporters: string) => `• ${code} — ${name}: ${reporters}`,
  reporterReachable: (name: string) => name,
  reporterUnreachable: (name: string) => `${name} (không liên lạc được: đã chặn bot hoặc không còn dùng tài khoản)`,
  noReporter: '<i>chưa có người báo cáo đăng ký</i>',
  moreReporters: (count: number) => `và ${count} người khác`,
  moreOrganizations: (count: string) => `… và ${count} tổ chức khác.`,
  seeFullList: (campaignId: string) => `Danh sách đầy đủ: /chuanop ${campaignId}`,
  escalationNone: (form: string, period: string) => `✅ Tất cả tổ chức đã nộp ${form} — ${period}.`,

  digest: (date: string) => `☀️ <b>Tình hình báo cáo sáng ${date}</b>`,
  /** `submitted`: the fraction ("3/5"); `late`: undefined when none was late (not said at all). */
  digestLine: (id: string, form: string, period: string, submitted: string, percent: string, late: string | undefined, due: string, timing: string) =>
    `#${id} ${form} — ${period}: đã nộp ${submitted} (${percent})${late === undefined ? '' : `, muộn ${late}`}. Hạn chót ${due} (${timing}).`,
  daysLeft: (days: number) => (days === 0 ? 'hôm nay' : `còn ${days} ngày`),
  daysLate: (days: number) => (days === 0 ? 'đã qua hạn hôm nay' : `đã quá ${days} ngày`),
  digestMissing: (count: string, campaignId: string) => `Chưa nộp: ${count} tổ chức (/chuanop ${campaignId}).`,

  // Each names the round: /nhacnho without a number acts on the latest one, which may not be the one meant.
  remindNowQueued: (id: string, period: string, count: string) =>
    `Đã xếp lịch nhắc ngay ${count} tổ chức chưa nộp của đợt <b>#${id}</b> — ${period}. Tin nhắn được gửi dần theo giới hạn của ứng dụng nhắn tin; trong giờ yên lặng hoặc ngày nghỉ đã cài đặt, tin được giữ lại đến giờ cho phép kế tiếp.`,
  remindNowNone: (id: string, period: string) => `Đợt #${id} — ${period}: tất cả tổ chức đã nộp, không cần nhắc.`,
  remindNowNotOpen: (id: string, period: string) => `Đợt #${id} — ${period} chưa mở hoặc đã kết thúc nên không nhắc được.`,
  remindNowTooSoon: (id: string, period: string, at: string) =>
    `Đợt #${id} — ${period} vừa được nhắc lúc ${at}. Để tránh nhắc trùng, đồng chí chờ ít phút rồi thử lại.`,
  remindNowBusy: (id: string, period: string, waiting: string) =>
    `Chưa nhắc đợt #${id} — ${period}: đợt này còn ${waiting} tin (thông báo, lời nhắc) đang chờ gửi. Nhắc thêm lúc này thì lời nhắc mới đến chồng lên các tin đó. Đồng chí chờ gửi xong (xem /dot ${id}) rồi thử lại.`,
} as const;
