import type { Command } from 'commander';
import { setAdmin } from '../services/people.js';
import type { CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';
import { telegramId } from './parse.js';

export function registerAdminCommands(program: Command, ctx: CliContext): void {
  const admins = program.command('admins').description(msg.adminsDescription);

  admins
    .command('add')
    .description(msg.adminsAddDescription)
    .argument('<telegram_id>', msg.telegramIdArgument, telegramId)
    .action(async (id: number) => {
      const person = await setAdmin(ctx.db, id, true, ctx.clock);
      ctx.out(msg.adminAdded(id, person?.display_name ?? ''));
    });

  admins
    .command('remove')
    .description(msg.adminsRemoveDescription)
    .argument('<telegram_id>', msg.telegramIdArgument, telegramId)
    .action(async (id: number) => {
      const person = await setAdmin(ctx.db, id, false, ctx.clock);
      ctx.out(person ? msg.adminRemoved(id, person.display_name) : msg.adminUnknown(id));
      if (ctx.config.adminIds.includes(id)) ctx.err(msg.adminStillByConfig(id));
    });
}
