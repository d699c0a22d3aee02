/** Escapes a value for Telegram's HTML parse mode: every value from a user or a file goes through here. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts a long user value for a one-line display, on a character (not UTF-16 unit) boundary. */
export function truncate(value: string, maxChars: number): string {
  const chars = [...value];
  return chars.length <= maxChars ? value : chars.slice(0, maxChars - 1).join('') + '…';
}
