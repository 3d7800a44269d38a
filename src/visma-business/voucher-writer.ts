import { LedgerStatus } from '../domain/ledger';
import type { Voucher } from '../domain/voucher';
import { VoucherAlreadyPostedError } from './errors';
import { findOrCreateBatch } from './import-batch';
import type { SchemaNames } from './schema-names';
import type { SqlParams, SqlRunner, SqlValue } from './sql-executor';
import { toNumber } from './vb-values';
import type { VoucherRows } from './voucher-rows';
import { takeVoucherNumber, type VoucherSeries } from './voucher-series';

/** Outcome of a write: a new voucher, the same voucher found waiting, or a waiting voucher's lines replaced. */
export type WriteVoucherOutcome = 'created' | 'unchanged' | 'replaced';

/** Result of writing one voucher. */
export interface WriteVoucherResult {
  voucherNumber: number;
  batchNumber: number;
  outcome: WriteVoucherOutcome;
}

/** The import's record of one invoice's voucher, with where the voucher is now. */
interface VoucherState {
  voucherNumber: number;
  batchNumber: number;
  contentSha256: string;
  waiting: boolean;
  posted: boolean;
}

/** Rows per INSERT statement: 22 parameters a row stays below SQL Server's limit of 2 100 parameters. */
const ROWS_PER_INSERT = 80;

/**
 * Writes `voucher` inside the caller's transaction, keyed by client, invoice number and customer number.
 *
 * - No voucher yet: takes a number from the series and writes the lines into the run's batch (`created`).
 * - The same content waits in a batch: writes nothing (`unchanged`).
 * - Other content waits in a batch: replaces the lines, keeping the number and batch (`replaced`).
 * - The batch was updated into the ledger: throws {@link VoucherAlreadyPostedError}.
 * - The voucher left its batch without being posted (an accountant deleted it): writes it again with its number
 *   into the run's batch (`created`).
 */
export async function writeVoucherInTransaction(
  tx: SqlRunner,
  names: SchemaNames,
  voucher: Voucher,
  rows: VoucherRows,
  options: { runDate: string; series: () => Promise<VoucherSeries>; now: Date },
): Promise<WriteVoucherResult> {
  const state = await readVoucherState(tx, names, voucher);

  if (state?.waiting) {
    if (state.contentSha256 === rows.contentSha256) {
      return { voucherNumber: state.voucherNumber, batchNumber: state.batchNumber, outcome: 'unchanged' };
    }
    await tx.execute(
      `DELETE FROM ${names.voucherLine.table}
       WHERE ${names.voucherLine.batchNumber} = @batchNumber AND ${names.voucherLine.voucherNumber} = @voucherNumber`,
      { batchNumber: state.batchNumber, voucherNumber: state.voucherNumber },
    );
    await insertLines(tx, names, voucher, rows, state.batchNumber, state.voucherNumber);
    await saveVoucherKey(tx, names, voucher, rows, state.batchNumber, state.voucherNumber, options.now, true);
    return { voucherNumber: state.voucherNumber, batchNumber: state.batchNumber, outcome: 'replaced' };
  }

  if (state?.posted) {
    throw new VoucherAlreadyPostedError(
      voucher.key,
      state.voucherNumber,
      state.batchNumber,
      state.contentSha256 === rows.contentSha256,
    );
  }

  const batchNumber = await findOrCreateBatch(tx, names, voucher.key.client, options.runDate, options.now);
  const voucherNumber = state?.voucherNumber ?? (await takeVoucherNumber(tx, names, await options.series()));
  await insertLines(tx, names, voucher, rows, batchNumber, voucherNumber);
  await saveVoucherKey(tx, names, voucher, rows, batchNumber, voucherNumber, options.now, state !== null);
  return { voucherNumber, batchNumber, outcome: 'created' };
}

