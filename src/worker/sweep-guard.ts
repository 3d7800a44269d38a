import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import type { ClientsFile } from '../config/clients-file';
import { startSweepWorkflow } from '../starter/sweep-commands';
import { sweepWorkflowId, syncWorkflowId } from '../workflows/definitions';
import type { statusSweepWorkflow } from '../workflows';

/**
 * Starts the status sweep of every client whose sync runs without one, for example a sync started before the
 * sweep existed or a sweep that was terminated. Invoices of such a client would otherwise read VB only on their
 * fallback delay. A sweep stopped with `sweep stop` stays stopped, and a client whose sync does not run or that has
 * `polling.statusSweep` off is left alone. A failure is logged and does not stop the worker.
 */
export async function startMissingStatusSweeps(client: Client, config: ClientsFile, logger: Logger): Promise<void> {
  for (const settings of config.clients) {
    if (!settings.polling.statusSweep) continue;
    try {
      if (!(await syncRuns(client, settings.key))) continue;
      if (await sweepRunsOrWasStopped(client, settings.key)) continue;
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

async function sweepRunsOrWasStopped(client: Client, clientKey: string): Promise<boolean> {
  const handle = client.workflow.getHandle<typeof statusSweepWorkflow>(sweepWorkflowId(clientKey));
  try {
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return true;
    // A sweep that ends on its own after `sweep stop` completes with `stopping` set.
    return status.name === 'COMPLETED' && (await handle.result()).stopping;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
