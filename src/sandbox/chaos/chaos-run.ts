import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseClientsFile } from '../../config/load-config';
import { sweepWorkflowId, syncWorkflowId } from '../../workflows/definitions';
import { VismaBusinessRepository } from '../../visma-business/repository';
import { lockDirectoryOf } from '../../visma-business/sqlite-locking';
import { SqliteExecutor } from '../../visma-business/sqlite-executor';
import { OpenEntryNotFoundError, SimulatedAccountant } from '../accountant';
import { PaidStatus } from '../../domain/ledger';
import { AccountantLoop } from '../demo/accountant-loop';
import { summarise } from '../demo/sandbox-summary';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, startPmSimulator, type PmSimulator } from '../pm-simulator/server';
import { SEED_CUSTOMERS } from '../seed-catalogue';
import { findFreePort, startDevServer, type RunningDevServer } from '../temporal-dev-server';
import { resolveTemporalTools } from '../temporal-tools';
import { createSandboxDatabase } from '../vb-sandbox-database';
import { classifyInvoices, keptEveryPromise, type ChaosReport, type InvoiceProblem } from './chaos-report';
import { CHAOS_SQL_ENV, type SqlFaultKind } from './fault-injecting-executor';
import { countSqlFault, missingFaultKinds, noFaults, type FaultsInjected } from './fault-counts';
import { drawFaultPlan, type FaultPlan, type WorkerKillStep } from './fault-plan';
import { PmFaultSwitch } from './pm-faults';
import { VoucherChecker } from './voucher-check';
import { WorkerSupervisor } from './worker-supervisor';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** Folder for the run's files; its earlier content is replaced. */
  dir: string;
  invoices: number;
  seed: number;
  /** Give up after this many minutes and report what did not settle. */
  timeoutMinutes: number;
  /** Seconds from the start within which the timed faults fall. @default 150 */
  faultWindowSeconds?: number;
  /** Prints a line of progress. */
  print: (line: string) => void;
  /** Ends the run early, stopping every process it started, as on Ctrl-C. */
  signal?: AbortSignal;
}

/** Raised when {@link ChaosOptions.signal} ends a run before its report. */
export class ChaosRunInterruptedError extends Error {
  override readonly name = 'ChaosRunInterruptedError';

  constructor() {
    super('The chaos run was interrupted; every process it started has been stopped.');
  }
}

const CLIENT = 'chaos';
const PM_SECRET_ENV = 'JOURNAL_IMPORT_CHAOS_PM_SECRET';
const TASK_QUEUE = 'journal-import-chaos';
/** Seconds between two status sweeps, short so that payments reach PM within the run. */
const SWEEP_SECONDS = 5;
const VOUCHER_TYPE = 11;
const TICK_MS = 3_000;
/** How long one kill waits for an activity of its step to start, in milliseconds. */
const KILL_ARM_MS = 90_000;
/** Most kills of one run, hits and misses together. */
const MAX_KILLS = 40;
const UNKNOWN_CUSTOMERS = new Set(SEED_CUSTOMERS.filter((c) => !c.inVismaBusiness).map((c) => c.customerNumber));

/**
 * Runs the sandbox under injected faults and checks every invoice afterwards. PM gets latency, 429 and 500 bursts
 * and expiring tokens. Visma Business gets deadlocks, lock timeouts and dropped connections from the worker's SQL
 * layer. The worker is killed with SIGKILL during each step and restarted, and the Temporal dev server is stopped
 * and started again on its database file. Once the faults are over and every invoice is Paid or NeedsAttention, or
 * the time is up, it compares VB, PM and Temporal invoice by invoice. Resolves to the report.
 */
