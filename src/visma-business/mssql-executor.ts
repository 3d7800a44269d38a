import sql from 'mssql';
import { SQLSERVER_DIALECT, type SqlDialect } from './dialect';
import { VbConnectionError, VbQueryError } from './errors';
import { parametersUsedBy, type SqlExecutor, type SqlParams, type SqlRunner, type SqlValue } from './sql-executor';

/** Options of {@link MssqlExecutor}. */
export interface MssqlExecutorOptions {
  /**
   * ADO.NET style connection string, for example `Server=host,1433;User Id=u;Password=p`. It is parsed, never
   * logged, and appears in no error message.
   */
  connectionString: string;
  /** Company database, for example `F0001`. It overrides a database named in the connection string. */
  database?: string;
  /** Encrypt the connection with TLS. @default the connection string's `Encrypt`, else true */
  encrypt?: boolean;
  /**
   * Accept a server certificate that no trusted authority signed, as on a development server.
   * @default the connection string's `TrustServerCertificate`, else false
   */
  trustServerCertificate?: boolean;
  /** Time to wait for a connection to open. @default the connection string's `Connect Timeout`, else 15 000 ms */
  connectionTimeoutMs?: number;
  /** Time to wait for one statement, lock waits included. @default 30 000 ms */
  requestTimeoutMs?: number;
  /** Connections the pool of this database keeps open at most. @default 10 */
  maxConnections?: number;
  /** Runs of a transaction that ends as a deadlock victim or in a lock timeout, counting the first. @default 3 */
  maxTransactionAttempts?: number;
}

/** SQL Server errors after which a new run of the same transaction can succeed, with what happened. */
const RETRYABLE_SQL_ERRORS = new Map<number, string>([
  [1205, 'was chosen as a deadlock victim'],
  [1222, 'timed out waiting for a lock'],
]);

interface SharedPool {
  /** The pool, connected or connecting; null after a failed connection, until the next statement connects anew. */
  pool: Promise<sql.ConnectionPool> | null;
  users: number;
}

/** One pool per server, port, login and database, shared by the executors of this process. */
const pools = new Map<string, SharedPool>();

/** A {@link SqlExecutor} on one SQL Server company database, through a connection pool of the `mssql` package. */
export class MssqlExecutor implements SqlExecutor {
  readonly dialect: SqlDialect = SQLSERVER_DIALECT;
  readonly target: string;
  private readonly poolKey: string;
  private readonly maxTransactionAttempts: number;
  private readonly config: sql.config;
  private statements = 0;
  private closed = false;

  constructor(options: MssqlExecutorOptions) {
    const config = buildConfig(options);
    this.target = `${config.server}${config.port ? `,${config.port}` : ''}/${config.database ?? '(default database)'}`;
    this.poolKey = [config.server, config.port, config.user ?? '', config.database ?? ''].join('|');
    this.maxTransactionAttempts = options.maxTransactionAttempts ?? 3;

    this.config = config;
    const shared = pools.get(this.poolKey);
    if (shared) {
      shared.users += 1;
    } else {
      pools.set(this.poolKey, { pool: openPool(config), users: 1 });
    }
  }

  get statementCount(): number {
    return this.statements;
  }

  async query<T extends object>(statement: string, params?: SqlParams): Promise<T[]> {
    const pool = await this.connectedPool();
    return this.runQuery<T>(pool.request(), statement, params);
  }

  async execute(statement: string, params?: SqlParams): Promise<{ rowsAffected: number }> {
    const pool = await this.connectedPool();
    return this.runExecute(pool.request(), statement, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runTransaction(fn);
      } catch (error) {
        const retry = error instanceof VbConnectionError && error.retryable && error.sqlErrorNumber !== null;
        if (!retry || attempt >= this.maxTransactionAttempts) throw error;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const shared = pools.get(this.poolKey);
    if (!shared) return;
    shared.users -= 1;
    if (shared.users > 0) return;
    pools.delete(this.poolKey);
    try {
      await (await shared.pool)?.close();
    } catch {
      // The pool never connected, so there is nothing to close.
    }
  }

  private async runTransaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const pool = await this.connectedPool();
    const transaction = new sql.Transaction(pool);
    try {
      await transaction.begin(sql.ISOLATION_LEVEL.READ_COMMITTED);
    } catch (error) {
      throw this.toVbError(error, 'BEGIN TRANSACTION');
    }

    const tx: SqlRunner = {
      dialect: this.dialect,
      query: <R extends object>(statement: string, params?: SqlParams) =>
        this.runQuery<R>(new sql.Request(transaction), statement, params),
      execute: (statement: string, params?: SqlParams) =>
        this.runExecute(new sql.Request(transaction), statement, params),
    };
    try {
      const result = await fn(tx);
      await transaction.commit();
      return result;
    } catch (error) {
      try {
        await transaction.rollback();
      } catch {
        // SQL Server already rolled back a deadlock victim, and XACT_ABORT rolls back on any error.
      }
      throw error instanceof VbConnectionError || error instanceof VbQueryError
        ? error
        : this.toVbError(error, 'COMMIT');
    }
  }

