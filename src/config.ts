/**
 * The one place that reads the environment. Every value is validated at start,
 * with a message per wrong value, so a deployment fails fast and says why.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { configMessages as cm } from './configMessages.js';
import './zodLocale.js';
import { parseIdentity, TELEGRAM_USER_ID } from './chat/identity.js';
import type { ChannelName, Identity } from './chat/port.js';
import type { QuietHours, ReminderPolicy } from './reminders/policy.js';
import { isoCalendarDate } from './time.js';

const DEFAULT_API_ROOT = 'https://api.telegram.org';
const DEFAULT_ZALO_API_ROOT = 'https://bot-api.zaloplatforms.com';

export { TELEGRAM_USER_ID };

/** A bot's @username without the '@'. */
export const BOT_USERNAME = /^[A-Za-z0-9_]{1,64}$/;

/** A bot username as given (" @baocao_bot "): trimmed, without the leading '@'. */
export function cleanBotUsername(text: string): string {
  return text.trim().replace(/^@/, '');
}

/** '123456, zalo:8a3f…': bare numbers are Telegram ids, others name their channel. */
const identityList = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const ids: Identity[] = [];
    for (const part of raw.split(/[\s,;]+/).filter(Boolean)) {
      const identity = parseIdentity(part);
      if (!identity) {
        ctx.addIssue({ code: 'custom', message: cm.identity(part) });
        continue;
      }
      ids.push(identity);
    }
    return ids;
  });

const HH_MM = String.raw`([01]?\d|2[0-3]):([0-5]\d)`;
const pad2 = (n: string) => n.padStart(2, '0');

/** '21:00-07:00' (may cross midnight) or 'off' → null. */
const quietHours = z
  .string()
  .default('21:00-07:00')
  .transform((raw, ctx): QuietHours | null => {
    const text = raw.trim();
    if (/^(off|none)$/i.test(text)) return null;
    const m = new RegExp(`^${HH_MM}\\s*[-–]\\s*${HH_MM}$`).exec(text);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: cm.quietHours(raw) });
      return z.NEVER;
    }
    const start = `${pad2(m[1]!)}:${m[2]!}`;
    const end = `${pad2(m[3]!)}:${m[4]!}`;
    if (start === end) {
      ctx.addIssue({ code: 'custom', message: cm.quietHoursEmpty(raw) });
      return z.NEVER;
    }
    return { start, end };
  });

const MAX_HOLIDAY_RANGE_DAYS = 60;
const DAY_MS = 86_400_000;

/** Milliseconds of a real calendar date 'YYYY-MM-DD' at UTC midnight, or undefined. */
function utcDayMs(text: string): number | undefined {
  return isoCalendarDate(text) ? Date.parse(`${text}T00:00:00Z`) : undefined;
}

/** '2026-09-02, 2027-02-05..2027-02-10' → every local date, ranges inclusive. */
const holidayList = z
  .string()
  .default('')
  .transform((raw, ctx): ReadonlySet<string> => {
    const dates = new Set<string>();
    for (const part of raw.split(/[\s,;]+/).filter(Boolean)) {
      const [from, to, ...rest] = part.split('..');
      const start = utcDayMs(from ?? '');
      const end = to === undefined ? start : utcDayMs(to);
      if (start === undefined || end === undefined || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: cm.holidayUnreadable(part) });
        continue;
      }
      const days = (end - start) / DAY_MS + 1;
      if (days < 1 || days > MAX_HOLIDAY_RANGE_DAYS) {
        ctx.addIssue({
          code: 'custom',
          message: cm.holidayRange(part, MAX_HOLIDAY_RANGE_DAYS),
        });
        continue;
      }
      for (let i = 0; i < days; i++) dates.add(new Date(start + i * DAY_MS).toISOString().slice(0, 10));
    }
    return dates;
  });

/**
 * A cron pattern of 5 fields (or 6 with seconds first), parsed as BullMQ will parse it
 * (cron-parser, BullMQ's own): "99 7 * * *" is refused here, naming the variable, rather
 * than ending the worker with a parser's stack at its first tick.
 */
