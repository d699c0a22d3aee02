import type { Command } from 'commander';
import { identityKey, sameIdentity } from '../chat/identity.js';
import type { Identity } from '../chat/port.js';
import { setAdmin } from '../services/people.js';
import type { CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';
import { identityArgument } from './parse.js';

export function registerAdminCommands(program: Command, ctx: CliContext): void {
  const admins = program.command('admins').description(msg.adminsDescription);

  admins
    .command('add')
    .description(msg.adminsAddDescription)
    .argument('<id>', msg.telegramIdArgument, identityArgument)
    .action(async (id: Identity) => {
      const person = await setAdmin(ctx.db, id, true, ctx.clock);
      ctx.out(msg.adminAdded(shown(id), person?.display_name ?? ''));
    });

  admins
    .command('remove')
    .description(msg.adminsRemoveDescription)
    .argument('<id>', msg.telegramIdArgument, identityArgument)
    .action(async (id: Identity) => {
      const person = await setAdmin(ctx.db, id, false, ctx.clock);
      ctx.out(person ? msg.adminRemoved(shown(id), person.display_name) : msg.adminUnknown(shown(id)));
      if (ctx.config.adminIds.some((a) => sameIdentity(a, id))) ctx.err(msg.adminStillByConfig(shown(id)));
    });
}

/** A Telegram id as it was typed (digits); others with their channel. */
function shown(id: Identity): string {
  return id.channel === 'telegram' ? id.externalId : identityKey(id);
}
