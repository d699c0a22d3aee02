/**
 * Local stand-in for the Telegram Bot API, so end-to-end tests and demos can
 * run the real grammY bot over real HTTP without touching Telegram.
 *
 * It is deliberately strict where Telegram is strict (HTML parse errors,
 * "message is not modified", callback data size, rate limits), because those
 * are the failures a mocked API would hide.
 */
import { pngSize } from '../reports/png.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiFailure, ApiServer, ChatLog, DEFAULT_WAIT_MS, InjectedFailures, LongPoll, RateLimit, Waiters, badRequest,
  parseJsonObject, readBody,
  postUpdate,
} from './support.js';
import type { FailureOptions, Params } from './support.js';

export interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

export interface BotMessage {
  message_id: number;
  chat_id: number;
  /** Raw text as the bot sent it (HTML markup included); the caption for documents. */
  text: string;
  /** What a user would see: `text` after parse_mode rendering. */
  plainText: string;
  parse_mode?: string;
  reply_markup?: any;
  /** A document, or a photo (`photo` set: its pixel size as read from the image). */
  document?: { file_name: string; mime_type?: string; bytes: Buffer; caption?: string; photo?: { width: number; height: number } };
  edited: boolean;
  /** Previous raw texts, oldest first. */
  history: string[];
}

/**
 * A text message a test user sent, as the emulator keeps it: what an edit or a
 * reply names later. Private chats share one message_id sequence between the
 * user and the bot, so comparing ids tells what was sent before what.
 */
export interface UserMessage {
  chat_id: number;
  message_id: number;
  /** The update that delivered it; after editText, the edit's update. */
  update_id: number;
  /** The text as it now reads (after edits). */
  text: string;
}

/** Where a forwarded message came from: Telegram's MessageOrigin without its date (the emulator adds it). */
export type ForwardOrigin =
  | { type: 'user'; sender_user: TgUser }
  | { type: 'hidden_user'; sender_user_name: string }
  | { type: 'channel'; chat: { id: number; title: string; username?: string }; message_id: number };

/** The bot a message was sent through (an inline bot such as @gif): Telegram's `via_bot`. */
export interface ViaBot {
  id: number;
  username: string;
  first_name: string;
}

export interface UserMessageOptions {
  /** Replies to this message of the user's chat: one of the bot's, or one the user sent. */
  replyTo?: BotMessage | UserMessage;
  /** Forwarded from elsewhere (`forward_origin`). */
  forwardOrigin?: ForwardOrigin;
  /** Sent through another bot (`via_bot`). */
  viaBot?: ViaBot;
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default '123456:TEST'. */
  token?: string;
  botUser?: { id: number; username: string; first_name: string };
}

