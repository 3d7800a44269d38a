import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxDatabase } from '../../src/sandbox/vb-sandbox-database';
import { VbConnectionError } from '../../src/visma-business/errors';
import { VismaBusinessRepository } from '../../src/visma-business/repository';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';
import { rollBackJournal } from '../../src/visma-business/sqlite-journal';
import { buildTestVoucher } from '../fixtures/vb-vouchers';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const CHILD_SCRIPT = join(__dirname, 'sqlite-transaction-child.ts');
const DRIVER = require.resolve('node-sqlite3-wasm');
const CHILD_TIMEOUT_MS = 60_000;
const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

/** A child process with its output so far, killed at the latest after {@link CHILD_TIMEOUT_MS}. */
interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text`, and rejects when the process exits first. */
  printed(text: string): Promise<void>;
  exited: Promise<void>;
}

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, args, { cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes(text)) resolve();
        else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`child exited: ${output}`));
        else setTimeout(check, 20);
      };
      check();
    });
  return { process: child, output: () => output, printed, exited };
}

/** Starts the repository child of `sqlite-transaction-child.ts`. */
function startTransactionChild(mode: 'hold' | 'continue', file: string, ...args: string[]): Child {
  return startChild(['--require', 'tsx/cjs', CHILD_SCRIPT, mode, file, ...args]);
}

/**
 * Starts a process that fills `item` with 400 rows of 1 000 bytes, then with a page cache of 10 pages changes every
 * row in a transaction and prints "locked". The small cache makes SQLite write changed pages into the database file
 * before commit, and start a new journal segment each time.
 */
function startSpillingWriter(file: string): Child {
  const script = `
    const { Database } = require(${JSON.stringify(DRIVER)});
    const db = new Database(${JSON.stringify(file)});
    db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    db.exec('BEGIN');
    for (let i = 0; i < 400; i++) db.run('INSERT INTO item (name) VALUES (?)', ['a'.repeat(1000)]);
    db.exec('COMMIT');
    db.exec('PRAGMA cache_size = 10');
    db.exec('BEGIN IMMEDIATE');
    db.run("UPDATE item SET name = replace(name, 'a', 'b') WHERE id <= 200");
    db.run("UPDATE item SET name = replace(name, 'a', 'c') WHERE id > 200");
    db.run('INSERT INTO item (name) SELECT name FROM item WHERE id <= 100');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  return startChild(['-e', script]);
}

async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

/** Counts the journal segments whose header was completed (the magic is written when a segment is synced). */
function countJournalSegments(journal: Buffer): number {
  const sectorSize = journal.readUInt32BE(20);
  let segments = 0;
  for (let offset = 0; offset + sectorSize <= journal.length; offset += sectorSize) {
    if (journal.subarray(offset, offset + 8).equals(JOURNAL_MAGIC)) segments += 1;
  }
  return segments;
}

async function queryOne<T extends object>(file: string, sql: string, options = {}): Promise<T> {
  const executor = new SqliteExecutor(file, options);
  try {
    return (await executor.query<T>(sql))[0];
  } finally {
    await executor.close();
  }
}

async function integrityOf(file: string): Promise<string> {
  return (await queryOne<{ result: string }>(file, 'SELECT integrity_check AS result FROM pragma_integrity_check'))
    .result;
}

