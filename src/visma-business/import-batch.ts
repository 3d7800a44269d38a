import type { SchemaNames } from './schema-names';
import type { SqlRunner } from './sql-executor';
import { toNumber, toVbDate } from './vb-values';

/** Width of the batch description column, as in the sandbox DDL. */
const DESCRIPTION_WIDTH = 60;

/** Returns the description of the import batch of `client` for `runDate`, cut to the column width. */
export function batchDescription(client: string, runDate: string): string {
  return `Journal import ${runDate} ${client}`.slice(0, DESCRIPTION_WIDTH);
}

/** A run date that is not `YYYY-MM-DD`. */
export class InvalidRunDateError extends Error {
  override readonly name = 'InvalidRunDateError';

  constructor(readonly runDate: string) {
    super(`Run date ${JSON.stringify(runDate)} is not a date as YYYY-MM-DD.`);
  }
}

/**
 * Returns the number of the batch that receives the vouchers of `client` on `runDate`, creating it when it does
 * not exist or has been updated since. Runs inside the caller's transaction.
 *
 * Batch numbers are reused after an update, so the import remembers its batch per client and run date in its own
 * table and uses it only while `WaBnd` still has that number with the same description.
 */
export async function findOrCreateBatch(
  tx: SqlRunner,
  names: SchemaNames,
  client: string,
  runDate: string,
  now: Date,
): Promise<number> {
  const runDay = toVbDate(runDate);
  if (runDay === null) throw new InvalidRunDateError(runDate);
  const { batchRun: run, importBatch: batch } = names;
  const description = batchDescription(client, runDate);

  const known = await tx.query<{ batchNumber: unknown; description: string | null }>(
    `SELECT r.${run.batchNumber} AS batchNumber, b.${batch.description} AS description
     FROM ${run.table} r ${tx.dialect.lockForUpdate}
     LEFT JOIN ${batch.table} b ON b.${batch.batchNumber} = r.${run.batchNumber}
     WHERE r.${run.client} = @client AND r.${run.runDate} = @runDay`,
    { client, runDay },
  );
  if (known.length > 0 && known[0].description === description) return toNumber(known[0].batchNumber);

  // NOTE: Visma Business may number batches per user or require more WaBnd columns, which only a real F0001 shows.
  const [{ highest }] = await tx.query<{ highest: unknown }>(
    `SELECT MAX(${batch.batchNumber}) AS highest FROM ${batch.table} ${tx.dialect.lockForUpdate}`,
  );
  const batchNumber = highest === null ? 1 : toNumber(highest) + 1;
  await tx.execute(
    `INSERT INTO ${batch.table} (${batch.batchNumber}, ${batch.description}) VALUES (@batchNumber, @description)`,
    { batchNumber, description },
  );

  const params = { client, runDay, batchNumber, createdAt: now.toISOString() };
  if (known.length > 0) {
    await tx.execute(
      `UPDATE ${run.table} SET ${run.batchNumber} = @batchNumber, ${run.createdAt} = @createdAt
       WHERE ${run.client} = @client AND ${run.runDate} = @runDay`,
      params,
    );
  } else {
    await tx.execute(
      `INSERT INTO ${run.table} (${run.client}, ${run.runDate}, ${run.batchNumber}, ${run.createdAt})
       VALUES (@client, @runDay, @batchNumber, @createdAt)`,
      params,
    );
  }
  return batchNumber;
}
