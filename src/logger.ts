import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { app: 'baocao-bot' } });
}

/** For tests and benchmarks: logs nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });
