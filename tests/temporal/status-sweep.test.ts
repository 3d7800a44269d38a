import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { invoiceWorkflowStartOptions } from '../../src/config/invoice-workflow-options';
import { parseOre } from '../../src/domain/money';
import {
  InvoiceProgress,
  progressQuery,
  refreshStatusSignal,
  stopSweepSignal,
  sweepProgressQuery,
  sweepWorkflowId,
} from '../../src/workflows/definitions';
import { createJournalWorker } from '../../src/worker/journal-worker';
import { recordHistory } from '../harness/history-recorder';
import { createSandboxFixture, SandboxFixture } from '../harness/sandbox-fixture';
import { createTimeSkippingEnvironment } from '../harness/temporal-environments';

// An invoice watched by the client's status sweep on the time-skipping server, with the real activities over the
// PM simulator and a sandbox Visma Business file. The sweep passes hourly in workflow time and the invoice's own
// fallback read waits a day, so every status change here reaches the invoice through the sweep's signal.

const TASK_QUEUE = `sweep-${randomUUID()}`;
const EventType = temporal.api.enums.v1.EventType;

describe('status sweep', () => {
  let env: TestWorkflowEnvironment;
  let fixture: SandboxFixture;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
    fixture = await createSandboxFixture({
      invoices: 4,
      seed: 9,
      taskQueue: TASK_QUEUE,
      client: { polling: { statusSweepSeconds: 3_600, statusFallbackSeconds: 86_400 } },
    });
  });

  afterAll(async () => {
    await fixture?.close();
    await env?.teardown();
  });

  function createWorker() {
    return createJournalWorker({
      config: fixture.config,
      connection: env.nativeConnection,
      client: env.client,
      env: fixture.env,
    });
  }

  /** Runs the client's sweep for two hours of workflow time, stops it, and returns its progress before the stop. */
  async function runOneSweepPass() {
    const sweep = await env.client.workflow.start('statusSweepWorkflow', {
      workflowId: sweepWorkflowId(fixture.client),
      taskQueue: TASK_QUEUE,
      args: [{ client: fixture.client, intervalSeconds: fixture.config.clients[0].polling.statusSweepSeconds }],
    });
    await env.sleep('2 hours');
    const progress = await sweep.query(sweepProgressQuery);
    await sweep.signal(stopSweepSignal, { by: 'test', reason: 'test done' });
    await sweep.result();
    return progress;
  }

  test('PM receives each status once', async () => {
    const invoice = fixture.simulator.state.invoiceByNumber(10001)!;
    const kid = String(invoice.body.referenceNumber);
    const totalOre = parseOre(String((invoice.body.totalIncludingTax as { amount: number }).amount));
    const settings = fixture.config.clients[0];
    const journal = await createWorker();

    const start = invoiceWorkflowStartOptions(settings, TASK_QUEUE, { invoiceNumber: '10001' });
    const handle = await env.client.workflow.start('invoiceWorkflow', start);
    const sweep = await env.client.workflow.start('statusSweepWorkflow', {
      workflowId: sweepWorkflowId(fixture.client),
      taskQueue: TASK_QUEUE,
      args: [{ client: fixture.client, intervalSeconds: settings.polling.statusSweepSeconds }],
    });

    const result = await journal.worker
      .runUntil(async () => {
        const sent = await waitForProgress(handle, (progress) => progress.statusInPm === 'Sent');
        expect(sent.nextPollAt).not.toBeNull();

        await fixture.accountant.updateBatch(sent.batchNumber!);
        await env.sleep('2 hours');
        const open = await waitForProgress(handle, (progress) => progress.statusInPm === 'Open');
        expect(open.remainingOre).toBe(totalOre);

        const part = Math.round(totalOre / 4);
        await fixture.accountant.registerPayment(kid, part, { paidOn: String(invoice.body.dueDate) });
        await env.sleep('2 hours');
        const partlyPaid = await waitForProgress(handle, (progress) => progress.remainingOre === totalOre - part);
        expect(partlyPaid.status).toBe('Open');

        await fixture.accountant.registerPayment(kid, totalOre - part, { paidOn: String(invoice.body.dueDate) });
        await env.sleep('2 hours');
        const paid = await handle.result();

        const progress = await sweep.query(sweepProgressQuery);
        expect(progress.invoicesSignalled).toBe(3);
        await sweep.signal(stopSweepSignal, { by: 'test', reason: 'test done' });
        await sweep.result();
        return paid;
      })
      .finally(() => journal.close());

    expect(result.status).toBe('Paid');
    expect((await handle.describe()).memo?.invoiceGuid).toBe(invoice.guid);
    const changes = fixture.simulator.state.statusChanges.filter((change) => change.invoiceGuid === invoice.guid);
    expect(changes.map((change) => flagsOf(fixture, change.toStatusGuid))).toEqual(['Sent', 'Open', 'Paid']);

    const events = (await handle.fetchHistory()).events ?? [];
    const signals = events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    const reads = events.filter(
      (event) =>
        event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        event.activityTaskScheduledEventAttributes?.activityType?.name === 'readLedgerStatus',
    );
    expect(signals).toHaveLength(3);
    expect(reads).toHaveLength(4);

    await recordHistory(env.client, handle.workflowId, undefined, 'invoice-status-sweep');
    await recordHistory(env.client, sweep.workflowId, undefined, 'status-sweep');
  });

  test('closed workflow marked as swept', async () => {
    const settings = fixture.config.clients[0];
    const journal = await createWorker();
    const handle = await env.client.workflow.start(
      'invoiceWorkflow',
      invoiceWorkflowStartOptions(settings, TASK_QUEUE, { invoiceNumber: '10002' }),
    );

    const progress = await journal.worker
      .runUntil(async () => {
        const sent = await waitForProgress(handle, (current) => current.statusInPm === 'Sent');
        await handle.terminate('closed before its batch is updated');
        await fixture.accountant.updateBatch(sent.batchNumber!);

        return runOneSweepPass();
      })
      .finally(() => journal.close());

    expect(progress.passes).toBeGreaterThanOrEqual(2);
    expect(progress.invoicesSignalled).toBe(0);
    expect(progress.closedInvoices).toEqual(['10002']);
    expect(await fixture.repository.readChangedLedgerStatuses(fixture.client)).toEqual([]);
  });

  test('paid workflow not reported closed', async () => {
    const invoice = fixture.simulator.state.invoiceByNumber(10003)!;
    const kid = String(invoice.body.referenceNumber);
    const totalOre = parseOre(String((invoice.body.totalIncludingTax as { amount: number }).amount));
    const settings = fixture.config.clients[0];
    const journal = await createWorker();
    const handle = await env.client.workflow.start(
      'invoiceWorkflow',
      invoiceWorkflowStartOptions(settings, TASK_QUEUE, { invoiceNumber: '10003' }),
    );

    const progress = await journal.worker
      .runUntil(async () => {
        const sent = await waitForProgress(handle, (current) => current.statusInPm === 'Sent');
        await fixture.accountant.updateBatch(sent.batchNumber!);
        await fixture.accountant.registerPayment(kid, totalOre, { paidOn: String(invoice.body.dueDate) });
        // The invoice reads Paid on an admin's request before any sweep pass reads the change.
        await handle.signal(refreshStatusSignal, { by: 'test' });
        await waitForProgress(handle, (current) => current.statusInPm === 'Paid', 30_000);

        return runOneSweepPass();
      })
      .finally(() => journal.close());

    expect(progress.passes).toBeGreaterThanOrEqual(1);
    expect(progress.closedInvoices).toEqual([]);
    expect(await fixture.repository.readChangedLedgerStatuses(fixture.client)).toEqual([]);
  });

  test('failed pass keeps sweep running', async () => {
    const settings = fixture.config.clients[0];
    const { voucherKey } = fixture.repository.names;
    const journal = await createWorker();
    const renameRestColumn = (from: string, to: string) =>
      fixture.executor.execute(`ALTER TABLE ${voucherKey.table} RENAME COLUMN ${from} TO ${to}`);

    const [failing, recovered, description] = await journal.worker
      .runUntil(async () => {
        await renameRestColumn(voucherKey.sweepRestOre, 'SweepRestOreGone');
        const sweep = await env.client.workflow.start('statusSweepWorkflow', {
          workflowId: `${sweepWorkflowId(fixture.client)}-failing`,
          taskQueue: TASK_QUEUE,
          args: [{ client: fixture.client, intervalSeconds: settings.polling.statusSweepSeconds }],
        });
        await env.sleep('2 hours');
        const whileFailing = await sweep.query(sweepProgressQuery);
        await renameRestColumn('SweepRestOreGone', voucherKey.sweepRestOre);
        await env.sleep('2 hours');
        const afterFix = await sweep.query(sweepProgressQuery);
        const running = await sweep.describe();
        await sweep.signal(stopSweepSignal, { by: 'test', reason: 'test done' });
        await sweep.result();
        return [whileFailing, afterFix, running] as const;
      })
      .finally(() => journal.close());

    expect(failing.failedPasses).toBeGreaterThanOrEqual(1);
    expect(failing.lastFailure?.message).toContain('SweepRestOre');
    expect(recovered.passes).toBeGreaterThan(failing.passes);
    expect(description.status.name).toBe('RUNNING');
  });
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
