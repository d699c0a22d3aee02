/**
 * Folding for matching what people type against labels: chat users often type
 * without diacritics ("khong", "trung binh") or with another keyboard's Unicode
 * form (NFD on some phones), so both sides are reduced to bare lowercase ASCII-ish
 * letters before comparing.
 */
export function foldVietnamese(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    // 'đ' is a letter of its own, not 'd' plus a mark, so NFD leaves it alone.
    .replace(/đ/g, 'd')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Quotes, brackets and guillemets people copy around a word they were told to type («gửi», "1"). */
const SURROUNDING = /^[\s«»"'“”‘’()[\]<>]+|[\s«»"'“”‘’()[\]<>.!?…:;,]+$/gu;

/**
 * A typed word as compared with a prompt's typed words: folded, without the
 * quotes or brackets copied from the prompt («gửi») and the closing punctuation
 * of a chat sentence ("Có.", "gửi!"). Why: "Huỷ", "hủy", "huy" and «huỷ» must
 * all be the same word for every channel.
 */
export function foldTyped(s: string): string {
  return foldVietnamese(s).replace(SURROUNDING, '').replace(/\s+/g, ' ');
}

/**
 * Whether what the person typed is the word `say` a prompt offers instead of a
 * button, commas inside aside. Why: the dialogue, the wizard and the text renderer must agree on one
 * comparison, or a word shown as typeable would not be understood.
 */
export function matchesSay(text: string, say: string): boolean {
  const folded = sayWords(say);
  return folded !== '' && sayWords(text) === folded;
}

/** A comma or semicolon inside a typed phrase is a pause: «Không, để đợt tiếp tục» is typed with or without it. */
function sayWords(s: string): string {
  return foldTyped(s).replace(/\s*[,;]\s*/g, ' ');
}

/** Why a typed text is refused rather than cleaned: Postgres cannot store it (NUL in text, invalid UTF-8 from a lone surrogate). */
export type TypedTextRefusal = 'nul' | 'lone_surrogate';

export type NormalizedTypedText = { ok: true; text: string } | { ok: false; reason: TypedTextRefusal };

/**
 * Characters that show nothing (or only reorder what is shown) and that nobody
 * means as part of an answer: zero-width spaces and joiners, word joiner, BOM,
 * Mongolian vowel separator, soft hyphen, invisible math operators, deprecated
 * format characters, bidi marks, embeddings, overrides and isolates, and the C0
 * and C1 controls except '\n' and '\t' (so U+0085 NEL goes too). The zero-width
 * joiner is handled apart, because inside an emoji sequence it is visible.
 */
const INVISIBLE =
  /[\u0001-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/gu;

/** A zero-width joiner that does not glue two emoji together ("👨‍👩‍👧" keeps its joiners). */
const STRAY_ZWJ = /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}]\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** Node 20 has String.prototype.isWellFormed; the project's lib (ES2023) does not declare it yet. */
type WellFormedCheck = { isWellFormed(): boolean };

/**
 * What a person typed, made fit to store and compare: refused when it holds a
 * NUL or a lone surrogate (Postgres would fail on it, and retrying would fail
 * for ever), otherwise without invisible and control characters, line breaks
 * as '\n', composed (NFC) and trimmed, whitespace inside kept as typed. Why:
 * "\u200b" or "\u0085" alone must count as an empty answer, not be stored as
 * one, and the same words typed on two phones must be the same text.
 */
export function normalizeTypedText(raw: string): NormalizedTypedText {
  if (raw.includes('\u0000')) return { ok: false, reason: 'nul' };
  if (!(raw as string & WellFormedCheck).isWellFormed()) return { ok: false, reason: 'lone_surrogate' };
  const text = raw
    // A lone '\r' (old Mac line end) is a line break too, not a control character to drop.
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(STRAY_ZWJ, '')
    // After removal: a zero-width character between a letter and its mark no longer blocks composing them.
    .normalize('NFC')
    // trim() removes every Unicode space at the edges (NBSP, U+2000–U+200A, U+3000, line breaks).
    .trim();
  return { ok: true, text };
}
