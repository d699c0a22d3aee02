/**
 * A small typed client for the official Zalo Bot API (there is no official SDK).
 *
 * Every call is `POST <apiRoot>/bot<TOKEN>/<method>` with a JSON body and answers
 * `{ ok, result }` or `{ ok: false, error_code, description }`. Responses are
 * validated defensively: the public docs are thin, so unknown fields are ignored and
 * ids are kept as text (some look numeric and exceed 2^53). The token is part of
 * every URL, so no error or message built here ever contains it.
 */
import { z } from 'zod';
import type { SendFailure } from '../../chat/port.js';
import { secretScrubber } from '../../text/redact.js';

// ---------------------------------------------------------------------------
// Types

export interface ZaloUpdate {
  /** 'message.text.received', 'message.image.received', 'message.sticker.received'… */
  event_name: string;
  message: {
    message_id: string;
    /** Milliseconds since the epoch (Telegram counts seconds), by Zalo's clock; missing when Zalo sent none. */
    date?: number;
    chat: { id: string; chat_type?: string };
    from: { id: string; display_name?: string; is_bot?: boolean };
    text?: string;
  };
}

export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  account_type?: string;
  can_join_groups?: boolean;
}

export interface ZaloWebhookInfo {
  /** '' when no webhook is set. */
  url: string;
  updated_at?: number;
}

export interface ZaloSentMessage {
  message_id: string;
  /** By Zalo's clock; missing when Zalo sent none (never this machine's time in its place). */
  date?: number;
}

export interface ZaloClientOptions {
  token: string;
  /** 'https://bot-api.zaloplatforms.com' in production; the emulator's root in tests. */
  apiRoot: string;
  fetch?: typeof fetch;
  /** Per-call time limit; a long poll gets its own timeout on top. Default 15 s. */
  timeoutMs?: number;
  /** Told about an update the client could not read (it is dropped: the API has no offset to retry by). */
  onInvalidUpdate?: (raw: unknown) => void;
}

export interface ZaloClient {
  getMe(): Promise<ZaloBotInfo>;
  getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<ZaloUpdate[]>;
  setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo>;
  deleteWebhook(): Promise<ZaloWebhookInfo>;
  getWebhookInfo(): Promise<ZaloWebhookInfo>;
  sendMessage(chatId: string, text: string): Promise<ZaloSentMessage>;
  sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<ZaloSentMessage>;
  sendChatAction(chatId: string, action: 'typing'): Promise<void>;
}

// ---------------------------------------------------------------------------
// Errors

/** The API answered, and refused: `{ ok: false }` or a non-2xx status. */
export class ZaloApiError extends Error {
  override readonly name = 'ZaloApiError';
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    /** From the body when it says how long to wait (`retry_after`, seconds). */
    readonly retryAfterMs?: number,
  ) {
    super(`Zalo ${method} failed: ${errorCode} ${description}`);
  }
}

/** No answer: the network failed or the call timed out. Safe to retry. */
export class ZaloHttpError extends Error {
  override readonly name = 'ZaloHttpError';
  constructor(
    readonly method: string,
    reason: string,
    readonly timedOut: boolean,
  ) {
    super(`Zalo ${method}: ${reason}`);
  }
}

// ---------------------------------------------------------------------------
// Parsing

const ID_KEYS = /"(id|message_id|chat_id|user_id)"(\s*):(\s*)(-?\d+)(?=\s*[,}\]])/g;

/**
 * JSON.parse for Zalo bodies: an id sent as a bare number is turned into text
 * before parsing, because JSON.parse would round ids above 2^53 silently.
 */
export function parseZaloJson(text: string): unknown {
  return JSON.parse(text.replace(ID_KEYS, '"$1"$2:$3"$4"'));
}

const idSchema = z.union([
  z.string().min(1),
  z.number().refine(Number.isSafeInteger, 'unsafe integer id').transform(String),
]);

const dateSchema = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const messageSchema = z.object({
  message_id: idSchema,
  date: dateSchema.optional().catch(undefined),
  chat: z.object({ id: idSchema, chat_type: z.string().optional().catch(undefined) }).optional(),
  from: z.object({
    id: idSchema,
    display_name: z.string().optional().catch(undefined),
    is_bot: z.boolean().optional().catch(undefined),
  }),
  text: z.string().optional().catch(undefined),
});

