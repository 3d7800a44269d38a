import { resolveTemporalTools, TemporalToolsNotFoundError } from './temporal-tools';

// Finds or installs the Temporal CLI and the time-skipping test server, then prints their paths.
try {
  const tools = resolveTemporalTools({ log: (line) => console.log(line) });
  console.log(`temporal CLI:         ${tools.cliPath}`);
  console.log(`temporal test server: ${tools.testServerPath}`);
} catch (error) {
  if (error instanceof TemporalToolsNotFoundError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
