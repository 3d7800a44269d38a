import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadClientsFile } from '../config/load-config';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createJsonLogger } from './json-logger';
import { createJournalWorker } from './journal-worker';

/**
 * Runs the worker until SIGINT or SIGTERM: Temporal's runtime catches both, stops polling and lets running
 * activities finish within the shutdown grace time. Logs are JSON lines on stdout; Prometheus metrics are served
 * on the clients file's `metricsAddress` when it is set.
 */
export async function runWorkerProcess(configFile: string): Promise<void> {
  const config = loadClientsFile(configFile);
  const logger = createJsonLogger('INFO');
  Runtime.install({
    logger,
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    ...(config.metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.metricsAddress } } } }
      : {}),
  });

  const connectionOptions = temporalConnectionOptions(config.temporal);
  const nativeConnection = await NativeConnection.connect(connectionOptions);
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const pmLogger = {
    info: (message: string, fields?: Record<string, unknown>) => logger.info(message, fields),
    warn: (message: string, fields?: Record<string, unknown>) => logger.warn(message, fields),
    error: (message: string, fields?: Record<string, unknown>) => logger.error(message, fields),
  };

  const journal = await createJournalWorker({ config, connection: nativeConnection, client, logger: pmLogger });
  logger.info('worker started', {
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    clients: config.clients.map((entry) => entry.key),
    metricsAddress: config.metricsAddress ?? null,
  });
  try {
    await journal.worker.run();
  } finally {
    await journal.close();
    await clientConnection.close();
    await nativeConnection.close();
    logger.info('worker stopped');
  }
}