const updateSchema = z.object({ event_name: z.string().min(1), message: messageSchema }).transform(
  ({ event_name, message }): ZaloUpdate => {
    const update: ZaloUpdate = {
      event_name,
      message: {
        message_id: message.message_id,
        // A message without a date is still a message someone wrote: keep it, undated.
        ...(message.date !== undefined ? { date: message.date } : {}),
        chat: { id: message.chat?.id ?? message.from.id },
        from: { id: message.from.id },
      },
    };
    if (message.chat?.chat_type !== undefined) update.message.chat.chat_type = message.chat.chat_type;
    if (message.from.display_name !== undefined) update.message.from.display_name = message.from.display_name;
    if (message.from.is_bot !== undefined) update.message.from.is_bot = message.from.is_bot;
    if (message.text !== undefined) update.message.text = message.text;
    return update;
  },
);

/** One update, bare or in its `{ ok, result }` envelope (webhook bodies come both ways). */
export function parseZaloUpdate(body: unknown): ZaloUpdate | undefined {
  let candidate = body;
  if (isRecord(body) && 'ok' in body && 'result' in body) {
    if (body.ok !== true) return undefined;
    candidate = body.result;
  }
  const parsed = updateSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const envelopeSchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]).optional().catch(undefined),
  description: z.string().optional().catch(undefined),
  retry_after: z.number().optional().catch(undefined),
  parameters: z.object({ retry_after: z.number().optional().catch(undefined) }).optional().catch(undefined),
});

const botInfoSchema = z.object({
  id: idSchema,
  account_name: z.string().optional().catch(undefined),
  account_type: z.string().optional().catch(undefined),
  can_join_groups: z.boolean().optional().catch(undefined),
});

const webhookInfoSchema = z.object({
  url: z.string().nullish().transform((url) => url ?? ''),
  updated_at: dateSchema.optional().catch(undefined),
});

// The message was sent once the API said ok; a missing field must not turn that into a failure.
const sentMessageSchema = z.object({
  message_id: idSchema.optional().catch(undefined),
  date: dateSchema.optional().catch(undefined),
});

// ---------------------------------------------------------------------------
// The client

const DEFAULT_TIMEOUT_MS = 15_000;
const TIMEOUT_CODE = 408;

