/**
 * The /dotmoi wizard as a state machine: every step, its re-asks on bad input,
 * back and cancel, and the input it hands to createCampaign. The environment is
 * an in-memory stand-in of the three lookups the wizard makes.
 */
import { describe, expect, it } from 'vitest';
import { parseChatDate, parseChatDateRange, parseChatDateTime } from '../../src/campaigns/dateInput.js';
import {
  advance,
  parsePlanText,
  startNewRound,
  WIZARD_BUTTONS as B,
  type NewRoundWizard,
  type WizardEnv,
  type WizardInput,
  type WizardOutcome,
  type WizardState,
} from '../../src/services/campaignWizard.js';
import type { TargetSelection } from '../../src/services/campaigns.js';

const at = (local: string) => new Date(`${local}:00+07:00`);
const NOW = at('2026-11-23T09:00');

const ORGS = [
  { code: 'DB01', type: 'dang_bo_co_so', parent: null, name: 'Đảng bộ <Sở> Y tế' },
  { code: 'CB11', type: 'chi_bo_truc_thuoc', parent: 'DB01', name: 'Chi bộ 1' },
  { code: 'CB12', type: 'chi_bo_truc_thuoc', parent: 'DB01', name: 'Chi bộ 2' },
  { code: 'CB02', type: 'chi_bo_co_so', parent: null, name: 'Chi bộ Sở Tài chính' },
] as const;

const env: WizardEnv = {
  now: NOW,
  listForms: async () => [
    { id: 'dan_van_qcdc', version: 1, title: 'Dân vận & QCDC' },
    { id: 'xep_loai_to_chuc_dang', version: 2, title: 'Xếp loại' },
  ],
  // As the service matches codes: without case, answering with the codes as stored.
  previewTargets: async (s: TargetSelection) => {
    const byCode = (code: string) => ORGS.find((o) => o.code === code.toUpperCase());
    switch (s.kind) {
      case 'all':
        return { ok: true, count: ORGS.length, selection: s };
      case 'types': {
        const n = ORGS.filter((o) => (s.types as string[]).includes(o.type)).length;
        return s.types.length === 0 ? { ok: false, message: 'Cần chọn ít nhất một loại hình tổ chức.' } : { ok: true, count: n, selection: s };
      }
      case 'parent': {
        const p = byCode(s.parentCode);
        if (!p) return { ok: false, message: `Không có tổ chức mang mã «${s.parentCode}».` };
        if (p.type !== 'dang_bo_co_so') return { ok: false, message: 'không phải đảng bộ cơ sở' };
        return { ok: true, count: 1 + ORGS.filter((o) => o.parent === p.code).length, parentName: p.name, selection: { kind: 'parent', parentCode: p.code } };
      }
      case 'codes': {
        const missing = s.codes.filter((c) => !byCode(c));
        const codes = [...new Set(s.codes.flatMap((c) => byCode(c)?.code ?? []))];
        return missing.length ? { ok: false, message: `Không có tổ chức mang mã: ${missing.join(', ')}.` } : { ok: true, count: codes.length, selection: { kind: 'codes', codes } };
      }
    }
  },
};

const text = (t: string): WizardInput => ({ kind: 'text', text: t });
const button = (value: string): WizardInput => ({ kind: 'button', value });

function prompted(outcome: WizardOutcome): NewRoundWizard & { text: string; values: string[] } {
  if (outcome.kind !== 'prompt' || outcome.state.kind !== 'new_round') throw new Error(`expected a prompt, got ${outcome.kind}`);
  return { ...outcome.state, text: outcome.prompt.text, values: outcome.prompt.buttons.flat().map((b) => b.value) };
}

async function run(state: WizardState, ...inputs: WizardInput[]): Promise<NewRoundWizard & { text: string; values: string[] }> {
  let current = prompted({ kind: 'prompt', state, prompt: { text: '', buttons: [] } });
  for (const input of inputs) current = prompted(await advance(current, input, env));
  return current;
}

async function started(): Promise<NewRoundWizard> {
  return (await startNewRound(env)).state;
}

