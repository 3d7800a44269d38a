import type { SqlDialect } from './dialect';

/** A value bound to a named parameter. Numbers that are not integers are bound as decimals. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** Named parameters by name without the leading `@`, as in `{ voucherNumber: 100001 }` for `@voucherNumber`. */
export type SqlParams = Readonly<Record<string, SqlValue>>;

/** Runs statements on one connection or inside one transaction. */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  /** Runs a statement that returns rows, and returns them with the column names (or aliases) of the statement. */
  query<T extends object>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs a statement that changes data, and returns how many rows it changed. */
  execute(sql: string, params?: SqlParams): Promise<{ rowsAffected: number }>;
}

/**
 * Runs SQL against one Visma Business company database. The statements use named `@name` parameters in the syntax
 * that SQL Server and SQLite both accept, and `dialect` supplies the few parts that differ.
 */
export interface SqlExecutor extends SqlRunner {
  /** Connection target for messages: a file path or `server/database`, never with a password. */
  readonly target: string;
  /** Statements run through `query` and `execute` so far, on the executor and in its transactions. */
  readonly statementCount: number;
  /**
   * Runs `fn` in one transaction that holds the write lock from its start, and commits when `fn` resolves or rolls
   * back when it rejects. Statements inside must go through the runner passed to `fn`.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Waits for running work, then closes the connection or releases the pool. */
  close(): Promise<void>;
}

/** A statement that uses a parameter that the caller did not supply. */
export class SqlParameterMissingError extends Error {
  override readonly name = 'SqlParameterMissingError';

  constructor(readonly parameterName: string) {
    super(`SQL parameter @${parameterName} is used in the statement but has no value.`);
  }
}

const STRING_LITERALS_AND_COMMENTS = /'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\/|\[[^\]]*\]|"[^"]*"/g;
const PARAMETER = /(?<![@\w])@([A-Za-z_][A-Za-z0-9_]*)/g;

/** Returns the distinct `@name` parameters of `sql`, ignoring string literals, quoted identifiers and comments. */
export function parameterNames(sql: string): string[] {
  const code = sql.replace(STRING_LITERALS_AND_COMMENTS, ' ');
  const names = new Set<string>();
  for (const match of code.matchAll(PARAMETER)) names.add(match[1]);
  return [...names];
}

/**
 * Returns the parameters that `sql` uses, with their values, in statement order. Both drivers need this: SQLite
 * rejects a value for a name that the statement lacks, and every used name must have a value.
 */
export function parametersUsedBy(sql: string, params: SqlParams = {}): Array<[string, SqlValue]> {
  return parameterNames(sql).map((name) => {
    const value = params[name];
    if (value === undefined) throw new SqlParameterMissingError(name);
    return [name, value];
  });
}

/** Returns `@prefix0, @prefix1, ...` and the matching parameters, for an `IN (...)` list. */
export function listParameters(prefix: string, values: readonly SqlValue[]): { sql: string; params: SqlParams } {
  const params: Record<string, SqlValue> = {};
  const placeholders = values.map((value, index) => {
    params[`${prefix}${index}`] = value;
    return `@${prefix}${index}`;
  });
  return { sql: placeholders.join(', '), params };
}
