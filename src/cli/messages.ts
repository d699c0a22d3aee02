/** Vietnamese texts of the admin command line. */
import { formatNumberVi } from '../forms/format.js';

export const cliMessages = {
  // program and help
  programDescription: 'Quản trị bot nhắc báo cáo: nhập tổ chức, tạo mã mời, tạo đợt báo cáo, xem tổng hợp.',
  helpOption: 'Hiển thị hướng dẫn',
  helpCommand: 'Hướng dẫn cho một lệnh',
  helpTitles: {
    'Usage:': 'Cách dùng:',
    'Arguments:': 'Tham số:',
    'Options:': 'Tùy chọn:',
    'Commands:': 'Lệnh:',
    'Global Options:': 'Tùy chọn chung:',
  } as Record<string, string>,
  seeHelp: (command: string) => `Xem hướng dẫn: ${command} --help`,

  // commander's own errors, translated
  unknownOption: (option: string) => `Không có tùy chọn ${option}.`,
  unknownCommand: (command: string) => `Không có lệnh «${command}».`,
  missingArgument: (name: string) => `Thiếu tham số ${name}.`,
  optionMissingArgument: (option: string) => `Tùy chọn ${option} cần một giá trị.`,
  missingMandatoryOption: (option: string) => `Thiếu tùy chọn bắt buộc ${option}.`,
  excessArguments: 'Thừa tham số.',
  conflictingOption: 'Các tùy chọn này không dùng cùng nhau.',
  conflictingOptions: (first: string, second: string) => `Không dùng ${first} cùng với ${second}: chọn một trong hai.`,
  badCommandLine: (detail: string) => `Lệnh không hợp lệ: ${detail}`,

  // general failures
  databaseUnreachable: (url: string, detail: string) =>
    `Không kết nối được cơ sở dữ liệu ${url}: ${detail}\nKiểm tra Postgres đang chạy và biến DATABASE_URL.`,
  databaseAhead: (unknown: readonly string[]) =>
    `Lưu ý: cơ sở dữ liệu đã được một phiên bản mới hơn nâng cấp (${unknown.join(', ')}); bản này dùng nó như hiện có, không nâng cấp gì. Hãy cập nhật bản này lên cùng phiên bản.`,
  migrationLockWait: (migration: string, seconds: number, next: number, attempts: number) =>
    `Migration ${migration} chờ khoá quá ${seconds} giây (một giao dịch khác đang giữ bảng nó cần); đã huỷ lần này để các truy vấn khác không phải chờ, thử lại (lần ${next}/${attempts})…`,
  databaseMissing: (url: string) =>
    `Chưa có cơ sở dữ liệu ${url} (DATABASE_URL). Kiểm tra DATABASE_URL (và tệp .env); nếu đây là lần cài đặt đầu tiên, chạy «baocao migrate» để tạo.`,
  cannotWrite: (path: string, reason: string) => `Không ghi được tệp ${path}: ${reason}. Chưa ghi gì; chọn một thư mục khác (ví dụ /tmp/tong-hop.xlsx).`,
  fileSystemReasons: {
    ENOENT: 'thư mục không tồn tại',
    EACCES: 'không có quyền ghi vào thư mục này',
    EPERM: 'không có quyền ghi vào thư mục này',
    EROFS: 'thư mục chỉ đọc',
    ENOSPC: 'ổ đĩa đã đầy',
    EISDIR: 'đó là một thư mục, không phải tên tệp',
  } as Record<string, string>,
  unexpected: (detail: string) => `Lỗi không mong đợi: ${detail}\n(Đặt BAOCAO_DEBUG=1 để xem chi tiết.)`,
  formsInvalid: (detail: string) => `Các tệp biểu mẫu có lỗi:\n${detail}`,

  // migrate
  webDescription: 'Chạy tiến trình nhận tin (Telegram, Zalo) và phục vụ liên kết tải tệp; chạy đến khi dừng (Ctrl+C hoặc SIGTERM)',
  workerDescription: 'Chạy tiến trình gửi thông báo, nhắc nhở và bản tin hằng ngày; chạy đến khi dừng (Ctrl+C hoặc SIGTERM)',
  processNotHere: (name: string) => `«baocao ${name}» là tiến trình của bot: chạy trực tiếp bằng lệnh «baocao ${name}».`,
  migrateDescription: 'Tạo cơ sở dữ liệu (nếu chưa có) và cập nhật lên phiên bản mới nhất',
  migrated: (name: string) => `Đã áp dụng: ${name}`,
  upToDate: 'Cơ sở dữ liệu đã ở phiên bản mới nhất.',

  // orgs
  orgsDescription: 'Danh sách tổ chức cơ sở đảng',
  reportersDescription: 'Người báo cáo của từng tổ chức',
  reportersListDescription: 'Liệt kê người báo cáo của một tổ chức (tài khoản Telegram/Zalo, tên)',
  reportersRemoveDescription: 'Bỏ một người khỏi danh sách người báo cáo của tổ chức (các câu trả lời đã gửi vẫn giữ)',
  unknownOrg: (code: string) => `Không có tổ chức mang mã «${code}».`,
  noReporters: (code: string) => `Tổ chức ${code} chưa có người báo cáo nào.`,
  unreachableMark: '(không liên lạc được)',
  refusedMark: (ids: string) => `(${ids} không nhận tin: đã chặn bot hoặc không còn tài khoản)`,
  notReporter: (id: string, code: string) => `${id} không phải người báo cáo của tổ chức ${code}; không có gì thay đổi.`,
  reporterRemoved: (name: string, code: string) => `Đã bỏ ${name} khỏi danh sách người báo cáo của ${code}.`,
  orgsImportDescription: 'Nhập hoặc cập nhật tổ chức từ tệp .csv hoặc .xlsx (cột: ma, ten, loai, ma_cap_tren)',
  orgsListDescription: 'Liệt kê các tổ chức',
  fileArgument: 'đường dẫn tệp .csv hoặc .xlsx',
  badFileKind: (path: string) => `Tệp «${path}» không phải .csv hoặc .xlsx.`,
  fileNotFound: (path: string) => `Không đọc được tệp «${path}» (không có hoặc không có quyền đọc).`,
  importInvalid: (count: number) => `Tệp có ${formatNumberVi(count)} lỗi; chưa ghi gì vào cơ sở dữ liệu. Sửa các lỗi sau rồi nhập lại:`,
  importMoreErrors: (count: number) => `… và ${formatNumberVi(count)} lỗi khác (sửa các lỗi trên rồi nhập lại để xem tiếp).`,
  imported: (r: { created: number; updated: number; unchanged: number }) =>
    `Đã nhập ${r.created + r.updated + r.unchanged} tổ chức: ${r.created} mới, ${r.updated} cập nhật, ${r.unchanged} không đổi.`,
  orgsHeader: 'ma\tloai\tten\tma_cap_tren\tso_nguoi_bao_cao',
  orgsTotal: (count: number) => `Tổng: ${count} tổ chức.`,
  noOrgs: 'Chưa có tổ chức nào. Nhập danh sách bằng: baocao orgs import TỆP',

  // invites
  invitesDescription: 'Mã mời để bí thư liên kết tài khoản Telegram với tổ chức',
  invitesCreateDescription: 'Tạo mã mời mới (mỗi tổ chức một mã; mã cũ chưa dùng vẫn còn hiệu lực)',
  invitesRevokeDescription: 'Thu hồi mọi mã mời chưa dùng của một tổ chức',
  optAll: 'cho mọi tổ chức',
  optOrg: 'mã tổ chức (lặp lại hoặc ngăn bằng dấu phẩy)',
  optOneOrg: 'mã của một tổ chức',
  oneOrgOnly: 'lệnh này làm việc với một tổ chức mỗi lần: chỉ ghi một mã sau --org.',
  optTtlDays: 'số ngày hiệu lực (mặc định INVITE_TTL_DAYS)',
  optBotUsername: 'tên bot (mặc định BOT_USERNAME, hoặc hỏi Telegram bằng BOT_TOKEN)',
  allOrOrg: 'Cần đúng một trong hai: --all hoặc --org MA.',
  badInteger: (value: string) => `«${value}» không phải số nguyên dương.`,
  badBotUsername: (value: string) => `Tên bot «${value}» không hợp lệ (chỉ chữ, số và dấu gạch dưới).`,
  noBotUsername:
    'Không biết tên bot để tạo đường dẫn. Dùng --bot-username TÊN, đặt biến BOT_USERNAME, hoặc đặt BOT_TOKEN để hỏi Telegram.',
  getMeFailed: (detail: string) => `Không hỏi được tên bot từ Telegram (getMe): ${detail}. Dùng --bot-username TÊN.`,
  invitesCreated: (count: number, expires: string) => `Đã tạo ${count} mã mời, hiệu lực đến ${expires}. Mỗi mã chỉ dùng được một lần.`,
  revoked: (count: number, code: string) =>
    count === 0 ? `Tổ chức ${code} không có mã mời nào đang hiệu lực.` : `Đã thu hồi ${count} mã mời của tổ chức ${code}.`,

  // admins
  adminsDescription: 'Quyền quản trị (ngoài ADMIN_IDS trong cấu hình)',
  adminsAddDescription: 'Cấp quyền quản trị cho một tài khoản Telegram',
  adminsRemoveDescription: 'Bỏ quyền quản trị của một tài khoản Telegram',
  telegramIdArgument: 'ID số của tài khoản Telegram, hoặc zalo:ID cho tài khoản Zalo',
  badTelegramId: (value: string) => `«${value}» không phải ID Telegram (chỉ gồm chữ số) hay ID Zalo (dạng zalo:ID).`,
  adminAdded: (id: string, name: string) => `Đã cấp quyền quản trị cho ${id} (${name}).`,
  adminRemoved: (id: string, name: string) => `Đã bỏ quyền quản trị của ${id} (${name}).`,
  adminUnknown: (id: string) => `Không có tài khoản ${id} trong cơ sở dữ liệu; không có gì thay đổi.`,
  adminStillByConfig: (id: string) => `Lưu ý: ${id} có trong ADMIN_IDS nên vẫn là quản trị viên cho đến khi bỏ khỏi biến môi trường đó.`,

  // forms
  formsDescription: 'Biểu mẫu báo cáo',
  formsListDescription: 'Nạp các biểu mẫu kèm theo rồi liệt kê mọi biểu mẫu',
  questionCount: (n: number) => `${n} câu hỏi`,
  formVersionConflict: (id: string, version: number) =>
    `Tệp biểu mẫu «${id}» phiên bản ${version} khác với bản đã lưu trong cơ sở dữ liệu. ` +
    `Biểu mẫu đã lưu không bao giờ bị sửa (các đợt báo cáo đang dùng nó): hãy tăng số phiên bản ("version") trong tệp đã sửa.`,

  // campaigns
  campaignsDescription: 'Đợt báo cáo',
  campaignsCreateDescription: 'Tạo đợt báo cáo; in mã đợt (một dòng) ra stdout',
  campaignsListDescription: 'Liệt kê các đợt báo cáo',
  campaignsSetDueDescription: 'Đổi hạn chót của một đợt (lịch nhắc đổi theo)',
  campaignsCloseDescription: 'Kết thúc một đợt: ngay, hoặc vào thời điểm --at',
  dueArgument: 'hạn chót mới, giờ Việt Nam: 2026-12-20T17:00 (chỉ ngày = 23:59 ngày đó)',
  optForm: 'mã biểu mẫu (xem: baocao forms list)',
  optFormVersion: 'phiên bản biểu mẫu (mặc định: mới nhất)',
  optPeriod: 'kỳ báo cáo, ví dụ "Năm 2026"',
  optPeriodStart: 'ngày đầu kỳ, YYYY-MM-DD (khi nhãn kỳ không cho biết ngày)',
  optPeriodEnd: 'ngày cuối kỳ, YYYY-MM-DD',
  optOpens: 'thời điểm mở, giờ Việt Nam: 2026-12-01 hoặc 2026-12-01T08:00',
  optDue: 'hạn chót, giờ Việt Nam: 2026-12-15T17:00 (chỉ ngày = 23:59 ngày đó)',
  optCloses: 'thời điểm kết thúc đợt (sau hạn chót); mặc định: không tự kết thúc',
  optOrgs: 'all (mặc định) hoặc danh sách mã ngăn bằng dấu phẩy',
  optTypes: 'chỉ các loại hình: dang_bo_co_so, chi_bo_co_so, chi_bo_truc_thuoc (ngăn bằng dấu phẩy)',
  optParent: 'mã một đảng bộ cơ sở: đảng bộ đó và các chi bộ trực thuộc',
  optReminders: 'các mốc nhắc tính từ ngày hạn chót, mặc định "-7d,-3d,-1d,0d,+1d,+3d"; "không" để không nhắc',
  optAt: 'giờ gửi nhắc, mặc định 08:00',
  optCloseAt: 'thời điểm kết thúc, giờ Việt Nam (mặc định: ngay bây giờ)',
  badDateTime: (option: string, value: string) =>
    `${option} «${value}» không phải thời điểm hợp lệ; dùng YYYY-MM-DD hoặc YYYY-MM-DDTHH:mm (giờ Việt Nam).`,
  badDate: (value: string) => `«${value}» không phải ngày hợp lệ; dùng YYYY-MM-DD hoặc DD/MM/YYYY.`,
  badTimeOfDay: (value: string) => `«${value}» không phải giờ hợp lệ; dùng HH:mm, ví dụ 08:00.`,
  badTypes: (values: string[]) =>
    `Loại hình không hợp lệ: ${values.join(', ')}. Dùng: dang_bo_co_so, chi_bo_co_so, chi_bo_truc_thuoc.`,
  oneTargetOption: 'Chỉ dùng một trong các tùy chọn --orgs, --types, --parent.',
  periodNotUnderstood: (label: string) =>
    `Lưu ý: không suy ra được ngày đầu và cuối của kỳ «${label}», nên các câu hỏi về ngày trong kỳ sẽ không được kiểm tra. ` +
    `Dùng --period-start và --period-end nếu cần.`,
  campaignCreated: (c: { id: string; form: string; period: string; opens: string; due: string; targets: number }) =>
    `Đã tạo đợt báo cáo ${c.id}: biểu mẫu ${c.form}, kỳ «${c.period}», mở ${c.opens}, hạn ${c.due}, giao cho ${c.targets} tổ chức.`,
  campaignPlan: (plan: string) => `Lịch nhắc: ${plan}.`,
  dueInThePast: (id: string) =>
    `Cảnh báo: hạn chót của đợt ${id} đã qua: mọi báo cáo của đợt sẽ là nộp muộn. Nếu đây là đợt nhập bù số liệu cũ, đặt thêm --closes; nếu nhầm ngày, sửa bằng «baocao campaigns set-due ${id} …».`,
  dueChanged: (id: string, from: string, to: string) => `Đã đổi hạn chót của đợt ${id}: ${from} → ${to}. Lịch nhắc đã đổi theo.`,
  campaignClosed: (id: string, at: string) => `Đợt báo cáo ${id} kết thúc lúc ${at}.`,
  scheduleFailed: (detail: string) =>
    `Cảnh báo: đã lưu thay đổi và lịch nhắc, nhưng chưa báo được cho hàng đợi (${detail}). Bot đang chạy sẽ cập nhật lịch trong vòng một phút; nếu bot không chạy, lịch được dựng lại khi bot khởi động.`,
  noCampaigns: 'Chưa có đợt báo cáo nào.',
  stateScheduled: 'chưa mở',
  stateOpen: 'đang mở',
  stateClosed: (at: string) => `đã kết thúc ${at}`,
  closesLater: (at: string) => `kết thúc ${at}`,
  campaignLine: (c: {
    id: string;
    form: string;
    period: string;
    opens: string;
    due: string;
    submitted: number;
    targets: number;
    late: number;
    state: string;
  }) =>
    [c.id, c.form, c.period, `mở ${c.opens}`, `hạn ${c.due}`, `đã nộp ${c.submitted}/${c.targets}`, `nộp muộn ${c.late}`, c.state].join('\t'),

  // summary
  summaryDescription: 'In báo cáo tổng hợp của một đợt (như lệnh /tonghop của bot)',
  campaignArgument: 'mã đợt báo cáo (xem: baocao campaigns list)',
  exportDescription: 'Xuất bảng tổng hợp Excel của một đợt (các trang Tổng hợp, Chi tiết, Chưa nộp, Nộp muộn, Ý kiến)',
  reportDescription: 'Tạo dự thảo báo cáo Word của một đợt, theo thể thức văn bản của Đảng',
  chartDescription: 'Vẽ biểu đồ của một đợt (ảnh PNG)',
  fileOption: 'đường dẫn tệp sẽ ghi',
  fileWritten: (path: string) => `Đã ghi ${path}`,
  unknownCampaign: (id: string) => `Không có đợt báo cáo mang mã «${id}». Xem: baocao campaigns list`,
} as const;