  private async connectedPool(): Promise<sql.ConnectionPool> {
    const shared = pools.get(this.poolKey);
    if (this.closed || !shared) throw new VbConnectionError(`SQL Server executor for ${this.target} is closed.`, false);
    shared.pool ??= openPool(this.config);
    const connecting = shared.pool;
    try {
      return await connecting;
    } catch (error) {
      // Forget the failed pool, so that the next statement connects again.
      if (shared.pool === connecting) shared.pool = null;
      throw this.toVbError(error, 'connect');
    }
  }

  private async runQuery<T extends object>(request: sql.Request, statement: string, params?: SqlParams): Promise<T[]> {
    this.statements += 1;
    bindInputs(request, statement, params);
    try {
      const result = await request.query<T>(statement);
      return result.recordset ?? [];
    } catch (error) {
      throw this.toVbError(error, statement);
    }
  }

  private async runExecute(
    request: sql.Request,
    statement: string,
    params?: SqlParams,
  ): Promise<{ rowsAffected: number }> {
    this.statements += 1;
    bindInputs(request, statement, params);
    try {
      const result = await request.query(statement);
      return { rowsAffected: result.rowsAffected.reduce((sum, rows) => sum + rows, 0) };
    } catch (error) {
      throw this.toVbError(error, statement);
    }
  }

  /** Classifies a driver error. Messages name the server and database, never the connection string. */
  private toVbError(error: unknown, statement: string): Error {
    if (error instanceof sql.RequestError) {
      const sqlErrorNumber = typeof error.number === 'number' ? error.number : null;
      const retryReason = sqlErrorNumber === null ? undefined : RETRYABLE_SQL_ERRORS.get(sqlErrorNumber);
      if (retryReason) {
        return new VbConnectionError(
          `SQL Server ${this.target}: the transaction ${retryReason}.`,
          true,
          sqlErrorNumber,
          {
            cause: error,
          },
        );
      }
      if (error.code === 'ETIMEOUT' || error.code === 'ECANCEL') {
        return new VbConnectionError(`SQL Server ${this.target}: the statement timed out.`, true, sqlErrorNumber, {
          cause: error,
        });
      }
      return new VbQueryError(
        `SQL Server ${this.target}: statement failed with error ${sqlErrorNumber ?? 'unknown'}: ${error.message} ` +
          `Statement: ${firstLine(statement)}`,
        sqlErrorNumber,
        { cause: error },
      );
    }
    if (error instanceof sql.ConnectionError) {
      const loginFailed = error.code === 'ELOGIN';
      return new VbConnectionError(
        `SQL Server ${this.target}: ${loginFailed ? 'login failed, so check the user and password' : 'connection failed'} ` +
          `(${error.code}).`,
        !loginFailed,
        null,
        { cause: error },
      );
    }
    if (error instanceof sql.TransactionError) {
      return new VbConnectionError(`SQL Server ${this.target}: transaction failed (${error.code}).`, true, null, {
        cause: error,
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Starts connecting a pool; the first statement reports a failure, so the rejection must not count as unhandled. */
function openPool(config: sql.config): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool(config);
  // A pool error outside a request (a dropped idle connection) must not crash the process.
  pool.on('error', () => undefined);
  const connecting = pool.connect();
  connecting.catch(() => undefined);
  return connecting;
}

function buildConfig(options: MssqlExecutorOptions): sql.config {
  const parsed = sql.ConnectionPool.parseConnectionString(options.connectionString);
  return {
    ...parsed,
    database: options.database ?? parsed.database,
    connectionTimeout: options.connectionTimeoutMs ?? parsed.connectionTimeout ?? 15_000,
    requestTimeout: options.requestTimeoutMs ?? parsed.requestTimeout ?? 30_000,
    pool: { ...parsed.pool, max: options.maxConnections ?? 10, min: 0, idleTimeoutMillis: 30_000 },
    options: {
      ...parsed.options,
      encrypt: options.encrypt ?? parsed.options.encrypt ?? true,
      trustServerCertificate: options.trustServerCertificate ?? parsed.options.trustServerCertificate ?? false,
      // SET XACT_ABORT ON: any error inside a transaction rolls all of it back.
      abortTransactionOnError: true,
      appName: 'journal-import',
    },
  };
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Binds each parameter that the statement uses with an explicit type, so that plans are reused. */
function bindInputs(request: sql.Request, statement: string, params?: SqlParams): void {
  for (const [name, value] of parametersUsedBy(statement, params)) {
    bindInput(request, name, value);
  }
}

function bindInput(request: sql.Request, name: string, value: SqlValue): void {
  if (value === null) {
    request.input(name, sql.NVarChar(4000), null);
  } else if (typeof value === 'string') {
    request.input(name, value.length <= 4000 ? sql.NVarChar(4000) : sql.NVarChar(sql.MAX), value);
  } else if (typeof value === 'boolean') {
    request.input(name, sql.Bit, value);
  } else if (typeof value === 'bigint') {
    request.input(name, sql.BigInt, value.toString());
  } else if (value instanceof Uint8Array) {
    request.input(name, sql.VarBinary(sql.MAX), Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  } else if (Number.isInteger(value)) {
    request.input(name, value >= INT32_MIN && value <= INT32_MAX ? sql.Int : sql.BigInt, value);
  } else {
    request.input(name, sql.Decimal(28, 6), value);
  }
}

function firstLine(statement: string): string {
  const line = statement.trim().split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
