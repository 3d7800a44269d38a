import { HOME_CURRENCY } from '../domain/currency';
import type { InvoiceForMapping, InvoiceRowForMapping } from '../domain/invoice';
import { quoteForMessage } from '../domain/text';
import type { PmInvoice, PmInvoiceRow } from './invoice-schemas';

/** Raised when a PM invoice lacks a field the import needs, or carries a value it cannot read. */
export class InvalidInvoiceError extends Error {
  constructor(
    readonly invoice: string,
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`Invoice ${invoice}: ${field} ${detail} (value: ${describeValue(value)})`);
    this.name = 'InvalidInvoiceError';
  }
}

/** Writes a value for a message: a string quoted and cut if long, a number as JavaScript prints it (`NaN` too). */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoteForMessage(value);
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? 'undefined';
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/;
const DATE_TIME_LOCAL = /^(\d{4}-\d{2}-\d{2})T[\d:.]+$/;
const OSLO_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Converts an invoice and its rows, as validated from PM's responses, to the input of the voucher mapping.
 * Amounts become exact decimal strings. Checks what the mapping cannot: that fields are present and readable,
 * that dates are real calendar dates with the due date not before the invoice date, and that invoice and
 * customer numbers are above 0. It also checks that the invoice and all its amounts name one currency, and that
 * a foreign currency has an exchange rate above 0.
 */
export function toInvoiceForMapping(client: string, invoice: PmInvoice, rows: PmInvoiceRow[]): InvoiceForMapping {
  const label = invoice.number != null ? String(invoice.number) : `with guid ${invoice.guid}`;
  if (invoice.number == null) {
    throw new InvalidInvoiceError(label, 'number', invoice.number, 'is missing; only issued invoices have one');
  }
  if (!(invoice.number > 0)) {
    throw new InvalidInvoiceError(label, 'number', invoice.number, 'must be greater than 0');
  }

  const sortedRows = [...rows].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
  const customerNumber = invoice.customer?.number;
  if (customerNumber != null && !(customerNumber > 0)) {
    throw new InvalidInvoiceError(label, 'customer.number', customerNumber, 'must be greater than 0');
  }
  const kid = invoice.referenceNumber?.trim();

  const invoiceDate = calendarDate(label, 'date', invoice.date);
  const dueDate = calendarDate(label, 'dueDate', invoice.dueDate);
  if (dueDate < invoiceDate) {
    throw new InvalidInvoiceError(label, 'dueDate', invoice.dueDate, `is before the invoice date ${invoiceDate}`);
  }

  const currencyCode = invoiceCurrency(label, invoice, sortedRows);
  const currencyRate = invoice.currencyRate;
  const foreign = currencyCode.toUpperCase() !== HOME_CURRENCY;
  if (foreign && currencyRate != null && !(Number.isFinite(currencyRate) && currencyRate > 0)) {
    throw new InvalidInvoiceError(
      label,
      'currencyRate',
      currencyRate,
      `must be a finite number greater than 0 for an invoice in ${currencyCode}`,
    );
  }

  return {
    client,
    invoiceNumber: String(invoice.number),
    invoiceGuid: invoice.guid,
    customerNumber: customerNumber == null ? null : String(customerNumber),
    customerName: invoice.customer?.name ?? null,
    isCreditNote: invoice.isCreditNote ?? false,
    invoiceDate,
    dueDate,
    kid: kid ? kid : null,
    currencyCode,
    currencyRate: currencyRate == null ? null : decimalString(currencyRate),
    totalExcludingTax: amount(label, 'totalExcludingTax', invoice.totalExcludingTax?.amount),
    totalTax: amount(label, 'totalTax', invoice.totalTax?.amount),
    totalIncludingTax: amount(label, 'totalIncludingTax', invoice.totalIncludingTax?.amount),
    rows: sortedRows.map((row, index) => toRow(label, row, index + 1)),
  };
}

