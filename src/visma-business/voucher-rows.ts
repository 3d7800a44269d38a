import { createHash } from 'node:crypto';
import { AccountType, type Voucher, type VoucherLine } from '../domain/voucher';
import { InvalidVoucherError } from './errors';
import { DEFAULT_SCHEMA, type ColumnSpec } from './schema-names';
import type { SqlParams } from './sql-executor';
import { oreToKroner, toVbDate, toVbInteger } from './vb-values';

/** A voucher checked and converted to the values of its `WaVo` rows, except batch, line and voucher number. */
export interface VoucherRows {
  voucherDate: number;
  valueDate: number;
  /** One entry per line, keyed by the column keys of `voucherLine` in the schema names. */
  lines: SqlParams[];
  /** Amount of the customer lines in øre: positive for an invoice, negative for a credit note. */
  totalOre: number;
  /** SHA-256 of the voucher's content, which distinguishes a re-import with changed content from a retry. */
  contentSha256: string;
}

const CURRENCY_CODE = /^[A-Z]{3}$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** ISO 4217 currencies whose minor unit is not a hundredth. */
const MINOR_UNIT_DIGITS: Record<string, number> = {
  BHD: 3,
  CLP: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  VND: 0,
};

/** Characters of a too long value that an error message shows. */
const SHOWN_CHARACTERS = 40;

/**
 * Checks that `voucher` can be written as it is, and converts it to row values. The lines must be numbered 1 to n,
 * balance to the øre, and carry the customer of the key on at least one customer line. Customer lines must carry
 * the invoice number of the key. Text values must fit the column widths of the schema names, which SQL Server
 * enforces and SQLite does not.
 *
 * @throws InvalidVoucherError naming the line and the value that is wrong.
 */
export function toVoucherRows(voucher: Voucher): VoucherRows {
  const invalid = (problem: string) => new InvalidVoucherError(voucher.key, problem);
  const { key } = voucher;
  if (!key.client.trim() || !key.invoiceNumber.trim() || !key.customerNumber.trim()) {
    throw invalid('client, invoice number and customer number must all be set.');
  }
  const keyColumns = DEFAULT_SCHEMA.voucherKey.columns;
  checkWidth('client', key.client, DEFAULT_SCHEMA.voucherKey.name, keyColumns.client, invalid);
  checkWidth('invoice number', key.invoiceNumber, DEFAULT_SCHEMA.voucherKey.name, keyColumns.invoiceNumber, invalid);
  checkWidth('customer number', key.customerNumber, DEFAULT_SCHEMA.voucherKey.name, keyColumns.customerNumber, invalid);
  if (!Number.isSafeInteger(voucher.voucherType) || voucher.voucherType <= 0) {
    throw invalid(`voucher type ${voucher.voucherType} is not a positive integer.`);
  }
  const voucherDate = toVbDate(voucher.voucherDate);
  if (voucherDate === null) throw invalid(`voucher date ${JSON.stringify(voucher.voucherDate)} is not a date.`);
  const valueDate = toVbDate(voucher.valueDate);
  if (valueDate === null) throw invalid(`value date ${JSON.stringify(voucher.valueDate)} is not a date.`);
  if (voucher.lines.length < 2) throw invalid(`a voucher needs at least two lines, got ${voucher.lines.length}.`);

  let debitOre = 0;
  let creditOre = 0;
  let totalOre = 0;
  let customerLines = 0;
  const customerNumber = toVbInteger(key.customerNumber);
  const lines = voucher.lines.map((line, index) => {
    if (line.lineNumber !== index + 1) {
      throw invalid(
        `line ${index + 1} has line number ${line.lineNumber}, but lines must be numbered 1 to n in order.`,
      );
    }
    const row = toLineRow(line, voucherDate, valueDate, invalid);
    const lineColumns: Readonly<Record<string, ColumnSpec>> = DEFAULT_SCHEMA.voucherLine.columns;
    for (const [columnKey, value] of Object.entries(row)) {
      if (typeof value !== 'string') continue;
      checkWidth(`line ${line.lineNumber}:`, value, DEFAULT_SCHEMA.voucherLine.name, lineColumns[columnKey], invalid);
    }
    if (line.side === 'debit') debitOre += line.amountOre;
    else creditOre += line.amountOre;
    if (line.accountType === AccountType.Customer) {
      if (toVbInteger(line.accountNumber) !== customerNumber) {
        throw invalid(`line ${line.lineNumber} is for customer ${line.accountNumber}, not ${key.customerNumber}.`);
      }
      // The ledger's customer transaction carries this invoice number, and the status watch finds it by it.
      if (line.invoiceNumber !== key.invoiceNumber) {
        throw invalid(`customer line ${line.lineNumber} has invoice number ${JSON.stringify(line.invoiceNumber)}.`);
      }
      customerLines += 1;
      totalOre += line.side === 'debit' ? line.amountOre : -line.amountOre;
    }
    return row;
  });

  if (debitOre !== creditOre) {
    throw invalid(`debit lines total ${debitOre} øre but credit lines total ${creditOre} øre.`);
  }
  if (customerLines === 0) throw invalid(`no line is for customer ${key.customerNumber} (account type 1).`);

  return { voucherDate, valueDate, lines, totalOre, contentSha256: contentSha256(voucher) };
}

