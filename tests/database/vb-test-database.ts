import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_COMPANY } from '../../src/sandbox/seed-catalogue';
import { createSandboxDatabase, installSandboxSchema } from '../../src/sandbox/vb-sandbox-database';
import type { SqlExecutor } from '../../src/visma-business/sql-executor';
import { MssqlExecutor } from '../../src/visma-business/mssql-executor';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

/** Environment variable with the connection string of a disposable SQL Server database for the repository tests. */
export const MSSQL_TEST_CONNECTION_STRING_ENV = 'VB_TEST_MSSQL_CONNECTION_STRING';

/** A database that tests and their child processes connect to, in a form that passes through argv as JSON. */
export type TestDatabase = { kind: 'sqlite'; file: string } | { kind: 'sqlserver'; connectionStringEnv: string };

/** Opens a new connection to the test database. */
export async function openTestExecutor(database: TestDatabase): Promise<SqlExecutor> {
  if (database.kind === 'sqlite') return new SqliteExecutor(database.file);
  const connectionString = process.env[database.connectionStringEnv];
  if (!connectionString) throw new Error(`${database.connectionStringEnv} is not set`);
  return new MssqlExecutor({ connectionString });
}

/** A prepared test database and how to remove it. */
export interface PreparedTestDatabase {
  database: TestDatabase;
  cleanup(): Promise<void>;
}

/** Creates a seeded sandbox database in a new temporary directory. */
export async function prepareSqliteDatabase(): Promise<PreparedTestDatabase> {
  const directory = mkdtempSync(join(tmpdir(), 'vb-test-'));
  const file = await createSandboxDatabase(join(directory, 'vb.sqlite'));
  return {
    database: { kind: 'sqlite', file },
    cleanup: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/**
 * Brings the SQL Server database of {@link MSSQL_TEST_CONNECTION_STRING_ENV} to the sandbox schema and seed. Tests
 * isolate themselves by client and invoice numbers and delete nothing. The set-up creates tables, so it refuses a
 * database that has Visma Business vouchers but not the sandbox company: that is a real company database.
 */
export async function prepareSqlServerDatabase(): Promise<PreparedTestDatabase> {
  const database: TestDatabase = { kind: 'sqlserver', connectionStringEnv: MSSQL_TEST_CONNECTION_STRING_ENV };
  const executor = await openTestExecutor(database);
  try {
    const [tables] = await executor.query<{ hasVouchers: number; hasCompany: number }>(
      `SELECT CASE WHEN OBJECT_ID(N'dbo.WaVo', N'U') IS NULL THEN 0 ELSE 1 END AS hasVouchers,
         CASE WHEN OBJECT_ID(N'dbo.CompInf', N'U') IS NULL THEN 0 ELSE 1 END AS hasCompany`,
    );
    const companies = tables.hasCompany ? await executor.query<{ name: string }>('SELECT Nm AS name FROM CompInf') : [];
    const sandbox = companies.length > 0 && companies.every((company) => company.name === SEED_COMPANY.name);
    if (tables.hasVouchers && !sandbox) {
      throw new Error(`${MSSQL_TEST_CONNECTION_STRING_ENV} points to a company database that is not the sandbox's.`);
    }
    await installSandboxSchema(executor);
  } finally {
    await executor.close();
  }
  return { database, cleanup: async () => undefined };
}

let invoiceCounter = 0;
const runPrefix = String(Date.now() % 1_000_000).padStart(6, '0');

/** Returns a client key that no other test uses, so that tests on a shared database do not see each other. */
export function uniqueClient(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Returns an invoice number that no other test of any run is likely to use. */
export function uniqueInvoiceNumber(): string {
  invoiceCounter += 1;
  return `${runPrefix}${String(process.pid % 1000).padStart(3, '0')}${String(invoiceCounter).padStart(4, '0')}`;
}
