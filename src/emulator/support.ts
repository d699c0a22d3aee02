/**
 * What the local API emulators (botApiEmulator.ts for Telegram, zaloEmulator.ts
 * for Zalo) share: an HTTP server for `/bot<token>/<method>` answering JSON,
 * event-driven waits for tests, a log of what the bot sent to each chat, one
 * held long poll, injected failures and a global send-rate limit.
 *
 * Each emulator keeps what its platform does its own way (parameters, errors'
 * wording, strictness); this module holds only the mechanisms, so a fix to a
 * wait or to the server's shutdown reaches both.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long waitFor and waitForMessage wait unless told otherwise. */
export const DEFAULT_WAIT_MS = 5000;
/** Waits are driven by events; this poll only catches state no event announces. */
const FALLBACK_POLL_MS = 20;
/** Keep-alive sockets still flushing their last answer get this long before close() cuts them. */
const CLOSE_GRACE_MS = 200;

export type Params = Record<string, unknown>;

/** The error of an API call as both platforms put it: a code, a text, maybe a wait. */
export interface ErrorSpec {
  error_code: number;
  description: string;
  retry_after?: number;
}

/** Thrown anywhere in a call's handling to answer it with `spec` instead of a result. */
export class ApiFailure extends Error {
  constructor(readonly spec: ErrorSpec) {
    super(spec.description);
  }
}

/** Both platforms word a refused parameter "Bad Request: …" with code 400. */
export function badRequest(reason: string): ApiFailure {
  return new ApiFailure({ error_code: 400, description: `Bad Request: ${reason}` });
}

/** The `{ ok: false, … }` body; `retry_after` goes under `parameters`, where Telegram puts it. */
export function errorBody(spec: ErrorSpec): object {
  const body: Record<string, unknown> = { ok: false, error_code: spec.error_code, description: spec.description };
  if (spec.retry_after !== undefined) body.parameters = { retry_after: spec.retry_after };
  return body;
}

/** Answers JSON once; a client that already left (an aborted long poll) is skipped, not an error. */
export function respond(res: ServerResponse, status: number, body: object): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The whole request body: both APIs take small bodies, so buffering is simplest. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A JSON body must be an object of parameters; `unparsable` is the platform's wording for bad JSON. */
export function parseJsonObject(body: Buffer, unparsable: string): Params {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest(unparsable);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object');
  }
  return parsed as Params;
}

// ---------------------------------------------------------------------------
// Waits

/**
 * The pending waits of one emulator. `notify()` re-runs every waitFor check, so
 * a wait ends as soon as the state it waits for exists; `cancelAll` ends them
 * all when the emulator closes, so no test hangs on a closed emulator.
 */
export class Waiters {
  private readonly ticks = new Set<() => void>();
  private readonly cancels = new Set<(reason: Error) => void>();

  /** `recentCalls` names the last API calls in a timeout's message, the first clue to what went wrong. */
  constructor(private readonly recentCalls: () => ReadonlyArray<{ method: string }>) {}

  /** Called on every API call and state change: this is what makes the waits event-driven. */
  notify(): void {
    for (const listener of [...this.ticks]) listener();
  }

  /** Resolves with the first truthy value of `check`, tried now, on every notify and on a short poll. */
  waitFor<T>(check: () => T | undefined | false | null, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    const timeoutError = () => {
      const recent = this.recentCalls().slice(-5).map((c) => c.method).join(', ') || '(none)';
      return new Error(`waitFor condition not met within ${timeoutMs} ms; last API calls: ${recent}`);
    };
    return this.wait<T>(timeoutMs, timeoutError, (resolve, reject) => {
      const attempt = () => {
        try {
          const value = check();
          if (value) resolve(value);
        } catch (error) {
          reject(error);
        }
      };
      const fallback = setInterval(attempt, FALLBACK_POLL_MS);
      this.ticks.add(attempt);
      attempt();
      return () => {
        clearInterval(fallback);
        this.ticks.delete(attempt);
      };
    });
  }

  /** Resolves with the first event fed to `listeners` from now on that `accept` takes; a throwing `accept` rejects. */
  waitForEvent<E>(listeners: Set<(event: E) => void>, accept: (event: E) => boolean, timeoutMs: number, timeoutError: () => Error): Promise<E> {
    return this.wait<E>(timeoutMs, timeoutError, (resolve, reject) => {
      const onEvent = (event: E) => {
        try {
          if (accept(event)) resolve(event);
        } catch (error) {
          reject(error);
        }
      };
      listeners.add(onEvent);
      return () => listeners.delete(onEvent);
    });
  }

