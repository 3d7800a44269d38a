import { log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AdminAction, JournalActivities } from '../activities/contracts';
import { BackfillProgress, backfillProgressQuery } from './definitions';

const { listInvoicesIssuedBetween, startInvoiceWorkflows } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** Invoices started by one activity call, so that progress moves in visible steps. */
const CHUNK_SIZE = 50;

/** Input of the backfill workflow. */
export interface BackfillInput {
  client: string;
  /** First invoice date, `YYYY-MM-DD`. */
  from: string;
  /** Last invoice date, `YYYY-MM-DD`, inclusive. */
  to: string;
  requestedBy: AdminAction;
}

/**
 * Starts an invoice workflow for every invoice issued in PM between two dates, for one client. Invoices already
 * imported are skipped, because each invoice has one workflow id and a second start is a no-op.
 */
export async function backfillWorkflow(input: BackfillInput): Promise<BackfillProgress> {
  const progress: BackfillProgress = { client: input.client, found: null, started: 0, alreadyKnown: 0, done: false };
  setHandler(backfillProgressQuery, () => progress);
  log.info('backfill started', { client: input.client, from: input.from, to: input.to, by: input.requestedBy.by });

  const { invoices } = await listInvoicesIssuedBetween({ client: input.client, from: input.from, to: input.to });
  progress.found = invoices.length;

  for (let offset = 0; offset < invoices.length; offset += CHUNK_SIZE) {
    const chunk = invoices.slice(offset, offset + CHUNK_SIZE);
    const result = await startInvoiceWorkflows({ client: input.client, invoices: chunk });
    progress.started += result.started;
    progress.alreadyKnown += result.alreadyKnown;
  }

  progress.done = true;
  return progress;
}
