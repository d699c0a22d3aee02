/** The wait between tries of a Zalo step that keeps failing (polling's handling, the start's getMe/setWebhook). */
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/channels/sleep.js';

describe('backoffMs', () => {
  it('starts at the first wait, doubles each try, and stays at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(backoffMs(60, 1000, 60_000)).toBe(60_000);
  });
});
