import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { PM_ONLY_CUSTOMER_NUMBER } from '../pm-simulator/seed';
import { resolveSchemaNames } from '../../visma-business/schema-names';
import { SqliteExecutor } from '../../visma-business/sqlite-executor';
import { invoiceWorkflowId, syncWorkflowId } from '../../workflows/definitions';
import { createJournalWorker } from '../../worker/journal-worker';
import { startDevServer } from '../temporal-dev-server';
import { resolveTemporalTools } from '../temporal-tools';
import { BENCH_ENV, benchClient, benchConfig, startBenchSandbox } from './bench-sandbox';
import { measureHistories, type HistoryFigures } from './history-figures';
import { mib, ownCpuSeconds, percentile, processCpuSeconds, round, RssSampler } from './measure';
import { runPlainImport, type ImportStep } from './plain-import';

/** Figures of one way of importing. */
export interface ImportRunFigures {
  imported: number;
  /** From the start of the run until the last invoice's status Sent reached PM, in seconds. */
  wallSeconds: number;
  invoicesPerSecond: number;
  /** From the start of the run until each voucher was written to its batch, in seconds. */
  latencyP50Seconds: number | null;
  latencyP95Seconds: number | null;
  sqlStatementsPerInvoice: number;
  /** CPU time of the bench process (worker, PM simulator, bench) during the run, in seconds. */
  benchProcessCpuSeconds: number;
}

/** Figures of `--invoices N`. */
export interface ImportFigures {
  invoices: number;
  /** Invoices whose customer Visma Business has; the seed's invoice for an unknown customer is left out. */
  importable: number;
  plain: ImportRunFigures & { stepMeanMs: Record<ImportStep, number>; failed: number };
  temporal: ImportRunFigures & {
    historyEventsPerInvoice: number;
    billableActionsPerInvoice: number;
    billableActionsPerInvoiceByKind: Record<string, number>;
    /** The sync workflow's actions shared out over the invoices it started. */
    syncActionsPerInvoice: number;
    /** The sync workflow's activities: listing the invoices and starting their workflows. */
    syncActivities: HistoryFigures['activities'];
    activities: HistoryFigures['activities'];
    devServerCpuSeconds: number | null;
    workerPeakRssMiB: number;
  };
  /** Invoices per second through Temporal divided by invoices per second of the plain loop. */
  throughputRatio: number;
  /** Resident memory of the bench process before the worker started (PM simulator, clients, bench), in MiB. */
  rssBeforeWorkerMiB: number;
}

const PLAIN_CLIENT = 'plain';
const TEMPORAL_CLIENT = 'bench';
const TASK_QUEUE = 'journal-import-bench';

/**
 * Imports `count` seeded invoices twice over the same PM simulator and Visma Business file. The first run is a plain
 * sequential loop of the activity code, as client `plain`. The second goes through the sync and invoice workflows on
 * the Temporal dev server, as client `bench`. Both runs end when PM has status Sent for every importable invoice.
 */
