/**
 * Telegram refusing or not answering while the bot starts (getMe, setWebhook,
 * deleteWebhook): one line for the IT person, with Telegram's own description. Never the
 * request: setWebhook's holds the webhook's secret, and a network error quotes the Bot
 * API URL, token included.
 */
import { GrammyError, HttpError } from 'grammy';
import { StartupError } from '../../startupError.js';
import { telegramStartMessages as msg } from './messages.js';

export type StartStep = 'getMe' | 'setWebhook' | 'deleteWebhook';

export async function atTelegramStart<T>(step: StartStep, apiRoot: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw telegramProblem(step, apiRoot, error);
  }
}

/** main.ts masks the message's secrets when it prints it (a network error may quote the URL). */
function telegramProblem(step: StartStep, apiRoot: string, error: unknown): unknown {
  if (error instanceof GrammyError) {
    if (error.error_code === 401 || error.error_code === 404) return new StartupError(msg.badToken(error.error_code));
    return new StartupError(msg.refused(step, error.description) + (step === 'setWebhook' ? msg.webhookHint : ''));
  }
  if (error instanceof HttpError) {
    const detail = error.error instanceof Error ? error.error.message : String(error.error);
    return new StartupError(msg.unreachable(apiRoot, detail));
  }
  return error;
}
