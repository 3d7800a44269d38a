import { findMarkedProcesses, TEST_RUN_MARKER } from './test-run-processes';

// Kills whatever server this run started and a crashed test left behind, and says so.
export default function globalTeardown(): void {
  const marker = process.env[TEST_RUN_MARKER];
  if (!marker) return;

  const executables = [process.env.TEMPORAL_CLI_PATH, process.env.TEMPORAL_TEST_SERVER_PATH].filter(
    (file): file is string => file !== undefined,
  );
  const leftovers = findMarkedProcesses(TEST_RUN_MARKER, marker, executables);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (leftovers.length > 0) {
    process.stderr.write(`\nKilled ${leftovers.length} process(es) left running by tests: ${leftovers.join(', ')}\n`);
  }
}
