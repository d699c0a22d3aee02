import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyZaloSendError,
  createZaloClient,
  ZaloApiError,
  ZaloHttpError,
  type ZaloClient,
  type ZaloUpdate,
} from '../../src/channels/zalo/client.js';
import { createZaloSender } from '../../src/channels/zalo/adapter.js';
import { startZalo } from '../../src/channels/zalo/startup.js';
import { StartupError } from '../../src/startupError.js';
import { eventually } from '../support/eventually.js';
import { startZaloPolling, zaloWebhookHandler, type ZaloPolling } from '../../src/channels/zalo/transport.js';
import { startZaloEmulator, type ZaloEmulator, type ZaloUser } from '../../src/emulator/zaloEmulator.js';
import { freePort } from '../../src/http/freePort.js';
import { lastReceived, receiveErrors } from '../../src/metrics.js';

// Zalo ids are text: 20 hex chars, or digit strings that exceed 2^53.
const HEX_USER: ZaloUser = { id: 'e4ea2cd5189df1c3a88c', display_name: 'Nguyễn Văn A' };
const BIG_USER: ZaloUser = { id: '8493021736254019283', display_name: 'Trần Thị B' };
const SECRET = 'webhook-secret-123';

let emulator: ZaloEmulator;
let client: ZaloClient;

beforeEach(async () => {
  emulator = await startZaloEmulator();
  client = createZaloClient({ token: emulator.token, apiRoot: emulator.apiRoot });
});

afterEach(async () => {
  await emulator.close();
});

function captureLogger() {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}


