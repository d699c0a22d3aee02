/** The office's answer to "Nhắc ngay" (/nhacnho or the /dot button), whatever the outcome; it names the round. */
import { formatCount } from '../reports/format.js';
import type { RemindNowResult } from '../services/scheduling.js';
import { escapeHtml } from '../text/html.js';
import { formatDateTime } from '../time.js';
import { reminderMessages as msg } from './messages.js';

export function remindNowReply(result: RemindNowResult, round: { id: string; periodLabel: string }): string {
  const id = round.id;
  const period = escapeHtml(round.periodLabel);
  switch (result.kind) {
    case 'queued':
      return msg.remindNowQueued(id, period, formatCount(result.organizations));
    case 'none_missing':
      return msg.remindNowNone(id, period);
    case 'not_open':
      return msg.remindNowNotOpen(id, period);
    case 'too_soon':
      return msg.remindNowTooSoon(id, period, formatDateTime(result.lastAt));
    case 'busy':
      return msg.remindNowBusy(id, period, formatCount(result.waiting));
  }
}
