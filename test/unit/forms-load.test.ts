import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledFormsDir, loadFormsFromDir, parseFormText } from '../../src/forms/load.js';

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baocao-forms-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, 'utf8');
  return dir;
}

const sound = {
  id: 'mau',
  version: 1,
  title: 'Mẫu',
  questions: [{ key: 'so', type: 'integer', text: 'Số?' }],
};

describe('bundled forms', () => {
  it('both load, in file-name order, with defaults applied', async () => {
    const forms = await loadFormsFromDir(bundledFormsDir);
    expect(forms.map((f) => `${f.id}@${f.version}`)).toEqual(['dan_van_qcdc@1', 'xep_loai_to_chuc_dang@1']);
    const [qcdc, xl] = forms;
    expect(qcdc?.questions).toHaveLength(14);
    expect(qcdc?.questions.filter((q) => !q.required).map((q) => q.key)).toEqual(['han_che', 'kien_nghi']);
    expect(xl?.questions).toHaveLength(9);
    expect(xl?.rules.map((r) => r.id)).toEqual(['tong_xep_loai']);
    const date = xl?.questions.find((q) => q.key === 'ngay_kiem_diem');
    expect(date).toMatchObject({ type: 'date', within: 'period', allowFuture: false, required: true });
  });
});

describe('parseFormText', () => {
  it('accepts a sound form', () => {
    const result = parseFormText(JSON.stringify(sound));
    expect(result.kind).toBe('ok');
    expect(result.problems).toEqual([]);
  });

  it('reports invalid JSON', () => {
    const result = parseFormText('{ "id": ');
    expect(result.kind).toBe('error');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^không phải JSON hợp lệ: /);
  });

  it('reports every schema problem at once, each with its place', () => {
    const broken = {
      id: 'Bad Id',
      version: 0,
      title: '',
      questions: [
        { key: 'ok_one', type: 'integer', text: 'Số?' },
        { key: 'bad-key', type: 'yes_no', text: 'Có?' },
        { key: 'c', type: 'choice', text: 'Chọn?', choices: [{ value: 'a', label: 'A' }] },
        { key: 'd', type: 'integer', text: 'Số?', unknownField: 1 },
      ],
    };
    const result = parseFormText(JSON.stringify(broken));
    expect(result.kind).toBe('error');
    const joined = result.problems.join('\n');
    expect(joined).toMatch(/^id: /m);
    expect(joined).toMatch(/^version: /m);
    expect(joined).toMatch(/^title: /m);
    expect(joined).toMatch(/^questions\[1\]\.key: /m);
    expect(joined).toMatch(/^questions\[2\]\.choices: /m);
    expect(joined).toMatch(/^questions\[3\]/m);
    expect(result.problems.length).toBeGreaterThanOrEqual(6);
  });

  it('reports every cross-reference problem at once', () => {
    const form = {
      ...sound,
      questions: [
        { key: 'so', type: 'integer', text: 'Số?', relevant: { question: 'sau', equals: true } },
        { key: 'sau', type: 'yes_no', text: 'Có?' },
      ],
      rules: [{ id: 'r', left: { answer: 'so' }, op: 'eq', right: { answer: 'khong_co' }, message: 'm' }],
    };
    const result = parseFormText(JSON.stringify(form));
    expect(result).toEqual({
      kind: 'error',
      problems: ['questions[0].relevant.question: "sau" không đứng trước trong biểu mẫu', 'rules[0].right: không có câu hỏi "khong_co"'],
    });
  });
});

describe('loadFormsFromDir', () => {
  it('throws one error naming every problem of every file', async () => {
    const dir = await dirWith({
      'a.json': '{ not json',
      'b.json': JSON.stringify({ ...sound, questions: [] }),
      'c.json': JSON.stringify(sound),
      'd.json': JSON.stringify({ ...sound, title: 'Bản trùng' }),
      'notes.txt': 'ignored',
    });
    const error = await loadFormsFromDir(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('có 3 lỗi:');
    expect(message).toContain('a.json: không phải JSON hợp lệ');
    expect(message).toContain('b.json: questions:');
    expect(message).toContain('d.json: biểu mẫu mau v1 đã được định nghĩa trong c.json');
    // zod's own messages are in Vietnamese too.
    expect(message).toContain('b.json: questions: Quá nhỏ');
    expect(message).not.toContain('notes.txt');
  });

  it('loads a directory of sound forms', async () => {
    const bundledText = await readFile(join(bundledFormsDir, 'dan_van_qcdc.v1.json'), 'utf8');
    const dir = await dirWith({ 'x.json': bundledText, 'y.json': JSON.stringify(sound) });
    const forms = await loadFormsFromDir(dir);
    expect(forms.map((f) => f.id)).toEqual(['dan_van_qcdc', 'mau']);
  });
});
