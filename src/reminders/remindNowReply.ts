/** The office's answer to "Nhắc ngay" (/nhacnho or the /dot button), whatever the outcome. */
import type { RemindNowResult } from '../services/scheduling.js';
import { formatDateTime } from '../time.js';
import { reminderMessages as msg } from './messages.js';

export function remindNowReply(result: RemindNowResult): string {
  switch (result.kind) {
    case 'queued':
      return msg.remindNowQueued(result.organizations);
    case 'none_missing':
      return msg.remindNowNone;
    case 'not_open':
      return msg.remindNowNotOpen;
    case 'too_soon':
      return msg.remindNowTooSoon(formatDateTime(result.lastAt));
  }
}
