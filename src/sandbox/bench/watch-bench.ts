import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { forEachConcurrently } from '../../activities/concurrency';
import { invoiceWorkflowStartOptions } from '../../config/invoice-workflow-options';
import { LedgerStatus } from '../../domain/ledger';
import { kronerToOre } from '../../visma-business/vb-values';
import { VismaBusinessRepository } from '../../visma-business/repository';
import { SqliteExecutor } from '../../visma-business/sqlite-executor';
import { sweepProgressQuery, sweepWorkflowId } from '../../workflows/definitions';
import type { InvoiceWorkflowInput } from '../../workflows/invoice-state';
import { createJournalWorker } from '../../worker/journal-worker';
import { SimulatedAccountant } from '../accountant';
import { startDevServer } from '../temporal-dev-server';
import { resolveTemporalTools } from '../temporal-tools';
import { BENCH_ENV, benchClient, benchConfig, startBenchSandbox } from './bench-sandbox';
import { mib, percentile, processCpuSeconds, processRssBytes, round, RssSampler } from './measure';
import { writeWatchedVouchers, type WatchedVoucher } from './watched-vouchers';

const CLIENT = 'bench';
const TASK_QUEUE = 'journal-import-bench-watch';
/** Sweep interval of this bench, in real seconds; the per-hour figures scale it to `DEFAULT_SWEEP_SECONDS`. */
export const BENCH_SWEEP_SECONDS = 5;
/** Default sweep interval of a client, in seconds. */
export const DEFAULT_SWEEP_SECONDS = 300;
/** Workflow starts sent to the dev server at once. */
const START_CONCURRENCY = 32;
const SAMPLE_RUN_DATE = '2026-03-02';
const OTHER_RUN_DATE = '2026-03-01';

/** Figures of the watched invoices on the dev server, in real time. */
export interface WatchFigures {
  watched: number;
  /** Time to write the vouchers with the repository, without Temporal, in seconds. */
  voucherWriteSeconds: number;
  /** Time to start every watch and let its first read finish, in seconds. */
  watchStartSeconds: number;
  watchStartsPerSecond: number;
  /** Resident memory of the bench process (worker, PM simulator, bench) with every watch asleep, in MiB. */
  workerRssWithSleepingWatchesMiB: number;
  workerPeakRssMiB: number;
  /** Workflows the worker keeps in its cache, by the SDK's default for this heap size. */
  devServerRssWithSleepingWatchesMiB: number | null;
  devServerCpuSecondsForStarts: number | null;
  /** Time of the sweep's set-based read with every invoice watched and nothing changed, median of 5, in ms. */
  sweepQueryMs: number | null;
  /** SQL statements of one sweep pass that finds no change. */
  statementsPerIdleSweep: number;
  /** The sample the accountant takes from Open to Paid in real time, through the sweep. */
  paidSample: {
    invoices: number;
    /** Status changes the sample went through: batch updated, part payments, full payments. */
    changes: number;
    signals: number;
    /** SQL statements per status change, beyond the sweep's own read. */
    statementsPerChange: number;
    /** From the batch update until PM showed Open for the whole sample, in seconds. */
    secondsToOpen: number;
    /** From the last payment until PM showed Paid for the whole sample, in seconds. */
    secondsToPaid: number;
  };
}

/**
 * Writes a voucher for each of `count` seeded invoices, starts an invoice workflow in the watch state for each,
 * measures memory with all of them asleep and the cost of an idle sweep, then has the accountant take a sample
 * of `paid` invoices from Open to Paid while the sweep runs every {@link BENCH_SWEEP_SECONDS} seconds.
 */
