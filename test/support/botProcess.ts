/**
 * The bot as a real process (`src/main.ts` under tsx), so end-to-end tests can
 * kill it at any moment and start it again, as an operator or a crash would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { clearRedisPrefix, createRedis } from '../../jobs/connection.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import type { ZaloEmulator } from '../../src/emulator/zaloEmulator.js';
import { freePort } from '../../src/http/freePort.js';
import { PORT_IN_USE_EXIT_CODE } from '../../src/startupError.js';
import type { TestDb } from './db.js';
import { eventually } from './eventually.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface BotProcess {
  /** Everything the process wrote to stderr and stdout, for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  kill(): Promise<void>;
  /** Resolves with the exit code once the process ends by itself (a refused start). */
  exited(): Promise<number | null>;
  /** SIGTERM, wait for a clean exit, then delete the installation's Redis keys (the test is over). */
  stop(): Promise<number | null>;
}

let started = 0;

/** `args`: the process's roles (`web`, `worker`); none runs both, as `npm start` does. */
export function startBotProcess(env: Record<string, string>, args: string[] = []): BotProcess {
  // Each installation gets its own Redis prefix: test files run in parallel against one Redis.
  const redisPrefix = env.REDIS_PREFIX ?? `test-${process.pid}-${++started}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: repoRoot,
    // Quiet hours off: whatever the hour CI runs at, messages due now are sent now.
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', HTTP_PORT: '0', QUIET_HOURS: 'off', ...env, REDIS_PREFIX: redisPrefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    exited: () => exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      const redis = createRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
      await clearRedisPrefix(redis, redisPrefix);
      await redis.quit();
      return code;
    },
  };
}

/**
 * The bot of one test file's installation — its emulator, its database, its Redis
 * prefix (the database's name, kept across restarts) — once it polls for updates.
 * If it never does, it is stopped and the error carries its output.
 */
export async function startBotFor(
  emulator: BotApiEmulator,
  testDb: TestDb,
  options: { adminIds: number[]; env?: Record<string, string> },
): Promise<BotProcess> {
  const callsBefore = emulator.calls.length;
  const bot = startBotProcess({
    BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    DATABASE_URL: testDb.url,
    ADMIN_IDS: options.adminIds.join(','),
    REDIS_PREFIX: testDb.name,
    ...options.env,
  });
  await receiving(bot, emulator.waitFor(() => emulator.calls.slice(callsBefore).some((c) => c.method === 'getUpdates'), 30_000));
  return bot;
}

/** Waits for `started`; if the process ends first or it never comes, the process is stopped and the error carries its output. */
async function receiving(bot: BotProcess, started: Promise<unknown>): Promise<void> {
  try {
    await beforeExit(bot, started);
  } catch (error) {
    await bot.stop();
    throw error;
  }
}

/** The chat apps a bot process talks to: the Telegram emulator, the Zalo emulator, or both. */
export interface BotChannels {
  telegram?: BotApiEmulator;
  zalo?: ZaloEmulator;
}

/**
 * Like startBotFor, on any set of channels: the bot of one test file's installation
 * (same database, same Redis prefix across restarts) once it receives on every one
 * of them — it polls Telegram's getUpdates, and polls Zalo's getUpdates or, in webhook
 * mode (ZALO_WEBHOOK_SECRET in env), has called setWebhook. `adminIds` are Telegram ids
 * (numbers) or channel-qualified ids ('zalo:…'), as ADMIN_IDS takes them.
 */
export async function startBotOn(
  channels: BotChannels,
  testDb: TestDb,
  options: { adminIds: Array<number | string>; env?: Record<string, string> },
): Promise<BotProcess> {
  const { telegram, zalo } = channels;
  if (!telegram && !zalo) throw new Error('startBotOn needs at least one channel');
  const zaloReady = options.env?.ZALO_WEBHOOK_SECRET ? 'setWebhook' : 'getUpdates';
  const telegramCallsBefore = telegram?.calls.length ?? 0;
  const zaloCallsBefore = zalo?.calls.length ?? 0;
  const bot = startBotProcess({
    ...(telegram ? { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot } : {}),
    ...(zalo ? { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot } : {}),
    DATABASE_URL: testDb.url,
    ADMIN_IDS: options.adminIds.join(','),
    REDIS_PREFIX: testDb.name,
    ...options.env,
  });
  await receiving(
    bot,
    Promise.all([
      telegram?.waitFor(() => telegram.calls.slice(telegramCallsBefore).some((c) => c.method === 'getUpdates'), 30_000),
      zalo?.waitFor(() => zalo.calls.slice(zaloCallsBefore).some((c) => c.method === zaloReady), 30_000),
    ]),
  );
  return bot;
}

/** A start that did not come through; `exitCode` when the process ended (a refused start), with its output in the message. */
export class StartFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null | undefined,
  ) {
    super(message);
  }
}

/**
 * `waiting`, unless the process ends first (a refused start): then a StartFailed carrying
 * its exit code and output, at once rather than at the end of a timeout. Any other
 * failure carries the output too.
 */
export async function beforeExit<T>(bot: BotProcess, waiting: Promise<T>): Promise<T> {
  let exitCode: number | null | undefined;
  const ended = bot.exited().then((code) => {
    exitCode = code;
    throw new Error(`the bot process exited (code ${code}) while starting`);
  });
  return Promise.race([waiting, ended]).catch((error: Error) => {
    throw new StartFailed(`${error.message}\nbot output:\n${bot.output()}`, exitCode);
  });
}

/** Waits until `bot`, listening on `port`, answers /readyz with 200 (started, Postgres and Redis answering). */
export async function readyOn(bot: BotProcess, port: number, timeoutMs = 60_000): Promise<void> {
  const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true;
  await beforeExit(bot, eventually(ready, `port ${port} to be ready`, timeoutMs));
}

/**
 * Starts something listening on a port that was free a moment ago and, if another
 * program took it meanwhile (every test file's sockets share the machine's ports, and a
 * freed port can be handed out again at once), on another one. `start` rejects with a
 * StartFailed when the start is refused, as startBotOn and readyOn do.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5, choose: () => Promise<number> = freePort): Promise<{ port: number; started: T }> {
  for (let attempt = 1; ; attempt++) {
    const port = await choose();
    try {
      return { port, started: await start(port) };
    } catch (error) {
      if (attempt >= attempts || !(error instanceof StartFailed && error.exitCode === PORT_IN_USE_EXIT_CODE)) throw error;
    }
  }
}

/**
 * A process in `role` (`web` or `worker`) started with `env(port)` on a free port, once
 * ready. Every process started goes into `started`, a refused one included, so the caller
 * stops or inspects them all.
 */
export async function startReadyRole(
  role: 'web' | 'worker',
  env: (port: number) => Record<string, string>,
  started: BotProcess[],
): Promise<{ port: number; process: BotProcess }> {
  const { port, started: process } = await onFreePort(async (port) => {
    const process = startBotProcess(env(port), [role]);
    started.push(process);
    await readyOn(process, port);
    return process;
  });
  return { port, process };
}
