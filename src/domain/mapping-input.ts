import { HOME_CURRENCY, minorUnitExponent } from './currency';
import type { InvoiceForMapping } from './invoice';
import {
  InvalidInvoiceValueError,
  MissingCurrencyRateError,
  MissingCustomerNumberError,
  NegativeAmountError,
  PositiveCreditNoteError,
} from './mapping-errors';
import {
  AmountOutOfRangeError,
  Decimal,
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
  /** Rows whose amount is not zero, in invoice order. Rows of text only, or with a zero amount, are left out. */
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
      const quantity = readDecimal(invoiceNumber, field('quantity'), row.quantity);
      const unitPrice = readDecimal(invoiceNumber, field('unit price'), row.unitPrice);
      const vatRate = readDecimal(invoiceNumber, field('VAT rate'), row.vatRatePercent);
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
        amountMinor: readMinorUnits(invoiceNumber, field('amount'), exactAmount, currency.exponent),
        vatRate,
        vatRatePercent: row.vatRatePercent,
      };
    })
    .filter((row) => row.amountMinor !== 0);

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
  const rate = readDecimal(invoice.invoiceNumber, 'currency rate', invoice.currencyRate);
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
      readDecimal(invoice.invoiceNumber, name, text),
      exponent,
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

function readDecimal(invoiceNumber: string, field: string, text: string): Decimal {
  try {
    return parseDecimal(text);
  } catch (error) {
    if (error instanceof InvalidDecimalError) {
      throw new InvalidInvoiceValueError(invoiceNumber, field, text, 'not a decimal number');
    }
    throw error;
  }
}

function readMinorUnits(invoiceNumber: string, field: string, value: Decimal, exponent: number): number {
  try {
    return toMinorUnits(value, exponent);
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) {
      throw new InvalidInvoiceValueError(invoiceNumber, field, String(error.units), 'too large to post');
    }
    throw error;
  }
}
