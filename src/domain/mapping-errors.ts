import { quoteForMessage } from './text';

/**
 * Base of the errors that stop an invoice from becoming a voucher. Each means that data in PM or Visma Business
 * must be corrected by a person, so retrying the mapping cannot help. Every subclass has a stable `name`.
 */
export abstract class MappingError extends Error {
  abstract override readonly name: string;

  constructor(
    readonly invoiceNumber: string,
    message: string,
  ) {
    super(`Invoice ${invoiceNumber}: ${message}`);
  }
}

/** Raised when the invoice has no customer number, so no customer can be debited. */
export class MissingCustomerNumberError extends MappingError {
  override readonly name = 'MissingCustomerNumberError';

  constructor(invoiceNumber: string) {
    super(invoiceNumber, 'the customer number is missing; give the customer a number in Project Management');
  }
}

/** Raised when an invoice in a foreign currency has no exchange rate to NOK. */
export class MissingCurrencyRateError extends MappingError {
  override readonly name = 'MissingCurrencyRateError';

  constructor(
    invoiceNumber: string,
    readonly currencyCode: string,
  ) {
    super(invoiceNumber, `the invoice is in ${currencyCode} but has no exchange rate to NOK`);
  }
}

/** Raised when an amount, quantity, rate or currency code of the invoice cannot be read. */
export class InvalidInvoiceValueError extends MappingError {
  override readonly name = 'InvalidInvoiceValueError';

  constructor(
    invoiceNumber: string,
    readonly field: string,
    readonly value: string,
    detail: string,
  ) {
    super(invoiceNumber, `${field} ${quoteForMessage(value)} is invalid: ${detail}`);
  }
}

/**
 * Raised when a quantity, price, rate or total of the invoice, or an amount computed from them, is too large to
 * post: beyond ±(2^53 - 1) minor units, the largest integer a JavaScript number represents exactly.
 */
export class AmountTooLargeError extends MappingError {
  override readonly name = 'AmountTooLargeError';

  constructor(
    invoiceNumber: string,
    /** The field that is too large, for example `row 1 quantity` or `totalIncludingTax in NOK`. */
    readonly field: string,
    /** Row of the value, or null for a total of the invoice. */
    readonly rowNumber: number | null,
    /** The value, in full; the message quotes only its start. */
    readonly value: string,
  ) {
    super(invoiceNumber, `${field} ${quoteForMessage(value)} is too large to post; correct it in Project Management`);
  }
}

/** Raised when an invoice's total including VAT is 0, so that its voucher would post nothing. */
export class ZeroAmountInvoiceError extends MappingError {
  override readonly name = 'ZeroAmountInvoiceError';

  constructor(
    invoiceNumber: string,
    /** The total that is 0, for example `totalIncludingTax is 0.00 NOK`. */
    readonly detail: string,
  ) {
    super(
      invoiceNumber,
      `${detail}, so the voucher would post nothing; an invoice of 0 is not imported, so handle it by hand ` +
        'if the books need it',
    );
  }
}

/** Raised when an invoice that is not a credit note has a negative total. */
export class NegativeAmountError extends MappingError {
  override readonly name = 'NegativeAmountError';

  constructor(
    invoiceNumber: string,
    readonly field: string,
    readonly value: string,
  ) {
    super(
      invoiceNumber,
      `${field} is ${value}, but only a credit note may have negative totals; ` +
        'issue a credit note in Project Management instead',
    );
  }
}

/** Raised when a credit note has a positive total, while PM issues credit notes with negative totals. */
export class PositiveCreditNoteError extends MappingError {
  override readonly name = 'PositiveCreditNoteError';

  constructor(
    invoiceNumber: string,
    readonly field: string,
    readonly value: string,
  ) {
    super(invoiceNumber, `${field} is ${value} on a credit note, which must have negative totals`);
  }
}

/** Raised when the posting data names a tax and accounting group that it does not describe. */
export class PostingGroupNotFoundError extends MappingError {
  override readonly name = 'PostingGroupNotFoundError';

