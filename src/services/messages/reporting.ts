import { escapeHtml } from '../../text/html.js';

/** Vietnamese texts of the reporting service. */
export const reportingMessages = {
  stalePrompt: 'Câu hỏi này đã qua. Câu hiện tại:',
  movedByCoReporter:
    'Báo cáo đã chuyển sang câu khác từ lúc đồng chí nhận câu hỏi trước (có thể đồng chí cùng đơn vị vừa cập nhật), nên câu trả lời vừa rồi chưa được ghi. Câu hiện tại là:',
  /** The same message received again after a restart: it was stored the first time; where the report stands now. */
  alreadyRecorded: 'Tin nhắn vừa rồi của đồng chí đã được ghi nhận. Câu hiện tại:',
  /** A message sent before question N was shown: it was meant for the one before. */
  sentBeforeShown: (no: number, typed: string, twice: boolean) =>
    twice
      ? `Câu ${no} chưa được trả lời; đồng chí vừa gửi «${escapeHtml(typed)}» hai lần. Đồng chí trả lời câu ${no}:`
      : `Câu ${no} chưa được trả lời: tin «${escapeHtml(typed)}» được gửi trước khi câu ${no} hiện ra nên chưa được ghi. Đồng chí trả lời câu ${no}:`,
} as const;
