import { beforeAll, describe, expect, it } from 'vitest';
import { reopenCursor, startCursor, step } from '../../src/dialogue/machine.js';
import { candidateLabel, renderPrompt } from '../../src/dialogue/prompts.js';
import type { Cursor, DialogueState, Input, Prompt } from '../../src/dialogue/types.js';
import type { PlausibilityContext } from '../../src/forms/plausibility.js';
import type { AnswerValue, Form } from '../../src/forms/schema.js';
import { apply, at, labels, newState, pick, run, text } from '../support/dialogueState.js';
import { bundled, makeForm } from './helpers.js';

let qcdc: Form;
let xl: Form;
beforeAll(async () => {
  qcdc = await bundled('dan_van_qcdc');
  xl = await bundled('xep_loai_to_chuc_dang');
});

/** A full, valid QCDC report typed in order (ban_chi_dao and dang_ky_mo_hinh yes: all 14 questions asked). */
const qcdcInputs: Input[] = [
  text('có'),
  text('có'),
  text('26'),
  text('có'),
  text('Mô hình <b>"Dân vận khéo"</b> & cộng đồng'),
  text('có'),
  text('1'),
  text('4'),
  text('77'),
  text('5'),
  text('6'),
  text('Tốt'),
  { kind: 'skip' },
  text('Đề nghị mở thêm lớp tập huấn'),
];

describe('walking the QCDC form', () => {
  it('starts at the first question and ends on the review with every answer stored', () => {
    const start = newState(qcdc);
    expect(start.cursor).toEqual(at('ban_chi_dao'));
    const { state, last } = run(start, ...qcdcInputs);
    expect(last.cursor).toEqual({ at: 'review' });
    expect(Object.fromEntries(state.answers)).toEqual({
      ban_chi_dao: true,
      bcd_quy_che: true,
      so_mo_hinh_dvk: 26,
      dang_ky_mo_hinh: true,
      ten_mo_hinh: 'Mô hình <b>"Dân vận khéo"</b> & cộng đồng',
      hoi_nghi_nld: true,
      thoa_uoc: 'da_ky',
      so_doi_thoai: 4,
      so_tap_huan: 77,
      khen_tap_the: 5,
      khen_ca_nhan: 6,
      tu_danh_gia: 'tot',
      han_che: null,
      kien_nghi: 'Đề nghị mở thêm lớp tập huấn',
    });
  });

  it('skips the conditional questions when their condition is "Không"', () => {
    let { state } = run(newState(qcdc), text('không'));
    expect(state.cursor).toEqual(at('so_mo_hinh_dvk'));
    ({ state } = run(state, text('3'), text('không')));
    expect(state.cursor).toEqual(at('hoi_nghi_nld'));
    expect(state.answers.has('bcd_quy_che')).toBe(false);
    expect(state.answers.has('ten_mo_hinh')).toBe(false);
  });

  it('buttons answer yes/no and choices', () => {
    let { state, last } = run(newState(qcdc), pick(1));
    expect(last.effects).toEqual([{ kind: 'set', key: 'ban_chi_dao', value: false }]);
    ({ state } = run(state, text('1'), pick(0), text('x'), pick(0), pick(2)));
    expect(state.answers.get('thoa_uoc')).toBe('khong_ap_dung');
    expect(state.cursor).toEqual(at('so_doi_thoai'));
  });

  it('a wrong answer stays on the same question with a notice and changes nothing', () => {
    const { state } = run(newState(qcdc), text('có'), text('có'));
    const t = step(state, text('mười hai'));
    expect(t.cursor).toEqual(at('so_mo_hinh_dvk'));
    expect(t.effects).toEqual([]);
    expect(t.changed).toBe(false);
    expect(t.notice).toContain('Không đọc được số');
    expect(t.prompt.text).toContain('Câu 3/14');
  });

  it('a pick on a number question is refused', () => {
    const { state } = run(newState(qcdc), text('có'), text('có'));
    const t = step(state, pick(0));
    expect(t.cursor).toEqual(at('so_mo_hinh_dvk'));
    expect(t.effects).toEqual([]);
    expect(t.notice).toBeTruthy();
  });

  it('skip sets null on an optional question and is refused on a required one', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 12));
    expect(state.cursor).toEqual(at('han_che'));
    const skipped = step(state, { kind: 'skip' });
    expect(skipped.effects).toEqual([{ kind: 'set', key: 'han_che', value: null }]);
    expect(skipped.cursor).toEqual(at('kien_nghi'));

    const required = step(newState(qcdc), { kind: 'skip' });
    expect(required.cursor).toEqual(at('ban_chi_dao'));
    expect(required.effects).toEqual([]);
    expect(required.notice).toContain('bắt buộc');
  });

  it('back goes to the previous relevant question, not to a skipped conditional one', () => {
    const { state } = run(newState(qcdc), text('không'), text('3'));
    expect(state.cursor).toEqual(at('dang_ky_mo_hinh'));
    const back1 = run(state, { kind: 'back' });
    expect(back1.state.cursor).toEqual(at('so_mo_hinh_dvk'));
    expect(back1.last.effects).toEqual([]);
    const back2 = run(back1.state, { kind: 'back' });
    expect(back2.state.cursor).toEqual(at('ban_chi_dao'));
    const onFirst = step(back2.state, { kind: 'back' });
    expect(onFirst.cursor).toEqual(at('ban_chi_dao'));
    expect(onFirst.notice).toContain('câu đầu tiên');
  });

  it('after going back, answering returns to the first unanswered question', () => {
    const { state } = run(newState(qcdc), text('không'), text('3'), { kind: 'back' }, text('4'));
    expect(state.cursor).toEqual(at('dang_ky_mo_hinh'));
    expect(state.answers.get('so_mo_hinh_dvk')).toBe(4);
  });

  it('changing ban_chi_dao to "Không" unsets bcd_quy_che', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    const edit = run(state, { kind: 'edit', questionNo: 1 });
    expect(edit.state.cursor).toEqual(at('ban_chi_dao', true));
    const t = step(edit.state, text('không'));
    expect(t.effects).toEqual([
      { kind: 'set', key: 'ban_chi_dao', value: false },
      { kind: 'unset', key: 'bcd_quy_che' },
    ]);
    expect(t.cursor).toEqual({ at: 'review' });
    const after = apply(edit.state, t);
    expect(after.answers.has('bcd_quy_che')).toBe(false);
    // Back to "Có": the conditional question is asked again, then the review.
    const again = run(after, { kind: 'edit', questionNo: 1 }, text('có'));
    expect(again.state.cursor).toEqual(at('bcd_quy_che', true));
    const done = run(again.state, text('không'));
    expect(done.state.cursor).toEqual({ at: 'review' });
  });

  it('review → edit N → answer → review', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    const edit = run(state, { kind: 'edit', questionNo: 9 });
    expect(edit.state.cursor).toEqual(at('so_tap_huan', true));
    expect(edit.last.prompt.text).toContain('Câu 9/14');
    expect(edit.last.prompt.text).toContain('Câu trả lời hiện tại: <b>77</b>');
    const answered = run(edit.state, text('1.234'));
    expect(answered.state.cursor).toEqual({ at: 'review' });
    expect(answered.state.answers.get('so_tap_huan')).toBe(1234);
    expect(answered.last.prompt.text).toContain('<b>1.234</b>');
  });

  it('typed review commands: "sửa 3" edits, "gửi" submits, nonsense is explained', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    expect(step(state, text('sửa 3')).cursor).toEqual(at('so_mo_hinh_dvk', true));
    expect(step(state, text('Gửi báo cáo')).effects).toEqual([{ kind: 'submit' }]);
    const nonsense = step(state, text('hello'));
    expect(nonsense.cursor).toEqual({ at: 'review' });
    expect(nonsense.notice).toContain('sửa 3');
  });

  it('edit refuses a question that does not exist or does not apply', () => {
    const { state } = run(newState(qcdc), text('không'), text('3'), text('không'), ...qcdcInputs.slice(5));
    expect(state.cursor).toEqual({ at: 'review' });
    expect(step(state, { kind: 'edit', questionNo: 15 }).notice).toContain('từ 1 đến 14');
    expect(step(state, { kind: 'edit', questionNo: 0 }).cursor).toEqual({ at: 'review' });
    const notApplicable = step(state, { kind: 'edit', questionNo: 2 });
    expect(notApplicable.cursor).toEqual({ at: 'review' });
    expect(notApplicable.notice).toContain('Câu 2 không áp dụng');
  });

  it('submit with a missing answer goes to it', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    const answers = new Map(state.answers);
    answers.delete('so_doi_thoai');
    const t = step({ ...state, answers }, { kind: 'submit' });
    expect(t.cursor).toEqual(at('so_doi_thoai'));
    expect(t.effects).toEqual([]);
    expect(t.notice).toContain('câu 8');
  });

  it('submit on time: effect submit, cursor done, confirmation with the time', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    const t = step(state, { kind: 'submit' });
    expect(t.cursor).toEqual({ at: 'done' });
    expect(t.effects).toEqual([{ kind: 'submit' }]);
    expect(t.notice).toContain('10/12/2026 09:00');
  });

  it('submit when past the deadline asks for a reason, then records it', () => {
    const { state } = run(newState(qcdc, { pastDeadline: true }), ...qcdcInputs);
    const submitted = run(state, { kind: 'submit' });
    expect(submitted.last.cursor).toEqual({ at: 'late_reason' });
    expect(submitted.last.effects).toEqual([{ kind: 'submit' }]);
    expect(submitted.last.notice).toContain('sau hạn chót');
    // Nothing to read, or «gửi» typed again: not a reason.
    for (const typed of ['   ', 'gửi', 'Gửi.', 'sửa 3']) {
      const empty = step(submitted.state, text(typed));
      expect(empty.cursor).toEqual({ at: 'late_reason' });
      expect(empty.effects).toEqual([]);
    }
    const reason = step(submitted.state, text('  Đồng chí bí thư đi công tác  '));
    expect(reason.cursor).toEqual({ at: 'done' });
    expect(reason.effects).toEqual([{ kind: 'late_reason', text: 'Đồng chí bí thư đi công tác' }]);
  });

  it('a report already submitted is resubmitted without asking for a late reason', () => {
    const { state } = run(newState(qcdc, { pastDeadline: true }), ...qcdcInputs);
    expect(step({ ...state, status: 'submitted' }, { kind: 'submit' }).cursor).toEqual({ at: 'done' });
  });

  it('a locked report refuses every change', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    for (const locked of ['closed', 'past_deadline'] as const) {
      const lockedState: DialogueState = { ...state, status: 'submitted', locked };
      for (const input of [{ kind: 'submit' }, { kind: 'edit', questionNo: 1 }, text('sửa 1'), { kind: 'back' }] satisfies Input[]) {
        const t = step(lockedState, input);
        expect(t.cursor).toEqual({ at: 'review' });
        expect(t.effects).toEqual([]);
        expect(t.changed).toBe(false);
        expect(t.notice).toBeTruthy();
      }
      const prompt = renderPrompt(lockedState, { at: 'review' });
      expect(prompt.buttons).toEqual([]);
    }
    const onQuestion = step({ ...newState(qcdc), locked: 'closed' }, text('có'));
    expect(onQuestion.effects).toEqual([]);
    expect(onQuestion.notice).toContain('đã kết thúc');
  });

  it('done ignores answers but understands "sửa N"; reopening a done report shows the review', () => {
    const state = { ...newState(qcdc), cursor: { at: 'done' } as Cursor };
    expect(step(state, text('có')).effects).toEqual([]);
    expect(step(state, text('có')).changed).toBe(false);
    const full = run(newState(qcdc), ...qcdcInputs).state;
    const edit = step({ ...full, status: 'submitted', cursor: { at: 'done' } }, text('sửa 3'));
    expect(edit.cursor).toEqual(at('so_mo_hinh_dvk', true));
    expect(step({ ...full, cursor: { at: 'done' } }, { kind: 'edit', questionNo: 8 }).cursor).toEqual(at('so_doi_thoai', true));
    expect(reopenCursor(state)).toEqual({ at: 'review' });
    const onQuestion = newState(qcdc);
    expect(reopenCursor(onQuestion)).toBe(onQuestion.cursor);
  });

  it('startCursor resumes at the first unanswered relevant question', () => {
    expect(startCursor(qcdc, new Map<string, AnswerValue>([['ban_chi_dao', false]]))).toEqual(at('so_mo_hinh_dvk'));
  });
});