const cronPattern = z
  .string()
  .default('0 7 * * *')
  .transform((v) => v.trim().replace(/\s+/g, ' '))
  .refine((v) => {
    const fields = v.split(' ');
    if (fields.length !== 5 && fields.length !== 6) return false;
    try {
      CronExpressionParser.parse(v);
      return true;
    } catch {
      return false;
    }
  }, cm.cron);

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, cm.url(protocols.map((p) => p + '//').join(' hoặc ')));

const envSchema = z.object({
  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, cm.botTokenShape)
    .optional(),
  // Zalo Bot Platform: the token from Zalo Bot Creator enables the channel.
  ZALO_BOT_TOKEN: z
    .string()
    .regex(/^[\w-]+:[\w-]+$/, cm.zaloTokenShape)
    .optional(),
  ZALO_API_ROOT: url(['http:', 'https:']).default(DEFAULT_ZALO_API_ROOT),
  ZALO_WEBHOOK_SECRET: z.string().regex(/^[\x21-\x7e]{8,256}$/, cm.zaloWebhookSecret).optional(),
  ZALO_MAX_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(10),
  // The bot's public HTTPS address: webhooks and download links are served under it.
  PUBLIC_URL: url(['https:', 'http:']).optional(),
  // Telegram webhook mode: Telegram posts updates to PUBLIC_URL/telegram/webhook with this secret.
  WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, cm.webhookSecret).optional(),
  // How many webhook requests Telegram keeps open at once, over all web replicas: the rest wait
  // in Telegram's queue, oldest first, instead of crowding the replicas (Telegram's default, 40).
  TELEGRAM_WEBHOOK_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(40),
  // Where the HTTP server listens: 127.0.0.1 behind a reverse proxy on the same host, 0.0.0.0 in a container.
  HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TELEGRAM_API_ROOT: url(['http:', 'https:']).default(DEFAULT_API_ROOT),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/baocao'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().regex(/^[\w.-]{1,40}$/, cm.redisPrefix).default('baocao'),
  ADMIN_IDS: identityList,
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // Optional: the bot's @username for invite links (the CLI asks getMe without it).
  BOT_USERNAME: z
    .string()
    .transform(cleanBotUsername)
    .pipe(z.string().regex(BOT_USERNAME, cm.botUsername))
    .optional(),
  // Reminders: no sends inside this local window, nor on these local dates (moved, not dropped).
  QUIET_HOURS: quietHours,
  HOLIDAYS: holidayList,
  // How long a stop may take before the process exits anyway: below the supervisor's own patience.
  STOP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  // How long a migration's statement may wait for a lock on a live database before it gives up and tries again.
  MIGRATION_LOCK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(5),
  // Telegram allows about 30 messages/s per bot; stay below it.
  OUTBOX_MAX_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(25),
  // The admins' morning progress digest, in local time (Asia/Ho_Chi_Minh).
  DIGEST_CRON: cronPattern,
  // The office's own forms (new ones, or a version 2), beside the bundled ones.
  FORMS_DIR: z.string().trim().min(1).optional(),
  // The Word draft's letterhead: what the bot cannot know about the committee it reports for.
  ORG_NAME: z.string().trim().max(200).optional(),
  PARENT_ORG_NAME: z.string().trim().max(200).optional(),
  PLACE_NAME: z.string().trim().max(100).optional(),
  REPORT_SUBJECT: z.string().trim().max(100).optional(),
  // The key that signs download links; generated and kept in the database when not set.
  LINK_SECRET: z.string().min(32, cm.linkSecret).optional(),
});

export type Config = {
  /** Empty when Telegram is not configured (Zalo only). */
  botToken: string;
  telegramApiRoot: string;
  /** Undefined when Zalo is not configured. */
  zalo?: { token: string; apiRoot: string; webhookSecret?: string; maxPerSecond: number };
  publicUrl?: string;
  /** Telegram webhook mode (with publicUrl); undefined: long polling. */
  telegramWebhookSecret?: string;
  /** Telegram's max_connections for the webhook. */
  telegramWebhookConnections: number;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key: several installations (or test runs) can share one Redis. */
  redisPrefix: string;
  /** Identities with admin rights by configuration (Telegram ids, zalo:…). */
  adminIds: readonly Identity[];
  inviteTtlDays: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  httpPort: number;
  httpHost: string;
  /** A stop that takes longer ends the process anyway (main.ts). */
  stopTimeoutSeconds: number;
  /** A migration waiting longer for a lock gives up, lets the queries behind it through, and tries again (db/migrate.ts). */
  migrationLockTimeoutSeconds: number;
  botUsername?: string;
  quietHours: QuietHours | null;
  holidays: ReadonlySet<string>;
  outboxMaxPerSecond: number;
  /** A folder of the office's own form files, read beside the bundled ones. */
  formsDir?: string;
  digestCron: string;
  /** The Word draft's letterhead; a missing part is a marked blank in the draft. */
  letterhead: { issuingBody?: string; superiorBody?: string; place?: string; subject?: string };
  /** Signs download links; undefined: the database keeps a generated one. */
  linkSecret?: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`${cm.heading}\n${problems.map((p) => `  - ${p}`).join('\n')}\n${cm.footer}`);
    this.name = 'ConfigError';
  }
}

