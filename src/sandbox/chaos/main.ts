import path from 'node:path';
import { Command } from 'commander';
import { chaosExitCode, ChaosRunInterruptedError, runChaos } from './chaos-run';

// `npm run chaos`: the sandbox under injected faults, checked invoice by invoice. The last line is a JSON report.
const program = new Command('npm run chaos --')
  .description('Run the sandbox under injected faults and check that every invoice reached VB once, with its PDF.')
  .option('--invoices <count>', 'issued invoices seeded in the PM simulator', toInteger, 200)
  .option('--seed <number>', 'seed of the PM data and of the fault plan', toInteger, 1)
  .option('--timeout-minutes <minutes>', 'report what did not settle after this many minutes', toInteger, 15)
  .option('--fault-window <seconds>', 'seconds from the start within which PM and server faults fall', toInteger, 150)
  .option('--dir <folder>', 'folder for the run files (replaced at each run)', '.chaos')
  .parse(process.argv);

const options = program.opts<{
  invoices: number;
  seed: number;
  timeoutMinutes: number;
  faultWindow: number;
  dir: string;
}>();

const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nStopping...');
    interrupt.abort();
  });
}

runChaos({
  dir: path.resolve(options.dir),
  invoices: options.invoices,
  seed: options.seed,
  timeoutMinutes: options.timeoutMinutes,
  faultWindowSeconds: options.faultWindow,
  print: (line) => console.log(line),
  signal: interrupt.signal,
}).then(
  ({ report, problems }) => {
    for (const problem of problems) {
      console.log(`invoice ${problem.invoiceNumber}: ${problem.category}: ${problem.detail}`);
    }
    if (report.faultKindsMissing.length > 0) {
      console.log(`Faults never injected: ${report.faultKindsMissing.join(', ')}`);
    }
    console.log(JSON.stringify(report));
    process.exit(chaosExitCode(report));
  },
  (error: unknown) => {
    if (error instanceof ChaosRunInterruptedError) {
      console.log(error.message);
      process.exit(130);
    }
    console.error(`Chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

function toInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`error: ${value} is not a whole number`);
    process.exit(2);
  }
  return number;
}
