import type { InvoiceForMapping, InvoiceRowForMapping } from '../domain/invoice';
import type { PmInvoice, PmInvoiceRow } from './invoice-schemas';

/** Raised when a PM invoice lacks a field the import needs, or carries a value it cannot read. */
export class InvalidInvoiceError extends Error {
  constructor(
    readonly invoice: string,
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`Invoice ${invoice}: ${field} ${detail} (value: ${JSON.stringify(value) ?? 'undefined'})`);
    this.name = 'InvalidInvoiceError';
  }
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
 * Amounts become exact decimal strings. Checks only what the mapping cannot: presence and readability.
 */
export function toInvoiceForMapping(client: string, invoice: PmInvoice, rows: PmInvoiceRow[]): InvoiceForMapping {
  const label = invoice.number != null ? String(invoice.number) : `with guid ${invoice.guid}`;
  if (invoice.number == null) {
    throw new InvalidInvoiceError(label, 'number', invoice.number, 'is missing; only issued invoices have one');
  }

  const sortedRows = [...rows].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
  const customerNumber = invoice.customer?.number;
  const kid = invoice.referenceNumber?.trim();

  return {
    client,
    invoiceNumber: String(invoice.number),
    invoiceGuid: invoice.guid,
    customerNumber: customerNumber == null ? null : String(customerNumber),
    customerName: invoice.customer?.name ?? null,
    isCreditNote: invoice.isCreditNote ?? false,
    invoiceDate: calendarDate(label, 'date', invoice.date),
    dueDate: calendarDate(label, 'dueDate', invoice.dueDate),
    kid: kid ? kid : null,
    currencyCode: invoice.currency?.code ?? 'NOK',
    currencyRate: invoice.currencyRate == null ? null : decimalString(invoice.currencyRate),
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
 * Returns the calendar date of a PM date field. A plain date or a local date-time keeps its date part; a
 * date-time with a zone or offset is read as the instant it names and gives the date in Norway at that instant.
 */
function calendarDate(invoice: string, field: string, value: string | null | undefined): string {
  if (!value) {
    throw new InvalidInvoiceError(invoice, field, value, 'is missing');
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
