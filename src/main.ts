/**
 * The process: environment → config, start the app in its roles, stop cleanly on
 * SIGINT/SIGTERM. `tsx src/main.ts` (npm start) runs both roles; `baocao web` and
 * `baocao worker` (or `tsx src/main.ts web|worker`) one each, so they scale apart.
 */
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { RedisUnavailableError } from '../jobs/connection.js';
import { ConfigError, loadConfig } from './config.js';
import { loadEnvFile } from './envFile.js';
import { ALL_ROLES, startApp, type Roles, type RunningApp } from './app.js';
import { StartupError } from './startupError.js';
import { createLogger, printable } from './logger.js';
import { secretScrubber, secretsIn } from './text/redact.js';
import { systemClock } from './time.js';

export const PROCESS_ROLES: Record<string, Roles> = {
  web: { web: true, worker: false },
  worker: { web: false, worker: true },
  all: ALL_ROLES,
};

async function start(roles: Roles): Promise<void> {
  loadEnvFile();
  const config = loadConfig(process.env, { requireBotToken: true });
  const logger = createLogger(config.logLevel, { scrub: secretScrubber(secretsIn(process.env)) });
  // Listened to before starting: a stop asked for while Postgres, Redis or Telegram is still
  // being reached (an orchestrator giving up on a slow start) ends the process at once;
  // nothing is half-done then (a migration in progress rolls back with its transaction).
  let app: RunningApp | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    if (!app) process.exit(0);
    // A stop never outlasts the supervisor's patience (systemd's TimeoutStopSec, compose's
    // stop_grace_period); a Telegram call can take 60 s to give up. Whatever is still in hand
    // then is at a point a kill -9 leaves safe: an update not confirmed is received again, a
    // delivery caught sending is resent.
    setTimeout(() => {
      logger.error({ stopTimeoutSeconds: config.stopTimeoutSeconds }, 'stop took too long; exiting');
      process.exit(1);
    }, config.stopTimeoutSeconds * 1000).unref();
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  app = await startApp(config, { clock: systemClock, logger, roles });
}

/**
 * Runs the bot in `roles` until a signal; a refused start prints one line and exits 1 (75
 * for a port taken). Anything else is printed whole, its secrets masked and without the
 * request it failed on (a Telegram error's payload holds the webhook's secret).
 */
export function runProcess(roles: Roles): Promise<void> {
  return start(roles).catch((error: unknown) => {
    const scrub = secretScrubber(secretsIn(process.env));
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof RedisUnavailableError) {
      console.error(scrub(error.message));
    } else {
      console.error(inspect(printable(error, scrub), { depth: null }));
    }
    process.exit(error instanceof StartupError ? error.exitCode : 1);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const name = process.argv[2] ?? 'all';
  const roles = PROCESS_ROLES[name];
  if (!roles) {
    console.error(`Unknown role "${name}": use web, worker or nothing (both).`);
    process.exit(2);
  }
  await runProcess(roles);
}
