import { condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { JournalActivities } from '../activities/contracts';
import { workflowTimeIso, workflowTimeMs } from './clock';
import { stopSyncSignal, syncNowSignal, SyncProgress, syncProgressQuery } from './definitions';

const { listChangedInvoices } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// Heartbeats after each start, so that a worker crash delays the discovery of new invoices by half a minute only.
const { startInvoiceWorkflows } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Passes per run before the sync continues as new, which keeps its history short. */
const PASSES_PER_RUN = 100;

/** Input of the client sync workflow; `cursor` and the counters carry over when it continues as new. */
export interface ClientSyncInput {
  client: string;
  /** Time between two passes, in seconds. */
  intervalSeconds: number;
  /** ISO 8601 time from which changed invoices are listed; null lists every issued invoice. */
  cursor: string | null;
  passes?: number;
  invoicesStarted?: number;
  invoicesAlreadyKnown?: number;
}

/**
 * Discovers invoices issued in PM for one client and starts an invoice workflow for each new one, then sleeps its
 * interval. A second start of the same invoice is a no-op, so passes may overlap in time without harm.
 */
export async function clientSyncWorkflow(input: ClientSyncInput): Promise<SyncProgress> {
  const progress: SyncProgress = {
    client: input.client,
    cursor: input.cursor,
    passes: input.passes ?? 0,
    invoicesStarted: input.invoicesStarted ?? 0,
    invoicesAlreadyKnown: input.invoicesAlreadyKnown ?? 0,
    lastPassAt: null,
    nextPassAt: null,
    stopping: false,
  };
  let passRequested = false;

  setHandler(syncProgressQuery, () => progress);
  setHandler(syncNowSignal, () => {
    passRequested = true;
  });
  setHandler(stopSyncSignal, (action) => {
    log.info('sync stop requested', { client: input.client, by: action.by, reason: action.reason });
    progress.stopping = true;
  });

  for (let passInRun = 1; ; passInRun++) {
    passRequested = false;
    const changed = await listChangedInvoices({ client: input.client, since: progress.cursor });
    if (changed.invoices.length > 0) {
      const started = await startInvoiceWorkflows({ client: input.client, invoices: changed.invoices });
      progress.invoicesStarted += started.started;
      progress.invoicesAlreadyKnown += started.alreadyKnown;
      log.info('sync pass started invoice workflows', { client: input.client, ...started });
    }
    progress.cursor = changed.nextSince;
    progress.passes += 1;
    progress.lastPassAt = workflowTimeIso();

    if (progress.stopping) return progress;
    if (passInRun >= PASSES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof clientSyncWorkflow>({
        client: input.client,
        intervalSeconds: input.intervalSeconds,
        cursor: progress.cursor,
        passes: progress.passes,
        invoicesStarted: progress.invoicesStarted,
        invoicesAlreadyKnown: progress.invoicesAlreadyKnown,
      });
    }

    const intervalMs = input.intervalSeconds * 1000;
    progress.nextPassAt = new Date(workflowTimeMs() + intervalMs).toISOString();
    await condition(() => passRequested || progress.stopping, intervalMs);
    progress.nextPassAt = null;
    if (progress.stopping) return progress;
  }
}
