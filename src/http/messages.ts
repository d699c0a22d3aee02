/** What a person sees in the browser when a download link does not work. */
export const httpMessages = {
  invalid: 'Liên kết tải tệp không hợp lệ. Đồng chí gửi lại lệnh /tonghop để nhận liên kết mới.',
  expired: 'Liên kết tải tệp đã hết hạn (liên kết dùng được 24 giờ). Đồng chí gửi lại lệnh /tonghop để nhận liên kết mới.',
  notAdmin: 'Liên kết này chỉ dành cho cán bộ văn phòng cấp ủy; tài khoản tạo liên kết không còn quyền này.',
  unknownRound: 'Không tìm thấy đợt báo cáo này.',
  methodNotAllowed: 'Chỉ hỗ trợ tải tệp (GET).',
  failed: 'Hệ thống đang gặp sự cố khi tạo tệp; đồng chí thử lại sau ít phút.',
} as const;

/** What the IT person reads when the HTTP server cannot listen (printed in one line, the start refused). */
export const serverMessages = {
  portInUse: (where: string) => `Cổng HTTP đang có chương trình khác dùng: ${where}. Dừng chương trình đó hoặc đặt HTTP_PORT khác.`,
  hostUnknown: (host: string) =>
    `HTTP_HOST «${host}» không phải là địa chỉ của máy này. Dùng 127.0.0.1 (chỉ nhận từ chính máy này, sau proxy) hoặc 0.0.0.0 (mọi địa chỉ của máy).`,
  portForbidden: (where: string) => `Không được phép mở cổng ${where}: cổng dưới 1024 cần quyền quản trị; hãy dùng cổng từ 1024 trở lên.`,
} as const;
