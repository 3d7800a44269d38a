import { PaidStatus, type LedgerFacts } from '../domain/ledger';
import type { VoucherKey } from '../domain/voucher';
import type { SchemaNames } from './schema-names';
import type { SqlRunner } from './sql-executor';
import { kronerToOre, toNumber, toNumberOrNull } from './vb-values';

interface FactsRow {
  voucherNumber: unknown;
  batchNumber: unknown;
  totalOre: unknown;
  waitingLines: unknown;
  postedEntries: unknown;
  paidStatus: unknown;
  restAmount: unknown;
}

/**
 * Reads in one statement what Visma Business shows about the invoice of `key`: whether its voucher still waits in
 * the import batch, whether the batch was updated into a customer transaction, and its open entry. Returns null
 * when the import has written no voucher for `key`.
 */
export async function readLedgerFacts(
  runner: SqlRunner,
  names: SchemaNames,
  key: VoucherKey,
): Promise<LedgerFacts | null> {
  const { voucherKey: k, voucherLine: w, customerTransaction: t, openEntry: o } = names;
  const rows = await runner.query<FactsRow>(
    `SELECT k.${k.voucherNumber} AS voucherNumber, k.${k.batchNumber} AS batchNumber, k.${k.totalOre} AS totalOre,
       (SELECT COUNT(*) FROM ${w.table} w
        WHERE w.${w.batchNumber} = k.${k.batchNumber} AND w.${w.voucherNumber} = k.${k.voucherNumber}) AS waitingLines,
       (SELECT COUNT(*) FROM ${t.table} t
        WHERE t.${t.voucherNumber} = k.${k.voucherNumber} AND t.${t.invoiceNumber} = k.${k.invoiceNumber}) AS postedEntries,
       o.${o.paidStatus} AS paidStatus, o.${o.restAmount} AS restAmount
     FROM ${k.table} k
     LEFT JOIN ${o.table} o ON o.${o.voucherNumber} = k.${k.voucherNumber} AND o.${o.invoiceNumber} = k.${k.invoiceNumber}
     WHERE k.${k.client} = @client AND k.${k.invoiceNumber} = @invoiceNumber AND k.${k.customerNumber} = @customerNumber`,
    { ...key },
  );
  if (rows.length === 0) return null;

  const first = rows[0];
  const openRows = rows.filter((row) => row.paidStatus !== null && row.paidStatus !== undefined);
  return {
    waitingInBatch: toNumber(first.waitingLines) > 0,
    batchNumber: toNumberOrNull(first.batchNumber),
    voucherNumber: toNumberOrNull(first.voucherNumber),
    customerTransactionPosted: toNumber(first.postedEntries) > 0,
    openEntry: openRows.length === 0 ? null : combineOpenEntries(openRows),
    totalOre: toNumber(first.totalOre),
  };
}

/**
 * Combines the open entries of one invoice. The sandbox keeps one open entry per invoice. Should a company split
 * an invoice into several entries, the invoice counts as fully open only while every entry is.
 */
function combineOpenEntries(rows: FactsRow[]): NonNullable<LedgerFacts['openEntry']> {
  const remainingOre = rows.reduce((sum, row) => sum + kronerToOre(row.restAmount), 0);
  const allFullyOpen = rows.every((row) => toNumber(row.paidStatus) === PaidStatus.FullyOpen);
  if (rows.length === 1) {
    return { paidStatus: toNumber(rows[0].paidStatus) as PaidStatus, remainingOre };
  }
  return { paidStatus: allFullyOpen ? PaidStatus.FullyOpen : PaidStatus.PartlyOpen, remainingOre };
}
