import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { VbConnectionError } from '../../src/visma-business/errors';
import { MssqlExecutor } from '../../src/visma-business/mssql-executor';

const PASSWORD = 'Secret-Password-123';

/** Returns a loopback port that nothing listens on, by binding a server and closing it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('SQL Server executor without a server', () => {
  let connectionString: string;

  beforeAll(async () => {
    connectionString = `Server=127.0.0.1,${await closedPort()};User Id=sa;Password=${PASSWORD};Encrypt=false`;
  });

  test('refused connection is retryable', async () => {
    const executor = new MssqlExecutor({ connectionString, database: 'F0001', connectionTimeoutMs: 2_000 });

    const error = await executor.query('SELECT 1 AS one').catch((caught: unknown) => caught);
    await executor.close();

    expect(error).toBeInstanceOf(VbConnectionError);
    expect((error as VbConnectionError).retryable).toBe(true);
    expect((error as VbConnectionError).message).toContain('127.0.0.1');
    expect((error as VbConnectionError).message).toContain('F0001');
    expect((error as VbConnectionError).message).not.toContain(PASSWORD);
  });

  test('connects anew after a failure', async () => {
    const executor = new MssqlExecutor({ connectionString, database: 'F0001', connectionTimeoutMs: 2_000 });

    const first = await executor.query('SELECT 1 AS one').catch((caught: unknown) => caught);
    const second = await executor.query('SELECT 1 AS one').catch((caught: unknown) => caught);
    await executor.close();

    expect((first as VbConnectionError).retryable).toBe(true);
    expect(second).toBeInstanceOf(VbConnectionError);
    expect((second as VbConnectionError).retryable).toBe(true);
    expect((second as VbConnectionError).message).toContain('connection failed');
  });

  test('check command hides the password', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/journal-import.js', 'vb', 'check', '--mssql-connection-string-env', 'VB_CHECK_TEST_CONNECTION'],
      {
        cwd: join(__dirname, '..', '..'),
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, VB_CHECK_TEST_CONNECTION: connectionString },
      },
    );
    const output = `${result.stdout}${result.stderr}`;

    expect(result.status).toBe(1);
    expect(output).toContain('connection failed');
    expect(output).not.toContain(PASSWORD);
  });
});
