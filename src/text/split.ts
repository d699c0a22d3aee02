/**
 * Splits a long message at a channel's limit (each adapter passes its own: Telegram
 * 4,096 characters, Zalo 2,000). Cuts go between lines; the
 * report renderers keep every HTML tag within one line, so each chunk is valid
 * HTML on its own. A single line longer than the limit is
 * cut hard, preferably at a space, never inside an HTML entity or tag and never
 * between the two halves of a surrogate pair.
 */

/** The best place to cut `line` at or before `limit` (a length, > 0). */
function cutPoint(line: string, limit: number): number {
  let cut = limit;
  // Not inside "&amp;" or "<b>": move back to the start of an unterminated one.
  const head = line.slice(0, cut);
  const amp = head.lastIndexOf('&');
  if (amp >= 0 && !head.slice(amp).includes(';') && /^&#?\w{1,10};/.test(line.slice(amp))) cut = amp;
  const lt = line.lastIndexOf('<', cut - 1);
  if (lt >= 0 && !line.slice(lt, cut).includes('>') && line.indexOf('>', lt) >= cut) cut = lt;
  // Prefer a space in the last fifth of the piece.
  const space = line.lastIndexOf(' ', cut - 1);
  if (space > 0 && space >= Math.floor(cut * 0.8)) cut = space + 1;
  // Never split a surrogate pair.
  const code = line.charCodeAt(cut - 1);
  if (cut < line.length && code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut > 0 ? cut : Math.min(limit, line.length);
}

function hardSplit(line: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces.filter((p) => p.length > 0);
}

/**
 * Chunks of at most `limit` UTF-16 units (what String.length counts; never
 * fewer characters than a chat app counts), cut at line boundaries. Blank lines
 * at the edges of a chunk are dropped; a blank text gives no chunk at all. Why
 * channel-neutral: plain text (a text-only channel) and HTML split alike.
 */
export function splitText(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`limit must be an integer ≥ 2, got ${limit}`);
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    const trimmed = current.replace(/^\n+|\n+$/g, '');
    if (trimmed.trim().length > 0) chunks.push(trimmed);
    current = '';
  };
  for (const line of text.split('\n')) {
    if (line.length > limit) {
      flush();
      const pieces = hardSplit(line, limit);
      // The last piece may still share a chunk with the lines after it.
      for (const piece of pieces.slice(0, -1)) chunks.push(piece);
      current = pieces[pieces.length - 1] ?? '';
      continue;
    }
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length > limit) {
      flush();
      current = line;
    } else {
      current = candidate;
    }
  }
  flush();
  return chunks;
}