export interface ApiErrorSpec {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface BotApiEmulator {
  readonly apiRoot: string;
  readonly token: string;
  /** In webhook mode: every POST of an update to the bot, with the HTTP status it got (null: none). */
  webhookDeliveries: Array<{ update_id: number; attempt: number; status: number | null }>;
  /** In webhook mode: the bot answered this update 2xx (handled, its reply sent). */
  webhookAccepted(updateId: number): boolean;
  /** In webhook mode: the most updates ever being pushed at once (never above the webhook's max_connections). */
  readonly webhookPeakConnections: number;
  /** The user writes `text` to the bot; returns the update_id. */
  sendText(from: TgUser, text: string): number;
  /**
   * The user writes `text`, optionally as a reply, a forward or via another bot;
   * returns the message (its message_id names it for editText and replies).
   */
  sendUserText(from: TgUser, text: string, options?: UserMessageOptions): UserMessage;
  /** The user replies to `message` (the bot's, or their own) with `text`. */
  replyTo(from: TgUser, message: BotMessage | UserMessage, text: string): UserMessage;
  /** The user forwards a text message to the bot; `origin` defaults to another user. */
  forwardText(from: TgUser, text: string, origin?: ForwardOrigin): UserMessage;
  /** The user sends `text` through another bot (inline mode); `viaBot` defaults to a made-up one. */
  sendViaBot(from: TgUser, text: string, viaBot?: ViaBot): UserMessage;
  /**
   * The user edits a text message they sent: an `edited_message` update with the
   * same message_id, the new text and `edit_date`. Refused (thrown) as Telegram's
   * apps refuse it: someone else's message, a forward, a message via a bot, no change.
   */
  editText(from: TgUser, message: UserMessage, text: string): UserMessage;
  /** Delivers the very same update again (same update_id and content), as Telegram does after a lost confirmation. */
  redeliver(updateId: number): number;
  /**
   * Runs `inject` (synchronous: sendText, replyTo…) and hands every update it
   * queued to the bot in one getUpdates answer, as when a person sends two
   * messages in the same instant.
   */
  together<T>(inject: () => T): T;
  pressButton(from: TgUser, message: BotMessage, callbackData: string): number;
  pressButtonLabelled(from: TgUser, message: BotMessage, label: string | RegExp): number;
  injectUpdate(update: object): number;
  messagesTo(chatId: number): BotMessage[];
  lastMessageTo(chatId: number): BotMessage | undefined;
  waitForMessage(chatId: number, predicate?: (m: BotMessage) => boolean, timeoutMs?: number): Promise<BotMessage>;
  waitFor<T>(check: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
  callbackAnswers: Array<{ callback_query_id: string; text?: string; show_alert?: boolean }>;
  calls: Array<{ method: string; params: any; at: number }>;
  pendingUpdates(): number;
  waitUntilUpdatesConsumed(timeoutMs?: number): Promise<void>;
  /**
   * The next calls of `method` fail with `error` ('network': the connection is cut, no
   * answer), `times` of them (default 1); with options, only the calls `when` accepts,
   * after letting `after` of them through, and `delivered` (the call took effect, its
   * answer was lost).
   */
  failNext(method: string, error: ApiErrorSpec | 'network', options?: number | FailureOptions): void;
  /**
   * The next call of `method` hangs, unanswered and without effect, until its client goes
   * away (as a request from a process killed before it got through). Resolves when it arrives.
   */
  hangNext(method: string): Promise<void>;
  blockUser(chatId: number): void;
  setRateLimit(perSecondGlobal: number | null): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = '123456:TEST';
const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;

// ---------------------------------------------------------------------------
// Parameter coercion: multipart and query strings deliver everything as text.

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function asJson(value: unknown): any {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Multipart fields holding objects arrive as JSON strings; decode them so `calls` shows structure. */
function decodeFormField(value: string): unknown {
  return /^\s*[[{]/.test(value) ? asJson(value) : value;
}

function requireChatId(params: Params): number {
  if (params.chat_id === undefined || params.chat_id === '') throw badRequest('chat_id is empty');
  const id = asNumber(params.chat_id);
  // Usernames (@channel) are not emulated: only numeric private chats exist here.
  if (id === undefined) throw badRequest('chat not found');
  return id;
}

// ---------------------------------------------------------------------------
// Request body parsing

interface UploadedFile {
  fileName: string;
  bytes: Buffer;
}

interface ParsedRequest {
  params: Params;
  files: Map<string, UploadedFile>;
}

async function parseRequest(req: IncomingMessage, url: URL): Promise<ParsedRequest> {
  const params: Params = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const body = await readBody(req);
  if (body.length === 0) return { params, files };
  const contentType = req.headers['content-type'] ?? '';
  if (/multipart\/form-data/i.test(contentType)) {
    readMultipart(body, contentType, params, files);
  } else if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else {
    Object.assign(params, parseJsonObject(body, "can't parse JSON encoded request body"));
  }
  return { params, files };
}

function readMultipart(body: Buffer, contentType: string, params: Params, files: Map<string, UploadedFile>): void {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) throw badRequest('multipart boundary is missing');
  for (const part of splitMultipart(body, boundary)) {
    if (part.fileName !== undefined) files.set(part.name, { fileName: part.fileName, bytes: part.body });
    else params[part.name] = decodeFormField(part.body.toString('utf8'));
  }
}

interface MultipartPart {
  name: string;
  fileName?: string;
  body: Buffer;
}

/**
 * A hand-rolled parser because undici's `Request.formData()` in Node 20 rejects
 * grammY's multipart output (it writes `content-disposition:form-data;name=...`
 * without spaces and leaves `filename=` unquoted), which Telegram accepts.
 */
function splitMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const first = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let cursor = body.indexOf(first);
  if (cursor === -1) throw badRequest('multipart body has no boundary');
  cursor += first.length;
  while (!isClosingDelimiter(body, cursor)) {
    const start = cursor + 2; // skip the CRLF that ends the delimiter line
    const end = body.indexOf(delimiter, start);
    if (end === -1) throw badRequest('multipart body is truncated');
    parts.push(parsePart(body.subarray(start, end)));
    cursor = end + delimiter.length;
  }
  return parts;
}

function isClosingDelimiter(body: Buffer, at: number): boolean {
  return at >= body.length - 1 || (body[at] === 0x2d && body[at + 1] === 0x2d);
}

function parsePart(raw: Buffer): MultipartPart {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) throw badRequest('multipart part has no header');
  const headers = raw.subarray(0, headerEnd).toString('utf8');
  const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
  const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw badRequest('multipart part has no name');
  const fileMatch = /(?:^|;)\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
  const fileName = fileMatch === null ? undefined : (fileMatch[1] ?? fileMatch[2] ?? '').trim();
  return { name, fileName, body: raw.subarray(headerEnd + 4) };
}

// ---------------------------------------------------------------------------
// Telegram HTML: a strict subset parser whose only job is to refuse what
// Telegram refuses, so unescaped user input fails in tests, not in production.

const HTML_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'blockquote', 'span',
]);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const END_TAG = /<\/([a-zA-Z][\w-]*)\s*>/y;
const START_TAG = /<([a-zA-Z][\w-]*)((?:\s+[a-zA-Z_][\w-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/y;
const ENTITY = /&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);/y;

function entityError(html: string, index: number, reason: string): ApiFailure {
  const byteOffset = Buffer.byteLength(html.slice(0, index));
  return badRequest(`can't parse entities: ${reason} at byte offset ${byteOffset}`);
}

/** Returns the visible text, or throws the 400 Telegram would answer. */
export function renderTelegramHtml(html: string): string {
  const open: string[] = [];
  let plain = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      i = consumeTag(html, i, open);
    } else if (ch === '&') {
      const entity = consumeEntity(html, i);
      plain += entity.text;
      i = entity.next;
    } else {
      plain += ch;
      i += 1;
    }
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) {
    throw badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${unclosed}"`);
  }
  return plain;
}

function consumeTag(html: string, at: number, open: string[]): number {
  END_TAG.lastIndex = at;
  const end = END_TAG.exec(html);
  if (end) {
    const name = (end[1] ?? '').toLowerCase();
    if (open.at(-1) !== name) throw entityError(html, at, `Unmatched end tag "${name}"`);
    open.pop();
    return END_TAG.lastIndex;
  }
  START_TAG.lastIndex = at;
  const start = START_TAG.exec(html);
  const name = (start?.[1] ?? /^<\/?([^\s>]*)/.exec(html.slice(at))?.[1] ?? '').toLowerCase();
  if (!start || !HTML_TAGS.has(name)) {
    throw entityError(html, at, `Unsupported start tag "${name}" (escape a literal "<" as &lt;)`);
  }
  if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(start[2] ?? '')) {
    throw entityError(html, at, 'Tag "span" must have class "tg-spoiler"');
  }
  open.push(name);
  return START_TAG.lastIndex;
}

