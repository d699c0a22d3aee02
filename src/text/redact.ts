/** A connection URL as it may appear in a message or a log: the password hidden. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** Masks every secret in a text that may have seen one (an error's message, a URL, a request's details). */
export type Scrub = (text: string) => string;

const REDACTED = '<redacted>';

/** The environment's secrets: tokens and keys by name, and the passwords of the service URLs. */
const SECRET_VARIABLES = ['BOT_TOKEN', 'ZALO_BOT_TOKEN', 'WEBHOOK_SECRET', 'ZALO_WEBHOOK_SECRET', 'LINK_SECRET'] as const;
const URL_VARIABLES = ['DATABASE_URL', 'REDIS_URL'] as const;

/** Shorter values would mask ordinary words and numbers; the config refuses secrets this short anyway. */
const MIN_SECRET_LENGTH = 8;

/**
 * Secrets by shape, whatever the configuration: a bot token in a Bot API URL path
 * (Telegram's and Zalo's `/bot<id>:<secret>/method`, where a fetch error quotes it) and a
 * bare Telegram token (`123456789:AA…`).
 */
const BOT_PATH = /\/bot[^/\s"'?#:]*:[^/\s"'?#]+/g;
const TELEGRAM_TOKEN = /\b\d{5,}:[\w-]{30,}/g;

export function secretsIn(env: Readonly<Record<string, string | undefined>>): string[] {
  const secrets: string[] = SECRET_VARIABLES.map((name) => env[name] ?? '');
  for (const name of URL_VARIABLES) {
    try {
      secrets.push(decodeURIComponent(new URL(env[name] ?? '').password));
    } catch {
      // Not a URL: the config refuses it, and it holds no password to hide.
    }
  }
  return secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

export function secretScrubber(secrets: readonly string[]): Scrub {
  // Longest first: a secret that contains another is masked whole.
  const literal = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(BOT_PATH, `/bot${REDACTED}`).replace(TELEGRAM_TOKEN, REDACTED);
    for (const secret of literal) out = out.split(secret).join(REDACTED);
    return out;
  };
}
