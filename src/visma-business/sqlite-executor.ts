import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, SQLite3Error } from 'node-sqlite3-wasm';
import { SQLITE_DIALECT, type SqlDialect } from './dialect';
import { VbConnectionError, VbQueryError } from './errors';
import { parametersUsedBy, type SqlExecutor, type SqlParams, type SqlRunner, type SqlValue } from './sql-executor';
import { AsyncMutex, breakStaleLock, isBusyError, mutexForFile, refreshLock } from './sqlite-locking';

/** Options of {@link SqliteExecutor}. */
export interface SqliteExecutorOptions {
  /**
   * How long a statement or the start of a transaction retries while another connection holds the database lock.
   * @default 10 000 ms
   */
  busyTimeoutMs?: number;
  /**
   * Age after which a lock directory counts as left behind by a killed process and is removed.
   * @default 30 000 ms
   */
  staleLockMs?: number;
  /** Create the file when it does not exist, instead of failing. @default false */
  create?: boolean;
  /** Called after a stale lock was removed, so that the caller can log it. */
  onStaleLockBroken?: (databaseFile: string) => void;
}

const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 50;

/**
 * A {@link SqlExecutor} on a SQLite file through node-sqlite3-wasm, which is synchronous and fails with
 * SQLITE_BUSY at once when another connection holds the lock. Statements that meet BUSY are retried with a short
 * backoff up to `busyTimeoutMs`. All work of this process on the same file runs one piece at a time, so a
 * transaction, whose callback awaits between statements, is never interleaved with other statements.
 */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect: SqlDialect = SQLITE_DIALECT;
  readonly target: string;
  private readonly file: string;
  private readonly db: Database;
  private readonly mutex: AsyncMutex;
  private readonly busyTimeoutMs: number;
  private readonly staleLockMs: number;
  private readonly onStaleLockBroken: (databaseFile: string) => void;
  private statements = 0;
  private closed = false;

  constructor(file: string, options: SqliteExecutorOptions = {}) {
    this.file = resolve(file);
    this.target = this.file;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
    this.onStaleLockBroken = options.onStaleLockBroken ?? (() => undefined);
    this.mutex = mutexForFile(this.file);

    if (options.create) mkdirSync(dirname(this.file), { recursive: true });
    try {
      this.db = new Database(this.file, { fileMustExist: !options.create });
    } catch (error) {
      throw new VbConnectionError(`Cannot open the SQLite database ${this.file}: ${messageOf(error)}`, false, null, {
        cause: error,
      });
    }
  }

  get statementCount(): number {
    return this.statements;
  }

  query<T extends object>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.exclusive(() => this.withBusyRetry(() => this.runQuery<T>(sql, params)));
  }

  execute(sql: string, params?: SqlParams): Promise<{ rowsAffected: number }> {
    return this.exclusive(() => this.withBusyRetry(() => this.runExecute(sql, params)));
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.withBusyRetry(() => this.db.exec('BEGIN IMMEDIATE'));
      const refresher = setInterval(() => refreshLock(this.file), Math.max(100, this.staleLockMs / 3));
      refresher.unref();

      // The transaction holds the lock directory, so BUSY inside it means something else broke the lock.
      const tx: SqlRunner = {
        dialect: this.dialect,
        query: async <R extends object>(sql: string, params?: SqlParams) =>
          this.insideTransaction(() => this.runQuery<R>(sql, params)),
        execute: async (sql: string, params?: SqlParams) => this.insideTransaction(() => this.runExecute(sql, params)),
      };
      try {
        const result = await fn(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      } finally {
        clearInterval(refresher);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.mutex.runExclusive(async () => {
      this.closed = true;
      this.db.close();
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new VbConnectionError(`SQLite database ${this.file} is closed.`, false));
    if (this.mutex.isHeldByCurrentContext()) {
      // Waiting here would wait for the caller itself.
      return Promise.reject(
        new Error(`A transaction on ${this.file} is open in this call chain: run the statement on its runner.`),
      );
    }
    return this.mutex.runExclusive(work);
  }

  private async withBusyRetry<T>(statement: () => T): Promise<T> {
    const started = Date.now();
    let backoffMs = FIRST_BACKOFF_MS;
    for (;;) {
      try {
        return statement();
      } catch (error) {
        if (!isBusyError(error)) throw error;
        if (breakStaleLock(this.file, this.staleLockMs)) {
          this.onStaleLockBroken(this.file);
          continue;
        }
        if (Date.now() - started >= this.busyTimeoutMs) {
          throw new VbConnectionError(
            `SQLite database ${this.file} stayed locked by another connection for ${this.busyTimeoutMs} ms.`,
            true,
            null,
            { cause: error },
          );
        }
        await sleep(backoffMs + Math.random() * backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private insideTransaction<T>(statement: () => T): T {
    try {
      return statement();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      throw new VbConnectionError(`SQLite database ${this.file} was locked inside a transaction.`, true, null, {
        cause: error,
      });
    }
  }

  private runQuery<T extends object>(sql: string, params?: SqlParams): T[] {
    this.statements += 1;
    try {
      return this.db.all(sql, bindings(sql, params)) as T[];
    } catch (error) {
      throw toQueryError(error, sql);
    }
  }

  private runExecute(sql: string, params?: SqlParams): { rowsAffected: number } {
    this.statements += 1;
    try {
      return { rowsAffected: this.db.run(sql, bindings(sql, params)).changes };
    } catch (error) {
      throw toQueryError(error, sql);
    }
  }
}

function bindings(sql: string, params?: SqlParams): Record<string, Exclude<SqlValue, boolean> | number> {
  const bound: Record<string, Exclude<SqlValue, boolean> | number> = {};
  for (const [name, value] of parametersUsedBy(sql, params)) {
    bound[`@${name}`] = typeof value === 'boolean' ? Number(value) : value;
  }
  return bound;
}

/** BUSY passes through unchanged for the retry loop. Every other driver error becomes a {@link VbQueryError}. */
function toQueryError(error: unknown, sql: string): unknown {
  if (isBusyError(error) || !(error instanceof SQLite3Error)) return error;
  return new VbQueryError(`SQLite statement failed: ${error.message}. Statement: ${firstLine(sql)}`, null, {
    cause: error,
  });
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
