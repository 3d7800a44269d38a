import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AdminAction } from '../activities/contracts';
import type { InvoiceStatus } from '../domain/ledger';

// Workflow ids, signals, queries and updates shared by the workflows and the admin command line.

/** Returns the id of an invoice's workflow: `invoice/<client>/<invoice number>`. */
export function invoiceWorkflowId(client: string, invoiceNumber: string): string {
  return `invoice/${client}/${invoiceNumber}`;
}

/**
 * Returns the id of the workflow for a second PM invoice with the number of an existing invoice workflow. That
 * workflow stops in NeedsAttention at its fetch, where the duplicate number is found, so that an operator finds it.
 */
export function duplicateInvoiceWorkflowId(client: string, invoiceNumber: string, invoiceGuid: string): string {
  return `${invoiceWorkflowId(client, invoiceNumber)}/${invoiceGuid}`;
}

/** Returns the id of a client's sync workflow: `sync/<client>`. */
export function syncWorkflowId(client: string): string {
  return `sync/${client}`;
}

/** Returns the id of a client's status sweep workflow: `sweep/<client>`. */
export function sweepWorkflowId(client: string): string {
  return `sweep/${client}`;
}

/** Steps of the invoice workflow, in order, as the progress query lists them. */
export type InvoiceStep = 'fetchInvoice' | 'mapInvoiceToVoucher' | 'postVoucherToBatch' | 'attachInvoicePdf';

/** Progress of one invoice, as the `progress` query returns it. */
export interface InvoiceProgress {
  client: string;
  invoiceNumber: string;
  customerNumber: string | null;
  status: InvoiceStatus;
  stepsDone: InvoiceStep[];
  voucherNumber: number | null;
  batchNumber: number | null;
  /** Amount still to be paid, in øre, from the last status read. */
  remainingOre: number | null;
  /** Last status written to PM. */
  statusInPm: InvoiceStatus | null;
  /** Workflow time of the last status read, ISO 8601. */
  lastPollAt: string | null;
  /** Workflow time of the next planned status read, ISO 8601. */
  nextPollAt: string | null;
  /** Reason the invoice needs a person, while status is NeedsAttention. */
  attention: { errorType: string; message: string; since: string } | null;
  /** Admin actions received by this run, oldest first. */
  adminActions: { action: string; by: string; reason: string; at: string }[];
}

/** Payload of `refreshStatus`: who asked, and for the status sweep, what it saw. */
export interface RefreshStatusRequest {
  by?: string;
  reason?: string;
  /** Status the sweep read, for the history; the workflow reads the status itself. */
  status?: string;
  /** Remaining amount in øre that the sweep read. */
  remainingOre?: number;
}

/** Wakes the status watch for an immediate read of Visma Business. */
export const refreshStatusSignal = defineSignal<[RefreshStatusRequest?]>('refreshStatus');

/** Runs the failed step again after a person fixed the cause; accepted while the invoice needs attention. */
export const retrySignal = defineSignal<[AdminAction]>('retry');

/** Approves the posting of an invoice held for approval. */
export const approveSignal = defineSignal<[AdminAction]>('approve');

/** Returns the invoice's progress. */
export const progressQuery = defineQuery<InvoiceProgress>('progress');

/** Result of a re-import. */
export interface ReimportResult {
  outcome: 'created' | 'unchanged' | 'replaced';
  voucherNumber: number;
  batchNumber: number;
}

/**
 * Fetches the invoice again and replaces its waiting voucher. Rejected with a `ReimportRejected` failure once the
 * voucher is in the ledger, because a posted voucher can only be corrected by a credit note.
 */
export const reimportUpdate = defineUpdate<ReimportResult, [AdminAction]>('reimport');

/** Progress of a client's sync workflow. */
export interface SyncProgress {
  client: string;
  cursor: string | null;
  passes: number;
  invoicesStarted: number;
  invoicesAlreadyKnown: number;
  lastPassAt: string | null;
  nextPassAt: string | null;
  stopping: boolean;
}

/** Returns the sync workflow's progress. */
export const syncProgressQuery = defineQuery<SyncProgress>('syncProgress');

/** Asks the sync workflow to finish after its current pass. */
export const stopSyncSignal = defineSignal<[AdminAction]>('stopSync');

/** Wakes the sync workflow for an immediate pass. */
export const syncNowSignal = defineSignal('syncNow');

/** Progress of a backfill. */
export interface BackfillProgress {
  client: string;
  /** Invoices found in the date range; null until the list is read. */
  found: number | null;
  started: number;
  alreadyKnown: number;
  done: boolean;
}

/** Returns the backfill's progress. */
export const backfillProgressQuery = defineQuery<BackfillProgress>('backfillProgress');

/** Progress of a client's status sweep. */
export interface SweepProgress {
  client: string;
  passes: number;
  /** Invoices whose status change the sweep signalled, over every pass. */
  invoicesSignalled: number;
  lastPassAt: string | null;
  nextPassAt: string | null;
  stopping: boolean;
  /** Passes that failed after their retries, over every pass. */
  failedPasses: number;
  /** Error of the last failed pass in this run. */
  lastFailure: { message: string; at: string } | null;
  /** Invoices, newest first, whose status changed after their workflow closed, so PM did not receive it. */
  closedInvoices: string[];
}

/** Closed invoices that the status sweep reports by number, per pass and in its progress. */
export const MAX_CLOSED_REPORTED = 20;

/** Returns the status sweep's progress. */
export const sweepProgressQuery = defineQuery<SweepProgress>('sweepProgress');

/** Asks the status sweep to finish after its current pass. */
export const stopSweepSignal = defineSignal<[AdminAction]>('stopSweep');
