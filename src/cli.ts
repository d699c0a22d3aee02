/**
 * Entry of the admin command line (`baocao …`, or `npm run cli -- …`): reads the
 * configuration, opens the database, runs one command, closes the database.
 * Everything else is in src/cli/.
 */
import { RedisUnavailableError } from '../jobs/connection.js';
import { CliError } from './cli/context.js';
import { connectScheduler } from '../jobs/runtime.js';
import { ConfigError, loadConfig, reminderPolicy, type Config } from './config.js';
import { loadEnvFile } from './envFile.js';
import { silentLogger } from './logger.js';
import { redactUrl } from './text/redact.js';
import { planCampaignSlots } from './services/reminderSlots.js';
import type { RoundScheduler } from './services/scheduling.js';
import { createDb, ensureDatabase, type Db } from './db/connect.js';
import { cliMessages as msg } from './cli/messages.js';
import { runCli } from './cli/program.js';
import { systemClock } from './time.js';

const out = (line: string) => process.stdout.write(line + '\n');
const err = (line: string) => process.stderr.write(line + '\n');

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', '42501']);

async function main(argv: readonly string[]): Promise<number> {
  loadEnvFile();
  let config: Config;
  try {
    config = loadConfig(process.env, { requireBotToken: false });
  } catch (error) {
    if (error instanceof ConfigError) {
      // The bot's own words for it (configMessages): one list of problems, and where every setting is described.
      err(error.message);
      return 1;
    }
    throw error;
  }

  let db: Db | undefined;
  let reminders: Awaited<ReturnType<typeof connectScheduler>> | undefined;
  try {
    db = createDb(config.databaseUrl, { max: 4 });
    const pool = db;
    // Redis is needed only by commands that change a round's reminders: connect on first use.
    const policy = reminderPolicy(config);
    const connected = async () => {
      reminders ??= await connectScheduler({ db: pool, clock: systemClock, logger: silentLogger, policy, config });
      return reminders.scheduler;
    };
    const scheduler: RoundScheduler = {
      // The slots are planned in Postgres before Redis is asked: if it cannot be reached from
      // here, a running worker's sweep (every minute) gives them their jobs.
      campaignChanged: async (id) => {
        await planCampaignSlots(pool, id, policy, systemClock.now());
        await (await connected()).syncCampaignJobs(id);
      },
      deliveriesRequeued: async (id) => (await connected()).deliveriesRequeued(id),
      remindNow: async (id, actor) => (await connected()).remindNow(id, actor),
    };
    return await runCli(
      {
        db: pool,
        clock: systemClock,
        out,
        err,
        config,
        scheduler,
        prepareDb: async ({ create }) => {
          if (!(await ensureDatabase(config.databaseUrl, { create }))) throw new CliError(msg.databaseMissing(redactUrl(config.databaseUrl)));
        },
      },
      argv,
    );
  } catch (error) {
    const e = error as { code?: string; message?: string; stack?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    if (error instanceof RedisUnavailableError) err(error.message);
    else if (code && CONNECTION_CODES.has(code)) err(msg.databaseUnreachable(redactUrl(config.databaseUrl), e.message ?? code));
    else err(msg.unexpected(e.message ?? String(error)));
    if (process.env.BAOCAO_DEBUG) err(e.stack ?? String(error));
    return 1;
  } finally {
    await reminders?.close().catch(() => {});
    await db?.destroy().catch(() => {});
  }
}

// This module is the program: run by tsx (npm run cli) or imported by bin/baocao.js.
// `baocao web` and `baocao worker` are the bot's processes, not one-shot commands.
const [first, ...rest] = process.argv.slice(2);
const asksForHelp = rest.includes('--help') || rest.includes('-h');
if ((first === 'web' || first === 'worker') && !asksForHelp) {
  const { PROCESS_ROLES, runProcess } = await import('./main.js');
  await runProcess(PROCESS_ROLES[first]!);
} else {
  process.exitCode = await main(process.argv.slice(2));
}
