import type { SummaryRow, UnknownCustomers } from '../demo/sandbox-summary';
import type { FaultsInjected } from './fault-counts';
import type { VoucherFinding } from './voucher-check';

/** The figures of a chaos run, printed as the last line of its output. */
export interface ChaosReport {
  seed: number;
  /** Issued invoices in PM. */
  invoices: number;
  /** Vouchers found in Visma Business for them, waiting or posted. */
  vouchers: number;
  /** Invoices with more than one voucher, or with a voucher whose lines were written twice. */
  duplicates: number;
  /** Invoices that should have been imported but have no voucher. */
  missing: number;
  /**
   * Invoices whose voucher lines differ from the mapping of PM's invoice, whose PDF is missing, doubled or differs,
   * that need attention without a reason in their data, or that need attention and have something in VB.
   */
  wrong: number;
  /** PDFs attached to the invoices' vouchers. */
  attachments: number;
  /** Imported invoices whose status in PM is not the one Visma Business gives. */
  statusMismatches: number;
  /** Invoices that were neither Paid nor NeedsAttention when the run's time ran out. */
  unsettled: number;
  /** Invoices in NeedsAttention, expected ones included. */
  needsAttention: number;
  faultsInjected: FaultsInjected;
  /** Kinds of fault that the run never injected; a run with any proves less than it should. */
  faultKindsMissing: string[];
  durationSeconds: number;
}

/** One invoice that broke a promise, with the reason. */
export interface InvoiceProblem {
  invoiceNumber: string;
  category: 'duplicate' | 'missing' | 'wrong' | 'status-mismatch' | 'unsettled';
  detail: string;
}

/** Sorts each invoice of the summary into the report's categories. */
export function classifyInvoices(
  rows: SummaryRow[],
  unknownCustomers: UnknownCustomers,
  findings: ReadonlyMap<string, VoucherFinding>,
  writtenForAttention: ReadonlyMap<string, string>,
): {
  counts: Omit<ChaosReport, 'seed' | 'faultsInjected' | 'faultKindsMissing' | 'durationSeconds'>;
  problems: InvoiceProblem[];
} {
  const problems: InvoiceProblem[] = [];
  const add = (row: SummaryRow, category: InvoiceProblem['category'], detail: string) =>
    problems.push({ invoiceNumber: row.invoiceNumber, category, detail });

  for (const row of rows) {
    if (unknownCustomers.has(row.customerNumber)) {
      if (row.workflowStatus !== 'NeedsAttention') {
        add(row, 'wrong', `customer unknown to VB, but the workflow shows ${row.workflowStatus}`);
      }
      const written = writtenForAttention.get(row.invoiceNumber);
      if (row.vouchers > 0 || row.attachments > 0 || written) {
        add(row, 'wrong', written ?? `${row.vouchers} voucher(s) written for an invoice that needs attention`);
      }
      continue;
    }

    if (row.vouchers === 0) add(row, 'missing', `no voucher in VB; the workflow shows ${row.workflowStatus}`);
    if (row.vouchers > 1) add(row, 'duplicate', `${row.vouchers} vouchers`);
    const finding = findings.get(row.invoiceNumber);
    if (finding?.kind === 'duplicate-lines') add(row, 'duplicate', finding.detail);
    if (finding && finding.kind !== 'duplicate-lines') add(row, 'wrong', finding.detail);
    if (row.vouchers === 1 && row.attachments !== 1) add(row, 'wrong', `${row.attachments} PDFs instead of 1`);
    if (row.workflowStatus === 'NeedsAttention') add(row, 'wrong', 'needs attention without a reason in its data');
    else if (row.workflowStatus !== 'Paid') add(row, 'unsettled', `the workflow shows ${row.workflowStatus}`);
    if (row.vouchers >= 1 && row.vbStatus !== '-' && row.pmStatus !== row.vbStatus) {
      add(row, 'status-mismatch', `PM shows ${row.pmStatus}, VB ${row.vbStatus}`);
    }
  }

  const invoicesWith = (category: InvoiceProblem['category']) =>
    new Set(problems.filter((problem) => problem.category === category).map((problem) => problem.invoiceNumber)).size;
  return {
    counts: {
      invoices: rows.length,
      vouchers: rows.reduce((sum, row) => sum + row.vouchers, 0),
      duplicates: invoicesWith('duplicate'),
      missing: invoicesWith('missing'),
      wrong: invoicesWith('wrong'),
      attachments: rows.reduce((sum, row) => sum + row.attachments, 0),
      statusMismatches: invoicesWith('status-mismatch'),
      unsettled: invoicesWith('unsettled'),
      needsAttention: rows.filter((row) => row.workflowStatus === 'NeedsAttention').length,
    },
    problems,
  };
}

/** Tells whether the run kept every promise: nothing doubled, lost, wrong, out of step or unsettled. */
export function keptEveryPromise(report: ChaosReport): boolean {
  return (
    report.duplicates === 0 &&
    report.missing === 0 &&
    report.wrong === 0 &&
    report.statusMismatches === 0 &&
    report.unsettled === 0
  );
}
