/**
 * Local stand-in for the Zalo Bot API, so end-to-end tests and demos can run the
 * bot's Zalo channel over real HTTP without touching Zalo.
 *
 * It is deliberately strict where Zalo is strict or documented (POST with a JSON
 * body, string ids, text of 1–2,000 characters, one update per getUpdates and
 * none while a webhook is set, a secret of 8–256 characters, unknown and blocked
 * users), because those are the failures a mocked API would hide.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiFailure, ApiServer, ChatLog, DEFAULT_WAIT_MS, InjectedFailures, LongPoll, RateLimit, Waiters, badRequest,
  errorBody, parseJsonObject, readBody,
  postUpdate,
} from './support.js';
import type { FailureOptions, Params } from './support.js';

/** A person on Zalo. Ids are text (20 hex chars, or digit strings beyond 2^53). */
export interface ZaloUser {
  id: string;
  display_name: string;
}

/** What the bot sent, as a user would see it. */
export interface ZaloBotMessage {
  message_id: string;
  chat_id: string;
  /** The text, or the caption of a photo ('' without one). */
  text: string;
  /** Milliseconds since the epoch, as Zalo counts. */
  date: number;
  /** The URL of a photo sent with sendPhoto. */
  photo?: string;
}

export interface ZaloEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default '1234567890:zalo-test-secret'. */
  token?: string;
  bot?: { id?: string; account_name?: string; display_name?: string };
  /**
   * How far Zalo's clock is from this machine's, in ms (default 0). Zalo dates both the
   * users' messages and the bot's by its own clock; a real bot's host disagrees with it
   * by seconds, which a bot comparing the two would get wrong.
   */
  clockOffsetMs?: number;
}

export interface ZaloApiErrorSpec {
  error_code: number;
  description: string;
}

/** One attempt to POST an update to the webhook; `status` is null when no answer came. */
export interface ZaloWebhookDelivery {
  message_id: string;
  attempt: number;
  status: number | null;
  at: number;
}

export interface ZaloEmulator {
  readonly apiRoot: string;
  readonly token: string;
  /** Makes a user known to the bot (as if they had followed it) without a message. */
  addUser(user: ZaloUser): void;
  /** The user writes text to the bot; returns the message_id. Writing again unblocks. */
  sendText(user: ZaloUser, text: string): string;
  /** The user sends something else ('message.sticker.received', 'message.image.received'…). */
  sendOther(user: ZaloUser, eventName: string): string;
  /** Queues an arbitrary update (group chats, odd shapes); returns its message_id or ''. */
  injectUpdate(update: object): string;
  /** Delivers the very same update again, as Zalo does on a retry: a duplicate. */
  redeliver(messageId: string): void;
  messagesTo(userId: string): ZaloBotMessage[];
  lastMessageTo(userId: string): ZaloBotMessage | undefined;
  /** Resolves with the first matching message the bot sends AFTER this call. */
  waitForMessage(userId: string, predicate?: (m: ZaloBotMessage) => boolean, timeoutMs?: number): Promise<ZaloBotMessage>;
  waitFor<T>(check: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
  /** Every API call (never the token: it is in the URL, not the params). */
  calls: Array<{ method: string; params: Record<string, unknown>; at: number }>;
  webhookDeliveries: ZaloWebhookDelivery[];
  /** Updates not yet taken by getUpdates or not yet accepted by the webhook. */
  pendingUpdates(): number;
  waitUntilUpdatesConsumed(timeoutMs?: number): Promise<void>;
  /** Long polls being held open (0 or 1). */
  openPolls(): number;
  /**
   * The next calls of `method` fail with `error` ('network': the connection is cut, no
   * answer), `times` of them (default 1); with options, only the calls `when` accepts,
   * after letting `after` of them through, and `delivered` (the call took effect, its
   * answer was lost). E.g. the second part of a long message to one person fails once:
   * `failNext('sendMessage', { error_code: 503, … }, { when: (p) => p.chat_id === id, after: 1 })`.
   */
  failNext(method: string, error: ZaloApiErrorSpec | 'network', options?: number | FailureOptions): void;
  blockUser(userId: string): void;
  setRateLimit(perSecond: number | null): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = '1234567890:zalo-test-secret';
const DEFAULT_POLL_SECONDS = 30;
const MAX_TEXT_LENGTH = 2000;
const WEBHOOK_ATTEMPTS = 4;
const WEBHOOK_RETRY_MS = 50;
const WEBHOOK_TIMEOUT_MS = 15_000;
const SECRET_HEADER = 'X-Bot-Api-Secret-Token';

const TIMEOUT: ZaloApiErrorSpec = { error_code: 408, description: 'Request timeout' };

// ---------------------------------------------------------------------------
// Parameters

/** Zalo takes a JSON body only (no query string, no form); an empty one is no parameters. */
async function readJsonBody(req: IncomingMessage): Promise<{ params: Params }> {
  const body = await readBody(req);
  return { params: body.length === 0 ? {} : parseJsonObject(body, 'request body is not JSON') };
}

/** Ids are text on Zalo; a number here is a client that parsed one and lost digits. */
function requireChatId(params: Params): string {
  const id = params.chat_id;
  if (id === undefined || id === '') throw badRequest('chat_id is empty');
  if (typeof id !== 'string') throw badRequest('chat_id must be a string');
  return id;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT_LENGTH) {
    throw badRequest(`${field} must be a string of 1-${MAX_TEXT_LENGTH} characters`);
  }
  return value;
}

function parseTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_POLL_SECONDS;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw badRequest('timeout must be a number of seconds');
}

