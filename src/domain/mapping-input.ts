import { HOME_CURRENCY, minorUnitExponent } from './currency';
import type { InvoiceForMapping } from './invoice';
import {
  AmountTooLargeError,
  InvalidInvoiceValueError,
  MissingCurrencyRateError,
  MissingCustomerNumberError,
  NegativeAmountError,
  PositiveCreditNoteError,
} from './mapping-errors';
import {
  AmountOutOfRangeError,
  Decimal,
  DecimalTooLargeError,
  formatDecimal,
  InvalidDecimalError,
  multiplyDecimals,
  parseDecimal,
  toMinorUnits,
} from './money';

/** The currency of an invoice and, for a foreign currency, its rate to NOK. */
export interface InvoiceCurrency {
  /** ISO 4217 code in capitals. */
  code: string;
  /** Decimals of the currency's minor unit. */
  exponent: number;
  /** NOK per unit of the currency; null for NOK. */
  rate: Decimal | null;
}

/** PM's totals of an invoice in minor units of its currency, with the sign of an invoice (see `direction`). */
export interface InvoiceTotals {
  excludingTax: number;
  tax: number;
  includingTax: number;
}

/** One invoice row that bills an amount, in minor units of the invoice currency. */
export interface RowAmount {
  rowNumber: number;
  productCode: string | null;
  /** Quantity × unit price, exactly, with the sign of an invoice (see `direction`). */
  exactAmount: Decimal;
  /** `exactAmount` in minor units, rounded half away from zero. */
  amountMinor: number;
  vatRate: Decimal;
  /** VAT rate as PM sent it, for messages. */
  vatRatePercent: string;
}

/**
 * An invoice's amounts, read exactly and validated. Amounts are multiplied by `direction` (1 for an invoice,
 * -1 for a credit note), so that revenue is positive in both and one set of rules maps them.
 */
export interface InvoiceAmounts {
  invoiceNumber: string;
  customerNumber: string;
  direction: 1 | -1;
  currency: InvoiceCurrency;
  totals: InvoiceTotals;
  /**
   * Rows whose exact amount is not zero, in invoice order, including rows that round to 0 minor units. Rows of text
   * only, or with a zero amount, are left out.
   */
  rows: RowAmount[];
}

/** Reads and validates the amounts of an invoice for the mapping. */
export function readInvoiceAmounts(invoice: InvoiceForMapping): InvoiceAmounts {
  const invoiceNumber = invoice.invoiceNumber;
  const customerNumber = invoice.customerNumber?.trim();
  if (!customerNumber) {
    throw new MissingCustomerNumberError(invoiceNumber);
  }

  const direction = invoice.isCreditNote ? -1 : 1;
  const currency = readCurrency(invoice);
  const totals = readTotals(invoice, currency.exponent, direction);
  const rows = invoice.rows
    .map((row): RowAmount => {
      const field = (name: string) => `row ${row.rowNumber} ${name}`;
      const quantity = readDecimal(invoiceNumber, field('quantity'), row.quantity, row.rowNumber);
      const unitPrice = readDecimal(invoiceNumber, field('unit price'), row.unitPrice, row.rowNumber);
      const vatRate = readDecimal(invoiceNumber, field('VAT rate'), row.vatRatePercent, row.rowNumber);
      if (vatRate.units < 0n) {
        throw new InvalidInvoiceValueError(
          invoiceNumber,
          field('VAT rate'),
          row.vatRatePercent,
          'must not be negative',
        );
      }
      const product = multiplyDecimals(quantity, unitPrice);
      const exactAmount = { units: product.units * BigInt(direction), scale: product.scale };
      return {
        rowNumber: row.rowNumber,
        productCode: row.productCode,
        exactAmount,
        amountMinor: readMinorUnits(invoiceNumber, field('amount'), exactAmount, currency.exponent, row.rowNumber),
        vatRate,
        vatRatePercent: row.vatRatePercent,
      };
    })
    .filter((row) => row.exactAmount.units !== 0n);

  return { invoiceNumber, customerNumber, direction, currency, totals, rows };
}

function readCurrency(invoice: InvoiceForMapping): InvoiceCurrency {
  const code = invoice.currencyCode.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) {
    throw new InvalidInvoiceValueError(invoice.invoiceNumber, 'currency code', invoice.currencyCode, 'not ISO 4217');
  }
  const exponent = minorUnitExponent(code);
  if (code === HOME_CURRENCY) {
    return { code, exponent, rate: null };
  }

  if (invoice.currencyRate == null || invoice.currencyRate.trim() === '') {
    throw new MissingCurrencyRateError(invoice.invoiceNumber, code);
  }
  const rate = readDecimal(invoice.invoiceNumber, 'currency rate', invoice.currencyRate, null);
  if (rate.units <= 0n) {
    throw new InvalidInvoiceValueError(
      invoice.invoiceNumber,
      'currency rate',
      invoice.currencyRate,
      'must be greater than zero',
    );
  }
  return { code, exponent, rate };
}

function readTotals(invoice: InvoiceForMapping, exponent: number, direction: 1 | -1): InvoiceTotals {
  const read = (name: string, text: string): number => {
    const amount = readMinorUnits(
      invoice.invoiceNumber,
      name,
      readDecimal(invoice.invoiceNumber, name, text, null),
      exponent,
      null,
    );
    const signed = amount * direction;
    if (signed < 0) {
      throw invoice.isCreditNote
        ? new PositiveCreditNoteError(invoice.invoiceNumber, name, text)
        : new NegativeAmountError(invoice.invoiceNumber, name, text);
    }
    // A zero total times -1 is -0, which is written as 0 to keep -0 out of the voucher.
    return signed === 0 ? 0 : signed;
  };

  return {
    excludingTax: read('totalExcludingTax', invoice.totalExcludingTax),
    tax: read('totalTax', invoice.totalTax),
    includingTax: read('totalIncludingTax', invoice.totalIncludingTax),
  };
}

function readDecimal(invoiceNumber: string, field: string, text: string, rowNumber: number | null): Decimal {
  try {
    return parseDecimal(text);
  } catch (error) {
    if (error instanceof DecimalTooLargeError) {
      throw new AmountTooLargeError(invoiceNumber, field, rowNumber, text);
    }
    if (error instanceof InvalidDecimalError) {
      throw new InvalidInvoiceValueError(invoiceNumber, field, text, 'not a decimal number');
    }
    throw error;
  }
}

/**
 * Rounds an amount of the invoice to minor units with `exponent` decimals, half away from zero. Raises
 * {@link AmountTooLargeError}, naming the invoice, the field and the row, when it does not fit a safe integer.
 */
export function readMinorUnits(
  invoiceNumber: string,
  field: string,
  value: Decimal,
  exponent: number,
  rowNumber: number | null,
): number {
  try {
    return toMinorUnits(value, exponent);
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) {
      throw new AmountTooLargeError(invoiceNumber, field, rowNumber, formatDecimal(value));
    }
    throw error;
  }
}
