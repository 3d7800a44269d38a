import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { checkCatalogue, describeProblem } from './catalogue-check';
import { MssqlExecutor } from './mssql-executor';
import type { SchemaNameOverrides } from './schema-names';
import type { SqlExecutor } from './sql-executor';
import { SqliteExecutor } from './sqlite-executor';

/** Path of the sandbox Visma Business database, relative to the working directory. */
export const DEFAULT_VB_SQLITE_FILE = '.sandbox/vb.sqlite';

/** Exit status of `vb check` when something is missing or the catalogue could not be read. */
export const EXIT_CHECK_FAILED = 1;

interface CheckOptions {
  sqlite: string;
  mssqlConnectionStringEnv?: string;
  database?: string;
  schema: string;
  trustServerCertificate?: boolean;
  names?: string;
}

/** Returns the `vb` command group of `program`, adding it on first use. */
export function vismaBusinessCommand(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'vb') ??
    program.command('vb').description('Work with the Visma Business company database.')
  );
}

/** Adds `journal-import vb check`, which verifies that a company database has every table and column needed. */
export function registerVbCheckCommand(program: Command): void {
  vismaBusinessCommand(program)
    .command('check')
    .description(
      'List every table and column the import needs that is missing from the Visma Business database or has an ' +
        'unexpected type. Exits with 0 when everything is there.',
    )
    .option('--sqlite <file>', 'SQLite database file to check', DEFAULT_VB_SQLITE_FILE)
    .option(
      '--mssql-connection-string-env <variable>',
      'check SQL Server instead: name of the environment variable that holds the connection string',
    )
    .option('--database <name>', 'SQL Server company database, for example F0001 (default: the connection string’s)')
    .option('--schema <name>', 'SQL Server schema of the Visma Business tables', 'dbo')
    .option('--trust-server-certificate', 'accept a SQL Server certificate that no trusted authority signed')
    .option('--names <file>', 'JSON file with table and column names that replace the defaults')
    .action(async (options: CheckOptions) => {
      process.exitCode = await runCheck(options);
    });
}

async function runCheck(options: CheckOptions): Promise<number> {
  let overrides: SchemaNameOverrides | undefined;
  let executor: SqlExecutor;
  try {
    overrides = options.names === undefined ? undefined : JSON.parse(readFileSync(options.names, 'utf8'));
    executor = openExecutor(options);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return EXIT_CHECK_FAILED;
  }

  try {
    console.log(`Checking the Visma Business tables in ${executor.target}`);
    const result = await checkCatalogue(executor, { overrides, schemaName: options.schema });
    for (const problem of result.problems) console.log(describeProblem(problem));
    if (result.problems.length === 0) {
      console.log(
        `All ${result.tablesChecked} tables and ${result.columnsChecked} columns the import needs are there.`,
      );
      return 0;
    }
    console.log(`${result.problems.length} problem(s) found. Fix them before the import runs against this database.`);
    return EXIT_CHECK_FAILED;
  } catch (error) {
    console.error(`Cannot check ${executor.target}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CHECK_FAILED;
  } finally {
    await executor.close();
  }
}

function openExecutor(options: CheckOptions): SqlExecutor {
  const variable = options.mssqlConnectionStringEnv;
  if (variable === undefined) {
    if (!existsSync(options.sqlite)) {
      throw new Error(
        `SQLite database ${options.sqlite} does not exist. Create it with: journal-import vb init-sandbox`,
      );
    }
    return new SqliteExecutor(options.sqlite);
  }

  const connectionString = process.env[variable];
  if (!connectionString) throw new Error(`Environment variable ${variable} is not set or empty.`);
  return new MssqlExecutor({
    connectionString,
    database: options.database,
    trustServerCertificate: options.trustServerCertificate,
  });
}
