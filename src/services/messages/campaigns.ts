/** Vietnamese texts of campaign administration (CLI and chat). */
export const campaignMessages = {
  unknownForm: (id: string) => `Không có biểu mẫu «${id}». Xem danh sách bằng lệnh: baocao forms list`,
  unknownFormVersion: (id: string, version: number) => `Biểu mẫu «${id}» không có phiên bản ${version}.`,
  badPeriodDates: 'Ngày bắt đầu và kết thúc kỳ báo cáo phải có dạng YYYY-MM-DD và ngày bắt đầu không sau ngày kết thúc.',
  emptyPeriod: 'Cần ghi kỳ báo cáo, ví dụ "Năm 2026".',
  dueBeforeOpen: 'Hạn chót phải sau thời điểm mở đợt báo cáo.',
  noTargets: 'Đợt báo cáo chưa có tổ chức nào được giao báo cáo.',
  unknownOrganizations: (codes: string[]) => `Không có tổ chức mang mã: ${codes.join(', ')}.`,
} as const;
