import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { invoiceWorkflowId } from '../../src/workflows/definitions';
import { createSandboxFixture, SandboxFixture } from '../harness/sandbox-fixture';
import { createDevEnvironment, DevEnvironment } from '../harness/temporal-environments';

// An import run with known secrets: the PM client secret, the password in a SQL Server connection string, and the
// access and refresh tokens PM issues. None may appear in the worker's log, in the output of the admin commands,
// in a workflow history or in the failure of a pending activity.

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', '..', 'bin', 'journal-import.js');
const PM_SECRET = `pm-secret-${randomBytes(12).toString('hex')}`;
const SQL_PASSWORD = `Sql-Pass-${randomBytes(12).toString('hex')}`;
const SQL_CONNECTION_ENV = 'JOURNAL_IMPORT_TEST_SQL_CONNECTION';

describe('secrets', () => {
  let dev: DevEnvironment;
  let fixture: SandboxFixture;
  let tempDir: string;
  let configFile: string;
  let worker: ChildProcess;
  let env: NodeJS.ProcessEnv;
  const workerOutput: string[] = [];
  const commandOutput: string[] = [];

  beforeAll(async () => {
    dev = await createDevEnvironment();
    fixture = await createSandboxFixture({
      invoices: 5,
      seed: 31,
      taskQueue: `secrets-${randomUUID()}`,
      temporalAddress: dev.server.address,
      // Tokens that expire every two seconds make the worker renew them during the import.
      simulator: { clientSecret: PM_SECRET, tokenLifetimeSeconds: 2 },
    });
    const sqlClient = {
      ...fixture.config.clients[0],
      key: 'acme-sql',
      vismaBusiness: { engine: 'mssql', connectionStringEnv: SQL_CONNECTION_ENV },
    };
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-secrets-'));
    configFile = path.join(tempDir, 'clients.json');
    writeFileSync(configFile, JSON.stringify({ ...fixture.config, clients: [fixture.config.clients[0], sqlClient] }));

    const connection = `Server=127.0.0.1,${await closedPort()};Database=F0001;User Id=journal_import;Password=${SQL_PASSWORD};Encrypt=false;Connect Timeout=2`;
    env = { ...fixture.env, [SQL_CONNECTION_ENV]: connection, JOURNAL_IMPORT_LOG_LEVEL: 'DEBUG' };
    worker = spawn(process.execPath, [CLI, 'worker', '--config', configFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => workerOutput.push(chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => workerOutput.push(chunk.toString()));
    await waitUntil(async () => workerOutput.join('').includes('"message":"worker started"'), 120_000);
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await fixture?.close();
    await dev?.teardown();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<string> {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, '--config', configFile, '--by', 'test'], {
      timeout: 60_000,
      env,
    });
    commandOutput.push(stdout, stderr);
    return stdout;
  }

  test('import leaks no secret', async () => {
    const state = fixture.simulator.state;
    commandOutput.push(await cli('import', '--client', 'acme', '--invoice', '10001'));
    await waitUntil(async () => {
      const progress = JSON.parse(await cli('status', '--client', 'acme', '--invoice', '10001', '--json'));
      return progress.statusInPm === 'Sent';
    }, 90_000);

    // PM echoes the secret and a token in errors, then revokes every token, while a preview fetches an invoice. Six
    // errors outlast the client's retries of a page, so the error reaches the activity and the worker's log.
    const lastToken = state.tokens.everIssued[state.tokens.everIssued.length - 2];
    const message = `Backend refused client_secret=${PM_SECRET} for token ${lastToken}`;
    state.injectFault({ status: 500, message, count: 6 });
    state.tokens.revokeAccessTokens();
    await cli('preview', '--client', 'acme', '--invoice', '10002');

    // The other client's SQL Server refuses connections, so its import fails and retries with a connection error.
    await cli('import', '--client', 'acme-sql', '--invoice', '10003');
    const sqlHandle = dev.env.client.workflow.getHandle(invoiceWorkflowId('acme-sql', '10003'));
    let pendingFailures = '';
    await waitUntil(async () => {
      const description = await sqlHandle.describe();
      const pending = description.raw.pendingActivities ?? [];
      pendingFailures = JSON.stringify(pending, bytesAsText);
      return pending.some((activity) => (activity.attempt ?? 0) >= 2 && activity.lastFailure?.message);
    }, 90_000);

    await cli('status', '--client', 'acme', '--invoice', '10001');
    await cli('status', '--client', 'acme-sql', '--invoice', '10003');
    await cli('list', '--client', 'acme');
    await cli('list', '--client', 'acme-sql');

    const histories: string[] = [];
    for await (const execution of dev.env.client.workflow.list()) {
      const history = await dev.env.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      histories.push(JSON.stringify(history, bytesAsText));
    }

    const secrets = { 'PM client secret': PM_SECRET, 'SQL password': SQL_PASSWORD };
    for (const [index, token] of state.tokens.everIssued.entries())
      Object.assign(secrets, { [`token ${index}`]: token });
    const found = (text: string) => Object.entries(secrets).filter(([, secret]) => text.includes(secret));
    const workerLog = workerOutput.join('');
    const commands = commandOutput.join('\n');
    const historyText = histories.join('\n');

    expect(state.tokens.everIssued.length).toBeGreaterThanOrEqual(4);
    expect(workerLog).toContain('[redacted]');
    expect(workerLog).toContain('connection failed');
    expect(pendingFailures).toContain('connection failed');
    expect(histories.length).toBeGreaterThanOrEqual(3);
    expect(commands).toContain('10001');
    expect(found(workerLog).map(([name]) => name)).toEqual([]);
    expect(found(commands).map(([name]) => name)).toEqual([]);
    expect(found(historyText).map(([name]) => name)).toEqual([]);
    expect(found(pendingFailures).map(([name]) => name)).toEqual([]);
  });
});

/** JSON replacer that writes bytes, such as payload data, both as text and as base64, so that a search finds a secret in either form. */
function bytesAsText(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    return `${bytes.toString('utf8')} ${bytes.toString('base64')}`;
  }
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
    const bytes = Buffer.from((value as { data: number[] }).data);
    return `${bytes.toString('utf8')} ${bytes.toString('base64')}`;
  }
  return value;
}

/** Returns a loopback port that nothing listens on, by binding a server and closing it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
