import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Runtime } from '@temporalio/worker';
import { createJsonLogger } from '../../worker/json-logger';
import { runImportBench, type ImportFigures } from './import-bench';
import { describeMachine, killChildProcesses, round, type MachineFigures } from './measure';
import { runPaymentTermsBench, type PaymentTermsFigures } from './payment-terms-bench';
import { printImportFigures, printWatchFigures } from './report';
import { sqlPerHour, type SqlPerHour } from './sql-per-hour';
import { runWatchBench, type WatchFigures } from './watch-bench';

// `npm run bench`: measures the import and the status watch on this machine, prints the figures, and ends with one
// JSON line of every figure so that runs can be compared.
const program = new Command('npm run bench --')
  .description('Measure the import and the status watch in the sandbox: Temporal dev server, PM simulator, VB, worker.')
  .option('--invoices <count>', 'import this many seeded invoices through Temporal and through a plain loop', toCount)
  .option('--watch <count>', 'put this many posted invoices under watch and pay a sample through the sweep', toCount)
  .option('--paid <count>', 'with --watch, watched invoices the accountant takes to Paid in real time', toCount, 200)
  .option('--terms-days <days>', 'with --watch, payment terms of the workflow-time run', toCount, 45)
  .option('--sweep-sample <count>', 'with --watch, invoices taken to Paid with the sweep in workflow time', toCount, 30)
  .option(
    '--hourly-sample <count>',
    'with --watch, invoices taken to Paid with hourly polling, and with the backing-off schedule, in workflow time',
    toCount,
    3,
  )
  .option('--seed <number>', 'seed of the PM simulator data', toCount, 1)
  .option('--dir <folder>', 'folder for the bench files, replaced at each run', '.bench')
  .option('--timeout-minutes <minutes>', 'give up a part of the run after this many minutes', toCount, 30)
  .parse(process.argv);

const options = program.opts<{
  invoices?: number;
  watch?: number;
  paid: number;
  termsDays: number;
  sweepSample: number;
  hourlySample: number;
  seed: number;
  dir: string;
  timeoutMinutes: number;
}>();

/** Every figure of one bench run. */
interface BenchFigures {
  machine: MachineFigures;
  invoices?: ImportFigures;
  watch?: { realTime: WatchFigures; workflowTime: PaymentTermsFigures; sqlPerHour: SqlPerHour };
  /** Load averages over 1, 5 and 15 minutes when the run ended. */
  loadAverageAtEnd?: number[];
  totalSeconds?: number;
}

async function main(): Promise<number> {
  if (options.invoices === undefined && options.watch === undefined) {
    console.error('error: give --invoices N, --watch N or both');
    return 2;
  }
  const startedAt = Date.now();
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'worker.log');
  writeFileSync(logFile, '');
  Runtime.install({
    logger: createJsonLogger('WARN', (line) => writeFileSync(logFile, `${line}\n`, { flag: 'a' })),
    shutdownSignals: [],
  });
  const progress = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

  const figures: BenchFigures = { machine: describeMachine() };
  if (options.invoices !== undefined) {
    figures.invoices = await runImportBench({
      count: options.invoices,
      seed: options.seed,
      dir,
      timeoutMinutes: options.timeoutMinutes,
      progress,
    });
    printImportFigures(figures.invoices, (line) => console.log(line));
  }
  if (options.watch !== undefined) {
    const realTime = await runWatchBench({
      count: options.watch,
      paid: options.paid,
      seed: options.seed,
      dir,
      timeoutMinutes: options.timeoutMinutes,
      progress,
    });
    const workflowTime = await runPaymentTermsBench({
      termsDays: options.termsDays,
      sweepSample: options.sweepSample,
      hourlySample: options.hourlySample,
      seed: options.seed,
      dir,
      progress,
    });
    figures.watch = { realTime, workflowTime, sqlPerHour: sqlPerHour(realTime, workflowTime) };
    printWatchFigures(figures.watch, (line) => console.log(line));
  }
  figures.loadAverageAtEnd = os.loadavg().map((load) => round(load, 2));
  figures.totalSeconds = round((Date.now() - startedAt) / 1000, 1);
  console.log(JSON.stringify(figures));
  return 0;
}

// Servers that the Temporal SDK starts are children of this process and would outlive it otherwise.
process.once('exit', killChildProcesses);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

/** Parses an option's count; commander prints the option and the value with the message of the error. */
function toCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('Expected a positive whole number.');
  return number;
}
