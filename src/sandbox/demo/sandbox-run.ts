import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { parseClientsFile } from '../../config/load-config';
import { sweepWorkflowId, syncWorkflowId } from '../../workflows/definitions';
import { createJournalWorker } from '../../worker/journal-worker';
import { createJsonLogger } from '../../worker/json-logger';
import { VismaBusinessRepository } from '../../visma-business/repository';
import { SqliteExecutor } from '../../visma-business/sqlite-executor';
import { SimulatedAccountant } from '../accountant';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, startPmSimulator } from '../pm-simulator/server';
import { SEED_CUSTOMERS } from '../seed-catalogue';
import { startDevServer } from '../temporal-dev-server';
import { resolveTemporalTools } from '../temporal-tools';
import { createSandboxDatabase } from '../vb-sandbox-database';
import { AccountantLoop } from './accountant-loop';
import { formatSummary, summarise } from './sandbox-summary';

/** Options of {@link runSandbox}. */
export interface SandboxOptions {
  /** Folder for the sandbox's files. */
  dir: string;
  invoices: number;
  seed: number;
  /** Port of the Temporal Web UI on 127.0.0.1; 0 picks a free one. */
  uiPort: number;
  /** Stop by itself once every invoice is Paid or NeedsAttention, and print the summary. */
  once: boolean;
  /** Give up with a failure after this many minutes when `once` is set. */
  timeoutMinutes: number;
  /** Prints a line for the user. */
  print: (line: string) => void;
  /**
   * Install Temporal's runtime with the worker's JSON log in the sandbox folder; a process can do this once.
   * @default true
   */
  installRuntime?: boolean;
}

const CLIENT = 'sandbox';
const PID_FILE = 'sandbox.pid';
const PM_SECRET_ENV = 'JOURNAL_IMPORT_SANDBOX_PM_SECRET';
const TICK_MS = 3_000;
const SWEEP_SECONDS = 5;
const UNKNOWN_CUSTOMERS = new Set(
  SEED_CUSTOMERS.filter((customer) => !customer.inVismaBusiness).map((c) => c.customerNumber),
);

/**
 * Runs the whole product on this machine: the Temporal dev server with its Web UI, the PM simulator, a sandbox
 * Visma Business database, the worker, the sync and status sweep workflows and a simulated accountant. Resolves to
 * the exit status: with `once`, 0 when every invoice ended as seeded and the figures agree; otherwise 0 after Ctrl-C.
 */
