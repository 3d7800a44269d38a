import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { invoiceWorkflowStartOptions, type InvoiceWorkflowMemo } from '../config/invoice-workflow-options';
import { duplicateInvoiceWorkflowId } from '../workflows/definitions';
import type { PmInvoiceListItem } from '../project-management/invoice-schemas';
import type { ClientRegistry } from './client-registry';
import type { ChangedInvoices, JournalActivities } from './contracts';
import { classifyFailures } from './failures';
import { waitOutRateLimits } from './rate-limit';

type SyncActivities = Pick<
  JournalActivities,
  'listChangedInvoices' | 'listInvoicesIssuedBetween' | 'startInvoiceWorkflows'
>;

/**
 * How far the next sync pass reaches back before the newest change seen, in milliseconds. The cursor and
 * `lastUpdatedDateTime` both come from PM's clock, and PM compares with "greater or equal", so the newest invoice
 * is listed again by the next pass and nothing is missed without an overlap.
 */
const CURSOR_OVERLAP_MS = 0;

/** Invoice workflows that `startInvoiceWorkflows` starts at the same time. */
const START_CONCURRENCY = 16;

/** Progress of `startInvoiceWorkflows`, sent as heartbeat details so that a retry resumes where it stopped. */
interface StartProgress {
  /** Invoices of the input handled, from the first. */
  done: number;
  started: number;
  alreadyKnown: number;
}

/** Creates the activities of the sync and backfill workflows. */
export function createSyncActivities(registry: ClientRegistry, temporal: Client, taskQueue: string): SyncActivities {
  return {
    /** Lists issued invoices changed since the cursor and returns the cursor for the next pass. */
    listChangedInvoices: (input) =>
      classifyFailures(async () => {
        const { pm } = registry.get(input.client);
        const startedAt = Date.now();
        const invoices = await whileHeartbeating(() => pm.listIssuedInvoicesChangedSince(input.since));
        return toChangedInvoices(invoices, input.since, startedAt);
      }),

    /** Lists issued invoices whose invoice date lies between two dates. */
    listInvoicesIssuedBetween: (input) =>
      classifyFailures(async () => {
        const { pm } = registry.get(input.client);
        const issued = await whileHeartbeating(() => pm.listIssuedInvoicesBetween(input.from, input.to));
        // PM's date filter may compare date-times, so the range is checked again on the calendar date.
        return toChangedInvoices(
          issued.filter((invoice) => inRange(invoice.date, input.from, input.to)),
          null,
          Date.now(),
        );
      }),

    /**
     * Starts an invoice workflow for each invoice, a few at a time; an invoice that already has one is counted and
     * left alone. A retry after a crash resumes after the last progress it reported in a heartbeat. Invoices handled
     * after that heartbeat are handled again, which starts nothing twice but counts them as already known.
     */
    startInvoiceWorkflows: (input) =>
      classifyFailures(async () => {
        const { settings, pm } = registry.get(input.client);
        const progress = resumedProgress(activityInfo().heartbeatDetails, input.invoices.length);
        while (progress.done < input.invoices.length) {
          const batch = input.invoices.slice(progress.done, progress.done + START_CONCURRENCY);
          const reported = { ...progress };
          const outcomes = await Promise.all(
            batch.map(async (invoice) => {
              const options = invoiceWorkflowStartOptions(settings, taskQueue, invoice);
              try {
                await temporal.workflow.start('invoiceWorkflow', options);
                return 'started';
              } catch (error) {
                if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
                if (!invoice.invoiceGuid) return 'already known';
                const importedGuid = await guidOfExistingWorkflow(temporal, options.workflowId);
                if (importedGuid === invoice.invoiceGuid) return 'already known';
                if (importedGuid === undefined) {
                  // A workflow started by number has no guid in its memo until its fetch, so the count of PM
                  // invoices with the number decides. With several, each gets a duplicate workflow, the imported one
                  // too, and that one stops at its fetch with nothing written, like the others.
                  const invoiceNumber = Number(invoice.invoiceNumber);
                  const sameNumber = await waitOutRateLimits(() => pm.findInvoicesByNumber(invoiceNumber));
                  if (sameNumber.length < 2) return 'already known';
                }
                return startDuplicateWorkflow(temporal, options, invoice.invoiceGuid, importedGuid);
              } finally {
                // Each start shows that the activity is alive, even when a slow server delays the rest of the batch.
                heartbeat(reported);
              }
            }),
          );
          progress.started += outcomes.filter((outcome) => outcome === 'started').length;
          progress.alreadyKnown += outcomes.filter((outcome) => outcome === 'already known').length;
          progress.done += batch.length;
          heartbeat({ ...progress });
        }
        const { started, alreadyKnown } = progress;
        log.info('invoice workflows started', { client: input.client, started, alreadyKnown });
        return { started, alreadyKnown };
      }),
  };
}