function jsonResponse(body: unknown, status = 200): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('the Zalo client against the emulator', () => {
  it('reads getMe', async () => {
    const me = await client.getMe();
    expect(me.id).toBe('1234567890');
    expect(me.account_name).toBe('baocao_test_bot');
  });

  it('returns [] when a long poll times out, and sends the timeout as a string', async () => {
    const started = Date.now();
    expect(await client.getUpdates(1)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(emulator.calls.find((c) => c.method === 'getUpdates')?.params).toEqual({ timeout: '1' });
  });

  it('receives a user message with its string ids intact', async () => {
    const messageId = emulator.sendText(BIG_USER, 'Xin chào');
    expect(messageId).toMatch(/^[0-9a-f]{20}$/);
    const updates = await client.getUpdates(5);
    expect(updates).toHaveLength(1);
    const [update] = updates as [ZaloUpdate];
    expect(update.event_name).toBe('message.text.received');
    expect(update.message.message_id).toBe(messageId);
    expect(update.message.from.id).toBe('8493021736254019283');
    expect(update.message.chat).toEqual({ id: '8493021736254019283', chat_type: 'PRIVATE' });
    expect(update.message.from.display_name).toBe('Trần Thị B');
    expect(update.message.text).toBe('Xin chào');
    expect(Math.abs(update.message.date! - Date.now())).toBeLessThan(60_000);
    expect(emulator.pendingUpdates()).toBe(0);
  });

  it('answers a waiting long poll as soon as a message comes, one update per call', async () => {
    const polling = client.getUpdates(10);
    await emulator.waitFor(() => emulator.openPolls() === 1);
    const first = emulator.sendText(HEX_USER, 'một');
    const second = emulator.sendOther(HEX_USER, 'message.sticker.received');
    expect((await polling).map((u) => u.message.message_id)).toEqual([first]);
    const [next] = await client.getUpdates(10);
    expect(next?.message.message_id).toBe(second);
    expect(next?.event_name).toBe('message.sticker.received');
    expect(next?.message.text).toBeUndefined();
  });

  it('delivers the same update again on redeliver', async () => {
    const messageId = emulator.sendText(HEX_USER, 'một');
    const [first] = await client.getUpdates(5);
    emulator.redeliver(messageId);
    const [again] = await client.getUpdates(5);
    expect(again).toEqual(first);
  });

  it('sends a message of up to 2,000 characters and refuses 2,001', async () => {
    emulator.addUser(BIG_USER);
    const sent = await client.sendMessage(BIG_USER.id, 'x'.repeat(2000));
    expect(sent.message_id).toMatch(/^[0-9a-f]{20}$/);
    expect(Math.abs(sent.date! - Date.now())).toBeLessThan(60_000);
    expect(emulator.lastMessageTo(BIG_USER.id)).toEqual({ message_id: sent.message_id, chat_id: BIG_USER.id, text: 'x'.repeat(2000), date: sent.date });

    const error = await rejection(client.sendMessage(BIG_USER.id, 'x'.repeat(2001)));
    expect(error).toBeInstanceOf(ZaloApiError);
    expect((error as ZaloApiError).errorCode).toBe(400);
    expect((error as ZaloApiError).method).toBe('sendMessage');
    expect(classifyZaloSendError(error).action).toBe('failed');
    expect(classifyZaloSendError(await rejection(client.sendMessage(BIG_USER.id, '')))).toMatchObject({ action: 'failed' });
    expect(emulator.messagesTo(BIG_USER.id)).toHaveLength(1);
  });

  it('waits for a message the bot sends after the call', async () => {
    emulator.addUser(HEX_USER);
    await client.sendMessage(HEX_USER.id, 'trước');
    const waiting = emulator.waitForMessage(HEX_USER.id);
    await client.sendMessage(HEX_USER.id, 'sau');
    expect((await waiting).text).toBe('sau');
  });

  it('sends a photo by URL and a typing action', async () => {
    emulator.addUser(HEX_USER);
    const sent = await client.sendPhoto(HEX_USER.id, 'https://example.org/bao-cao.png', 'Biểu đồ');
    expect(emulator.lastMessageTo(HEX_USER.id)).toMatchObject({ message_id: sent.message_id, text: 'Biểu đồ', photo: 'https://example.org/bao-cao.png' });
    await client.sendChatAction(HEX_USER.id, 'typing');
    expect(emulator.calls.at(-1)).toMatchObject({ method: 'sendChatAction', params: { chat_id: HEX_USER.id, action: 'typing' } });
    expect(await rejection(client.sendPhoto(HEX_USER.id, 'ftp://example.org/x.png'))).toBeInstanceOf(ZaloApiError);
  });

  it('classifies a user it never met as unreachable', async () => {
    const error = await rejection(client.sendMessage('ffffffffffffffffffff', 'Xin chào'));
    expect(error).toBeInstanceOf(ZaloApiError);
    expect(classifyZaloSendError(error).action).toBe('unreachable');
  });

  it('classifies a user who blocked the bot as unreachable, until they write again', async () => {
    emulator.addUser(HEX_USER);
    emulator.blockUser(HEX_USER.id);
    const error = await rejection(client.sendMessage(HEX_USER.id, 'Xin chào'));
    expect((error as ZaloApiError).description).toMatch(/blocked/);
    expect(classifyZaloSendError(error)).toMatchObject({ action: 'unreachable' });
    emulator.sendText(HEX_USER, 'tôi quay lại');
    await expect(client.sendMessage(HEX_USER.id, 'Chào mừng')).resolves.toMatchObject({ message_id: expect.any(String) });
  });

  it('classifies 429 as rate limited with a default wait of one second', async () => {
    emulator.addUser(HEX_USER);
    emulator.setRateLimit(1);
    await client.sendMessage(HEX_USER.id, 'một');
    const error = await rejection(client.sendMessage(HEX_USER.id, 'hai'));
    expect((error as ZaloApiError).errorCode).toBe(429);
    expect(classifyZaloSendError(error)).toEqual({ action: 'rate_limited', retryAfterMs: 1000 });
    emulator.setRateLimit(null);
    await expect(client.sendMessage(HEX_USER.id, 'ba')).resolves.toBeTruthy();
  });

  it('sends a long message once, whole, under the rate limit: a refused part is sent again, never the parts before it', async () => {
    emulator.addUser(HEX_USER);
    const lines = Array.from({ length: 30 }, (_, i) => `Dòng ${String(i + 1).padStart(2, '0')}: ${'đ'.repeat(90)}`);
    emulator.setRateLimit(1);
    const sent = await createZaloSender(client, { partAttempts: 3 }).send(HEX_USER.id, { text: lines.join('\n'), options: [] });
    const received = emulator.messagesTo(HEX_USER.id);
    expect(received).toHaveLength(2);
    expect(received.map((m) => m.text).join('\n')).toBe(lines.join('\n'));
    // Its place in the chat is its last part's date, by Zalo's clock.
    expect(sent).toEqual({ messageId: received[1]!.message_id, order: received[1]!.date });
    const tries = emulator.calls.filter((c) => c.method === 'sendMessage');
    expect(tries.length).toBeGreaterThanOrEqual(3);
    expect(tries.filter((c) => String(c.params.text).startsWith('Dòng 01'))).toHaveLength(1);
  });

  it('classifies server errors as retry and other refusals as failed', async () => {
    emulator.addUser(HEX_USER);
    emulator.failNext('sendMessage', { error_code: 503, description: 'Service Unavailable' });
    expect(classifyZaloSendError(await rejection(client.sendMessage(HEX_USER.id, 'a')))).toMatchObject({ action: 'retry' });
    emulator.failNext('sendMessage', { error_code: 400, description: 'Quota exceeded for today' });
    expect(classifyZaloSendError(await rejection(client.sendMessage(HEX_USER.id, 'a')))).toMatchObject({ action: 'rate_limited', retryAfterMs: 1000 });
    emulator.failNext('sendMessage', { error_code: 400, description: 'Bad Request: text exceeds the limit of 2000 characters' });
    expect(classifyZaloSendError(await rejection(client.sendMessage(HEX_USER.id, 'a')))).toMatchObject({ action: 'failed' });
    emulator.failNext('sendMessage', { error_code: 400, description: 'Invalid user id' });
    expect(classifyZaloSendError(await rejection(client.sendMessage(HEX_USER.id, 'a')))).toMatchObject({ action: 'unreachable' });
    await expect(client.sendMessage(HEX_USER.id, 'a')).resolves.toBeTruthy();
  });

  it('rethrows what is not a Zalo error', () => {
    const bug = new TypeError('undefined is not a function');
    expect(() => classifyZaloSendError(bug)).toThrow(bug);
  });

  it('refuses a wrong token without putting the token in the error', async () => {
    const token = '999999:wrong-token-do-not-log';
    const wrong = createZaloClient({ token, apiRoot: emulator.apiRoot });
    const error = await rejection(wrong.getMe());
    expect(error).toBeInstanceOf(ZaloApiError);
    expect((error as ZaloApiError).errorCode).toBe(401);
    for (const text of [String(error), (error as Error).stack ?? '', JSON.stringify(error)]) {
      expect(text).not.toContain('wrong-token-do-not-log');
    }
  });

  it('reports a network failure as ZaloHttpError without the token, classified retry', async () => {
    const token = emulator.token;
    const offline = createZaloClient({ token, apiRoot: `http://127.0.0.1:${await freePort()}` });
    const error = await rejection(offline.sendMessage(HEX_USER.id, 'a'));
    expect(error).toBeInstanceOf(ZaloHttpError);
    expect((error as ZaloHttpError).timedOut).toBe(false);
    expect(String(error)).not.toContain(token);
    expect(String(error)).not.toContain('zalo-test-secret');
    expect(classifyZaloSendError(error)).toMatchObject({ action: 'retry' });
  });

  it('reports a call that gets no answer in time as a timed-out ZaloHttpError', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const slow = createZaloClient({ token: emulator.token, apiRoot: emulator.apiRoot, fetch: hanging, timeoutMs: 100 });
    const error = await rejection(slow.getMe());
    expect(error).toBeInstanceOf(ZaloHttpError);
    expect((error as ZaloHttpError).timedOut).toBe(true);
    expect(String(error)).not.toContain('zalo-test-secret');
  });

  it('reads numeric ids beyond 2^53 exactly, arrays of updates, and an empty result', async () => {
    const raw = `{"ok":true,"result":[{"event_name":"message.text.received","message":{"message_id":"m1","date":1766619597466,`
      + `"chat":{"id":8493021736254019283,"chat_type":"PRIVATE"},"from":{"id":8493021736254019283,"display_name":"B"},"text":"1"}},`
      + `{"event_name":"message.image.received","message":{"message_id":"m2","date":1766619597467,"chat":{"id":"c"},"from":{"id":"c"}}}]}`;
    const bodies = [raw, '{"ok":true,"result":null}', '{"ok":true}', '{"ok":false,"error_code":408,"description":"Request timeout"}'];
    const canned: typeof fetch = async () => jsonResponse(bodies.shift() ?? '{}');
    const fake = createZaloClient({ token: 't:x', apiRoot: 'http://zalo.invalid', fetch: canned });
    const updates = await fake.getUpdates(1);
    expect(updates.map((u) => u.message.from.id)).toEqual(['8493021736254019283', 'c']);
    expect(await fake.getUpdates(1)).toEqual([]);
    expect(await fake.getUpdates(1)).toEqual([]);
    expect(await fake.getUpdates(1)).toEqual([]);
  });

  it('takes retry_after from the body when given, and refuses a garbled body', async () => {
    const bodies: Array<[string, number]> = [
      ['{"ok":false,"error_code":429,"description":"Too many requests","parameters":{"retry_after":7}}', 429],
      ['<html>bad gateway</html>', 502],
      ['not json', 200],
    ];
    const canned: typeof fetch = async () => {
      const [body, status] = bodies.shift() ?? ['{}', 200];
      return jsonResponse(body, status);
    };
    const fake = createZaloClient({ token: 't:x', apiRoot: 'http://zalo.invalid', fetch: canned });
    expect(classifyZaloSendError(await rejection(fake.sendMessage('u', 'a')))).toEqual({ action: 'rate_limited', retryAfterMs: 7000 });
    const badGateway = await rejection(fake.sendMessage('u', 'a'));
    expect((badGateway as ZaloApiError).errorCode).toBe(502);
    expect(classifyZaloSendError(badGateway).action).toBe('retry');
    expect(await rejection(fake.sendMessage('u', 'a'))).toBeInstanceOf(ZaloApiError);
  });
});

