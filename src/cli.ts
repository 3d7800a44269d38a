import { Command, CommanderError } from 'commander';
import { registerInvoiceCommands } from './starter/invoice-commands';
import { registerKidCommand } from './starter/kid-command';
import { registerPreviewCommand } from './starter/preview-command';
import { registerSweepCommands } from './starter/sweep-commands';
import { registerSyncCommands } from './starter/sync-commands';
import { registerSimulatorCommands } from './sandbox/simulator-command';
import { registerVbSandboxCommands } from './sandbox/vb-sandbox-command';
import { registerVbCheckCommand } from './visma-business/check-command';
import { registerWorkerCommand } from './worker/worker-command';

/** Exit status of a command line run that finished as intended. */
export const EXIT_OK = 0;
/** Exit status of a run whose arguments were invalid. */
export const EXIT_USAGE = 2;

/** Builds the `journal-import` command line with every command of the project. */
export function buildProgram(): Command {
  const program = new Command('journal-import')
    .description('Import invoices from Visma.net Project Management into Visma Business, on Temporal.')
    .showHelpAfterError()
    .exitOverride();
  registerInvoiceCommands(program);
  registerSyncCommands(program);
  registerSweepCommands(program);
  registerKidCommand(program);
  registerPreviewCommand(program);
  registerSimulatorCommands(program);
  registerVbCheckCommand(program);
  registerVbSandboxCommands(program);
  registerWorkerCommand(program);
  return program;
}

/**
 * Runs the command line on `argv` (as in `process.argv`) and resolves to the exit status. Commands set
 * `process.exitCode` for their own outcome; usage errors give {@link EXIT_USAGE}.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