/** Returns the PM invoice guid in the memo of the workflow `workflowId`, or undefined when it has none. */
async function guidOfExistingWorkflow(temporal: Client, workflowId: string): Promise<string | undefined> {
  const description = await temporal.workflow.getHandle(workflowId).describe();
  const guid = (description.memo as InvoiceWorkflowMemo | undefined)?.invoiceGuid;
  return typeof guid === 'string' ? guid : undefined;
}

/**
 * Starts a workflow of its own for a PM invoice whose number belongs to another PM invoice's workflow. Without it
 * the second invoice would count as already known and never reach VB. With it, the duplicate stops at its fetch
 * in NeedsAttention, after the approval hold when the client requires approval.
 */
async function startDuplicateWorkflow(
  temporal: Client,
  options: ReturnType<typeof invoiceWorkflowStartOptions>,
  invoiceGuid: string,
  importedGuid: string | undefined,
): Promise<'started' | 'already known'> {
  const [input] = options.args;
  const workflowId = duplicateInvoiceWorkflowId(input.client, input.invoiceNumber, invoiceGuid);
  try {
    await temporal.workflow.start('invoiceWorkflow', { ...options, workflowId });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return 'already known';
  }
  log.warn('PM has another invoice with the number of an invoice workflow; its own workflow stops at the fetch', {
    client: input.client,
    invoiceNumber: input.invoiceNumber,
    invoiceGuid,
    importedGuid: importedGuid ?? 'not in the memo',
    workflowId,
  });
  return 'started';
}

/** Returns the progress an earlier attempt reported, or a fresh start when there is none or it does not fit. */
function resumedProgress(details: unknown, invoiceCount: number): StartProgress {
  const { done, started, alreadyKnown } = (details ?? {}) as Partial<StartProgress>;
  const counts = [done, started, alreadyKnown];
  if (counts.every((count) => Number.isSafeInteger(count) && count! >= 0) && done! <= invoiceCount) {
    return { done: done!, started: started!, alreadyKnown: alreadyKnown! };
  }
  return { done: 0, started: 0, alreadyKnown: 0 };
}

// A listing of many pages, with in-place retries of failed pages, can outlast the heartbeat timeout.
async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => heartbeat('listing'), 10_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function toChangedInvoices(invoices: PmInvoiceListItem[], since: string | null, startedAtMs: number): ChangedInvoices {
  const numbered = invoices.filter((invoice) => invoice.number != null);
  const newest = numbered
    .map((invoice) => Date.parse(invoice.lastUpdatedDateTime ?? ''))
    .filter((time) => Number.isFinite(time))
    .reduce((latest, time) => Math.max(latest, time), Number.NEGATIVE_INFINITY);

  let nextSince: string;
  if (Number.isFinite(newest)) {
    nextSince = new Date(newest - CURSOR_OVERLAP_MS).toISOString();
  } else if (numbered.length === 0 && since !== null) {
    nextSince = since;
  } else {
    nextSince = new Date(startedAtMs - CURSOR_OVERLAP_MS).toISOString();
  }
  return {
    invoices: numbered.map((invoice) => ({ invoiceNumber: String(invoice.number), invoiceGuid: invoice.guid })),
    nextSince,
  };
}

function inRange(date: string | null | undefined, from: string, to: string): boolean {
  if (!date) return false;
  const day = date.slice(0, 10);
  return day >= from && day <= to;
}