export async function runChaos(options: ChaosOptions): Promise<{ report: ChaosReport; problems: InvoiceProblem[] }> {
  const { print } = options;
  const startedAt = Date.now();
  const stopping: (() => Promise<unknown>)[] = [];
  const plan = drawFaultPlan(options.seed, options.faultWindowSeconds ?? 150);
  const counts = noFaults();

  try {
    mkdirSync(options.dir, { recursive: true });
    const temporalDb = path.join(options.dir, 'temporal.db');
    const vbFile = path.join(options.dir, 'vb.sqlite');
    const workerLog = path.join(options.dir, 'worker.log');
    for (const file of [temporalDb, vbFile, `${vbFile}-journal`, lockDirectoryOf(vbFile), workerLog]) {
      rmSync(file, { force: true, recursive: true });
    }

    const tools = resolveTemporalTools({ log: (line) => print(`  ${line}`) });
    const serverOptions = {
      cliPath: tools.cliPath,
      port: await findFreePort(),
      uiPort: false as const,
      dbFile: temporalDb,
      logFile: path.join(options.dir, 'temporal-server.log'),
    };
    let server: RunningDevServer = await startDevServer(serverOptions);
    stopping.push(() => server.stop());

    const simulator = await startPmSimulator({ port: 0, invoices: options.invoices, seed: options.seed });
    stopping.push(() => simulator.stop());
    await createSandboxDatabase(vbFile);
    const configFile = writeClientsFile(options.dir, server.address, simulator.url, vbFile);

    const connection = await Connection.connect({ address: server.address });
    stopping.push(() => connection.close());
    const temporal = new Client({ connection });

    const executor = new SqliteExecutor(vbFile);
    stopping.push(() => executor.close());
    const repository = new VismaBusinessRepository(executor);
    const checker = new VoucherChecker(executor, repository, VOUCHER_TYPE);
    const accountant = new AccountantLoop(new RecordingAccountant(executor, checker, print), 25);

    let unexpectedExits = 0;
    const workers = new WorkerSupervisor({
      configFile,
      env: { ...process.env, [PM_SECRET_ENV]: SANDBOX_CLIENT_SECRET, JOURNAL_IMPORT_LOG_LEVEL: 'DEBUG' },
      logFile: workerLog,
      onRecord: (record) => {
        if (record.message === 'injected SQL fault') countSqlFault(counts, record.kind as SqlFaultKind);
      },
      onUnexpectedExit: (how) => {
        unexpectedExits++;
        print(`[${clock()}] the worker exited by itself (${how}); it is started again`);
      },
    });
    stopping.push(() => workers.close());

    let workerGeneration = 0;
    let faultPhase = true;
    const startWorker = async () => {
      for (let attempt = 1; ; attempt++) {
        workerGeneration++;
        const sqlFaults = faultPhase
          ? { [CHAOS_SQL_ENV]: `${plan.seed * 1000 + workerGeneration}:${plan.sqlFaultRate}` }
          : {};
        try {
          await workers.start(sqlFaults);
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          print(`[${clock()}] the worker did not start (${messageOf(error)}); trying again`);
          await sleep(3_000);
        }
      }
    };

    print(`Temporal server:      ${server.address} (state in ${temporalDb})`);
    print(`PM simulator:         ${simulator.url}`);
    print(`Visma Business (VB):  ${vbFile}`);
    print(`Worker log:           ${workerLog}`);
    print(
      `Fault plan (seed ${plan.seed}): ${plan.timed.length} timed faults, kills during ${plan.killOrder.join(', ')}`,
    );
    await startWorker();
    await retryTemporal(() =>
      temporal.workflow.start('clientSyncWorkflow', {
        workflowId: syncWorkflowId(CLIENT),
        taskQueue: TASK_QUEUE,
        args: [{ client: CLIENT, intervalSeconds: 5, cursor: null }],
      }),
    );
    await retryTemporal(() =>
      temporal.workflow.start('statusSweepWorkflow', {
        workflowId: sweepWorkflowId(CLIENT),
        taskQueue: TASK_QUEUE,
        args: [{ client: CLIENT, intervalSeconds: SWEEP_SECONDS }],
      }),
    );

    // The worker restarts only through this chain, so kills, restarts and the end of the fault phase never overlap.
    let workerChain: Promise<void> = Promise.resolve();
    const withWorker = (work: () => Promise<void>) => (workerChain = workerChain.then(work, work));

    const pmFaults = new PmFaultSwitch(simulator.state, counts);
    const timedDone = runTimedFaults(plan, startedAt, pmFaults, counts, print, workers, async (downSeconds) => {
      await server.stop();
      await sleep(downSeconds * 1000);
      server = await startDevServer(serverOptions);
    });
    const killsDone = runKills(plan, workers, counts, print, withWorker, startWorker);

    const deadline = startedAt + options.timeoutMinutes * 60_000;
    const issued = simulator.state.allInvoices().filter((invoice) => invoice.body.number != null).length;
    let faultsOver = false;
    void Promise.all([timedDone, killsDone])
      .catch((error: unknown) => print(`[${clock()}] the fault phase stopped early: ${messageOf(error)}`))
      .finally(() => {
        faultsOver = true;
      });
    let lastLine = '';
    let allPosted = false;
    for (;;) {
      await sleep(TICK_MS);
      if (options.signal?.aborted) throw new ChaosRunInterruptedError();
      // SQL faults go on until every invoice is posted, so that each write meets them, unless time runs short.
      const postingDone = allPosted || Date.now() > startedAt + options.timeoutMinutes * 40_000;
      if (faultsOver && faultPhase && postingDone) {
        faultPhase = false;
        pmFaults.calmDown();
        print(`[${clock()}] fault phase over; the worker restarts without SQL faults`);
        await withWorker(async () => {
          await workers.stop('SIGTERM');
          await startWorker();
        });
      } else if (!workers.running && faultsOver) {
        await withWorker(async () => (workers.running ? undefined : startWorker()));
      }

      try {
        await accountant.runRound();
      } catch (error) {
        print(`[${clock()}] accountant round failed, tried again next round: ${messageOf(error)}`);
      }

      const progress = await countProgress(temporal).catch(() => null);
      if (progress) {
        const line =
          `invoices ${progress.total}/${issued}, posted ${progress.posted}, paid ${progress.Paid}, ` +
          `needing attention ${progress.NeedsAttention}, still running ${progress.busy}`;
        if (line !== lastLine) print(`[${clock()}] ${line}`);
        lastLine = line;
        allPosted = progress.total >= issued && progress.posted + progress.NeedsAttention >= issued;
        if (!faultPhase && progress.total >= issued && progress.busy === 0) break;
      }
      if (Date.now() > deadline) {
        print(`Not every invoice settled within ${options.timeoutMinutes} minutes.`);
        break;
      }
    }

    pmFaults.calmDown();
    counts.pm429 = simulator.state.faultsServed[429] ?? 0;
    counts.pm500 = simulator.state.faultsServed[500] ?? 0;
    if (unexpectedExits > 0) print(`The worker exited by itself ${unexpectedExits} time(s); see ${workerLog}.`);

    const rows = await retryTemporal(() =>
      summarise(CLIENT, simulator, repository, temporal, UNKNOWN_CUSTOMERS, {
        checkVoucher: (invoice, key, voucherNumber) => checker.check(invoice, key, voucherNumber),
      }),
    );
    const written = await writtenForAttention(repository, executor, simulator, UNKNOWN_CUSTOMERS);
    const { counts: figures, problems } = classifyInvoices(rows, UNKNOWN_CUSTOMERS, checker.findings, written);
    const report: ChaosReport = {
      seed: options.seed,
      ...figures,
      faultsInjected: counts,
      faultKindsMissing: missingFaultKinds(counts),
      durationSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    return { report, problems };
  } finally {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  }
}

/** Exit status of a chaos run: 0 when every promise held and every kind of fault was injected. */
export function chaosExitCode(report: ChaosReport): number {
  return keptEveryPromise(report) && report.faultKindsMissing.length === 0 ? 0 : 1;
}

/**
 * Keeps the lines of every batch it updates, which leave `WaVo` with the update, for the voucher check. A payment
 * whose KID matches no open entry or several, as a doubled voucher would cause, is skipped with a message, so that
 * the other invoices are still paid and the report names the broken one.
 */
class RecordingAccountant extends SimulatedAccountant {
  private readonly unpayable = new Set<string>();

  constructor(
    executor: SqliteExecutor,
    private readonly checker: VoucherChecker,
    private readonly print: (line: string) => void,
  ) {
    super(executor);
  }

  override async updateBatch(batchNumber: number) {
    const result = await super.updateBatch(batchNumber);
    this.checker.recordUpdatedLines(result.lines);
    return result;
  }

  override async registerPayment(kid: string, amountOre: number, options: { paidOn: string; dueDate?: string }) {
    try {
      return await super.registerPayment(kid, amountOre, options);
    } catch (error) {
      if (!(error instanceof OpenEntryNotFoundError)) throw error;
      if (!this.unpayable.has(kid)) this.print(`[${clock()}] the accountant cannot pay: ${error.message}`);
      this.unpayable.add(kid);
      return { paidStatus: PaidStatus.FullyOpen, remainingOre: amountOre };
    }
  }
}

function writeClientsFile(dir: string, address: string, pmUrl: string, vbFile: string): string {
  const config = parseClientsFile(
    {
      temporal: { address, taskQueue: TASK_QUEUE },
      clients: [
        {
          key: CLIENT,
          displayName: 'Fjelltopp Consulting AS (chaos run)',
          projectManagement: { baseUrl: pmUrl, clientId: SANDBOX_CLIENT_ID, clientSecretEnv: PM_SECRET_ENV },
          vismaBusiness: { engine: 'sqlite', file: vbFile },
          voucherType: VOUCHER_TYPE,
          voucherSeries: { first: 100000, last: 199999 },
          polling: {
            syncIntervalSeconds: 5,
            statusInitialSeconds: 3,
            statusMaxSeconds: 15,
            statusSweepSeconds: SWEEP_SECONDS,
            statusFallbackSeconds: 60,
          },
          customerGraceHours: 1 / 60,
        },
      ],
    },
    'chaos configuration',
  );
  const file = path.join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * Applies the plan's PM and Temporal server faults at their times, or later when no worker polls at that time.
 * Resolves when the last one is over.
 */
async function runTimedFaults(
  plan: FaultPlan,
  startedAt: number,
  pmFaults: PmFaultSwitch,
  counts: FaultsInjected,
  print: (line: string) => void,
  workers: WorkerSupervisor,
  restartServer: (downSeconds: number) => Promise<void>,
): Promise<void> {
  let lastEnd = 0;
  for (const fault of plan.timed) {
    await sleep(Math.max(0, startedAt + fault.atSeconds * 1000 - Date.now()));
    // A fault while the worker restarts after a kill would meet no request, so it waits for a polling worker.
    while (!workers.ready) await sleep(500);
    if (fault.kind === 'dev-server-restart') {
      print(`[${clock()}] stopping the Temporal dev server for ${fault.downSeconds} s`);
      counts.devServerRestart++;
      await restartServer(fault.downSeconds);
      print(`[${clock()}] the Temporal dev server is back`);
      continue;
    }
    print(`[${clock()}] PM fault: ${describeFault(fault)}`);
    pmFaults.apply(fault);
    if ('durationSeconds' in fault) lastEnd = Math.max(lastEnd, Date.now() + fault.durationSeconds * 1000);
  }
  await sleep(Math.max(0, lastEnd - Date.now()));
}

/**
 * Kills the worker during each step of the plan's order, restarting it after each kill. A kill that comes just
 * after the activity finished hits no step, so the step is tried again later.
 */
async function runKills(
  plan: FaultPlan,
  workers: WorkerSupervisor,
  counts: FaultsInjected,
  print: (line: string) => void,
  withWorker: (work: () => Promise<void>) => Promise<void>,
  startWorker: () => Promise<void>,
): Promise<void> {
  const remaining: WorkerKillStep[] = [...plan.killOrder];
  for (let kill = 0; remaining.length > 0 && kill < MAX_KILLS; kill++) {
    const step = remaining.shift()!;
    await sleep(plan.killPausesSeconds[kill % plan.killPausesSeconds.length] * 1000);
    await withWorker(async () => {
      if (!workers.running) await startWorker();
      const outcome = await workers.killDuring(step, KILL_ARM_MS);
      if (!outcome) {
        print(`[${clock()}] no ${step} activity started within ${KILL_ARM_MS / 1000} s; trying later`);
        remaining.push(step);
        return;
      }
      if (outcome.hitRunningActivity) {
        counts.workerKill[step]++;
        print(`[${clock()}] killed the worker with SIGKILL during ${step} of ${outcome.workflowId}`);
      } else {
        counts.workerKillBetweenSteps++;
        remaining.push(step);
        print(`[${clock()}] killed the worker with SIGKILL just after ${step} of ${outcome.workflowId} finished`);
      }
      await sleep(plan.restartPausesSeconds[kill % plan.restartPausesSeconds.length] * 1000);
      await startWorker();
    });
  }
  if (remaining.length > 0) print(`No kill landed during ${remaining.join(', ')} within ${MAX_KILLS} kills.`);
}

async function countProgress(temporal: Client) {
  const base = `WorkflowType = "invoiceWorkflow" AND JournalClient = "${CLIENT}"`;
  const count = async (filter: string) => (await temporal.workflow.count(`${base}${filter}`)).count;
  const Paid = await count(' AND InvoiceStatus = "Paid"');
  const NeedsAttention = await count(' AND InvoiceStatus = "NeedsAttention"');
  return {
    total: await count(''),
    posted: await count(' AND InvoiceStatus IN ("Sent", "Open", "Paid")'),
    Paid,
    NeedsAttention,
    // Paid workflows still running have yet to write Paid to PM.
    busy: await count(' AND ExecutionStatus = "Running" AND InvoiceStatus != "NeedsAttention"'),
  };
}

/** Returns, for each invoice that must need attention, what the import wrote for it in VB, if anything. */
async function writtenForAttention(
  repository: VismaBusinessRepository,
  executor: SqliteExecutor,
  simulator: PmSimulator,
  unknownCustomers: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const k = repository.names.voucherKey;
  const written = new Map<string, string>();
  for (const invoice of simulator.state.allInvoices()) {
    const customer = String((invoice.body.customer as { number?: number } | null)?.number ?? '');
    if (invoice.body.number == null || !unknownCustomers.has(customer)) continue;
    const [{ keys }] = await executor.query<{ keys: unknown }>(
      `SELECT COUNT(*) AS keys FROM ${k.table} WHERE ${k.client} = @client AND ${k.invoiceNumber} = @invoiceNumber`,
      { client: CLIENT, invoiceNumber: String(invoice.body.number) },
    );
    if (Number(keys) > 0) written.set(String(invoice.body.number), 'an idempotency row was written for it');
  }
  return written;
}

function describeFault(fault: Exclude<FaultPlan['timed'][number], { kind: 'dev-server-restart' }>): string {
  switch (fault.kind) {
    case 'pm-latency':
      return `${fault.latencyMs} ms latency for ${fault.durationSeconds} s`;
    case 'pm-429-burst':
      return `${Math.round(fault.share * 100)} % 429 responses for ${fault.durationSeconds} s`;
    case 'pm-500-burst':
      return `${Math.round(fault.share * 100)} % 500 responses for ${fault.durationSeconds} s`;
    case 'pm-token-revoked':
      return fault.refreshTokensToo ? 'access and refresh tokens revoked' : 'access tokens revoked';
    case 'pm-token-short-lifetime':
      return `tokens live ${fault.lifetimeSeconds} s for ${fault.durationSeconds} s`;
  }
}

/** Runs a Temporal call, trying again while the server restarts. */
async function retryTemporal<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(2_000);
    }
  }
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
