import { VoucherSeriesExhaustedError } from './errors';
import type { SchemaNames } from './schema-names';
import type { SqlRunner } from './sql-executor';
import { toNumber } from './vb-values';

/** A range of voucher numbers reserved for imported invoices, first and last included. */
export interface VoucherSeries {
  first: number;
  last: number;
}

/** A voucher series whose bounds are not positive integers in order. */
export class InvalidVoucherSeriesError extends Error {
  override readonly name = 'InvalidVoucherSeriesError';

  constructor(readonly series: VoucherSeries) {
    super(`Voucher series ${series.first}-${series.last} is invalid: expected positive integers, first ≤ last.`);
  }
}

/**
 * Takes the next free number of `series` inside the caller's transaction. The counter row is read with the
 * dialect's lock hint (SQLite transactions hold the database write lock), so concurrent writers wait for each
 * other and never get the same number. The counter starts above the highest number of the range already in a
 * waiting batch or in the customer transactions, so that numbers written before the import keeps a counter are
 * not taken again.
 *
 * @throws VoucherSeriesExhaustedError when every number of the series is taken.
 */
export async function takeVoucherNumber(tx: SqlRunner, names: SchemaNames, series: VoucherSeries): Promise<number> {
  const valid = Number.isSafeInteger(series.first) && Number.isSafeInteger(series.last);
  if (!valid || series.first < 1 || series.first > series.last) throw new InvalidVoucherSeriesError(series);
  const { voucherSeries: counter, voucherLine: line, customerTransaction: posted } = names;

  const rows = await tx.query<{ nextNumber: unknown }>(
    `SELECT ${counter.nextNumber} AS nextNumber FROM ${counter.table} ${tx.dialect.lockForUpdate}
     WHERE ${counter.firstNumber} = @first`,
    { first: series.first },
  );

  let voucherNumber: number;
  if (rows.length > 0) {
    voucherNumber = toNumber(rows[0].nextNumber);
  } else {
    const [{ highestWaiting, highestPosted }] = await tx.query<{ highestWaiting: unknown; highestPosted: unknown }>(
      `SELECT
         (SELECT MAX(${line.voucherNumber}) FROM ${line.table}
          WHERE ${line.voucherNumber} BETWEEN @first AND @last) AS highestWaiting,
         (SELECT MAX(${posted.voucherNumber}) FROM ${posted.table}
          WHERE ${posted.voucherNumber} BETWEEN @first AND @last) AS highestPosted`,
      { first: series.first, last: series.last },
    );
    voucherNumber = Math.max(
      series.first,
      highestWaiting === null ? 0 : toNumber(highestWaiting) + 1,
      highestPosted === null ? 0 : toNumber(highestPosted) + 1,
    );
  }
  if (voucherNumber > series.last) throw new VoucherSeriesExhaustedError(series.first, series.last);

  const params = { first: series.first, last: series.last, next: voucherNumber + 1 };
  if (rows.length > 0) {
    await tx.execute(
      `UPDATE ${counter.table} SET ${counter.nextNumber} = @next, ${counter.lastNumber} = @last
       WHERE ${counter.firstNumber} = @first`,
      params,
    );
  } else {
    await tx.execute(
      `INSERT INTO ${counter.table} (${counter.firstNumber}, ${counter.lastNumber}, ${counter.nextNumber})
       VALUES (@first, @last, @next)`,
      params,
    );
  }
  return voucherNumber;
}
