/** Escapes a value for Telegram's HTML parse mode: every value from a user or a file goes through here. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts a long user value for a one-line display, on a character (not UTF-16 unit) boundary. */
export function truncate(value: string, maxChars: number): string {
  const chars = [...value];
  if (chars.length <= maxChars) return value;
  const cut = chars.slice(0, maxChars - 1).join('');
  // At a word's end when one is near: "thực hi…" reads worse than "thực…".
  const space = cut.lastIndexOf(' ');
  return (space >= cut.length * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}
