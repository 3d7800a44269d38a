import type { AdminAction } from '../activities/contracts';
import type { InvoiceStatus, LedgerStatus } from '../domain/ledger';
import type { VoucherKey } from '../domain/voucher';
import type { InvoiceProgress, InvoiceStep, ReimportResult } from './definitions';

/** Client settings the invoice workflow follows, taken from the clients file when the workflow starts. */
export interface InvoiceWorkflowSettings {
  /** Statuses written back to PM. */
  statusWriteBack: Record<LedgerStatus, boolean>;
  /** First delay of the status watch, in seconds. */
  statusInitialSeconds: number;
  /** Maximum delay between two status reads, in seconds. */
  statusMaxSeconds: number;
  /**
   * The client's status sweep signals status changes, so the watch reads on its own only as a fallback.
   * @default false, the backing-off schedule of `statusInitialSeconds` and `statusMaxSeconds`
   */
  statusSweep?: boolean;
  /**
   * First fallback read under the sweep, in seconds; it doubles after each fallback read that finds no change.
   * @default 86 400 (one day)
   */
  statusFallbackSeconds?: number;
  /** Hold the invoice for an admin's approval before posting. */
  requireApproval: boolean;
  /** How long an unknown customer may wait for the master-data integration, in hours. */
  customerGraceHours: number;
  /** How long the invoice waits in NeedsAttention for a retry before the workflow ends, in days. */
  needsAttentionTimeoutDays: number;
  /**
   * History length after which the watch continues as new, in events.
   * @default 2000, or earlier when Temporal suggests it
   */
  maxHistoryEvents?: number;
}

/** State of the watch that a run hands to the next one when it continues as new. */
export interface CarriedInvoiceState {
  invoiceGuid: string;
  key: VoucherKey;
  dueDate: string;
  stepsDone: InvoiceStep[];
  voucherNumber: number | null;
  batchNumber: number | null;
  /** Workflow time of the posting, epoch milliseconds. */
  postedAtMs: number;
  status: InvoiceStatus;
  statusInPm: LedgerStatus | null;
  remainingOre: number | null;
  lastPollAt: string | null;
  adminActions: InvoiceProgress['adminActions'];
  /** Fallback reads in a row that found no change, which set the next fallback delay under the sweep. */
  quietFallbackReads?: number;
  /** Number of runs before this one. */
  continuedRuns: number;
}

/** Input of the invoice workflow. */
export interface InvoiceWorkflowInput {
  client: string;
  invoiceNumber: string;
  invoiceGuid?: string;
  settings: InvoiceWorkflowSettings;
  /** Approval given at start, by an admin's `import` command. */
  approvedBy?: AdminAction;
  /** Present when a run continues as new in the status watch. */
  carried?: CarriedInvoiceState;
}

/** Outcome of an invoice workflow. */
export interface InvoiceWorkflowResult {
  status: InvoiceStatus;
  voucherNumber: number | null;
  batchNumber: number | null;
  /** Set when the workflow ended in NeedsAttention because no retry came in time. */
  attention?: { errorType: string; message: string };
}

/** A re-import request waiting for the workflow to carry it out. */
export interface PendingReimport {
  action: AdminAction;
  result?: ReimportResult;
  failure?: { type: string; message: string };
}