export async function runWatchBench(options: {
  count: number;
  paid: number;
  seed: number;
  dir: string;
  timeoutMinutes: number;
  progress: (line: string) => void;
}): Promise<WatchFigures> {
  const { progress } = options;
  const stopping: (() => Promise<unknown>)[] = [];
  try {
    progress(`watch: seeding ${options.count} invoices and starting the Temporal dev server`);
    const sandbox = await startBenchSandbox(options.dir, 'watch', options.count, options.seed);
    stopping.push(() => sandbox.stop());
    const server = await startDevServer({ cliPath: resolveTemporalTools({ install: false }).cliPath });
    stopping.push(() => server.stop());
    const config = benchConfig(server.address, TASK_QUEUE, [
      benchClient(CLIENT, sandbox, { polling: { statusSweepSeconds: BENCH_SWEEP_SECONDS } }),
    ]);
    const executor = new SqliteExecutor(sandbox.vbFile);
    stopping.push(() => executor.close());
    const repository = new VismaBusinessRepository(executor);

    const sampleSize = Math.min(options.paid, options.count);
    const writeStarted = Date.now();
    const vouchers = await writeWatchedVouchers(
      CLIENT,
      sandbox.simulator,
      executor,
      (index) => (index < sampleSize ? SAMPLE_RUN_DATE : OTHER_RUN_DATE),
      (written) => progress(`watch: ${written} vouchers written`),
    );
    const voucherWriteSeconds = (Date.now() - writeStarted) / 1000;
    const sample = vouchers.slice(0, sampleSize);

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stopping.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: server.address });
    stopping.push(() => connection.close());
    const temporal = new Client({ connection });
    const rss = new RssSampler();
    stopping.push(async () => rss.stop());
    const journal = await createJournalWorker({
      config,
      connection: nativeConnection,
      client: temporal,
      env: BENCH_ENV,
    });
    const workerRun = journal.worker.run();
    stopping.push(async () => {
      journal.worker.shutdown();
      await workerRun;
      await journal.close();
    });
    const vb = journal.registry.get(CLIENT).vb;

    progress(`watch: starting ${vouchers.length} watches`);
    const startStarted = Date.now();
    const statementsBeforeStarts = vb.statementCount;
    const serverCpuBefore = processCpuSeconds(server.pid);
    let started = 0;
    await forEachConcurrently(vouchers, START_CONCURRENCY, async (watched) => {
      await temporal.workflow.start('invoiceWorkflow', watchStartOptions(config.clients[0], watched));
      if (++started % 1000 === 0) progress(`watch: ${started} watches started`);
    });
    await waitUntil(
      () => vb.statementCount - statementsBeforeStarts >= vouchers.length,
      options.timeoutMinutes,
      () => `watch: ${vb.statementCount - statementsBeforeStarts}/${vouchers.length} first reads done`,
      progress,
    );
    await waitUntilQuiet(() => vb.statementCount, 3_000);
    const watchStartSeconds = (Date.now() - startStarted) / 1000;
    const serverCpuAfter = processCpuSeconds(server.pid);
    const rssAsleep = process.memoryUsage().rss;
    const serverRss = processRssBytes(server.pid);
    progress(`watch: ${vouchers.length} watches asleep after ${round(watchStartSeconds)} s`);

    const sweepQueryMs = await timeSweepQuery(repository);
    const sweep = temporal.workflow.getHandle(sweepWorkflowId(CLIENT));
    await temporal.workflow.start('statusSweepWorkflow', {
      workflowId: sweepWorkflowId(CLIENT),
      taskQueue: TASK_QUEUE,
      args: [{ client: CLIENT, intervalSeconds: BENCH_SWEEP_SECONDS }],
    });
    await waitUntilAsync(async () => (await sweep.query(sweepProgressQuery)).passes >= 1, options.timeoutMinutes);
    const idleStatementsBefore = vb.statementCount;
    const idlePassesBefore = (await sweep.query(sweepProgressQuery)).passes;
    await waitUntilAsync(
      async () => (await sweep.query(sweepProgressQuery)).passes >= idlePassesBefore + 2,
      options.timeoutMinutes,
    );
    const idlePasses = (await sweep.query(sweepProgressQuery)).passes - idlePassesBefore;
    const statementsPerIdleSweep = (vb.statementCount - idleStatementsBefore) / idlePasses;

    const paidSample = await paySample(sample, {
      sandbox,
      executor,
      vb,
      sweep: () => sweep.query(sweepProgressQuery),
      timeoutMinutes: options.timeoutMinutes,
      progress,
    });
    return {
      watched: vouchers.length,
      voucherWriteSeconds: round(voucherWriteSeconds, 1),
      watchStartSeconds: round(watchStartSeconds, 1),
      watchStartsPerSecond: round(vouchers.length / watchStartSeconds, 1),
      workerRssWithSleepingWatchesMiB: mib(rssAsleep),
      workerPeakRssMiB: mib(rss.peak),
      devServerRssWithSleepingWatchesMiB: serverRss === null ? null : mib(serverRss),
      devServerCpuSecondsForStarts:
        serverCpuBefore === null || serverCpuAfter === null ? null : round(serverCpuAfter - serverCpuBefore, 1),
      sweepQueryMs,
      statementsPerIdleSweep: round(statementsPerIdleSweep, 2),
      paidSample,
    };
  } finally {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  }
}

/** Start options of a workflow that begins in the watch state, as a run continued from an import would. */
function watchStartOptions(client: Parameters<typeof invoiceWorkflowStartOptions>[0], watched: WatchedVoucher) {
  const start = invoiceWorkflowStartOptions(client, TASK_QUEUE, {
    invoiceNumber: watched.invoice.invoiceNumber,
    invoiceGuid: watched.invoice.invoiceGuid,
  });
  const input: InvoiceWorkflowInput = {
    ...start.args[0],
    carried: {
      invoiceGuid: watched.invoice.invoiceGuid,
      key: watched.voucher.key,
      dueDate: watched.invoice.dueDate,
      stepsDone: ['fetchInvoice', 'mapInvoiceToVoucher', 'postVoucherToBatch', 'attachInvoicePdf'],
      voucherNumber: watched.voucherNumber,
      batchNumber: watched.batchNumber,
      postedAtMs: Date.now(),
      status: LedgerStatus.Sent,
      statusInPm: LedgerStatus.Sent,
      remainingOre: watched.totalOre,
      lastPollAt: null,
      adminActions: [],
      continuedRuns: 0,
    },
  };
  return { ...start, args: [input] as [InvoiceWorkflowInput] };
}