export async function runSandbox(options: SandboxOptions): Promise<number> {
  const { print } = options;
  const stopping: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  };

  let interrupted = false;
  let onSignal = () => undefined as void;
  const interrupt = new Promise<void>((resolve) => {
    onSignal = () => {
      interrupted = true;
      print('\nStopping...');
      resolve();
    };
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  stopping.push(async () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  });

  try {
    mkdirSync(options.dir, { recursive: true });
    await claimSandboxFolder(options.dir, options.uiPort);
    stopping.push(async () => rmSync(path.join(options.dir, PID_FILE), { force: true }));
    const temporalDb = path.join(options.dir, 'temporal.db');
    const vbFile = path.join(options.dir, 'vb.sqlite');
    const workerLog = path.join(options.dir, 'worker.log');
    // Each run starts from fresh data, because the simulator seeds PM anew and workflow ids must not collide.
    for (const file of [temporalDb, vbFile, `${vbFile}-journal`, workerLog]) rmSync(file, { force: true });

    print('Starting the Temporal dev server...');
    const tools = resolveTemporalTools({ log: (line) => print(`  ${line}`) });
    const server = await startDevServer({
      cliPath: tools.cliPath,
      uiPort: options.uiPort,
      dbFile: temporalDb,
      logFile: path.join(options.dir, 'temporal-server.log'),
    });
    stopping.push(() => server.stop());

    const simulator = await startPmSimulator({ port: 0, invoices: options.invoices, seed: options.seed });
    stopping.push(() => simulator.stop());
    await createSandboxDatabase(vbFile);

    const config = parseClientsFile(
      {
        temporal: { address: server.address, taskQueue: 'journal-import-sandbox', webUiUrl: server.uiUrl },
        clients: [
          {
            key: CLIENT,
            displayName: 'Fjelltopp Consulting AS (sandbox)',
            projectManagement: { baseUrl: simulator.url, clientId: SANDBOX_CLIENT_ID, clientSecretEnv: PM_SECRET_ENV },
            vismaBusiness: { engine: 'sqlite', file: vbFile },
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
      'sandbox configuration',
    );
    const configFile = path.join(options.dir, 'clients.json');
    writeFileSync(configFile, JSON.stringify(config, null, 2));

    if (options.installRuntime ?? true) {
      Runtime.install({ logger: createJsonLogger('INFO', (line) => appendLine(workerLog, line)), shutdownSignals: [] });
    }
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stopping.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: server.address });
    stopping.push(() => connection.close());
    const temporal = new Client({ connection });

    const journal = await createJournalWorker({
      config,
      connection: nativeConnection,
      client: temporal,
      env: { ...process.env, [PM_SECRET_ENV]: SANDBOX_CLIENT_SECRET },
    });
    const workerRun = journal.worker.run();
    stopping.push(async () => {
      journal.worker.shutdown();
      await workerRun;
      await journal.close();
    });

    await temporal.workflow.start('clientSyncWorkflow', {
      workflowId: syncWorkflowId(CLIENT),
      taskQueue: config.temporal.taskQueue,
      args: [{ client: CLIENT, intervalSeconds: 5, cursor: null }],
    });
    await temporal.workflow.start('statusSweepWorkflow', {
      workflowId: sweepWorkflowId(CLIENT),
      taskQueue: config.temporal.taskQueue,
      args: [{ client: CLIENT, intervalSeconds: SWEEP_SECONDS }],
    });

    const executor = new SqliteExecutor(vbFile);
    stopping.push(() => executor.close());
    const repository = new VismaBusinessRepository(executor);
    const accountant = new AccountantLoop(new SimulatedAccountant(executor));
    const issued = simulator.state.allInvoices().filter((invoice) => invoice.body.number != null).length;

    print('');
    print(`Temporal Web UI:      ${server.uiUrl}/namespaces/default/workflows`);
    print(`  search for invoices, for example: InvoiceStatus = "NeedsAttention"`);
    print(`Temporal server:      ${server.address}`);
    print(`PM simulator:         ${simulator.url}`);
    print(`Visma Business (VB):  ${vbFile}`);
    print(`Clients file:         ${configFile} (for the admin commands: --config ${configFile})`);
    print(`Worker log:           ${workerLog}`);
    print(`${issued} issued invoices in PM; the accountant updates batches and registers payments as they arrive.`);
    print(options.once ? 'Runs until every invoice is Paid or NeedsAttention.' : 'Press Ctrl-C to stop.');
    print('');

    const deadline = Date.now() + options.timeoutMinutes * 60_000;
    let lastLine = '';
    for (;;) {
      await Promise.race([interrupt, sleep(TICK_MS)]);
      if (interrupted) return 0;

      await accountant.runRound();
      const counts = await countStatuses(temporal, CLIENT);
      const line =
        `invoices fetched ${counts.total}/${issued}, posted ${counts.posted}, open ${counts.Open}, ` +
        `paid ${counts.Paid}, needing attention ${counts.NeedsAttention}`;
      if (line !== lastLine) print(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
      lastLine = line;

      if (!options.once) continue;
      if (counts.Paid + counts.NeedsAttention >= issued) break;
      if (Date.now() > deadline) {
        print(`Not every invoice reached Paid or NeedsAttention within ${options.timeoutMinutes} minutes.`);
        break;
      }
    }

    const rows = await summarise(CLIENT, simulator, repository, temporal, UNKNOWN_CUSTOMERS);
    print('');
    print(formatSummary(rows));
    const consistent = rows.length === issued && rows.every((row) => row.problem === null);
    print(consistent ? '\nAll figures are consistent.' : '\nSome figures are inconsistent; see the Check column.');
    return consistent ? 0 : 1;
  } finally {
    await stopAll();
  }
}

async function countStatuses(temporal: Client, client: string) {
  const counts = { total: 0, posted: 0, Sent: 0, Open: 0, Paid: 0, NeedsAttention: 0 };
  // A run that continued as new keeps the status it had then, so only the latest run of each invoice counts.
  const base = `WorkflowType = "invoiceWorkflow" AND JournalClient = "${client}" AND ExecutionStatus != "ContinuedAsNew"`;
  counts.total = (await temporal.workflow.count(base)).count;
  for (const status of ['Sent', 'Open', 'Paid', 'NeedsAttention'] as const) {
    counts[status] = (await temporal.workflow.count(`${base} AND InvoiceStatus = "${status}"`)).count;
  }
  counts.posted = counts.Sent + counts.Open + counts.Paid;
  return counts;
}

/** Raised when the sandbox folder or the UI port is taken by another run. */
export class SandboxBusyError extends Error {
  override readonly name = 'SandboxBusyError';
}

// Refuses to start, before any file is replaced, while another sandbox uses the folder or the UI port is taken.
async function claimSandboxFolder(dir: string, uiPort: number): Promise<void> {
  const pidFile = path.join(dir, PID_FILE);
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) {
      throw new SandboxBusyError(
        `Another sandbox (process ${pid}) is running in ${dir}; stop it with Ctrl-C, or start this one with --dir <other folder> --ui-port 0`,
      );
    }
  }
  if (uiPort !== 0 && !(await isPortFree(uiPort))) {
    throw new SandboxBusyError(`Port ${uiPort} on 127.0.0.1 is in use; pass --ui-port <free port>, or 0 for any`);
  }
  writeFileSync(pidFile, String(process.pid));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function appendLine(file: string, line: string): void {
  writeFileSync(file, `${line}\n`, { flag: 'a' });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