describe('the rating form: constraints, rules, ambiguity', () => {
  const counts = [text('12'), text('5'), text('3'), text('2')];

  it('a per-question constraint keeps the question with a message naming both numbers', () => {
    const { state } = run(newState(xl), text('12'));
    const t = step(state, text('13'));
    expect(t.cursor).toEqual(at('dv_htxs'));
    expect(t.effects).toEqual([]);
    expect(t.changed).toBe(false);
    expect(t.notice).toContain('(13)');
    expect(t.notice).toContain('(12)');
  });

  it('the sum rule is checked on dv_khong_ht and names all the numbers', () => {
    const { state } = run(newState(xl), ...counts);
    const t = step(state, text('1'));
    expect(t.cursor).toEqual(at('dv_khong_ht'));
    expect(t.effects).toEqual([]);
    // Nothing is stored, so the step counter must not move either.
    expect(t.changed).toBe(false);
    expect(t.notice).toBe(
      'Tổng số đảng viên được xếp loại (11) phải bằng tổng số đảng viên (12): 5 + 3 + 2 + 1 = 11.\n' +
        'Nếu một câu trước nhập nhầm, gõ «sửa 3» để sửa câu 3 (thay 3 bằng số thứ tự của câu đó), rồi trả lời lại câu này.',
    );
    // That way out works from here: «sửa 1» goes to question 1, and the answer then comes back to this question.
    expect(step(state, text('sửa 1')).cursor).toEqual(at('tong_dang_vien', true));
    expect(step(state, text('2')).cursor).toEqual(at('diem_tu_cham'));
  });

  it('submit with a failing rule stays on the review with the rule message', () => {
    const { state } = run(newState(xl), ...counts, text('2'), text('87,5'), pick(1), text('05/12/2026'), { kind: 'skip' });
    expect(state.cursor).toEqual({ at: 'review' });
    // The total is changed from the review: the rule, attached to dv_khong_ht, now fails.
    const edited = run(state, { kind: 'edit', questionNo: 1 }, text('13'));
    expect(edited.state.cursor).toEqual({ at: 'review' });
    expect(edited.last.prompt.text).toContain('⚠️');
    const t = step(edited.state, { kind: 'submit' });
    expect(t.cursor).toEqual({ at: 'review' });
    expect(t.effects).toEqual([]);
    expect(t.notice).toContain('Chưa gửi được');
    expect(t.notice).toContain('(12)');
    expect(t.notice).toContain('(13)');
  });

  it('an edit that breaks a sent report takes it back to "not sent"; a consistent edit keeps it sent', () => {
    const filled = run(newState(xl), ...counts, text('2'), text('87,5'), pick(1), text('05/12/2026'), { kind: 'skip' }).state;
    const sent = run(filled, { kind: 'submit' }).state;
    expect(sent.status).toBe('submitted');

    const broken = run(sent, { kind: 'edit', questionNo: 1 }, text('50'));
    expect(broken.last.effects).toContainEqual({ kind: 'unsubmit' });
    expect(broken.state.status).toBe('draft');
    expect(broken.last.notice).toContain('chưa gửi');
    expect(labels(broken.last.prompt)).toContain('✅ Gửi báo cáo');

    const fine = run(sent, { kind: 'edit', questionNo: 7 }, pick(0));
    expect(fine.last.effects).toEqual([{ kind: 'set', key: 'tu_xep_loai', value: 'htxs' }]);
    expect(fine.state.status).toBe('submitted');
  });

  it('an edit that makes a new question apply to a sent report asks it and takes the report back to "not sent"', () => {
    const inputs = [...qcdcInputs];
    inputs.splice(3, 2, text('không'));
    const sent = run(newState(qcdc), ...inputs, { kind: 'submit' }).state;
    expect(sent.status).toBe('submitted');
    const edited = run(sent, { kind: 'edit', questionNo: 4 }, text('có'));
    expect(edited.state.cursor).toEqual(at('ten_mo_hinh', true));
    expect(edited.last.effects).toContainEqual({ kind: 'unsubmit' });
  });

  it('proposes the rating from the score and marks it on the buttons', () => {
    const { state, last } = run(newState(xl), ...counts, text('2'), text('89,9'));
    expect(state.cursor).toEqual(at('tu_xep_loai'));
    expect(last.prompt.text).toContain('Hoàn thành tốt nhiệm vụ');
    expect(last.prompt.text).toContain('89,9');
    expect(labels(last.prompt)).toContain('★ 2. Hoàn thành tốt nhiệm vụ');
    expect(labels(last.prompt)).toContain('1. Hoàn thành xuất sắc nhiệm vụ');
  });

  it('an ambiguous number asks, and a pick stores the chosen reading', () => {
    const form = makeForm({ questions: [{ key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', decimals: 3 }] });
    const asked = run(newState(form), text('1.234'));
    expect(asked.state.cursor).toEqual({ at: 'confirm', key: 'ty_le', candidates: [1234, 1.234], review: false });
    expect(asked.last.effects).toEqual([]);
    expect(labels(asked.last.prompt)).toEqual(['= 1234', '= 1,234 (1 phẩy 234)']);
    const picked = step(asked.state, pick(1));
    expect(picked.effects).toEqual([{ kind: 'set', key: 'ty_le', value: 1.234 }]);
    expect(picked.cursor).toEqual({ at: 'review' });
    expect(step(asked.state, pick(5)).effects).toEqual([]);
    expect(step(asked.state, text('12,5')).effects).toEqual([{ kind: 'set', key: 'ty_le', value: 12.5 }]);
    expect(step(asked.state, { kind: 'back' }).cursor).toEqual(at('ty_le'));
  });

  it('candidate labels cannot be misread', () => {
    expect(candidateLabel(1234)).toBe('= 1234');
    expect(candidateLabel(1.234)).toBe('= 1,234 (1 phẩy 234)');
    expect(candidateLabel(12345.5)).toBe('= 12.345,5 (12345 phẩy 5)');
  });
});

describe('multi-choice buttons', () => {
  const form = (): Form =>
    makeForm({
      questions: [
        {
          key: 'm',
          type: 'multi_choice',
          text: 'Hình thức?',
          choices: [
            { value: 'a', label: 'A' },
            { value: 'b', label: 'B' },
            { value: 'c', label: 'C' },
          ],
        },
        {
          key: 'n',
          type: 'multi_choice',
          text: 'Khác?',
          minSelected: 0,
          choices: [
            { value: 'x', label: 'X' },
            { value: 'y', label: 'Y' },
          ],
        },
      ],
    });

  it('toggles in place, then Xong stores the selection in form order', () => {
    const toggled = run(newState(form()), { kind: 'toggle', index: 2 }, { kind: 'toggle', index: 0 });
    expect(toggled.last.inPlace).toBe(true);
    expect(toggled.last.effects).toEqual([]);
    expect(labels(toggled.last.prompt).slice(0, 3)).toEqual(['☑ 1. A', '☐ 2. B', '☑ 3. C']);
    const finished = step(toggled.state, { kind: 'finish_multi' });
    expect(finished.effects).toEqual([{ kind: 'set', key: 'm', value: ['a', 'c'] }]);
  });

  it('Xong with nothing selected: refused where one is required, [] where none is allowed', () => {
    const first = step(newState(form()), { kind: 'finish_multi' });
    expect(first.effects).toEqual([]);
    expect(first.notice).toBeTruthy();
    const { state } = run(newState(form()), text('1'));
    expect(state.cursor).toEqual(at('n'));
    expect(step(state, { kind: 'finish_multi' }).effects).toEqual([{ kind: 'set', key: 'n', value: [] }]);
  });

  it('editing starts from the stored selection', () => {
    const { state } = run(newState(form()), text('1,2'), text('không'), { kind: 'edit', questionNo: 1 });
    expect(state.cursor).toEqual(at('m', true));
    expect(labels(renderPrompt(state, state.cursor)).slice(0, 3)).toEqual(['☑ 1. A', '☑ 2. B', '☐ 3. C']);
    const { last } = run(state, { kind: 'toggle', index: 0 }, { kind: 'finish_multi' });
    expect(last.effects).toEqual([{ kind: 'set', key: 'm', value: ['b'] }]);
    expect(last.cursor).toEqual({ at: 'review' });
  });
});

describe('multi-choice typed (every channel)', () => {
  /** A multi-choice question between two others, as an office's own form would have it. */
  const form = (limits: { minSelected?: number; maxSelected?: number } = {}): Form =>
    makeForm({
      questions: [
        { key: 'co_to_chuc', type: 'yes_no', text: 'Có tổ chức hoạt động?' },
        {
          key: 'hinh_thuc',
          type: 'multi_choice',
          text: 'Những hình thức đã tổ chức?',
          choices: [
            { value: 'hoi_nghi', label: 'Hội nghị' },
            { value: 'toa_dam', label: 'Tọa đàm & đối thoại' },
            { value: 'tap_huan', label: 'Tập huấn' },
            { value: 'khac', label: 'Khác' },
          ],
          ...limits,
        },
        { key: 'so_buoi', type: 'integer', text: 'Số buổi?' },
      ],
    });
  const atMulti = (f = form()): DialogueState => run(newState(f), text('có')).state;

  it.each(['1,3', '1, 3', '1 3', '1 và 3', '1;3', '3, 1', 'hội nghị, tập huấn', 'Dạ 1 và 3 ạ'])(
    '%j stores both options in one step and moves on to the next question',
    (typedText) => {
      const t = step(atMulti(), text(typedText));
      expect(t.effects).toEqual([{ kind: 'set', key: 'hinh_thuc', value: ['hoi_nghi', 'tap_huan'] }]);
      expect(t.cursor).toEqual(at('so_buoi'));
      expect(t.notice).toBeUndefined();
    },
  );

  it('the message after «1, 3» answers the next question, as the hint says', () => {
    const { state } = run(atMulti(), text('1, 3'), text('3'));
    expect(state.answers.get('hinh_thuc')).toEqual(['hoi_nghi', 'tap_huan']);
    expect(state.answers.get('so_buoi')).toBe(3);
  });

  it('a single «2» is the set of that one option', () => {
    expect(step(atMulti(), text('2')).effects).toEqual([{ kind: 'set', key: 'hinh_thuc', value: ['toa_dam'] }]);
  });

  it.each([
    ['9', ['«9»', 'từ 1 đến 4']],
    ['0', ['«0»', 'từ 1 đến 4']],
    ['1, 9, abc', ['«9»', '«abc»']],
  ])('%j is refused, nothing stored, naming what was not understood', (typedText, named) => {
    const t = step(atMulti(), text(typedText));
    expect(t.effects).toEqual([]);
    expect(t.changed).toBe(false);
    expect(t.cursor).toEqual(at('hinh_thuc'));
    for (const part of named) expect(t.notice).toContain(part);
    expect(t.notice).toContain('ví dụ: 1, 3');
  });

  it('the form\'s limits: too many or too few refused with nothing stored; «không» only where none is allowed', () => {
    const most2 = step(atMulti(form({ maxSelected: 2 })), text('1, 2, 3'));
    expect([most2.effects, most2.cursor]).toEqual([[], at('hinh_thuc')]);
    expect(most2.notice).toContain('tối đa 2');
    const least2 = step(atMulti(form({ minSelected: 2 })), text('4'));
    expect([least2.effects, least2.cursor]).toEqual([[], at('hinh_thuc')]);
    expect(least2.notice).toContain('ít nhất 2');
    expect(step(atMulti(), text('không')).effects).toEqual([]);
    expect(step(atMulti(form({ minSelected: 0 })), text('không')).effects).toEqual([{ kind: 'set', key: 'hinh_thuc', value: [] }]);
    expect(renderPrompt(atMulti(form({ minSelected: 0, maxSelected: 2 })), at('hinh_thuc')).text).toContain(
      'ví dụ: 1, 3. Chọn tối đa 2 mục. Nếu không có mục nào, gõ «không».',
    );
  });

  it('after toggles (Telegram), typed numbers are still the whole answer: the toggles are not added to them', () => {
    const toggled = run(atMulti(), { kind: 'toggle', index: 0 }, { kind: 'toggle', index: 1 }).state;
    expect(step(toggled, text('3, 4')).effects).toEqual([{ kind: 'set', key: 'hinh_thuc', value: ['tap_huan', 'khac'] }]);
    expect(step(toggled, { kind: 'finish_multi' }).effects).toEqual([{ kind: 'set', key: 'hinh_thuc', value: ['hoi_nghi', 'toa_dam'] }]);
  });

  it('edited from the review by typing: the new set replaces the stored one', () => {
    const { state } = run(atMulti(), text('1, 3'), text('2'), { kind: 'edit', questionNo: 2 });
    const t = step(state, text('2 và 4'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'hinh_thuc', value: ['toa_dam', 'khac'] }]);
    expect(t.cursor).toEqual({ at: 'review' });
    expect(t.notice).toContain('Tọa đàm &amp; đối thoại; Khác');
  });
});

describe('prompts', () => {
  it('question heading, yes/no buttons, no "Quay lại" on the first question', () => {
    const prompt = renderPrompt(newState(qcdc), at('ban_chi_dao'));
    expect(prompt.text).toContain('Câu 1/14');
    expect(labels(prompt)).toEqual(['Có', 'Không']);
  });

  it('"Quay lại" on later questions, "Bỏ qua" only on optional ones', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 12));
    for (const [no, question] of qcdc.questions.entries()) {
      const prompt = renderPrompt(state, at(question.key));
      const l = labels(prompt);
      expect(prompt.text).toContain(`Câu ${no + 1}/14`);
      expect(l.some((x) => x.includes('Quay lại'))).toBe(no > 0);
      expect(l.some((x) => x.includes('Bỏ qua'))).toBe(!question.required);
    }
    const third = renderPrompt(state, at('so_mo_hinh_dvk'));
    expect(third.text).toContain('Câu 3/14');
    expect(labels(third)).toEqual(['« Quay lại']);
  });

  it('choice buttons are numbered labels', () => {
    const prompt = renderPrompt(newState(qcdc), at('tu_danh_gia'));
    expect(labels(prompt).slice(0, 4)).toEqual(['1. Tốt', '2. Khá', '3. Trung bình', '4. Yếu']);
  });

  it('the review lists answers, "Gửi báo cáo" and one "Sửa câu N" per relevant question', () => {
    const { state } = run(newState(qcdc), text('không'), text('3'), text('không'), ...qcdcInputs.slice(5));
    const prompt = renderPrompt(state, { at: 'review' });
    const l = labels(prompt);
    expect(l[0]).toContain('Gửi báo cáo');
    const edits = l.filter((x) => x.startsWith('Sửa câu '));
    expect(edits).toHaveLength(12);
    expect(edits).not.toContain('Sửa câu 2');
    expect(edits).not.toContain('Sửa câu 5');
    expect(edits).toContain('Sửa câu 14');
    expect(prompt.text).toContain('T');
    expect(prompt.text).toContain('12. ');
    expect(prompt.text).toContain('<b>Tốt</b>');
    expect(prompt.text).toContain('<b>(không có)</b>');
  });

  it('a submitted report offers "Gửi lại báo cáo"', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    expect(labels(renderPrompt({ ...state, status: 'submitted' }, { at: 'review' }))[0]).toContain('Gửi lại báo cáo');
  });

  it('HTML in answers is escaped in the review and in the current answer', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    const review = renderPrompt(state, { at: 'review' });
    expect(review.text).toContain('Mô hình &lt;b&gt;"Dân vận khéo"&lt;/b&gt; &amp; cộng đồng');
    expect(review.text).not.toContain('<b>"Dân vận khéo"</b>');
    const question = renderPrompt(state, at('ten_mo_hinh', true));
    expect(question.text).toContain('&lt;b&gt;');
    expect(question.text).not.toContain('<b>"');
  });

  it('HTML in a form text is escaped', () => {
    const form = makeForm({ questions: [{ key: 'q', type: 'yes_no', text: 'A < B & <i>C</i>?' }] });
    expect(renderPrompt(newState(form), at('q')).text).toContain('A &lt; B &amp; &lt;i&gt;C&lt;/i&gt;?');
  });

  it('notices of typed errors are escaped', () => {
    const form = makeForm({
      questions: [{ key: 'm', type: 'multi_choice', text: 'M?', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }],
    });
    const t = step(newState(form), text('<script>'));
    expect(t.cursor).toEqual(at('m'));
    expect(t.notice).toContain('«&lt;script&gt;»');
  });
});