/**
 * Takes the sample from Sent to Paid with the simulated accountant: updates its batch, pays every second invoice
 * in two parts and the others at once, and waits after each step for PM to show what the sweep signalled.
 */
async function paySample(
  sample: readonly WatchedVoucher[],
  context: {
    sandbox: Awaited<ReturnType<typeof startBenchSandbox>>;
    executor: SqliteExecutor;
    vb: VismaBusinessRepository;
    sweep: () => Promise<{ passes: number; invoicesSignalled: number }>;
    timeoutMinutes: number;
    progress: (line: string) => void;
  },
): Promise<WatchFigures['paidSample']> {
  const { sandbox, vb, progress } = context;
  const accountant = new SimulatedAccountant(context.executor);
  const changes = () => sandbox.simulator.state.statusChanges.length;
  const receivable = sample.filter((watched) => watched.totalOre > 0 && watched.invoice.kid !== null);
  const credits = sample.filter((watched) => !receivable.includes(watched));
  const before = { statements: vb.statementCount, sweep: await context.sweep(), changes: changes() };

  progress(`watch: accountant updates the batch of ${sample.length} sample invoices`);
  const updateStarted = Date.now();
  await accountant.updateBatch(sample[0].batchNumber);
  await waitUntil(
    () => changes() - before.changes >= sample.length,
    context.timeoutMinutes,
    () => `watch: ${changes() - before.changes}/${sample.length} Open in PM`,
    progress,
  );
  const secondsToOpen = (Date.now() - updateStarted) / 1000;

  progress(`watch: accountant pays ${receivable.length} sample invoices, every second one in two parts`);
  const inTwoParts = receivable.filter((_, index) => index % 2 === 0);
  for (const watched of inTwoParts) {
    await accountant.registerPayment(watched.invoice.kid!, Math.floor(watched.totalOre / 2), {
      paidOn: watched.invoice.dueDate,
    });
  }
  const firstPartsSignalled = (await context.sweep()).invoicesSignalled + inTwoParts.length;
  await waitUntilAsync(async () => (await context.sweep()).invoicesSignalled >= firstPartsSignalled, 5);
  for (const watched of receivable) {
    const rest = await openRestOre(context.executor, watched);
    await accountant.registerPayment(watched.invoice.kid!, rest, { paidOn: watched.invoice.dueDate });
  }
  for (const watched of credits) await accountant.settleCredit(watched.voucherNumber);
  const paidStarted = Date.now();
  await waitUntil(
    () => changes() - before.changes >= 2 * sample.length,
    context.timeoutMinutes,
    () => `watch: ${changes() - before.changes - sample.length}/${sample.length} Paid in PM`,
    progress,
  );
  const secondsToPaid = (Date.now() - paidStarted) / 1000;
  // One more pass, so that the figures include the marking of the last changes.
  const passesSoFar = (await context.sweep()).passes;
  await waitUntilAsync(async () => (await context.sweep()).passes > passesSoFar, 5);

  const after = await context.sweep();
  const statusChanges = 2 * sample.length + inTwoParts.length;
  const sweepStatements = after.passes - before.sweep.passes;
  return {
    invoices: sample.length,
    changes: statusChanges,
    signals: after.invoicesSignalled - before.sweep.invoicesSignalled,
    statementsPerChange: round((vb.statementCount - before.statements - sweepStatements) / statusChanges, 2),
    secondsToOpen: round(secondsToOpen, 1),
    secondsToPaid: round(secondsToPaid, 1),
  };
}

async function openRestOre(executor: SqliteExecutor, watched: WatchedVoucher): Promise<number> {
  const [row] = await executor.query<{ rest: unknown }>('SELECT RestAm AS rest FROM CustOpen WHERE VoNo = @voucher', {
    voucher: watched.voucherNumber,
  });
  return kronerToOre(row.rest);
}

async function timeSweepQuery(repository: VismaBusinessRepository): Promise<number | null> {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    await repository.readChangedLedgerStatuses(CLIENT);
    times.push(performance.now() - started);
  }
  const median = percentile(times, 0.5);
  return median === null ? null : round(median, 1);
}

async function waitUntil(
  done: () => boolean,
  timeoutMinutes: number,
  describe: () => string,
  progress: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMinutes * 60_000;
  let lastReport = Date.now();
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMinutes} min: ${describe()}`);
    if (Date.now() - lastReport > 10_000) {
      progress(describe());
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitUntilAsync(done: () => Promise<boolean>, timeoutMinutes: number): Promise<void> {
  const deadline = Date.now() + timeoutMinutes * 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMinutes} min`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until `counter` has not changed for `quietMs`. */
async function waitUntilQuiet(counter: () => number, quietMs: number): Promise<void> {
  let last = counter();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (counter() !== last) {
      last = counter();
      since = Date.now();
    }
  }
}
