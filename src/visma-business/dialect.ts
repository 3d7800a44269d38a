/**
 * The parts of SQL where SQL Server and SQLite differ, as used by the repository. Everything else is written once
 * in the syntax both accept.
 */
export interface SqlDialect {
  readonly name: 'sqlserver' | 'sqlite';
  /** Goes right after `SELECT` to return at most `rows` rows: `TOP (n)` on SQL Server, empty on SQLite. */
  top(rows: number): string;
  /** Goes at the end of a `SELECT` to return at most `rows` rows: empty on SQL Server, `LIMIT n` on SQLite. */
  limit(rows: number): string;
  /**
   * Goes after a table name in `FROM` to lock the rows read (and the range, where no row matched) until the
   * transaction ends. Empty on SQLite, whose transactions take the database write lock when they begin.
   */
  readonly lockForUpdate: string;
  /** Turns an `INSERT ... VALUES (...)` into a statement that returns the identity column as `insertedId`. */
  insertReturningIdentity(insertSql: string, identityColumn: string): string;
}

/** SQL Server 2016 and later. */
export const SQLSERVER_DIALECT: SqlDialect = {
  name: 'sqlserver',
  top: (rows) => `TOP (${positiveInteger(rows)})`,
  limit: () => '',
  lockForUpdate: 'WITH (UPDLOCK, HOLDLOCK)',
  // SCOPE_IDENTITY() rather than OUTPUT, because OUTPUT without INTO fails on a table with triggers.
  insertReturningIdentity: (insertSql) => `${insertSql}; SELECT CAST(SCOPE_IDENTITY() AS BIGINT) AS insertedId`,
};

/** SQLite 3.35 and later (for `RETURNING`). */
export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  top: () => '',
  limit: (rows) => `LIMIT ${positiveInteger(rows)}`,
  lockForUpdate: '',
  insertReturningIdentity: (insertSql, identityColumn) => `${insertSql} RETURNING ${identityColumn} AS insertedId`,
};

function positiveInteger(rows: number): number {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`Row limit must be a positive integer: ${rows}`);
  return rows;
}