  /** Rejects every pending wait with `reason`. */
  cancelAll(reason: Error): void {
    for (const cancel of [...this.cancels]) cancel(reason);
  }

  /** The timeout and cancellation every wait has; `watch` starts watching and returns how to stop. */
  private wait<T>(
    timeoutMs: number,
    timeoutError: () => Error,
    watch: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let unwatch: (() => void) | undefined;
      const settle = (action: () => void) => {
        settled = true;
        clearTimeout(timer);
        unwatch?.();
        this.cancels.delete(cancel);
        action();
      };
      const timer = setTimeout(() => settle(() => reject(timeoutError())), timeoutMs);
      const cancel = (reason: Error) => settle(() => reject(reason));
      this.cancels.add(cancel);
      const stop = watch((value) => settle(() => resolve(value)), (error) => settle(() => reject(error)));
      // `watch` may settle at once (a waitFor whose condition already holds).
      if (settled) stop();
      else unwatch = stop;
    });
  }
}

// ---------------------------------------------------------------------------
// What the bot sent

export interface ChatLogOptions<K, M> {
  /** A copy for callers, so a test never holds (or changes) the emulator's own record. */
  snapshot(message: M): M;
  /** One message in a timeout's list of the chat's last messages. */
  label(message: M): string;
  /** The chat as a timeout names it: "in chat 5", "to 3f2a…". */
  chatName(chatId: K): string;
}

/** The bot's messages per chat, and waits for the next one: what a test looks at. */
export class ChatLog<K, M extends { chat_id: K; message_id: unknown }> {
  private readonly chats = new Map<K, M[]>();
  /** Waits per chat: a message wakes only the waits of its own chat (hundreds of chats wait at once in the load bench). */
  private readonly listeners = new Map<K, Set<(message: M) => void>>();

  constructor(private readonly waiters: Waiters, private readonly options: ChatLogOptions<K, M>) {}

  private listenersOf(chatId: K): Set<(message: M) => void> {
    let set = this.listeners.get(chatId);
    if (!set) this.listeners.set(chatId, (set = new Set()));
    return set;
  }

  /** Records a message the bot sent and wakes the waits. */
  add(message: M): void {
    const messages = this.chats.get(message.chat_id) ?? [];
    messages.push(message);
    this.chats.set(message.chat_id, messages);
    this.changed(message);
  }

  /** Announces an edit of a recorded message, which waitForMessage sees as a new version. */
  changed(message: M): void {
    const listeners = this.listeners.get(message.chat_id);
    if (listeners && listeners.size > 0) {
      const snapshot = this.options.snapshot(message);
      for (const listener of [...listeners]) listener(snapshot);
    }
    this.waiters.notify();
  }

  /** The emulator's own record, for edits. */
  find(chatId: K, messageId: M['message_id']): M | undefined {
    return this.chats.get(chatId)?.find((m) => m.message_id === messageId);
  }

  /** Forgets a message, as a deletion does; false when there was none. */
  remove(chatId: K, messageId: M['message_id']): boolean {
    const messages = this.chats.get(chatId) ?? [];
    const index = messages.findIndex((m) => m.message_id === messageId);
    if (index === -1) return false;
    messages.splice(index, 1);
    return true;
  }

  /** Copies of the chat's messages, oldest first. */
  messagesTo(chatId: K): M[] {
    return (this.chats.get(chatId) ?? []).map((m) => this.options.snapshot(m));
  }

  /** A copy of the chat's newest message. */
  lastMessageTo(chatId: K): M | undefined {
    const last = this.chats.get(chatId)?.at(-1);
    return last && this.options.snapshot(last);
  }

