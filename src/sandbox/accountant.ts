import { PaidStatus } from '../domain/ledger';
import { resolveSchemaNames, type SchemaNameOverrides, type SchemaNames } from '../visma-business/schema-names';
import type { SqlExecutor, SqlRunner } from '../visma-business/sql-executor';
import { kronerToOre, oreToKroner, toNumber, toVbDate } from '../visma-business/vb-values';
import { readVoucherLines, type StoredVoucherLine } from './voucher-lines';

/** A batch number that has no waiting batch. */
export class BatchNotFoundError extends Error {
  override readonly name = 'BatchNotFoundError';

  constructor(readonly batchNumber: number) {
    super(`Batch ${batchNumber} is not waiting to be updated; it does not exist or was updated already.`);
  }
}

/** A KID that matches no open customer entry, or more than one. */
export class OpenEntryNotFoundError extends Error {
  override readonly name = 'OpenEntryNotFoundError';

  constructor(
    readonly kid: string,
    readonly matches: number,
  ) {
    super(
      matches === 0
        ? `No open customer entry has KID ${kid}; it is settled already or its batch was never updated.`
        : `KID ${kid} matches ${matches} open customer entries, so the payment cannot be matched.`,
    );
  }
}

/** A payment that the simulated accountant cannot register. */
export class PaymentRejectedError extends Error {
  override readonly name = 'PaymentRejectedError';

  constructor(
    readonly kid: string,
    readonly amountOre: number,
    reason: string,
  ) {
    super(`Payment of ${amountOre} øre to KID ${kid} was rejected: ${reason}`);
  }
}

/** Result of a registered payment. */
export interface PaymentResult {
  paidStatus: PaidStatus;
  /** Amount still open after the payment, in øre. */
  remainingOre: number;
}

/** An open customer entry as the sandbox accountant sees it. */
export interface OpenEntry {
  voucherNumber: number;
  invoiceNumber: string | null;
  kid: string | null;
  /** Amount still open in øre; negative for a credit note. */
  restOre: number;
  paidStatus: number;
}

interface CustomerLineRow {
  voucherNumber: unknown;
  voucherDate: unknown;
  debitAccountType: unknown;
  debitAccountNumber: unknown;
  creditAccountNumber: unknown;
  amount: unknown;
  invoiceNumber: string | null;
  dueDate: unknown;
  kid: string | null;
}

interface OpenEntryRow {
  voucherNumber: unknown;
  invoiceNumber: string | null;
  dueDate: unknown;
  restAmount: unknown;
}

/**
 * The accountant of the sandbox, doing in the database what Visma Business does when a person updates a batch or
 * registers a payment. These are the only writes to ledger tables (customer transactions, open entries), and they
 * run only against the sandbox or a development database.
 */
export class SimulatedAccountant {
  private readonly names: SchemaNames;

  constructor(
    private readonly executor: SqlExecutor,
    options: { schemaNames?: SchemaNameOverrides } = {},
  ) {
    this.names = resolveSchemaNames(options.schemaNames);
  }

  /**
   * Updates a waiting batch: each customer line becomes a customer transaction and a fully open entry (paid
   * status 1), and the batch with its vouchers leaves the waiting tables. General ledger lines are not kept, so
   * the result carries every line the batch had, for a caller that checks them later.
   *
   * @throws BatchNotFoundError when no batch with this number is waiting.
   */
  updateBatch(batchNumber: number): Promise<{ vouchers: number; customerEntries: number; lines: StoredVoucherLine[] }> {
    return this.executor.transaction(async (tx) => {
      const { importBatch: b, voucherLine: w } = this.names;
      const [{ batches }] = await tx.query<{ batches: unknown }>(
        `SELECT COUNT(*) AS batches FROM ${b.table} WHERE ${b.batchNumber} = @batchNumber`,
        { batchNumber },
      );
      if (toNumber(batches) === 0) throw new BatchNotFoundError(batchNumber);

      const [{ vouchers }] = await tx.query<{ vouchers: unknown }>(
        `SELECT COUNT(DISTINCT ${w.voucherNumber}) AS vouchers FROM ${w.table} WHERE ${w.batchNumber} = @batchNumber`,
        { batchNumber },
      );
      const customerLines = await tx.query<CustomerLineRow>(
        `SELECT ${w.voucherNumber} AS voucherNumber, ${w.voucherDate} AS voucherDate,
           ${w.debitAccountType} AS debitAccountType, ${w.debitAccountNumber} AS debitAccountNumber,
           ${w.creditAccountNumber} AS creditAccountNumber, ${w.amount} AS amount,
           ${w.invoiceNumber} AS invoiceNumber, ${w.dueDate} AS dueDate, ${w.kid} AS kid
         FROM ${w.table}
         WHERE ${w.batchNumber} = @batchNumber AND (${w.debitAccountType} = 1 OR ${w.creditAccountType} = 1)
         ORDER BY ${w.lineNumber}`,
        { batchNumber },
      );
      const lines = await readVoucherLines(tx, this.names, { batchNumber });
      for (const line of customerLines) await this.postCustomerLine(tx, line);

      await tx.execute(`DELETE FROM ${w.table} WHERE ${w.batchNumber} = @batchNumber`, { batchNumber });
      await tx.execute(`DELETE FROM ${b.table} WHERE ${b.batchNumber} = @batchNumber`, { batchNumber });
      return { vouchers: toNumber(vouchers), customerEntries: customerLines.length, lines };
    });
  }