/** https, or plain http to this machine (tests and the demo run the bot locally). */
function isAcceptableUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function newMessageId(): string {
  return randomBytes(10).toString('hex');
}

// ---------------------------------------------------------------------------
// Updates

type Update = { event_name: string; message: Record<string, unknown> };

/** Fields some non-text events carry, so clients meet the extra fields Zalo sends. */
const EXTRA_FIELDS: Record<string, Record<string, unknown>> = {
  'message.image.received': { photo_url: 'https://example.invalid/photo.jpg' },
  'message.sticker.received': { sticker: 'sticker-0001' },
  'message.voice.received': { url: 'https://example.invalid/voice.aac' },
};

function userUpdate(user: ZaloUser, eventName: string, date: number, text?: string): Update {
  const message: Record<string, unknown> = {
    message_id: newMessageId(),
    date,
    chat: { id: user.id, chat_type: 'PRIVATE' },
    from: { id: user.id, display_name: user.display_name, is_bot: false },
    ...EXTRA_FIELDS[eventName],
  };
  if (text !== undefined) message.text = text;
  return { event_name: eventName, message };
}

function messageIdOf(update: Update): string {
  const id = update.message.message_id;
  return typeof id === 'string' ? id : '';
}

function chatIdOf(update: Update): string {
  const chat = update.message.chat as { id?: unknown } | undefined;
  return String(chat?.id ?? '');
}

function checkUser(user: ZaloUser): void {
  if (typeof user.id !== 'string' || user.id === '') throw new Error('Zalo user ids are non-empty strings');
}

/** Zalo's error bodies carry no `parameters`. */
function zaloErrorBody(spec: ZaloApiErrorSpec): object {
  return errorBody({ error_code: spec.error_code, description: spec.description });
}

function httpStatus(errorCode: number): number {
  return errorCode >= 400 && errorCode <= 599 ? errorCode : 400;
}

// ---------------------------------------------------------------------------
// The emulator

interface Webhook {
  url: string;
  secret: string;
}

type Handler = (params: Params, res: ServerResponse) => unknown;

/** Methods that address a person: the person must be known and not have blocked the bot. */
const CHAT_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendChatAction']);
/** Methods that count against the send rate. */
const SEND_METHODS = new Set(['sendMessage', 'sendPhoto']);

