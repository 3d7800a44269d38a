import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_VB_SQLITE_FILE } from '../visma-business/check-command';
import { applyDdlScripts, DDL_SCRIPTS } from '../visma-business/ddl';
import type { SqlRunner } from '../visma-business/sql-executor';
import { SqliteExecutor } from '../visma-business/sqlite-executor';
import { journalFileOf } from '../visma-business/sqlite-journal';
import { removeLockFiles } from '../visma-business/sqlite-locking';
import { seedVismaBusiness } from './vb-seed';

/** A sandbox database file that exists already, when the caller asked not to replace it. */
export class SandboxDatabaseExistsError extends Error {
  override readonly name = 'SandboxDatabaseExistsError';

  constructor(readonly file: string) {
    super(`Sandbox database ${file} exists already; pass --replace to create it again from scratch.`);
  }
}

/**
 * Creates the tables of the engine's sandbox DDL and of the import's own tables, then seeds the master data.
 * Creates only what is missing, so it also brings an existing development database up to date.
 */
export async function installSandboxSchema(runner: SqlRunner): Promise<void> {
  const scripts = DDL_SCRIPTS[runner.dialect.name];
  await applyDdlScripts(runner, [scripts.visma, scripts.importTables]);
  await seedVismaBusiness(runner);
}

/**
 * Creates the sandbox Visma Business database as a SQLite file at `file`, in one transaction. An existing file is
 * kept (`keep`), deleted first with its journal and lock directory (`replace`), or rejected with
 * {@link SandboxDatabaseExistsError} (`fail`, the default). A file that this call created is deleted again when
 * the creation fails. Returns the absolute path.
 */
export async function createSandboxDatabase(
  file: string = DEFAULT_VB_SQLITE_FILE,
  options: { ifExists?: 'keep' | 'replace' | 'fail' } = {},
): Promise<string> {
  const path = resolve(file);
  if (existsSync(path)) {
    const ifExists = options.ifExists ?? 'fail';
    if (ifExists === 'keep') return path;
    if (ifExists === 'fail') throw new SandboxDatabaseExistsError(path);
    removeDatabaseFiles(path);
  }

  const executor = new SqliteExecutor(path, { create: true });
  try {
    await executor.transaction((tx) => installSandboxSchema(tx));
  } catch (error) {
    await executor.close();
    removeDatabaseFiles(path);
    throw error;
  }
  await executor.close();
  return path;
}

/** Deletes a SQLite file with the journal and the lock directory that a killed process may have left. */
function removeDatabaseFiles(path: string): void {
  rmSync(path, { force: true });
  rmSync(journalFileOf(path), { force: true });
  removeLockFiles(path);
}
