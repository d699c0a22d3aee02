/**
 * Every prompt of the report dialogue and of the /dotmoi wizard as a text-only
 * channel (Zalo) shows it: plain text, options as numbered lines or typed words,
 * chunks of at most 2,000 characters cut between lines.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { markupToPlain, matchesSay, renderForText } from '../../src/channels/text/render.js';
import type { Option, OutboundMessage } from '../../src/chat/port.js';
import { reportReply } from '../../src/chat/report.js';
import { keyboardOf, telegramText } from '../../src/channels/telegram/render.js';
import { step } from '../../src/dialogue/machine.js';
import { renderPrompt } from '../../src/dialogue/prompts.js';
import type { Cursor, DialogueState, Prompt } from '../../src/dialogue/types.js';
import type { AnswerValue, Form } from '../../src/forms/schema.js';
import { splitText } from '../../src/text/split.js';
import { promptFor, startNewRound, type NewRoundDraft, type NewRoundStep, type WizardPrompt } from '../../src/services/campaignWizard.js';
import { at, newState as freshState, typed } from '../support/dialogueState.js';
import { bundled, makeForm } from './helpers.js';

let qcdc: Form;
let xl: Form;
beforeAll(async () => {
  qcdc = await bundled('dan_van_qcdc');
  xl = await bundled('xep_loai_to_chuc_dang');
});

/** What the chat layer does with a dialogue prompt (src/chat/report.ts): each button becomes an option carrying its input. */
function reportMessage(prompt: Prompt, notice?: string): OutboundMessage {
  const reply = reportReply({ kind: 'prompt', submissionId: '1', step: 0, ...(notice !== undefined ? { notice } : {}), prompt, inPlace: false }, 'p1');
  return reply.messages[0]!;
}

function wizardMessage(prompt: WizardPrompt): OutboundMessage {
  return {
    text: prompt.text,
    options: prompt.buttons.map((row) => row.map((b): Option => ({ label: b.label, say: b.say, action: { kind: 'wizard', seq: 1, value: b.value } }))),
  };
}

/** The one chunk of a short message (fails if it was split). */
function single(message: OutboundMessage): string {
  const chunks = renderForText(message);
  expect(chunks).toHaveLength(1);
  return chunks[0]!;
}

