import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { ClientRegistry, createClientRegistry } from '../activities/client-registry';
import type { ClientsFile } from '../config/clients-file';
import type { PmLogger } from '../project-management/logger';
import type { SqlExecutor } from '../visma-business/sql-executor';

/** Options of {@link createJournalWorker}. */
export interface JournalWorkerOptions {
  config: ClientsFile;
  /** Connection the worker polls on. */
  connection: NativeConnection;
  /** Client the sync activities start invoice workflows with. */
  client: Client;
  /** Receives the PM clients' records. */
  logger?: PmLogger;
  /** Environment the secrets are read from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Wraps each client's Visma Business executor; the chaos test injects faults with it. */
  wrapExecutor?: (executor: SqlExecutor, client: string) => SqlExecutor;
}

/** A worker with the resources it opened, which {@link JournalWorker.close} releases. */
export interface JournalWorker {
  worker: Worker;
  registry: ClientRegistry;
  close(): Promise<void>;
}

/**
 * Creates the worker of every client in the clients file: the invoice, sync, backfill and preview workflows and
 * the activities over each client's PM and Visma Business.
 */
export async function createJournalWorker(options: JournalWorkerOptions): Promise<JournalWorker> {
  const registry = createClientRegistry(options.config, {
    logger: options.logger,
    env: options.env,
    wrapExecutor: options.wrapExecutor,
  });
  const taskQueue = options.config.temporal.taskQueue;
  try {
    const worker = await Worker.create({
      connection: options.connection,
      namespace: options.config.temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('../workflows'),
      activities: createActivities(registry, options.client, taskQueue),
      // Activities that are running when a shutdown starts get this long to finish.
      shutdownGraceTime: '30 seconds',
    });
    return { worker, registry, close: () => registry.close() };
  } catch (error) {
    await registry.close();
    throw error;
  }
}