class Emulator implements ZaloEmulator {
  apiRoot = '';
  readonly token: string;
  calls: ZaloEmulator['calls'] = [];
  webhookDeliveries: ZaloWebhookDelivery[] = [];

  private readonly bot: { id: string; account_name: string; display_name: string };
  private readonly server: ApiServer<{ params: Params }>;
  private readonly handlers: Record<string, Handler>;
  private readonly waiters = new Waiters(() => this.calls);
  private readonly chats = new ChatLog<string, ZaloBotMessage>(this.waiters, {
    snapshot: (m) => ({ ...m }),
    label: (m) => `${m.message_id}: ${JSON.stringify(m.text)}`,
    chatName: (userId) => `to ${userId}`,
  });
  private readonly users = new Map<string, ZaloUser>();
  private readonly blocked = new Set<string>();
  private readonly history = new Map<string, Update>();
  private readonly failures = new InjectedFailures();
  private readonly rateLimit = new RateLimit();
  private readonly poll = new LongPoll<Update>();
  /** Webhook deliveries of one chat go one after another, so its messages arrive in order. */
  private readonly deliveryChains = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private queue: Update[] = [];
  private webhook: Webhook | undefined;
  private webhookUpdatedAt = 0;
  private readonly clockOffsetMs: number;
  private deliveriesInFlight = 0;
  private closed = false;

