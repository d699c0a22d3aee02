/** What the IT person reads when Telegram refuses the bot at start (printed in one line, the start refused). */
export const telegramStartMessages = {
  badToken: (code: number) => `Telegram không nhận BOT_TOKEN (lỗi ${code}): lấy lại token đúng từ @BotFather rồi đặt lại BOT_TOKEN.`,
  refused: (step: string, description: string) => `Telegram từ chối lệnh ${step}: ${description}.`,
  webhookHint: ' Kiểm tra PUBLIC_URL: Telegram chỉ gửi webhook đến địa chỉ https, cổng 443, 80, 88 hoặc 8443.',
  unreachable: (apiRoot: string, detail: string) =>
    `Không kết nối được Telegram tại ${apiRoot} (TELEGRAM_API_ROOT): ${detail}. Kiểm tra máy chủ có ra được Internet không.`,
} as const;
