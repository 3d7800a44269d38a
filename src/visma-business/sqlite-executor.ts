import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, SQLite3Error } from 'node-sqlite3-wasm';
import { SQLITE_DIALECT, type SqlDialect } from './dialect';
import { VbConnectionError, VbQueryError } from './errors';
import { parametersUsedBy, type SqlExecutor, type SqlParams, type SqlRunner, type SqlValue } from './sql-executor';
import {
  AsyncMutex,
  breakStaleLock,
  isBusyError,
  lockAgeMs,
  lockDirectoryOf,
  LockOwnership,
  mutexForFile,
  refreshLock,
  rollBackUnlockedJournal,
} from './sqlite-locking';

/** Options of {@link SqliteExecutor}. */
export interface SqliteExecutorOptions {
  /**
   * How long a statement or the start of a transaction retries while another connection holds the database lock.
   * @default `staleLockMs` plus 15 000 ms, so that a lock left by a killed process is taken over before the wait ends
   */
  busyTimeoutMs?: number;
  /**
   * Age after which a lock directory counts as left behind by a killed process: it is taken over, the journal that
   * the process left is rolled back, and the directory is removed. A transaction refreshes its lock every third of
   * this age.
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
const DEFAULT_STALE_LOCK_MS = 30_000;
const BUSY_TIMEOUT_BEYOND_STALE_LOCK_MS = 15_000;

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
  private db: Database;
  private readonly mutex: AsyncMutex;
  private readonly busyTimeoutMs: number;
  private readonly staleLockMs: number;
  private readonly onStaleLockBroken: (databaseFile: string) => void;
  private statements = 0;
  private closed = false;

  constructor(file: string, options: SqliteExecutorOptions = {}) {
    this.file = resolve(file);
    this.target = this.file;
    this.staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
    this.busyTimeoutMs = options.busyTimeoutMs ?? this.staleLockMs + BUSY_TIMEOUT_BEYOND_STALE_LOCK_MS;
    this.onStaleLockBroken = options.onStaleLockBroken ?? (() => undefined);
    this.mutex = mutexForFile(this.file);

    if (options.create) mkdirSync(dirname(this.file), { recursive: true });
    if (existsSync(this.file)) {
      this.recover(() => rollBackUnlockedJournal(this.file));
    }
    this.db = this.openDatabase(!options.create);
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
      let ownership: LockOwnership;
      try {
        ownership = LockOwnership.take(this.file);
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw new VbConnectionError(
          `Cannot mark the lock of SQLite database ${this.file}: ${messageOf(error)}`,
          true,
          null,
          {
            cause: error,
          },
        );
      }
      const refresher = setInterval(() => {
        if (ownership.isHeld()) refreshLock(this.file);
      }, this.refreshIntervalMs);
      refresher.unref();

      const tx: SqlRunner = {
        dialect: this.dialect,
        query: async <R extends object>(sql: string, params?: SqlParams) =>
          this.insideTransaction(ownership, () => this.runQuery<R>(sql, params)),
        execute: async (sql: string, params?: SqlParams) =>
          this.insideTransaction(ownership, () => this.runExecute(sql, params)),
      };
      try {
        const result = await fn(tx);
        if (!ownership.isHeld()) throw this.lockLostError();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (!ownership.isHeld()) this.abandonConnection();
        else if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      } finally {
        clearInterval(refresher);
        ownership.release();
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

  private get refreshIntervalMs(): number {
    return Math.max(100, this.staleLockMs / 3);
  }

  private openDatabase(fileMustExist: boolean): Database {
    try {
      return new Database(this.file, { fileMustExist });
    } catch (error) {
      throw new VbConnectionError(`Cannot open the SQLite database ${this.file}: ${messageOf(error)}`, false, null, {
        cause: error,
      });
    }
  }

  /**
   * Replaces the connection of a transaction that lost its lock, without closing it. Closing would roll the
   * transaction back: that writes its journal's pages into the file, deletes the journal file and removes the lock
   * directory, and all three may now belong to another connection. The abandoned connection keeps its file handles
   * until the process ends.
   */
  private abandonConnection(): void {
    this.db = this.openDatabase(true);
  }

  private lockLostError(): VbConnectionError {
    return new VbConnectionError(
      `The transaction on SQLite database ${this.file} lost its lock: another process took it over after it was not ` +
        `refreshed for ${this.staleLockMs} ms (was this process paused?). Nothing of the transaction was committed.`,
      true,
    );
  }

  /** Runs a journal recovery, reporting a failure as a connection error that names the file. */
  private recover<T>(recovery: () => T): T {
    try {
      return recovery();
    } catch (error) {
      throw new VbConnectionError(
        `Cannot roll back the journal that a killed process left on SQLite database ${this.file}: ${messageOf(error)}`,
        true,
        null,
        { cause: error },
      );
    }
  }

  private async withBusyRetry<T>(statement: () => T): Promise<T> {
    const started = Date.now();
    let backoffMs = FIRST_BACKOFF_MS;
    for (;;) {
      try {
        return statement();
      } catch (error) {
        if (!isBusyError(error)) throw error;
        if (this.recover(() => breakStaleLock(this.file, this.staleLockMs)) !== null) {
          this.onStaleLockBroken(this.file);
          continue;
        }
        if (Date.now() - started >= this.busyTimeoutMs) throw this.busyTimeoutError(error);
        await sleep(backoffMs + Math.random() * backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private busyTimeoutError(cause: unknown): VbConnectionError {
    const ageMs = lockAgeMs(this.file);
    let holder = '';
    if (ageMs !== null) {
      holder =
        ageMs >= 2 * this.refreshIntervalMs
          ? ` Its lock directory ${lockDirectoryOf(this.file)} was last refreshed ${ageMs} ms ago, so it looks left ` +
            `behind by a killed or paused process. It is taken over once it is ${this.staleLockMs} ms old.`
          : ` Its lock directory ${lockDirectoryOf(this.file)} was created or refreshed ${ageMs} ms ago, so a running ` +
            'connection has it.';
    }
    return new VbConnectionError(
      `SQLite database ${this.file} stayed locked by another connection for ${this.busyTimeoutMs} ms.${holder}`,
      true,
      null,
      { cause },
    );
  }

  /** Runs a statement of a transaction, after checking that another process has not taken over the lock. */
  private insideTransaction<T>(ownership: LockOwnership, statement: () => T): T {
    if (!ownership.isHeld()) throw this.lockLostError();
    try {
      return statement();
    } catch (error) {
      // The transaction holds the lock directory, so BUSY inside it means something else broke the lock.
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
