/** What the IT person reads when Zalo refuses the bot at start (one line each). */
export const zaloStartMessages = {
  badToken: (code: number) => `Zalo không nhận ZALO_BOT_TOKEN (lỗi ${code}): lấy lại token đúng trong Zalo Bot Creator rồi đặt lại ZALO_BOT_TOKEN.`,
  refused: (step: string, description: string) => `Zalo từ chối lệnh ${step}: ${description}.`,
  webhookHint: ' Kiểm tra PUBLIC_URL: Zalo chỉ gửi webhook đến một địa chỉ https công khai.',
} as const;
