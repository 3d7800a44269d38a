import type { Client } from '@temporalio/client';
import type { LedgerStatus } from '../../domain/ledger';
import { formatOre, parseOre } from '../../domain/money';
import { deriveLedgerStatus } from '../../domain/status';
import type { VoucherKey } from '../../domain/voucher';
import type { VismaBusinessRepository } from '../../visma-business/repository';
import type { SimulatedInvoice } from '../pm-simulator/records';
import type { PmSimulator } from '../pm-simulator/server';

/** One invoice's line in the final summary. */
export interface SummaryRow {
  invoiceNumber: string;
  customerNumber: string;
  total: string;
  workflowStatus: string;
  vbStatus: LedgerStatus | '-';
  pmStatus: string;
  vouchers: number;
  attachments: number;
  /** What {@link SummaryOptions.checkVoucher} found wrong with the invoice's one voucher; null when it is right. */
  voucherProblem: string | null;
  problem: string | null;
}

/** Options of {@link summarise}. */
export interface SummaryOptions {
  /**
   * Checks the content of an imported invoice's one voucher and its attachment, and returns what is wrong or null.
   * @default no check beyond the counts
   */
  checkVoucher?: (invoice: SimulatedInvoice, key: VoucherKey, voucherNumber: number) => Promise<string | null>;
}

/** Customer numbers that the sandbox Visma Business does not have, so their invoices must need attention. */
export type UnknownCustomers = ReadonlySet<string>;

/**
 * Checks every issued invoice of the simulator against Visma Business, PM and Temporal. An imported invoice must
 * have one voucher and one PDF, and PM must show the status that Visma Business gives. An invoice that needs
 * attention must have nothing written in Visma Business.
 */
export async function summarise(
  client: string,
  simulator: PmSimulator,
  repository: VismaBusinessRepository,
  temporal: Client,
  unknownCustomers: UnknownCustomers,
  options: SummaryOptions = {},
): Promise<SummaryRow[]> {
  const statuses = await workflowStatuses(temporal, client);
  const rows: SummaryRow[] = [];

  for (const invoice of simulator.state.allInvoices()) {
    if (invoice.body.number == null) continue;
    const invoiceNumber = String(invoice.body.number);
    const customerNumber = String((invoice.body.customer as { number?: number } | null)?.number ?? '');
    const key = { client, invoiceNumber, customerNumber };
    const workflowStatus = statuses.get(invoiceNumber) ?? 'not started';

    const facts = await repository.readLedgerFacts(key);
    const vbStatus =
      facts && (facts.waitingInBatch || facts.customerTransactionPosted)
        ? deriveLedgerStatus(facts, invoiceNumber).status
        : '-';
    const vouchers = await repository.countVouchers(key);
    const attachments = facts?.voucherNumber ? await repository.countAttachments(facts.voucherNumber) : 0;
    const pmStatus = pmStatusOf(
      simulator,
      String(invoice.body.status && (invoice.body.status as { guid: string }).guid),
    );
    const total = (invoice.body.totalIncludingTax as { amount: number; currencyCode?: string } | null) ?? null;
    const voucherProblem =
      options.checkVoucher && vouchers === 1 && facts?.voucherNumber
        ? await options.checkVoucher(invoice, key, facts.voucherNumber)
        : null;

    let problem: string | null = null;
    if (unknownCustomers.has(customerNumber)) {
      if (workflowStatus !== 'NeedsAttention') problem = 'expected NeedsAttention (customer unknown to VB)';
      else if (vouchers !== 0) problem = `${vouchers} voucher(s) written for an invoice that needs attention`;
    } else if (workflowStatus !== 'Paid') {
      problem = `expected Paid, workflow shows ${workflowStatus}`;
    } else if (vouchers !== 1) {
      problem = `${vouchers} vouchers instead of 1`;
    } else if (attachments !== 1) {
      problem = `${attachments} PDF attachments instead of 1`;
    } else if (voucherProblem !== null) {
      problem = voucherProblem;
    } else if (pmStatus !== vbStatus) {
      problem = `PM shows ${pmStatus}, Visma Business ${vbStatus}`;
    }

    rows.push({
      invoiceNumber,
      customerNumber,
      total: total ? `${formatOre(parseOre(total.amount))} ${total.currencyCode ?? ''}`.trim() : '-',
      workflowStatus,
      vbStatus,
      pmStatus,
      vouchers,
      attachments,
      voucherProblem,
      problem,
    });
  }
  return rows;
}

/** Formats the summary as a table, with a closing line of totals. */
export function formatSummary(rows: SummaryRow[]): string {
  const header = ['Invoice', 'Customer', 'Total', 'Workflow', 'VB', 'PM', 'Vouchers', 'PDFs', 'Check'];
  const body = rows.map((row) => [
    row.invoiceNumber,
    row.customerNumber,
    row.total,
    row.workflowStatus,
    row.vbStatus,
    row.pmStatus,
    String(row.vouchers),
    String(row.attachments),
    row.problem ?? 'ok',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');

  const paid = rows.filter((row) => row.workflowStatus === 'Paid').length;
  const attention = rows.filter((row) => row.workflowStatus === 'NeedsAttention').length;
  const problems = rows.filter((row) => row.problem !== null).length;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
    '',
    `${rows.length} invoices: ${paid} paid, ${attention} need attention, ${problems} inconsistent`,
  ].join('\n');
}

async function workflowStatuses(temporal: Client, client: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  const query = `WorkflowType = "invoiceWorkflow" AND JournalClient = "${client}" AND ExecutionStatus != "ContinuedAsNew"`;
  for await (const execution of temporal.workflow.list({ query })) {
    const attributes = execution.typedSearchAttributes.getAll();
    const number = attributes.find((pair) => pair.key.name === 'InvoiceNumber')?.value;
    const status = attributes.find((pair) => pair.key.name === 'InvoiceStatus')?.value;
    if (typeof number === 'string' && typeof status === 'string') statuses.set(number, status);
  }
  return statuses;
}

function pmStatusOf(simulator: PmSimulator, statusGuid: string): string {
  const status = simulator.state.status(statusGuid);
  if (!status) return '?';
  if (status.isPaid) return 'Paid';
  if (status.isWaitingPayment) return 'Open';
  if (status.isSent) return 'Sent';
  return status.name;
}