describe('typed words replace every button', () => {
  const says = (prompt: Prompt): string[] => prompt.buttons.flat().map((b) => b.say);

  it('every button carries what to type instead', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 12));
    expect(says(renderPrompt(newState(qcdc), at('ban_chi_dao')))).toEqual(['1', '2']);
    expect(says(renderPrompt(state, at('tu_danh_gia')))).toEqual(['1', '2', '3', '4', 'quay lại']);
    expect(says(renderPrompt(state, at('han_che')))).toEqual(['quay lại', 'bỏ qua']);
    const review = renderPrompt(run(newState(qcdc), ...qcdcInputs).state, { at: 'review' });
    expect(review.buttons[0]).toEqual([{ label: '✅ Gửi báo cáo', input: { kind: 'submit' }, say: 'gửi' }]);
    const edits = review.buttons.slice(1).flat();
    expect(edits.every((b) => b.unlisted === true && b.say === `sửa ${b.input.kind === 'edit' ? b.input.questionNo : '?'}`)).toBe(true);
  });

  it('a number picks a choice, có/khong answer yes/no', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 11));
    expect(state.cursor).toEqual(at('tu_danh_gia'));
    expect(step(state, text('2')).effects).toEqual([{ kind: 'set', key: 'tu_danh_gia', value: 'kha' }]);
    expect(step(state, text(' «2». ')).effects).toEqual([{ kind: 'set', key: 'tu_danh_gia', value: 'kha' }]);
    expect(step(newState(qcdc), text('có')).effects).toEqual([{ kind: 'set', key: 'ban_chi_dao', value: true }]);
    expect(step(newState(qcdc), text('khong')).effects).toEqual([{ kind: 'set', key: 'ban_chi_dao', value: false }]);
    expect(step(newState(qcdc), text('2')).effects).toEqual([{ kind: 'set', key: 'ban_chi_dao', value: false }]);
  });

  it('«bỏ qua» skips an optional question and is refused on a required one', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 12));
    expect(state.cursor).toEqual(at('han_che'));
    const skipped = step(state, text('Bỏ qua'));
    expect(skipped.effects).toEqual([{ kind: 'set', key: 'han_che', value: null }]);
    expect(skipped.cursor).toEqual(at('kien_nghi'));
    const required = step(newState(qcdc), text('bo qua'));
    expect(required.effects).toEqual([]);
    expect(required.notice).toBe('Câu này bắt buộc, không bỏ qua được.');
  });

  it('«quay lại» goes back on a choice, 0 does not (people type it for "không"); on a number question 0 is the value 0', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 11));
    for (const word of ['quay lại', 'Quay lai']) {
      const back = step(state, text(word));
      expect(back.cursor).toEqual(at('khen_ca_nhan'));
      expect(back.effects).toEqual([]);
    }
    const zero = step(state, text('0'));
    expect(zero.cursor).toEqual(state.cursor);
    expect(zero.effects).toEqual([]);
    expect(zero.notice).toBeDefined();
    const onYesNo = step(newState(qcdc), text('0'));
    expect([onYesNo.cursor, onYesNo.effects]).toEqual([at('ban_chi_dao'), []]);
    expect(onYesNo.notice).toBeDefined();
    const onNumber = run(newState(qcdc), text('có'), text('có'));
    expect(onNumber.state.cursor).toEqual(at('so_mo_hinh_dvk'));
    expect(step(onNumber.state, text('0')).effects).toEqual([{ kind: 'set', key: 'so_mo_hinh_dvk', value: 0 }]);
    expect(step(onNumber.state, text('quay lại')).cursor).toEqual(at('bcd_quy_che'));
  });

  it('«quay lại» on the first question says there is none before it', () => {
    for (const word of ['quay lại', 'Quay lai']) {
      const t = step(newState(qcdc), text(word));
      expect(t.cursor).toEqual(at('ban_chi_dao'));
      expect(t.effects).toEqual([]);
      expect(t.notice).toBe('Đây là câu đầu tiên, không có câu trước để quay lại.');
    }
  });

  it('on the confirm step 1 and 2 pick a reading, «quay lại» goes back, another number (0 too) is read again', () => {
    const form = makeForm({ questions: [{ key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', decimals: 3 }] });
    const asked = run(newState(form), text('1.234'));
    expect(asked.last.prompt.text).toContain('Gõ 1 hoặc 2 để chọn cách hiểu đúng, hoặc nhập lại số.');
    expect(step(asked.state, text('1')).effects).toEqual([{ kind: 'set', key: 'ty_le', value: 1234 }]);
    expect(step(asked.state, text('2')).effects).toEqual([{ kind: 'set', key: 'ty_le', value: 1.234 }]);
    expect(step(asked.state, text('quay lại')).cursor).toEqual(at('ty_le'));
    expect(step(asked.state, text('0')).effects).toEqual([{ kind: 'set', key: 'ty_le', value: 0 }]);
    expect(step(asked.state, text('3')).effects).toEqual([{ kind: 'set', key: 'ty_le', value: 3 }]);
  });

  it('«gửi» submits and «sửa 3» edits on the review, also of a sent report; «quay lại» goes back to the last question, 0 does nothing', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    expect(step(state, text('gửi')).effects).toEqual([{ kind: 'submit' }]);
    expect(step(state, text('«Gửi».')).effects).toEqual([{ kind: 'submit' }]);
    expect(step(state, text('sửa 3')).cursor).toEqual(at('so_mo_hinh_dvk', true));
    expect(step(state, text('Sua 3')).cursor).toEqual(at('so_mo_hinh_dvk', true));
    expect([step(state, text('0')).cursor, step(state, text('0')).effects]).toEqual([state.cursor, []]);
    expect(step(state, text('quay lại')).cursor).toEqual(at('kien_nghi', true));
    const sent: DialogueState = { ...state, status: 'submitted' };
    expect(step(sent, text('gửi')).effects).toEqual([{ kind: 'submit' }]);
    expect(step(sent, text('sửa 3')).cursor).toEqual(at('so_mo_hinh_dvk', true));
    expect(step({ ...sent, cursor: { at: 'done' } }, text('sửa 3')).cursor).toEqual(at('so_mo_hinh_dvk', true));
  });

  it('multi-choice: typed numbers are the whole answer, «xong» finishes the toggles, 0 is "none" where none is allowed', () => {
    const form = makeForm({
      questions: [
        { key: 'm', type: 'multi_choice', text: 'M?', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
        { key: 'n', type: 'multi_choice', text: 'N?', minSelected: 0, choices: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }] },
      ],
    });
    const first = renderPrompt(newState(form), at('m'));
    expect(first.text).toContain('Gõ các số của những mục đúng trong một tin nhắn, cách nhau bằng dấu phẩy, ví dụ: 1, 2.');
    expect(first.text).not.toContain('Xong');
    expect(first.buttonsNote).toContain('«Xong»');
    expect(says(first)).toEqual(['1', '2', 'xong']);
    // «xong» is typed where the toggles are buttons; a text channel, with no toggles, does not list it.
    expect(first.buttons.flat().filter((b) => b.unlisted).map((b) => b.say)).toEqual(['xong']);
    expect(step(newState(form), text('2')).effects).toEqual([{ kind: 'set', key: 'm', value: ['b'] }]);
    expect(step(newState(form), text('1, 2')).effects).toEqual([{ kind: 'set', key: 'm', value: ['a', 'b'] }]);
    const toggled = run(newState(form), { kind: 'toggle', index: 1 });
    expect(step(toggled.state, text('Xong')).effects).toEqual([{ kind: 'set', key: 'm', value: ['b'] }]);
    expect([step(newState(form), text('0')).cursor, step(newState(form), text('0')).effects]).toEqual([at('m'), []]);
    const second = run(newState(form), text('1')).state;
    expect(step(second, text('0')).effects).toEqual([{ kind: 'set', key: 'n', value: [] }]);
  });

  it('typed words of another step are answers, not commands', () => {
    const onText = run(newState(qcdc), ...qcdcInputs.slice(0, 4)).state;
    expect(onText.cursor).toEqual(at('ten_mo_hinh'));
    expect(step(onText, text('xong')).effects).toEqual([{ kind: 'set', key: 'ten_mo_hinh', value: 'xong' }]);
    expect(step(onText, text('0')).effects).toEqual([{ kind: 'set', key: 'ten_mo_hinh', value: '0' }]);
  });

  it('an answer changed from the review says what changed, in a draft and in a sent report', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs);
    for (const reviewed of [state, { ...state, status: 'submitted' as const }]) {
      const editing = run(reviewed, text('sửa 12')).state;
      const changed = step(editing, text('2'));
      expect(changed.effects).toEqual([{ kind: 'set', key: 'tu_danh_gia', value: 'kha' }]);
      expect(changed.notice).toBe('Đã sửa câu 12: Khá (trước: Tốt)');
      expect(changed.cursor).toEqual({ at: 'review' });
    }
  });

  it('«sửa 3» and «gửi» typed at a question are the review\'s words, never stored as the answer, even to a text question', () => {
    const onText = run(newState(qcdc), ...qcdcInputs.slice(0, 4)).state;
    expect(onText.cursor).toEqual(at('ten_mo_hinh'));
    for (const word of ['sửa 3', 'Sửa câu 3', 'sua cau 3.']) {
      const t = step(onText, text(word));
      expect(t.effects).toEqual([]);
      expect(t.cursor).toEqual(at('so_mo_hinh_dvk', true));
    }
    const early = step(onText, text('gửi'));
    expect(early.effects).toEqual([]);
    expect(early.cursor).toEqual(at('ten_mo_hinh'));
    expect(early.notice).toBe('Còn câu 5 chưa trả lời. Đồng chí trả lời tiếp nhé:');
    // On a number question a bare number is still the answer.
    const onNumber = run(newState(qcdc), text('có'), text('có')).state;
    expect(step(onNumber, text('3')).effects).toEqual([{ kind: 'set', key: 'so_mo_hinh_dvk', value: 3 }]);
  });
});