function expectPlain(text: string): void {
  // Markup tags are lowercase; what people typed ("<A>", "<tổ chức>") is shown as typed.
  expect(text).not.toMatch(/<\/?(?:b|i|u|s|code|pre|a)(?:\s[^>]*)?>/);
  expect(text).not.toMatch(/&(?:amp|lt|gt|quot|#\d+);/);
}

/** A fresh state whose title is escaped markup, as the service passes it. */
const newState = (form: Form, overrides: Partial<DialogueState> = {}): DialogueState => freshState(form, { title: 'Chi bộ &lt;A&gt; &amp; B', ...overrides });

const lines = (text: string): string[] => text.split('\n');

/** The QCDC report typed in full, the skip of question 13 included. */
const QCDC_TYPED = ['có', 'có', '26', 'có', 'Mô hình <b>"Dân vận khéo"</b> & cộng đồng', 'có', '1', '4', '77', '5', '6', '1', 'bỏ qua', 'Đề nghị mở thêm lớp tập huấn'];
/** The rating report typed in full, up to the review. */
const XL_TYPED = ['12', '5', '3', '2', '2', '87,5', '2', '05/12/2026', 'bỏ qua'];

describe('markupToPlain', () => {
  it('drops tags, keeps their content, unescapes entities once', () => {
    expect(markupToPlain('<b>Câu 1/14.</b> <i>gợi ý</i> <u>u</u> <s>s</s> <code>c</code> <a href="https://x.vn/?a=1&amp;b=2">liên kết</a>')).toBe(
      'Câu 1/14. gợi ý u s c liên kết',
    );
    expect(markupToPlain('A &lt; B &amp; C &gt; D &quot;E&quot; &#39;F&#39; &#8211; &#x2014;')).toBe('A < B & C > D "E" \'F\' – —');
    expect(markupToPlain('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
    expect(markupToPlain('&lt;b&gt;không phải thẻ&lt;/b&gt;')).toBe('<b>không phải thẻ</b>');
  });
});

describe('matchesSay', () => {
  it('folds diacritics, case, quotes and closing punctuation', () => {
    expect(matchesSay('Huỷ', 'huỷ')).toBe(true);
    expect(matchesSay('hủy', 'huỷ')).toBe(true);
    expect(matchesSay('huy', 'huỷ')).toBe(true);
    expect(matchesSay(' «Gửi». ', 'gửi')).toBe(true);
    expect(matchesSay('QUAY LAI!', 'quay lại')).toBe(true);
    expect(matchesSay('quay  lại', 'quay lại')).toBe(true);
    expect(matchesSay('sửa 3', 'sửa 3')).toBe(true);
    expect(matchesSay('sửa 13', 'sửa 3')).toBe(false);
    expect(matchesSay('gửi đi', 'gửi')).toBe(false);
    expect(matchesSay('', '')).toBe(false);
  });

  it('takes a comma inside a phrase as a pause, typed or not', () => {
    expect(matchesSay('Khong de dot tiep tuc', 'không, để đợt tiếp tục')).toBe(true);
    expect(matchesSay('không ,để đợt tiếp tục.', 'không, để đợt tiếp tục')).toBe(true);
    expect(matchesSay('không; để đợt tiếp tục', 'không, để đợt tiếp tục')).toBe(true);
    expect(matchesSay('không', 'không, để đợt tiếp tục')).toBe(false);
    expect(matchesSay('1,3', '1')).toBe(false);
    expect(matchesSay('1,3', '13')).toBe(false);
  });
});

describe('report prompts in a text-only channel', () => {
  it('yes/no, first question: numbered Có/Không, no «quay lại»', () => {
    const text = single(reportMessage(renderPrompt(newState(qcdc), at('ban_chi_dao'))));
    expectPlain(text);
    expect(lines(text)[0]).toMatch(/^Câu 1\/14\. Đơn vị đã thành lập/);
    expect(text).toContain('Chọn 1 (Có) hoặc 2 (Không); gõ «có»/«không» cũng được');
    expect(text.endsWith('\n\n1. Có\n2. Không')).toBe(true);
    expect(text).not.toContain('quay lại');
    expect(text).not.toContain('Bấm');
  });

  it('integer: the hint and «quay lại», no numbered option a number could be confused with', () => {
    const { state } = typed(newState(qcdc), 'có', 'có');
    const text = single(reportMessage(renderPrompt(state, state.cursor)));
    expectPlain(text);
    expect(text).toContain('Câu 3/14.');
    expect(text).toContain('Nhập một số nguyên ≥ 0, ví dụ: 12');
    expect(text.endsWith('\n\n• Gõ «quay lại»')).toBe(true);
    expect(text).not.toMatch(/^\d+\. /m);
  });

  it('decimal, date, and an optional text question with «bỏ qua»', () => {
    const decimal = single(reportMessage(renderPrompt(typed(newState(xl), ...XL_TYPED.slice(0, 5)).state, at('diem_tu_cham'))));
    expectPlain(decimal);
    expect(decimal).toContain('Câu 6/9.');
    expect(decimal).toContain('Nhập một số');
    expect(decimal.endsWith('\n\n• Gõ «quay lại»')).toBe(true);

    const { state } = typed(newState(xl), ...XL_TYPED.slice(0, 7));
    expect(state.cursor).toEqual(at('ngay_kiem_diem'));
    const date = single(reportMessage(renderPrompt(state, state.cursor)));
    expect(date).toContain('DD/MM/YYYY');
    expect(date).toContain('01/01/2026 đến 31/12/2026');

    const optional = typed(state, '05/12/2026');
    const text = single(reportMessage(optional.last.prompt));
    expectPlain(text);
    expect(text).toContain('(không bắt buộc)');
    expect(text).toContain('Nhập nội dung, tối đa 1.000 ký tự');
    expect(text.endsWith('\n\n• Gõ «quay lại»\n• Gõ «bỏ qua»')).toBe(true);
  });

  it('text with a current answer: the typed value unescaped', () => {
    const { state } = typed(newState(qcdc), ...QCDC_TYPED);
    const text = single(reportMessage(renderPrompt(state, { at: 'question', key: 'ten_mo_hinh', review: true })));
    expect(text).toContain('Câu trả lời hiện tại: Mô hình <b>"Dân vận khéo"</b> & cộng đồng');
    expect(text).not.toContain('&amp;');
  });

  it('choice with a proposal: the proposed number in the text, ★ after the number, labels not numbered twice', () => {
    const { state } = typed(newState(xl), '12', '5', '3', '2', '2', '89,9');
    const text = single(reportMessage(renderPrompt(state, state.cursor)));
    expectPlain(text);
    expect(text).toContain('Đề xuất theo câu 6 (89,9): Hoàn thành tốt nhiệm vụ. Chọn 2 để xác nhận, hoặc chọn mức khác.');
    expect(text).toContain(
      '\n\n1. Hoàn thành xuất sắc nhiệm vụ\n2. ★ Hoàn thành tốt nhiệm vụ\n3. Hoàn thành nhiệm vụ\n4. Không hoàn thành nhiệm vụ\n• Gõ «quay lại»',
    );
    expect(text).not.toMatch(/^(\d+)\. \1\. /m);
  });

  it('multi-choice: numbered choices without ☐/☑, no «xong» line, the hint says to type the numbers in one message', () => {
    const form = makeForm({
      questions: [
        { key: 'a', type: 'yes_no', text: 'Trước?' },
        {
          key: 'm',
          type: 'multi_choice',
          text: 'Hình thức <tổ chức>?',
          choices: [
            { value: 'x', label: 'Hội nghị' },
            { value: 'y', label: 'Tọa đàm & đối thoại' },
            { value: 'z', label: 'Tập huấn' },
          ],
        },
      ],
    });
    const state = { ...newState(form), answers: new Map<string, AnswerValue>([['a', true]]) };
    // A selection toggled on Telegram, then the same report opened on Zalo: still no marks.
    const text = single(reportMessage(renderPrompt(state, { at: 'question', key: 'm', review: false, selected: ['y'] })));
    expectPlain(text);
    expect(text).toContain('Câu 2/2. Hình thức <tổ chức>?');
    expect(text).toContain('Gõ các số của những mục đúng trong một tin nhắn, cách nhau bằng dấu phẩy, ví dụ: 1, 3.');
    expect(text.endsWith('\n\n1. Hội nghị\n2. Tọa đàm & đối thoại\n3. Tập huấn\n• Gõ «quay lại»')).toBe(true);
    expect(text).not.toMatch(/[☐☑]/u);
    expect(text.toLowerCase()).not.toContain('xong');

    // Answered, and asked again from the review: the current answer in words, still no marks.
    const answered = { ...state, answers: new Map<string, AnswerValue>([['a', true], ['m', ['x', 'z']]]) };
    const again = single(reportMessage(renderPrompt(answered, { at: 'question', key: 'm', review: true })));
    expect(again).toContain('Câu trả lời hiện tại: Hội nghị; Tập huấn');
    expect(again).not.toMatch(/[☐☑]/u);
    expect(again.toLowerCase()).not.toContain('xong');
  });

  it('multi-choice on Telegram: the same prompt keeps its ☐/☑ toggles, «Xong ✔» and the note on using them', () => {
    const form = makeForm({
      questions: [{ key: 'm', type: 'multi_choice', text: 'M?', choices: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }] }],
    });
    const message = reportMessage(renderPrompt(newState(form), { at: 'question', key: 'm', review: false, selected: ['y'] }));
    const labels = keyboardOf(message)!.inline_keyboard.flat().map((b) => b.text);
    expect(labels).toEqual(['☐ 1. X', '☑ 2. Y', 'Xong ✔']);
    expect(telegramText(message)).toContain('ví dụ: 1, 2.');
    expect(telegramText(message).endsWith('<i>Hoặc chọn lần lượt các mục ở dưới, rồi chọn «Xong».</i>')).toBe(true);
    // The note is the buttons': a text channel, which has none, never says it.
    expect(single(message)).not.toContain('Hoặc chọn lần lượt');
  });

  it('confirm step of an ambiguous number: the notice, what the numbers mean, the readings numbered', () => {
    const form = makeForm({ questions: [{ key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', decimals: 3 }] });
    const { last } = typed(newState(form), '1.234');
    const text = single(reportMessage(last.prompt, last.notice));
    expectPlain(text);
    expect(text).toContain('Số «1.234» có thể hiểu theo hai cách.');
    expect(text).toContain('Gõ 1 hoặc 2 để chọn cách hiểu đúng, hoặc nhập lại số.');
    expect(text.endsWith('\n\n1. = 1234\n2. = 1,234 (1 phẩy 234)')).toBe(true);
  });

  it('review of a draft: answers, «gửi» and «sửa N» explained, no «Sửa câu N» lines', () => {
    const { state, last } = typed(newState(qcdc), ...QCDC_TYPED);
    expect(state.cursor).toEqual({ at: 'review' });
    const text = single(reportMessage(last.prompt));
    expectPlain(text.replace('Mô hình <b>"Dân vận khéo"</b>', ''));
    expect(lines(text).slice(0, 2)).toEqual(['Xem lại báo cáo', 'Chi bộ <A> & B']);
    expect(text).toMatch(/^5\. .+: Mô hình <b>"Dân vận khéo"<\/b> & cộng đồng$/m);
    expect(text).toContain(': Mô hình <b>"Dân vận khéo"</b> & cộng đồng');
    expect(text).toContain('13. ');
    expect(text).toContain('(không có)');
    expect(text).toContain('gõ «gửi» để nộp, hoặc «sửa 3» để sửa câu 3');
    expect(text.endsWith('\n\n• Gửi báo cáo: gõ «gửi»')).toBe(true);
    expect(text).not.toContain('Sửa câu');
  });

  it('review of a sent report: «gửi» resubmits, «sửa N» still explained', () => {
    const { state } = typed(newState(qcdc), ...QCDC_TYPED);
    const text = single(reportMessage(renderPrompt({ ...state, status: 'submitted' }, { at: 'review' })));
    expect(text).toContain('Báo cáo đã được gửi.');
    expect(text).toContain('«sửa 3»');
    expect(text.endsWith('\n\n• Gửi lại báo cáo: gõ «gửi»')).toBe(true);
  });

  it('locked: the review without options, and the notice', () => {
    const { state } = typed(newState(qcdc), ...QCDC_TYPED);
    const locked: DialogueState = { ...state, status: 'submitted', locked: 'past_deadline' };
    const t = step(locked, { kind: 'text', text: 'sửa 3' });
    const text = single(reportMessage(t.prompt, t.notice));
    expectPlain(text.replace('Mô hình <b>"Dân vận khéo"</b>', ''));
    expect(text).toContain('đã quá hạn chót nên không sửa được nữa');
    expect(text).not.toContain('• ');
    expect(text).not.toContain('gõ «gửi»');
  });

  it('a sent report: the done hint, no options', () => {
    const { state } = typed(newState(qcdc), ...QCDC_TYPED);
    const t = typed(state, 'gửi').last;
    expect(t.cursor).toEqual({ at: 'done' });
    const text = single(reportMessage(t.prompt, t.notice));
    expect(text).toBe('✅ Đã gửi báo cáo lúc 10/12/2026 09:00. Cảm ơn đồng chí!\n\nBáo cáo đã được gửi. Gõ /baocao để xem lại hoặc sửa (trước hạn chót), /trangthai để xem tình hình.');
  });
});

describe('wizard prompts in a text-only channel', () => {
  const env = {
    listForms: async () => [
      { id: 'dan_van_qcdc', version: 1, title: 'Dân vận & QCDC' },
      { id: 'xep_loai_to_chuc_dang', version: 2, title: 'Xếp loại' },
    ],
  };
  const draft: NewRoundDraft = {
    form: { id: 'dan_van_qcdc', version: 1, title: 'Dân vận & QCDC' },
    periodLabel: 'Quý <IV>',
    periodStart: null,
    periodEnd: null,
    opensNow: true,
    dueAt: new Date('2026-12-15T10:00:00Z').toISOString(),
    targets: { kind: 'all' },
    targetsText: 'tất cả tổ chức (4)',
    pickedTypes: ['chi_bo_co_so'],
  };
  const render = async (step: NewRoundStep): Promise<string> => {
    const { state } = await startNewRound(env);
    return single(wizardMessage(promptFor({ ...state, step, draft: { ...state.draft, ...draft } })));
  };
  const expected: Record<NewRoundStep, { contains: string; options: string }> = {
    form: { contains: 'Chọn biểu mẫu báo cáo (gõ số thứ tự):', options: '1. Dân vận & QCDC\n2. Xếp loại (phiên bản 2)\n• Gõ «huỷ»' },
    period: { contains: 'Biểu mẫu: Dân vận & QCDC.\nGõ kỳ báo cáo, ví dụ: Năm 2026', options: '• Gõ «quay lại»\n• Gõ «huỷ»' },
    periodDates: { contains: 'kỳ «Quý <IV>»', options: '• Không cần ngày: gõ «không»\n• Gõ «quay lại»\n• Gõ «huỷ»' },
    opens: { contains: 'hoặc chọn «Mở ngay»', options: '• Mở ngay: gõ «ngay»\n• Gõ «quay lại»\n• Gõ «huỷ»' },
    due: { contains: 'Hạn chót nộp báo cáo?', options: '• Gõ «quay lại»\n• Gõ «huỷ»' },
    targets: {
      contains: 'Giao cho những tổ chức nào?',
      options: '1. Tất cả\n2. Theo loại hình\n3. Theo đảng bộ cấp trên\n4. Danh sách mã\n• Gõ «quay lại»\n• Gõ «huỷ»',
    },
    targetTypes: {
      contains: 'gõ số thứ tự của loại hình',
      options: '1. ☐ Đảng bộ cơ sở\n2. ☑ Chi bộ cơ sở\n3. ☐ Chi bộ trực thuộc\n• Gõ «xong»\n• Gõ «quay lại»\n• Gõ «huỷ»',
    },
    targetParent: { contains: 'Gõ mã của đảng bộ cơ sở', options: '• Gõ «quay lại»\n• Gõ «huỷ»' },
    targetCodes: { contains: 'CB01, CB02, DB03', options: '• Gõ «quay lại»\n• Gõ «huỷ»' },
    plan: { contains: 'Chọn «Dùng mặc định», hoặc gõ các mốc nhắc', options: '• Dùng mặc định: gõ «mặc định»\n• Gõ «quay lại»\n• Gõ «huỷ»' },
    confirm: { contains: '• Kỳ: Quý <IV> (không kèm ngày)', options: '• Tạo đợt: gõ «tạo»\n• Gõ «quay lại»\n• Gõ «huỷ»' },
  };

  for (const [step, { contains, options }] of Object.entries(expected) as [NewRoundStep, { contains: string; options: string }][]) {
    it(`step ${step}`, async () => {
      const text = await render(step);
      expectPlain(text.replace('<IV>', ''));
      expect(text).toMatch(/^Tạo đợt báo cáo mới \(bước \d\/7\)/);
      expect(text).toContain(contains);
      expect(text.endsWith(`\n\n${options}`)).toBe(true);
      expect(text).not.toMatch(/\bbấm\b/i);
    });
  }
});

describe('options and splitting', () => {
  const action = { kind: 'wizard', seq: 1, value: 'b' } as const;

  it('a 0 alias joins the line of its action; unlisted options and blank says are left out', () => {
    const text = single({
      text: 'Hỏi?',
      options: [
        [
          { label: '1. Một', say: '1', action: { kind: 'wizard', seq: 1, value: 'f0' } },
          { label: 'Hai', say: '2', action: { kind: 'wizard', seq: 1, value: 'f1' } },
        ],
        [{ label: '« Quay lại', say: 'quay lại', action }, { label: 'Quay lại', say: '0', action }],
        [{ label: 'Sửa câu 3', say: 'sửa 3', unlisted: true, action: { kind: 'wizard', seq: 1, value: 'e3' } }],
        [{ label: '✅ Gửi báo cáo', say: 'gửi', action: { kind: 'wizard', seq: 1, value: 'go' } }],
      ],
    });
    expect(text).toBe('Hỏi?\n\n1. Một\n2. Hai\n• Gõ «quay lại» hoặc «0»\n• Gửi báo cáo: gõ «gửi»');
  });

  it('splitText cuts between lines', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Dòng số ${i + 1}: ${'x'.repeat(20)}`).join('\n');
    for (const chunk of splitText(text, 2000)) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      for (const line of lines(chunk)) expect(line).toMatch(/^Dòng số \d+: x{20}$/);
    }
  });

  it('a 5,000-character review splits into chunks of at most 2,000, whole lines, the footer with «gửi» last', () => {
    const form = makeForm({
      questions: Array.from({ length: 20 }, (_, i) => ({ key: `q${i}`, type: 'text' as const, text: `Nội dung thứ ${i + 1} của báo cáo & đánh giá?` })),
    });
    const answers = new Map<string, AnswerValue>(form.questions.map((q, i) => [q.key, `${'Câu trả lời <dài> & chi tiết. '.repeat(8)}${i}`]));
    const state = { ...newState(form), answers, cursor: { at: 'review' } as Cursor };
    const message = reportMessage(renderPrompt(state, state.cursor));
    const plain = markupToPlain(message.text);
    expect(plain.length).toBeGreaterThan(5000);
    const chunks = renderForText(message);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const all = new Set([...lines(plain), '• Gửi báo cáo: gõ «gửi»']);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      for (const line of lines(chunk)) expect(all.has(line)).toBe(true);
    }
    expect(chunks.join('\n').replace(/\n+/g, '\n')).toBe(`${plain}\n• Gửi báo cáo: gõ «gửi»`.replace(/\n+/g, '\n'));
    const last = chunks[chunks.length - 1]!;
    expect(last).toContain('gõ «gửi» để nộp');
    expect(last.endsWith('• Gửi báo cáo: gõ «gửi»')).toBe(true);
  });

  it('the question stays with its numbered options when a long notice comes before it', () => {
    const { state } = typed(newState(qcdc), ...QCDC_TYPED.slice(0, 11));
    // Alone it fits in one message; with the question after it, it does not.
    const notice = Array.from({ length: 26 }, (_, i) => `Thông báo dòng ${i + 1} ${'—'.repeat(50)}`).join('\n');
    const chunks = renderForText(reportMessage(renderPrompt(state, state.cursor), notice));
    expect(chunks.length).toBe(2);
    const last = chunks[1]!;
    expect(last.startsWith('Câu 12/14.')).toBe(true);
    expect(last).toContain('\n\n1. Tốt\n2. Khá\n3. Trung bình\n4. Yếu\n• Gõ «quay lại»');
    expect(chunks[0]!.startsWith('Thông báo dòng 1 ')).toBe(true);
  });

  it('a single line longer than the limit is cut, preferably at a space', () => {
    const long = `${'chữ '.repeat(700)}hết`;
    const chunks = renderForText({ text: long, options: [] });
    expect(chunks.length).toBe(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(2000);
    expect(chunks[0]!.endsWith('chữ')).toBe(true);
  });
});
