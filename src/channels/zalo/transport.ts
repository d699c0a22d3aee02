/**
 * How Zalo updates reach the bot: a long-polling loop, or a webhook request handler.
 *
 * Both hand each update to `handle` and only consider it done when `handle`
 * resolved. Zalo has no update ids and no offset, so an update taken by getUpdates
 * is gone from Zalo's side: the polling loop stops taking more while its hands are
 * full, and the webhook answers 200 only after the update was handled (anything
 * else makes Zalo deliver it again; the chat layer deduplicates by message_id).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';
import { lastReceived, receiveErrors } from '../../metrics.js';
import { backoffMs, sleep } from '../sleep.js';
import { parseZaloJson, parseZaloUpdate, ZaloApiError, ZaloHttpError } from './client.js';
import type { ZaloClient, ZaloUpdate } from './client.js';

export type ZaloUpdateHandler = (update: ZaloUpdate) => Promise<void>;

// ---------------------------------------------------------------------------
// Per-chat ordering

/**
 * Runs updates of one chat one after another, in arrival order, and different
 * chats side by side, at most `concurrency` chats at a time.
 */
class ChatScheduler {
  private readonly queues = new Map<string, ZaloUpdate[]>();
  private readonly waitingChats: string[] = [];
  private readonly listeners = new Set<() => void>();
  private activeChats = 0;
  private held = 0;

  constructor(
    private readonly concurrency: number,
    private readonly run: (update: ZaloUpdate) => Promise<void>,
  ) {}

  /** Updates taken but not finished yet. */
  get inHand(): number {
    return this.held;
  }

  push(update: ZaloUpdate): void {
    const chatId = update.message.chat.id;
    this.held += 1;
    const queue = this.queues.get(chatId);
    if (queue) {
      queue.push(update);
      return;
    }
    this.queues.set(chatId, [update]);
    this.waitingChats.push(chatId);
    this.startChats();
  }

  /** Resolves once `check` holds; re-checked whenever an update finishes. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = () => {
        if (!check()) return;
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  private startChats(): void {
    while (this.activeChats < this.concurrency) {
      const chatId = this.waitingChats.shift();
      if (chatId === undefined) return;
      this.activeChats += 1;
      void this.drain(chatId);
    }
  }

  private async drain(chatId: string): Promise<void> {
    const queue = this.queues.get(chatId) ?? [];
    for (let update = queue[0]; update !== undefined; update = queue[0]) {
      await this.run(update);
      queue.shift();
      this.held -= 1;
      this.notify();
    }
    this.queues.delete(chatId);
    this.activeChats -= 1;
    this.startChats();
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

// ---------------------------------------------------------------------------
// Long polling

export interface ZaloPollingOptions {
  client: Pick<ZaloClient, 'getUpdates' | 'deleteWebhook'>;
  handle: ZaloUpdateHandler;
  logger: Logger;
  /** Long-poll duration asked of Zalo. Default 30. */
  timeoutSeconds?: number;
  /** Chats handled at the same time. Default 16. */
  concurrency?: number;
  /** Tries of an update whose handling fails, and the first wait between them (doubling, at most 30 s). Default 10 and 1 s. */
  handleAttempts?: number;
  backoffStartMs?: number;
}

export interface ZaloPolling {
  /** Ends the pending long poll and resolves once every update in hand was handled. */
  stop(): Promise<void>;
}

const DEFAULT_POLL_SECONDS = 30;
const DEFAULT_CONCURRENCY = 16;
const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** About four minutes of backoff before an update that keeps failing is given up. */
const HANDLE_ATTEMPTS = 10;

/**
 * Receives updates by long polling (no public URL needed), after removing any
 * webhook, since getUpdates refuses to work while one is set.
 */
export function startZaloPolling(options: ZaloPollingOptions): ZaloPolling {
  const { client, handle, logger } = options;
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_POLL_SECONDS;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const handleAttempts = Math.max(1, options.handleAttempts ?? HANDLE_ATTEMPTS);
  const backoffStartMs = options.backoffStartMs ?? BACKOFF_START_MS;
  const abort = new AbortController();
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const backoff = async (failures: number): Promise<void> => {
    await sleep(backoffMs(failures, backoffStartMs, BACKOFF_MAX_MS), abort.signal);
  };

  // Zalo has no offset: an update taken is Zalo's no more. One whose handling failed (Postgres
  // away) is tried again here, as Zalo would try a webhook again, holding its place: while it
  // waits, later messages of its chat wait behind it and no more updates are taken than can be
  // worked on. Given up after `handleAttempts` (a fault that will not pass), or at a stop.
  const scheduler = new ChatScheduler(concurrency, async (update) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handle(update);
        return;
      } catch (error) {
        if (stopping || attempt >= handleAttempts) {
          logger.error({ err: error, ...updateContext(update), attempt }, 'zalo update handler failed; update dropped');
          return;
        }
        logger.warn({ err: error, ...updateContext(update), attempt }, 'zalo update handler failed; trying again');
        await backoff(attempt);
      }
    }
  });

  const removeWebhook = async (): Promise<void> => {
    for (let failures = 1; !stopping; failures += 1) {
      try {
        await client.deleteWebhook();
        return;
      } catch (error) {
        if (stopping) return;
        if (!isTransient(error)) {
          // getUpdates will say what is wrong, if anything is.
          logger.error({ err: error }, 'zalo deleteWebhook failed; polling anyway');
          return;
        }
        logger.warn({ err: error, attempt: failures }, 'zalo deleteWebhook failed; retrying');
        await backoff(failures);
      }
    }
  };

  const loop = async (): Promise<void> => {
    await removeWebhook();
    let failures = 0;
    while (!stopping) {
      // Updates taken are gone from Zalo: take no more than can be worked on.
      await scheduler.until(() => stopping || scheduler.inHand < concurrency);
      if (stopping) break;
      let updates: ZaloUpdate[];
      try {
        updates = await client.getUpdates(timeoutSeconds, abort.signal);
        failures = 0;
        lastReceived.set({ channel: 'zalo' }, Date.now() / 1000);
      } catch (error) {
        if (stopping) break;
        receiveErrors.inc({ channel: 'zalo' });
        failures += 1;
        const level = isTransient(error) ? 'warn' : 'error';
        logger[level]({ err: error, attempt: failures }, 'zalo getUpdates failed; backing off');
        await backoff(failures);
        continue;
      }
      for (const update of updates) scheduler.push(update);
    }
  };

  const running = loop().catch((error: unknown) => {
    logger.error({ err: error }, 'zalo polling loop crashed');
  });

  return {
    stop() {
      if (!stopped) {
        stopping = true;
        abort.abort();
        stopped = running.then(() => scheduler.until(() => scheduler.inHand === 0));
      }
      return stopped;
    },
  };
}

