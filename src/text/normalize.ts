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
