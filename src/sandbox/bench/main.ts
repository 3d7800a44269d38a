import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { Runtime } from '@temporalio/worker';
import { createJsonLogger } from '../../worker/json-logger';
import { runImportBench, type ImportFigures } from './import-bench';
import { describeMachine, type MachineFigures } from './measure';
import { printImportFigures } from './report';

// `npm run bench`: measures the import and the status watch on this machine, prints the figures, and ends with one
// JSON line of every figure so that runs can be compared.
const program = new Command('npm run bench --')
  .description('Measure the import and the status watch in the sandbox: Temporal dev server, PM simulator, VB, worker.')
  .option('--invoices <count>', 'import this many seeded invoices through Temporal and through a plain loop', toCount)
  .option('--seed <number>', 'seed of the PM simulator data', toCount, 1)
  .option('--dir <folder>', 'folder for the bench files, replaced at each run', '.bench')
  .option('--timeout-minutes <minutes>', 'give up a part of the run after this many minutes', toCount, 30)
  .parse(process.argv);

const options = program.opts<{ invoices?: number; seed: number; dir: string; timeoutMinutes: number }>();

/** Every figure of one bench run. */
interface BenchFigures {
  machine: MachineFigures;
  invoices?: ImportFigures;
}

async function main(): Promise<number> {
  if (options.invoices === undefined) {
    console.error('error: give --invoices N');
    return 2;
  }
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
  console.log(JSON.stringify(figures));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

function toCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    console.error(`error: ${value} is not a positive whole number`);
    process.exit(2);
  }
  return number;
}
