import type { SchemaNames } from '../visma-business/schema-names';
import type { SqlRunner } from '../visma-business/sql-executor';

/** Column key of a voucher line (`WaVo`), as in the schema names. */
export type VoucherLineColumn = Exclude<keyof SchemaNames['voucherLine'], 'table'>;

/** A voucher line as stored, by column key, with the values as the driver returns them. */
export type StoredVoucherLine = Record<VoucherLineColumn, unknown>;

/**
 * Reads the voucher lines waiting in import batches, of one batch or one voucher, in batch and line order, with
 * every column the import writes.
 */
export async function readVoucherLines(
  runner: SqlRunner,
  names: SchemaNames,
  where: { batchNumber: number } | { voucherNumber: number },
): Promise<StoredVoucherLine[]> {
  const w = names.voucherLine;
  const columns = (Object.keys(w) as (keyof typeof w)[])
    .filter((key): key is VoucherLineColumn => key !== 'table')
    .map((key) => `${w[key]} AS ${key}`)
    .join(', ');
  const [column, value] =
    'batchNumber' in where ? [w.batchNumber, where.batchNumber] : [w.voucherNumber, where.voucherNumber];
  return runner.query<StoredVoucherLine>(
    `SELECT ${columns} FROM ${w.table} WHERE ${column} = @value ORDER BY ${w.batchNumber}, ${w.lineNumber}`,
    { value },
  );
}
