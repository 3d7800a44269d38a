import path from 'node:path';
import { Command } from 'commander';
import { runSandbox } from './sandbox-run';

// `npm start`: the whole product on this machine with embedded defaults.
const program = new Command('npm start --')
  .description(
    'Run the journal import sandbox: Temporal dev server and UI, PM simulator, sandbox VB, worker, accountant.',
  )
  .option(
    '--once',
    'stop by itself when every invoice is Paid or NeedsAttention, print a summary, exit 0 if consistent',
  )
  .option('--invoices <count>', 'issued invoices seeded in the PM simulator', toInteger, 30)
  .option('--seed <number>', 'seed of the PM simulator data', toInteger, 1)
  .option('--ui-port <port>', 'port of the Temporal Web UI on 127.0.0.1 (0 picks a free one)', toPort, 8233)
  .option('--timeout-minutes <minutes>', 'with --once, fail after this many minutes', toInteger, 15)
  .option('--dir <folder>', 'folder for the sandbox files', '.sandbox')
  .parse(process.argv);

const options = program.opts<{
  once?: boolean;
  invoices: number;
  seed: number;
  uiPort: number;
  timeoutMinutes: number;
  dir: string;
}>();

runSandbox({
  dir: path.resolve(options.dir),
  invoices: options.invoices,
  seed: options.seed,
  uiPort: options.uiPort,
  once: options.once ?? false,
  timeoutMinutes: options.timeoutMinutes,
  print: (line) => console.log(line),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Sandbox failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

function toPort(value: string): number {
  const port = toInteger(value);
  if (port > 65_535) {
    console.error(`error: ${value} is not a TCP port (0 to 65535)`);
    process.exit(2);
  }
  return port;
}

function toInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`error: ${value} is not a whole number`);
    process.exit(2);
  }
  return number;
}