  /**
   * Registers a payment to the open entry with `kid`. A partial payment leaves the entry partly open (paid status
   * 2). A payment of the rest removes the open entry and marks the customer transaction settled on time (4) when
   * `paidOn` is not after the due date, else settled late (3). `dueDate` replaces the entry's own due date.
   *
   * @throws OpenEntryNotFoundError when no open entry, or more than one, has the KID.
   * @throws PaymentRejectedError for an amount that is not positive or exceeds what is open, a credit entry, or a
   *   payment or due date that is not a `YYYY-MM-DD` date.
   */
  registerPayment(
    kid: string,
    amountOre: number,
    options: { paidOn: string; dueDate?: string },
  ): Promise<PaymentResult> {
    if (!Number.isSafeInteger(amountOre) || amountOre <= 0) {
      return Promise.reject(new PaymentRejectedError(kid, amountOre, 'the amount must be a positive number of øre.'));
    }
    const paidOn = toVbDate(options.paidOn);
    if (paidOn === null) {
      return Promise.reject(new PaymentRejectedError(kid, amountOre, `payment date ${options.paidOn} is not a date.`));
    }
    const dueDateOverride = options.dueDate === undefined ? null : toVbDate(options.dueDate);
    if (options.dueDate !== undefined && dueDateOverride === null) {
      return Promise.reject(new PaymentRejectedError(kid, amountOre, `due date ${options.dueDate} is not a date.`));
    }

    return this.executor.transaction(async (tx) => {
      const { openEntry: o, customerTransaction: t } = this.names;
      const entries = await tx.query<OpenEntryRow>(
        `SELECT ${o.voucherNumber} AS voucherNumber, ${o.invoiceNumber} AS invoiceNumber, ${o.dueDate} AS dueDate,
           ${o.restAmount} AS restAmount
         FROM ${o.table} ${tx.dialect.lockForUpdate} WHERE ${o.kid} = @kid`,
        { kid },
      );
      if (entries.length !== 1) throw new OpenEntryNotFoundError(kid, entries.length);
      const entry = entries[0];
      const openOre = kronerToOre(entry.restAmount);
      if (openOre <= 0) throw new PaymentRejectedError(kid, amountOre, 'the open entry is a credit, not a receivable.');
      if (amountOre > openOre) {
        throw new PaymentRejectedError(kid, amountOre, `only ${openOre} øre is open.`);
      }

      const remainingOre = openOre - amountOre;
      const dueDate = dueDateOverride ?? toNumber(entry.dueDate);
      const paidStatus: PaidStatus =
        remainingOre > 0
          ? PaidStatus.PartlyOpen
          : paidOn <= dueDate
            ? PaidStatus.SettledOnTime
            : PaidStatus.SettledLate;
      const keys = { voucherNumber: toNumber(entry.voucherNumber), invoiceNumber: entry.invoiceNumber, kid };

      if (remainingOre > 0) {
        await tx.execute(
          `UPDATE ${o.table} SET ${o.restAmount} = @rest, ${o.paidStatus} = @paidStatus
           WHERE ${o.voucherNumber} = @voucherNumber AND ${o.kid} = @kid`,
          { ...keys, rest: oreToKroner(remainingOre), paidStatus },
        );
      } else {
        await tx.execute(`DELETE FROM ${o.table} WHERE ${o.voucherNumber} = @voucherNumber AND ${o.kid} = @kid`, keys);
      }
      await tx.execute(
        `UPDATE ${t.table} SET ${t.paidStatus} = @paidStatus
         WHERE ${t.voucherNumber} = @voucherNumber AND ${t.invoiceNumber} = @invoiceNumber`,
        { ...keys, paidStatus },
      );
      return { paidStatus, remainingOre };
    });
  }

