/**
 * The admin command line as a factory: `buildProgram(deps)` wires commander to
 * services with the given database, clock and output, so tests drive the very
 * same commands against a test database and read what they print.
 */
import { Command, CommanderError } from 'commander';
import { ForeignSchemaError, MigrationLockError, migrateToLatest } from '../db/migrate.js';
import { CampaignInputError } from '../services/campaigns.js';
import { FormVersionConflictError } from '../services/forms.js';
import { InviteInputError } from '../services/invites.js';
import { registerAdminCommands } from './admins.js';
import { registerCampaignCommands } from './campaigns.js';
import { CliError, type CliContext, type CliDeps } from './context.js';
import { registerFormCommands } from './forms.js';
import { registerInviteCommands } from './invites.js';
import { cliMessages as msg } from './messages.js';
import { registerOrgCommands } from './orgs.js';
import { registerReporterCommands } from './reporters.js';
import { registerFileCommands } from './files.js';
import { registerSummaryCommand } from './summary.js';

export { CliError, type CliDeps } from './context.js';

export function buildProgram(deps: CliDeps): Command {
  let prepared: Promise<string[]> | undefined;
  const ctx: CliContext = {
    ...deps,
    ready: (options = { create: false }) =>
      (prepared ??= (async () => {
        await deps.prepareDb?.(options);
        return migrateToLatest(deps.db, {
          lockTimeoutMs: deps.config.migrationLockTimeoutSeconds * 1000,
          onAhead: (unknown) => deps.err(msg.databaseAhead(unknown)),
          onLockWait: (wait) => deps.err(msg.migrationLockWait(wait.migration, wait.lockTimeoutMs / 1000, wait.attempt + 1, wait.attempts)),
        });
      })()),
  };

  const program = new Command('baocao');
  program
    .description(msg.programDescription)
    .helpOption('-h, --help', msg.helpOption)
    .helpCommand('help [lệnh]', msg.helpCommand)
    .configureHelp({ styleTitle: (title: string) => msg.helpTitles[title] ?? title })
    .configureOutput({
      writeOut: (s) => deps.out(s.replace(/\n$/, '')),
      writeErr: (s) => deps.err(s.replace(/\n$/, '')),
      // Commander's own (English) errors are translated by runCli instead.
      outputError: () => {},
    })
    .exitOverride()
    .showSuggestionAfterError(false);

  // Every command but `migrate` (which reports what it applied) starts from a migrated database.
  program.hook('preAction', async (_root, action) => {
    if (action.name() !== 'migrate') await ctx.ready();
  });

  program
    .command('migrate')
    .description(msg.migrateDescription)
    .action(async () => {
      const applied = await ctx.ready({ create: true });
      if (applied.length === 0) deps.out(msg.upToDate);
      for (const name of applied) deps.out(msg.migrated(name));
    });

  // The bot's two processes, listed with the commands: src/cli.ts starts them before this parser runs.
  for (const [name, description] of [['web', msg.webDescription], ['worker', msg.workerDescription]] as const) {
    program
      .command(name)
      .description(description)
      .action(() => {
        throw new CliError(msg.processNotHere(name));
      });
  }

  registerOrgCommands(program, ctx);
  registerInviteCommands(program, ctx);
  registerReporterCommands(program, ctx);
  registerAdminCommands(program, ctx);
  registerFormCommands(program, ctx);
  registerCampaignCommands(program, ctx);
  registerSummaryCommand(program, ctx);
  registerFileCommands(program, ctx);
  return program;
}

/** Errors that are the user's to fix: their message is the whole story. */
export function isUserError(error: unknown): error is Error {
  return (
    error instanceof CliError ||
    error instanceof CampaignInputError ||
    error instanceof InviteInputError ||
    error instanceof FormVersionConflictError ||
    error instanceof ForeignSchemaError ||
    error instanceof MigrationLockError
  );
}

/**
 * Runs one command line (without "node baocao"); returns the exit code. User
 * errors are printed through deps.err; anything else is thrown to the caller.
 */
export async function runCli(deps: CliDeps, argv: readonly string[]): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') {
        return error.exitCode;
      }
      deps.err(translateCommanderError(error));
      deps.err(msg.seeHelp(commandPath(argv, error)));
      return error.exitCode === 0 ? 1 : error.exitCode;
    }
    if (isUserError(error)) {
      deps.err(error.message);
      return 1;
    }
    throw error;
  }
}

/** "baocao orgs import" for the help hint: the command words typed, without an unknown one. */
function commandPath(argv: readonly string[], error: CommanderError): string {
  const words = ['baocao'];
  for (const arg of argv.slice(0, 2)) {
    // An option or an argument (a round's number) ends the command words.
    if (arg.startsWith('-') || /^#?\d/.test(arg)) break;
    if (error.code === 'commander.unknownCommand' && error.message.includes(`'${arg}'`)) break;
    words.push(arg);
  }
  return words.join(' ');
}

function translateCommanderError(error: CommanderError): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption':
      return msg.unknownOption(quoted);
    case 'commander.unknownCommand':
      return msg.unknownCommand(quoted);
    case 'commander.missingArgument':
      return msg.missingArgument(quoted);
    case 'commander.optionMissingArgument':
      return msg.optionMissingArgument(quoted);
    case 'commander.missingMandatoryOptionValue':
      return msg.missingMandatoryOption(quoted);
    case 'commander.excessArguments':
      return msg.excessArguments;
    case 'commander.conflictingOption': {
      // "error: option '--all' cannot be used with option '--org <ma>'": both named, without their placeholders.
      const [first, second] = [...error.message.matchAll(/'(--?[\w-]+)[^']*'/g)].map((m) => m[1]!);
      return first && second ? msg.conflictingOptions(first, second) : msg.conflictingOption;
    }
    case 'commander.invalidArgument': {
      // "error: option '--ttl-days <n>' argument 'x' is invalid. <our Vietnamese reason>"
      // "error: command-argument value 'x' is invalid for argument 'y'. <our Vietnamese reason>"
      const reason = /is invalid[^.]*\.\s*(.*)$/s.exec(error.message)?.[1];
      return reason || msg.badCommandLine(error.message.replace(/^error:\s*/, ''));
    }
    default:
      return msg.badCommandLine(error.message.replace(/^error:\s*/, ''));
  }
}
