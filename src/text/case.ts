/** Letter case of Vietnamese words inside a sentence. */

/** "Năm 2026" → "năm 2026", as a word inside a sentence; an acronym ("QCDC …") keeps its capital. */
export function lowerFirst(s: string): string {
  if (s.length === 0) return s;
  const second = s.charAt(1);
  if (second !== '' && second !== second.toLocaleLowerCase('vi')) return s;
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}
