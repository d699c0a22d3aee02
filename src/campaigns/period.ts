/**
 * The date range a period label stands for, so that date questions can be
 * checked against "the round's period" without asking the admin twice.
 */
import { foldVietnamese } from '../text/normalize.js';

export interface Period {
  start: string;
  end: string;
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

function lastDayOfMonth(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function months(year: number, from: number, to: number): Period {
  return { start: `${year}-${String(from).padStart(2, '0')}-01`, end: lastDayOfMonth(year, to) };
}

/** "Năm 2026", "Quý IV/2026", "Quý 4 năm 2026", "6 tháng đầu năm 2026", "Tháng 11/2026"; undefined if unknown. */
export function periodFromLabel(label: string): Period | undefined {
  const text = foldVietnamese(label);
  let m = /^nam (\d{4})$/.exec(text);
  if (m) return months(Number(m[1]), 1, 12);
  m = /^quy (i{1,3}|iv|[1-4])\s*(?:\/|nam)\s*(\d{4})$/.exec(text);
  if (m) {
    const q = ROMAN[m[1]!] ?? Number(m[1]);
    return months(Number(m[2]), q * 3 - 2, q * 3);
  }
  m = /^6 thang (dau|cuoi) nam (\d{4})$/.exec(text);
  if (m) return m[1] === 'dau' ? months(Number(m[2]), 1, 6) : months(Number(m[2]), 7, 12);
  m = /^thang (\d{1,2})\s*(?:\/|nam)\s*(\d{4})$/.exec(text);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return months(Number(m[2]), Number(m[1]), Number(m[1]));
  return undefined;
}