  constructor(
    invoiceNumber: string,
    readonly rowNumber: number,
    readonly productCode: string | null,
    readonly groupNumber: string,
  ) {
    super(
      invoiceNumber,
      `row ${rowNumber} (product ${productCode ?? 'none'}) uses tax and accounting group ${groupNumber}, ` +
        'which was not found in Visma Business',
    );
  }
}

/** Raised when a sales account of a group names a VAT code that the posting data does not contain. */
export class VatCodeNotFoundError extends MappingError {
  override readonly name = 'VatCodeNotFoundError';

  constructor(
    invoiceNumber: string,
    readonly groupNumber: string,
    readonly vatCode: string,
  ) {
    super(
      invoiceNumber,
      `tax and accounting group ${groupNumber} uses VAT code ${vatCode}, which was not found in Visma Business`,
    );
  }
}

/** Raised when a row's VAT rate is not the rate of any VAT code in the tax and accounting group of its product. */
export class VatRateNotInGroupError extends MappingError {
  override readonly name = 'VatRateNotInGroupError';

  constructor(
    invoiceNumber: string,
    readonly rowNumber: number,
    readonly productCode: string | null,
    readonly vatRatePercent: string,
    readonly groupNumber: string,
    /** VAT rates in percent that the group carries. */
    readonly groupRates: string[],
  ) {
    super(
      invoiceNumber,
      `row ${rowNumber} (product ${productCode ?? 'none'}) has VAT rate ${vatRatePercent} %, but ` +
        `${describeGroupRates(groupNumber, groupRates)}; correct the row in Project Management or add a sales ` +
        'account for that rate to the group in Visma Business',
    );
  }
}

/**
 * Raised when one of PM's totals disagrees with what it was compared with: the sum of the rows, the VAT of the
 * rows, or the other two totals. Amounts are decimal strings in the invoice currency, with the sign PM gives them.
 */
export class TotalsMismatchError extends MappingError {
  override readonly name = 'TotalsMismatchError';

  constructor(
    invoiceNumber: string,
    /** PM's total that disagrees: `totalExcludingTax`, `totalTax` or `totalIncludingTax`. */
    readonly field: string,
    readonly currencyCode: string,
    /** PM's total. */
    readonly expected: string,
    /** The amount PM's total was compared with. */
    readonly computed: string,
    /** Largest difference accepted, from the rounding of the rows; 0 when nothing needed rounding. */
    readonly tolerance: string,
    /** Sentence part naming what `computed` is and why the difference is too large. */
    explanation: string,
  ) {
    super(
      invoiceNumber,
      `${field} is ${expected} ${currencyCode} in Project Management, but ${explanation}; ` +
        'check the rows and totals of the invoice in Project Management',
    );
  }
}

/** Raised when the lines of a voucher do not balance to the øre, or a line's amounts do not add up. */
export class UnbalancedVoucherError extends MappingError {
  override readonly name = 'UnbalancedVoucherError';

  constructor(
    invoiceNumber: string,
    readonly debitOre: number,
    readonly creditOre: number,
    detail: string,
  ) {
    super(invoiceNumber, `the voucher does not balance: ${detail}`);
  }
}

/** Raised when a value that must not be cut is longer than its Visma Business column. */
export class ColumnOverflowError extends MappingError {
  override readonly name = 'ColumnOverflowError';

  constructor(
    invoiceNumber: string,
    readonly column: string,
    readonly value: string,
    readonly width: number,
  ) {
    super(invoiceNumber, `${quoteForMessage(value)} is longer than the ${width} characters of column ${column}`);
  }
}

/** Raised when the posting data read from Visma Business contains a value the mapping cannot use. */
export class InvalidPostingDataError extends MappingError {
  override readonly name = 'InvalidPostingDataError';

  constructor(
    invoiceNumber: string,
    readonly field: string,
    readonly value: string,
    detail: string,
  ) {
    super(invoiceNumber, `posting data ${field} ${quoteForMessage(value)} is invalid: ${detail}`);
  }
}

function describeGroupRates(groupNumber: string, rates: string[]): string {
  const group = `tax and accounting group ${groupNumber}`;
  if (rates.length === 0) return `${group} has no sales accounts`;
  return `${group} carries only ${rates.map((rate) => `${rate} %`).join(', ')}`;
}