describe('the emulator is strict where Zalo is', () => {
  it('refuses a numeric chat_id and non-POST calls', async () => {
    emulator.addUser(HEX_USER);
    const url = `${emulator.apiRoot}/bot${emulator.token}/sendMessage`;
    const numeric = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":12345,"text":"a"}' });
    expect(numeric.status).toBe(400);
    expect(await numeric.json()).toMatchObject({ ok: false, error_code: 400, description: expect.stringMatching(/chat_id must be a string/) });
    expect((await fetch(`${emulator.apiRoot}/bot${emulator.token}/getMe`)).status).toBe(405);
  });

  it('checks the webhook secret length and refuses getUpdates while a webhook is set', async () => {
    const short = await rejection(client.setWebhook('https://example.org/zalo', 'short'));
    expect((short as ZaloApiError).errorCode).toBe(400);
    expect(await rejection(client.setWebhook('http://example.org/zalo', SECRET))).toBeInstanceOf(ZaloApiError);
    await client.setWebhook('https://example.org/zalo', SECRET);
    expect((await client.getWebhookInfo()).url).toBe('https://example.org/zalo');
    const conflict = await rejection(client.getUpdates(1));
    expect(conflict).toBeInstanceOf(ZaloApiError);
    expect((conflict as ZaloApiError).errorCode).not.toBe(408);
    expect((await client.deleteWebhook()).url).toBe('');
    expect((await client.getWebhookInfo()).url).toBe('');
  });
});

