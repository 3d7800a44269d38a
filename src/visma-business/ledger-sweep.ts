import { LedgerStatus } from '../domain/ledger';
import type { VoucherKey } from '../domain/voucher';
import type { SchemaNames } from './schema-names';
import type { SqlExecutor, SqlRunner } from './sql-executor';
import { toNumber } from './vb-values';

/**
 * Ledger status as the status sweep stores it: a ledger status, `Missing` when Visma Business shows the voucher
 * neither in a batch nor in the ledger, or `Invalid` when its open entry has a paid status outside 1 to 4.
 */
export type SweptStatus = LedgerStatus | 'Missing' | 'Invalid';

/** An invoice whose ledger status or remaining amount differs from what the last sweep stored. */
export interface ChangedLedgerStatus {
  key: VoucherKey;
  status: SweptStatus;
  /** Amount still open in øre: the total while Sent, the open entries' rest while Open, else 0. */
  remainingOre: number;
}

interface ChangedRow {
  invoiceNumber: string;
  customerNumber: string;
  status: SweptStatus;
  remainingOre: unknown;
}

/**
 * Reads, in one statement, every invoice of `client` that the sweep watches (not yet swept as Paid) whose status
 * or remaining amount differs from the stored sweep state.
 *
 * The status follows the rules of `deriveLedgerStatus` in SQL. One open entry with paid status 1 or 2, or several
 * open entries, mean Open with the entries' rest. One open entry with paid status 3 or 4, or a customer transaction
 * without an open entry, mean Paid. A voucher line still waiting in its batch means Sent.
 */
export async function readChangedLedgerStatuses(
  runner: SqlRunner,
  names: SchemaNames,
  client: string,
): Promise<ChangedLedgerStatus[]> {
  const { voucherKey: k, voucherLine: w, customerTransaction: t, openEntry: o } = names;
  const openEntryOf = `o.${o.voucherNumber} = k.${k.voucherNumber} AND o.${o.invoiceNumber} = k.${k.invoiceNumber}`;
  const rows = await runner.query<ChangedRow>(
    `SELECT r.invoiceNumber, r.customerNumber, r.status, r.remainingOre
     FROM (
       SELECT d.invoiceNumber, d.customerNumber, d.status, d.sweptStatus, d.sweptRestOre,
         CASE d.status
           WHEN 'Open' THEN CAST(ROUND(d.openRest * 100, 0) AS BIGINT)
           WHEN 'Sent' THEN d.totalOre
           ELSE 0
         END AS remainingOre
       FROM (
         SELECT f.*,
           CASE
             WHEN f.openEntries > 1 THEN 'Open'
             WHEN f.openEntries = 1 AND f.openPaidStatus IN (1, 2) THEN 'Open'
             WHEN f.openEntries = 1 AND f.openPaidStatus IN (3, 4) THEN 'Paid'
             WHEN f.openEntries = 1 THEN 'Invalid'
             WHEN f.postedEntries > 0 THEN 'Paid'
             WHEN f.waitingLines > 0 THEN 'Sent'
             ELSE 'Missing'
           END AS status
         FROM (
           SELECT k.${k.invoiceNumber} AS invoiceNumber, k.${k.customerNumber} AS customerNumber,
             k.${k.totalOre} AS totalOre, k.${k.sweepStatus} AS sweptStatus, k.${k.sweepRestOre} AS sweptRestOre,
             (SELECT COUNT(*) FROM ${w.table} w
              WHERE w.${w.batchNumber} = k.${k.batchNumber} AND w.${w.voucherNumber} = k.${k.voucherNumber}) AS waitingLines,
             (SELECT COUNT(*) FROM ${t.table} t
              WHERE t.${t.voucherNumber} = k.${k.voucherNumber} AND t.${t.invoiceNumber} = k.${k.invoiceNumber}) AS postedEntries,
             (SELECT COUNT(*) FROM ${o.table} o WHERE ${openEntryOf}) AS openEntries,
             (SELECT MAX(o.${o.paidStatus}) FROM ${o.table} o WHERE ${openEntryOf}) AS openPaidStatus,
             (SELECT SUM(o.${o.restAmount}) FROM ${o.table} o WHERE ${openEntryOf}) AS openRest
           FROM ${k.table} k
           WHERE k.${k.client} = @client AND (k.${k.sweepStatus} IS NULL OR k.${k.sweepStatus} <> 'Paid')
         ) f
       ) d
     ) r
     WHERE r.sweptStatus IS NULL OR r.sweptRestOre IS NULL
       OR r.sweptStatus <> r.status OR r.sweptRestOre <> r.remainingOre`,
    { client },
  );
  return rows.map((row) => ({
    key: { client, invoiceNumber: row.invoiceNumber, customerNumber: row.customerNumber },
    status: row.status,
    remainingOre: toNumber(row.remainingOre),
  }));
}

/**
 * Stores the state each invoice was read in as its sweep state, in one transaction of one UPDATE per invoice. It
 * stores the state that was read, not the state now, so a change that came after the read is reported by the next
 * sweep. It writes only the import's own table.
 */
export async function markSwept(
  executor: SqlExecutor,
  names: SchemaNames,
  swept: readonly ChangedLedgerStatus[],
  now: Date,
): Promise<void> {
  if (swept.length === 0) return;
  const k = names.voucherKey;
  await executor.transaction(async (tx) => {
    for (const entry of swept) {
      await tx.execute(
        `UPDATE ${k.table} SET ${k.sweepStatus} = @status, ${k.sweepRestOre} = @remainingOre, ${k.sweepAt} = @now
         WHERE ${k.client} = @client AND ${k.invoiceNumber} = @invoiceNumber AND ${k.customerNumber} = @customerNumber`,
        { ...entry.key, status: entry.status, remainingOre: entry.remainingOre, now: now.toISOString() },
      );
    }
  });
}
