/** Vietnamese texts of invite administration (CLI). */
export const inviteMessages = {
  unknownOrganizations: (codes: string[]) =>
    `Không có tổ chức mang mã: ${codes.join(', ')}. Không tạo mã mời nào. Xem danh sách bằng lệnh: baocao orgs list`,
  noOrganizations: 'Chưa có tổ chức nào. Hãy nhập danh sách tổ chức trước: baocao orgs import TỆP',
  noOrgCodes: 'Cần chỉ ra ít nhất một mã tổ chức.',
  badTtl: (value: number) => `Số ngày hiệu lực «${value}» không hợp lệ; dùng một số nguyên từ 1 đến 365.`,
  unknownOrganization: (code: string) => `Không có tổ chức mang mã «${code}».`,
} as const;