  /** Returns the numbers of the import batches waiting to be updated. */
  async listWaitingBatches(): Promise<number[]> {
    const { importBatch: b } = this.names;
    const rows = await this.executor.query<{ batchNumber: unknown }>(
      `SELECT ${b.batchNumber} AS batchNumber FROM ${b.table} ORDER BY ${b.batchNumber}`,
      {},
    );
    return rows.map((row) => toNumber(row.batchNumber));
  }

  /** Returns every open customer entry, oldest voucher first. */
  async listOpenEntries(): Promise<OpenEntry[]> {
    const { openEntry: o } = this.names;
    const rows = await this.executor.query<{
      voucherNumber: unknown;
      invoiceNumber: string | null;
      kid: string | null;
      restAmount: unknown;
      paidStatus: unknown;
    }>(
      `SELECT ${o.voucherNumber} AS voucherNumber, ${o.invoiceNumber} AS invoiceNumber, ${o.kid} AS kid,
         ${o.restAmount} AS restAmount, ${o.paidStatus} AS paidStatus
       FROM ${o.table} ORDER BY ${o.voucherNumber}`,
      {},
    );
    return rows.map((row) => ({
      voucherNumber: toNumber(row.voucherNumber),
      invoiceNumber: row.invoiceNumber,
      kid: row.kid,
      restOre: kronerToOre(row.restAmount),
      paidStatus: toNumber(row.paidStatus),
    }));
  }

  /**
   * Settles the open credit entry of a credit note, as when the accountant offsets it against an invoice or
   * refunds it: the open entry goes away and the customer transaction is marked settled on time.
   *
   * @throws PaymentRejectedError when the voucher has no open credit entry.
   */
  settleCredit(voucherNumber: number): Promise<void> {
    return this.executor.transaction(async (tx) => {
      const { openEntry: o, customerTransaction: t } = this.names;
      const entries = await tx.query<{ restAmount: unknown; invoiceNumber: string | null }>(
        `SELECT ${o.restAmount} AS restAmount, ${o.invoiceNumber} AS invoiceNumber
         FROM ${o.table} ${tx.dialect.lockForUpdate} WHERE ${o.voucherNumber} = @voucherNumber`,
        { voucherNumber },
      );
      if (entries.length !== 1 || kronerToOre(entries[0].restAmount) >= 0) {
        throw new PaymentRejectedError(`voucher ${voucherNumber}`, 0, 'the voucher has no open credit entry.');
      }
      await tx.execute(`DELETE FROM ${o.table} WHERE ${o.voucherNumber} = @voucherNumber`, { voucherNumber });
      await tx.execute(
        `UPDATE ${t.table} SET ${t.paidStatus} = @paidStatus WHERE ${t.voucherNumber} = @voucherNumber`,
        { voucherNumber, paidStatus: PaidStatus.SettledOnTime },
      );
    });
  }

  private async postCustomerLine(tx: SqlRunner, line: CustomerLineRow): Promise<void> {
    const { customerTransaction: t, openEntry: o } = this.names;
    const isDebit = toNumber(line.debitAccountType) === 1;
    const amount = isDebit ? toNumber(line.amount) : -toNumber(line.amount);
    const params = {
      customerNumber: toNumber(isDebit ? line.debitAccountNumber : line.creditAccountNumber),
      voucherNumber: toNumber(line.voucherNumber),
      voucherDate: toNumber(line.voucherDate),
      invoiceNumber: line.invoiceNumber,
      dueDate: toNumber(line.dueDate),
      kid: line.kid,
      amount,
      paidStatus: PaidStatus.FullyOpen,
    };
    await tx.execute(
      `INSERT INTO ${t.table} (${t.customerNumber}, ${t.voucherNumber}, ${t.voucherDate}, ${t.invoiceNumber},
         ${t.dueDate}, ${t.kid}, ${t.amount}, ${t.paidStatus})
       VALUES (@customerNumber, @voucherNumber, @voucherDate, @invoiceNumber, @dueDate, @kid, @amount, @paidStatus)`,
      params,
    );
    await tx.execute(
      `INSERT INTO ${o.table} (${o.customerNumber}, ${o.voucherNumber}, ${o.invoiceNumber}, ${o.dueDate}, ${o.kid},
         ${o.amount}, ${o.restAmount}, ${o.paidStatus})
       VALUES (@customerNumber, @voucherNumber, @invoiceNumber, @dueDate, @kid, @amount, @amount, @paidStatus)`,
      params,
    );
  }
}