describe('the /dotmoi wizard', () => {
  it('starts with the stored forms as buttons and a cancel', async () => {
    const { state, prompt } = await startNewRound(env);
    expect(state.step).toBe('form');
    expect(state.seq).toBe(1);
    expect(prompt.text).toContain('bước 1/7');
    expect(prompt.buttons.flat().map((b) => b.value)).toEqual(['f0', 'f1', B.cancel]);
    expect(prompt.buttons[0]![0]!.label).toBe('Dân vận & QCDC');
    expect(prompt.buttons[1]![0]!.label).toBe('Xếp loại (phiên bản 2)');
  });

  it('walks every step to a create outcome with the right input', async () => {
    const s = await run(
      await started(),
      button('f1'),
      text('Quý IV/2026'),
      text('01/12/2026 08:00'),
      text('15/12/2026 17:00'),
      button(B.parent),
      text('DB01'),
      text('-5d, -1d, 0d, +2d lúc 08:30'),
    );
    expect(s.step).toBe('confirm');
    expect(s.seq).toBe(8);
    expect(s.text).toContain('Xếp loại (xep_loai_to_chuc_dang v2)');
    expect(s.text).toContain('Quý IV/2026 (01/10/2026 – 31/12/2026)');
    expect(s.text).toContain('08:00 thứ Ba, 01/12/2026');
    expect(s.text).toContain('17:00 thứ Ba, 15/12/2026');
    // The parent's name came from data: escaped.
    expect(s.text).toContain('Đảng bộ &lt;Sở&gt; Y tế (DB01) và các chi bộ trực thuộc (3 tổ chức)');
    expect(s.text).toContain('5 và 1 ngày trước hạn, sáng ngày hết hạn, 2 ngày sau hạn, lúc 08:30');
    const outcome = await advance(s, button(B.create), env);
    expect(outcome.kind).toBe('create');
    if (outcome.kind !== 'create') return;
    expect(outcome.input).toEqual({
      formId: 'xep_loai_to_chuc_dang',
      formVersion: 2,
      periodLabel: 'Quý IV/2026',
      periodStart: '2026-10-01',
      periodEnd: '2026-12-31',
      opensAt: at('2026-12-01T08:00'),
      dueAt: at('2026-12-15T17:00'),
      targets: { kind: 'parent', parentCode: 'DB01' },
      reminderOffsets: ['-5d', '-1d', '0d', '+2d'],
      reminderTime: '08:30',
    });
  });

  it('shows the dates it understood from the period, or asks for them', async () => {
    const understood = await run(await started(), button('f0'), text('Năm 2026'));
    expect(understood.step).toBe('opens');
    expect(understood.text).toContain('Kỳ «Năm 2026»: từ 01/01/2026 đến 31/12/2026.');

    const unknown = await run(await started(), button('f0'), text('Đợt <đặc biệt>'));
    expect(unknown.step).toBe('periodDates');
    expect(unknown.text).toContain('Đợt &lt;đặc biệt&gt;');
    const bad = await run(unknown, text('mai'));
    expect(bad.step).toBe('periodDates');
    expect(bad.text).toContain('Chưa hiểu hai ngày này');
    const dated = await run(unknown, text('01/07/2026 - 30/09/2026'));
    expect(dated.step).toBe('opens');
    expect(dated.draft).toMatchObject({ periodStart: '2026-07-01', periodEnd: '2026-09-30' });
    const none = await run(unknown, button(B.noDates));
    expect(none.step).toBe('opens');
    expect(none.draft).toMatchObject({ periodStart: null, periodEnd: null });
  });

  it('re-asks on bad times: unreadable, past, deadline not after opening', async () => {
    const opens = await run(await started(), button('f0'), text('Năm 2026'));
    expect((await run(opens, text('mai nhé'))).text).toContain('Chưa hiểu thời điểm này');
    expect((await run(opens, text('01/11/2026 08:00'))).text).toContain('Thời điểm mở đã qua');
    expect((await run(opens, text('31/02/2026'))).step).toBe('opens');

    const due = await run(opens, text('01/12/2026 08:00'));
    expect(due.step).toBe('due');
    const early = await run(due, text('01/12/2026 07:00'));
    expect(early.step).toBe('due');
    expect(early.text).toContain('Hạn chót phải sau thời điểm mở đợt.');
    // A day alone is the end of that day.
    const ok = await run(due, text('15/12/2026'));
    expect(ok.step).toBe('targets');
    expect(ok.draft.dueAt).toBe(at('2026-12-15T23:59').toISOString());

    const now = await run(opens, button(B.now));
    expect(now.draft.opensNow).toBe(true);
    expect((await run(now, text('20/11/2026 17:00'))).text).toContain('Hạn chót phải sau thời điểm hiện tại.');
  });

  it('"Mở ngay" opens at the moment of creation', async () => {
    const s = await run(await started(), button('f0'), text('Năm 2026'), button(B.now), text('15/12/2026 17:00'), button(B.all), button(B.defaultPlan));
    expect(s.text).toContain('Mở: ngay khi tạo');
    const later = new Date(NOW.getTime() + 60_000);
    const outcome = await advance(s, button(B.create), { ...env, now: later });
    expect(outcome.kind === 'create' && outcome.input.opensAt).toEqual(later);
    expect(outcome.kind === 'create' && outcome.input.reminderOffsets).toEqual(['-7d', '-3d', '-1d', '0d', '+1d', '+3d']);
  });

  it('chooses targets by type (toggle buttons), by codes (listing unknown ones), and refuses a non-đảng bộ parent', async () => {
    const targets = await run(await started(), button('f0'), text('Năm 2026'), button(B.now), text('15/12/2026 17:00'));
    expect(targets.values).toEqual([B.all, B.types, B.parent, B.codes, B.back, B.cancel]);

    const types = await run(targets, button(B.types));
    expect(types.values).toEqual(['t0', 't1', 't2', B.done, B.back, B.cancel]);
    expect((await run(types, button(B.done))).text).toContain('Cần chọn ít nhất một loại hình');
    const ticked = await run(types, button('t2'), button('t1'), button('t2'), button('t2'));
    expect(ticked.draft.pickedTypes).toEqual(['chi_bo_co_so', 'chi_bo_truc_thuoc']);
    const chosenTypes = await run(ticked, button(B.done));
    expect(chosenTypes.step).toBe('plan');
    expect(chosenTypes.draft.targets).toEqual({ kind: 'types', types: ['chi_bo_co_so', 'chi_bo_truc_thuoc'] });
    expect(chosenTypes.text).toContain('Chi bộ cơ sở, Chi bộ trực thuộc (3 tổ chức)');

    const codes = await run(targets, button(B.codes), text('CB02, XX1 CB11;XX2'));
    expect(codes.step).toBe('targetCodes');
    expect(codes.text).toContain('Không có tổ chức mang mã: XX1, XX2.');
    const codesOk = await run(codes, text('CB02 CB11'));
    expect(codesOk.draft.targets).toEqual({ kind: 'codes', codes: ['CB02', 'CB11'] });

    const parent = await run(targets, button(B.parent), text('CB02'));
    expect(parent.step).toBe('targetParent');
    expect(parent.text).toContain('không phải đảng bộ cơ sở');
  });

  it('reads typed codes as the organizations have them, whatever their case, spaces, quotes or a comma after them', async () => {
    const targets = await run(await started(), button('f0'), text('Năm 2026'), button(B.now), text('15/12/2026 17:00'));
    const cases: Array<[string, string[]]> = [
      ['cb02, cb11', ['CB02', 'CB11']],
      ['  Cb02 ,CB11,  ', ['CB02', 'CB11']],
      ['«cb02»; "cb11".', ['CB02', 'CB11']],
      ['CB02 cb02', ['CB02']],
    ];
    for (const [typed, codes] of cases) {
      const chosen = await run(targets, button(B.codes), text(typed));
      expect(chosen.step, typed).toBe('plan');
      expect(chosen.draft.targets, typed).toEqual({ kind: 'codes', codes });
      expect(chosen.text, typed).toContain(`${codes.length} tổ chức: ${codes.join(', ')}`);
    }
    for (const typed of ['db01', ' Db01, ', '«db01».']) {
      const chosen = await run(targets, button(B.parent), text(typed));
      expect(chosen.step, typed).toBe('plan');
      expect(chosen.draft.targets, typed).toEqual({ kind: 'parent', parentCode: 'DB01' });
      expect(chosen.text, typed).toContain('(DB01) và các chi bộ trực thuộc');
    }
  });

  it('takes a form typed by its id, whatever its case', async () => {
    for (const typed of ['xep_loai_to_chuc_dang', 'XEP_LOAI_TO_CHUC_DANG', ' Xep_Loai_To_Chuc_Dang, ']) {
      const period = await run(await started(), text(typed));
      expect(period.step, typed).toBe('period');
      expect(period.draft.form, typed).toEqual({ id: 'xep_loai_to_chuc_dang', version: 2, title: 'Xếp loại' });
    }
  });

  it('validates the reminder plan and accepts "không"', async () => {
    const plan = await run(await started(), button('f0'), text('Năm 2026'), button(B.now), text('15/12/2026 17:00'), button(B.all));
    expect(plan.step).toBe('plan');
    expect(plan.text).toContain('7, 3, 1 ngày trước hạn, sáng ngày hết hạn, 1 và 3 ngày sau hạn, lúc 08:00');
    expect((await run(plan, text('7d'))).text).toContain('thiếu dấu');
    expect((await run(plan, text('-1d 08:00 09:00'))).text).toContain('Chỉ ghi một giờ nhắc');
    expect((await run(plan, text('không'))).draft.reminderOffsets).toEqual([]);
    expect((await run(plan, text('không'))).text).toContain('Nhắc: không nhắc');
  });

  it('goes back a step, cancels from anywhere, ignores buttons of another step', async () => {
    const due = await run(await started(), button('f0'), text('Năm 2026'), button(B.now));
    expect((await run(due, button(B.back))).step).toBe('opens');
    expect((await advance(due, button(B.cancel), env)).kind).toBe('cancelled');
    const stray = await run(due, button(B.all));
    expect(stray.step).toBe('due');
    expect((await run(await started(), text('dan_van'))).text).toContain('Xin chọn một biểu mẫu');
  });
});

