/**
 * A ladder as admins write it and read it back: "-7d, -3d, 0d, +1d" and "8h30" parsed
 * with a Vietnamese reason when they cannot be, and a plan described in words. The
 * rules themselves (the range of offsets, when each slot goes out) are in policy.ts.
 */
import { foldVietnamese } from '../text/normalize.js';
import { hhmm, minutesOf } from './localClock.js';
import { formatOffset, MAX_OFFSET_DAYS, offsetDaysOf, readOffset, type ReminderPlan } from './policy.js';

export { parseTimeOfDay } from './localClock.js';

const OFFSET_HELP = 'mỗi mốc nhắc viết như -7d (7 ngày trước hạn), 0d (ngày hết hạn) hoặc +1d (1 ngày sau hạn).';

type OffsetParse = { ok: true; days: number } | { ok: false; message: string };

function parseOffsetItem(item: string): OffsetParse {
  const read = readOffset(item);
  if (read.ok) return read;
  switch (read.problem) {
    case 'syntax':
      return { ok: false, message: `Không hiểu «${item}»: ${OFFSET_HELP}` };
    case 'unsigned':
      return { ok: false, message: `Mốc «${item}» thiếu dấu: ghi -${read.days}d (${read.days} ngày trước hạn) hoặc +${read.days}d (${read.days} ngày sau hạn).` };
    case 'too_far':
      return { ok: false, message: `Mốc «${item}» quá xa: chỉ nhắc trong khoảng ${MAX_OFFSET_DAYS} ngày trước đến ${MAX_OFFSET_DAYS} ngày sau hạn.` };
  }
}

/**
 * "-7d, -3d, -1d, 0d, +1d, +3d" (also "-7 -3 0 +1", separated by commas, spaces
 * or semicolons) → normalised, sorted, without duplicates. "không"/"none" means
 * no reminders at all.
 */
export function parseOffsets(text: string): { ok: true; offsets: string[] } | { ok: false; message: string } {
  const folded = foldVietnamese(text.normalize('NFC'));
  if (folded === 'khong' || folded === 'none') return { ok: true, offsets: [] };
  const items = text.split(/[\s,;]+/).filter(Boolean);
  if (items.length === 0) {
    return { ok: false, message: `Chưa có mốc nhắc nào: ${OFFSET_HELP} Không muốn nhắc thì ghi «không».` };
  }
  const days = new Set<number>();
  for (const item of items) {
    const parsed = parseOffsetItem(item);
    if (!parsed.ok) return parsed;
    days.add(parsed.days);
  }
  return { ok: true, offsets: [...days].sort((a, b) => a - b).map(formatOffset) };
}

function list(numbers: number[]): string {
  return numbers.length === 2 ? `${numbers[0]} và ${numbers[1]}` : numbers.join(', ');
}

/** "7, 3, 1 ngày trước hạn, sáng ngày hết hạn, 1 và 3 ngày sau hạn, lúc 08:00"; "không nhắc" without offsets. */
export function describePlan(plan: ReminderPlan): string {
  const days = [...new Set(plan.offsets.map(offsetDaysOf))].sort((a, b) => a - b);
  if (days.length === 0) return 'không nhắc';
  const time = minutesOf(plan.time, 'reminder time');
  const parts: string[] = [];
  const before = days.filter((n) => n < 0).map((n) => -n);
  const after = days.filter((n) => n > 0);
  if (before.length > 0) parts.push(`${list(before)} ngày trước hạn`);
  if (days.includes(0)) parts.push(time < 12 * 60 ? 'sáng ngày hết hạn' : 'ngày hết hạn');
  if (after.length > 0) parts.push(`${list(after)} ngày sau hạn`);
  return `${parts.join(', ')}, lúc ${hhmm(time)}`;
}