  /** Resolves with the first matching message (or edit) to the chat AFTER this call. */
  waitForMessage(chatId: K, predicate: (m: M) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<M> {
    const timeoutError = () => {
      const recent = this.messagesTo(chatId).slice(-5);
      const list = recent.length === 0 ? '  (no messages)' : recent.map((m) => `  ${this.options.label(m)}`).join('\n');
      return new Error(`no matching message ${this.options.chatName(chatId)} within ${timeoutMs} ms; last messages:\n${list}`);
    };
    return this.waiters.waitForEvent(this.listenersOf(chatId), (m) => m.chat_id === chatId && predicate(m), timeoutMs, timeoutError);
  }
}

// ---------------------------------------------------------------------------
// Long polling

interface HeldPoll<T> {
  res: ServerResponse;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The one getUpdates request held open until there is something to answer.
 * Answering or ending it when none is held does nothing.
 */
export class LongPoll<T> {
  private held: HeldPoll<T> | undefined;

  /** Whether a poll is being held (for delivering to it, and Zalo's openPolls()). */
  isOpen(): boolean {
    return this.held !== undefined;
  }

  /**
   * Holds the request; `onTimeout` decides how it ends after `timeoutMs` (it must
   * answer or end it). End a held poll first: only one is held at a time.
   */
  hold(res: ServerResponse, timeoutMs: number, onTimeout: () => void, onClientGone?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const poll: HeldPoll<T> = { res, resolve, reject, timer: setTimeout(onTimeout, timeoutMs) };
      this.held = poll;
      // A client that gives up (stopping a bot aborts its fetch) must not swallow the next update.
      res.on('close', () => {
        this.drop(poll);
        onClientGone?.();
      });
    });
  }

  /** Answers the held poll with `value`. */
  answer(value: T): void {
    const poll = this.held;
    if (!poll) return;
    this.drop(poll);
    poll.resolve(value);
  }

  /** Ends the held poll with an error: a timeout, or a 409 when a second poll comes. */
  end(failure: Error): void {
    const poll = this.held;
    if (!poll) return;
    this.drop(poll);
    poll.reject(failure);
  }

  /** Whether the held poll's client has hung up without its close being seen yet. */
  clientGone(): boolean {
    const res = this.held?.res;
    return res !== undefined && (res.destroyed || res.socket?.destroyed === true);
  }

  private drop(poll: HeldPoll<T>): void {
    clearTimeout(poll.timer);
    if (this.held === poll) this.held = undefined;
  }
}

// ---------------------------------------------------------------------------
// Failures a test asks for

/** What failNext() injects: an error answer, or 'network': the connection is cut with no answer at all. */
export type InjectedError = ErrorSpec | 'network';

/** Which calls failNext() fails. A bare number is `times`. */
export interface FailureOptions {
  /** How many of the matching calls fail (default 1). */
  times?: number;
  /** Only calls whose parameters it accepts are matching (default: every call), e.g. one chat's. */
  when?: (params: Params) => boolean;
  /** Let this many matching calls through first: `after: 1` fails the second part of a long message. */
  after?: number;
  /**
   * The call takes effect (the message is in the chat) and then fails: the answer was
   * lost on its way back, so the sender cannot know that it arrived.
   */
  delivered?: boolean;
}

/** Thrown in a call's handling to cut its connection without answering, as a network failure does. */
export class ConnectionCut extends Error {
  constructor() {
    super('connection cut');
  }
}

/** A failure due for one call: what to throw, and whether the call takes effect first. */
export interface DueFailure {
  error: Error;
  delivered: boolean;
}

interface Pending {
  error: InjectedError;
  remaining: number;
  skip: number;
  when: ((params: Params) => boolean) | undefined;
  delivered: boolean;
}

/** failNext(): the next matching calls of a method fail with a given error, as many times as asked. */
export class InjectedFailures {
  private readonly queues = new Map<string, Pending[]>();

  /** Queues `error` for the next matching calls of `key`, after any already queued. */
  add(key: string, error: InjectedError, options: number | FailureOptions = {}): void {
    const { times = 1, when, after = 0, delivered = false } = typeof options === 'number' ? { times: options } : options;
    const list = this.queues.get(key) ?? [];
    list.push({ error, remaining: times, skip: after, when, delivered });
    this.queues.set(key, list);
  }

  /**
   * The failure due for this call of `key`, counted; undefined when it goes through. The
   * first queued failure whose `when` accepts the call decides (one let through by `after`
   * is not looked at by the failures queued after it).
   */
  take(key: string, params: Params): DueFailure | undefined {
    const list = this.queues.get(key);
    const index = list?.findIndex((p) => !p.when || p.when(params)) ?? -1;
    const pending = index >= 0 ? list![index]! : undefined;
    if (!pending) return undefined;
    if (pending.skip > 0) {
      pending.skip -= 1;
      return undefined;
    }
    pending.remaining -= 1;
    if (pending.remaining <= 0) list!.splice(index, 1);
    return { error: pending.error === 'network' ? new ConnectionCut() : new ApiFailure(pending.error), delivered: pending.delivered };
  }
}