describe('the /dotmoi wizard by typing only', () => {
  const says = async (state: WizardState, ...inputs: WizardInput[]): Promise<string[]> => {
    const s = await run(state, ...inputs);
    const outcome = await advance(s, text('?'), env);
    return outcome.kind === 'prompt' ? outcome.prompt.buttons.flat().map((b) => b.say) : [];
  };

  it('every button says what to type instead', async () => {
    const { prompt } = await startNewRound(env);
    expect(prompt.buttons.flat().map((b) => b.say)).toEqual(['1', '2', 'huỷ']);
    const form = await started();
    expect(await says(form, text('1'), text('Đợt đặc biệt'))).toEqual(['không', 'quay lại', 'huỷ']);
    expect(await says(form, text('1'), text('Năm 2026'))).toEqual(['ngay', 'quay lại', 'huỷ']);
    const targets = [text('1'), text('Năm 2026'), text('ngay'), text('15/12/2026 17:00')];
    expect(await says(form, ...targets)).toEqual(['1', '2', '3', '4', 'quay lại', 'huỷ']);
    expect(await says(form, ...targets, text('2'))).toEqual(['1', '2', '3', 'xong', 'quay lại', 'huỷ']);
    expect(await says(form, ...targets, text('1'))).toEqual(['mặc định', 'quay lại', 'huỷ']);
    expect(await says(form, ...targets, text('1'), text('mặc định'))).toEqual(['tạo', 'quay lại', 'huỷ']);
  });

  it('runs a whole /dotmoi: form, period, «ngay», deadline, all targets, default plan, «tạo»', async () => {
    const s = await run(await started(), text('1'), text('Năm 2026'), text('ngay'), text('15/12/2026 17:00'), text('1'), text('mặc định'));
    expect(s.step).toBe('confirm');
    expect(s.text).toContain('Dân vận &amp; QCDC (dan_van_qcdc v1)');
    expect(s.text).toContain('Mở: ngay khi tạo');
    expect(s.text).toContain('tất cả tổ chức (4)');
    const outcome = await advance(s, text('Tạo'), env);
    expect(outcome.kind).toBe('create');
    if (outcome.kind !== 'create') return;
    expect(outcome.input).toEqual({
      formId: 'dan_van_qcdc',
      formVersion: 1,
      periodLabel: 'Năm 2026',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      opensAt: NOW,
      dueAt: at('2026-12-15T17:00'),
      targets: { kind: 'all' },
      reminderOffsets: ['-7d', '-3d', '-1d', '0d', '+1d', '+3d'],
      reminderTime: '08:00',
    });
  });

  it('types toggled by number, «xong», «không» for no period dates', async () => {
    const noDates = await run(await started(), text('2'), text('Đợt đặc biệt'), text('khong'));
    expect(noDates.step).toBe('opens');
    expect(noDates.draft).toMatchObject({ form: { id: 'xep_loai_to_chuc_dang' }, periodStart: null, periodEnd: null });
    const types = await run(noDates, text('ngay'), text('15/12/2026'), text('2'), text('3'), text('1'), text('2'), text('1'), text('xong'));
    expect(types.step).toBe('plan');
    expect(types.draft.targets).toEqual({ kind: 'types', types: ['chi_bo_co_so', 'chi_bo_truc_thuoc'] });
  });

  it('«quay lại» (or 0 where nothing is typed) goes back, «huỷ» cancels from any step', async () => {
    const due = await run(await started(), text('1'), text('Năm 2026'), text('ngay'));
    expect(due.step).toBe('due');
    expect((await run(due, text('quay lại'))).step).toBe('opens');
    expect((await run(due, text('Quay lai.'))).step).toBe('opens');
    const targets = await run(due, text('15/12/2026'));
    expect((await run(targets, text('0'))).step).toBe('due');
    for (const word of ['huỷ', 'hủy', 'Huy', '«Huỷ»']) expect((await advance(due, text(word), env)).kind).toBe('cancelled');
    expect((await advance(await started(), text('huỷ'), env)).kind).toBe('cancelled');
    // A free-text step keeps any other text: "tạo" is a period label here, not «Tạo đợt».
    const period = await run(await started(), text('1'), text('tạo'));
    expect(period.draft.periodLabel).toBe('tạo');
  });

  it('the deadline wizard cancels on «huỷ»', async () => {
    const state: WizardState = { kind: 'deadline', seq: 4, campaignId: '12' };
    expect((await advance(state, text('Hủy'), env)).kind).toBe('cancelled');
    const bad = await advance(state, text('mai'), env);
    expect(bad.kind === 'prompt' && bad.prompt.buttons.flat().map((b) => b.say)).toEqual(['huỷ']);
  });
});

