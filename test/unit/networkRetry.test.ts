/** A Telegram call failing on the network is tried a few times, then fails: never retried for ever in silence. */
import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { retryNetworkErrors } from '../../src/channels/telegram/networkRetry.js';

const network = () => new HttpError("Network request for 'sendMessage' failed!", new Error('connect ECONNREFUSED'));

function callsFailing(failures: number, error: () => Error = network) {
  let calls = 0;
  const prev = (async () => {
    calls++;
    if (calls <= failures) throw error();
    return { ok: true, result: true };
  }) as never;
  return { prev, calls: () => calls };
}

describe('retryNetworkErrors', () => {
  const transformer = retryNetworkErrors([0, 0, 0]);

  it('tries a call that failed on the network again, up to three times', async () => {
    const twice = callsFailing(2);
    expect(await transformer(twice.prev, 'sendMessage', {} as never)).toEqual({ ok: true, result: true });
    expect(twice.calls()).toBe(3);
    const always = callsFailing(10);
    await expect(transformer(always.prev, 'sendMessage', {} as never)).rejects.toBeInstanceOf(HttpError);
    expect(always.calls()).toBe(4);
  });

  it("leaves Telegram's own refusals and the poller's getUpdates to their callers", async () => {
    const refused = callsFailing(1, () => new GrammyError('refused', { ok: false, error_code: 400, description: 'Bad Request' }, 'sendMessage', {}));
    await expect(transformer(refused.prev, 'sendMessage', {} as never)).rejects.toBeInstanceOf(GrammyError);
    expect(refused.calls()).toBe(1);
    const polling = callsFailing(1);
    await expect(transformer(polling.prev, 'getUpdates', {} as never)).rejects.toBeInstanceOf(HttpError);
    expect(polling.calls()).toBe(1);
  });
});
