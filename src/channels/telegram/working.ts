/**
 * Telegram's sign that a slow reply is coming (Working, for a file being made): the
 * pressed button is answered at once with the notice, so its spinner stops, and the chat
 * header says "sending a file…" until the reply has been shown (an upload takes a while too).
 */
import type { Context } from 'grammy';
import type { Working } from '../../chat/port.js';
import type { Logger } from '../../logger.js';
import { isExpiredQuery } from './queries.js';

/** Telegram shows a chat action for about 5 seconds: it is sent again until the reply is shown. */
const CHAT_ACTION_REPEAT_MS = 4_000;

interface WorkingSign {
  start: Working;
  stop(): void;
  /** The pressed button's query was answered by start: the reply must not answer it again (Telegram takes one answer). */
  readonly answeredQuery: boolean;
}

export function workingSign(ctx: Context, log: Logger): WorkingSign {
  let timer: NodeJS.Timeout | undefined;
  let answeredQuery = false;
  return {
    start(notice) {
      if (timer) return;
      if (ctx.callbackQuery) {
        answeredQuery = true;
        ctx.answerCallbackQuery({ text: notice }).catch((err: unknown) => {
          // A press received again (answered the first time): only its notice is lost.
          if (!isExpiredQuery(err)) log.warn({ err }, 'could not answer the pressed button');
        });
      }
      const action = () => void ctx.replyWithChatAction('upload_document').catch(() => undefined);
      action();
      timer = setInterval(action, CHAT_ACTION_REPEAT_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    get answeredQuery() {
      return answeredQuery;
    },
  };
}