/** Network trouble or a 5xx: it may pass, so the call is tried again. */
export function isTransient(error: unknown): boolean {
  return error instanceof ZaloHttpError || (error instanceof ZaloApiError && error.errorCode >= 500);
}

function updateContext(update: ZaloUpdate): Record<string, string> {
  return { event: update.event_name, messageId: update.message.message_id, chatId: update.message.chat.id };
}

// ---------------------------------------------------------------------------
// Webhook

export interface ZaloWebhookOptions {
  /** The secret_token given to setWebhook; Zalo sends it back in X-Bot-Api-Secret-Token. */
  secret: string;
  handle: ZaloUpdateHandler;
  logger: Logger;
  /** Default 1 MB. */
  maxBodyBytes?: number;
}

const SECRET_HEADER = 'x-bot-api-secret-token';
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * A node request handler for Zalo's webhook POSTs. It answers 200 only after the
 * update was handled, and 500 when handling threw, so that Zalo delivers it again.
 */
export function zaloWebhookHandler(options: ZaloWebhookOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (options.secret === '') throw new Error('the Zalo webhook secret must not be empty');
  const expected = digest(options.secret);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const inOrder = serialPerKey();
  // One chat's updates are handled one after another, as in polling and Telegram: two quick
  // answers must not race for the same report.
  const handle: ZaloUpdateHandler = (update) => inOrder(update.message.chat.id, () => options.handle(update));
  return (req, res) => {
    serveWebhook(req, res, { ...options, handle, expected, maxBodyBytes }).catch((error: unknown) => {
      options.logger.error({ err: error }, 'zalo webhook request failed');
      answer(res, 500, 'internal error');
    });
  };
}

/** Runs tasks of one key one after another (tasks of different keys run side by side). */
function serialPerKey(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => tails.get(key) === tail && tails.delete(key));
    return run;
  };
}

interface WebhookContext extends ZaloWebhookOptions {
  expected: Buffer;
  maxBodyBytes: number;
}

async function serveWebhook(req: IncomingMessage, res: ServerResponse, context: WebhookContext): Promise<void> {
  const { logger } = context;
  if (req.method !== 'POST') return answer(res, 405, 'method not allowed');
  if (!secretMatches(req.headers[SECRET_HEADER], context.expected)) {
    logger.warn({ remote: req.socket.remoteAddress }, 'zalo webhook request without the right secret');
    return answer(res, 401, 'unauthorized');
  }
  const body = await readBody(req, context.maxBodyBytes);
  if (body === 'too_large') return answer(res, 413, 'body too large');
  let json: unknown;
  try {
    json = parseZaloJson(body.toString('utf8'));
  } catch {
    logger.warn('zalo webhook body is not JSON');
    return answer(res, 400, 'body is not JSON');
  }
  const update = parseZaloUpdate(json);
  if (!update) {
    // From Zalo (the secret matched), in a shape this bot cannot read (a new kind of event):
    // delivered again it would be the same. Taken, so Zalo neither retries it nor gives up on the webhook.
    logger.warn({ keys: topLevelKeys(json) }, 'zalo webhook body is not an update this bot reads; ignored');
    return answer(res, 200);
  }
  lastReceived.set({ channel: 'zalo' }, Date.now() / 1000);
  try {
    await context.handle(update);
  } catch (error) {
    logger.error({ err: error, ...updateContext(update) }, 'zalo update handler failed; Zalo will redeliver');
    return answer(res, 500, 'handler failed');
  }
  answer(res, 200);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant time: both sides are hashed to equal-length digests before timingSafeEqual. */
function secretMatches(header: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof header !== 'string' || header === '') return false;
  return timingSafeEqual(digest(header), expected);
}

/** The body, or 'too_large' once it exceeds the limit (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too_large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      req.resume();
      resolve('too_large');
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Enough of a refused body to recognize its shape in a log, without what people wrote. */
function topLevelKeys(json: unknown): string[] | string {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.keys(json).slice(0, 20) : typeof json;
}

function answer(res: ServerResponse, status: number, error?: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(error === undefined ? { ok: true } : { ok: false, description: error });
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (status === 405) headers.allow = 'POST';
  res.writeHead(status, headers);
  res.end(body);
}