describe('startZaloPolling', () => {
  let polling: ZaloPolling | undefined;
  const gates: Array<{ resolve: () => void }> = [];

  afterEach(async () => {
    // A failed assertion must not leave stop() waiting on a handler that never finishes.
    for (const gate of gates.splice(0)) gate.resolve();
    await polling?.stop();
    polling = undefined;
  });

  it('handles one chat in order and other chats meanwhile; stop() waits for updates in hand', async () => {
    const gate = deferred();
    gates.push(gate);
    const started: string[] = [];
    const finished: string[] = [];
    const { logger } = captureLogger();
    polling = startZaloPolling({
      client,
      logger,
      timeoutSeconds: 5,
      handle: async (update) => {
        const text = update.message.text ?? '?';
        started.push(text);
        if (text === 'a1') await gate.promise;
        finished.push(text);
      },
    });
    emulator.sendText(HEX_USER, 'a1');
    emulator.sendText(HEX_USER, 'a2');
    emulator.sendText(HEX_USER, 'a3');
    emulator.sendText(BIG_USER, 'b1');

    // The other chat goes ahead while the first message of this one is still being handled.
    await emulator.waitFor(() => finished.includes('b1'));
    await emulator.waitUntilUpdatesConsumed();
    expect(started).toEqual(['a1', 'b1']);

    const stopping = polling.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await emulator.waitFor(() => emulator.openPolls() === 0);
    expect(stopped).toBe(false);

    gate.resolve();
    await stopping;
    expect(finished).toEqual(['b1', 'a1', 'a2', 'a3']);
    const methods = emulator.calls.map((c) => c.method);
    expect(methods[0]).toBe('deleteWebhook');
    expect(methods.slice(1).every((m) => m === 'getUpdates')).toBe(true);
  });

  it('tries a failing update again before the next message of its chat, and gives up on one that keeps failing', async () => {
    const handled: string[] = [];
    let flakyLeft = 2;
    const { logger, lines } = captureLogger();
    polling = startZaloPolling({
      client,
      logger,
      timeoutSeconds: 5,
      handleAttempts: 3,
      backoffStartMs: 10,
      handle: async (update) => {
        const text = update.message.text ?? '?';
        if (text === 'boom') throw new Error('handler exploded');
        if (text === 'flaky' && flakyLeft-- > 0) throw new Error('postgres away');
        handled.push(text);
      },
    });
    const flakyId = emulator.sendText(HEX_USER, 'flaky');
    const boomId = emulator.sendText(HEX_USER, 'boom');
    emulator.sendText(HEX_USER, 'sau');
    await emulator.waitFor(() => handled.includes('sau'));
    // Taken on its third try, and before what the person sent after it.
    expect(handled).toEqual(['flaky', 'sau']);
    expect(lines.filter((l) => l.msg === 'zalo update handler failed; trying again' && l.messageId === flakyId).map((l) => l.attempt)).toEqual([1, 2]);
    const dropped = lines.find((l) => l.msg === 'zalo update handler failed; update dropped');
    expect(dropped).toMatchObject({ level: 50, messageId: boomId, chatId: HEX_USER.id, attempt: 3, err: { message: 'handler exploded' } });
  });

  it('backs off after a network error and polls again', async () => {
    let failuresLeft = 1;
    const flaky: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/getUpdates') && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new TypeError('fetch failed');
      }
      return fetch(input, init);
    };
    const flakyClient = createZaloClient({ token: emulator.token, apiRoot: emulator.apiRoot, fetch: flaky });
    const handled: string[] = [];
    const { logger, lines } = captureLogger();
    const errorsBefore = (await receiveErrors.get()).values.find((v) => v.labels.channel === 'zalo')?.value ?? 0;
    const startedAt = Date.now() / 1000;
    polling = startZaloPolling({
      client: flakyClient,
      logger,
      timeoutSeconds: 5,
      handle: async (update) => {
        handled.push(update.message.message_id);
      },
    });
    const messageId = emulator.sendText(HEX_USER, 'một');
    await emulator.waitFor(() => handled.includes(messageId), 10_000);
    const warning = lines.find((l) => l.msg === 'zalo getUpdates failed; backing off');
    expect(warning).toMatchObject({ level: 40, attempt: 1 });
    expect(JSON.stringify(lines)).not.toContain('zalo-test-secret');
    // Counted for /metrics: the failed poll, and when a poll last succeeded.
    expect((await receiveErrors.get()).values.find((v) => v.labels.channel === 'zalo')?.value).toBe(errorsBefore + 1);
    expect((await lastReceived.get()).values.find((v) => v.labels.channel === 'zalo')?.value).toBeGreaterThanOrEqual(startedAt);
  });
});