describe('SQLite crash recovery', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sqlite-crash-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('killed writer leaves no voucher', async () => {
    const file = await createSandboxDatabase(join(directory, 'vb.sqlite'));
    const setup = new SqliteExecutor(file);
    await new VismaBusinessRepository(setup).writeVoucher(
      buildTestVoucher({ client: 'acme', invoiceNumber: '1111', customerNumber: '10001' }),
      { runDate: '2025-03-03' },
    );
    await setup.close();
    const sizeBefore = statSync(file).size;

    const writer = startTransactionChild('hold', file, '2222', '4');
    await writer.printed('in-tx');
    const sizeWhileWriting = statSync(file).size;
    await kill(writer);
    const broken: string[] = [];
    const executor = new SqliteExecutor(file, { staleLockMs: 300, onStaleLockBroken: (path) => broken.push(path) });
    const next = await new VismaBusinessRepository(executor).writeVoucher(
      buildTestVoucher({ client: 'acme', invoiceNumber: '3333', customerNumber: '10002' }),
      { runDate: '2025-03-03' },
    );
    const keys = await executor.query<{ invoiceNumber: string }>(
      'SELECT InvoNo AS invoiceNumber FROM JiVoucherKey ORDER BY InvoNo',
    );
    const [{ lines }] = await executor.query<{ lines: number }>(
      `SELECT COUNT(*) AS lines FROM WaVo WHERE InvoNo = '2222' OR VoNo NOT IN (SELECT VoNo FROM JiVoucherKey)`,
    );
    const [{ documents }] = await executor.query<{ documents: number }>('SELECT COUNT(*) AS documents FROM VoDoc');
    await executor.close();

    expect(sizeWhileWriting).toBeGreaterThan(sizeBefore + 1_000_000);
    expect(broken).toEqual([file]);
    expect(next.outcome).toBe('created');
    expect(keys.map((key) => key.invoiceNumber)).toEqual(['1111', '3333']);
    expect(lines).toBe(0);
    expect(documents).toBe(0);
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(await integrityOf(file)).toBe('ok');
  });

  test('every journal segment rolled back', async () => {
    const file = join(directory, 'items.sqlite');
    const writer = startSpillingWriter(file);
    await writer.printed('locked');
    await kill(writer);
    const segments = countJournalSegments(readFileSync(`${file}-journal`));

    const rows = await queryOne<{ total: number; unchanged: number }>(
      file,
      `SELECT COUNT(*) AS total, SUM(name = '${'a'.repeat(1000)}') AS unchanged FROM item`,
      { staleLockMs: 200 },
    );

    expect(segments).toBeGreaterThan(2);
    expect(rows).toEqual({ total: 400, unchanged: 400 });
    expect(await integrityOf(file)).toBe('ok');
  });

  test('journal without lock rolled back', async () => {
    const file = join(directory, 'items.sqlite');
    const writer = startSpillingWriter(file);
    await writer.printed('locked');
    await kill(writer);
    rmSync(`${file}.lock`, { recursive: true });

    const rows = await queryOne<{ total: number; unchanged: number }>(
      file,
      `SELECT COUNT(*) AS total, SUM(name = '${'a'.repeat(1000)}') AS unchanged FROM item`,
    );

    expect(rows).toEqual({ total: 400, unchanged: 400 });
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(await integrityOf(file)).toBe('ok');
  });

  test('page count to end of file', async () => {
    const file = join(directory, 'items.sqlite');
    const writer = startSpillingWriter(file);
    await writer.printed('locked');
    await kill(writer);
    const journal = readFileSync(`${file}-journal`);
    // A single segment whose page count means "up to the end of the file", as a writer without fsync leaves it.
    const sectorSize = journal.readUInt32BE(20);
    const pageSize = journal.readUInt32BE(24);
    const firstRecords = journal.readUInt32BE(8);
    const endOfFirstSegment = sectorSize + firstRecords * (pageSize + 8);
    const counted = join(directory, 'counted.sqlite');
    const toEnd = join(directory, 'to-end.sqlite');
    copyFileSync(file, counted);
    copyFileSync(file, toEnd);
    writeFileSync(`${counted}-journal`, journal.subarray(0, endOfFirstSegment));
    const untilEnd = Buffer.from(journal.subarray(0, endOfFirstSegment));
    untilEnd.writeUInt32BE(0xffffffff, 8);
    writeFileSync(`${toEnd}-journal`, untilEnd);

    const countedRollback = rollBackJournal(counted);
    const toEndRollback = rollBackJournal(toEnd);

    expect(firstRecords).toBeGreaterThan(0);
    expect(toEndRollback?.pagesRestored).toBe(firstRecords);
    expect(countedRollback?.pagesRestored).toBe(firstRecords);
    expect(readFileSync(toEnd).equals(readFileSync(counted))).toBe(true);
  });

  test('paused writer fails on resume', async () => {
    const file = await createSandboxDatabase(join(directory, 'vb.sqlite'));
    const paused = startTransactionChild('continue', file, '7001', '1', '7002');
    await paused.printed('in-tx');
    paused.process.kill('SIGSTOP');
    let resumed = false;
    try {
      const executor = new SqliteExecutor(file, { staleLockMs: 500 });
      const other = await new VismaBusinessRepository(executor).writeVoucher(
        buildTestVoucher({ client: 'acme', invoiceNumber: '8801', customerNumber: '10002' }),
        { runDate: '2025-03-03' },
      );
      paused.process.kill('SIGCONT');
      resumed = true;
      paused.process.stdin?.end('go\n');
      await paused.exited;
      const outcome = JSON.parse(paused.output().trim().split('\n').pop() ?? '{}') as { error?: string };
      const keys = await executor.query<{ invoiceNumber: string }>(
        'SELECT InvoNo AS invoiceNumber FROM JiVoucherKey ORDER BY InvoNo',
      );
      const [{ documents }] = await executor.query<{ documents: number }>('SELECT COUNT(*) AS documents FROM VoDoc');
      await executor.close();

      expect(other.outcome).toBe('created');
      expect(outcome.error).toBe(VbConnectionError.name);
      expect(keys.map((key) => key.invoiceNumber)).toEqual(['8801']);
      expect(documents).toBe(0);
      expect(await integrityOf(file)).toBe('ok');
    } finally {
      if (!resumed) paused.process.kill('SIGCONT');
      await kill(paused);
    }
  });
});
