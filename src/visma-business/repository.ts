import type { LedgerFacts } from '../domain/ledger';
import type { PostingData } from '../domain/posting';
import type { Voucher, VoucherKey } from '../domain/voucher';
import { checkPdf, storeAttachmentInTransaction, type StoreAttachmentOutcome } from './attachment-store';
import { readCompanyDefaults, readPostingData, type CompanyDefaults } from './company-settings';
import { CustomerNotFoundError } from './errors';
import { findOrCreateBatch, InvalidRunDateError } from './import-batch';
import { readLedgerFacts } from './ledger-facts-reader';
import { markSwept, readChangedLedgerStatuses, type ChangedLedgerStatus } from './ledger-sweep';
import { resolveSchemaNames, type SchemaNameOverrides, type SchemaNames } from './schema-names';
import type { SqlExecutor } from './sql-executor';
import { toNumber, toVbDate, toVbInteger } from './vb-values';
import { toVoucherRows } from './voucher-rows';
import type { VoucherSeries } from './voucher-series';
import { writeVoucherInTransaction, type WriteVoucherResult } from './voucher-writer';

/** Options of {@link VismaBusinessRepository.writeVoucher}. */
export interface WriteVoucherOptions {
  /** Date of the import run as `YYYY-MM-DD`. A new voucher goes into the client's batch of that date. */
  runDate: string;
  /**
   * Voucher numbers to take from.
   * @default the invoice series of the company information
   */
  series?: VoucherSeries;
}

/**
 * The import's access to one Visma Business company database. It reads company settings, products, groups, VAT
 * codes, customers and ledger state, and writes only vouchers into import batches, their attachments, and its own
 * bookkeeping tables. It never writes customers, products, groups or company settings.
 */
export class VismaBusinessRepository {
  readonly names: SchemaNames;

  constructor(
    private readonly executor: SqlExecutor,
    options: { schemaNames?: SchemaNameOverrides; clock?: () => Date } = {},
  ) {
    this.names = resolveSchemaNames(options.schemaNames);
    this.clock = options.clock ?? (() => new Date());
  }

  private readonly clock: () => Date;

  /** Statements run on the executor so far, for measuring statements per invoice. */
  get statementCount(): number {
    return this.executor.statementCount;
  }

  /** Reads the company's default group, invoice voucher type and series, and KID layout. */
  readCompanyDefaults(): Promise<CompanyDefaults> {
    return readCompanyDefaults(this.executor, this.names);
  }

  /** Reads, in one statement, the groups, sales accounts and VAT codes for an invoice's product codes. */
  readPostingData(productCodes: string[], voucherType?: number): Promise<PostingData> {
    return readPostingData(this.executor, this.names, productCodes, voucherType);
  }

  /** Tells whether Visma Business has a customer with this number. */
  async customerExists(customerNumber: string): Promise<boolean> {
    const number = toVbInteger(customerNumber);
    if (number === null) return false;
    const c = this.names.customer;
    const [{ matches }] = await this.executor.query<{ matches: unknown }>(
      `SELECT COUNT(*) AS matches FROM ${c.table} WHERE ${c.customerNumber} = @customerNumber`,
      { customerNumber: number },
    );
    return toNumber(matches) > 0;
  }

  /** @throws CustomerNotFoundError unless Visma Business has the customer of the invoice. */
  async requireCustomer(customerNumber: string, invoiceNumber: string): Promise<void> {
    if (!(await this.customerExists(customerNumber))) throw new CustomerNotFoundError(customerNumber, invoiceNumber);
  }

  /** Returns the number of the client's import batch for `runDate`, creating the batch when needed. */
  findOrCreateImportBatch(client: string, runDate: string): Promise<number> {
    return this.executor.transaction((tx) => findOrCreateBatch(tx, this.names, client, runDate, this.clock()));
  }

  /**
   * Writes the voucher into the client's import batch, once per client, invoice number and customer number, in one
   * transaction. See {@link writeVoucherInTransaction} for what happens to a voucher written before.
   *
   * @throws InvalidVoucherError before touching the database when the voucher cannot be written as it is.
   * @throws InvalidRunDateError when `runDate` is not `YYYY-MM-DD`.
   * @throws VoucherAlreadyPostedError when the voucher's batch has been updated into the ledger.
   * @throws VoucherSeriesExhaustedError when the series has no number left.
   */
  async writeVoucher(voucher: Voucher, options: WriteVoucherOptions): Promise<WriteVoucherResult> {
    const rows = toVoucherRows(voucher);
    if (toVbDate(options.runDate) === null) throw new InvalidRunDateError(options.runDate);
    return this.executor.transaction(async (tx) => {
      const series = async () => options.series ?? (await readCompanyDefaults(tx, this.names)).invoiceVoucherSeries;
      return writeVoucherInTransaction(tx, this.names, voucher, rows, {
        runDate: options.runDate,
        series,
        now: this.clock(),
      });
    });
  }

