/**
 * `.env` in the folder the process runs in, read into the environment by the bot
 * (main.ts) and the CLI alike, so both see one configuration. A variable already set
 * in the environment wins over the file (Node's loadEnvFile does not overwrite it).
 */
import { existsSync } from 'node:fs';

export function loadEnvFile(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