export async function runImportBench(options: {
  count: number;
  seed: number;
  dir: string;
  timeoutMinutes: number;
  progress: (line: string) => void;
}): Promise<ImportFigures> {
  const { progress } = options;
  const stopping: (() => Promise<unknown>)[] = [];
  try {
    progress(`import: seeding ${options.count} invoices and starting the Temporal dev server`);
    const sandbox = await startBenchSandbox(options.dir, 'import', options.count, options.seed);
    stopping.push(() => sandbox.stop());
    const server = await startDevServer({ cliPath: resolveTemporalTools({ install: false }).cliPath });
    stopping.push(() => server.stop());
    const config = benchConfig(server.address, TASK_QUEUE, [
      benchClient(PLAIN_CLIENT, sandbox),
      benchClient(TEMPORAL_CLIENT, sandbox),
    ]);
    const importable = sandbox.simulator.state
      .allInvoices()
      .filter(
        (invoice) =>
          invoice.body.number != null &&
          String((invoice.body.customer as { number?: number } | null)?.number) !== PM_ONLY_CUSTOMER_NUMBER,
      )
      .map((invoice) => String(invoice.body.number));

    progress(`import: plain loop over ${importable.length} invoices`);
    const plain = await runPlainImport(config, PLAIN_CLIENT);
    const executor = new SqliteExecutor(sandbox.vbFile);
    stopping.push(() => executor.close());
    const plainLatencies = await voucherLatencies(executor, PLAIN_CLIENT, plain.startedAtMs);
    progress(`import: plain loop done in ${round(plain.wallSeconds)} s`);

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stopping.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: server.address });
    stopping.push(() => connection.close());
    const temporal = new Client({ connection });
    const rss = new RssSampler();
    stopping.push(async () => rss.stop());
    const rssBeforeWorker = rss.peak;

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

    progress(`import: Temporal run over ${importable.length} invoices`);
    const vb = journal.registry.get(TEMPORAL_CLIENT).vb;
    const statementsBefore = vb.statementCount;
    const changesBefore = sandbox.simulator.state.statusChanges.length;
    const cpuBefore = ownCpuSeconds();
    const serverCpuBefore = processCpuSeconds(server.pid);
    rss.reset();
    const startedAtMs = Date.now();
    await temporal.workflow.start('clientSyncWorkflow', {
      workflowId: syncWorkflowId(TEMPORAL_CLIENT),
      taskQueue: TASK_QUEUE,
      args: [{ client: TEMPORAL_CLIENT, intervalSeconds: 3_600, cursor: null }],
    });

    const deadline = startedAtMs + options.timeoutMinutes * 60_000;
    let lastReport = 0;
    for (;;) {
      const sent = sandbox.simulator.state.statusChanges.length - changesBefore;
      if (sent >= importable.length) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Only ${sent} of ${importable.length} invoices reached Sent within ${options.timeoutMinutes} min`,
        );
      }
      if (Date.now() - lastReport > 5_000) {
        progress(`import: ${sent}/${importable.length} Sent after ${round((Date.now() - startedAtMs) / 1000)} s`);
        lastReport = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lastChangeMs = Math.max(
      ...sandbox.simulator.state.statusChanges.slice(changesBefore).map((change) => Date.parse(change.receivedAt)),
    );
    const wallSeconds = (lastChangeMs - startedAtMs) / 1000;
    const cpuSeconds = ownCpuSeconds() - cpuBefore;
    const serverCpuAfter = processCpuSeconds(server.pid);
    const workerPeakRss = rss.peak;
    const statements = vb.statementCount - statementsBefore;
    await temporal.workflow.getHandle(syncWorkflowId(TEMPORAL_CLIENT)).terminate('bench measured');
    progress(`import: Temporal run done in ${round(wallSeconds)} s; reading ${importable.length} histories`);

    const latencies = await voucherLatencies(executor, TEMPORAL_CLIENT, startedAtMs);
    const histories = await measureHistories(
      temporal,
      importable.map((invoiceNumber) => invoiceWorkflowId(TEMPORAL_CLIENT, invoiceNumber)),
    );
    const sync = await measureHistories(temporal, [syncWorkflowId(TEMPORAL_CLIENT)]);

    const plainRate = plain.imported / plain.wallSeconds;
    const temporalRate = importable.length / wallSeconds;
    return {
      invoices: options.count,
      importable: importable.length,
      plain: {
        imported: plain.imported,
        failed: plain.failed.length,
        wallSeconds: round(plain.wallSeconds, 2),
        invoicesPerSecond: round(plainRate, 2),
        latencyP50Seconds: roundOrNull(percentile(plainLatencies, 0.5)),
        latencyP95Seconds: roundOrNull(percentile(plainLatencies, 0.95)),
        sqlStatementsPerInvoice: round(plain.statements / Math.max(1, plain.imported), 2),
        benchProcessCpuSeconds: round(plain.cpuSeconds, 2),
        stepMeanMs: plain.stepMeanMs,
      },
      temporal: {
        imported: importable.length,
        wallSeconds: round(wallSeconds, 2),
        invoicesPerSecond: round(temporalRate, 2),
        latencyP50Seconds: roundOrNull(percentile(latencies, 0.5)),
        latencyP95Seconds: roundOrNull(percentile(latencies, 0.95)),
        sqlStatementsPerInvoice: round(statements / importable.length, 2),
        benchProcessCpuSeconds: round(cpuSeconds, 2),
        historyEventsPerInvoice: histories.eventsPerWorkflow,
        billableActionsPerInvoice: histories.actionsPerWorkflow,
        billableActionsPerInvoiceByKind: histories.actionsPerWorkflowByKind,
        syncActionsPerInvoice: round(sync.actionsPerWorkflow / importable.length, 3),
        syncActivities: sync.activities,
        activities: histories.activities,
        devServerCpuSeconds:
          serverCpuBefore === null || serverCpuAfter === null ? null : round(serverCpuAfter - serverCpuBefore, 2),
        workerPeakRssMiB: mib(workerPeakRss),
      },
      throughputRatio: round(temporalRate / plainRate, 3),
      rssBeforeWorkerMiB: mib(rssBeforeWorker),
    };
  } finally {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  }
}

/** Returns, per voucher of `client`, the seconds from `startedAtMs` until the voucher was written. */
async function voucherLatencies(executor: SqliteExecutor, client: string, startedAtMs: number): Promise<number[]> {
  const k = resolveSchemaNames().voucherKey;
  const rows = await executor.query<{ createdAt: string }>(
    `SELECT ${k.createdAt} AS createdAt FROM ${k.table} WHERE ${k.client} = @client`,
    { client },
  );
  return rows.map((row) => (Date.parse(row.createdAt) - startedAtMs) / 1000);
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value, 2);
}