  /**
   * Stores the invoice PDF with the voucher of `key`, once per content.
   *
   * @throws AttachmentRejectedError before touching the database when the file is empty, larger than `maxBytes`
   *   or not a complete PDF.
   * @throws VoucherNotFoundError when no voucher has been written for `key`.
   */
  async storeAttachment(
    key: VoucherKey,
    pdf: Uint8Array,
    fileName: string,
    maxBytes: number,
  ): Promise<{ outcome: StoreAttachmentOutcome }> {
    checkPdf(key, pdf, fileName, maxBytes);
    return this.executor.transaction(async (tx) => ({
      outcome: await storeAttachmentInTransaction(tx, this.names, key, pdf, fileName, this.clock()),
    }));
  }

  /** Reads what the status derivation needs about the invoice of `key`, or null when it was never imported. */
  readLedgerFacts(key: VoucherKey): Promise<LedgerFacts | null> {
    return readLedgerFacts(this.executor, this.names, key);
  }

  /**
   * Reads, in one statement, the invoices of `client` that are not swept as Paid yet and whose ledger status or
   * remaining amount changed since the last {@link markSwept}. A voucher written or replaced counts as swept Sent.
   */
  readChangedLedgerStatuses(client: string): Promise<ChangedLedgerStatus[]> {
    return readChangedLedgerStatuses(this.executor, this.names, client);
  }

  /** Stores each entry's status and remaining amount as the state the next sweep compares with. */
  markSwept(swept: readonly ChangedLedgerStatus[]): Promise<void> {
    return markSwept(this.executor, this.names, swept, this.clock());
  }

  /** Returns the customer numbers the client's invoice was imported for, from the import's own table. */
  async importedCustomers(client: string, invoiceNumber: string): Promise<string[]> {
    const k = this.names.voucherKey;
    const rows = await this.executor.query<{ customerNumber: unknown }>(
      `SELECT ${k.customerNumber} AS customerNumber FROM ${k.table}
       WHERE ${k.client} = @client AND ${k.invoiceNumber} = @invoiceNumber`,
      { client, invoiceNumber },
    );
    return rows.map((row) => String(row.customerNumber));
  }

  /** Counts the distinct voucher numbers in waiting batches and customer transactions for the invoice of `key`. */
  async countVouchers(key: VoucherKey): Promise<number> {
    const { voucherLine: w, customerTransaction: t } = this.names;
    const [{ waiting }] = await this.executor.query<{ waiting: unknown }>(
      `SELECT COUNT(DISTINCT ${w.voucherNumber}) AS waiting FROM ${w.table}
       WHERE ${w.invoiceNumber} = @invoiceNumber
         AND ((${w.debitAccountType} = 1 AND ${w.debitAccountNumber} = @customer)
           OR (${w.creditAccountType} = 1 AND ${w.creditAccountNumber} = @customer))`,
      { invoiceNumber: key.invoiceNumber, customer: toVbInteger(key.customerNumber) ?? -1 },
    );
    const [{ posted }] = await this.executor.query<{ posted: unknown }>(
      `SELECT COUNT(DISTINCT ${t.voucherNumber}) AS posted FROM ${t.table}
       WHERE ${t.invoiceNumber} = @invoiceNumber AND ${t.customerNumber} = @customer`,
      { invoiceNumber: key.invoiceNumber, customer: toVbInteger(key.customerNumber) ?? -1 },
    );
    return toNumber(waiting) + toNumber(posted);
  }

  /** Counts the voucher lines of `voucherNumber` waiting in import batches. */
  async countVoucherLines(voucherNumber: number): Promise<number> {
    const w = this.names.voucherLine;
    const [{ lines }] = await this.executor.query<{ lines: unknown }>(
      `SELECT COUNT(*) AS lines FROM ${w.table} WHERE ${w.voucherNumber} = @voucherNumber`,
      { voucherNumber },
    );
    return toNumber(lines);
  }

  /** Counts the documents attached to `voucherNumber`. */
  async countAttachments(voucherNumber: number): Promise<number> {
    const d = this.names.attachment;
    const [{ documents }] = await this.executor.query<{ documents: unknown }>(
      `SELECT COUNT(*) AS documents FROM ${d.table} WHERE ${d.voucherNumber} = @voucherNumber`,
      { voucherNumber },
    );
    return toNumber(documents);
  }
}
