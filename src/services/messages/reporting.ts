/** Vietnamese texts of the reporting service. */
export const reportingMessages = {
  stalePrompt: 'Câu hỏi này đã qua. Câu hiện tại:',
  movedByCoReporter: 'Báo cáo vừa được đồng chí cùng đơn vị cập nhật, nên câu trả lời vừa rồi chưa được ghi. Câu hiện tại là:',
} as const;
