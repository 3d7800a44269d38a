import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { invoiceWorkflowStartOptions } from '../../config/invoice-workflow-options';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { SqliteExecutor } from '../../visma-business/sqlite-executor';
import { invoiceWorkflowId, sweepProgressQuery, sweepWorkflowId } from '../../workflows/definitions';
import { createJournalWorker } from '../../worker/journal-worker';
import { SimulatedAccountant } from '../accountant';
import { PM_ONLY_CUSTOMER_NUMBER } from '../pm-simulator/seed';
import { resolveTemporalTools } from '../temporal-tools';
import { BENCH_ENV, benchClient, benchConfig, startBenchSandbox, type BenchSandbox } from './bench-sandbox';
import { measureHistories, type HistoryFigures } from './history-figures';
import { round } from './measure';
import { DEFAULT_SWEEP_SECONDS } from './watch-bench';

/** Sweep interval in workflow time on the time-skipping server, in seconds; the invoice's own actions do not depend on it. */
const TERMS_SWEEP_SECONDS = 3_600;
/** Hourly polling: the status watch without the sweep, with every delay one hour. */
const HOURLY_POLLING = { statusSweep: false, statusInitialSeconds: 3_600, statusMaxSeconds: 3_600 };
/** The watch without the sweep on its default schedule, which backs off with age and due date. */
const BACKING_OFF_SCHEDULE = { statusSweep: false };

/** Billable actions of one way of watching, per invoice from its workflow's start until it ends Paid. */
export interface WatchCost {
  invoices: number;
  actionsPerInvoice: number;
  actionsPerInvoiceByKind: Record<string, number>;
  historyEventsPerInvoice: number;
  statusReadsPerInvoice: number;
}

/** Figures of invoices taken from issue to Paid in workflow time. */
export interface PaymentTermsFigures {
  termsDays: number;
  /** Time base of the figures: `workflow time on the time-skipping server`. */
  time: string;
  sweep: WatchCost;
  hourlyPolling: WatchCost;
  /** The watch without the sweep on the default backing-off schedule (15 minutes to 1 day between reads). */
  backingOffSchedule: WatchCost;
  /** Hourly polling's actions per invoice divided by the sweep's. */
  hourlyToSweepRatio: number;
  /** The same invoices with twice the payment terms, to show how the sweep's cost grows with the days open. */
  sweepWithDoubleTerms: WatchCost & { termsDays: number };
  /** The sweep workflow's own actions: per pass, and per client and day at the default interval. */
  sweepWorkflow: { actionsPerPass: number; actionsPerClientPerDayAtDefaultInterval: number };
}

interface Scenario {
  termsDays: number;
  /** Client key and sandbox of each way of watching in this timeline. */
  clients: { key: string; sandbox: BenchSandbox; polling: Record<string, unknown> }[];
}

/**
 * Takes seeded invoices from issue to Paid on the time-skipping server with the real activities. They are imported
 * at once, their batch is updated on day 2, every second invoice is paid in part at two thirds of the terms, and
 * every invoice is paid in full the day before its due date. One timeline runs the sweep, hourly polling and the
 * backing-off schedule side by side with `termsDays` of terms. A second runs the sweep with twice the terms.
 */
