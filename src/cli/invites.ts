import { Option, type Command } from 'commander';
import { BOT_USERNAME, cleanBotUsername } from '../config.js';
import { createInvites, revokeInvites } from '../services/invites.js';
import { formatDateTime } from '../time.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';
import { collectCodes, positiveInteger } from './parse.js';

export function registerInviteCommands(program: Command, ctx: CliContext): void {
  const invites = program.command('invites').description(msg.invitesDescription);

  invites
    .command('create')
    .description(msg.invitesCreateDescription)
    .addOption(new Option('--all', msg.optAll).conflicts('org'))
    .option('--org <ma>', msg.optOrg, collectCodes)
    .option('--ttl-days <n>', msg.optTtlDays, positiveInteger)
    .option('--bot-username <ten>', msg.optBotUsername)
    .action(async (opts: { all?: boolean; org?: string[]; ttlDays?: number; botUsername?: string }) => {
      if (!opts.all && (!opts.org || opts.org.length === 0)) throw new CliError(msg.allOrOrg);
      // Known before anything is written, so a missing name does not leave unsent invites behind.
      // A Zalo-only installation has no Telegram link to print.
      const zaloOnly = !ctx.config.botToken && !ctx.config.botUsername && !opts.botUsername && ctx.config.zalo !== undefined;
      const bot = zaloOnly ? undefined : await resolveBotUsername(ctx, opts.botUsername);
      const created = await createInvites(
        ctx.db,
        { orgCodes: opts.all ? 'all' : (opts.org ?? []) },
        { ttlDays: opts.ttlDays ?? ctx.config.inviteTtlDays },
        ctx.clock,
      );
      // Per organization: the code, the Telegram link, and the line a Zalo user sends to the Zalo bot.
      for (const invite of created) {
        const telegramLink = bot ? `https://t.me/${bot}?start=${invite.code}` : '-';
        ctx.out(`${invite.orgCode}\t${invite.code}\t${telegramLink}\t/start ${invite.code}`);
      }
      const first = created[0];
      if (first) ctx.err(msg.invitesCreated(created.length, formatDateTime(first.expiresAt)));
    });

  invites
    .command('revoke')
    .description(msg.invitesRevokeDescription)
    .requiredOption('--org <ma>', msg.optOrg, collectCodes)
    .action(async (opts: { org: string[] }) => {
      for (const { code, count } of await revokeInvites(ctx.db, { orgCodes: opts.org }, ctx.clock)) ctx.out(msg.revoked(count, code));
    });
}

/** --bot-username, else BOT_USERNAME, else Telegram's getMe with BOT_TOKEN. */
async function resolveBotUsername(ctx: CliContext, fromOption: string | undefined): Promise<string> {
  const raw = fromOption ?? ctx.config.botUsername;
  const given = raw === undefined ? undefined : cleanBotUsername(raw);
  if (given) {
    if (!BOT_USERNAME.test(given)) throw new CliError(msg.badBotUsername(given));
    return given;
  }
  if (!ctx.config.botToken) throw new CliError(msg.noBotUsername);
  const fetchFn = ctx.fetch ?? globalThis.fetch;
  let body: { ok?: boolean; result?: { username?: string }; description?: string };
  try {
    const response = await fetchFn(`${ctx.config.telegramApiRoot}/bot${ctx.config.botToken}/getMe`, {
      signal: AbortSignal.timeout(15_000),
    });
    body = (await response.json()) as typeof body;
    if (!response.ok && !body.description) body.description = `HTTP ${response.status}`;
  } catch (error) {
    // The URL holds the token: never print it.
    throw new CliError(msg.getMeFailed(error instanceof Error ? error.name : 'network error'));
  }
  const username = body.ok ? body.result?.username : undefined;
  if (!username || !BOT_USERNAME.test(username)) throw new CliError(msg.getMeFailed(body.description ?? 'no username'));
  return username;
}
