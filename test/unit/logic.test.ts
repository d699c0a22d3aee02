import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkRules,
  evaluateCondition,
  fillMessage,
  isRelevant,
  proposeChoice,
  pruneIrrelevantAnswers,
  ruleAttachTo,
  validateFormReferences,
} from '../../src/forms/logic.js';
import { reportProgress } from '../../src/forms/progress.js';
import type { AnswerValue, Form, FormInput } from '../../src/forms/schema.js';
import { bundled, makeForm, question } from './helpers.js';

let qcdc: Form;
let xl: Form;
beforeAll(async () => {
  qcdc = await bundled('dan_van_qcdc');
  xl = await bundled('xep_loai_to_chuc_dang');
});

const answers = (entries: Record<string, AnswerValue>): Map<string, AnswerValue> => new Map(Object.entries(entries));

describe('skip logic', () => {
  it('bcd_quy_che is asked only when ban_chi_dao is yes', () => {
    const q = question(qcdc, 'bcd_quy_che');
    expect(isRelevant(q, answers({ ban_chi_dao: true }))).toBe(true);
    expect(isRelevant(q, answers({ ban_chi_dao: false }))).toBe(false);
    expect(isRelevant(q, answers({}))).toBe(false);
  });

  it('ten_mo_hinh is asked only when dang_ky_mo_hinh is yes', () => {
    const q = question(qcdc, 'ten_mo_hinh');
    expect(isRelevant(q, answers({ dang_ky_mo_hinh: true }))).toBe(true);
    expect(isRelevant(q, answers({ dang_ky_mo_hinh: false }))).toBe(false);
  });

  it('questions without a condition are always relevant', () => {
    expect(isRelevant(question(qcdc, 'so_mo_hinh_dvk'), answers({}))).toBe(true);
  });

  it('evaluates in, answered, all, any, not; a skipped answer matches nothing', () => {
    const a = answers({ x: 'b', n: 3, s: null, m: ['p', 'q'] });
    expect(evaluateCondition({ question: 'x', in: ['a', 'b'] }, a)).toBe(true);
    expect(evaluateCondition({ question: 'x', in: ['a'] }, a)).toBe(false);
    expect(evaluateCondition({ question: 'm', equals: 'q' }, a)).toBe(true);
    expect(evaluateCondition({ question: 's', answered: false }, a)).toBe(true);
    expect(evaluateCondition({ question: 's', equals: 'anything' }, a)).toBe(false);
    expect(evaluateCondition({ question: 'n', answered: true }, a)).toBe(true);
    expect(evaluateCondition({ all: [{ question: 'n', equals: 3 }, { question: 'x', equals: 'b' }] }, a)).toBe(true);
    expect(evaluateCondition({ all: [{ question: 'n', equals: 3 }, { question: 'x', equals: 'a' }] }, a)).toBe(false);
    expect(evaluateCondition({ any: [{ question: 'n', equals: 4 }, { question: 'x', equals: 'b' }] }, a)).toBe(true);
    expect(evaluateCondition({ not: { question: 'n', equals: 3 } }, a)).toBe(false);
  });

  it('prunes answers that stopped applying', () => {
    const pruned = pruneIrrelevantAnswers(qcdc, answers({ ban_chi_dao: false, bcd_quy_che: true, dang_ky_mo_hinh: true, ten_mo_hinh: 'X' }));
    expect([...pruned.keys()]).toEqual(['ban_chi_dao', 'dang_ky_mo_hinh', 'ten_mo_hinh']);
  });
});