function consumeEntity(html: string, at: number): { text: string; next: number } {
  ENTITY.lastIndex = at;
  const match = ENTITY.exec(html);
  const body = match?.[1];
  if (!match || body === undefined) {
    throw entityError(html, at, 'Character "&" is not part of an entity (escape it as &amp;)');
  }
  const text = body.startsWith('#') ? decodeNumericEntity(body) : NAMED_ENTITIES[body.toLowerCase()];
  if (text === undefined) throw entityError(html, at, `Unsupported HTML entity "&${body};"`);
  return { text, next: ENTITY.lastIndex };
}

function decodeNumericEntity(body: string): string | undefined {
  const code = body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function renderText(text: string, parseMode: string | undefined): string {
  // MarkdownV2 is not emulated: its text is passed through as-is.
  return parseMode?.toUpperCase() === 'HTML' ? renderTelegramHtml(text) : text;
}

// ---------------------------------------------------------------------------
// Validation shared by send and edit

function validateText(text: string | undefined, parseMode: string | undefined): string {
  if (text === undefined || text.trim() === '') throw badRequest('message text is empty');
  const plain = renderText(text, parseMode);
  if (plain.trim() === '') throw badRequest('message text is empty');
  if (plain.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
  return plain;
}

function validateCaption(caption: string | undefined, parseMode: string | undefined): string {
  if (caption === undefined) return '';
  const plain = renderText(caption, parseMode);
  if (plain.length > MAX_CAPTION_LENGTH) throw badRequest('message caption is too long');
  return plain;
}

function validateReplyMarkup(markup: unknown): void {
  if (markup === undefined || markup === null) return;
  if (typeof markup !== 'object') throw badRequest("can't parse reply keyboard markup JSON object");
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (rows === undefined) return;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const row of rows as unknown[][]) row.forEach(validateInlineButton);
}

const BUTTON_ACTIONS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay',
];

