import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  faultInjectionFromEnv,
  FaultInjectingExecutor,
  FaultInjectionSettingError,
  type InjectedSqlFault,
} from '../../src/sandbox/chaos/fault-injecting-executor';
import { createSandboxDatabase } from '../../src/sandbox/vb-sandbox-database';
import { VbConnectionError } from '../../src/visma-business/errors';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

// The chaos run's SQL fault injection: the failures must look like SQL Server's, retryable, and a failure after the
// commit must leave the write in place.

describe('fault injecting executor', () => {
  let dir: string;
  let inner: SqliteExecutor;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-faults-'));
    inner = new SqliteExecutor(await createSandboxDatabase(path.join(dir, 'vb.sqlite')));
  });

  afterAll(async () => {
    await inner?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('rate one fails every statement', async () => {
    const faults: InjectedSqlFault[] = [];
    const executor = new FaultInjectingExecutor(inner, { seed: 3, rate: 1, onFault: (fault) => faults.push(fault) });
    const errors: unknown[] = [];
    for (let i = 0; i < 30; i++) errors.push(await executor.query('SELECT 1 AS one').catch((error) => error));

    const numbers = new Set(errors.map((error) => (error as VbConnectionError).sqlErrorNumber));
    expect(errors.every((error) => error instanceof VbConnectionError)).toBe(true);
    expect(errors.every((error) => (error as VbConnectionError).retryable)).toBe(true);
    expect([...numbers].sort()).toEqual([1205, 1222, null].sort());
    expect(faults).toHaveLength(30);
  });

  test('failure after commit keeps write', async () => {
    const executor = new FaultInjectingExecutor(inner, {
      seed: 5,
      rate: 1,
      kinds: ['connection-drop-after-commit'],
    });
    const error = await executor
      .transaction((tx) =>
        tx.execute(`INSERT INTO WaBnd (BndNo, Descr) VALUES (@batch, 'after commit')`, { batch: 9001 }),
      )
      .catch((caught: unknown) => caught);
    const rows = await inner.query<{ batches: number }>('SELECT COUNT(*) AS batches FROM WaBnd WHERE BndNo = 9001');

    expect(error).toBeInstanceOf(VbConnectionError);
    expect((error as VbConnectionError).message).toContain('before the commit was acknowledged');
    expect(Number(rows[0].batches)).toBe(1);
  });

  test('no faults at rate zero', async () => {
    const executor = new FaultInjectingExecutor(inner, { seed: 7, rate: 0 });
    const results = await Promise.all(Array.from({ length: 20 }, () => executor.query('SELECT 1 AS one')));
    expect(results).toHaveLength(20);
  });

  test('environment setting is parsed', () => {
    expect(faultInjectionFromEnv({ JOURNAL_IMPORT_CHAOS_SQL: '7:0.03' })).toEqual({ seed: 7, rate: 0.03 });
    expect(faultInjectionFromEnv({})).toBeNull();
    expect(() => faultInjectionFromEnv({ JOURNAL_IMPORT_CHAOS_SQL: '7' })).toThrow(FaultInjectionSettingError);
    expect(() => faultInjectionFromEnv({ JOURNAL_IMPORT_CHAOS_SQL: '7:2' })).toThrow(FaultInjectionSettingError);
  });
});
