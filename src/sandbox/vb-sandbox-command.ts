import type { Command } from 'commander';
import { DEFAULT_VB_SQLITE_FILE, vismaBusinessCommand } from '../visma-business/check-command';
import { createSandboxDatabase } from './vb-sandbox-database';
import { renderSqlServerSeedScript } from './vb-seed';

/** Adds `journal-import vb init-sandbox` and `journal-import vb print-seed`. */
export function registerVbSandboxCommands(program: Command): void {
  const vb = vismaBusinessCommand(program);

  vb.command('init-sandbox')
    .description('Create the sandbox Visma Business database (SQLite) with its tables and master data.')
    .option('--file <file>', 'SQLite database file to create', DEFAULT_VB_SQLITE_FILE)
    .option('--replace', 'delete an existing file first')
    .action(async (options: { file: string; replace?: boolean }) => {
      try {
        const path = await createSandboxDatabase(options.file, { ifExists: options.replace ? 'replace' : 'fail' });
        console.log(`Created the sandbox Visma Business database ${path}`);
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
      }
    });

  vb.command('print-seed')
    .description('Print the master data of the sandbox as a T-SQL script for a SQL Server development database.')
    .action(() => {
      process.stdout.write(renderSqlServerSeedScript());
    });
}