export async function runPaymentTermsBench(options: {
  termsDays: number;
  sweepSample: number;
  hourlySample: number;
  seed: number;
  dir: string;
  progress: (line: string) => void;
}): Promise<PaymentTermsFigures> {
  const { progress } = options;
  const stopping: (() => Promise<unknown>)[] = [];
  try {
    const env = await startTimeSkipping();
    stopping.push(() => env.teardown());
    const sandbox = async (name: string, invoices: number) => {
      const created = await startBenchSandbox(options.dir, name, invoices, options.seed);
      stopping.push(() => created.stop());
      return created;
    };

    progress(`terms: ${options.termsDays}-day terms, sweep and hourly polling, in workflow time`);
    const first = await runScenario(
      env,
      {
        termsDays: options.termsDays,
        clients: [
          { key: 'sweep', sandbox: await sandbox('terms-sweep', options.sweepSample), polling: {} },
          { key: 'hourly', sandbox: await sandbox('terms-hourly', options.hourlySample), polling: HOURLY_POLLING },
          {
            key: 'backoff',
            sandbox: await sandbox('terms-backoff', options.hourlySample),
            polling: BACKING_OFF_SCHEDULE,
          },
        ],
      },
      progress,
    );
    progress(`terms: ${2 * options.termsDays}-day terms with the sweep`);
    const second = await runScenario(
      env,
      {
        termsDays: 2 * options.termsDays,
        clients: [
          { key: 'sweep-double', sandbox: await sandbox('terms-sweep-double', options.sweepSample), polling: {} },
        ],
      },
      progress,
    );

    const sweep = toWatchCost(first.histories.sweep);
    const hourly = toWatchCost(first.histories.hourly);
    const sweepWorkflow = first.sweepWorkflow;
    const actionsPerPass = sweepWorkflow.actionsPerWorkflow / Math.max(1, first.sweepPasses);
    return {
      termsDays: options.termsDays,
      time: 'workflow time on the time-skipping server',
      sweep,
      hourlyPolling: hourly,
      backingOffSchedule: toWatchCost(first.histories.backoff),
      hourlyToSweepRatio: round(hourly.actionsPerInvoice / sweep.actionsPerInvoice, 1),
      sweepWithDoubleTerms: { termsDays: 2 * options.termsDays, ...toWatchCost(second.histories['sweep-double']) },
      sweepWorkflow: {
        actionsPerPass: round(actionsPerPass, 3),
        actionsPerClientPerDayAtDefaultInterval: round((actionsPerPass * 86_400) / DEFAULT_SWEEP_SECONDS, 0),
      },
    };
  } finally {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  }
}

async function runScenario(
  env: TestWorkflowEnvironment,
  scenario: Scenario,
  progress: (line: string) => void,
): Promise<{ histories: Record<string, HistoryFigures>; sweepWorkflow: HistoryFigures; sweepPasses: number }> {
  const sweepClient = scenario.clients[0].key;
  const taskQueue = `bench-terms-${scenario.termsDays}-${Date.now()}`;
  const config = benchConfig(
    '127.0.0.1:7233',
    taskQueue,
    scenario.clients.map(({ key, sandbox, polling }) =>
      benchClient(key, sandbox, { polling: { statusSweepSeconds: TERMS_SWEEP_SECONDS, ...polling } }),
    ),
  );
  const journal = await createJournalWorker({
    config,
    connection: env.nativeConnection,
    client: env.client,
    env: BENCH_ENV,
  });
  const workerRun = journal.worker.run();
  const executors = scenario.clients.map(({ sandbox }) => new SqliteExecutor(sandbox.vbFile));
  try {
    const invoiceIds: Record<string, string[]> = {};
    const handles: WorkflowHandle[] = [];
    for (const [index, { key, sandbox }] of scenario.clients.entries()) {
      const settings = config.clients[index];
      if (settings.polling.statusSweep) {
        await env.client.workflow.start('statusSweepWorkflow', {
          workflowId: sweepWorkflowId(key),
          taskQueue,
          args: [{ client: key, intervalSeconds: settings.polling.statusSweepSeconds }],
        });
      }
      invoiceIds[key] = [];
      for (const invoiceNumber of importableNumbers(sandbox)) {
        const start = invoiceWorkflowStartOptions(settings, taskQueue, { invoiceNumber });
        handles.push(await env.client.workflow.start('invoiceWorkflow', start));
        invoiceIds[key].push(invoiceWorkflowId(key, invoiceNumber));
      }
    }
    const total = Object.values(invoiceIds).reduce((sum, ids) => sum + ids.length, 0);
    await waitFor(
      () =>
        scenario.clients.every(
          ({ key, sandbox }) => sandbox.simulator.state.statusChanges.length >= invoiceIds[key].length,
        ),
      `${total} invoices to reach Sent`,
    );

    const partDay = Math.round((scenario.termsDays * 2) / 3);
    await sleepDays(env, 2);
    for (const executor of executors) {
      const accountant = new SimulatedAccountant(executor);
      for (const batch of await accountant.listWaitingBatches()) await accountant.updateBatch(batch);
    }
    progress(`terms: day 2, batches updated`);
    await sleepDays(env, partDay - 2);
    for (const executor of executors) await payEverySecondInPart(new SimulatedAccountant(executor));
    progress(`terms: day ${partDay}, every second invoice paid in part`);
    await sleepDays(env, scenario.termsDays - 1 - partDay);
    for (const executor of executors) await payTheRest(new SimulatedAccountant(executor));
    progress(`terms: day ${scenario.termsDays - 1}, every invoice paid`);
    await sleepDays(env, 2);
    // Polled with describe, because the time-skipping server rejects concurrent waits for results.
    await waitForAsync(
      async () =>
        (await Promise.all(handles.map((handle) => handle.describe()))).every(
          (description) => description.status.name === 'COMPLETED',
        ),
      `${total} invoices to complete`,
    );

    const histories: Record<string, HistoryFigures> = {};
    for (const { key } of scenario.clients) histories[key] = await measureHistories(env.client, invoiceIds[key]);
    const sweepHandle = env.client.workflow.getHandle(sweepWorkflowId(sweepClient));
    const passes = (await sweepHandle.query(sweepProgressQuery)).passes;
    const sweepWorkflow = await measureHistories(env.client, [sweepWorkflowId(sweepClient)]);
    await sweepHandle.terminate('bench measured');
    return { histories, sweepWorkflow, sweepPasses: passes };
  } finally {
    journal.worker.shutdown();
    await workerRun;
    await journal.close();
    for (const executor of executors) await executor.close();
  }
}