  constructor(opts: ZaloEmulatorOptions) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    this.clockOffsetMs = opts.clockOffsetMs ?? 0;
    this.bot = {
      id: opts.bot?.id ?? (this.token.split(':')[0] || '1234567890'),
      account_name: opts.bot?.account_name ?? 'baocao_test_bot',
      display_name: opts.bot?.display_name ?? 'Baocao Test Bot',
    };
    this.handlers = this.createHandlers();
    this.server = new ApiServer<{ params: Params }>({
      token: this.token,
      route: /^\/bot([^/]+)\/([A-Za-z]+)$/,
      postOnly: true,
      parse: readJsonBody,
      invoke: (method, { params }, res) => this.invoke(method, params, res),
      calls: () => this.calls,
      notify: () => this.waiters.notify(),
      statusOf: (spec) => httpStatus(spec.error_code),
      bodyOf: zaloErrorBody,
    });
  }

  /** Now, by Zalo's clock. */
  private zaloNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async listen(port: number): Promise<void> {
    this.apiRoot = await this.server.listen(port);
  }

  // --- driving -------------------------------------------------------------

  addUser(user: ZaloUser): void {
    checkUser(user);
    this.users.set(user.id, { ...user });
  }

  sendText(user: ZaloUser, text: string): string {
    return this.fromUser(user, userUpdate(user, 'message.text.received', this.zaloNow(), text));
  }

  sendOther(user: ZaloUser, eventName: string): string {
    return this.fromUser(user, userUpdate(user, eventName, this.zaloNow()));
  }

  injectUpdate(update: object): string {
    const copy = structuredClone(update) as Update;
    if (typeof copy.message !== 'object' || copy.message === null) copy.message = {};
    const from = copy.message.from as { id?: unknown; display_name?: unknown } | undefined;
    if (typeof from?.id === 'string' && from.id !== '') {
      this.users.set(from.id, { id: from.id, display_name: String(from.display_name ?? '') });
    }
    return this.enqueue(copy);
  }

  redeliver(messageId: string): void {
    const update = this.history.get(messageId);
    if (!update) throw new Error(`no update with message_id ${messageId} was ever sent`);
    this.enqueue(update);
  }

  private fromUser(user: ZaloUser, update: Update): string {
    checkUser(user);
    this.users.set(user.id, { ...user });
    // Someone who writes to the bot can be written to again.
    this.blocked.delete(user.id);
    return this.enqueue(update);
  }

  private enqueue(update: Update): string {
    if (this.closed) throw new Error('emulator is closed');
    const messageId = messageIdOf(update);
    if (messageId !== '') this.history.set(messageId, update);
    if (this.webhook) {
      this.deliverToWebhook(update);
    } else {
      this.queueForPoll(update);
    }
    this.waiters.notify();
    return messageId;
  }

  // --- observing -------------------------------------------------------------

  messagesTo(userId: string): ZaloBotMessage[] {
    return this.chats.messagesTo(userId);
  }

  lastMessageTo(userId: string): ZaloBotMessage | undefined {
    return this.chats.lastMessageTo(userId);
  }

  waitForMessage(userId: string, predicate?: (m: ZaloBotMessage) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<ZaloBotMessage> {
    return this.chats.waitForMessage(userId, predicate, timeoutMs);
  }

  waitFor<T>(check: () => T | undefined | false | null, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.waiters.waitFor(check, timeoutMs);
  }

  pendingUpdates(): number {
    return this.queue.length + this.deliveriesInFlight;
  }

  async waitUntilUpdatesConsumed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.waitFor(() => this.pendingUpdates() === 0, timeoutMs);
  }

  openPolls(): number {
    return this.poll.isOpen() ? 1 : 0;
  }

  // --- failure injection -----------------------------------------------------

  failNext(method: string, error: ZaloApiErrorSpec | 'network', options: number | FailureOptions = 1): void {
    this.failures.add(method, error, options);
  }

  blockUser(userId: string): void {
    this.blocked.add(userId);
  }

  setRateLimit(perSecond: number | null): void {
    this.rateLimit.set(perSecond);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shutdown.abort();
    this.poll.end(new ApiFailure(TIMEOUT));
    this.waiters.cancelAll(new Error('emulator closed'));
    await this.server.close();
  }

  // --- dispatch ----------------------------------------------------------------

  private async invoke(method: string, params: Params, res: ServerResponse): Promise<unknown> {
    const due = this.failures.take(method, params);
    if (due && !due.delivered) throw due.error;
    const handler = this.handlers[method];
    if (!handler) throw new ApiFailure({ error_code: 404, description: 'Not Found: method not found' });
    if (CHAT_METHODS.has(method)) this.guardChat(requireChatId(params));
    if (SEND_METHODS.has(method)) this.rateLimit.take({ error_code: 429, description: 'Too many requests: rate limit exceeded' });
    const result = await handler(params, res);
    // Done, and the answer lost on its way back.
    if (due) throw due.error;
    return result;
  }

  private guardChat(chatId: string): void {
    if (!this.users.has(chatId)) throw badRequest('user not found');
    if (this.blocked.has(chatId)) {
      throw new ApiFailure({ error_code: 403, description: 'Forbidden: the user has blocked the bot' });
    }
  }

  // --- Bot API methods -------------------------------------------------------

  private createHandlers(): Record<string, Handler> {
    return {
      getMe: () => ({ id: this.bot.id, account_name: this.bot.account_name, display_name: this.bot.display_name, account_type: 'BASIC', can_join_groups: false }),
      getUpdates: (p, res) => this.getUpdates(p, res),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: () => this.deleteWebhook(),
      getWebhookInfo: () => ({ url: this.webhook?.url ?? '', updated_at: this.webhookUpdatedAt }),
      sendMessage: (p) => this.store(requireChatId(p), { text: requireText(p.text, 'text') }),
      sendPhoto: (p) => this.sendPhoto(p),
      sendChatAction: (p) => {
        if (p.action !== 'typing') throw badRequest('action must be "typing"');
        return true;
      },
    };
  }

  private getUpdates(params: Params, res: ServerResponse): Update | Promise<Update> {
    if (this.webhook) {
      throw new ApiFailure({
        error_code: 409,
        description: 'Conflict: getUpdates is not available while a webhook is set; call deleteWebhook first',
      });
    }
    const timeoutSeconds = parseTimeout(params.timeout);
    this.terminatePoll();
    const next = this.queue.shift();
    if (next) return next;
    if (timeoutSeconds === 0 || this.closed) throw new ApiFailure(TIMEOUT);
    // Zalo answers a poll that found nothing with 408, not with an empty list.
    return this.poll.hold(res, timeoutSeconds * 1000, () => this.poll.end(new ApiFailure(TIMEOUT)), () => this.waiters.notify());
  }

  /** Queues an update for getUpdates and hands it to the waiting poll, unless its client already left. */
  private queueForPoll(update: Update): void {
    this.queue.push(update);
    if (!this.poll.isOpen()) return;
    if (this.poll.clientGone()) {
      this.poll.end(new ApiFailure(TIMEOUT));
      return;
    }
    const next = this.queue.shift();
    if (next) this.poll.answer(next);
  }

  /** A second long poll ends the first with 409, which exposes two bots polling at once. */
  private terminatePoll(): void {
    this.poll.end(new ApiFailure({ error_code: 409, description: 'Conflict: terminated by another getUpdates request' }));
  }

  private setWebhook(params: Params): object {
    if (!isAcceptableUrl(params.url)) throw badRequest('url must be an https URL');
    const secret = params.secret_token;
    if (typeof secret !== 'string' || secret.length < 8 || secret.length > 256) {
      throw badRequest('secret_token must be 8-256 characters');
    }
    this.webhook = { url: params.url, secret };
    this.webhookUpdatedAt = Date.now();
    this.terminatePoll();
    // What was waiting for a poll goes to the webhook now.
    const backlog = this.queue;
    this.queue = [];
    for (const update of backlog) this.deliverToWebhook(update);
    return { url: params.url, updated_at: this.webhookUpdatedAt };
  }

  private deleteWebhook(): object {
    this.webhook = undefined;
    this.webhookUpdatedAt = Date.now();
    return { url: '', updated_at: this.webhookUpdatedAt };
  }

  private sendPhoto(params: Params): object {
    const chatId = requireChatId(params);
    if (!isAcceptableUrl(params.photo)) throw badRequest('photo must be an https URL');
    const caption = params.caption === undefined ? '' : requireText(params.caption, 'caption');
    return this.store(chatId, { text: caption, photo: params.photo });
  }

  private store(chatId: string, content: { text: string; photo?: string }): object {
    const message: ZaloBotMessage = { message_id: newMessageId(), chat_id: chatId, date: this.zaloNow(), ...content };
    this.chats.add(message);
    return { message_id: message.message_id, date: message.date };
  }

  // --- webhook delivery ------------------------------------------------------

  private deliverToWebhook(update: Update): void {
    const chatId = chatIdOf(update);
    this.deliveriesInFlight += 1;
    const previous = this.deliveryChains.get(chatId) ?? Promise.resolve();
    const next: Promise<void> = previous.then(() => this.postWithRetries(update)).finally(() => {
      this.deliveriesInFlight -= 1;
      if (this.deliveryChains.get(chatId) === next) this.deliveryChains.delete(chatId);
      this.waiters.notify();
    });
    this.deliveryChains.set(chatId, next);
  }

  /** A non-200 answer or no answer is tried again a few times, then given up, as a platform does. */
  private async postWithRetries(update: Update): Promise<void> {
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt += 1) {
      if (this.closed) return;
      const webhook = this.webhook;
      if (!webhook) {
        // The webhook was removed meanwhile: the update waits for getUpdates.
        this.queueForPoll(update);
        return;
      }
      const status = await this.post(webhook, update);
      this.webhookDeliveries.push({ message_id: messageIdOf(update), attempt, status, at: Date.now() });
      this.waiters.notify();
      if (status === 200) return;
      if (attempt < WEBHOOK_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, WEBHOOK_RETRY_MS * 2 ** (attempt - 1)));
    }
  }

  private post(webhook: Webhook, update: Update): Promise<number | null> {
    return postUpdate(webhook.url, update, { header: SECRET_HEADER, value: webhook.secret }, AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]));
  }
}

/** Starts the emulator on 127.0.0.1; `apiRoot` is what the bot's ZALO_API_ROOT should be. */
export async function startZaloEmulator(options: ZaloEmulatorOptions = {}): Promise<ZaloEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen(options.port ?? 0);
  return emulator;
}