function validateInlineButton(button: unknown): void {
  const b = (button ?? {}) as Record<string, unknown>;
  if (typeof b.text !== 'string' || b.text === '') throw badRequest('BUTTON_TEXT_INVALID');
  if (!BUTTON_ACTIONS.some((key) => b[key] !== undefined)) {
    throw badRequest('text buttons are unallowed in the inline keyboard');
  }
  // Telegram measures callback_data in UTF-8 bytes, which Vietnamese text exhausts quickly.
  if (b.callback_data !== undefined) {
    const bytes = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
    if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
}

function sameMarkup(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const MIME_TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  png: 'image/png',
  xls: 'application/vnd.ms-excel',
  csv: 'text/csv',
  pdf: 'application/pdf',
  txt: 'text/plain',
  json: 'application/json',
  zip: 'application/zip',
};

function guessMimeType(fileName: string): string {
  const extension = fileName.split('.').pop()?.toLowerCase() ?? '';
  return MIME_TYPES[extension] ?? 'application/octet-stream';
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A copy for callers (a StoredMessage keeps its extra fields), so tests never hold the live record. */
function snapshot<M extends BotMessage>(message: M): M {
  const copy: M = { ...message, history: [...message.history] };
  if (message.document) copy.document = { ...message.document };
  return copy;
}

// ---------------------------------------------------------------------------
// The emulator

interface StoredMessage extends BotMessage {
  date: number;
  editDate?: number;
  fileId?: string;
}

interface QueuedUpdate {
  update_id: number;
  payload: Record<string, unknown>;
  /** Confirmation by offset only applies to delivered updates, so a re-injected duplicate is still delivered. */
  delivered: boolean;
}

/** A text message a user sent, kept so it can be edited or replied to. */
interface StoredUserMessage {
  from: TgUser;
  update_id: number;
  /** The message as the bot last got it (with edit_date once edited), without the update around it. */
  payload: Record<string, unknown>;
  /** Telegram's apps edit neither forwards nor messages sent via a bot. */
  editable: boolean;
}

interface StoredDocument {
  file_name: string;
  mime_type: string;
  bytes: Buffer;
}

type Handler = (params: Params, request: { files: Map<string, UploadedFile>; res: ServerResponse }) => unknown;

class Emulator implements BotApiEmulator {
  apiRoot = '';
  readonly token: string;
  callbackAnswers: BotApiEmulator['callbackAnswers'] = [];
  calls: BotApiEmulator['calls'] = [];

  private readonly botUser: { id: number; username: string; first_name: string };
  private readonly server: ApiServer<ParsedRequest>;
  private readonly handlers: Record<string, Handler>;
  private readonly waiters = new Waiters(() => this.calls);
  private readonly chats = new ChatLog<number, StoredMessage>(this.waiters, {
    snapshot,
    label: (m) => `#${m.message_id}${m.edited ? ' (edited)' : ''}: ${JSON.stringify(m.text)}`,
    chatName: (chatId) => `in chat ${chatId}`,
  });
  private readonly users = new Map<number, TgUser>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly openCallbackQueries = new Set<string>();
  private readonly failures = new InjectedFailures();
  private readonly rateLimit = new RateLimit();
  /** Methods whose next call hangs (hangNext), with who waits for it to arrive. */
  private readonly hangs = new Map<string, () => void>();
  private readonly blocked = new Set<number>();
  private readonly files = new Map<string, StoredDocument>();
  private readonly commands = new Map<string, unknown[]>();
  /** Per chat, the text messages users sent, by message_id. */
  private readonly userMessages = new Map<number, Map<number, StoredUserMessage>>();
  /** Every update injected, as it was first delivered, for redeliver(). */
  private readonly injected = new Map<number, Record<string, unknown>>();
  /** > 0 inside together(): updates are queued and handed over when it ends. */
  private holding = 0;
  private readonly poll = new LongPoll<object[]>();
  /** The `limit` of the poll being held. */
  private pollLimit = 100;
  private queue: QueuedUpdate[] = [];
  private nextUpdateId = 1;
  private nextCallbackId = 1;
  private nextFileId = 1;
  private webhookUrl = '';
  private webhookSecret = '';
  /** Telegram's `max_connections`: at most this many webhook requests in flight at once (its default is 40). */
  private webhookMaxConnections = DEFAULT_WEBHOOK_CONNECTIONS;
  /** Updates being pushed to the webhook, by update_id (each until the bot answers 2xx). */
  private readonly pushing = new Set<number>();
  /** Updates the bot's webhook answered with 2xx: handled, reply and all. */
  private readonly accepted = new Set<number>();
  private readonly shutdown = new AbortController();
  private closed = false;
  /** Every POST to the webhook: the update, the attempt, the HTTP status (null: no answer in time). */
  webhookDeliveries: Array<{ update_id: number; attempt: number; status: number | null }> = [];
  webhookPeakConnections = 0;

  constructor(opts: EmulatorOptions) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    const idFromToken = Number(this.token.split(':')[0]);
    this.botUser = opts.botUser ?? {
      id: Number.isFinite(idFromToken) ? idFromToken : 123456,
      username: 'baocao_test_bot',
      first_name: 'Baocao Test Bot',
    };
    this.handlers = this.createHandlers();
    this.server = new ApiServer<ParsedRequest>({
      token: this.token,
      route: /^\/bot([^/]+)\/([A-Za-z0-9_]+)\/?$/,
      parse: parseRequest,
      invoke: (method, { params, files }, res) => this.invoke(method, params, { files, res }),
      calls: () => this.calls,
      notify: () => this.waiters.notify(),
      statusOf: (spec) => spec.error_code,
    });
  }

  async listen(port: number): Promise<void> {
    this.apiRoot = await this.server.listen(port);
  }

  // --- driving -------------------------------------------------------------

  sendText(from: TgUser, text: string): number {
    return this.sendUserText(from, text).update_id;
  }

  sendUserText(from: TgUser, text: string, options: UserMessageOptions = {}): UserMessage {
    if (text === '') throw new Error("Telegram's apps do not send an empty message");
    // Looked up before an id is allocated: a refused reply takes no message_id.
    const replied = options.replyTo === undefined ? undefined : this.repliedMessage(from.id, options.replyTo);
    this.users.set(from.id, from);
    const date = nowSeconds();
    const message: Record<string, unknown> = {
      message_id: this.allocateMessageId(from.id),
      date,
      chat: this.chatObject(from.id),
      from: { ...from, is_bot: false },
      text,
      ...commandEntities(text),
    };
    if (replied) message.reply_to_message = replied;
    // The original was sent a minute before it was forwarded.
    if (options.forwardOrigin) message.forward_origin = forwardOriginObject(options.forwardOrigin, date - 60);
    if (options.viaBot) message.via_bot = { ...options.viaBot, is_bot: true };
    const updateId = this.injectUpdate({ message });
    const messages = this.userMessages.get(from.id) ?? new Map<number, StoredUserMessage>();
    messages.set(message.message_id as number, {
      from,
      update_id: updateId,
      payload: jsonCopy(message),
      editable: options.forwardOrigin === undefined && options.viaBot === undefined,
    });
    this.userMessages.set(from.id, messages);
    return { chat_id: from.id, message_id: message.message_id as number, update_id: updateId, text };
  }

  replyTo(from: TgUser, message: BotMessage | UserMessage, text: string): UserMessage {
    return this.sendUserText(from, text, { replyTo: message });
  }

  forwardText(from: TgUser, text: string, origin?: ForwardOrigin): UserMessage {
    const forwardOrigin: ForwardOrigin = origin ?? { type: 'user', sender_user: { id: 777_000_001, first_name: 'Người', last_name: 'Khác' } };
    return this.sendUserText(from, text, { forwardOrigin });
  }

  sendViaBot(from: TgUser, text: string, viaBot?: ViaBot): UserMessage {
    return this.sendUserText(from, text, { viaBot: viaBot ?? { id: 777_000_002, username: 'other_inline_bot', first_name: 'Other Bot' } });
  }

  editText(from: TgUser, message: UserMessage, text: string): UserMessage {
    const stored = this.userMessages.get(message.chat_id)?.get(message.message_id);
    if (!stored) throw new Error(`no message #${message.message_id} sent by a user in chat ${message.chat_id}`);
    if (stored.from.id !== from.id) throw new Error(`message #${message.message_id} was sent by ${stored.from.id}, not by ${from.id}`);
    if (!stored.editable) throw new Error(`message #${message.message_id} is a forward or was sent via a bot: it cannot be edited`);
    if (text === '') throw new Error("Telegram's apps do not save an edit to an empty message");
    if (text === stored.payload.text) throw new Error(`message #${message.message_id} is not modified: the new text is the same`);
    const { entities: _entities, edit_date: _editDate, ...unchanged } = stored.payload;
    // Same message_id, chat and original date; the new text and when it was edited.
    const edited: Record<string, unknown> = { ...unchanged, text, ...commandEntities(text), edit_date: nowSeconds() };
    const updateId = this.injectUpdate({ edited_message: edited });
    stored.payload = jsonCopy(edited);
    stored.update_id = updateId;
    return { chat_id: message.chat_id, message_id: message.message_id, update_id: updateId, text };
  }

  redeliver(updateId: number): number {
    const payload = this.injected.get(updateId);
    if (!payload) throw new Error(`no update ${updateId} was sent`);
    return this.injectUpdate(jsonCopy(payload));
  }

  together<T>(inject: () => T): T {
    this.holding += 1;
    let result: T;
    try {
      result = inject();
    } finally {
      this.holding -= 1;
      if (this.holding === 0) {
        this.answerPoll();
        this.pushToWebhook();
        this.waiters.notify();
      }
    }
    if (typeof (result as { then?: unknown } | undefined)?.then === 'function') {
      throw new Error('together() takes a synchronous function: updates queued after an await were not handed over together');
    }
    return result;
  }

  pressButton(from: TgUser, message: BotMessage, callbackData: string): number {
    this.users.set(from.id, from);
    const current = this.chats.find(message.chat_id, message.message_id);
    if (!current) throw new Error(`message #${message.message_id} in chat ${message.chat_id} no longer exists`);
    const id = String(this.nextCallbackId++);
    this.openCallbackQueries.add(id);
    return this.injectUpdate({
      callback_query: {
        id,
        from: { ...from, is_bot: false },
        chat_instance: String(message.chat_id),
        data: callbackData,
        message: this.toApiMessage(current),
      },
    });
  }

  pressButtonLabelled(from: TgUser, message: BotMessage, label: string | RegExp): number {
    const current = this.chats.find(message.chat_id, message.message_id) ?? message;
    const buttons = inlineButtons(current.reply_markup);
    const matches = (text: string) => (typeof label === 'string' ? text === label : label.test(text));
    const button = buttons.find((b) => matches(b.text));
    if (!button) {
      const labels = buttons.map((b) => JSON.stringify(b.text)).join(', ') || '(no inline buttons)';
      throw new Error(`no button labelled ${String(label)} on message #${current.message_id}; labels: ${labels}`);
    }
    if (typeof button.callback_data !== 'string') {
      throw new Error(`button ${JSON.stringify(button.text)} has no callback_data`);
    }
    return this.pressButton(from, current, button.callback_data);
  }

  injectUpdate(update: object): number {
    if (this.closed) throw new Error('emulator is closed');
    const payload = { ...(update as Record<string, unknown>) };
    const given = asNumber(payload.update_id);
    const updateId = given ?? this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, updateId + 1);
    payload.update_id = updateId;
    this.queue.push({ update_id: updateId, payload, delivered: false });
    if (!this.injected.has(updateId)) this.injected.set(updateId, jsonCopy(payload));
    if (this.holding === 0) this.answerPoll();
    if (this.holding === 0) this.pushToWebhook();
    this.waiters.notify();
    return updateId;
  }

  // --- observing -------------------------------------------------------------

  webhookAccepted(updateId: number): boolean {
    return this.accepted.has(updateId);
  }

  messagesTo(chatId: number): BotMessage[] {
    return this.chats.messagesTo(chatId);
  }

  lastMessageTo(chatId: number): BotMessage | undefined {
    return this.chats.lastMessageTo(chatId);
  }

  waitForMessage(chatId: number, predicate?: (m: BotMessage) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<BotMessage> {
    return this.chats.waitForMessage(chatId, predicate, timeoutMs);
  }

  waitFor<T>(check: () => T | undefined | false | null, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.waiters.waitFor(check, timeoutMs);
  }

  pendingUpdates(): number {
    return this.queue.length;
  }

  async waitUntilUpdatesConsumed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.waitFor(() => this.queue.length === 0, timeoutMs);
  }

  // --- failure injection -----------------------------------------------------

  failNext(method: string, error: ApiErrorSpec | 'network', options: number | FailureOptions = 1): void {
    this.failures.add(method.toLowerCase(), error, options);
  }

  hangNext(method: string): Promise<void> {
    return new Promise((arrived) => this.hangs.set(method.toLowerCase(), arrived));
  }

  blockUser(chatId: number): void {
    this.blocked.add(chatId);
  }

  setRateLimit(perSecondGlobal: number | null): void {
    this.rateLimit.set(perSecondGlobal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shutdown.abort();
    this.answerPoll();
    this.waiters.cancelAll(new Error('emulator closed'));
    await this.server.close();
  }

  // --- dispatch ----------------------------------------------------------------

  private async invoke(method: string, params: Params, request: Parameters<Handler>[1]): Promise<unknown> {
    const key = method.toLowerCase();
    const hang = this.hangs.get(key);
    if (hang) {
      this.hangs.delete(key);
      hang();
      // Never answered, never performed: it ends when the client's connection does.
      await new Promise<void>((gone) => {
        request.res.once('close', gone);
        this.shutdown.signal.addEventListener('abort', () => gone(), { once: true });
      });
      throw new ApiFailure({ error_code: 500, description: 'Internal Server Error: the client went away' });
    }
    const due = this.failures.take(key, params);
    if (due && !due.delivered) throw due.error;
    const handler = this.handlers[key];
    if (!handler) throw new ApiFailure({ error_code: 404, description: 'Not Found: method not found' });
    if (sendsToChat(key)) this.guardChat(params);
    if (countsAsSend(key)) {
      this.rateLimit.take({ error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    }
    const result = await handler(params, request);
    // Done, and the answer lost on its way back.
    if (due) throw due.error;
    return result;
  }

  private guardChat(params: Params): void {
    const chatId = asNumber(params.chat_id);
    if (chatId !== undefined && this.blocked.has(chatId)) {
      throw new ApiFailure({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    }
  }

  // --- Bot API methods -------------------------------------------------------

  private createHandlers(): Record<string, Handler> {
    const handlers: Record<string, Handler> = {
      getMe: () => ({ ...this.botUser, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
      getUpdates: (p, { res }) => this.getUpdates(p, res),
      deleteWebhook: (p) => this.deleteWebhook(p),
      setWebhook: (p) => this.setWebhook(p),
      getWebhookInfo: () => ({ url: this.webhookUrl, has_custom_certificate: false, pending_update_count: this.queue.length, max_connections: this.webhookMaxConnections }),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands.get(commandsKey(p)) ?? [],
      deleteMyCommands: (p) => {
        this.commands.delete(commandsKey(p));
        return true;
      },
      sendMessage: (p) => this.sendMessage(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      sendDocument: (p, { files }) => this.sendDocument(p, files),
      sendPhoto: (p, { files }) => this.sendPhoto(p, files),
      sendChatAction: (p) => this.sendChatAction(p),
      getChat: (p) => this.chatObject(requireChatId(p)),
    };
    // Telegram matches method names case-insensitively.
    return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), handler]));
  }

  private getUpdates(params: Params, res: ServerResponse): object[] | Promise<object[]> {
    if (this.webhookUrl) {
      throw new ApiFailure({
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    this.confirmUpdates(asNumber(params.offset));
    const limit = Math.min(100, Math.max(1, asNumber(params.limit) ?? 100));
    const timeoutSeconds = Math.max(0, asNumber(params.timeout) ?? 0);
    this.terminatePoll();
    if (this.queue.length > 0 || timeoutSeconds === 0 || this.closed) return this.deliver(limit);
    this.pollLimit = limit;
    // An empty poll that times out is answered with [] (or what came meanwhile), as on Telegram.
    return this.poll.hold(res, timeoutSeconds * 1000, () => this.answerPoll());
  }

  private confirmUpdates(offset: number | undefined): void {
    if (offset === undefined) return;
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
      return;
    }
    this.queue = this.queue.filter((u) => !(u.delivered && u.update_id < offset));
  }

  private deliver(limit: number): object[] {
    const batch = this.queue.slice(0, limit);
    for (const update of batch) update.delivered = true;
    return batch.map((u) => u.payload);
  }

  /** Hands what is queued to the held poll, if there is one. */
  private answerPoll(): void {
    if (this.poll.isOpen()) this.poll.answer(this.deliver(this.pollLimit));
  }

  /** Like Telegram: a second long poll ends the first with 409, which exposes two bots polling at once. */
  private terminatePoll(): void {
    this.poll.end(new ApiFailure({
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    }));
  }

  private deleteWebhook(params: Params): true {
    this.webhookUrl = '';
    if (asBoolean(params.drop_pending_updates)) this.queue = [];
    return true;
  }

  private setWebhook(params: Params): true {
    const url = asString(params.url) ?? '';
    const secret = asString(params.secret_token) ?? '';
    if (url && !/^https?:\/\//.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    if (secret && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw badRequest('bad webhook: secret token contains unallowed characters');
    const maxConnections = asNumber(params.max_connections) ?? DEFAULT_WEBHOOK_CONNECTIONS;
    if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) throw badRequest('bad webhook: max_connections must be between 1 and 100');
    this.webhookUrl = url;
    this.webhookSecret = secret;
    this.webhookMaxConnections = maxConnections;
    if (asBoolean(params.drop_pending_updates)) this.queue = [];
    this.terminatePoll();
    queueMicrotask(() => this.pushToWebhook());
    return true;
  }

  /**
   * Like Telegram with a webhook: each pending update is POSTed (JSON, the secret in
   * X-Telegram-Bot-Api-Secret-Token) until the bot answers 2xx, retried with backoff on
   * any other answer or none; a chat's updates go one after another, in order; at most
   * `max_connections` requests at once, the oldest waiting update first.
   */
  private pushToWebhook(): void {
    if (!this.webhookUrl || this.closed) return;
    const busyChats = new Set<number>();
    for (const update of this.queue) {
      if (this.pushing.size >= this.webhookMaxConnections) return;
      const chat = updateChatId(update.payload);
      if (this.pushing.has(update.update_id)) {
        busyChats.add(chat);
        continue;
      }
      if (busyChats.has(chat)) continue;
      busyChats.add(chat);
      this.pushing.add(update.update_id);
      this.webhookPeakConnections = Math.max(this.webhookPeakConnections, this.pushing.size);
      void this.pushUntilAccepted(update);
    }
  }

  private async pushUntilAccepted(update: QueuedUpdate): Promise<void> {
    for (let attempt = 1; !this.closed && this.webhookUrl; attempt++) {
      const status = await postUpdate(
        this.webhookUrl,
        update.payload,
        { header: 'x-telegram-bot-api-secret-token', value: this.webhookSecret },
        AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
      );
      this.webhookDeliveries.push({ update_id: update.update_id, attempt, status });
      this.waiters.notify();
      if (status !== null && status >= 200 && status < 300) {
        this.queue = this.queue.filter((u) => u !== update);
        this.accepted.add(update.update_id);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** (attempt - 1))));
    }
    this.pushing.delete(update.update_id);
    this.pushToWebhook();
  }

  private setMyCommands(params: Params): true {
    const commands = asJson(params.commands);
    if (!Array.isArray(commands)) throw badRequest('parameter "commands" must be an array');
    for (const command of commands as Array<Record<string, unknown>>) {
      if (typeof command.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
        throw badRequest('BOT_COMMAND_INVALID');
      }
      const description = command.description;
      if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    this.commands.set(commandsKey(params), commands);
    return true;
  }

  private sendMessage(params: Params): object {
    const chatId = requireChatId(params);
    const text = asString(params.text);
    const parseMode = asString(params.parse_mode);
    const plainText = validateText(text, parseMode);
    const replyMarkup = asJson(params.reply_markup);
    validateReplyMarkup(replyMarkup);
    const message = this.store(chatId, { text: text ?? '', plainText, parse_mode: parseMode, reply_markup: replyMarkup });
    return this.toApiMessage(message);
  }

  private sendDocument(params: Params, files: Map<string, UploadedFile>): object {
    const document = this.resolveDocument(params.document, files);
    return this.storeFileMessage(params, { file_name: document.file_name, mime_type: document.mime_type, bytes: document.bytes });
  }

  /** Telegram refuses a photo it cannot decode; the emulator reads PNG sizes (what this bot sends). */
  private sendPhoto(params: Params, files: Map<string, UploadedFile>): object {
    const photo = this.resolveDocument(params.photo, files, 'photo');
    const size = pngSize(photo.bytes);
    if (!size) throw badRequest('IMAGE_PROCESS_FAILED');
    return this.storeFileMessage(params, { file_name: photo.file_name, mime_type: 'image/png', bytes: photo.bytes, photo: size });
  }

  /** A document or photo message with its caption and keyboard, checked as Telegram checks them. */
  private storeFileMessage(params: Params, file: Omit<NonNullable<BotMessage['document']>, 'caption'>): object {
    const chatId = requireChatId(params);
    const caption = asString(params.caption);
    const parseMode = asString(params.parse_mode);
    const plainText = validateCaption(caption, parseMode);
    const replyMarkup = asJson(params.reply_markup);
    validateReplyMarkup(replyMarkup);
    const message = this.store(chatId, { text: caption ?? '', plainText, parse_mode: parseMode, reply_markup: replyMarkup, document: { ...file, caption } });
    return this.toApiMessage(message);
  }

  /** Accepts an upload (attach://id or a file part named after the field) or a file_id this emulator issued. */
  private resolveDocument(value: unknown, files: Map<string, UploadedFile>, field = 'document'): StoredDocument {
    const reference = asString(value);
    const attached = reference?.startsWith('attach://') ? files.get(reference.slice('attach://'.length)) : files.get(field);
    if (attached) {
      return { file_name: attached.fileName || 'document.dat', mime_type: guessMimeType(attached.fileName), bytes: attached.bytes };
    }
    const known = reference === undefined ? undefined : this.files.get(reference);
    if (!known) throw badRequest('wrong file identifier/HTTP URL specified');
    return known;
  }

  private editMessageText(params: Params): object {
    const message = this.requireEditable(params);
    if (message.document) throw badRequest('there is no text in the message to edit');
    const text = asString(params.text);
    const parseMode = asString(params.parse_mode);
    const plainText = validateText(text, parseMode);
    // Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
    const replyMarkup = asJson(params.reply_markup);
    validateReplyMarkup(replyMarkup);
    if (text === message.text && sameMarkup(replyMarkup, message.reply_markup)) throw notModified();
    message.history.push(message.text);
    message.text = text ?? '';
    message.plainText = plainText;
    message.parse_mode = parseMode;
    message.reply_markup = replyMarkup;
    return this.markEdited(message);
  }

  private editMessageReplyMarkup(params: Params): object {
    const message = this.requireEditable(params);
    const replyMarkup = asJson(params.reply_markup);
    validateReplyMarkup(replyMarkup);
    if (sameMarkup(replyMarkup, message.reply_markup)) throw notModified();
    message.reply_markup = replyMarkup;
    return this.markEdited(message);
  }

  private markEdited(message: StoredMessage): object {
    message.edited = true;
    message.editDate = nowSeconds();
    this.chats.changed(message);
    return this.toApiMessage(message);
  }

  private requireEditable(params: Params): StoredMessage {
    if (params.inline_message_id !== undefined) throw badRequest('inline messages are not emulated');
    const chatId = requireChatId(params);
    const messageId = asNumber(params.message_id);
    const message = messageId === undefined ? undefined : this.chats.find(chatId, messageId);
    if (!message) throw badRequest('message to edit not found');
    return message;
  }

  private deleteMessage(params: Params): true {
    const chatId = requireChatId(params);
    const messageId = asNumber(params.message_id);
    if (messageId === undefined || !this.chats.remove(chatId, messageId)) throw badRequest('message to delete not found');
    return true;
  }

  private answerCallbackQuery(params: Params): true {
    const id = asString(params.callback_query_id) ?? '';
    // Unknown or already-answered ids fail on Telegram too; this catches double answers.
    if (!this.openCallbackQueries.delete(id)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const answer: BotApiEmulator['callbackAnswers'][number] = { callback_query_id: id };
    const text = asString(params.text);
    const showAlert = asBoolean(params.show_alert);
    if (text !== undefined) answer.text = text;
    if (showAlert !== undefined) answer.show_alert = showAlert;
    this.callbackAnswers.push(answer);
    return true;
  }

  private sendChatAction(params: Params): true {
    requireChatId(params);
    if (!asString(params.action)) throw badRequest('action is empty');
    return true;
  }

  // --- message store -----------------------------------------------------------

  private store(chatId: number, content: Omit<BotMessage, 'message_id' | 'chat_id' | 'edited' | 'history'>): StoredMessage {
    const message: StoredMessage = {
      ...content,
      message_id: this.allocateMessageId(chatId),
      chat_id: chatId,
      edited: false,
      history: [],
      date: nowSeconds(),
    };
    if (message.document) message.fileId = this.rememberFile(message.document);
    this.chats.add(message);
    return message;
  }

  /** Issued file_ids can be sent again, as bots do to avoid re-uploading a report. */
  private rememberFile(document: NonNullable<BotMessage['document']>): string {
    const fileId = `doc-${this.nextFileId++}`;
    this.files.set(fileId, { file_name: document.file_name, mime_type: document.mime_type ?? 'application/octet-stream', bytes: document.bytes });
    return fileId;
  }

  /** What `reply_to_message` holds: the replied message as it is now (a reply's own reply is not nested, as on Telegram). */
  private repliedMessage(chatId: number, target: BotMessage | UserMessage): object {
    if (target.chat_id !== chatId) throw new Error(`message #${target.message_id} is in chat ${target.chat_id}, not in chat ${chatId}`);
    const own = this.userMessages.get(chatId)?.get(target.message_id);
    if (own) {
      const { reply_to_message: _nested, ...message } = own.payload;
      return message;
    }
    const bots = this.chats.find(chatId, target.message_id);
    if (!bots) throw new Error(`message #${target.message_id} in chat ${chatId} no longer exists`);
    return this.toApiMessage(bots);
  }

  /** Private chats share one id sequence between the user's and the bot's messages. */
  private allocateMessageId(chatId: number): number {
    const next = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, next);
    return next;
  }

  private chatObject(chatId: number): object {
    const user = this.users.get(chatId);
    return { id: chatId, type: 'private', ...(user && { first_name: user.first_name, last_name: user.last_name, username: user.username }) };
  }

  private toApiMessage(message: StoredMessage): object {
    const api: Record<string, unknown> = {
      message_id: message.message_id,
      date: message.date,
      chat: this.chatObject(message.chat_id),
      from: { ...this.botUser, is_bot: true },
    };
    if (message.editDate !== undefined) api.edit_date = message.editDate;
    if (message.document?.photo) {
      const fileId = message.fileId ?? 'doc-unknown';
      api.photo = [{ file_id: fileId, file_unique_id: `u${fileId}`, ...message.document.photo, file_size: message.document.bytes.length }];
      if (message.document.caption !== undefined) api.caption = message.plainText;
    } else if (message.document) {
      api.document = documentObject(message.document, message.fileId ?? 'doc-unknown');
      if (message.document.caption !== undefined) api.caption = message.plainText;
    } else {
      // Telegram answers with the rendered text; formatting would come back as entities.
      api.text = message.plainText;
    }
    if (message.reply_markup !== undefined) api.reply_markup = message.reply_markup;
    return api;
  }
}

/** A command at the start of a text is marked as Telegram marks it. */
function commandEntities(text: string): { entities?: object[] } {
  const command = /^\/\S+/.exec(text);
  return command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {};
}

function forwardOriginObject(origin: ForwardOrigin, date: number): object {
  switch (origin.type) {
    case 'user':
      return { type: 'user', date, sender_user: { ...origin.sender_user, is_bot: false } };
    case 'hidden_user':
      return { type: 'hidden_user', date, sender_user_name: origin.sender_user_name };
    case 'channel':
      return { type: 'channel', date, chat: { ...origin.chat, type: 'channel' }, message_id: origin.message_id };
  }
}

/** A deep copy of JSON data (what updates are): lone surrogates survive, as they do on the wire. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function documentObject(document: NonNullable<BotMessage['document']>, fileId: string): object {
  return {
    file_id: fileId,
    file_unique_id: `u${fileId}`,
    file_name: document.file_name,
    mime_type: document.mime_type,
    file_size: document.bytes.length,
  };
}

/** Telegram's default `max_connections` for a webhook. */
const DEFAULT_WEBHOOK_CONNECTIONS = 40;

/** How long the emulator waits for the bot to answer a webhook POST (Telegram waits about a minute). */
const WEBHOOK_TIMEOUT_MS = 60_000;

/** The chat an update belongs to, for in-order webhook delivery (0 when it names none). */
function updateChatId(payload: Record<string, unknown>): number {
  const message = (payload.message ?? payload.edited_message ?? (payload.callback_query as Record<string, unknown> | undefined)?.message) as
    | { chat?: { id?: number } }
    | undefined;
  const from = (payload.callback_query as { from?: { id?: number } } | undefined)?.from;
  return message?.chat?.id ?? from?.id ?? 0;
}

function notModified(): ApiFailure {
  return badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );
}

function commandsKey(params: Params): string {
  return JSON.stringify([asJson(params.scope) ?? { type: 'default' }, asString(params.language_code) ?? '']);
}

function inlineButtons(markup: unknown): Array<{ text: string; callback_data?: unknown }> {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return [];
  return rows.flat().filter((b): b is { text: string } => typeof (b as { text?: unknown })?.text === 'string');
}

function sendsToChat(method: string): boolean {
  return /^(send|edit|copy|forward)/.test(method);
}

function countsAsSend(method: string): boolean {
  // Chat actions are not messages and Telegram does not count them against the flood limit.
  return /^(send|copy|forward)/.test(method) && method !== 'sendchataction';
}

export async function startBotApiEmulator(opts: EmulatorOptions = {}): Promise<BotApiEmulator> {
  const emulator = new Emulator(opts);
  await emulator.listen(opts.port ?? 0);
  return emulator;
}
