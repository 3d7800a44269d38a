import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO; tests show warnings and errors only.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Installed already by an earlier test file in this Jest worker.
}
