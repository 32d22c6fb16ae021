/**
 * `ra-watch`: the command line. Each command lives in `commands/<name>.ts` and registers itself here; this file
 * only assembles them and maps failures to exit codes (see cli-error.ts).
 */
import { Command, CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, ReportedFailure, UsageError } from './cli-error';
import { ConfigError } from '../config';
import { isTenantId, TENANT_ID_MESSAGE } from '../guid';
import { processOutput, type Output } from './output';
import { registerAllocation } from './commands/allocation';
import { registerDemo } from './commands/demo';
import { registerServe } from './commands/serve';
import { registerSimulateGraph } from './commands/simulate-graph';
import { registerAudit } from './commands/audit';
import { registerReplay } from './commands/replay';
import { registerSubscriptions } from './commands/subscriptions';
import { registerDeadLetters } from './commands/dead-letters';
import { registerAlerts } from './commands/alerts';
import { registerResourceAccounts } from './commands/resource-accounts';
import { registerDoctor } from './commands/doctor';
import { cliVersion } from './version';
import { registerTenants } from './commands/tenants';
import { registerChannels } from './commands/channels';

/** Something a command registers: it adds itself (and its subcommands) to the program. */
export type CommandRegistration = (program: Command, output: Output) => void;

const registrations: CommandRegistration[] = [
  registerServe,
  registerDemo,
  registerSimulateGraph,
  registerAudit,
  registerReplay,
  registerSubscriptions,
  registerAlerts,
  registerDeadLetters,
  registerResourceAccounts,
  registerAllocation,
  registerDoctor,
  registerTenants,
  registerChannels,
];

export function buildProgram(output: Output): Command {
  const program = new Command('ra-watch')
    .description(
      'Watches Teams Phone resource accounts in a Microsoft 365 tenant and alerts before callers notice.',
    )
    .version(cliVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => output.text(s.trimEnd()),
      writeErr: (s) => output.error(s.trimEnd()),
    });
  for (const register of registrations) register(program, output);
  // Every command's --tenant is checked once, here, before the command opens anything (issue 18 item 5).
  program.hook('preAction', (_program, action) => {
    const tenant: unknown = action.opts().tenant;
    if (typeof tenant === 'string' && !isTenantId(tenant.trim())) {
      throw new UsageError(`--tenant ${JSON.stringify(tenant.slice(0, 100))} ${TENANT_ID_MESSAGE}.`);
    }
  });
  // Subcommands (and theirs) inherit the override so their usage errors reach runCli too.
  const override = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (s) => output.text(s.trimEnd()),
      writeErr: (s) => output.error(s.trimEnd()),
    });
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Run the CLI in-process and return the exit code (tests call this; the binary calls it with process.argv). */
export async function runCli(argv: readonly string[], output: Output = processOutput): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version arrive as "errors" with exit code 0.
      if (error.exitCode === 0) return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof ReportedFailure) return EXIT_FAILURE;
    if (error instanceof ConfigError) {
      output.error(`ra-watch: ${error.message}`);
      return EXIT_FAILURE;
    }
    if (error instanceof UsageError) {
      output.error(`ra-watch: ${error.message}`);
      return EXIT_USAGE;
    }
    output.error(`ra-watch: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}

/** The binary's entry point (bin/ra-watch.js and `node dist/src/cli/main.js`). */
export function main(): void {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