function toRow(invoice: string, row: PmInvoiceRow, rowNumber: number): InvoiceRowForMapping {
  const field = (name: string) => `row ${rowNumber} ${name}`;
  const code = row.code?.find((value) => value.trim() !== '');
  return {
    rowNumber,
    productCode: code ? code.trim() : null,
    description: row.description ?? '',
    quantity: amount(invoice, field('quantity'), row.quantity),
    unitPrice: amount(invoice, field('unitPrice'), row.unitPrice?.amount),
    vatRatePercent: amount(invoice, field('vatRate'), row.vatRate),
  };
}

function amount(invoice: string, field: string, value: number | null | undefined): string {
  if (value == null) {
    throw new InvalidInvoiceError(invoice, field, value, 'is missing');
  }
  if (!Number.isFinite(value)) {
    throw new InvalidInvoiceError(invoice, field, value, 'is not a finite number');
  }
  return decimalString(value);
}

/**
 * Returns the invoice's currency code. An invoice without a currency is in NOK, unless one of its amounts names
 * another currency, and every amount that names a currency must name the invoice's.
 */
function invoiceCurrency(label: string, invoice: PmInvoice, sortedRows: PmInvoiceRow[]): string {
  const amounts: [field: string, currencyCode: string | null | undefined][] = [
    ['totalExcludingTax', invoice.totalExcludingTax?.currencyCode],
    ['totalTax', invoice.totalTax?.currencyCode],
    ['totalIncludingTax', invoice.totalIncludingTax?.currencyCode],
    ...sortedRows.map((row, index): [string, string | null | undefined] => [
      `row ${index + 1} unitPrice`,
      row.unitPrice?.currencyCode,
    ]),
  ];
  const named = amounts.filter(([, code]) => code != null && code.trim() !== '');
  const declared = invoice.currency?.code?.trim();

  if (!declared) {
    const foreign = named.find(([, code]) => code!.trim().toUpperCase() !== HOME_CURRENCY);
    if (foreign) {
      throw new InvalidInvoiceError(
        label,
        'currency.code',
        invoice.currency?.code,
        `is missing, but ${foreign[0]}.currencyCode is ${foreign[1]}, so the invoice is not in ${HOME_CURRENCY}`,
      );
    }
    return HOME_CURRENCY;
  }

  const mismatch = named.find(([, code]) => code!.trim().toUpperCase() !== declared.toUpperCase());
  if (mismatch) {
    throw new InvalidInvoiceError(
      label,
      `${mismatch[0]}.currencyCode`,
      mismatch[1],
      `differs from the invoice currency ${declared}`,
    );
  }
  return declared;
}

/**
 * Returns the calendar date of a PM date field. A plain date or a local date-time keeps its date part; a
 * date-time with a zone or offset is read as the instant it names and gives the date in Norway at that instant.
 * The date part must be a real calendar date, because `Date` would roll 2025-02-30 over to March.
 */
function calendarDate(invoice: string, field: string, value: string | null | undefined): string {
  if (!value) {
    throw new InvalidInvoiceError(invoice, field, value, 'is missing');
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !isCalendarDate(value.slice(0, 10))) {
    throw new InvalidInvoiceError(invoice, field, value, 'is not a real calendar date');
  }
  if (DATE_ONLY.test(value)) return value;
  const local = DATE_TIME_LOCAL.exec(value);
  if (local) return local[1];
  if (DATE_TIME_WITH_ZONE.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) return OSLO_DATE.format(instant);
  }
  throw new InvalidInvoiceError(invoice, field, value, 'is not a date (expected YYYY-MM-DD)');
}

/** Tells whether `YYYY-MM-DD` names a day that exists in the Gregorian calendar. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

/**
 * Writes a JSON number as the exact decimal string it was parsed from. JavaScript prints the shortest string
 * that reads back as the same double, which for the decimals PM sends is the decimal as PM wrote it.
 */
export function decimalString(value: number): string {
  const text = String(value);
  const exponent = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponent) return text;

  const [, sign, whole, fraction = '', power] = exponent;
  const digits = whole + fraction;
  const point = whole.length + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