/** @throws InvalidVoucherError when `value` is longer than the width that the import needs from `column`. */
function checkWidth(
  what: string,
  value: string,
  table: string,
  column: ColumnSpec,
  invalid: (problem: string) => InvalidVoucherError,
): void {
  if (column.minLength === undefined || value.length <= column.minLength) return;
  const shown = `${value.slice(0, SHOWN_CHARACTERS)}...`;
  throw invalid(
    `${what} ${JSON.stringify(shown)} has ${value.length} characters, more than the ${column.minLength} of ` +
      `column ${table}.${column.name}.`,
  );
}

function toLineRow(
  line: VoucherLine,
  voucherDate: number,
  valueDate: number,
  invalid: (problem: string) => InvalidVoucherError,
): SqlParams {
  const at = `line ${line.lineNumber}`;
  for (const [field, value] of [
    ['amount excluding VAT', line.amountExVatOre],
    ['VAT amount', line.vatAmountOre],
    ['amount', line.amountOre],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw invalid(`${at}: ${field} ${value} is not a whole øre amount ≥ 0.`);
  }
  if (line.amountExVatOre + line.vatAmountOre !== line.amountOre) {
    throw invalid(
      `${at}: amount ${line.amountOre} øre is not amount excluding VAT ${line.amountExVatOre} plus VAT ${line.vatAmountOre}.`,
    );
  }
  if (line.side !== 'debit' && line.side !== 'credit') throw invalid(`${at}: side ${String(line.side)} is unknown.`);
  if (!Object.values(AccountType).includes(line.accountType)) {
    throw invalid(`${at}: account type ${line.accountType} is not 1, 2 or 3.`);
  }
  const accountNumber = toVbInteger(line.accountNumber);
  if (accountNumber === null)
    throw invalid(`${at}: account number ${JSON.stringify(line.accountNumber)} is not 1 to 9 digits.`);
  const vatCode = line.vatCode === null ? 0 : toVbInteger(line.vatCode);
  if (vatCode === null) throw invalid(`${at}: VAT code ${JSON.stringify(line.vatCode)} is not a number.`);
  const dueDate = line.dueDate === null ? 0 : toVbDate(line.dueDate);
  if (dueDate === null) throw invalid(`${at}: due date ${JSON.stringify(line.dueDate)} is not a date.`);
  if (line.kid !== null && !/^\d{1,24}[\d-]$/.test(line.kid)) {
    throw invalid(`${at}: KID ${JSON.stringify(line.kid)} is not 2 to 25 digits.`);
  }

  const isDebit = line.side === 'debit';
  return {
    voucherDate,
    valueDate,
    text: line.text,
    debitAccountType: isDebit ? line.accountType : 0,
    debitAccountNumber: isDebit ? accountNumber : 0,
    debitVatCode: isDebit ? vatCode : 0,
    creditAccountType: isDebit ? 0 : line.accountType,
    creditAccountNumber: isDebit ? 0 : accountNumber,
    creditVatCode: isDebit ? 0 : vatCode,
    amountExVat: oreToKroner(line.amountExVatOre),
    vatAmount: oreToKroner(line.vatAmountOre),
    amount: oreToKroner(line.amountOre),
    invoiceNumber: line.invoiceNumber,
    dueDate,
    kid: line.kid,
    ...currencyColumns(line, invalid),
  };
}

function currencyColumns(line: VoucherLine, invalid: (problem: string) => InvalidVoucherError): SqlParams {
  const { currency } = line;
  if (currency === null) return { currency: null, exchangeRate: null, currencyAmount: null };
  if (!CURRENCY_CODE.test(currency.code)) {
    throw invalid(`line ${line.lineNumber}: currency ${JSON.stringify(currency.code)} is not an ISO 4217 code.`);
  }
  if (!DECIMAL.test(currency.rate) || Number(currency.rate) === 0) {
    throw invalid(`line ${line.lineNumber}: exchange rate ${JSON.stringify(currency.rate)} is not a positive decimal.`);
  }
  if (!Number.isSafeInteger(currency.amountMinor)) {
    throw invalid(
      `line ${line.lineNumber}: currency amount ${currency.amountMinor} is not a whole number of minor units.`,
    );
  }
  const digits = MINOR_UNIT_DIGITS[currency.code] ?? 2;
  return {
    currency: currency.code,
    // A decimal string keeps every digit of the rate, and both engines convert it to the column's decimal type.
    exchangeRate: currency.rate,
    currencyAmount: currency.amountMinor / 10 ** digits,
  };
}

/** Returns the SHA-256 of the voucher's fields in a fixed order, so that equal vouchers give equal hashes. */
function contentSha256(voucher: Voucher): string {
  const canonical = [
    voucher.key.client,
    voucher.key.invoiceNumber,
    voucher.key.customerNumber,
    voucher.voucherType,
    voucher.voucherDate,
    voucher.valueDate,
    voucher.isCreditNote,
    voucher.text,
    voucher.lines.map((line) => [
      line.lineNumber,
      line.side,
      line.accountType,
      line.accountNumber,
      line.vatCode,
      line.amountExVatOre,
      line.vatAmountOre,
      line.amountOre,
      line.text,
      line.invoiceNumber,
      line.dueDate,
      line.kid,
      line.currency === null ? null : [line.currency.code, line.currency.rate, line.currency.amountMinor],
    ]),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
