import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Errors are logged without the request they failed on: a channel error's payload holds
 * the message text (a link code, an invite) that must never reach a log.
 */
function errorWithoutPayload(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  delete serialized.payload;
  return serialized;
}

export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { app: 'baocao-bot' }, serializers: { err: errorWithoutPayload } });
}

/** For tests and benchmarks: logs nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });
