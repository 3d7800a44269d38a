import { VoucherSeriesConflictError, VoucherSeriesExhaustedError } from './errors';
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
 * other and never get the same number. A new counter starts above the highest number of the range that a waiting
 * batch, a customer transaction or an imported invoice uses. So numbers used before the counter existed, or by
 * another series over the same range, are not taken again.
 *
 * @throws VoucherSeriesExhaustedError when every number of the series is taken.
 * @throws VoucherSeriesConflictError when the counter's next number is used already, because another series
 *   overlaps this one or a voucher was written in its range without the counter.
 */
export async function takeVoucherNumber(tx: SqlRunner, names: SchemaNames, series: VoucherSeries): Promise<number> {
  const valid = Number.isSafeInteger(series.first) && Number.isSafeInteger(series.last);
  if (!valid || series.first < 1 || series.first > series.last) throw new InvalidVoucherSeriesError(series);
  const { voucherSeries: counter, voucherLine: line, customerTransaction: posted, voucherKey: key } = names;

  const rows = await tx.query<{ nextNumber: unknown; taken: unknown }>(
    `SELECT c.${counter.nextNumber} AS nextNumber,
       CASE WHEN EXISTS (SELECT 1 FROM ${key.table} k WHERE k.${key.voucherNumber} = c.${counter.nextNumber})
         OR EXISTS (SELECT 1 FROM ${line.table} w WHERE w.${line.voucherNumber} = c.${counter.nextNumber})
         OR EXISTS (SELECT 1 FROM ${posted.table} t WHERE t.${posted.voucherNumber} = c.${counter.nextNumber})
       THEN 1 ELSE 0 END AS taken
     FROM ${counter.table} c ${tx.dialect.lockForUpdate}
     WHERE c.${counter.firstNumber} = @first`,
    { first: series.first },
  );

  let voucherNumber: number;
  if (rows.length > 0) {
    voucherNumber = toNumber(rows[0].nextNumber);
    if (voucherNumber <= series.last && toNumber(rows[0].taken) > 0) {
      throw new VoucherSeriesConflictError(series.first, series.last, voucherNumber);
    }
  } else {
    const [highest] = await tx.query<{ waiting: unknown; posted: unknown; imported: unknown }>(
      `SELECT
         (SELECT MAX(${line.voucherNumber}) FROM ${line.table}
          WHERE ${line.voucherNumber} BETWEEN @first AND @last) AS waiting,
         (SELECT MAX(${posted.voucherNumber}) FROM ${posted.table}
          WHERE ${posted.voucherNumber} BETWEEN @first AND @last) AS posted,
         (SELECT MAX(${key.voucherNumber}) FROM ${key.table}
          WHERE ${key.voucherNumber} BETWEEN @first AND @last) AS imported`,
      { first: series.first, last: series.last },
    );
    voucherNumber = Math.max(
      series.first,
      ...[highest.waiting, highest.posted, highest.imported].map((used) => (used === null ? 0 : toNumber(used) + 1)),
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
