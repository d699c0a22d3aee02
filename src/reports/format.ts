/**
 * Number formatting for Vietnamese reports: '.' groups thousands, ',' is the
 * decimal mark; counts as a person writes them, and (formal*) with two digits under ten
 * as the party's formal documents write them.
 * Built on the forms' number formatting, so answers and reports read alike.
 */
import { formatNumberVi } from '../forms/format.js';
import { roundTo } from '../forms/numbers.js';
import { escapeHtml } from '../text/html.js';
import { foldVietnamese } from '../text/normalize.js';
import type { TypeCounts } from './figures.js';
import { summaryMessages } from './messages.js';

/** Digits after the comma in a report figure that is not a count or a percentage. */
const REPORT_DECIMALS = 2;

/** Groups the digits of a non-negative integer string by thousands with '.'. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/**
 * A count as a person writes it in a message: "5", "12", "1.234", "0". Why not "05": in a
 * chat, a status or a sheet the padded digit reads as machine output; only the formal
 * document pads (formalCount).
 */
export function formatCount(n: number): string {
  if (!Number.isInteger(n)) return formatNumberVi(n, REPORT_DECIMALS);
  if (n < 0) return `-${groupThousands(String(-n))}`;
  return groupThousands(String(n));
}

/** A fraction as a person writes it: "0/1", "3/9", "152/159", "1.000/2.000". */
export function formatFraction(part: number, total: number): string {
  return `${formatCount(part)}/${formatCount(total)}`;
}

/**
 * A count as the party's formal documents write it (the Word draft): two digits under
 * ten, "05", "12", "1.234". Zero stays "0": the document spells a zero count out in words
 * instead (see messages.ts).
 */
export function formalCount(n: number): string {
  if (Number.isInteger(n) && n > 0 && n < 10) return `0${n}`;
  return formatCount(n);
}

/**
 * A fraction as the formal documents write it, both sides at least two digits, zero
 * included: "00/01", "03/09", "152/159". A zero standing alone is spelled out in words
 * instead; inside a fraction it is "00".
 */
export function formalFraction(part: number, total: number): string {
  const side = (n: number) => (n === 0 ? '00' : formalCount(n));
  return `${side(part)}/${side(total)}`;
}

/**
 * A ratio 0..1 as a percentage: "80%", "78,9%". Rounding never claims 100% or
 * 0% that is not exact: 9,999 of 10,000 is "99,9%", 1 of 50,000 is "<0,1%".
 */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  const percent = ratio * 100;
  const exactInteger = Math.abs(percent - Math.round(percent)) < 1e-9;
  if (exactInteger) return `${formatNumberVi(Math.round(percent), 0)}%`;
  let rounded = roundTo(percent, 1);
  if (rounded >= 100 && percent < 100) rounded = 99.9;
  if (rounded <= 0 && percent > 0) return '<0,1%';
  return `${formatNumberVi(rounded, 1).replace(/^(-?[\d.]+)$/, '$1,0')}%`;
}

/** part of total as a percentage: "95,6%", "100%", "0%" (also when total is 0). */
export function formatPercent(part: number, total: number): string {
  if (total <= 0) return '0%';
  // Integer arithmetic decides exactness, so 3/5 is "60%" and 2/201 is "1,0%".
  if (Number.isInteger(part) && Number.isInteger(total) && (part * 100) % total === 0) {
    return `${formatNumberVi((part * 100) / total, 0)}%`;
  }
  return formatRatio(part / total);
}

/**
 * How a text is written for where it goes. `esc` wraps every value that came from a
 * user or a file; `bold` wraps text that is already safe; `count` and `fraction` write
 * counts as a message does ("5", "3/9") or as the formal document does ("05", "03/09").
 */
export interface Markup {
  esc(s: string): string;
  bold(s: string): string;
  count(n: number): string;
  fraction(part: number, total: number): string;
}

const chatCounts = { count: formatCount, fraction: formatFraction };
export const htmlMarkup: Markup = { esc: escapeHtml, bold: (s) => `<b>${s}</b>`, ...chatCounts };
export const plainMarkup: Markup = { esc: (s) => s, bold: (s) => s, ...chatCounts };
/** The Word draft's sentences: plain text, counts as Hướng dẫn 36-HD/VPTW documents write them. */
export const documentMarkup: Markup = { esc: (s) => s, bold: (s) => s, count: formalCount, fraction: formalFraction };

export type MarkupKind = 'html' | 'plain' | 'document';

export function markupFor(kind: MarkupKind): Markup {
  return kind === 'html' ? htmlMarkup : kind === 'plain' ? plainMarkup : documentMarkup;
}

/** The first letter upper case: figure labels are noun phrases made for a sentence. */
export function capitalize(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

/** "Năm 2026" → "năm 2026", as a word inside a sentence; an acronym ("QCDC …") keeps its capital. */
export function lowerFirst(s: string): string {
  if (s.length === 0) return s;
  const second = s.charAt(1);
  if (second !== '' && second !== second.toLocaleLowerCase('vi')) return s;
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

/** "a", "a và b", "a, b và c" */
export function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} ${summaryMessages.and} ${parts[parts.length - 1]}`;
}

/** The generic noun for the targets: base organizations, or party organizations when cells under a committee report too. */
export function unitNoun(byType: TypeCounts): string {
  return byType.chi_bo_truc_thuoc > 0 ? summaryMessages.anyOrgNoun : summaryMessages.baseOrgNoun;
}

/** ASCII slug of a Vietnamese text, at most 60 characters: "Năm 2026 – Đợt 1" → "nam-2026-dot-1". */
export function asciiSlug(text: string): string {
  return foldVietnamese(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}
