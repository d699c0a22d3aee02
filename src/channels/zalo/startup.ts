/**
 * Zalo at start: the token is checked (getMe), so a wrong one is one line for the IT
 * person instead of a bot that looks healthy and logs 401 for ever; then, in webhook
 * mode, the webhook is set. Zalo not answering, or answering 5xx, does not stop the
 * process (Telegram may be fine, and an outage of one app must not take the other down):
 * setWebhook is tried again in the background until it is taken. Never the request in a
 * message: setWebhook's holds the webhook's secret.
 */
import type { Logger } from '../../logger.js';
import { StartupError } from '../../startupError.js';
import { backoffMs, sleep } from '../sleep.js';
import { ZaloApiError, type ZaloClient } from './client.js';
import { isTransient } from './transport.js';
import { zaloStartMessages as msg } from './messages.js';

const RETRY_START_MS = 1000;
const RETRY_MAX_MS = 60_000;

/** What may pass: the transport's transient errors, and Zalo asking to slow down. */
function transient(error: unknown): boolean {
  return isTransient(error) || (error instanceof ZaloApiError && error.errorCode === 429);
}

/** A refusal as one line; undefined for what may pass (network, 5xx, 429). */
function refusal(step: 'getMe' | 'setWebhook', error: unknown): StartupError | undefined {
  if (!(error instanceof ZaloApiError) || transient(error)) return undefined;
  if (error.errorCode === 401 || error.errorCode === 403 || error.errorCode === 404) return new StartupError(msg.badToken(error.errorCode));
  return new StartupError(msg.refused(step, `${error.errorCode} ${error.description}`) + (step === 'setWebhook' ? msg.webhookHint : ''));
}

export interface ZaloStart {
  /** Stops the background retries (at shutdown). */
  stop(): void;
}

/**
 * Checks the token and, with `webhook`, sets it. Throws StartupError when Zalo refuses
 * (a wrong token, a webhook URL it will not take); when it cannot be reached, logs and
 * goes on trying in the background.
 */
export async function startZalo(client: Pick<ZaloClient, 'getMe' | 'setWebhook'>, logger: Logger, webhook?: { url: string; secret: string }): Promise<ZaloStart> {
  const abort = new AbortController();
  const steps: Array<{ step: 'getMe' | 'setWebhook'; run: () => Promise<unknown> }> = [{ step: 'getMe', run: () => client.getMe() }];
  if (webhook) steps.push({ step: 'setWebhook', run: () => client.setWebhook(webhook.url, webhook.secret) });
  // Run in order until one does not get an answer; it and the ones after it go on in the background.
  let pending: typeof steps = [];
  for (const [i, step] of steps.entries()) {
    try {
      await step.run();
    } catch (error) {
      const refused = refusal(step.step, error);
      if (refused) throw refused;
      logger.warn({ err: error, step: step.step }, 'zalo did not answer at start; trying again in the background');
      pending = steps.slice(i);
      break;
    }
  }
  const retry = async () => {
    for (let attempt = 1; pending.length > 0 && !abort.signal.aborted; attempt++) {
      await sleep(backoffMs(attempt, RETRY_START_MS, RETRY_MAX_MS), abort.signal);
      if (abort.signal.aborted) return;
      try {
        await pending[0]!.run();
        logger.info({ step: pending[0]!.step, attempt }, 'zalo answered');
        pending.shift();
        attempt = 0;
      } catch (error) {
        const level = refusal(pending[0]!.step, error) ? 'error' : 'warn';
        logger[level]({ err: error, step: pending[0]!.step, attempt }, 'zalo start step failed; trying again');
      }
    }
  };
  if (pending.length > 0) void retry();
  return { stop: () => abort.abort() };
}