describe('rule tong_xep_loai', () => {
  const counts = { tong_dang_vien: 12, dv_htxs: 5, dv_htt: 3, dv_ht: 2, dv_khong_ht: 1 };

  it('fails when the four counts do not add up, naming every number', () => {
    const failures = checkRules(xl, answers(counts));
    expect(failures).toHaveLength(1);
    const [failure] = failures;
    expect(failure?.ruleId).toBe('tong_xep_loai');
    expect(failure?.attachTo).toBe('dv_khong_ht');
    expect(failure?.message).toBe(
      'Tổng số đảng viên được xếp loại (11) phải bằng tổng số đảng viên (12): 5 + 3 + 2 + 1 = 11.',
    );
  });

  it('holds when they add up', () => {
    expect(checkRules(xl, answers({ ...counts, dv_khong_ht: 2 }))).toEqual([]);
  });

  it('is not evaluated until every count is answered', () => {
    const { dv_khong_ht: _missing, ...partial } = counts;
    expect(checkRules(xl, answers(partial))).toEqual([]);
  });

  it('only: filters by the question the rule is attached to', () => {
    expect(checkRules(xl, answers(counts), { only: 'dv_khong_ht' })).toHaveLength(1);
    expect(checkRules(xl, answers(counts), { only: 'tong_dang_vien' })).toEqual([]);
  });

  it('attaches to the last named question unless attachTo says otherwise', () => {
    const rule = xl.rules[0]!;
    expect(ruleAttachTo(xl, rule)).toBe('dv_khong_ht');
    expect(ruleAttachTo(xl, { ...rule, attachTo: 'tong_dang_vien' })).toBe('tong_dang_vien');
  });

  it('respects when', () => {
    const form = makeForm({
      questions: [
        { key: 'co_so', type: 'yes_no', text: 'Có?' },
        { key: 'a', type: 'integer', text: 'A?' },
        { key: 'b', type: 'integer', text: 'B?' },
      ],
      rules: [
        {
          id: 'a_le_b',
          when: { question: 'co_so', equals: true },
          left: { answer: 'a' },
          op: 'lte',
          right: { answer: 'b' },
          message: '{a} > {b}',
        },
      ],
    });
    expect(checkRules(form, answers({ co_so: true, a: 5, b: 3 }))).toEqual([{ ruleId: 'a_le_b', attachTo: 'b', message: '5 > 3' }]);
    expect(checkRules(form, answers({ co_so: false, a: 5, b: 3 }))).toEqual([]);
  });

  it('decimal sums compare without float noise', () => {
    const form = makeForm({
      questions: [
        { key: 'a', type: 'decimal', text: 'A?' },
        { key: 'b', type: 'decimal', text: 'B?' },
        { key: 't', type: 'decimal', text: 'T?' },
      ],
      rules: [{ id: 'sum', left: { sum: ['a', 'b'] }, op: 'eq', right: { answer: 't' }, message: 'x' }],
    });
    expect(checkRules(form, answers({ a: 0.1, b: 0.2, t: 0.3 }))).toEqual([]);
  });

  it('fillMessage formats numbers the Vietnamese way and leaves unknown placeholders visible', () => {
    expect(fillMessage('{left} / {right} / {x} / {nope}', { left: 1234.5, right: 2 }, answers({ x: 10000 }))).toBe('1.234,5 / 2 / 10.000 / {nope}');
  });
});

describe('rating proposal from diem_tu_cham', () => {
  it.each([
    [100, 'htxs'],
    [90, 'htxs'],
    [89.9, 'htt'],
    [70, 'htt'],
    [69.9, 'ht'],
    [50, 'ht'],
    [49.9, 'khong_ht'],
    [0, 'khong_ht'],
  ])('%d → %s', (score, choice) => {
    expect(proposeChoice(question(xl, 'tu_xep_loai'), answers({ diem_tu_cham: score }))).toBe(choice);
  });

  it('proposes nothing without a score, or for a question without proposal', () => {
    expect(proposeChoice(question(xl, 'tu_xep_loai'), answers({}))).toBeUndefined();
    expect(proposeChoice(question(qcdc, 'tu_danh_gia'), answers({ diem_tu_cham: 95 }))).toBeUndefined();
  });
});

