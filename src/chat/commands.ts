/**
 * What a typed message asks for, before it is taken as an answer: a command
 * ("/baocao", "/tonghop 3", "/start@bot CODE"), the same word typed without the slash
 * (Zalo users rarely type one), or one of the typed words that replace a button
 * outside the dialogue («đã nhận»).
 */
import { foldVietnamese } from '../text/normalize.js';

export type CommandName =
  | 'start'
  | 'baocao'
  | 'huy'
  | 'trangthai'
  | 'trogiup'
  | 'lienket'
  | 'dotmoi'
  | 'dot'
  | 'tonghop'
  | 'chuanop'
  | 'nhacnho'
  | 'molai'
  | 'doihan'
  | 'ketthuc'
  | 'guilai'
  | 'danhan';

export interface ParsedCommand {
  name: CommandName;
  /** The rest of the message, trimmed. */
  args: string;
  /** Typed without the slash («huỷ», «baocao 2»), as on Zalo. */
  bare?: true;
}

const ALIASES: Record<string, CommandName> = {
  start: 'start',
  baocao: 'baocao',
  huy: 'huy',
  trangthai: 'trangthai',
  trogiup: 'trogiup',
  help: 'trogiup',
  lienket: 'lienket',
  dotmoi: 'dotmoi',
  dot: 'dot',
  tonghop: 'tonghop',
  chuanop: 'chuanop',
  nhacnho: 'nhacnho',
  molai: 'molai',
  doihan: 'doihan',
  ketthuc: 'ketthuc',
  guilai: 'guilai',
};

/**
 * Words recognised without a slash, folded: only where the whole message is the word
 * (and its arguments), never a likely answer to a question.
 */
const BARE: Record<string, CommandName> = {
  baocao: 'baocao',
  'bao cao': 'baocao',
  trogiup: 'trogiup',
  'tro giup': 'trogiup',
  trangthai: 'trangthai',
  'trang thai': 'trangthai',
  huy: 'huy',
  lienket: 'lienket',
  'lien ket': 'lienket',
  'da nhan': 'danhan',
  tonghop: 'tonghop',
  'tong hop': 'tonghop',
  chuanop: 'chuanop',
  dotmoi: 'dotmoi',
  // Only as one word: «nhắc nhở», «mở lại», «kết thúc», «gửi lại» apart are things people write in answers.
  dot: 'dot',
  nhacnho: 'nhacnho',
  molai: 'molai',
  doihan: 'doihan',
  ketthuc: 'ketthuc',
  guilai: 'guilai',
};

/** A round's id as the commands take it: "12" or "#12". */
export const ROUND_ID = /^#?\d{1,18}$/;

/**
 * Bare words that may be followed by arguments, and what those must look like ("baocao 2",
 * "lienket K7M2QRST", "tonghop 3"): anything else ("Báo cáo đầy đủ") is an answer.
 */
const BARE_ARGS: Partial<Record<CommandName, RegExp>> = {
  baocao: /^#?\d{1,9}$/,
  tonghop: ROUND_ID,
  // "chuanop 12", "chuanop 12 trang 2", "chuanop 12 DB01 trang 2", "chuanop DB01": a round's
  // number, a parent's code (any word but «trang»), a page, each optional, in that order.
  chuanop: /^(?:#?\d{1,18}(?:\s+|$))?(?:(?!trang(?:\s|$))[^\s#]{1,40}(?:\s+|$))?(?:trang\s+\d{1,9})?$/iu,
  lienket: /^[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}$/,
  // Only "dot #12": «Đợt 12» is what an office names a round in /dotmoi, and an answer could be it.
  dot: /^#\d{1,18}$/,
  // "nhacnho 12" asks, "nhacnho 12 ngay" sends (as the confirmation says to type it); "nhacnho ngay" asks about the latest round.
  nhacnho: /^(?:#?\d{1,18}(?:\s+[\p{L}\p{M}]+)?|ngay)$/iu,
  doihan: ROUND_ID,
  guilai: ROUND_ID,
  // "ketthuc 5 ngay" closes at once; any other word after the number only asks to confirm.
  ketthuc: /^#?\d{1,18}(?:\s+[\p{L}\p{M}]+)?$/u,
  // An organization's code, then the round's number if not the latest: "molai CB01 3".
  molai: /^[^\s#]+(?:\s+#?\d{1,18})?$/,
};

/** What confirms a typed action on a round, after its number: «/nhacnho 12 ngay» (or «ngày»), as «/ketthuc 12 ngay». */
export function isConfirmWord(word: string): boolean {
  return foldVietnamese(word).replace(/[.!]+$/, '') === 'ngay';
}

/** The command a text is, or undefined when it is something else (an answer, a code). */
export function parseCommand(text: string): ParsedCommand | undefined {
  const trimmed = text.trim();
  // "/huỷ" and "/baocao." as people type them: the command word folded, its full stop dropped.
  const slash = /^\/([\p{L}\p{M}]+)[.!]*(?:@\w+)?(?:\s+([\s\S]*))?$/u.exec(trimmed);
  if (slash) {
    const name = ALIASES[foldVietnamese(slash[1]!)];
    return name ? { name, args: (slash[2] ?? '').trim() } : undefined;
  }
  const folded = foldVietnamese(trimmed).replace(/[.!]+$/, '');
  const exact = BARE[folded];
  if (exact) return { name: exact, args: '', bare: true };
  for (const [word, name] of Object.entries(BARE)) {
    const argsPattern = BARE_ARGS[name];
    if (!argsPattern || !folded.startsWith(`${word} `)) continue;
    const args = trimmed.split(/\s+/).slice(word.split(' ').length).join(' ');
    // Tested folded («ngày» is «ngay»), handed on as typed (a code keeps its case).
    if (argsPattern.test(foldVietnamese(args))) return { name, args, bare: true };
  }
  return undefined;
}

/** A slash command this bot does not know: refused with the help hint, never taken as an answer. */
export function isUnknownSlashCommand(text: string): boolean {
  return startsWithSlashWord(text) && parseCommand(text) === undefined;
}

/** "/word…": with parseCommand's answer at hand, that it found nothing makes it an unknown command. */
export function startsWithSlashWord(text: string): boolean {
  return /^\/\p{L}/u.test(text.trim());
}
