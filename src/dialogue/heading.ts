/** Reading a question prompt back: which question a quoted prompt asked (its heading "Câu 3/14."). */
import { dialogueMessages } from './messages.js';

// Built from the heading itself, so the two cannot drift apart.
const HEADING = new RegExp(
  dialogueMessages
    .questionHeading(1, 2)
    .replace(/<[^>]+>/g, '')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('1', '(\\d{1,3})')
    .replace('2', '\\d{1,3}'),
);

/** The question number of a prompt as the person saw it (plain text), or undefined for any other message. */
export function questionNoInPrompt(plainText: string): number | undefined {
  const match = HEADING.exec(plainText);
  return match ? Number(match[1]) : undefined;
}
