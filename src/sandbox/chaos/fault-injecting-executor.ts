import { SeededRandom } from '../pm-simulator/random';
import { VbConnectionError } from '../../visma-business/errors';
import type { SqlExecutor, SqlParams, SqlRunner } from '../../visma-business/sql-executor';

/**
 * Environment variable that turns on SQL fault injection in the worker, for the chaos test only: `seed:rate`, for
 * example `7:0.03`, injects a fault at about 3 % of statements and commits.
 */
export const CHAOS_SQL_ENV = 'JOURNAL_IMPORT_CHAOS_SQL';

/** Kind of an injected database failure. */
export type SqlFaultKind = 'deadlock' | 'lock-timeout' | 'connection-drop' | 'connection-drop-after-commit';

/** One injected failure, as reported to {@link FaultInjectionOptions.onFault}. */
export interface InjectedSqlFault {
  kind: SqlFaultKind;
  /** SQL Server error number of the failure, null for a dropped connection. */
  sqlErrorNumber: number | null;
  /** Whether the statement ran inside a transaction. */
  inTransaction: boolean;
  /** First line of the statement that failed; `COMMIT` for a failure after the commit. */
  statement: string;
}

/** Settings of a {@link FaultInjectingExecutor}. */
export interface FaultInjectionOptions {
  /** Seed of the pseudo-random choice of statements and kinds. */
  seed: number;
  /** Share (0 to 1) of statements and commits that fail. */
  rate: number;
  /** Kinds of failure to inject. @default every kind */
  kinds?: readonly SqlFaultKind[];
  /** Called once per injected failure, before it is raised. */
  onFault?: (fault: InjectedSqlFault) => void;
}

/** A value of {@link CHAOS_SQL_ENV} that is not `seed:rate`. */
export class FaultInjectionSettingError extends Error {
  override readonly name = 'FaultInjectionSettingError';

  constructor(readonly value: string) {
    super(
      `${CHAOS_SQL_ENV}=${JSON.stringify(value)} is invalid; expected seed:rate, such as 7:0.03, with rate 0 to 1.`,
    );
  }
}

/**
 * Reads the fault injection settings from {@link CHAOS_SQL_ENV}; returns null when the variable is unset or empty.
 *
 * @throws FaultInjectionSettingError for a value that is not `seed:rate`.
 */
export function faultInjectionFromEnv(env: NodeJS.ProcessEnv): { seed: number; rate: number } | null {
  const value = env[CHAOS_SQL_ENV]?.trim();
  if (!value) return null;
  const match = /^(-?\d+):(\d*\.?\d+)$/.exec(value);
  if (!match) throw new FaultInjectionSettingError(value);
  const seed = Number(match[1]);
  const rate = Number(match[2]);
  if (!Number.isSafeInteger(seed) || !(rate >= 0 && rate <= 1)) throw new FaultInjectionSettingError(value);
  return { seed, rate };
}

const SQL_ERROR_NUMBERS: Record<SqlFaultKind, number | null> = {
  deadlock: 1205,
  'lock-timeout': 1222,
  'connection-drop': null,
  'connection-drop-after-commit': null,
};

const STATEMENT_FAULTS: SqlFaultKind[] = ['deadlock', 'lock-timeout', 'connection-drop'];

/**
 * A {@link SqlExecutor} that makes seeded random statements fail the way SQL Server fails: a deadlock victim
 * (1205), a lock timeout (1222), or a dropped connection, before the statement runs; and a dropped connection
 * after a transaction committed, so the caller cannot tell that its write succeeded. Every failure is a
 * {@link VbConnectionError} with `retryable` set, as `MssqlExecutor` raises them.
 *
 * For the chaos test only: the worker wraps its executors in it when {@link CHAOS_SQL_ENV} is set.
 */
export class FaultInjectingExecutor implements SqlExecutor {
  private readonly random: SeededRandom;
  private readonly kinds: readonly SqlFaultKind[];

  constructor(
    private readonly inner: SqlExecutor,
    private readonly options: FaultInjectionOptions,
  ) {
    this.random = new SeededRandom(options.seed);
    this.kinds = options.kinds ?? [...STATEMENT_FAULTS, 'connection-drop-after-commit'];
  }

  get dialect() {
    return this.inner.dialect;
  }

  get target(): string {
    return this.inner.target;
  }

  get statementCount(): number {
    return this.inner.statementCount;
  }

  async query<T extends object>(sql: string, params?: SqlParams): Promise<T[]> {
    this.maybeFail(sql, false);
    return this.inner.query<T>(sql, params);
  }

  async execute(sql: string, params?: SqlParams): Promise<{ rowsAffected: number }> {
    this.maybeFail(sql, false);
    return this.inner.execute(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const result = await this.inner.transaction((tx) =>
      fn({
        dialect: tx.dialect,
        query: async <R extends object>(sql: string, params?: SqlParams) => {
          this.maybeFail(sql, true);
          return tx.query<R>(sql, params);
        },
        execute: async (sql: string, params?: SqlParams) => {
          this.maybeFail(sql, true);
          return tx.execute(sql, params);
        },
      }),
    );
    if (this.kinds.includes('connection-drop-after-commit') && this.random.chance(this.options.rate)) {
      throw this.fault('connection-drop-after-commit', 'COMMIT', true);
    }
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private maybeFail(sql: string, inTransaction: boolean): void {
    const kinds = STATEMENT_FAULTS.filter((kind) => this.kinds.includes(kind));
    if (kinds.length === 0 || !this.random.chance(this.options.rate)) return;
    throw this.fault(this.random.pick(kinds), firstLine(sql), inTransaction);
  }

  private fault(kind: SqlFaultKind, statement: string, inTransaction: boolean): VbConnectionError {
    const sqlErrorNumber = SQL_ERROR_NUMBERS[kind];
    this.options.onFault?.({ kind, sqlErrorNumber, inTransaction, statement });
    return new VbConnectionError(
      `SQL Server ${this.target}: ${describe(kind)} (fault injected by the chaos test).`,
      true,
      sqlErrorNumber,
    );
  }
}

function describe(kind: SqlFaultKind): string {
  switch (kind) {
    case 'deadlock':
      return 'the transaction was chosen as a deadlock victim';
    case 'lock-timeout':
      return 'the transaction timed out waiting for a lock';
    case 'connection-drop':
      return 'the connection was lost (ECONNRESET)';
    case 'connection-drop-after-commit':
      return 'the connection was lost before the commit was acknowledged (ECONNRESET)';
  }
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * Returns the executor wrapper that {@link CHAOS_SQL_ENV} sets up, or undefined when the variable is unset. Each client's
 * executor gets its own seed, derived from the setting's seed and the client's position, and every injected
 * failure is passed to `report`.
 *
 * @throws FaultInjectionSettingError for a value that is not `seed:rate`.
 */
export function chaosExecutorWrapper(
  env: NodeJS.ProcessEnv,
  report: (fault: InjectedSqlFault & { client: string }) => void,
): ((executor: SqlExecutor, client: string) => SqlExecutor) | undefined {
  const settings = faultInjectionFromEnv(env);
  if (!settings) return undefined;
  let wrapped = 0;
  return (executor, client) =>
    new FaultInjectingExecutor(executor, {
      seed: settings.seed + 7919 * wrapped++,
      rate: settings.rate,
      onFault: (fault) => report({ ...fault, client }),
    });
}