describe('startZalo', () => {
  it('refuses a wrong token in one Vietnamese line', async () => {
    const wrong = createZaloClient({ token: '1234567890:not-the-secret', apiRoot: emulator.apiRoot });
    const refusal = await startZalo(wrong, captureLogger().logger).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StartupError);
    expect((refusal as Error).message).toBe('Zalo không nhận ZALO_BOT_TOKEN (lỗi 401): lấy lại token đúng trong Zalo Bot Creator rồi đặt lại ZALO_BOT_TOKEN.');
  });

  it('refuses a webhook Zalo will not take, saying what to check', async () => {
    emulator.failNext('setWebhook', { error_code: 400, description: 'Bad Request: url must be https' });
    const refusal = await startZalo(client, captureLogger().logger, { url: 'https://example.org/zalo/webhook', secret: SECRET }).catch((error: unknown) => error);
    expect((refusal as Error).message).toMatch(/^Zalo từ chối lệnh setWebhook: 400 Bad Request: url must be https\. Kiểm tra PUBLIC_URL/);
    expect((refusal as Error).message).not.toContain(SECRET);
  });

  it('starts when Zalo does not answer setWebhook, and sets it in the background once it does', async () => {
    emulator.failNext('setWebhook', { error_code: 502, description: 'Bad Gateway' }, 2);
    const { logger, lines } = captureLogger();
    const started = await startZalo(client, logger, { url: 'https://example.org/zalo/webhook', secret: SECRET });
    try {
      expect(lines.some((l) => l.msg === 'zalo did not answer at start; trying again in the background')).toBe(true);
      await eventually(async () => (await client.getWebhookInfo()).url === 'https://example.org/zalo/webhook', 'the webhook to be set', 15_000);
      await eventually(async () => lines.some((l) => l.msg === 'zalo answered' && l.step === 'setWebhook'), 'the retry to be logged', 15_000);
    } finally {
      started.stop();
    }
  });
});

