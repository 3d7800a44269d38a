import type { InvoiceForMapping } from '../domain/invoice';
import type { LedgerStatus } from '../domain/ledger';
import type { Voucher, VoucherKey } from '../domain/voucher';

// Inputs and results of the activities, as they appear in the workflow history. Workflows import these types
// only; the implementations live beside them.

/** An invoice of one client, by number and, once known, by PM's identifier. */
export interface InvoiceRef {
  client: string;
  invoiceNumber: string;
  invoiceGuid?: string;
}

/** Result of `fetchInvoice`. */
export interface FetchedInvoice {
  invoice: InvoiceForMapping;
  /** Status PM shows now, read from its status flags; null when its flags mark none of Sent, Open and Paid. */
  statusInPm: LedgerStatus | null;
}

/** Input of `mapInvoiceToVoucher`. */
export interface MapInvoiceInput {
  client: string;
  invoice: InvoiceForMapping;
}

/** Result of `mapInvoiceToVoucher`. */
export interface MappedInvoice {
  voucher: Voucher;
  /** Total including VAT in øre, positive for an invoice and negative for a credit note. */
  totalOre: number;
}

/** Input of `postVoucherToBatch`. */
export interface PostVoucherInput {
  client: string;
  voucher: Voucher;
  /** Person and reason of the re-import, when this write replaces an earlier one. */
  reimport?: AdminAction;
}

/** Result of `postVoucherToBatch`. */
export interface PostedVoucher {
  voucherNumber: number;
  batchNumber: number;
  outcome: 'created' | 'unchanged' | 'replaced';
}

/** Input of `attachInvoicePdf`. */
export interface AttachPdfInput {
  client: string;
  invoiceGuid: string;
  key: VoucherKey;
}

/** Result of `attachInvoicePdf`. */
export interface AttachedPdf {
  outcome: 'stored' | 'unchanged';
  bytes: number;
}

/** Input of `readLedgerStatus`. */
export interface ReadLedgerStatusInput {
  client: string;
  key: VoucherKey;
}

/** Result of `readLedgerStatus`; `status` is null when Visma Business has no voucher for the key. */
export interface LedgerStatusReading {
  status: LedgerStatus | null;
  remainingOre: number;
  batchNumber: number | null;
  voucherNumber: number | null;
}

/** Input of `updateInvoiceStatus`. */
export interface UpdateInvoiceStatusInput {
  client: string;
  invoiceNumber: string;
  invoiceGuid: string;
  status: LedgerStatus;
}

/** Result of `updateInvoiceStatus`. */
export interface UpdatedInvoiceStatus {
  pmStatusGuid: string;
  pmStatusName: string;
}

/** Input of `listChangedInvoices`. */
export interface ListChangedInvoicesInput {
  client: string;
  /** ISO 8601 time; invoices changed at or after it are listed. Absent on the first pass. */
  since: string | null;
}

/** Result of `listChangedInvoices`. */
export interface ChangedInvoices {
  invoices: { invoiceNumber: string; invoiceGuid: string }[];
  /** Cursor for the next pass. */
  nextSince: string;
}

/** Input of `listInvoicesIssuedBetween`. */
export interface ListInvoicesInRangeInput {
  client: string;
  /** First invoice date, `YYYY-MM-DD`. */
  from: string;
  /** Last invoice date, `YYYY-MM-DD`, inclusive. */
  to: string;
}

/** Input of `startInvoiceWorkflows`. */
export interface StartInvoiceWorkflowsInput {
  client: string;
  invoices: { invoiceNumber: string; invoiceGuid: string }[];
}

/** Result of `startInvoiceWorkflows`. */
export interface StartedInvoiceWorkflows {
  started: number;
  alreadyKnown: number;
}

/** Input of `sweepLedgerStatuses`. */
export interface SweepLedgerStatusesInput {
  client: string;
}

/** Result of `sweepLedgerStatuses`. */
export interface SweptLedgerStatuses {
  /** Invoices whose status or remaining amount changed since the last sweep. */
  changed: number;
  /** Changed invoices whose running workflow received `refreshStatus`. */
  signalled: number;
  /** Changed invoices whose workflow completed as Paid, so it wrote Paid to PM itself. */
  alreadyPaid?: number;
  /** Changed invoices whose workflow closed before Paid, so their new status is not written to PM. */
  closed: number;
  /** Numbers of the closed invoices of {@link closed}, at most `MAX_CLOSED_REPORTED` of them. */
  closedInvoiceNumbers?: string[];
}

/** Person and reason of an admin action, recorded in the workflow history. */
export interface AdminAction {
  by: string;
  reason: string;
}

/** Every activity the workflows call, by name. */
export interface JournalActivities {
  fetchInvoice(input: InvoiceRef): Promise<FetchedInvoice>;
  mapInvoiceToVoucher(input: MapInvoiceInput): Promise<MappedInvoice>;
  postVoucherToBatch(input: PostVoucherInput): Promise<PostedVoucher>;
  attachInvoicePdf(input: AttachPdfInput): Promise<AttachedPdf>;
  readLedgerStatus(input: ReadLedgerStatusInput): Promise<LedgerStatusReading>;
  updateInvoiceStatus(input: UpdateInvoiceStatusInput): Promise<UpdatedInvoiceStatus>;
  listChangedInvoices(input: ListChangedInvoicesInput): Promise<ChangedInvoices>;
  listInvoicesIssuedBetween(input: ListInvoicesInRangeInput): Promise<ChangedInvoices>;
  startInvoiceWorkflows(input: StartInvoiceWorkflowsInput): Promise<StartedInvoiceWorkflows>;
  sweepLedgerStatuses(input: SweepLedgerStatusesInput): Promise<SweptLedgerStatuses>;
}