/** setRateLimit(): a global limit of sends per second, off (null) by default. */
export class RateLimit {
  private perSecond: number | null = null;
  private sendTimes: number[] = [];

  /** Sets or lifts the limit and forgets earlier sends. */
  set(perSecond: number | null): void {
    this.perSecond = perSecond;
    this.sendTimes = [];
  }

  /** Counts one send, or throws `refusal` when the last second already had the limit's worth. */
  take(refusal: ErrorSpec): void {
    if (this.perSecond === null) return;
    const now = Date.now();
    this.sendTimes = this.sendTimes.filter((t) => now - t < 1000);
    if (this.sendTimes.length >= this.perSecond) throw new ApiFailure(refusal);
    this.sendTimes.push(now);
  }
}

// ---------------------------------------------------------------------------
// The HTTP server

export interface ApiServerOptions<R extends { params: Params }> {
  token: string;
  /** Matches a call's path: group 1 is the token, group 2 the method. */
  route: RegExp;
  /** Refuse anything but POST with 405 (Zalo); Telegram takes any verb. */
  postOnly?: boolean;
  /** Reads a call's parameters (and whatever else the handlers need) from the request. */
  parse(req: IncomingMessage, url: URL): Promise<R>;
  /** Runs the call; its value is the result, an ApiFailure it throws the refusal. */
  invoke(method: string, request: R, res: ServerResponse): unknown;
  /** Where every parsed call is recorded (the emulator's public `calls`). */
  calls(): Array<{ method: string; params: any; at: number }>;
  /** Wakes the waits: on a call's arrival and after its answer. */
  notify(): void;
  /** The HTTP status of a refusal. */
  statusOf(spec: ErrorSpec): number;
  /** The body of a refusal; errorBody by default. */
  bodyOf?(spec: ErrorSpec): object;
}

/** `/bot<token>/<method>` over HTTP on 127.0.0.1, as both platforms' clients expect. */
export class ApiServer<R extends { params: Params }> {
  private readonly server: Server;

  constructor(private readonly options: ApiServerOptions<R>) {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Listens on `port` (0: a free one) and returns the API root to give the client. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Stops listening and ends every connection, so a test's process can exit. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Keep-alive sockets whose last response is still in flight are not idle
      // yet; give them a moment to flush, then cut them.
      setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { options } = this;
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = options.route.exec(url.pathname);
    if (!route) return this.refuse(res, { error_code: 404, description: 'Not Found' });
    const [, token = '', method = ''] = route;
    if (token !== options.token) return this.refuse(res, { error_code: 401, description: 'Unauthorized' });
    if (options.postOnly && req.method !== 'POST') {
      return this.refuse(res, { error_code: 405, description: 'Method Not Allowed: use POST' });
    }
    try {
      const request = await options.parse(req, url);
      options.calls().push({ method, params: request.params, at: Date.now() });
      options.notify();
      const result = await options.invoke(method, request, res);
      respond(res, 200, { ok: true, result });
    } catch (error) {
      if (error instanceof ConnectionCut) {
        // No answer at all: the client sees the connection drop (a network error).
        req.socket.destroy();
        return;
      }
      const spec = error instanceof ApiFailure
        ? error.spec
        : { error_code: 500, description: `Internal Server Error: ${(error as Error).message}` };
      this.refuse(res, spec);
    } finally {
      options.notify();
    }
  }

  private refuse(res: ServerResponse, spec: ErrorSpec): void {
    respond(res, this.options.statusOf(spec), (this.options.bodyOf ?? errorBody)(spec));
  }
}

/**
 * POSTs an update to a bot's webhook as a chat platform does: JSON, with the secret header
 * when there is one. The HTTP status, or null when there was no answer (refused, reset,
 * timed out, or the emulator shut down).
 */
export async function postUpdate(url: string, body: unknown, secret: { header: string; value: string } | undefined, signal: AbortSignal): Promise<number | null> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret?.value ? { [secret.header]: secret.value } : {}) },
      body: JSON.stringify(body),
      signal,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}