describe('zaloWebhookHandler', () => {
  let server: Server;
  let webhookUrl: string;
  let handle: (update: ZaloUpdate) => Promise<void>;
  let handled: ZaloUpdate[];

  beforeEach(async () => {
    handled = [];
    handle = async (update) => {
      handled.push(update);
    };
    const { logger } = captureLogger();
    server = createServer(zaloWebhookHandler({ secret: SECRET, logger, handle: (update) => handle(update) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zalo/webhook`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  const body = JSON.stringify({
    event_name: 'message.text.received',
    message: {
      message_id: '16f6366b3f02645a3d15',
      date: 1766619597466,
      chat: { id: BIG_USER.id, chat_type: 'PRIVATE' },
      from: { id: BIG_USER.id, display_name: BIG_USER.display_name, is_bot: false },
      text: 'Xin chào',
    },
  });

  function post(payload: string, headers: Record<string, string> = { 'x-bot-api-secret-token': SECRET }): Promise<Response> {
    return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  }

  it('answers 401 to a missing or wrong secret and handles nothing', async () => {
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-bot-api-secret-token': 'webhook-secret-124' })).status).toBe(401);
    expect((await post(body, { 'x-bot-api-secret-token': `${SECRET}x` })).status).toBe(401);
    expect(handled).toEqual([]);
  });

  it('answers 200 only after the update was handled', async () => {
    let done = false;
    handle = async (update) => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the work takes a while
      handled.push(update);
      done = true;
    };
    const response = await post(body);
    const doneWhenAnswered = done;
    expect(response.status).toBe(200);
    expect(doneWhenAnswered).toBe(true);
    expect(handled[0]?.message.from.id).toBe('8493021736254019283');
  });

  it('accepts an update wrapped in { ok, result }', async () => {
    const response = await post(JSON.stringify({ ok: true, result: JSON.parse(body) }));
    expect(response.status).toBe(200);
    expect(handled.map((u) => u.message.message_id)).toEqual(['16f6366b3f02645a3d15']);
  });

  it('answers 500 when handling threw', async () => {
    handle = async () => {
      throw new Error('database down');
    };
    expect((await post(body)).status).toBe(500);
  });

  it('refuses bad bodies, other methods and bodies over 1 MB; takes, without handling, an event it cannot read', async () => {
    expect((await post('{not json')).status).toBe(400);
    // Zalo's own (the secret matched), in a shape unknown here: delivered again it would be the same.
    expect((await post('{"event_name":"message.text.received"}')).status).toBe(200);
    expect((await post(`{"pad":"${'x'.repeat(1024 * 1024)}"}`)).status).toBe(413);
    expect((await fetch(webhookUrl, { headers: { 'x-bot-api-secret-token': SECRET } })).status).toBe(405);
    expect(handled).toEqual([]);
  });

  it('gets the emulator to redeliver an update whose handling failed', async () => {
    let attempts = 0;
    handle = async (update) => {
      attempts += 1;
      if (attempts === 1) throw new Error('transient failure');
      handled.push(update);
    };
    await client.setWebhook(webhookUrl, SECRET);
    const messageId = emulator.sendText(BIG_USER, 'Xin chào');
    await emulator.waitUntilUpdatesConsumed();
    expect(emulator.webhookDeliveries.filter((d) => d.message_id === messageId).map((d) => d.status)).toEqual([500, 200]);
    expect(handled).toHaveLength(1);
    expect(handled[0]?.message).toMatchObject({ message_id: messageId, from: { id: BIG_USER.id } });
  });

  it('POSTs duplicates on redeliver and refuses the emulator with a wrong secret', async () => {
    await client.setWebhook(webhookUrl, SECRET);
    const messageId = emulator.sendText(HEX_USER, 'một');
    await emulator.waitUntilUpdatesConsumed();
    emulator.redeliver(messageId);
    await emulator.waitUntilUpdatesConsumed();
    expect(handled.map((u) => u.message.message_id)).toEqual([messageId, messageId]);
    expect(handled[1]).toEqual(handled[0]);

    await client.setWebhook(webhookUrl, 'not-the-right-secret');
    const refused = emulator.sendText(HEX_USER, 'hai');
    await emulator.waitUntilUpdatesConsumed();
    const statuses = emulator.webhookDeliveries.filter((d) => d.message_id === refused).map((d) => d.status);
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(handled).toHaveLength(2);
  });
});
