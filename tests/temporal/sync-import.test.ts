import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { invoiceWorkflowStartOptions } from '../../src/config/invoice-workflow-options';
import type { VoucherKey } from '../../src/domain/voucher';
import { progressQuery, sweepProgressQuery, sweepWorkflowId, syncWorkflowId } from '../../src/workflows/definitions';
import { createJournalWorker, JournalWorker } from '../../src/worker/journal-worker';
import { startMissingStatusSweeps } from '../../src/worker/sweep-guard';
import { createSandboxFixture, SandboxFixture } from '../harness/sandbox-fixture';
import { createDevEnvironment, DevEnvironment } from '../harness/temporal-environments';

// The sync workflow on the dev server imports the simulator's invoices into a sandbox Visma Business file, and the
// admin command line acts on them.

const run = promisify(execFile);
const TASK_QUEUE = `sync-${randomUUID()}`;
const CLI = path.join(__dirname, '..', '..', 'bin', 'journal-import.js');
const INVOICES = 51;
const UNKNOWN_CUSTOMER = '10099';

describe('sync on the dev server', () => {
  let dev: DevEnvironment;
  let fixture: SandboxFixture;
  let journal: JournalWorker;
  let running: Promise<void>;
  let configFile: string;
  let tempDir: string;

  beforeAll(async () => {
    dev = await createDevEnvironment();
    fixture = await createSandboxFixture({
      invoices: INVOICES,
      seed: 11,
      taskQueue: TASK_QUEUE,
      temporalAddress: dev.server.address,
      client: {
        customerGraceHours: 0.00001,
        polling: { syncIntervalSeconds: 2, statusInitialSeconds: 5, statusMaxSeconds: 30 },
      },
    });
    journal = await createJournalWorker({
      config: fixture.config,
      connection: dev.env.nativeConnection,
      client: dev.env.client,
      env: fixture.env,
    });
    running = journal.worker.run();

    tempDir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-cli-'));
    configFile = path.join(tempDir, 'clients.json');
    writeFileSync(configFile, JSON.stringify(fixture.config));

    await dev.env.client.workflow.start('clientSyncWorkflow', {
      workflowId: syncWorkflowId(fixture.client),
      taskQueue: TASK_QUEUE,
      args: [{ client: fixture.client, intervalSeconds: 2, cursor: null }],
    });
  });

  afterAll(async () => {
    for (const workflowId of [syncWorkflowId('acme'), sweepWorkflowId('acme')]) {
      await dev?.env.client.workflow
        .getHandle(workflowId)
        .terminate('test done')
        .catch(() => undefined);
    }
    journal?.worker.shutdown();
    await running?.catch(() => undefined);
    await journal?.close();
    await fixture?.close();
    await dev?.teardown();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  function invoices() {
    return fixture.simulator.state
      .allInvoices()
      .filter((invoice) => invoice.body.number != null)
      .map((invoice) => ({
        number: String(invoice.body.number),
        customer: String((invoice.body.customer as { number: number }).number),
        guid: invoice.guid,
      }));
  }

  function keyOf(invoice: { number: string; customer: string }): VoucherKey {
    return { client: fixture.client, invoiceNumber: invoice.number, customerNumber: invoice.customer };
  }

  async function cli(...args: string[]) {
    try {
      const { stdout, stderr } = await run('node', [CLI, ...args, '--config', configFile, '--by', 'test'], {
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  test('imports each invoice exactly once', async () => {
    const importable = invoices().filter((invoice) => invoice.customer !== UNKNOWN_CUSTOMER);
    expect(importable).toHaveLength(INVOICES - 1);

    await waitUntil(async () => (await countByStatus(dev, 'Sent')) >= importable.length, 240_000);
    await waitUntil(async () => (await countByStatus(dev, 'NeedsAttention')) === 1, 60_000);

    for (const invoice of importable) {
      expect(await fixture.repository.countVouchers(keyOf(invoice))).toBe(1);
      const facts = await fixture.repository.readLedgerFacts(keyOf(invoice));
      expect(await fixture.repository.countAttachments(facts!.voucherNumber!)).toBe(1);
    }
  });

  test('second start changes nothing', async () => {
    const invoice = invoices()[0];
    const start = invoiceWorkflowStartOptions(fixture.config.clients[0], TASK_QUEUE, { invoiceNumber: invoice.number });
    await expect(dev.env.client.workflow.start('invoiceWorkflow', start)).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );

    const result = await cli('import', '--client', 'acme', '--invoice', invoice.number);
    expect(result.code).toBe(0);
    expect(await fixture.repository.countVouchers(keyOf(invoice))).toBe(1);
  });

  test('reimport replaces waiting voucher', async () => {
    const invoice = invoices()[4];
    const dueDate = '2027-03-31';
    fixture.simulator.state.updateInvoice(invoice.guid, { dueDate });

    const result = await cli('reimport', '--client', 'acme', '--invoice', invoice.number, '--reason', 'due date');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('re-imported (replaced)');
    expect(result.code).toBe(0);
    expect(await fixture.repository.countVouchers(keyOf(invoice))).toBe(1);
    const facts = await fixture.repository.readLedgerFacts(keyOf(invoice));
    const { voucherLine } = fixture.repository.names;
    const rows = await fixture.executor.query<{ dueDate: unknown }>(
      `SELECT ${voucherLine.dueDate} AS dueDate FROM ${voucherLine.table}
       WHERE ${voucherLine.voucherNumber} = @voucherNumber AND ${voucherLine.dueDate} > 0`,
      { voucherNumber: facts!.voucherNumber! },
    );
    expect(rows.map((row) => String(row.dueDate))).toEqual(['20270331']);
  });

  test('reimport of posted invoice rejected', async () => {
    const invoice = invoices()[6];
    const handle = dev.env.client.workflow.getHandle(`invoice/acme/${invoice.number}`);
    const progress = await handle.query(progressQuery);
    await fixture.accountant.updateBatch(progress.batchNumber!);

    const result = await cli('reimport', '--client', 'acme', '--invoice', invoice.number, '--reason', 'price');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already posted');
    expect(result.stderr).toContain('credit note');
  });

  test('list finds invoice needing attention', async () => {
    const bad = invoices().find((invoice) => invoice.customer === UNKNOWN_CUSTOMER)!;
    await waitUntil(async () => (await countByStatus(dev, 'NeedsAttention')) === 1, 30_000);

    const result = await cli('list', '--client', 'acme', '--status', 'NeedsAttention');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`invoice/acme/${bad.number}`);
    expect(result.stdout).toContain('1 invoice(s)');
  });

  test('later duplicate number needs attention', async () => {
    const [second] = fixture.simulator.state.addGeneratedInvoices(1);
    const secondCustomer = String((second.body.customer as { number: number }).number);
    const imported = invoices().find(
      (invoice) => invoice.customer !== UNKNOWN_CUSTOMER && invoice.customer !== secondCustomer,
    )!;
    fixture.simulator.state.updateInvoice(second.guid, { number: Number(imported.number) });

    const handle = dev.env.client.workflow.getHandle(`invoice/acme/${imported.number}/${second.guid}`);
    await waitUntil(
      async () => (await handle.query(progressQuery).catch(() => null))?.status === 'NeedsAttention',
      120_000,
    );
    const { attention } = await handle.query(progressQuery);
    expect(attention?.errorType).toBe('DuplicateInvoiceNumberError');
    expect(attention?.message).toContain(`PM has 2 invoices numbered ${imported.number}`);

    expect(await fixture.repository.countVouchers(keyOf(imported))).toBe(1);
    expect(await fixture.repository.importedCustomers(fixture.client, imported.number)).toEqual([imported.customer]);
    expect(await fixture.repository.countVouchers(keyOf({ ...imported, customer: secondCustomer }))).toBe(0);
  });

  test('duplicate of unfetched invoice detected', async () => {
    // A workflow started by number on a queue no worker polls never fetches, so its memo has no guid.
    const number = 99_999;
    const unfetched = await dev.env.client.workflow.start(
      'invoiceWorkflow',
      invoiceWorkflowStartOptions(fixture.config.clients[0], `${TASK_QUEUE}-idle`, { invoiceNumber: String(number) }),
    );
    const [first, second] = fixture.simulator.state.addGeneratedInvoices(2);
    fixture.simulator.state.updateInvoice(first.guid, { number });
    fixture.simulator.state.updateInvoice(second.guid, { number });

    const handle = dev.env.client.workflow.getHandle(`invoice/acme/${number}/${second.guid}`);
    await waitUntil(
      async () => (await handle.query(progressQuery).catch(() => null))?.status === 'NeedsAttention',
      120_000,
    );
    await unfetched.terminate('test done');
    const { attention } = await handle.query(progressQuery);
    expect(attention?.errorType).toBe('DuplicateInvoiceNumberError');
  });

  test('sweep start, status, stop', async () => {
    const handle = dev.env.client.workflow.getHandle(sweepWorkflowId('acme'));

    const started = await cli('sweep', 'start', '--client', 'acme');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('Status sweep of client acme started (sweep/acme), every 300 s');
    await waitUntil(async () => (await handle.query(sweepProgressQuery)).passes >= 1, 60_000);

    const status = await cli('sweep', 'status', '--client', 'acme');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Status sweep of client acme: running');

    const stopped = await cli('sweep', 'stop', '--client', 'acme', '--reason', 'test done');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('stop requested');
    expect((await handle.result()).passes).toBeGreaterThanOrEqual(1);
  });

  test('worker start keeps stopped sweep', async () => {
    const handle = dev.env.client.workflow.getHandle(sweepWorkflowId('acme'));
    const logged: string[] = [];
    const logger = new DefaultLogger('INFO', (entry) => logged.push(entry.message));

    await startMissingStatusSweeps(dev.env.client, fixture.config, logger);

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(logged).toEqual([]);
  });

  test('worker start restarts terminated sweep', async () => {
    const handle = dev.env.client.workflow.getHandle(sweepWorkflowId('acme'));
    const started = await cli('sweep', 'start', '--client', 'acme');
    expect(started.code).toBe(0);
    await handle.terminate('sweep lost');
    const logged: string[] = [];
    const logger = new DefaultLogger('INFO', (entry) => logged.push(entry.message));

    await startMissingStatusSweeps(dev.env.client, fixture.config, logger);
    await startMissingStatusSweeps(dev.env.client, fixture.config, logger);

    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(logged).toEqual(['status sweep started, because the sync of the client ran without one']);
  });
});

async function countByStatus(dev: DevEnvironment, status: string): Promise<number> {
  const { count } = await dev.env.client.workflow.count(
    `WorkflowType = "invoiceWorkflow" AND InvoiceStatus = "${status}"`,
  );
  return count;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
