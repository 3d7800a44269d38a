import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { ConfigError, loadClientsFile } from '../config/load-config';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { chaosExecutorWrapper, CHAOS_SQL_ENV } from '../sandbox/chaos/fault-injecting-executor';
import { createJsonLogger } from './json-logger';
import { createJournalWorker } from './journal-worker';
import { startMissingStatusSweeps } from './sweep-guard';

/** Environment variable with the worker's log level: TRACE, DEBUG, INFO (the default), WARN or ERROR. */
export const LOG_LEVEL_ENV = 'JOURNAL_IMPORT_LOG_LEVEL';

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * Runs the worker until SIGINT or SIGTERM: Temporal's runtime catches both, stops polling and lets running
 * activities finish within the shutdown grace time. Logs are JSON lines on stdout; Prometheus metrics are served
 * on the clients file's `metricsAddress` when it is set.
 */
export async function runWorkerProcess(configFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadClientsFile(configFile);
  const logger = createJsonLogger(logLevel(env));
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

  // Test-only: the chaos test sets this variable to make seeded statements fail; see fault-injecting-executor.ts.
  const wrapExecutor = chaosExecutorWrapper(env, (fault) => logger.warn('injected SQL fault', { ...fault }));
  if (wrapExecutor) logger.warn(`${CHAOS_SQL_ENV} is set: SQL statements fail on purpose, for the chaos test only`);

  const journal = await createJournalWorker({
    config,
    connection: nativeConnection,
    client,
    logger: pmLogger,
    env,
    wrapExecutor,
  });
  logger.info('worker started', {
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    clients: config.clients.map((entry) => entry.key),
    metricsAddress: config.metricsAddress ?? null,
  });
  const running = journal.worker.run();
  // The rejection is handled by the await below; this keeps it from counting as unhandled in the meantime.
  running.catch(() => undefined);
  try {
    await startMissingStatusSweeps(client, config, logger);
    await running;
  } finally {
    await journal.close();
    await clientConnection.close();
    await nativeConnection.close();
    logger.info('worker stopped');
  }
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const value = env[LOG_LEVEL_ENV]?.trim().toUpperCase();
  if (!value) return 'INFO';
  if (!LOG_LEVELS.includes(value as LogLevel)) {
    throw new ConfigError(
      `${LOG_LEVEL_ENV}=${JSON.stringify(env[LOG_LEVEL_ENV])} is invalid; expected ${LOG_LEVELS.join(', ')}`,
    );
  }
  return value as LogLevel;
}
