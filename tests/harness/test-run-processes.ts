import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** Environment variable that marks every process started by one Jest run, servers included. */
export const TEST_RUN_MARKER = 'JOURNAL_IMPORT_TEST_RUN';

/**
 * Returns the ids of running processes of one of `executables` whose environment carries `marker=value`.
 * Servers inherit the environment of the test that starts them, so this finds them even when the SDK
 * started them. Returns an empty list where `/proc` does not exist.
 */
export function findMarkedProcesses(marker: string, value: string, executables: string[]): number[] {
  const needle = `${marker}=${value}`;
  const wanted = new Set(executables.map((file) => realpathSync(file)));
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }

  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!wanted.has(readlinkSync(`/proc/${pid}/exe`))) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (environ.includes(needle)) pids.push(pid);
    } catch {
      // The process ended or belongs to someone else.
    }
  }
  return pids;
}
