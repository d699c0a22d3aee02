/**
 * The running application in its roles: database ready and migrated, forms synced; the
 * `worker` role runs the reminder queues, their workers and the watchdog; the `web` role
 * receives from every configured channel (Telegram by confirmed polling or webhook; Zalo
 * by polling or webhook) and serves the download links; both serve health, readiness
 * and metrics over HTTP. A composition root: it may import jobs/ and src/channels/.
 * main.ts adds the process concerns (environment, signals); tests and the demo start the same thing.
 */
import type { Server } from 'node:http';
import { Api, webhookCallback, type Bot } from 'grammy';
import { createRedis, waitUntilReady } from '../jobs/connection.js';
import { connectScheduler, redisAnswers, startJobs, type OutboxChannel, type RunningJobs } from '../jobs/runtime.js';
import { createTelegramBot, publishCommandMenus, TELEGRAM_CALL_TIMEOUT_SECONDS, type TelegramContext } from './channels/telegram/adapter.js';
import { startConfirmedPolling } from './channels/telegram/polling.js';
import { atTelegramStart } from './channels/telegram/startupProblem.js';
import { createTelegramSender } from './channels/telegram/sender.js';
import { createZaloHandler, createZaloSender, REPLY_PART_ATTEMPTS } from './channels/zalo/adapter.js';
import { createZaloClient } from './channels/zalo/client.js';
import { startZalo } from './channels/zalo/startup.js';
import { startZaloPolling, zaloWebhookHandler } from './channels/zalo/transport.js';
import { createChat, type Chat } from './chat/router.js';
import { filesRoute } from './http/files.js';
import { startHttpServer, TELEGRAM_WEBHOOK_PATH, ZALO_WEBHOOK_PATH, type Route } from './http/server.js';
import { linkMaker, linkSecret } from './reports/links.js';
import { enabledChannels, reminderPolicy, type Config } from './config.js';
import { createDb, ensureDatabase, postgresAnswersWithin, type Db } from './db/connect.js';
import { ForeignSchemaError, MigrationLockError, migrateToLatest } from './db/migrate.js';
import { formsDirs, loadForms } from './forms/load.js';
import type { Logger } from './logger.js';
import { FormCache, syncBundledForms } from './services/forms.js';
import { answersWithin, pruneProcessedUpdates } from './services/maintenance.js';
import type { RoundScheduler } from './services/scheduling.js';
import { redactUrl } from './text/redact.js';
import { lastReceived } from './metrics.js';
import { StartupError } from './startupError.js';
import type { Clock } from './time.js';