/** Reads the import's record of the voucher, locking its key (or the key's range) until the transaction ends. */
async function readVoucherState(tx: SqlRunner, names: SchemaNames, voucher: Voucher): Promise<VoucherState | null> {
  const { voucherKey: k, voucherLine: w, customerTransaction: t } = names;
  const rows = await tx.query<{
    voucherNumber: unknown;
    batchNumber: unknown;
    contentSha256: string;
    waitingLines: unknown;
    postedEntries: unknown;
  }>(
    `SELECT k.${k.voucherNumber} AS voucherNumber, k.${k.batchNumber} AS batchNumber,
       k.${k.contentSha256} AS contentSha256,
       (SELECT COUNT(*) FROM ${w.table} w
        WHERE w.${w.batchNumber} = k.${k.batchNumber} AND w.${w.voucherNumber} = k.${k.voucherNumber}) AS waitingLines,
       (SELECT COUNT(*) FROM ${t.table} t
        WHERE t.${t.voucherNumber} = k.${k.voucherNumber} AND t.${t.invoiceNumber} = k.${k.invoiceNumber}) AS postedEntries
     FROM ${k.table} k ${tx.dialect.lockForUpdate}
     WHERE k.${k.client} = @client AND k.${k.invoiceNumber} = @invoiceNumber AND k.${k.customerNumber} = @customerNumber`,
    { ...voucher.key },
  );
  if (rows.length === 0) return null;
  const row = rows[0];
  return {
    voucherNumber: toNumber(row.voucherNumber),
    batchNumber: toNumber(row.batchNumber),
    contentSha256: row.contentSha256.trim(),
    waiting: toNumber(row.waitingLines) > 0,
    posted: toNumber(row.postedEntries) > 0,
  };
}

/** Appends the voucher's lines to the batch after its last line, in as few INSERT statements as the limits allow. */
async function insertLines(
  tx: SqlRunner,
  names: SchemaNames,
  voucher: Voucher,
  rows: VoucherRows,
  batchNumber: number,
  voucherNumber: number,
): Promise<void> {
  const w = names.voucherLine;
  const [{ lastLine }] = await tx.query<{ lastLine: unknown }>(
    `SELECT MAX(${w.lineNumber}) AS lastLine FROM ${w.table} ${tx.dialect.lockForUpdate}
     WHERE ${w.batchNumber} = @batchNumber`,
    { batchNumber },
  );
  const firstLineNumber = (lastLine === null ? 0 : toNumber(lastLine)) + 1;

  const columnKeys = Object.keys(w).filter((key) => key !== 'table') as Array<Exclude<keyof typeof w, 'table'>>;
  const columnList = columnKeys.map((key) => w[key]).join(', ');
  for (let start = 0; start < rows.lines.length; start += ROWS_PER_INSERT) {
    const chunk = rows.lines.slice(start, start + ROWS_PER_INSERT);
    const params: Record<string, SqlValue> = {};
    const tuples = chunk.map((line, offset) => {
      const index = start + offset;
      const values: SqlParams = {
        ...line,
        batchNumber,
        lineNumber: firstLineNumber + index,
        voucherNumber,
        voucherType: voucher.voucherType,
      };
      const placeholders = columnKeys.map((key) => {
        const value = values[key];
        if (value === undefined) throw new Error(`No value for column ${key} of line ${index + 1}`);
        params[`${key}${index}`] = value;
        return `@${key}${index}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await tx.execute(`INSERT INTO ${w.table} (${columnList}) VALUES ${tuples.join(', ')}`, params);
  }
}

async function saveVoucherKey(
  tx: SqlRunner,
  names: SchemaNames,
  voucher: Voucher,
  rows: VoucherRows,
  batchNumber: number,
  voucherNumber: number,
  now: Date,
  exists: boolean,
): Promise<void> {
  const k = names.voucherKey;
  const params = {
    ...voucher.key,
    voucherNumber,
    batchNumber,
    totalOre: rows.totalOre,
    contentSha256: rows.contentSha256,
    now: now.toISOString(),
  };
  // The voucher now waits in a batch, which is status Sent with the total open. Storing that as the sweep state
  // keeps the status sweep from reporting the invoice before anything has happened to it in the ledger.
  if (exists) {
    await tx.execute(
      `UPDATE ${k.table} SET ${k.batchNumber} = @batchNumber, ${k.totalOre} = @totalOre,
         ${k.contentSha256} = @contentSha256, ${k.updatedAt} = @now,
         ${k.sweepStatus} = @sweepStatus, ${k.sweepRestOre} = @totalOre, ${k.sweepAt} = @now
       WHERE ${k.client} = @client AND ${k.invoiceNumber} = @invoiceNumber AND ${k.customerNumber} = @customerNumber`,
      { ...params, sweepStatus: LedgerStatus.Sent },
    );
    return;
  }
  await tx.execute(
    `INSERT INTO ${k.table} (${k.client}, ${k.invoiceNumber}, ${k.customerNumber}, ${k.voucherNumber},
       ${k.batchNumber}, ${k.totalOre}, ${k.contentSha256}, ${k.createdAt}, ${k.updatedAt},
       ${k.sweepStatus}, ${k.sweepRestOre}, ${k.sweepAt})
     VALUES (@client, @invoiceNumber, @customerNumber, @voucherNumber, @batchNumber, @totalOre, @contentSha256,
       @now, @now, @sweepStatus, @totalOre, @now)`,
    { ...params, sweepStatus: LedgerStatus.Sent },
  );
}
