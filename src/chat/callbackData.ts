/**
 * Inline button payloads. Telegram allows 64 bytes, so inputs are short codes.
 * A report button carries the report and the step it was shown at: a press on an
 * old message is recognised as stale by the service instead of answering the
 * wrong question.
 */
import type { Input } from '../dialogue/types.js';

export type ButtonAction =
  | { kind: 'report'; submissionId: string; step: number; input: Input }
  | { kind: 'open'; campaignId: string; organizationId: string }
  /** "Đã nhận" under an announcement. */
  | { kind: 'ack'; deliveryId: string };

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

export function encodeAction(action: ButtonAction): string {
  switch (action.kind) {
    case 'report':
      return `r:${action.submissionId}:${action.step}:${encodeInput(action.input)}`;
    case 'open':
      return `o:${action.campaignId}:${action.organizationId}`;
    case 'ack':
      return `k:${action.deliveryId}`;
  }
}

/** Undefined for anything this bot did not produce (or an older format). */
export function decodeAction(data: string): ButtonAction | undefined {
  const report = /^r:(\d{1,18}):(\d{1,9}):(\w{1,5})$/.exec(data);
  if (report) {
    const input = decodeInput(report[3]!);
    return input && { kind: 'report', submissionId: report[1]!, step: Number(report[2]), input };
  }
  const open = /^o:(\d{1,18}):(\d{1,18})$/.exec(data);
  if (open) return { kind: 'open', campaignId: open[1]!, organizationId: open[2]! };
  const ack = /^k:(\d{1,18})$/.exec(data);
  if (ack) return { kind: 'ack', deliveryId: ack[1]! };
  return undefined;
}
