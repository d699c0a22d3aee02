/**
 * Local stand-in for the Telegram Bot API, so end-to-end tests and demos can
 * run the real grammY bot over real HTTP without touching Telegram.
 *
 * It is deliberately strict where Telegram is strict (HTML parse errors,
 * "message is not modified", callback data size, rate limits), because those
 * are the failures a mocked API would hide.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  document?: { file_name: string; mime_type?: string; bytes: Buffer; caption?: string };
  edited: boolean;
  /** Previous raw texts, oldest first. */
  history: string[];
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
  sendText(from: TgUser, text: string): number;
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
  failNext(method: string, error: ApiErrorSpec, times?: number): void;
  blockUser(chatId: number): void;
  setRateLimit(perSecondGlobal: number | null): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = '123456:TEST';
const DEFAULT_WAIT_MS = 5000;
const FALLBACK_POLL_MS = 20;
const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;

// ---------------------------------------------------------------------------
// Errors

class ApiFailure extends Error {
  constructor(readonly spec: ApiErrorSpec) {
    super(spec.description);
  }
}

function badRequest(reason: string): ApiFailure {
  return new ApiFailure({ error_code: 400, description: `Bad Request: ${reason}` });
}

function errorBody(spec: ApiErrorSpec): object {
  const body: Record<string, unknown> = { ok: false, error_code: spec.error_code, description: spec.description };
  if (spec.retry_after !== undefined) body.parameters = { retry_after: spec.retry_after };
  return body;
}

// ---------------------------------------------------------------------------
// Parameter coercion: multipart and query strings deliver everything as text.

type Params = Record<string, unknown>;

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

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
    Object.assign(params, parseJsonBody(body));
  }
  return { params, files };
}

function parseJsonBody(body: Buffer): Params {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON encoded request body");
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object');
  }
  return parsed as Params;
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

function snapshot(message: BotMessage): BotMessage {
  const copy: BotMessage = { ...message, history: [...message.history] };
  if (message.document) copy.document = { ...message.document };
  return copy;
}

