import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SANDBOX_CLIENT_SECRET } from '../../src/sandbox/pm-simulator/server';
import { createSandboxFixture, PM_SECRET_ENV, SandboxFixture } from '../harness/sandbox-fixture';
import { createDevEnvironment, DevEnvironment } from '../harness/temporal-environments';

// The worker as operators run it: `journal-import worker` in its own process, driven by the admin commands, stopped
// with SIGTERM.

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', '..', 'bin', 'journal-import.js');

describe('worker process', () => {
  let dev: DevEnvironment;
  let fixture: SandboxFixture;
  let tempDir: string;
  let configFile: string;
  let worker: ChildProcess;
  const output: string[] = [];

  beforeAll(async () => {
    dev = await createDevEnvironment();
    fixture = await createSandboxFixture({
      invoices: 5,
      seed: 21,
      taskQueue: `worker-${randomUUID()}`,
      temporalAddress: dev.server.address,
    });
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-worker-'));
    configFile = path.join(tempDir, 'clients.json');
    writeFileSync(configFile, JSON.stringify(fixture.config));

    worker = spawn('node', [CLI, 'worker', '--config', configFile], {
      env: { ...process.env, [PM_SECRET_ENV]: SANDBOX_CLIENT_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await waitUntil(async () => output.join('').includes('"message":"worker started"'), 60_000);
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await fixture?.close();
    await dev?.teardown();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  async function cli(...args: string[]) {
    const { stdout } = await run('node', [CLI, ...args, '--config', configFile, '--by', 'test'], { timeout: 60_000 });
    return stdout;
  }

  test('imports through admin commands', async () => {
    const started = await cli('import', '--client', 'acme', '--invoice', '10001');
    expect(started).toContain('Invoice 10001: import started');

    await waitUntil(async () => {
      const progress = JSON.parse(await cli('status', '--client', 'acme', '--invoice', '10001', '--json'));
      return progress.statusInPm === 'Sent';
    }, 60_000);
    const status = await cli('status', '--client', 'acme', '--invoice', '10001');
    expect(status).toMatch(/Steps done\s+fetchInvoice, mapInvoiceToVoucher, postVoucherToBatch, attachInvoicePdf/);
    expect(status).toMatch(/Admin action\s+.* import by test/);
  });

  test('logs JSON lines with the invoice', () => {
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.some((record) => record.invoiceNumber === '10001' && record.client === 'acme')).toBe(true);
    expect(lines.join('\n')).not.toContain(SANDBOX_CLIENT_SECRET);
  });

  test('SIGTERM stops it cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(0);
    expect(output.join('')).toContain('"message":"worker stopped"');
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
