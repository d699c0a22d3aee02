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
 * button. Why: the dialogue, the wizard and the text renderer must agree on one
 * comparison, or a word shown as typeable would not be understood.
 */
export function matchesSay(text: string, say: string): boolean {
  const folded = foldTyped(say);
  return folded !== '' && foldTyped(text) === folded;
}
