import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Voucher } from '../../src/domain/voucher';
import type { TestDatabase } from './vb-test-database';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const WRITER_SCRIPT = join(REPOSITORY_ROOT, 'tests', 'fixtures', 'vb-voucher-writer.ts');
const WRITER_TIMEOUT_MS = 90_000;

/** A writer process that has started and waits for the signal to write. */
export interface WriterProcess {
  /** Resolves when the process has opened its connection and waits. */
  ready: Promise<void>;
  /** Lets the process write. */
  go(): void;
  /** The process's results: one write result, or `{ error }`, per voucher. */
  results: Promise<unknown[]>;
}

/** Starts a process with its own connection to `database` that writes `vouchers` at once after `go()`. */
export function startWriterProcess(database: TestDatabase, vouchers: Voucher[], runDate: string): WriterProcess {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', WRITER_SCRIPT, JSON.stringify(database), JSON.stringify({ vouchers, runDate })],
    { cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), WRITER_TIMEOUT_MS);

  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const results = new Promise<unknown[]>((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const lastLine = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !lastLine.startsWith('[')) {
        reject(new Error(`Writer process exited with ${code}: ${stderr || stdout}`));
        return;
      }
      resolve(JSON.parse(lastLine) as unknown[]);
    });
  });
  // A process that dies before "ready" must fail the test instead of hanging it.
  const readyOrExit = Promise.race([ready, results.then(() => undefined)]);

  return {
    ready: readyOrExit,
    go: () => child.stdin.end('go\n'),
    results,
  };
}