describe('validateFormReferences', () => {
  const base = (): FormInput => ({
    id: 'f',
    version: 1,
    title: 'F',
    questions: [
      { key: 'a', type: 'integer', text: 'A?' },
      { key: 'b', type: 'yes_no', text: 'B?' },
      { key: 'c', type: 'integer', text: 'C?' },
    ],
  });

  it('accepts both bundled forms', () => {
    expect(validateFormReferences(qcdc)).toEqual([]);
    expect(validateFormReferences(xl)).toEqual([]);
  });

  it('catches a rule naming an unknown question', () => {
    const form = makeForm({ ...base(), rules: [{ id: 'r', left: { answer: 'a' }, op: 'eq', right: { answer: 'zzz' }, message: 'm' }] });
    expect(validateFormReferences(form)).toEqual(['rules[0].right: không có câu hỏi "zzz"']);
  });

  it('catches a condition on a later question, or on the question itself', () => {
    const input = base();
    input.questions[0] = { key: 'a', type: 'integer', text: 'A?', relevant: { question: 'b', equals: true } };
    input.questions[1] = { key: 'b', type: 'yes_no', text: 'B?', relevant: { question: 'b', equals: true } };
    expect(validateFormReferences(makeForm(input))).toEqual([
      'questions[0].relevant.question: "b" không đứng trước trong biểu mẫu',
      'questions[1].relevant.question: "b" không đứng trước trong biểu mẫu',
    ]);
  });

  it('catches conditions on unknown questions inside all/any/not, and literals that can never match', () => {
    const input = base();
    input.questions[2] = {
      key: 'c',
      type: 'integer',
      text: 'C?',
      relevant: { all: [{ not: { question: 'ghost', equals: 1 } }, { question: 'b', equals: 'yes' }] },
    };
    const errors = validateFormReferences(makeForm(input));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe('questions[2].relevant.all[0].not.question: không có câu hỏi "ghost"');
    expect(errors[1]).toContain('không bao giờ khớp câu có/không "b"');
  });

  it('catches duplicates, comparisons on non-numbers and bad proposals', () => {
    const form = makeForm({
      questions: [
        { key: 'a', type: 'integer', text: 'A?' },
        { key: 'a', type: 'integer', text: 'A again?' },
        { key: 'b', type: 'yes_no', text: 'B?' },
        {
          key: 'r',
          type: 'choice',
          text: 'R?',
          choices: [
            { value: 'x', label: 'X' },
            { value: 'x', label: 'X again' },
          ],
          proposal: { from: 'b', bands: [{ choice: 'x' }, { min: 5, choice: 'y' }] },
        },
      ],
      rules: [
        { id: 'dup', left: { answer: 'b' }, op: 'eq', right: { value: 1 }, message: 'm' },
        { id: 'dup', left: { value: 1 }, op: 'eq', right: { value: 1 }, message: 'm' },
      ],
    });
    const errors = validateFormReferences(form);
    expect(errors).toEqual(
      expect.arrayContaining([
        'questions[1].key: mã câu hỏi "a" bị trùng',
        'questions[3].choices[1].value: giá trị lựa chọn "x" bị trùng',
        'questions[3].proposal.from: "b" là câu yes_no, không phải câu số',
        'questions[3].proposal.bands[0]: khoảng không có min phải là khoảng cuối cùng',
        'questions[3].proposal.bands[1].choice: "y" không phải là lựa chọn của "r"',
        'rules[0].left: "b" là câu yes_no, không phải câu số',
        'rules[1].id: mã quy tắc "dup" bị trùng',
        'rules[1]: quy tắc không nhắc đến câu hỏi nào, nên không bao giờ có ích',
      ]),
    );
    expect(errors).toHaveLength(8);
  });

  it('catches proposal bands in the wrong order', () => {
    const form = makeForm({
      questions: [
        { key: 'diem', type: 'decimal', text: 'Điểm?' },
        {
          key: 'r',
          type: 'choice',
          text: 'R?',
          choices: [
            { value: 'cao', label: 'Cao' },
            { value: 'thap', label: 'Thấp' },
          ],
          proposal: { from: 'diem', bands: [{ min: 50, choice: 'thap' }, { min: 90, choice: 'cao' }] },
        },
      ],
    });
    expect(validateFormReferences(form)).toEqual(['questions[1].proposal.bands[1].min: min 90 phải nhỏ hơn min của khoảng trước (50)']);
  });
});

describe('report progress', () => {
  it('counts conditional questions as ahead until their condition is decided', () => {
    const form = qcdc;
    expect(reportProgress(form, new Map())).toEqual({ answered: 0, remaining: 14, total: 14 });
    expect(reportProgress(form, new Map<string, AnswerValue>([['ban_chi_dao', false]]))).toEqual({ answered: 1, remaining: 12, total: 14 });
    expect(
      reportProgress(form, new Map<string, AnswerValue>([['ban_chi_dao', true], ['bcd_quy_che', true], ['so_mo_hinh_dvk', 2], ['dang_ky_mo_hinh', true]])),
    ).toEqual({ answered: 4, remaining: 10, total: 14 });
    // A skipped optional answer counts as answered.
    expect(reportProgress(form, new Map<string, AnswerValue>([['han_che', null]])).answered).toBe(1);
  });
});
