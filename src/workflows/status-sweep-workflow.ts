import {
  ActivityFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JournalActivities } from '../activities/contracts';
import { workflowTimeIso, workflowTimeMs } from './clock';
import { MAX_CLOSED_REPORTED, stopSweepSignal, SweepProgress, sweepProgressQuery } from './definitions';

// A pass is tried five times, 10 to 80 seconds apart. One that still fails, for example while Visma Business is
// unreachable or a sweep column is missing, is logged and left to the next pass, so the sweep never ends on an
// error. A stop request waits for the pass: about 2.5 minutes when each attempt fails at once, up to about half an
// hour when each runs into its timeout. The invoices' own fallback reads cover the time in between.
const { sweepLedgerStatuses } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/** Passes per run before the sweep continues as new, which keeps its history short. */
const PASSES_PER_RUN = 100;

/** Input of the status sweep workflow; the counters carry over when it continues as new. */
export interface StatusSweepInput {
  client: string;
  /** Time between two passes, in seconds. */
  intervalSeconds: number;
  passes?: number;
  invoicesSignalled?: number;
  failedPasses?: number;
  closedInvoices?: string[];
}

/**
 * Watches the ledger status of every imported invoice of one client that is not paid yet. Each pass reads, in one
 * statement, the invoices whose status changed since the last pass and signals only their workflows, then sleeps
 * its interval. A pass costs one activity and one timer however many invoices are watched, and each change costs
 * one signal.
 */
export async function statusSweepWorkflow(input: StatusSweepInput): Promise<SweepProgress> {
  const progress: SweepProgress = {
    client: input.client,
    passes: input.passes ?? 0,
    invoicesSignalled: input.invoicesSignalled ?? 0,
    lastPassAt: null,
    nextPassAt: null,
    stopping: false,
    failedPasses: input.failedPasses ?? 0,
    lastFailure: null,
    closedInvoices: input.closedInvoices ?? [],
  };

  setHandler(sweepProgressQuery, () => progress);
  setHandler(stopSweepSignal, (action) => {
    log.info('status sweep stop requested', { client: input.client, by: action.by, reason: action.reason });
    progress.stopping = true;
  });

  for (let passInRun = 1; ; passInRun++) {
    try {
      const swept = await sweepLedgerStatuses({ client: input.client });
      progress.passes += 1;
      progress.invoicesSignalled += swept.signalled;
      progress.lastPassAt = workflowTimeIso();
      if (swept.changed > 0) log.info('status sweep signalled changed invoices', { client: input.client, ...swept });
      if (swept.closed > 0) {
        progress.closedInvoices = [...(swept.closedInvoiceNumbers ?? []), ...progress.closedInvoices].slice(
          0,
          MAX_CLOSED_REPORTED,
        );
      }
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      progress.failedPasses += 1;
      progress.lastFailure = { message: error.cause?.message ?? error.message, at: workflowTimeIso() };
      log.warn('status sweep pass failed; the next pass tries again', {
        client: input.client,
        error: progress.lastFailure.message,
      });
    }

    if (progress.stopping) return progress;
    if (passInRun >= PASSES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof statusSweepWorkflow>({
        client: input.client,
        intervalSeconds: input.intervalSeconds,
        passes: progress.passes,
        invoicesSignalled: progress.invoicesSignalled,
        failedPasses: progress.failedPasses,
        closedInvoices: progress.closedInvoices,
      });
    }

    const intervalMs = input.intervalSeconds * 1000;
    progress.nextPassAt = new Date(workflowTimeMs() + intervalMs).toISOString();
    await condition(() => progress.stopping, intervalMs);
    progress.nextPassAt = null;
    if (progress.stopping) return progress;
  }
}
