/** The process: environment → config, start the app, stop cleanly on SIGINT/SIGTERM. */
import { existsSync } from 'node:fs';
import { RedisUnavailableError } from '../jobs/connection.js';
import { ConfigError, loadConfig } from './config.js';
import { startApp, StartupError } from './app.js';
import { createLogger } from './logger.js';
import { systemClock } from './time.js';

if (existsSync('.env')) process.loadEnvFile('.env');

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireBotToken: true });
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, { clock: systemClock, logger });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
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
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof RedisUnavailableError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