/** What the service would load: this organization's previous round, and this round's percentiles. */
function plausibility(
  previous: Record<string, number>,
  percentiles: Record<string, { p99: number; answered: number }> = {},
): PlausibilityContext {
  return {
    previous: new Map(Object.entries(previous).map(([k, value]) => [k, { value, periodLabel: 'Năm 2025' }])),
    percentiles: new Map(Object.entries(percentiles)),
  };
}

const editAnswer = (questionNo: number, t: string): Input => ({ kind: 'edit_answer', questionNo, text: t });

describe('plausibility, asked at entry', () => {
  /** QCDC up to so_doi_thoai (question 8), which was 3 last year. */
  const atDialogues = (): DialogueState =>
    run(newState(qcdc, { plausibility: plausibility({ so_doi_thoai: 3 }) }), ...qcdcInputs.slice(0, 7)).state;

  it('an implausible number is not stored: it asks «Đúng» / «Nhập lại» with last year\'s figure', () => {
    const state = atDialogues();
    expect(state.cursor).toEqual(at('so_doi_thoai'));
    const t = step(state, text('1234'));
    expect(t.cursor).toEqual({ at: 'plausible', key: 'so_doi_thoai', value: 1234, review: false });
    expect(t.effects).toEqual([]);
    expect(t.changed).toBe(true);
    expect(t.prompt.text).toContain('Câu 8/14');
    expect(t.prompt.text).toContain('Đồng chí xác nhận 1.234 cuộc đối thoại định kỳ với người lao động? (Năm 2025: 3)');
    expect(labels(t.prompt)).toEqual(['Đúng', 'Nhập lại', '« Quay lại']);
    // Words, not 1 and 2: a number typed at this step is the corrected figure.
    expect(t.prompt.buttons[0]!.map((b) => b.say)).toEqual(['đúng', 'nhập lại']);
  });

  it('a plausible number is stored at once, without a flag', () => {
    const t = step(atDialogues(), text('4'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 4 }]);
    expect(t.cursor).toEqual(at('so_tap_huan'));
  });

  it('without figures to compare with (no context) nothing is asked', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 7));
    expect(step(state, text('1234')).effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 1234 }]);
  });

  it('«Đúng» stores the value marked as a confirmed outlier and goes on', () => {
    const asked = run(atDialogues(), text('1234')).state;
    const yes = step(asked, pick(0));
    expect(yes.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 1234, confirmedOutlier: true }]);
    expect(yes.cursor).toEqual(at('so_tap_huan'));
    expect(yes.notice).toBeUndefined();
  });

  it('«Nhập lại» and «Quay lại» go back to the question with nothing stored', () => {
    const asked = run(atDialogues(), text('1234')).state;
    for (const input of [pick(1), { kind: 'back' } as Input]) {
      const t = step(asked, input);
      expect(t.cursor).toEqual(at('so_doi_thoai'));
      expect(t.effects).toEqual([]);
      expect(t.prompt.text).toContain('Câu 8/14');
    }
    expect(step(asked, pick(2)).effects).toEqual([]);
  });

  it('by typing: «đúng» confirms, «nhập lại» retypes, «quay lại» goes back, any number (1 and 2 too) is a fresh answer', () => {
    const asked = run(atDialogues(), text('1234')).state;
    const flagged = [{ kind: 'set', key: 'so_doi_thoai', value: 1234, confirmedOutlier: true }];
    expect(step(asked, text('Đúng')).effects).toEqual(flagged);
    expect(step(asked, text('dung')).effects).toEqual(flagged);
    for (const value of [1, 2]) expect(step(asked, text(String(value))).effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value }]);
    for (const word of ['Nhập lại', 'quay lại']) {
      const t = step(asked, text(word));
      expect(t.cursor).toEqual(at('so_doi_thoai'));
      expect(t.effects).toEqual([]);
    }
    // A new number is checked again: 5 is plausible, 999 is asked about.
    const fresh = step(asked, text('5'));
    expect(fresh.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 5 }]);
    expect(fresh.cursor).toEqual(at('so_tap_huan'));
    const again = step(asked, text('999'));
    expect(again.cursor).toEqual({ at: 'plausible', key: 'so_doi_thoai', value: 999, review: false });
    expect(again.effects).toEqual([]);
    expect(step(asked, text('mười hai')).notice).toContain('Không đọc được số');
  });

  it('above the round\'s 99th percentile once 30 organizations answered: says it is much higher than most', () => {
    const ctx = plausibility({}, { so_tap_huan: { p99: 40.6, answered: 45 } });
    const { state } = run(newState(qcdc, { plausibility: ctx }), ...qcdcInputs.slice(0, 8));
    expect(state.cursor).toEqual(at('so_tap_huan'));
    const t = step(state, text('77'));
    expect(t.cursor).toEqual({ at: 'plausible', key: 'so_tap_huan', value: 77, review: false });
    expect(t.prompt.text).toContain('Đồng chí xác nhận 77 đồng chí tham dự tập huấn?');
    expect(t.prompt.text).toContain('cao hơn nhiều so với phần lớn các đơn vị: 99% trong 45 đơn vị đã trả lời đợt này báo không quá 40.');
    expect(step(state, text('40')).effects).toEqual([{ kind: 'set', key: 'so_tap_huan', value: 40 }]);
    const few = plausibility({}, { so_tap_huan: { p99: 40.6, answered: 29 } });
    expect(step({ ...state, plausibility: few }, text('77')).effects).toEqual([{ kind: 'set', key: 'so_tap_huan', value: 77 }]);
  });

  it('a question without a summary label shows the number alone', () => {
    const form = makeForm({ questions: [{ key: 'so', type: 'integer', text: 'Số?' }] });
    const t = step(newState(form, { plausibility: plausibility({ so: 3 }) }), text('30'));
    expect(t.prompt.text).toContain('Đồng chí xác nhận 30? (Năm 2025: 3)');
    expect(labels(t.prompt)).toEqual(['Đúng', 'Nhập lại']);
    // No «Quay lại» button on the first question, but «quay lại» typed still goes back to the question.
    expect(step(apply(newState(form), t), text('quay lại')).cursor).toEqual(at('so'));
  });

  it('per-question settings in the form: off, or another ratio', () => {
    const form = makeForm({
      plausibility: { ratio: 2 },
      questions: [
        { key: 'a', type: 'integer', text: 'A?', plausibility: { off: true } },
        { key: 'b', type: 'integer', text: 'B?' },
      ],
    });
    const state = newState(form, { plausibility: plausibility({ a: 1, b: 1 }) });
    expect(step(state, text('100')).effects).toEqual([{ kind: 'set', key: 'a', value: 100 }]);
    const atB = run(state, text('100')).state;
    expect(step(atB, text('2')).cursor).toMatchObject({ at: 'plausible', key: 'b', value: 2 });
  });

  it('the question\'s constraint and the rules refuse first; a confirmed value is checked again', () => {
    const ctx = plausibility({ dv_khong_ht: 1 });
    const { state } = run(newState(xl, { plausibility: ctx }), text('100'), text('50'), text('30'), text('10'));
    expect(state.cursor).toEqual(at('dv_khong_ht'));
    // 20 breaks the sum rule: refused with the rule's message, never asked about.
    const refused = step(state, text('20'));
    expect(refused.cursor).toEqual(at('dv_khong_ht'));
    expect(refused.effects).toEqual([]);
    expect(refused.notice).toContain('phải bằng tổng số đảng viên');
    // 10 fits the rule but is 10 × last year's 1: asked.
    const asked = run(state, text('10')).state;
    expect(asked.cursor).toEqual({ at: 'plausible', key: 'dv_khong_ht', value: 10, review: false });
    expect(step(asked, pick(0)).effects).toEqual([{ kind: 'set', key: 'dv_khong_ht', value: 10, confirmedOutlier: true }]);
    // Meanwhile a co-reporter changed the total: «Đúng» is refused by the rule, back on the question.
    const changed: DialogueState = { ...asked, answers: new Map(asked.answers).set('tong_dang_vien', 90) };
    const late = step(changed, pick(0));
    expect(late.effects).toEqual([]);
    expect(late.cursor).toEqual(at('dv_khong_ht'));
    expect(late.notice).toContain('phải bằng tổng số đảng viên (90)');
  });
});

