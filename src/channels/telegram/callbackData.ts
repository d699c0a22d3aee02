/**
 * Telegram's inline button payloads: at most 64 bytes, so every Action is a short code.
 *   r:<submission>:<step>:<input>  an input of the report dialogue, shown at <step>
 *   o:<campaign>:<organization>    start or resume a report
 *   k:<delivery>                   «Đã nhận» under an announcement
 *   dm:<seq>:<value>               a button of the admin's wizard, shown at prompt <seq>
 *   dt:<campaign>:<action>         an action on a round from /dot N (d, c, cy, cn, r, ry, rn, g: «Gửi lại»)
 *   f:<campaign>:<x|w|c>           a file of the round from /tonghop (Excel, Word, chart)
 *   ns:<campaign>:<page>[:<parent>] a page of /chuanop, of one parent organization if given
 * A report button carries the step it was shown at, so a press on an old message is
 * recognised as stale instead of answering the wrong question. What a payload claims
 * is never trusted: the chat layer checks the caller's rights for every action.
 */
import { FILE_CODES, type Action, type FileKind, type RoundAction } from '../../chat/port.js';
import type { Input } from '../../dialogue/types.js';

export const CALLBACK_DATA_MAX_BYTES = 64;

function encodeInput(input: Input): string {
  switch (input.kind) {
    case 'pick':
      return `p${input.index}`;
    case 'toggle':
      return `t${input.index}`;
    case 'finish_multi':
      return 'f';
    case 'skip':
      return 's';
    case 'back':
      return 'b';
    case 'edit':
      return `e${input.questionNo}`;
    case 'submit':
      return 'g';
    case 'show':
      return 'v';
    case 'text':
    case 'edit_answer':
      throw new Error('typed text is never a button');
  }
}

function decodeInput(code: string): Input | undefined {
  const match = /^([ptfsbegv])(\d{0,4})$/.exec(code);
  if (!match) return undefined;
  const [, letter, digits = ''] = match;
  const n = Number(digits);
  const needsNumber = letter === 'p' || letter === 't' || letter === 'e';
  if (needsNumber !== (digits !== '')) return undefined;
  switch (letter) {
    case 'p':
      return { kind: 'pick', index: n };
    case 't':
      return { kind: 'toggle', index: n };
    case 'e':
      return { kind: 'edit', questionNo: n };
    case 'f':
      return { kind: 'finish_multi' };
    case 's':
      return { kind: 'skip' };
    case 'b':
      return { kind: 'back' };
    case 'g':
      return { kind: 'submit' };
    default:
      return { kind: 'show' };
  }
}

const ROUND_CODES: Record<RoundAction, string> = { due: 'd', close: 'c', close_ok: 'cy', close_no: 'cn', remind: 'r', remind_ok: 'ry', remind_no: 'rn', resend: 'g' };
const ROUND_ACTIONS = new Map(Object.entries(ROUND_CODES).map(([action, code]) => [code, action as RoundAction]));
const FILE_KINDS_BY_CODE = new Map(Object.entries(FILE_CODES).map(([kind, code]) => [code, kind as FileKind]));

function encodeUnchecked(action: Action): string {
  switch (action.kind) {
    case 'report':
      return `r:${action.submissionId}:${action.step}:${encodeInput(action.input)}`;
    case 'open':
      return `o:${action.campaignId}:${action.organizationId}`;
    case 'ack':
      return `k:${action.deliveryId}`;
    case 'wizard':
      return `dm:${action.seq}:${action.value}`;
    case 'round':
      return `dt:${action.campaignId}:${ROUND_CODES[action.action]}`;
    case 'file':
      return `f:${action.campaignId}:${FILE_CODES[action.file]}`;
    case 'notSubmitted':
      return `ns:${action.campaignId}:${action.page}${action.afterCode !== undefined ? `:${action.parentId ?? ''}:${action.afterCode}` : action.parentId !== undefined ? `:${action.parentId}` : ''}`;
  }
}

export function encodeAction(action: Action): string {
  const data = encodeUnchecked(action);
  if (Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) throw new RangeError(`callback data too long: ${data}`);
  return data;
}

/** Undefined for anything this bot did not produce (or an older format). */
export function decodeAction(data: string): Action | undefined {
  const report = /^r:(\d{1,18}):(\d{1,9}):(\w{1,5})$/.exec(data);
  if (report) {
    const input = decodeInput(report[3]!);
    return input && { kind: 'report', submissionId: report[1]!, step: Number(report[2]), input };
  }
  const open = /^o:(\d{1,18}):(\d{1,18})$/.exec(data);
  if (open) return { kind: 'open', campaignId: open[1]!, organizationId: open[2]! };
  const ack = /^k:(\d{1,18})$/.exec(data);
  if (ack) return { kind: 'ack', deliveryId: ack[1]! };
  const wizard = /^dm:(\d{1,9}):([a-z0-9]{1,16})$/.exec(data);
  if (wizard) return { kind: 'wizard', seq: Number(wizard[1]), value: wizard[2]! };
  const round = /^dt:(\d{1,18}):([a-z]{1,2})$/.exec(data);
  const roundAction = round ? ROUND_ACTIONS.get(round[2]!) : undefined;
  if (round && roundAction) return { kind: 'round', campaignId: round[1]!, action: roundAction };
  const file = /^f:(\d{1,18}):([a-z])$/.exec(data);
  const fileKind = file ? FILE_KINDS_BY_CODE.get(file[2]!) : undefined;
  if (file && fileKind) return { kind: 'file', campaignId: file[1]!, file: fileKind };
  // The code last: it is the one part that may hold any character (':' included).
  const page = /^ns:(\d{1,18}):([1-9]\d{0,8})(?::(\d{1,18})|:(\d{0,18}):(.+))?$/s.exec(data);
  if (page) {
    return {
      kind: 'notSubmitted',
      campaignId: page[1]!,
      page: Number(page[2]),
      ...(page[3] || page[4] ? { parentId: (page[3] || page[4])! } : {}),
      ...(page[5] !== undefined ? { afterCode: page[5] } : {}),
    };
  }
  return undefined;
}
