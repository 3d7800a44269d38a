import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlRunner } from './sql-executor';

/** DDL scripts in `ddl/`, by what they create. */
export const DDL_SCRIPTS = {
  sqlite: { visma: 'sqlite.sql', importTables: 'sqlite-import.sql' },
  sqlserver: { visma: 'sqlserver.sql', importTables: 'sqlserver-import.sql', seed: 'sqlserver-seed.sql' },
} as const;

/** Returns the text of a script in `ddl/`. */
export function readDdlScript(fileName: string): string {
  return readFileSync(join(__dirname, 'ddl', fileName), 'utf8');
}

/**
 * Splits a script into statements that a driver runs one at a time: at `GO` lines for SQL Server, at a semicolon
 * that ends a line for SQLite. Comment lines are dropped.
 */
export function splitSqlScript(script: string, engine: 'sqlite' | 'sqlserver'): string[] {
  const code = script
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  const separator = engine === 'sqlserver' ? /^\s*GO\s*$/im : /;\s*$/m;
  return code
    .split(separator)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** Runs the statements of the scripts in `ddl/` named by `fileNames`, in order, on `runner`. */
export async function applyDdlScripts(runner: SqlRunner, fileNames: readonly string[]): Promise<void> {
  for (const fileName of fileNames) {
    for (const statement of splitSqlScript(readDdlScript(fileName), runner.dialect.name)) {
      await runner.execute(statement);
    }
  }
}
