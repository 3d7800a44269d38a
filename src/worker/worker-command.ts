import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../starter/admin-context';
import { runWorkerProcess } from './worker-process';

/** Registers `journal-import worker`, which runs the worker until SIGINT or SIGTERM. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the worker for every client in the clients file, until SIGINT or SIGTERM')
    .option('--config <file>', `clients file (JSON or YAML); default $JOURNAL_IMPORT_CONFIG or ${DEFAULT_CONFIG_FILE}`)
    .action((options: { config?: string }) =>
      runWorkerProcess(options.config ?? process.env.JOURNAL_IMPORT_CONFIG ?? DEFAULT_CONFIG_FILE),
    );
}
