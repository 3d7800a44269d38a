import { randomUUID } from 'node:crypto';
import { resolveTemporalTools } from '../../src/sandbox/temporal-tools';
import { TEST_RUN_MARKER } from './test-run-processes';

// Installs the Temporal tools once before any test file runs, and marks this run's processes.
export default function globalSetup(): void {
  const tools = resolveTemporalTools({ log: (line) => process.stdout.write(`\n[temporal tools] ${line}`) });
  process.env.TEMPORAL_CLI_PATH = tools.cliPath;
  process.env.TEMPORAL_TEST_SERVER_PATH = tools.testServerPath;
  process.env[TEST_RUN_MARKER] = randomUUID();
}
