import { pino, type DestinationStream, type Logger } from 'pino';
import { secretScrubber, type Scrub } from './text/redact.js';

export type { Logger };

/** Deep enough for an error's own fields and its nested errors; deeper values are cut, not walked. */
const MAX_DEPTH = 6;

/**
 * A value as it may be printed: every string with its secrets masked, errors serialized
 * with their nested errors (a fetch error quotes the Bot API URL, token included), and
 * without the request they failed on: a channel error's `payload` holds the message text
 * (a link code, an invite) or the webhook's secret, which must never reach a log.
 */
export function printable(value: unknown, scrub: Scrub, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[…]';
  if (value instanceof Error) return printable(pino.stdSerializers.err(value), scrub, depth);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof URL) return scrub(value.href);
  if (Array.isArray(value)) return value.map((v) => printable(v, scrub, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'payload')
      .map(([key, v]) => [key, printable(v, scrub, depth + 1)]),
  );
}

export interface LoggerOptions {
  /** Masks the configured secrets (text/redact.ts secretsIn); secrets of a known shape are masked without it. */
  scrub?: Scrub;
  /** Where lines go; standard output by default. */
  destination?: DestinationStream;
}

/**
 * Every log line passes through `printable`: its fields, an error logged first-hand, and
 * the message, so a token quoted anywhere (an error's message, a URL) is masked.
 */
export function createLogger(level: string = 'info', options: LoggerOptions = {}): Logger {
  const scrub = options.scrub ?? secretScrubber([]);
  return pino(
    {
      level,
      base: { app: 'baocao-bot' },
      formatters: { log: (object) => printable(object, scrub) as Record<string, unknown> },
      // Serialized already, by printable: pino's own serializer would take the result for another error.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // logger.warn(error) or logger.warn({ err }) with no message: pino would take the error's
          // message, unmasked, as the line's message; it is given here, masked.
          const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
          const fields = first instanceof Error ? { err: first } : first;
          const message = rest.length === 0 && error instanceof Error ? [error.message] : rest;
          const all = [fields, ...message];
          method.apply(this, all.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** For tests and benchmarks: logs nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });
