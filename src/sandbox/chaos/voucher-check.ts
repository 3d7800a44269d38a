import { createHash } from 'node:crypto';
import { z } from 'zod';
import { mapInvoiceToVoucher } from '../../domain/mapping';
import type { VoucherKey } from '../../domain/voucher';
import { toInvoiceForMapping } from '../../project-management/invoice-conversion';
import { InvoiceRowSchema, InvoiceSchema } from '../../project-management/invoice-schemas';
import type { VismaBusinessRepository } from '../../visma-business/repository';
import type { SqlExecutor } from '../../visma-business/sql-executor';
import { kronerToOre, toNumber } from '../../visma-business/vb-values';
import { toVoucherRows } from '../../visma-business/voucher-rows';
import { renderInvoicePdf } from '../pm-simulator/pdf';
import type { SimulatedInvoice } from '../pm-simulator/records';
import { readVoucherLines, type StoredVoucherLine, type VoucherLineColumn } from '../voucher-lines';

/** Columns compared as amounts in øre. */
const AMOUNT_COLUMNS: VoucherLineColumn[] = ['amountExVat', 'vatAmount', 'amount'];
/** Columns compared as numbers. */
const NUMBER_COLUMNS: VoucherLineColumn[] = [
  'voucherDate',
  'valueDate',
  'voucherType',
  'debitAccountType',
  'debitAccountNumber',
  'debitVatCode',
  'creditAccountType',
  'creditAccountNumber',
  'creditVatCode',
  'dueDate',
  'exchangeRate',
  'currencyAmount',
];
/** Columns compared as text. */
const TEXT_COLUMNS: VoucherLineColumn[] = ['text', 'invoiceNumber', 'kid', 'currency'];

/** A problem that {@link VoucherChecker.check} found, with duplicated lines apart from other differences. */
export interface VoucherFinding {
  kind: 'duplicate-lines' | 'wrong-lines' | 'wrong-pdf';
  detail: string;
}

/**
 * Checks an imported invoice's voucher and PDF against what the import should have written: the voucher that the
 * mapping makes from the simulator's invoice and Visma Business's posting data, and the PDF the simulator serves.
 * Lines of batches that the accountant updated are gone from `WaVo`, so the checker keeps the lines that each
 * update reported.
 */
export class VoucherChecker {
  /** Lines of updated batches by voucher number. */
  private readonly updatedLines = new Map<number, StoredVoucherLine[]>();
  /** Findings by invoice number, from the last {@link check} of each invoice. */
  readonly findings = new Map<string, VoucherFinding>();

  constructor(
    private readonly executor: SqlExecutor,
    private readonly repository: VismaBusinessRepository,
    private readonly voucherType: number,
  ) {}

  /** Keeps the lines of a batch the accountant updated, by voucher number. */
  recordUpdatedLines(lines: StoredVoucherLine[]): void {
    for (const line of lines) {
      const voucherNumber = toNumber(line.voucherNumber);
      const voucherLines = this.updatedLines.get(voucherNumber) ?? [];
      voucherLines.push(line);
      this.updatedLines.set(voucherNumber, voucherLines);
    }
  }

  /** Compares the voucher and the PDF of one invoice; returns what is wrong, or null. */
  async check(invoice: SimulatedInvoice, key: VoucherKey, voucherNumber: number): Promise<string | null> {
    const finding = (await this.compareLines(invoice, key, voucherNumber)) ?? (await this.comparePdf(invoice, key));
    if (finding) this.findings.set(key.invoiceNumber, finding);
    else this.findings.delete(key.invoiceNumber);
    return finding ? finding.detail : null;
  }

  private async compareLines(
    invoice: SimulatedInvoice,
    key: VoucherKey,
    voucherNumber: number,
  ): Promise<VoucherFinding | null> {
    const expected = await this.expectedLines(key.client, invoice);
    const waiting = await readVoucherLines(this.executor, this.repository.names, { voucherNumber });
    const actual = [...(this.updatedLines.get(voucherNumber) ?? []), ...waiting];

    if (actual.length === 2 * expected.length && expected.length > 0) {
      const once = actual.slice(0, expected.length);
      const twice = actual.slice(expected.length);
      if (differences(expected, once).length === 0 && differences(expected, twice).length === 0) {
        return { kind: 'duplicate-lines', detail: `voucher ${voucherNumber} has every line twice` };
      }
    }
    if (actual.length !== expected.length) {
      return {
        kind: 'wrong-lines',
        detail: `voucher ${voucherNumber} has ${actual.length} lines, the mapping gives ${expected.length}`,
      };
    }
    const found = differences(expected, actual);
    return found.length === 0
      ? null
      : { kind: 'wrong-lines', detail: `voucher ${voucherNumber}: ${found.slice(0, 3).join('; ')}` };
  }

  private async comparePdf(invoice: SimulatedInvoice, key: VoucherKey): Promise<VoucherFinding | null> {
    const k = this.repository.names.voucherKey;
    const d = this.repository.names.attachment;
    const rows = await this.executor.query<{ content: Uint8Array | null }>(
      `SELECT d.${d.content} AS content FROM ${k.table} k JOIN ${d.table} d ON d.${d.documentNumber} = k.${k.documentNumber}
       WHERE k.${k.client} = @client AND k.${k.invoiceNumber} = @invoiceNumber AND k.${k.customerNumber} = @customerNumber`,
      { ...key },
    );
    const stored = rows[0]?.content;
    if (!stored) return { kind: 'wrong-pdf', detail: 'no PDF is linked to the voucher' };
    const expected = sha256(await renderInvoicePdf(invoice));
    return sha256(stored) === expected ? null : { kind: 'wrong-pdf', detail: 'the stored PDF differs from PM’s' };
  }

  private async expectedLines(client: string, invoice: SimulatedInvoice) {
    const pmInvoice = InvoiceSchema.parse(invoice.body);
    const rows = z.array(InvoiceRowSchema).parse(invoice.rows);
    const forMapping = toInvoiceForMapping(client, pmInvoice, rows);
    const codes = [...new Set(forMapping.rows.map((row) => row.productCode).filter((code) => code !== null))];
    const posting = await this.repository.readPostingData(codes as string[], this.voucherType);
    const voucher = mapInvoiceToVoucher(forMapping, posting);
    // The writer adds the voucher type to each line as it inserts it.
    return toVoucherRows(voucher).lines.map((line) => ({ ...line, voucherType: voucher.voucherType }));
  }
}

/** Lists the columns in which the stored lines differ from the expected ones, line by line. */
function differences(expected: Record<string, unknown>[], actual: StoredVoucherLine[]): string[] {
  const found: string[] = [];
  expected.forEach((line, index) => {
    const stored = actual[index];
    for (const column of [...AMOUNT_COLUMNS, ...NUMBER_COLUMNS, ...TEXT_COLUMNS]) {
      if (!sameValue(column, line[column], stored[column])) {
        found.push(`line ${index + 1} ${column} is ${String(stored[column])}, expected ${String(line[column])}`);
      }
    }
  });
  return found;
}

function sameValue(column: VoucherLineColumn, expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined || actual === null || actual === undefined) {
    return (expected ?? null) === (actual ?? null);
  }
  if (AMOUNT_COLUMNS.includes(column)) return kronerToOre(expected) === kronerToOre(actual);
  if (NUMBER_COLUMNS.includes(column)) return Math.abs(toNumber(expected) - toNumber(actual)) < 1e-6;
  return String(expected).trim() === String(actual).trim();
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
