import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import type { ClientsFile } from '../config/clients-file';
import { startSweepWorkflow } from '../starter/sweep-commands';
import { syncWorkflowId } from '../workflows/definitions';

/**
 * Starts the status sweep of every client whose sync runs without one, for example a sync started before the
 * sweep existed or a sweep that ended. Invoices of such a client would otherwise read VB only on their fallback
 * delay. A client whose sync does not run is left alone, and so is one with `polling.statusSweep` off. A failure
 * is logged and does not stop the worker.
 */
export async function startMissingStatusSweeps(client: Client, config: ClientsFile, logger: Logger): Promise<void> {
  for (const settings of config.clients) {
    if (!settings.polling.statusSweep) continue;
    try {
      if (!(await syncRuns(client, settings.key))) continue;
      if ((await startSweepWorkflow(client, config, settings)) === 'started') {
        logger.info('status sweep started, because the sync of the client ran without one', { client: settings.key });
      }
    } catch (error) {
      logger.warn('status sweep check failed; start it with `journal-import sweep start`', {
        client: settings.key,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

async function syncRuns(client: Client, clientKey: string): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(syncWorkflowId(clientKey)).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