function describe(messages: BotMessage[]): string {
  if (messages.length === 0) return '  (no messages)';
  return messages.map((m) => `  #${m.message_id}${m.edited ? ' (edited)' : ''}: ${JSON.stringify(m.text)}`).join('\n');
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

interface PendingPoll {
  limit: number;
  resolve: (updates: object[]) => void;
  reject: (failure: ApiFailure) => void;
  timer: NodeJS.Timeout;
}

interface InjectedFailure {
  error: ApiErrorSpec;
  remaining: number;
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
  private readonly server: Server;
  private readonly handlers: Record<string, Handler>;
  private readonly chats = new Map<number, StoredMessage[]>();
  private readonly users = new Map<number, TgUser>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly openCallbackQueries = new Set<string>();
  private readonly failures = new Map<string, InjectedFailure[]>();
  private readonly blocked = new Set<number>();
  private readonly files = new Map<string, StoredDocument>();
  private readonly commands = new Map<string, unknown[]>();
  /** Re-run on every API call and state change; this is what makes the waits event-driven. */
  private readonly tickListeners = new Set<() => void>();
  private readonly messageListeners = new Set<(message: BotMessage) => void>();
  private readonly cancelWaits = new Set<(reason: Error) => void>();
  private queue: QueuedUpdate[] = [];
  private poll: PendingPoll | undefined;
  private nextUpdateId = 1;
  private nextCallbackId = 1;
  private nextFileId = 1;
  private webhookUrl = '';
  private rateLimit: number | null = null;
  private sendTimes: number[] = [];
  private closed = false;

  constructor(opts: EmulatorOptions) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    const idFromToken = Number(this.token.split(':')[0]);
    this.botUser = opts.botUser ?? {
      id: Number.isFinite(idFromToken) ? idFromToken : 123456,
      username: 'baocao_test_bot',
      first_name: 'Baocao Test Bot',
    };
    this.handlers = this.createHandlers();
    this.server = createServer((req, res) => void this.handleHttp(req, res));
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${address.port}`;
  }

  // --- driving -------------------------------------------------------------

  sendText(from: TgUser, text: string): number {
    this.users.set(from.id, from);
    const message: Record<string, unknown> = {
      message_id: this.allocateMessageId(from.id),
      date: nowSeconds(),
      chat: this.chatObject(from.id),
      from: { ...from, is_bot: false },
      text,
    };
    const command = /^\/\S+/.exec(text);
    if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
    return this.injectUpdate({ message });
  }

  pressButton(from: TgUser, message: BotMessage, callbackData: string): number {
    this.users.set(from.id, from);
    const current = this.findMessage(message.chat_id, message.message_id);
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
    const current = this.findMessage(message.chat_id, message.message_id) ?? message;
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
    if (this.poll) this.finishPoll(this.poll);
    this.notify();
    return updateId;
  }

  // --- observing -------------------------------------------------------------

  messagesTo(chatId: number): BotMessage[] {
    return (this.chats.get(chatId) ?? []).map(snapshot);
  }

  lastMessageTo(chatId: number): BotMessage | undefined {
    const last = this.chats.get(chatId)?.at(-1);
    return last && snapshot(last);
  }

  waitForMessage(chatId: number, predicate: (m: BotMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<BotMessage> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: BotMessage) => {
        if (message.chat_id !== chatId) return;
        try {
          if (predicate(message)) settle(() => resolve(message));
        } catch (error) {
          settle(() => reject(error));
        }
      };
      const timer = setTimeout(() => {
        const recent = describe(this.messagesTo(chatId).slice(-5));
        settle(() => reject(new Error(`no matching message in chat ${chatId} within ${timeoutMs} ms; last messages:\n${recent}`)));
      }, timeoutMs);
      const cancel = (reason: Error) => settle(() => reject(reason));
      const settle = (action: () => void) => {
        clearTimeout(timer);
        this.messageListeners.delete(onMessage);
        this.cancelWaits.delete(cancel);
        action();
      };
      this.messageListeners.add(onMessage);
      this.cancelWaits.add(cancel);
    });
  }

  waitFor<T>(check: () => T | undefined | false | null, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        try {
          const value = check();
          if (value) settle(() => resolve(value));
        } catch (error) {
          settle(() => reject(error));
        }
      };
      const timer = setTimeout(() => {
        const recent = this.calls.slice(-5).map((c) => c.method).join(', ') || '(none)';
        settle(() => reject(new Error(`waitFor condition not met within ${timeoutMs} ms; last API calls: ${recent}`)));
      }, timeoutMs);
      const fallback = setInterval(attempt, FALLBACK_POLL_MS);
      const cancel = (reason: Error) => settle(() => reject(reason));
      const settle = (action: () => void) => {
        clearTimeout(timer);
        clearInterval(fallback);
        this.tickListeners.delete(attempt);
        this.cancelWaits.delete(cancel);
        action();
      };
      this.tickListeners.add(attempt);
      this.cancelWaits.add(cancel);
      attempt();
    });
  }

  pendingUpdates(): number {
    return this.queue.length;
  }

  async waitUntilUpdatesConsumed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.waitFor(() => this.queue.length === 0, timeoutMs);
  }

  // --- failure injection -----------------------------------------------------

  failNext(method: string, error: ApiErrorSpec, times = 1): void {
    const key = method.toLowerCase();
    const list = this.failures.get(key) ?? [];
    list.push({ error, remaining: times });
    this.failures.set(key, list);
  }

  blockUser(chatId: number): void {
    this.blocked.add(chatId);
  }

  setRateLimit(perSecondGlobal: number | null): void {
    this.rateLimit = perSecondGlobal;
    this.sendTimes = [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) this.finishPoll(this.poll);
    const reason = new Error('emulator closed');
    for (const cancel of [...this.cancelWaits]) cancel(reason);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Keep-alive sockets whose last response is still in flight are not idle
      // yet; give them a moment to flush, then cut them.
      setTimeout(() => this.server.closeAllConnections(), 200).unref();
    });
  }

  // --- HTTP plumbing ---------------------------------------------------------

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = /^\/bot([^/]+)\/([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    if (!route) return respond(res, 404, errorBody({ error_code: 404, description: 'Not Found' }));
    const [, token = '', method = ''] = route;
    if (token !== this.token) return respond(res, 401, errorBody({ error_code: 401, description: 'Unauthorized' }));
    try {
      const { params, files } = await parseRequest(req, url);
      this.calls.push({ method, params, at: Date.now() });
      this.notify();
      const result = await this.invoke(method, params, { files, res });
      respond(res, 200, { ok: true, result });
    } catch (error) {
      const spec = error instanceof ApiFailure
        ? error.spec
        : { error_code: 500, description: `Internal Server Error: ${(error as Error).message}` };
      respond(res, spec.error_code, errorBody(spec));
    } finally {
      this.notify();
    }
  }

  private async invoke(method: string, params: Params, request: Parameters<Handler>[1]): Promise<unknown> {
    const key = method.toLowerCase();
    this.applyInjectedFailure(key);
    const handler = this.handlers[key];
    if (!handler) throw new ApiFailure({ error_code: 404, description: 'Not Found: method not found' });
    if (sendsToChat(key)) this.guardChat(params);
    if (countsAsSend(key)) this.guardRate();
    return handler(params, request);
  }

  private applyInjectedFailure(key: string): void {
    const pending = this.failures.get(key)?.[0];
    if (!pending) return;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.failures.get(key)?.shift();
    throw new ApiFailure(pending.error);
  }

  private guardChat(params: Params): void {
    const chatId = asNumber(params.chat_id);
    if (chatId !== undefined && this.blocked.has(chatId)) {
      throw new ApiFailure({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    }
  }

  private guardRate(): void {
    if (this.rateLimit === null) return;
    const now = Date.now();
    this.sendTimes = this.sendTimes.filter((t) => now - t < 1000);
    if (this.sendTimes.length >= this.rateLimit) {
      throw new ApiFailure({ error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    }
    this.sendTimes.push(now);
  }

  private notify(): void {
    for (const listener of [...this.tickListeners]) listener();
  }

  private emitMessage(message: StoredMessage): void {
    const view = snapshot(message);
    for (const listener of [...this.messageListeners]) listener(view);
    this.notify();
  }

  // --- Bot API methods -------------------------------------------------------

  private createHandlers(): Record<string, Handler> {
    const handlers: Record<string, Handler> = {
      getMe: () => ({ ...this.botUser, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
      getUpdates: (p, { res }) => this.getUpdates(p, res),
      deleteWebhook: (p) => this.deleteWebhook(p),
      setWebhook: (p) => this.setWebhook(p),
      getWebhookInfo: () => ({ url: this.webhookUrl, has_custom_certificate: false, pending_update_count: this.queue.length }),
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
    return new Promise((resolve, reject) => {
      const poll: PendingPoll = { limit, resolve, reject, timer: setTimeout(() => this.finishPoll(poll), timeoutSeconds * 1000) };
      this.poll = poll;
      // A client that gives up (bot.stop() aborts its fetch) must not swallow the next update.
      res.on('close', () => this.dropPoll(poll));
    });
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

  private finishPoll(poll: PendingPoll): void {
    this.dropPoll(poll);
    poll.resolve(this.deliver(poll.limit));
  }

  private dropPoll(poll: PendingPoll): void {
    clearTimeout(poll.timer);
    if (this.poll === poll) this.poll = undefined;
  }

  /** Like Telegram: a second long poll ends the first with 409, which exposes two bots polling at once. */
  private terminatePoll(): void {
    const previous = this.poll;
    if (!previous) return;
    this.dropPoll(previous);
    previous.reject(new ApiFailure({
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
    this.webhookUrl = asString(params.url) ?? '';
    if (asBoolean(params.drop_pending_updates)) this.queue = [];
    return true;
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
    const chatId = requireChatId(params);
    const document = this.resolveDocument(params.document, files);
    const caption = asString(params.caption);
    const parseMode = asString(params.parse_mode);
    const plainText = validateCaption(caption, parseMode);
    const replyMarkup = asJson(params.reply_markup);
    validateReplyMarkup(replyMarkup);
    const message = this.store(chatId, {
      text: caption ?? '',
      plainText,
      parse_mode: parseMode,
      reply_markup: replyMarkup,
      document: { file_name: document.file_name, mime_type: document.mime_type, bytes: document.bytes, caption },
    });
    return this.toApiMessage(message);
  }

  /** Accepts an upload (attach://id or a file part named "document") or a file_id this emulator issued. */
  private resolveDocument(value: unknown, files: Map<string, UploadedFile>): StoredDocument {
    const reference = asString(value);
    const attached = reference?.startsWith('attach://') ? files.get(reference.slice('attach://'.length)) : files.get('document');
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
    this.emitMessage(message);
    return this.toApiMessage(message);
  }

  private requireEditable(params: Params): StoredMessage {
    if (params.inline_message_id !== undefined) throw badRequest('inline messages are not emulated');
    const chatId = requireChatId(params);
    const messageId = asNumber(params.message_id);
    const message = messageId === undefined ? undefined : this.findMessage(chatId, messageId);
    if (!message) throw badRequest('message to edit not found');
    return message;
  }

  private deleteMessage(params: Params): true {
    const chatId = requireChatId(params);
    const messageId = asNumber(params.message_id);
    const messages = this.chats.get(chatId) ?? [];
    const index = messages.findIndex((m) => m.message_id === messageId);
    if (index === -1) throw badRequest('message to delete not found');
    messages.splice(index, 1);
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
    const messages = this.chats.get(chatId) ?? [];
    messages.push(message);
    this.chats.set(chatId, messages);
    this.emitMessage(message);
    return message;
  }

  /** Issued file_ids can be sent again, as bots do to avoid re-uploading a report. */
  private rememberFile(document: NonNullable<BotMessage['document']>): string {
    const fileId = `doc-${this.nextFileId++}`;
    this.files.set(fileId, { file_name: document.file_name, mime_type: document.mime_type ?? 'application/octet-stream', bytes: document.bytes });
    return fileId;
  }

  /** Private chats share one id sequence between the user's and the bot's messages. */
  private allocateMessageId(chatId: number): number {
    const next = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, next);
    return next;
  }

  private findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatId)?.find((m) => m.message_id === messageId);
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
    if (message.document) {
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

function documentObject(document: NonNullable<BotMessage['document']>, fileId: string): object {
  return {
    file_id: fileId,
    file_unique_id: `u${fileId}`,
    file_name: document.file_name,
    mime_type: document.mime_type,
    file_size: document.bytes.length,
  };
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

function respond(res: ServerResponse, status: number, body: object): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

export async function startBotApiEmulator(opts: EmulatorOptions = {}): Promise<BotApiEmulator> {
  const emulator = new Emulator(opts);
  await emulator.listen(opts.port ?? 0);
  return emulator;
}
