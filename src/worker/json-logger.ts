import { DefaultLogger, LogEntry, LogLevel } from '@temporalio/worker';

/**
 * Returns a Temporal logger that writes one JSON object per line: time, level, message and the metadata the SDK
 * and the workflows attach (workflow id, activity type, client, invoice number).
 */
export function createJsonLogger(level: LogLevel = 'INFO', write: (line: string) => void = writeStdout): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    write(JSON.stringify({ time, level: entry.level, message: entry.message, ...toPlain(entry.meta) }));
  });
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

// Errors lose their fields in JSON.stringify, so they are written as name, message and stack.
function toPlain(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta) return {};
  return Object.fromEntries(
    Object.entries(meta).map(([key, value]) => [
      key,
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
    ]),
  );
}
