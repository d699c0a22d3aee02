/**
 * The running application: database ready and migrated, forms synced, reminders
 * scheduled and their workers running, the bot polling, a health endpoint.
 * Like bot.ts, a composition root: it may import jobs/ and handlers/. main.ts adds the process concerns (environment,
 * signals); tests and the demo start the same thing with their own arguments.
 */
import { createServer, type Server } from 'node:http';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { startJobs, type RunningJobs } from '../jobs/runtime.js';
import { reminderPolicy, type Config } from './config.js';
import { createBot, publishCommandMenus } from './bot.js';
import { createDb, ensureDatabase, type Db } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { bundledFormsDir, loadFormsFromDir } from './forms/load.js';
import type { Logger } from './logger.js';
import { FormCache, syncBundledForms } from './services/forms.js';
import { databaseAnswers, pruneProcessedUpdates } from './services/maintenance.js';
import type { RoundScheduler } from './services/scheduling.js';
import { redactUrl } from './text/redact.js';
import type { Clock } from './time.js';

export interface RunningApp {
  db: Db;
  /** For changes made beside the bot (the demo's seed data): re-plans a round's reminders. */
  scheduler: RoundScheduler;
  /** The port the health endpoint listens on (useful when configured as 0). */
  httpPort: number;
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class StartupError extends Error {}

/** Connects, or explains in one line what to check: the most common first-run failure. */
async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  try {
    await ensureDatabase(config.databaseUrl);
    const db = createDb(config.databaseUrl, { onIdleError: (err) => logger.warn({ err }, 'idle database connection lost') });
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    return db;
  } catch (error) {
    throw new StartupError(
      `Không dùng được PostgreSQL tại ${redactUrl(config.databaseUrl)} (DATABASE_URL): ${(error as Error).message}. ` +
        'Kiểm tra PostgreSQL đã chạy chưa (ví dụ: pg_ctlcluster 15 main start) và DATABASE_URL có đúng không.',
      { cause: error },
    );
  }
}

function startHealthServer(db: Db, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    void databaseAnswers(db).then((ok) => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function startApp(config: Config, deps: { clock: Clock; logger: Logger }): Promise<RunningApp> {
  const { clock, logger } = deps;
  const db = await openDatabase(config, logger);
  const stopDb = () => db.destroy();
  let runner: RunnerHandle | undefined;
  let server: Server | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let jobs: RunningJobs | undefined;
  try {
    await syncBundledForms(db, await loadFormsFromDir(bundledFormsDir));
    const prune = () =>
      pruneProcessedUpdates(db, clock.now()).catch((err: unknown) => logger.warn({ err }, 'pruning processed updates failed'));
    await prune();
    pruneTimer = setInterval(prune, DAY_MS);
    pruneTimer.unref();

    const forms = new FormCache(db);
    jobs = await startJobs({ db, forms, clock, logger, config, policy: reminderPolicy(config) });
    const bot = createBot(
      { db, clock, forms, adminIds: config.adminIds, logger, scheduler: jobs.scheduler },
      { token: config.botToken, apiRoot: config.telegramApiRoot },
    );
    await bot.init();
    await publishCommandMenus(bot, config.adminIds).catch((err: unknown) => logger.warn({ err }, 'could not publish command menus'));
    server = await startHealthServer(db, config.httpPort);
    runner = run(bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
    logger.info({ bot: bot.botInfo.username, httpPort: (server.address() as { port: number }).port }, 'bot started');
  } catch (error) {
    clearInterval(pruneTimer);
    server?.close();
    await jobs?.stop();
    await stopDb();
    throw error;
  }
  const httpPort = (server.address() as { port: number }).port;
  const activeRunner = runner;
  const activeServer = server;
  const activeJobs = jobs;
  return {
    db,
    scheduler: activeJobs.scheduler,
    httpPort,
    async stop() {
      clearInterval(pruneTimer);
      // Let the updates in flight finish their transactions before the pool closes.
      if (activeRunner.isRunning()) await activeRunner.stop();
      await new Promise<void>((resolve) => activeServer.close(() => resolve()));
      await activeJobs.stop();
      await stopDb();
      logger.info('stopped');
    },
  };
}