describe('the deadline wizard', () => {
  it('turns typed text into a new deadline, re-asks otherwise', async () => {
    const state: WizardState = { kind: 'deadline', seq: 4, campaignId: '12' };
    expect(await advance(state, text('20/12/2026 17:00'), env)).toMatchObject({ kind: 'set_deadline', campaignId: '12', dueAt: at('2026-12-20T17:00') });
    const bad = await advance(state, text('thứ sáu'), env);
    expect(bad.kind === 'prompt' && bad.prompt.text).toContain('Chưa hiểu thời điểm này');
    expect((await advance(state, button(B.cancel), env)).kind).toBe('cancelled');
  });
});

describe('typed dates, plans and button payloads', () => {
  it('reads dates as admins type them', () => {
    expect(parseChatDateTime('1/12/2026 8h', '00:00')).toEqual(at('2026-12-01T08:00'));
    expect(parseChatDateTime('17h30 ngày 15/12/2026', '00:00')).toEqual(at('2026-12-15T17:30'));
    expect(parseChatDateTime('2026-12-01T08:00', '00:00')).toEqual(at('2026-12-01T08:00'));
    expect(parseChatDateTime('15/12/2026', '23:59')).toEqual(at('2026-12-15T23:59'));
    expect(parseChatDateTime('30/02/2026', '23:59')).toBeUndefined();
    expect(parseChatDateTime('15/12/2026 25:00', '23:59')).toBeUndefined();
    expect(parseChatDateRange('từ 1/10/2026 đến 31/12/2026')).toEqual({ start: '2026-10-01', end: '2026-12-31' });
    expect(parseChatDateRange('31/12/2026 - 1/10/2026')).toBeUndefined();
  });

  it('reads a date alone (the CLI\'s --period-start too): day first or ISO, a real day, nothing else around it', () => {
    for (const typed of ['01/10/2026', '1/10/2026', '1.10.2026', '01-10-2026', '2026-10-01', ' 2026-10-01 ']) expect(parseChatDate(typed), typed).toBe('2026-10-01');
    for (const typed of ['30/02/2026', '2026-02-30', '2026-13-01', '1/10/26', '01/10/2026 08:00', '01/10/20261', 'ngày mai', '']) expect(parseChatDate(typed), typed).toBeUndefined();
  });

  it('reads a reminder plan with an optional time', () => {
    expect(parsePlanText('09:00')).toEqual({ ok: true, offsets: ['-7d', '-3d', '-1d', '0d', '+1d', '+3d'], time: '09:00' });
    expect(parsePlanText('-2d +1d 7h')).toEqual({ ok: true, offsets: ['-2d', '+1d'], time: '07:00' });
    expect(parsePlanText('').ok).toBe(false);
  });
});
