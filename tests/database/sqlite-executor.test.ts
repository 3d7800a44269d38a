import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VbConnectionError } from '../../src/visma-business/errors';
import { SqlParameterMissingError } from '../../src/visma-business/sql-executor';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

const DRIVER = require.resolve('node-sqlite3-wasm');

/**
 * Starts a process that opens `file`, begins a write transaction with `rows` inserted, prints "locked", and
 * commits after `holdMs` (or never, when `holdMs` is null). A small page cache makes a large transaction write
 * pages into the database file before commit, as a crash mid-transaction would leave them.
 */
function startLockHolder(
  file: string,
  holdMs: number | null,
  rows = 1,
): { child: ChildProcess; locked: Promise<void> } {
  const script = `
    const { Database } = require(${JSON.stringify(DRIVER)});
    const db = new Database(${JSON.stringify(file)});
    db.exec('PRAGMA cache_size = 5');
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < ${rows}; i++) db.run("INSERT INTO item (name) VALUES ('${'x'.repeat(200)}')");
    process.stdout.write('locked\\n');
    if (${holdMs === null}) setInterval(() => {}, 1000);
    else setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs ?? 0});
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code} before locking`)));
  });
  return { child, locked };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('SQLite executor', () => {
  let directory: string;
  let file: string;
  let executor: SqliteExecutor;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sqlite-executor-'));
    file = join(directory, 'test.sqlite');
    executor = new SqliteExecutor(file, { create: true });
    await executor.execute('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    await executor.execute(`INSERT INTO item (name) VALUES ('before')`);
  });

  afterEach(async () => {
    await executor.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function countItems(on: SqliteExecutor = executor): Promise<number> {
    const [{ items }] = await on.query<{ items: number }>('SELECT COUNT(*) AS items FROM item');
    return items;
  }

  test('waits while another process writes', async () => {
    const holder = startLockHolder(file, 400);
    await holder.locked;

    const started = Date.now();
    const items = await countItems();

    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(items).toBe(2);
    await exited(holder.child);
  });

  test('busy timeout gives retryable error', async () => {
    const impatient = new SqliteExecutor(file, { busyTimeoutMs: 200 });
    const holder = startLockHolder(file, null);
    try {
      await holder.locked;

      const error = await countItems(impatient).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(VbConnectionError);
      expect((error as VbConnectionError).retryable).toBe(true);
      expect((error as VbConnectionError).message).toContain('so a running connection has it');
    } finally {
      holder.child.kill('SIGKILL');
      await exited(holder.child);
      await impatient.close();
    }
  });

  test('stale lock of killed process', async () => {
    const broken: string[] = [];
    const recovering = new SqliteExecutor(file, { staleLockMs: 300, onStaleLockBroken: (path) => broken.push(path) });
    const holder = startLockHolder(file, null, 2000);
    await holder.locked;
    holder.child.kill('SIGKILL');
    await exited(holder.child);

    const items = await countItems(recovering);
    const [{ integrity }] = await recovering.query<{ integrity: string }>(
      'SELECT integrity_check AS integrity FROM pragma_integrity_check',
    );
    await recovering.close();

    expect(broken).toEqual([file]);
    expect(items).toBe(1);
    expect(integrity).toBe('ok');
  });

  test('busy error names left-behind lock', async () => {
    const holder = startLockHolder(file, null);
    await holder.locked;
    holder.child.kill('SIGKILL');
    await exited(holder.child);
    const lastRefreshed = new Date(Date.now() - 50_000);
    utimesSync(`${file}.lock`, lastRefreshed, lastRefreshed);
    const impatient = new SqliteExecutor(file, { staleLockMs: 60_000, busyTimeoutMs: 200 });

    const error = await countItems(impatient).catch((caught: unknown) => caught);
    await impatient.close();

    expect(error).toBeInstanceOf(VbConnectionError);
    expect((error as VbConnectionError).message).toContain('looks left behind by a killed or paused process');
    expect((error as VbConnectionError).message).toContain(`${file}.lock`);
  });

  test('default wait outlasts stale lock', async () => {
    const holder = startLockHolder(file, null);
    await holder.locked;
    holder.child.kill('SIGKILL');
    await exited(holder.child);
    // The lock turns stale 11 s after the holder took it, later than a 10 s wait would last.
    const waiting = new SqliteExecutor(file, { staleLockMs: 11_000 });

    const started = Date.now();
    const items = await countItems(waiting);
    await waiting.close();

    expect(items).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(9_000);
  });

  test('failed transaction rolls back', async () => {
    const failure = new Error('stop');

    const outcome = executor.transaction(async (tx) => {
      await tx.execute(`INSERT INTO item (name) VALUES ('inside')`);
      throw failure;
    });

    await expect(outcome).rejects.toBe(failure);
    expect(await countItems()).toBe(1);
  });

  test('statement outside transaction runner rejected', async () => {
    const nested = await executor
      .transaction(async () => executor.query('SELECT 1 AS one').catch((error: unknown) => error))
      .catch((error: unknown) => error);

    expect(nested).toBeInstanceOf(Error);
    expect((nested as Error).message).toMatch(/transaction .* is open/);
  });

  test('transactions serialised within one process', async () => {
    const second = new SqliteExecutor(file);
    await executor.execute('CREATE TABLE counter (value INTEGER NOT NULL)');
    await executor.execute('INSERT INTO counter (value) VALUES (0)');

    const increments = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? executor : second).transaction(async (tx) => {
        const [{ value }] = await tx.query<{ value: number }>('SELECT value FROM counter');
        await new Promise((resolve) => setImmediate(resolve));
        await tx.execute('UPDATE counter SET value = @value', { value: value + 1 });
      }),
    );
    await Promise.all(increments);
    const [{ value }] = await executor.query<{ value: number }>('SELECT value FROM counter');
    await second.close();

    expect(value).toBe(20);
  });

  test('missing parameter raises typed error', async () => {
    const missing = executor.query('SELECT name FROM item WHERE name = @name');
    const literal = await executor.query<{ text: string }>(`SELECT '@name' AS text`);

    await expect(missing).rejects.toBeInstanceOf(SqlParameterMissingError);
    expect(literal).toEqual([{ text: '@name' }]);
  });

  test('statements are counted', async () => {
    const before = executor.statementCount;

    await executor.transaction(async (tx) => {
      await tx.query('SELECT 1 AS one');
      await tx.execute(`INSERT INTO item (name) VALUES ('counted')`);
    });
    await countItems();

    expect(executor.statementCount - before).toBe(3);
  });
});
