import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { JournalActivities, LedgerStatusReading } from '../../src/activities/contracts';
import type { InvoiceForMapping } from '../../src/domain/invoice';
import { countBillableActions } from '../../src/sandbox/bench/billable-actions';
import { allEvents, fetchRunHistories } from '../../src/sandbox/bench/workflow-histories';
import { refreshStatusSignal } from '../../src/workflows/definitions';
import type { InvoiceWorkflowSettings } from '../../src/workflows/invoice-state';
import { invoiceWorkflow } from '../../src/workflows';
import { createTimeSkippingEnvironment } from '../harness/temporal-environments';

// Billable actions of one invoice from issue to Paid on the time-skipping server, with the status sweep and with
// plain hourly polling. The test plays the sweep: it signals the invoice when it changes the in-memory ledger.

const SWEEP: InvoiceWorkflowSettings = {
  statusWriteBack: { Sent: true, Open: true, Paid: true },
  statusInitialSeconds: 900,
  statusMaxSeconds: 86_400,
  statusSweep: true,
  statusFallbackSeconds: 86_400,
  requireApproval: false,
  customerGraceHours: 24,
  needsAttentionTimeoutDays: 60,
};

const HOURLY: InvoiceWorkflowSettings = {
  ...SWEEP,
  statusSweep: false,
  statusInitialSeconds: 3_600,
  statusMaxSeconds: 3_600,
};

/** An in-memory ledger and PM that the test changes between the workflow's timers. */
class FakeLedger {
  reading: LedgerStatusReading = { status: 'Sent', remainingOre: 125_000, batchNumber: 7, voucherNumber: 100001 };

  activities(invoice: InvoiceForMapping): Partial<JournalActivities> {
    return {
      fetchInvoice: async () => ({ invoice, statusInPm: 'Sent' }),
      mapInvoiceToVoucher: async () => ({
        totalOre: 125_000,
        voucher: {
          key: { client: 'cost', invoiceNumber: invoice.invoiceNumber, customerNumber: '10001' },
          voucherType: 11,
          voucherDate: invoice.invoiceDate,
          valueDate: invoice.invoiceDate,
          isCreditNote: false,
          text: `Invoice ${invoice.invoiceNumber}`,
          lines: [],
        },
      }),
      postVoucherToBatch: async () => ({ voucherNumber: 100001, batchNumber: 7, outcome: 'created' as const }),
      attachInvoicePdf: async () => ({ outcome: 'stored' as const, bytes: 1000 }),
      readLedgerStatus: async () => ({ ...this.reading }),
      updateInvoiceStatus: async (input) => ({ pmStatusGuid: `pm-${input.status}`, pmStatusName: input.status }),
    };
  }
}

describe('billable actions per invoice', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  // One day at a time, because one long skip can outlast the time-skipping server's patience with keepalive pings.
  async function sleepDays(days: number): Promise<void> {
    for (let day = 0; day < days; day++) await env.sleep('1 day');
  }

  /**
   * Runs one invoice with `termsDays` of payment terms: the batch is updated on day 2, half is paid at two thirds
   * of the terms and the rest the day before the due date. Returns the billable actions of all its runs.
   */
  async function actionsFromIssueToPaid(termsDays: number, settings: InvoiceWorkflowSettings): Promise<number> {
    const invoiceNumber = String(20000 + Math.floor(Math.random() * 70000));
    const invoice: InvoiceForMapping = {
      client: 'cost',
      invoiceNumber,
      invoiceGuid: `guid-${invoiceNumber}`,
      customerNumber: '10001',
      customerName: 'Fjordkraft Rådgivning AS',
      isCreditNote: false,
      invoiceDate: '2026-01-05',
      dueDate: new Date(Date.parse('2026-01-05') + termsDays * 86_400_000).toISOString().slice(0, 10),
      kid: null,
      currencyCode: 'NOK',
      currencyRate: null,
      totalExcludingTax: '1000',
      totalTax: '250',
      totalIncludingTax: '1250',
      rows: [],
    };
    const ledger = new FakeLedger();
    const taskQueue = `cost-${randomUUID()}`;
    const workflowId = `invoice/cost/${invoiceNumber}-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: ledger.activities(invoice),
    });

    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(invoiceWorkflow, {
        taskQueue,
        workflowId,
        args: [{ client: 'cost', invoiceNumber, settings }],
      });
      const change = async (reading: Partial<LedgerStatusReading>) => {
        ledger.reading = { ...ledger.reading, ...reading };
        if (settings.statusSweep) {
          await handle.signal(refreshStatusSignal, { by: 'status sweep', status: ledger.reading.status ?? undefined });
        }
      };
      const partDay = Math.round((termsDays * 2) / 3);

      await sleepDays(2);
      await change({ status: 'Open' });
      await sleepDays(partDay - 2);
      await change({ remainingOre: 62_500 });
      await sleepDays(termsDays - 1 - partDay);
      await change({ status: 'Paid', remainingOre: 0 });
      await sleepDays(1);
      const result = await handle.result();
      expect(result.status).toBe('Paid');
    });

    return countBillableActions(allEvents(await fetchRunHistories(env.client, workflowId))).total;
  }

  test('sweep costs a tenth of hourly polling', async () => {
    const sweep45 = await actionsFromIssueToPaid(45, SWEEP);
    const sweep90 = await actionsFromIssueToPaid(90, SWEEP);
    const hourly45 = await actionsFromIssueToPaid(45, HOURLY);

    expect(hourly45).toBeGreaterThan(2 * 24 * 44);
    expect(sweep45).toBeLessThanOrEqual(hourly45 / 10);
    expect(sweep90).toBeLessThanOrEqual(hourly45 / 10);
    expect(sweep90 - sweep45).toBeLessThanOrEqual(4);
  });
});