async function payEverySecondInPart(accountant: SimulatedAccountant): Promise<void> {
  const entries = await accountant.listOpenEntries();
  for (const [index, entry] of entries.entries()) {
    if (index % 2 === 0 && entry.restOre > 1 && entry.kid !== null) {
      await accountant.registerPayment(entry.kid, Math.floor(entry.restOre / 2), { paidOn: '2026-01-01' });
    }
  }
}

async function payTheRest(accountant: SimulatedAccountant): Promise<void> {
  for (const entry of await accountant.listOpenEntries()) {
    if (entry.restOre < 0) {
      await accountant.settleCredit(entry.voucherNumber);
    } else if (entry.kid !== null) {
      await accountant.registerPayment(entry.kid, entry.restOre, { paidOn: '2026-01-01' });
    }
  }
}

function importableNumbers(sandbox: BenchSandbox): string[] {
  return sandbox.simulator.state
    .allInvoices()
    .filter(
      (invoice) =>
        invoice.body.number != null &&
        String((invoice.body.customer as { number?: number } | null)?.number) !== PM_ONLY_CUSTOMER_NUMBER,
    )
    .map((invoice) => String(invoice.body.number));
}

function toWatchCost(figures: HistoryFigures): WatchCost {
  return {
    invoices: figures.workflows,
    actionsPerInvoice: figures.actionsPerWorkflow,
    actionsPerInvoiceByKind: figures.actionsPerWorkflowByKind,
    historyEventsPerInvoice: figures.eventsPerWorkflow,
    statusReadsPerInvoice: figures.activities.readLedgerStatus?.perWorkflow ?? 0,
  };
}

async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const { testServerPath } = resolveTemporalTools({ install: false });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
  return env;
}

async function waitFor(done: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForAsync(done: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Skips `days` of workflow time one day at a time. One long skip can take minutes of real time under load, and the
 * time-skipping server then drops the connection for its keepalive pings, which leaves its clock locked.
 */
async function sleepDays(env: TestWorkflowEnvironment, days: number): Promise<void> {
  for (let day = 0; day < days; day++) await env.sleep('1 day');
}
