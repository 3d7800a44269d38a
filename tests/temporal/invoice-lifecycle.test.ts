import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { invoiceWorkflowStartOptions } from '../../src/config/invoice-workflow-options';
import { parseOre } from '../../src/domain/money';
import { InvoiceProgress, progressQuery, refreshStatusSignal, retrySignal } from '../../src/workflows/definitions';
import type { InvoiceWorkflowInput } from '../../src/workflows/invoice-state';
import { createJournalWorker, JournalWorker } from '../../src/worker/journal-worker';
import { createSandboxFixture, SandboxFixture } from '../harness/sandbox-fixture';
import { createTimeSkippingEnvironment } from '../harness/temporal-environments';

// An invoice's whole life on the time-skipping server, with the real activities over the PM simulator and a
// sandbox Visma Business file, and the simulated accountant acting between the workflow's timers.

const TASK_QUEUE = `lifecycle-${randomUUID()}`;

describe('invoice lifecycle', () => {
  let env: TestWorkflowEnvironment;
  let fixture: SandboxFixture;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
    fixture = await createSandboxFixture({ invoices: 12, seed: 3, taskQueue: TASK_QUEUE });
  });

  afterAll(async () => {
    await fixture?.close();
    await env?.teardown();
  });

  // A worker stops for good when runUntil returns, so each test runs its own.
  async function withWorker<T>(body: () => Promise<T>): Promise<T> {
    const journal: JournalWorker = await createJournalWorker({
      config: fixture.config,
      connection: env.nativeConnection,
      client: env.client,
      env: fixture.env,
    });
    try {
      return await journal.worker.runUntil(body);
    } finally {
      await journal.close();
    }
  }

  function start(invoiceNumber: string, maxHistoryEvents?: number) {
    const options = invoiceWorkflowStartOptions(fixture.config.clients[0], TASK_QUEUE, { invoiceNumber });
    const input: InvoiceWorkflowInput = {
      ...options.args[0],
      settings: { ...options.args[0].settings, maxHistoryEvents },
    };
    return env.client.workflow.start('invoiceWorkflow', { ...options, args: [input] });
  }

  test('PM receives Sent, Open, Paid in order', async () => {
    const invoice = fixture.simulator.state.invoiceByNumber(10001)!;
    const kid = String(invoice.body.referenceNumber);
    const totalOre = parseOre(String((invoice.body.totalIncludingTax as { amount: number }).amount));

    const handle = await start('10001', 60);
    const result = await withWorker(async () => {
      const sent = await waitForProgress(handle, (progress) => progress.statusInPm === 'Sent');
      expect(sent.stepsDone).toEqual(['fetchInvoice', 'mapInvoiceToVoucher', 'postVoucherToBatch', 'attachInvoicePdf']);

      await fixture.accountant.updateBatch(sent.batchNumber!);
      await handle.signal(refreshStatusSignal, { by: 'test' });
      const open = await waitForProgress(handle, (progress) => progress.statusInPm === 'Open');
      expect(open.remainingOre).toBe(totalOre);

      const part = Math.round(totalOre / 3);
      await fixture.accountant.registerPayment(kid, part, { paidOn: String(invoice.body.dueDate) });
      await env.sleep('30 days');
      const partlyPaid = await handle.query(progressQuery);
      expect(partlyPaid.status).toBe('Open');
      expect(partlyPaid.remainingOre).toBe(totalOre - part);

      await fixture.accountant.registerPayment(kid, totalOre - part, { paidOn: String(invoice.body.dueDate) });
      await env.sleep('60 days');
      return handle.result();
    });

    expect(result.status).toBe('Paid');
    const changes = fixture.simulator.state.statusChanges.filter((change) => change.invoiceGuid === invoice.guid);
    expect(changes.map((change) => flagsOf(fixture, change.toStatusGuid))).toEqual(['Sent', 'Open', 'Paid']);
    expect(
      await fixture.repository.countVouchers({
        client: 'acme',
        invoiceNumber: '10001',
        customerNumber: String((invoice.body.customer as { number: number }).number),
      }),
    ).toBe(1);

    const description = await handle.describe();
    expect(description.raw.workflowExecutionInfo?.firstRunId).not.toBe(description.runId);
    expect(description.memo?.invoiceGuid).toBe(invoice.guid);

    await recordHistory(handle.workflowId, description.raw.workflowExecutionInfo!.firstRunId!, 'invoice-first-run');
    await recordHistory(handle.workflowId, description.runId, 'invoice-paid-after-continue-as-new');
  });

  test('VAT mismatch waits for retry', async () => {
    const invoice = fixture.simulator.state.invoiceByNumber(10002)!;
    const originalRate = invoice.rows[0].vatRate as number;
    fixture.simulator.state.updateInvoiceRow(invoice.guid, 0, { vatRate: 14 });

    const handle = await start('10002');
    await withWorker(async () => {
      const attention = await waitForProgress(handle, (progress) => progress.status === 'NeedsAttention');
      expect(attention.attention?.errorType).toBe('VatRateNotInGroupError');
      expect(attention.attention?.message).toContain('10002');

      fixture.simulator.state.updateInvoiceRow(invoice.guid, 0, { vatRate: originalRate });
      await handle.signal(retrySignal, { by: 'test', reason: 'VAT rate corrected in PM' });
      const sent = await waitForProgress(handle, (progress) => progress.statusInPm === 'Sent');

      await fixture.accountant.updateBatch(sent.batchNumber!);
      const kid = String(invoice.body.referenceNumber);
      const totalOre = parseOre(String((invoice.body.totalIncludingTax as { amount: number }).amount));
      await fixture.accountant.registerPayment(kid, totalOre, { paidOn: String(invoice.body.dueDate) });
      await env.sleep('40 days');
      const result = await handle.result();
      expect(result.status).toBe('Paid');
    });
    await recordHistory(handle.workflowId, undefined, 'invoice-needs-attention-then-retry');
  });

  // With JOURNAL_IMPORT_RECORD_HISTORIES=1, writes the history for the replay test, which proves that a change
  // of the workflow code still replays the workflows that are running.
  async function recordHistory(workflowId: string, runId: string | undefined, name: string): Promise<void> {
    if (process.env.JOURNAL_IMPORT_RECORD_HISTORIES !== '1') return;
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    // Binary protobuf, because the JSON form needs protobufjs type checks that fail inside Jest's module registry.
    const bytes = temporal.api.history.v1.History.encode(history!).finish();
    writeFileSync(path.join(__dirname, '..', 'fixtures', 'histories', `${name}.binpb`), bytes);
  }
});

function flagsOf(fixture: SandboxFixture, statusGuid: string): string {
  const status = fixture.simulator.state.status(statusGuid)!;
  if (status.isPaid) return 'Paid';
  if (status.isWaitingPayment) return 'Open';
  if (status.isSent) return 'Sent';
  return status.name;
}

async function waitForProgress(
  handle: { query: (definition: typeof progressQuery) => Promise<InvoiceProgress> },
  done: (progress: InvoiceProgress) => boolean,
  timeoutMs = 60_000,
): Promise<InvoiceProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await handle.query(progressQuery);
    if (done(progress)) return progress;
    if (Date.now() > deadline) throw new Error(`progress not reached in time: ${JSON.stringify(progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
