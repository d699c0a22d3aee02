/**
 * The one place that reads the environment. Every value is validated at start,
 * with a message per wrong value, so a deployment fails fast and says why.
 */
import { z } from 'zod';

const DEFAULT_API_ROOT = 'https://api.telegram.org';

const telegramIdList = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const ids: number[] = [];
    for (const part of raw.split(/[\s,;]+/).filter(Boolean)) {
      if (!/^\d{1,15}$/.test(part)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not a Telegram user id (digits only)` });
        continue;
      }
      ids.push(Number(part));
    }
    return ids;
  });

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`);

const envSchema = z.object({
  BOT_TOKEN: z
    .string({ error: 'is required: the token @BotFather gave you, like 123456:ABC-DEF…' })
    .regex(/^\d+:[\w-]+$/, 'does not look like a bot token (123456:ABC-DEF…)'),
  TELEGRAM_API_ROOT: url(['http:', 'https:']).default(DEFAULT_API_ROOT),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/baocao'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  ADMIN_IDS: telegramIdList,
  TZ_NAME: z.string().default('Asia/Ho_Chi_Minh'),
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // Optional: the bot's @username for invite links (the CLI asks getMe without it).
  BOT_USERNAME: z
    .string()
    .transform((v) => v.trim().replace(/^@/, ''))
    .pipe(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be the bot username (letters, digits, underscore)'))
    .optional(),
});

export type Config = {
  botToken: string;
  telegramApiRoot: string;
  databaseUrl: string;
  redisUrl: string;
  adminIds: readonly number[];
  timeZone: string;
  inviteTtlDays: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  httpPort: number;
  botUsername?: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`);
    this.name = 'ConfigError';
  }
}

/** Which settings a command needs: the CLI works without a bot token for most commands. */
export function loadConfig(env: NodeJS.ProcessEnv, options: { requireBotToken?: boolean } = {}): Config {
  const requireToken = options.requireBotToken ?? true;
  const schema = requireToken ? envSchema : envSchema.extend({ BOT_TOKEN: envSchema.shape.BOT_TOKEN.optional() });
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'} ${i.message}`));
  }
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN ?? '',
    telegramApiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    adminIds: e.ADMIN_IDS,
    timeZone: e.TZ_NAME,
    inviteTtlDays: e.INVITE_TTL_DAYS,
    logLevel: e.LOG_LEVEL,
    httpPort: e.HTTP_PORT,
    ...(e.BOT_USERNAME ? { botUsername: e.BOT_USERNAME } : {}),
  };
}
