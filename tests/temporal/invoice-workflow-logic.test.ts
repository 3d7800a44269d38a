import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { JournalActivities, LedgerStatusReading } from '../../src/activities/contracts';
import type { InvoiceForMapping } from '../../src/domain/invoice';
import type { LedgerStatus } from '../../src/domain/ledger';
import { progressQuery, refreshStatusSignal, retrySignal } from '../../src/workflows/definitions';
import type { InvoiceWorkflowSettings } from '../../src/workflows/invoice-state';
import { invoiceWorkflow } from '../../src/workflows';
import { createTimeSkippingEnvironment } from '../harness/temporal-environments';

// The workflow's own logic on the time-skipping server, with activities replaced by an in-memory ledger.
// End-to-end runs with the real activities are in the other Temporal tests.

const SETTINGS: InvoiceWorkflowSettings = {
  statusWriteBack: { Sent: true, Open: true, Paid: true },
  statusInitialSeconds: 900,
  statusMaxSeconds: 86_400,
  requireApproval: false,
  customerGraceHours: 24,
  needsAttentionTimeoutDays: 30,
  maxHistoryEvents: 60,
};

const INVOICE: InvoiceForMapping = {
  client: 'logic',
  invoiceNumber: '10023',
  invoiceGuid: 'guid-10023',
  customerNumber: '10001',
  customerName: 'Fjordkraft Rådgivning AS',
  isCreditNote: false,
  invoiceDate: '2026-01-05',
  dueDate: '2026-02-04',
  kid: '10023100012',
  currencyCode: 'NOK',
  currencyRate: null,
  totalExcludingTax: '1000',
  totalTax: '250',
  totalIncludingTax: '1250',
  rows: [],
};

/** An in-memory stand-in for PM and Visma Business, driven by the test. */
class FakeSystems {
  ledger: LedgerStatusReading = { status: 'Sent', remainingOre: 125_000, batchNumber: 7, voucherNumber: 100001 };
  pmWrites: LedgerStatus[] = [];
  reads = 0;
  mapFailure: ApplicationFailure | null = null;

  activities(): Partial<JournalActivities> {
    return {
      fetchInvoice: async () => ({ invoice: INVOICE, statusInPm: 'Sent' }),
      mapInvoiceToVoucher: async () => {
        if (this.mapFailure) throw this.mapFailure;
        return {
          totalOre: 125_000,
          voucher: {
            key: { client: 'logic', invoiceNumber: '10023', customerNumber: '10001' },
            voucherType: 11,
            voucherDate: INVOICE.invoiceDate,
            valueDate: INVOICE.invoiceDate,
            isCreditNote: false,
            text: 'Invoice 10023',
            lines: [],
          },
        };
      },
      postVoucherToBatch: async () => ({ voucherNumber: 100001, batchNumber: 7, outcome: 'created' as const }),
      attachInvoicePdf: async () => ({ outcome: 'stored' as const, bytes: 1000 }),
      readLedgerStatus: async () => {
        this.reads++;
        return { ...this.ledger };
      },
      updateInvoiceStatus: async (input) => {
        this.pmWrites.push(input.status);
        return { pmStatusGuid: `pm-${input.status}`, pmStatusName: input.status };
      },
    };
  }
}

describe('invoice workflow logic', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(fake: FakeSystems, body: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = `logic-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: fake.activities(),
    });
    return worker.runUntil(body(taskQueue));
  }

  test('status moves Sent, Open, Paid once each', async () => {
    const fake = new FakeSystems();
    const result = await withWorker(fake, async (taskQueue) => {
      const handle = await env.client.workflow.start(invoiceWorkflow, {
        taskQueue,
        workflowId: `invoice/logic/${randomUUID()}`,
        args: [{ client: 'logic', invoiceNumber: '10023', settings: SETTINGS }],
      });
      await env.sleep('3 days');
      fake.ledger = { ...fake.ledger, status: 'Open' };
      await env.sleep('20 days');
      fake.ledger = { ...fake.ledger, status: 'Open', remainingOre: 25_000 };
      await env.sleep('20 days');
      fake.ledger = { ...fake.ledger, status: 'Paid', remainingOre: 0 };
      await env.sleep('30 days');
      return handle.result();
    });

    expect(result.status).toBe('Paid');
    expect(fake.pmWrites).toEqual(['Sent', 'Open', 'Paid']);
  });

  test('refreshStatus reads at once', async () => {
    const fake = new FakeSystems();
    await withWorker(fake, async (taskQueue) => {
      const handle = await env.client.workflow.start(invoiceWorkflow, {
        taskQueue,
        workflowId: `invoice/logic/${randomUUID()}`,
        args: [{ client: 'logic', invoiceNumber: '10023', settings: { ...SETTINGS, statusInitialSeconds: 86_400 } }],
      });
      await waitFor(async () => (await handle.query(progressQuery)).nextPollAt !== null);
      const readsBefore = fake.reads;

      await handle.signal(refreshStatusSignal, { by: 'test' });
      // The signal must cause a read well before the 24-hour timer; the time-skipping server may still fire a
      // timer of its own under load, so only the prompt read is asserted.
      await waitFor(async () => fake.reads > readsBefore, 15_000);
      expect(fake.reads).toBeGreaterThan(readsBefore);
      await handle.terminate('test done');
    });
  });

  test('needs attention until retry', async () => {
    const fake = new FakeSystems();
    fake.mapFailure = ApplicationFailure.nonRetryable(
      'Invoice 10023 row 1: VAT rate 14 % is not carried by group 1',
      'VatRateNotInGroupError',
    );
    fake.ledger = { ...fake.ledger, status: 'Paid', remainingOre: 0 };

    const result = await withWorker(fake, async (taskQueue) => {
      const handle = await env.client.workflow.start(invoiceWorkflow, {
        taskQueue,
        workflowId: `invoice/logic/${randomUUID()}`,
        args: [{ client: 'logic', invoiceNumber: '10023', settings: SETTINGS }],
      });
      await waitFor(async () => (await handle.query(progressQuery)).status === 'NeedsAttention');
      const progress = await handle.query(progressQuery);
      expect(progress.attention?.errorType).toBe('VatRateNotInGroupError');

      fake.mapFailure = null;
      await handle.signal(retrySignal, { by: 'test', reason: 'VAT code fixed' });
      return handle.result();
    });

    expect(result.status).toBe('Paid');
  });

  test('long watch continues as new', async () => {
    const fake = new FakeSystems();
    const workflowId = `invoice/logic/${randomUUID()}`;
    await withWorker(fake, async (taskQueue) => {
      const handle = await env.client.workflow.start(invoiceWorkflow, {
        taskQueue,
        workflowId,
        args: [{ client: 'logic', invoiceNumber: '10023', settings: { ...SETTINGS, statusMaxSeconds: 21_600 } }],
      });
      await env.sleep('4 days');
      fake.ledger = { ...fake.ledger, status: 'Paid', remainingOre: 0 };
      await env.sleep('1 day');
      const result = await handle.result();
      expect(result.voucherNumber).toBe(100001);
    });

    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(description.raw.workflowExecutionInfo?.firstRunId).not.toBe(description.runId);
    expect(fake.pmWrites).toEqual(['Sent', 'Open', 'Paid']);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
