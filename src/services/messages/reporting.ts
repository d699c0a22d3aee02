/** Vietnamese texts of the reporting service. */
export const reportingMessages = {
  stalePrompt: 'Câu hỏi này đã qua. Câu hiện tại:',
  movedByCoReporter:
    'Báo cáo đã chuyển sang câu khác từ lúc đồng chí nhận câu hỏi trước (có thể đồng chí cùng đơn vị vừa cập nhật), nên câu trả lời vừa rồi chưa được ghi. Câu hiện tại là:',
} as const;
