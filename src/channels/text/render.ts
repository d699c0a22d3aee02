/**
 * Messages for a text-only chat channel (Zalo: no buttons, no edits, plain text,
 * 2,000 characters per message). The markup loses its tags, and the options
 * become lines saying what to type: `2. Khá` for a numbered option, `• Gửi báo
 * cáo: gõ «gửi»` for a word. What the person then types is understood by the
 * dialogue and the wizard themselves (matchesSay), not here.
 */
import type { Markup, Option, OutboundMessage } from '../../chat/port.js';
import { splitText } from '../../text/split.js';
import { foldTyped, matchesSay } from '../../text/normalize.js';

export { matchesSay };

/** Zalo's limit on one text message. */
export const TEXT_MESSAGE_LIMIT = 2000;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function unescapeEntities(text: string): string {
  // One pass, so "&amp;lt;" becomes "&lt;" and not "<".
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (entity, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/**
 * The plain text of a markup: tags dropped with their content kept, entities
 * unescaped. Why: every value in a Markup is escaped, so each raw '<' starts a tag
 * and only unescaping brings back what people typed ("A < B & C").
 */
export function markupToPlain(markup: Markup): string {
  return unescapeEntities(markup.replace(/<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi, ''));
}

/** Marks a label carries for a button that a text line says otherwise (★ proposed, ☑ selected stay). */
const DECORATIONS = /[«»✅✔️⚠]/gu;

/** A button label as a line of text: decorations and a doubled "N. " dropped. */
function cleanLabel(label: string): string {
  return label.replace(DECORATIONS, '').replace(/\s+/g, ' ').trim();
}

/**
 * "★ 2. Khá" said `2` → "2. ★ Khá": the number first, marks that carry meaning
 * (★ proposed, ☑/☐ selected where typing toggles, as in the wizard) kept after it.
 * An option's `textLabel` is what it reads as here (a report's multi-choice: no ☑/☐).
 */
function numberedLine(option: Option): string {
  const label = cleanLabel(option.textLabel ?? option.label);
  const match = /^([★☑☐]\s*)?(\d+)[.)]\s+(.*)$/u.exec(label);
  const mark = match?.[1]?.trim();
  const rest = match && match[2] === option.say ? `${mark ? `${mark} ` : ''}${match[3]}` : label;
  return `${option.say}. ${rest}`;
}

function wordLine(option: Option, aliases: string[]): string {
  const label = cleanLabel(option.textLabel ?? option.label).replace(/[★☑☐]/gu, '').trim();
  const words = [option.say, ...aliases].map((w) => `«${w}»`).join(' hoặc ');
  return foldTyped(label) === foldTyped(option.say) || label === '' ? `• Gõ ${words}` : `• ${label}: gõ ${words}`;
}

const sameAction = (a: Option, b: Option): boolean => JSON.stringify(a.action) === JSON.stringify(b.action);

/**
 * The option lines of a message. An option said `0` is an alias (of «Quay lại»):
 * it joins the line of the option with the same action instead of a line of its own.
 */
function optionLines(options: Option[][]): string[] {
  const all = options.flat().filter((o) => !o.unlisted && o.say.trim() !== '');
  const isAlias = (o: Option) => o.say.trim() === '0';
  const listed = all.filter((o) => !isAlias(o));
  return listed.map((option) => {
    if (/^\d+$/.test(option.say.trim())) return numberedLine(option);
    const aliases = all.filter((o) => isAlias(o) && sameAction(o, option)).map((o) => o.say.trim());
    return wordLine(option, aliases);
  });
}

/**
 * A message as the plain-text chunks a text-only channel sends, each at most
 * `limit` characters: the text, a blank line, then one line per option. Why the
 * options stay with the question: a person reading the last message alone must
 * still see what was asked and what to type.
 */
export function renderForText(message: OutboundMessage, limit = TEXT_MESSAGE_LIMIT): string[] {
  const body = markupToPlain(message.text).replace(/^\n+|\s+$/g, '');
  const block = optionLines(message.options).join('\n');
  if (block === '') return splitText(body, limit);
  if (body === '') return splitText(block, limit);
  const whole = `${body}\n\n${block}`;
  if (whole.length <= limit) return [whole];

  // The last paragraph (the question, the review's footer) goes whole into the options' chunk.
  const cut = body.lastIndexOf('\n\n');
  const head = cut > 0 ? body.slice(0, cut) : '';
  const asked = `${cut > 0 ? body.slice(cut + 2) : body}\n\n${block}`;
  if (asked.length > limit) return splitText(whole, limit);
  const chunks = splitText(head, limit);
  const last = chunks[chunks.length - 1];
  if (last !== undefined && `${last}\n\n${asked}`.length <= limit) return [...chunks.slice(0, -1), `${last}\n\n${asked}`];
  return [...chunks, asked];
}
