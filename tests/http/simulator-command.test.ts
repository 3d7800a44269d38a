import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ProjectManagementClient } from '../../src/project-management/client';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from '../../src/sandbox/pm-simulator';
import { openApiMismatches } from '../harness/openapi-models';
import { rejectionOf } from '../harness/pm-simulator';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(PROJECT_ROOT, 'bin', 'journal-import.js');

/** Resolves with the first stdout line that matches, or rejects when the process ends or time runs out. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing a line matching ${pattern}:\n${output}`));
    });
  });
}

describe('simulator pm command', () => {
  let child: ChildProcess | null = null;

  afterEach(() => {
    // The command runs in its own process group, so this ends npx and the simulator it started, and nothing else.
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    child = null;
  });

  test('serves seeded invoices until SIGTERM', async () => {
    child = spawn(
      'npx',
      ['--no', 'journal-import', 'simulator', 'pm', '--port', '0', '--invoices', '50', '--seed', '7'],
      {
        cwd: PROJECT_ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const started = child;
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));

    const [, url] = await waitForLine(started, /PM simulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/, 60_000);
    const client = new ProjectManagementClient({
      baseUrl: url,
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      pageRetry: { maxAttempts: 1 },
    });
    const invoices = await client.listIssuedInvoicesChangedSince(null);

    expect(invoices).toHaveLength(50);
    expect(invoices.flatMap((invoice) => openApiMismatches(invoice, 'InvoiceOutputModel'))).toEqual([]);

    process.kill(-started.pid!, 'SIGTERM');
    await exited;
    expect(await rejectionOf(client.getInvoiceStatuses())).toHaveProperty('retryable', true);
  });

  test('explicit loopback host serves', async () => {
    child = spawn(
      process.execPath,
      [BIN, 'simulator', 'pm', '--host', '127.0.0.1', '--port', '0', '--invoices', '2', '--seed', '3'],
      { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );

    const [line, url] = await waitForLine(child, /PM simulator listening on (\S+)\n/, 60_000);
    const client = new ProjectManagementClient({
      baseUrl: url,
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
    });

    expect(line).not.toContain('bound to');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await client.listIssuedInvoicesChangedSince(null)).toHaveLength(2);
  });

  test('host name is a usage error', () => {
    const result = spawnSync(process.execPath, [BIN, 'simulator', 'pm', '--host', 'pm-simulator', '--port', '0'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("option '--host <address>' argument 'pm-simulator' is invalid");
    expect(result.stderr).toContain('expected an IPv4 or IPv6 address');
    expect(result.stdout).not.toContain('listening');
  });

  test('serves configured status patch path', async () => {
    child = spawn(
      'npx',
      ['--no', 'journal-import', 'simulator', 'pm', '--invoices', '3', '--status-patch-path', '/statusGuid'],
      { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );

    const [, url] = await waitForLine(child, /PM simulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/, 60_000);
    const options = { baseUrl: url, clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_CLIENT_SECRET };
    const configured = new ProjectManagementClient({ ...options, statusPatchPath: '/statusGuid' });
    const defaulted = new ProjectManagementClient(options);
    const [invoice] = await configured.findInvoicesByNumber(10001);
    const statuses = await configured.getInvoiceStatuses();
    const paid = statuses.find((status) => status.isPaid)!;

    const updated = await configured.changeInvoiceStatus(invoice.guid, paid.guid);
    const rejected = await rejectionOf(defaulted.changeInvoiceStatus(invoice.guid, paid.guid));

    expect(updated.status?.guid).toBe(paid.guid);
    expect(rejected).toHaveProperty('status', 400);
    expect(rejected.message).toContain('/status/guid');
  });

  test('invalid status patch path is rejected', async () => {
    child = spawn('npx', ['--no', 'journal-import', 'simulator', 'pm', '--status-patch-path', 'status/guid'], {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = child;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

    const code = await new Promise<number | null>((resolve) => started.once('exit', (exitCode) => resolve(exitCode)));

    expect(code).not.toBe(0);
    expect(stderr).toContain('expected a JSON Pointer that starts with "/"');
  });
});
