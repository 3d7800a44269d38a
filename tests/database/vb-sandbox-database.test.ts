import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxDatabase } from '../../src/sandbox/vb-sandbox-database';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

describe('sandbox database', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'vb-sandbox-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('replace removes leftover lock', async () => {
    const file = await createSandboxDatabase(join(directory, 'vb.sqlite'));
    // What a process killed in a transaction leaves behind.
    mkdirSync(`${file}.lock`);
    writeFileSync(`${file}.lock-owner-1-gone`, '');
    writeFileSync(`${file}-journal`, Buffer.alloc(4096, 7));

    const started = Date.now();
    await createSandboxDatabase(file, { ifExists: 'replace' });
    const elapsedMs = Date.now() - started;
    const executor = new SqliteExecutor(file);
    const [{ companies }] = await executor.query<{ companies: number }>('SELECT COUNT(*) AS companies FROM CompInf');
    await executor.close();

    expect(elapsedMs).toBeLessThan(5_000);
    expect(companies).toBe(1);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.lock-owner-1-gone`)).toBe(false);
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(0);
  });
});