/**
 * Which settings a command needs: the CLI works without a bot token for most commands;
 * the bot needs at least one channel (BOT_TOKEN for Telegram, ZALO_BOT_TOKEN for Zalo).
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: { requireBotToken?: boolean } = {}): Config {
  const requireToken = options.requireBotToken ?? true;
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => cm.problem(i.path.join('.') || 'env', i.message));
  if (parsed.success) {
    const e = parsed.data;
    if (requireToken && !e.BOT_TOKEN && !e.ZALO_BOT_TOKEN) {
      problems.push(cm.botTokenRequired);
    }
    if (e.ZALO_WEBHOOK_SECRET && !e.PUBLIC_URL) problems.push(cm.publicUrlWithZaloWebhook);
    if (e.WEBHOOK_SECRET && !e.PUBLIC_URL) problems.push(cm.publicUrlWithWebhook);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN ?? '',
    telegramApiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    ...(e.ZALO_BOT_TOKEN
      ? {
          zalo: {
            token: e.ZALO_BOT_TOKEN,
            apiRoot: e.ZALO_API_ROOT.replace(/\/+$/, ''),
            maxPerSecond: e.ZALO_MAX_PER_SECOND,
            ...(e.ZALO_WEBHOOK_SECRET ? { webhookSecret: e.ZALO_WEBHOOK_SECRET } : {}),
          },
        }
      : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/, '') } : {}),
    ...(e.WEBHOOK_SECRET ? { telegramWebhookSecret: e.WEBHOOK_SECRET } : {}),
    telegramWebhookConnections: e.TELEGRAM_WEBHOOK_CONNECTIONS,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    adminIds: e.ADMIN_IDS,
    inviteTtlDays: e.INVITE_TTL_DAYS,
    logLevel: e.LOG_LEVEL,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    stopTimeoutSeconds: e.STOP_TIMEOUT_SECONDS,
    migrationLockTimeoutSeconds: e.MIGRATION_LOCK_TIMEOUT_SECONDS,
    quietHours: e.QUIET_HOURS,
    holidays: e.HOLIDAYS,
    outboxMaxPerSecond: e.OUTBOX_MAX_PER_SECOND,
    digestCron: e.DIGEST_CRON,
    ...(e.FORMS_DIR ? { formsDir: e.FORMS_DIR } : {}),
    letterhead: {
      ...(e.ORG_NAME ? { issuingBody: e.ORG_NAME } : {}),
      ...(e.PARENT_ORG_NAME ? { superiorBody: e.PARENT_ORG_NAME } : {}),
      ...(e.PLACE_NAME ? { place: e.PLACE_NAME } : {}),
      ...(e.REPORT_SUBJECT ? { subject: e.REPORT_SUBJECT } : {}),
    },
    ...(e.LINK_SECRET ? { linkSecret: e.LINK_SECRET } : {}),
    ...(e.BOT_USERNAME ? { botUsername: e.BOT_USERNAME } : {}),
  };
}

/** The part of the configuration the reminder planner needs. */
export function reminderPolicy(config: Pick<Config, 'quietHours' | 'holidays'>): ReminderPolicy {
  return { quietHours: config.quietHours, holidays: config.holidays };
}

/** The chat apps this installation talks through: those with a token. */
export function enabledChannels(config: Pick<Config, 'botToken' | 'zalo'>): ChannelName[] {
  return [...(config.botToken ? (['telegram'] as const) : []), ...(config.zalo ? (['zalo'] as const) : [])];
}