/** Builds the client; nothing is sent until a method is called. */
export function createZaloClient(options: ZaloClientOptions): ZaloClient {
  const { token } = options;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const root = options.apiRoot.replace(/\/+$/, '');
  const redact = secretScrubber([token]);

  async function call(method: string, body: object, extra: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<unknown> {
    const limitMs = extra.timeoutMs ?? timeoutMs;
    const timeout = AbortSignal.timeout(limitMs);
    const signal = extra.signal ? AbortSignal.any([extra.signal, timeout]) : timeout;
    let status: number;
    let text: string;
    try {
      const response = await doFetch(`${root}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // The caller's own abort (stop()) is not a failure: let it through as the AbortError it is.
      if (extra.signal?.aborted) throw extra.signal.reason;
      if (timeout.aborted) throw new ZaloHttpError(method, `no answer within ${limitMs} ms`, true);
      throw new ZaloHttpError(method, `network error: ${redact(describeCause(error))}`, false);
    }
    return readEnvelope(method, status, text, redact);
  }

  function parseResult<T>(method: string, schema: z.ZodType<T>, result: unknown): T {
    const parsed = schema.safeParse(result);
    if (!parsed.success) throw new ZaloApiError(method, 502, 'unexpected result shape');
    return parsed.data;
  }

  async function sent(method: string, body: object): Promise<ZaloSentMessage> {
    const result = parseResult(method, sentMessageSchema, await call(method, body));
    return { message_id: result.message_id ?? '', ...(result.date !== undefined ? { date: result.date } : {}) };
  }

  return {
    async getMe() {
      return parseResult('getMe', botInfoSchema, await call('getMe', {}));
    },

    async getUpdates(timeoutSeconds, signal) {
      let result: unknown;
      try {
        result = await call('getUpdates', { timeout: String(timeoutSeconds) }, {
          signal,
          timeoutMs: timeoutSeconds * 1000 + timeoutMs,
        });
      } catch (error) {
        if (error instanceof ZaloApiError && error.errorCode === TIMEOUT_CODE) return [];
        throw error;
      }
      if (result === null || result === undefined) return [];
      const raws = Array.isArray(result) ? result : [result];
      const updates: ZaloUpdate[] = [];
      for (const raw of raws) {
        const update = parseZaloUpdate(raw);
        if (update) updates.push(update);
        else if (!isEmptyObject(raw)) options.onInvalidUpdate?.(raw);
      }
      return updates;
    },

    async setWebhook(url, secretToken) {
      return parseResult('setWebhook', webhookInfoSchema, await call('setWebhook', { url, secret_token: secretToken }));
    },

    async deleteWebhook() {
      return parseResult('deleteWebhook', webhookInfoSchema, await call('deleteWebhook', {}));
    },

    async getWebhookInfo() {
      return parseResult('getWebhookInfo', webhookInfoSchema, await call('getWebhookInfo', {}));
    },

    sendMessage(chatId, text) {
      return sent('sendMessage', { chat_id: chatId, text });
    },

    sendPhoto(chatId, photoUrl, caption) {
      return sent('sendPhoto', caption === undefined ? { chat_id: chatId, photo: photoUrl } : { chat_id: chatId, photo: photoUrl, caption });
    },

    async sendChatAction(chatId, action) {
      await call('sendChatAction', { chat_id: chatId, action });
    },
  };
}

function readEnvelope(method: string, status: number, text: string, redact: (text: string) => string): unknown {
  const httpOk = status >= 200 && status < 300;
  let json: unknown;
  try {
    json = parseZaloJson(text);
  } catch {
    json = undefined;
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    if (httpOk) throw new ZaloApiError(method, 502, 'response is not a Zalo API envelope');
    throw new ZaloApiError(method, status, `HTTP ${status}`);
  }
  const body = envelope.data;
  if (body.ok && httpOk) return body.result;
  const retryAfter = body.parameters?.retry_after ?? body.retry_after;
  throw new ZaloApiError(
    method,
    body.error_code ?? (httpOk ? 500 : status),
    redact(body.description ?? `HTTP ${status}`),
    retryAfter !== undefined && retryAfter >= 0 ? retryAfter * 1000 : undefined,
  );
}

function isEmptyObject(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 0;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const detail = cause instanceof Error ? cause.message : undefined;
  return [error.message, typeof code === 'string' ? code : undefined, detail].filter(Boolean).join(': ');
}

// ---------------------------------------------------------------------------
// Send failures, as the outbox must act on them

const DEFAULT_RETRY_AFTER_MS = 1000;
const RATE_WORDS = /limit|quota|too many/i;
// "text exceeds the 2000 character limit" is about the message, not the send rate.
const SIZE_WORDS = /length|characters?\b|chars?\b|too long|size/i;
const UNREACHABLE_WORDS = [
  /block/i,
  /\b(unknown|invalid|not[ _]found)[ _](user|chat|recipient)/i,
  /\b(user|chat|recipient)(_id)?\b.*\b(not[ _]found|unknown|invalid|not[ _]exist|does not exist)/i,
];

/**
 * What the outbox does with an error of a Zalo send: slow down, give up on the
 * person until they write again, give up on the message, or retry. Rethrows what
 * is not a Zalo error (a bug, not a delivery problem).
 */
export function classifyZaloSendError(error: unknown): SendFailure {
  if (error instanceof ZaloHttpError) return { action: 'retry', reason: error.message };
  if (!(error instanceof ZaloApiError)) throw error;
  const { errorCode, description } = error;
  const reason = `${errorCode} ${description}`;
  if (errorCode === 429 || (RATE_WORDS.test(description) && !SIZE_WORDS.test(description))) {
    return { action: 'rate_limited', retryAfterMs: error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS };
  }
  // A bare 404 (a wrong ZALO_API_ROOT, a proxy) says nothing about the person: only a blocked
  // user, or a description naming the user or chat, makes them unreachable.
  if (errorCode === 403 || UNREACHABLE_WORDS.some((words) => words.test(description))) {
    return { action: 'unreachable', reason };
  }
  if (errorCode >= 500) return { action: 'retry', reason };
  return { action: 'failed', reason };
}