export interface RunningApp {
  db: Db;
  /** For changes made beside the bot (the demo's seed data): re-plans a round's reminders. */
  scheduler: RoundScheduler;
  /** The port the HTTP server listens on (useful when configured as 0). */
  httpPort: number;
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The updates the bot asks Telegram for, by polling or webhook. */
const TELEGRAM_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

/** What the app needs of the queues in either role. */
type Jobs = Pick<RunningJobs, 'scheduler' | 'redisAnswers' | 'stop'>;

/** How long /readyz waits for Postgres or Redis to answer before it says they do not. */
const PROBE_MS = 2000;

/** A web process without workers: it schedules (a new round, «Nhắc ngay») but sends nothing itself. */
async function schedulerOnly(deps: Parameters<typeof connectScheduler>[0]): Promise<Jobs> {
  const client = await connectScheduler(deps);
  return {
    scheduler: client.scheduler,
    redisAnswers: () => redisAnswers(client.redis),
    stop: () => client.close(),
  };
}

/**
 * Telegram's webhook: grammY checks the secret token (401 without it, nothing handled)
 * and answers 200 only once the update is handled, its transaction committed; a slow or
 * failed update is answered with an error, so Telegram delivers it again (and the
 * processed-update record makes the second delivery change nothing).
 */
function telegramWebhookRoute(bot: Bot<TelegramContext>, secretToken: string): Route {
  const callback = webhookCallback(bot, 'http', { secretToken, timeoutMilliseconds: 50_000, onTimeout: 'throw' });
  return (req, res) => {
    callback(req, res).then(
      () => {
        if (res.statusCode === 200) lastReceived.set({ channel: 'telegram' }, Date.now() / 1000);
      },
      () => {
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };
}

function postgresProblem(config: Config, error: unknown): StartupError {
  return new StartupError(
    `Không dùng được PostgreSQL tại ${redactUrl(config.databaseUrl)} (DATABASE_URL): ${(error as Error).message}. ` +
      'Kiểm tra PostgreSQL đã chạy chưa (ví dụ: pg_ctlcluster 15 main start) và DATABASE_URL có đúng không.',
    { cause: error },
  );
}

/**
 * Both services are checked before anything changes: a start that cannot reach Redis
 * says so in one line and has not migrated the database. Then connects and migrates.
 */
async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  try {
    await ensureDatabase(config.databaseUrl);
  } catch (error) {
    throw postgresProblem(config, error);
  }
  await checkRedis(config.redisUrl);
  try {
    // Only the message: pg attaches its client (connection parameters included) to the error.
    const db = createDb(config.databaseUrl, { onIdleError: (err) => logger.warn({ reason: err.message }, 'idle database connection lost') });
    const applied = await migrateToLatest(db, {
      lockTimeoutMs: config.migrationLockTimeoutSeconds * 1000,
      onAhead: (unknown) => logger.warn({ unknown }, 'the database was migrated by a newer version; running on it without migrating (upgrade this one too)'),
      onLockWait: (wait) =>
        logger.warn(
          { ...wait, reason: 'lock_timeout (55P03)' },
          `migration ${wait.migration} waited more than ${wait.lockTimeoutMs} ms for a lock another transaction holds; rolled back, trying again in ${wait.pauseMs} ms (attempt ${wait.attempt + 1} of ${wait.attempts})`,
        ),
    });
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    return db;
  } catch (error) {
    if (error instanceof ForeignSchemaError || error instanceof MigrationLockError) throw new StartupError(error.message, { cause: error });
    throw postgresProblem(config, error);
  }
}

/** Throws RedisUnavailableError (one line, no stack) when Redis does not answer. */
async function checkRedis(url: string): Promise<void> {
  const redis = createRedis(url, 'producer');
  try {
    await waitUntilReady(redis, url);
  } finally {
    redis.disconnect();
  }
}

interface Running {
  stop(): Promise<void>;
}

/** What one process does: `web` receives updates (and serves the download links), `worker` runs the queues and the watchdog; `npm start` does both. */
export interface Roles {
  web: boolean;
  worker: boolean;
}

export const ALL_ROLES: Roles = { web: true, worker: true };

export async function startApp(config: Config, deps: { clock: Clock; logger: Logger; roles?: Roles }): Promise<RunningApp> {
  const { clock } = deps;
  const roles = deps.roles ?? ALL_ROLES;
  const logger = deps.logger.child({ role: roles.web && roles.worker ? 'all' : roles.web ? 'web' : 'worker' });
  const db = await openDatabase(config, logger);
  const receivers: Running[] = [];
  let server: Server | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let jobs: Jobs | undefined;
  let chat: Chat | undefined;
  let started = false;
  const stopAll = async () => {
    // Not ready from the first moment of a stop: a load balancer sends nothing more here.
    started = false;
    clearInterval(pruneTimer);
    // Let the updates in flight finish their transactions before the pool closes.
    for (const receiver of receivers.splice(0)) await receiver.stop();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    // The replies shown since the last batch, recorded before the pool closes.
    await chat?.close();
    await jobs?.stop();
    await db.destroy();
  };
  // Listening from here: the probes answer while the rest starts (Telegram's getMe may be slow).
  const routes = new Map<string, Route>();
  let files: Route = (_req, res) => void res.writeHead(404).end();
  try {
    server = await startHttpServer(config.httpHost, config.httpPort, routes, (req, res) => files(req, res), async () => {
      const [postgres, redis] = await Promise.all([
        postgresAnswersWithin(db, PROBE_MS),
        jobs ? answersWithin(jobs.redisAnswers(), PROBE_MS) : Promise.resolve(false),
      ]);
      return { postgres, redis, started };
    });
    await syncBundledForms(db, await loadForms(formsDirs(config)));
    if (roles.worker) {
      const prune = () => pruneProcessedUpdates(db, clock.now()).catch((err: unknown) => logger.warn({ err }, 'pruning processed updates failed'));
      await prune();
      pruneTimer = setInterval(prune, DAY_MS);
      pruneTimer.unref();
    }

    const forms = new FormCache(db);
    const outboxChannels: OutboxChannel[] = [];
    if (config.botToken) {
      outboxChannels.push({ sender: createTelegramSender(new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: TELEGRAM_CALL_TIMEOUT_SECONDS })), maxPerSecond: config.outboxMaxPerSecond });
    }
    const zaloClient = config.zalo
      ? createZaloClient({
          token: config.zalo.token,
          apiRoot: config.zalo.apiRoot,
          // Its keys only: a new kind of event is worth knowing about, its content is someone's message.
          onInvalidUpdate: (raw) => logger.warn({ keys: raw && typeof raw === 'object' ? Object.keys(raw) : typeof raw }, 'zalo update this bot cannot read; ignored'),
        })
      : undefined;
    const zaloSender = zaloClient ? createZaloSender(zaloClient) : undefined;
    if (zaloSender && config.zalo) outboxChannels.push({ sender: zaloSender, maxPerSecond: config.zalo.maxPerSecond });

    const policy = reminderPolicy(config);
    jobs = roles.worker
      ? await startJobs({ db, forms, clock, logger, config, policy, channels: outboxChannels })
      : await schedulerOnly({ db, clock, logger, policy, config, channels: outboxChannels.map((c) => c.sender.channel) });
    if (roles.web) {
      const secret = await linkSecret(db, config.linkSecret);
      const links = config.publicUrl ? linkMaker(config.publicUrl, secret) : undefined;
      const channels = enabledChannels(config);
      chat = createChat({ db, clock, forms, adminIds: config.adminIds, logger, scheduler: jobs.scheduler, letterhead: config.letterhead, channels, ...(links ? { links } : {}) });
      files = filesRoute({ db, forms, clock, letterhead: config.letterhead, secret, adminIds: config.adminIds, logger, channels });
      if (zaloClient && zaloSender && config.zalo) {
        const handle = createZaloHandler(chat, createZaloSender(zaloClient, { partAttempts: REPLY_PART_ATTEMPTS }), logger);
        const webhook = config.zalo.webhookSecret && config.publicUrl ? { url: `${config.publicUrl}${ZALO_WEBHOOK_PATH}`, secret: config.zalo.webhookSecret } : undefined;
        // Registered once the route answers (the server listens already), so no update is posted to nothing.
        if (webhook) routes.set(ZALO_WEBHOOK_PATH, zaloWebhookHandler({ secret: webhook.secret, handle, logger }));
        const started = await startZalo(zaloClient, logger, webhook);
        receivers.push({ stop: async () => started.stop() });
        if (!webhook) receivers.push(startZaloPolling({ client: zaloClient, handle, logger }));
      }
      if (config.botToken) {
        // Polling has one receiver (Telegram allows one poller); webhooks may be spread over replicas.
        const onlyReceiver = !(config.telegramWebhookSecret && config.publicUrl);
        const bot = createTelegramBot(chat, { token: config.botToken, apiRoot: config.telegramApiRoot, logger, onlyReceiver });
        await atTelegramStart('getMe', config.telegramApiRoot, () => bot.init());
        const telegramAdmins = config.adminIds.filter((a) => a.channel === 'telegram').map((a) => a.externalId);
        await publishCommandMenus(bot, telegramAdmins).catch((err: unknown) => logger.warn({ err }, 'could not publish command menus'));
        if (config.telegramWebhookSecret && config.publicUrl) {
          routes.set(TELEGRAM_WEBHOOK_PATH, telegramWebhookRoute(bot, config.telegramWebhookSecret));
          await atTelegramStart('setWebhook', config.telegramApiRoot, () =>
            bot.api.setWebhook(`${config.publicUrl}${TELEGRAM_WEBHOOK_PATH}`, {
              secret_token: config.telegramWebhookSecret,
              allowed_updates: [...TELEGRAM_UPDATES],
              max_connections: config.telegramWebhookConnections,
            }),
          );
        } else {
          // A webhook left from webhook mode would make every getUpdates fail with 409.
          await atTelegramStart('deleteWebhook', config.telegramApiRoot, () => bot.api.deleteWebhook());
          // Each update is confirmed to Telegram only once handled: a kill loses none.
          receivers.push(startConfirmedPolling(bot, { allowedUpdates: TELEGRAM_UPDATES, logger }));
        }
        logger.info({ bot: bot.botInfo.username, mode: config.telegramWebhookSecret ? 'webhook' : 'polling' }, 'telegram channel started');
      }
    }
    if (roles.web && config.zalo) logger.info({ mode: config.zalo.webhookSecret ? 'webhook' : 'polling' }, 'zalo channel started');
    started = true;
    logger.info({ httpPort: (server.address() as { port: number }).port, channels: outboxChannels.map((c) => c.sender.channel) }, 'bot started');
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
  const httpPort = (server.address() as { port: number }).port;
  const scheduler = jobs.scheduler;
  return {
    db,
    scheduler,
    httpPort,
    async stop() {
      await stopAll();
      logger.info('stopped');
    },
  };
}