describe('edit_answer: a changed answer to question N, wherever the cursor is', () => {
  const reviewed = (overrides: Partial<DialogueState> = {}): DialogueState => run(newState(qcdc, overrides), ...qcdcInputs).state;

  it('changes an earlier question and keeps the cursor where it was', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 8));
    expect(state.cursor).toEqual(at('so_tap_huan'));
    const t = step(state, editAnswer(8, '30'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 30 }]);
    expect(t.cursor).toEqual(at('so_tap_huan'));
    expect(t.notice).toBe('Đã sửa câu 8: 30 (trước: 4)');
    expect(t.prompt.text).toContain('Câu 9/14');
    expect(t.changed).toBe(true);
  });

  it('on the question being asked it is simply the answer: the report moves on', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 8));
    expect(state.cursor).toEqual(at('so_tap_huan'));
    const t = step(state, editAnswer(9, '12'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'so_tap_huan', value: 12 }]);
    expect(t.cursor).toEqual(at('khen_tap_the'));
  });

  it('on the review and on a sent report that stays complete', () => {
    const onReview = step(reviewed(), editAnswer(9, '1.234'));
    expect(onReview.cursor).toEqual({ at: 'review' });
    expect(onReview.notice).toBe('Đã sửa câu 9: 1.234 (trước: 77)');
    const sent = run(reviewed(), { kind: 'submit' }).state;
    expect(sent.cursor).toEqual({ at: 'done' });
    const t = step(sent, editAnswer(12, 'Khá'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'tu_danh_gia', value: 'kha' }]);
    expect(t.cursor).toEqual({ at: 'done' });
    expect(t.notice).toBe('Đã sửa câu 12: Khá (trước: Tốt)');
  });

  it('a question not answered yet shows «(chưa trả lời)» and is then not asked again', () => {
    const { state } = run(newState(qcdc), text('có'), text('có'));
    expect(state.cursor).toEqual(at('so_mo_hinh_dvk'));
    const t = step(state, editAnswer(4, 'có'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'dang_ky_mo_hinh', value: true }]);
    expect(t.cursor).toEqual(at('so_mo_hinh_dvk'));
    expect(t.notice).toBe('Đã sửa câu 4: Có (trước: (chưa trả lời))');
    expect(run(apply(state, t), text('26')).state.cursor).toEqual(at('ten_mo_hinh'));
  });

  it('an edit that makes the question on screen not apply moves on to the next one', () => {
    const { state } = run(newState(qcdc), text('có'));
    expect(state.cursor).toEqual(at('bcd_quy_che'));
    const t = step(state, editAnswer(1, 'không'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'ban_chi_dao', value: false }]);
    expect(t.cursor).toEqual(at('so_mo_hinh_dvk'));
  });

  it('an edit that removes answers unsets them, like any answer', () => {
    const t = step(reviewed(), editAnswer(1, '2'));
    expect(t.effects).toEqual([
      { kind: 'set', key: 'ban_chi_dao', value: false },
      { kind: 'unset', key: 'bcd_quy_che' },
    ]);
    expect(t.cursor).toEqual({ at: 'review' });
  });

  it('an edit that makes a sent report incomplete takes it back to draft and asks the new question', () => {
    const inputs = [...qcdcInputs];
    inputs.splice(3, 2, text('không'));
    const sent = run(newState(qcdc), ...inputs, { kind: 'submit' }).state;
    const t = step(sent, editAnswer(4, 'có'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'dang_ky_mo_hinh', value: true }, { kind: 'unsubmit' }]);
    expect(t.cursor).toEqual(at('ten_mo_hinh', true));
    expect(t.notice).toContain('Đã sửa câu 4: Có (trước: Không)');
    expect(t.notice).toContain('chưa gửi');
  });

  it('refused with the reason, nothing changed: no such question, not applicable, locked', () => {
    const state = run(newState(qcdc), text('không'), text('3'), text('không'), ...qcdcInputs.slice(5)).state;
    const cases: Array<[DialogueState, Input, string]> = [
      [state, editAnswer(15, '3'), 'Câu 15 không sửa được: biểu mẫu chỉ có các câu từ 1 đến 14.'],
      [state, editAnswer(0, '3'), 'Câu 0 không sửa được: biểu mẫu chỉ có các câu từ 1 đến 14.'],
      [state, editAnswer(2, 'có'), 'Câu 2 không còn sửa được: câu này không áp dụng với các câu trả lời hiện tại.'],
      [{ ...state, locked: 'closed' }, editAnswer(8, '30'), 'Câu 8 không còn sửa được: đợt báo cáo này đã kết thúc, không nhận thêm thay đổi.'],
      [
        { ...state, status: 'submitted', cursor: { at: 'done' }, locked: 'past_deadline' },
        editAnswer(8, '30'),
        'Câu 8 không còn sửa được: báo cáo đã nộp và đã quá hạn chót. Nếu cần sửa, đề nghị liên hệ Văn phòng Đảng ủy để mở lại.',
      ],
    ];
    for (const [s, input, notice] of cases) {
      const t = step(s, input);
      expect(t.notice).toBe(notice);
      expect(t.effects).toEqual([]);
      expect(t.changed).toBe(false);
      expect(t.cursor).toEqual(s.cursor);
    }
  });

  it('a value the question refuses is not stored, and says which question', () => {
    const { state } = run(newState(qcdc), ...qcdcInputs.slice(0, 8));
    const t = step(state, editAnswer(8, 'mười hai'));
    expect(t.notice).toMatch(/^Chưa sửa được câu 8: Không đọc được số/);
    expect(t.effects).toEqual([]);
    expect(t.changed).toBe(false);
    expect(t.cursor).toEqual(at('so_tap_huan'));
    const required = step(state, editAnswer(8, 'bỏ qua'));
    expect(required.notice).toBe('Chưa sửa được câu 8: Câu này bắt buộc, không bỏ qua được.');
    expect(required.effects).toEqual([]);
  });

  it('constraints and cross-question rules refuse an edit the same way as an answer', () => {
    const filled = run(newState(xl), text('12'), text('5'), text('3'), text('2'), text('2')).state;
    expect(filled.cursor).toEqual(at('diem_tu_cham'));
    const constraint = step(filled, editAnswer(2, '13'));
    expect(constraint.effects).toEqual([]);
    expect(constraint.cursor).toEqual(at('diem_tu_cham'));
    expect(constraint.notice).toMatch(/^Chưa sửa được câu 2: Số đảng viên hoàn thành xuất sắc nhiệm vụ \(13\)/);
    const rule = step(filled, editAnswer(5, '3'));
    expect(rule.effects).toEqual([]);
    expect(rule.cursor).toEqual(at('diem_tu_cham'));
    expect(rule.notice).toContain('Chưa sửa được câu 5: Tổng số đảng viên được xếp loại (13) phải bằng tổng số đảng viên (12)');
  });

  it('an optional question can be emptied with «bỏ qua»; the same value again changes nothing', () => {
    const skipped = step(reviewed(), editAnswer(14, 'bỏ qua'));
    expect(skipped.effects).toEqual([{ kind: 'set', key: 'kien_nghi', value: null }]);
    expect(skipped.notice).toBe('Đã sửa câu 14: (không có) (trước: Đề nghị mở thêm lớp tập huấn)');
    const same = step(reviewed(), editAnswer(8, ' 4 '));
    expect(same.effects).toEqual([]);
    expect(same.changed).toBe(false);
    expect(same.notice).toBe('Câu 8 vẫn là 4, không có gì thay đổi.');
  });

  it('an ambiguous number asks which reading, then returns to where the person was', () => {
    const form = makeForm({
      questions: [
        { key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', decimals: 3 },
        { key: 'ghi_chu', type: 'text', text: 'Ghi chú?' },
      ],
    });
    const { state } = run(newState(form), text('5'));
    expect(state.cursor).toEqual(at('ghi_chu'));
    const asked = run(state, editAnswer(1, '1.234'));
    expect(asked.last.cursor).toEqual({ at: 'confirm', key: 'ty_le', candidates: [1234, 1.234], review: true, returnTo: at('ghi_chu') });
    expect(asked.last.effects).toEqual([]);
    expect(labels(asked.last.prompt).slice(0, 2)).toEqual(['= 1234', '= 1,234 (1 phẩy 234)']);
    const picked = step(asked.state, pick(1));
    expect(picked.effects).toEqual([{ kind: 'set', key: 'ty_le', value: 1.234 }]);
    expect(picked.cursor).toEqual(at('ghi_chu'));
    expect(picked.notice).toBe('Đã sửa câu 1: 1,234 (trước: 5)');
    // «Quay lại» on that step shows question 1, and answering it returns to question 2 as well.
    const back = run(asked.state, { kind: 'back' });
    expect(back.state.cursor).toEqual({ at: 'question', key: 'ty_le', review: true, returnTo: at('ghi_chu') });
    const retyped = step(back.state, text('7'));
    expect(retyped.cursor).toEqual(at('ghi_chu'));
    expect(retyped.notice).toBe('Đã sửa câu 1: 7 (trước: 5)');
  });

  it('an implausible number asks for confirmation, then returns to the review', () => {
    const state = reviewed({ plausibility: plausibility({ so_doi_thoai: 4 }) });
    expect(state.cursor).toEqual({ at: 'review' });
    const asked = run(state, editAnswer(8, '1234'));
    expect(asked.last.cursor).toEqual({ at: 'plausible', key: 'so_doi_thoai', value: 1234, review: true, returnTo: { at: 'review' } });
    expect(asked.last.effects).toEqual([]);
    expect(asked.last.prompt.text).toContain('Câu trả lời hiện tại: <b>4</b>');
    expect(asked.last.prompt.text).toContain('(Năm 2025: 4)');

    const yes = step(asked.state, pick(0));
    expect(yes.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 1234, confirmedOutlier: true }]);
    expect(yes.cursor).toEqual({ at: 'review' });
    expect(yes.notice).toBe('Đã sửa câu 8: 1.234 (trước: 4)');

    // «Nhập lại»: question 8 again, nothing stored; the new answer returns to the review.
    const retype = run(asked.state, text('nhập lại'));
    expect(retype.last.effects).toEqual([]);
    expect(retype.state.cursor).toEqual({ at: 'question', key: 'so_doi_thoai', review: true, returnTo: { at: 'review' } });
    const five = step(retype.state, text('5'));
    expect(five.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 5 }]);
    expect(five.cursor).toEqual({ at: 'review' });
    expect(five.notice).toBe('Đã sửa câu 8: 5 (trước: 4)');
  });

  it('an edit of the question whose confirmation is pending supersedes it', () => {
    const start = run(newState(qcdc, { plausibility: plausibility({ so_doi_thoai: 3 }) }), ...qcdcInputs.slice(0, 7), text('1234')).state;
    expect(start.cursor).toMatchObject({ at: 'plausible', key: 'so_doi_thoai' });
    const t = step(start, editAnswer(8, '5'));
    expect(t.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 5 }]);
    expect(t.cursor).toEqual(at('so_tap_huan'));
    expect(t.notice).toBe('Đã sửa câu 8: 5 (trước: (chưa trả lời))');
    // From the review, 1234 typed for question 8 (was 4) is pending; editing it back to 4 answers it with 4.
    const reviewState = reviewed({ plausibility: plausibility({ so_doi_thoai: 4 }) });
    const pending = run(reviewState, { kind: 'edit', questionNo: 8 }, text('1234')).state;
    expect(pending.cursor).toMatchObject({ at: 'plausible', key: 'so_doi_thoai', value: 1234 });
    const back = step(pending, editAnswer(8, '4'));
    expect(back.effects).toEqual([{ kind: 'set', key: 'so_doi_thoai', value: 4 }]);
    expect(back.cursor).toEqual({ at: 'review' });
    // An edit needing a confirmation while another one is pending: both are settled in turn.
    const nested = run(start, editAnswer(3, '2,600'));
    expect(nested.state.cursor).toEqual({
      at: 'confirm',
      key: 'so_mo_hinh_dvk',
      candidates: [2600],
      review: true,
      returnTo: { at: 'plausible', key: 'so_doi_thoai', value: 1234, review: false },
    });
    const settled = run(nested.state, pick(0));
    expect(settled.last.effects).toEqual([{ kind: 'set', key: 'so_mo_hinh_dvk', value: 2600 }]);
    expect(settled.state.cursor).toEqual({ at: 'plausible', key: 'so_doi_thoai', value: 1234, review: false });
    expect(run(settled.state, pick(0)).state.cursor).toEqual(at('so_tap_huan'));
  });

  it('pending confirmations nested by edits are bounded: beyond three, the edit returns straight to the final place', () => {
    const keys = ['a', 'b', 'c', 'd'];
    const form = makeForm({ questions: keys.map((key) => ({ key, type: 'decimal' as const, text: `${key}?`, decimals: 3 })) });
    let state = run(newState(form), ...keys.map(() => text('5'))).state;
    expect(state.cursor).toEqual({ at: 'review' });
    for (const no of [1, 2, 3]) state = run(state, editAnswer(no, '1.234')).state;
    expect(state.cursor).toMatchObject({ key: 'c', returnTo: { key: 'b', returnTo: { key: 'a', returnTo: { at: 'review' } } } });
    const fourth = step(state, editAnswer(4, '1.234'));
    expect(fourth.cursor).toEqual({ at: 'confirm', key: 'd', candidates: [1234, 1.234], review: true, returnTo: { at: 'review' } });
  });

  it('the same edit_answer is refused on a locked report whatever the cursor, and «show» still works', () => {
    const locked: DialogueState = { ...reviewed(), locked: 'closed' };
    expect(step(locked, editAnswer(1, 'không')).effects).toEqual([]);
    expect(step(locked, { kind: 'show' }).notice).toBeUndefined();
  });
});
