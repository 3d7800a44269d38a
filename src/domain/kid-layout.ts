import { checkKid, KidAlgorithm, KidCheckResult, makeKid } from './kid';

/**
 * A client's KID layout: invoice number, then customer number, then the check digit, as PM builds it. A part
 * with a fixed width is padded with leading zeros, and a longer value keeps its rightmost digits, as in the KID
 * settings of Visma Business. A part without a fixed width is the number as it is.
 */
export interface KidLayout {
  algorithm: KidAlgorithm;
  /** Width of the invoice number part, 1 to {@link MAX_INVOICE_DIGITS}, or null for no fixed width. */
  invoiceDigits: number | null;
  /** Width of the customer number part, 1 to {@link MAX_CUSTOMER_DIGITS}, or null for no fixed width. */
  customerDigits: number | null;
}

/** PM's own layout: invoice number and customer number as they are, with a MOD10 check digit. */
export const PM_KID_LAYOUT: KidLayout = { algorithm: 'mod10', invoiceDigits: null, customerDigits: null };

/** Largest fixed width of the invoice number part that Visma Business's KID settings offer. */
export const MAX_INVOICE_DIGITS = 9;
/** Largest fixed width of the customer number part that Visma Business's KID settings offer. */
export const MAX_CUSTOMER_DIGITS = 10;

/** Raised when a KID layout or the numbers put into it cannot give a KID. */
export class InvalidKidLayoutError extends Error {
  override readonly name = 'InvalidKidLayoutError';

  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`Invalid KID ${field} ${JSON.stringify(value) ?? String(value)}: ${detail}`);
  }
}

/** Builds the KID of an invoice in a layout. Both numbers must be digits. */
export function makeLayoutKid(layout: KidLayout, invoiceNumber: string, customerNumber: string): string {
  const invoicePart = fitToWidth('invoice number', invoiceNumber, layout.invoiceDigits, MAX_INVOICE_DIGITS);
  const customerPart = fitToWidth('customer number', customerNumber, layout.customerDigits, MAX_CUSTOMER_DIGITS);
  return makeKid(invoicePart + customerPart, layout.algorithm);
}

/**
 * Checks an invoice's KID against the client's layout: first as a KID of the layout's algorithm, then against
 * the KID the layout builds from the invoice and customer numbers. For a wrong check digit, `expectedKid` is the
 * KID the layout builds, not the KID's own digits with the right check digit, which may belong to another
 * invoice or customer.
 */
export function checkInvoiceKid(
  kid: string,
  layout: KidLayout,
  invoiceNumber: string,
  customerNumber: string,
): KidCheckResult {
  const result = checkKid(kid, layout.algorithm);
  if (result.kind === 'wrong-check-digit') {
    return { ...result, expectedKid: makeLayoutKid(layout, invoiceNumber, customerNumber) };
  }
  if (result.kind !== 'valid') return result;

  const expectedKid = makeLayoutKid(layout, invoiceNumber, customerNumber);
  return kid === expectedKid ? result : { kind: 'layout-mismatch', expectedKid };
}

function fitToWidth(field: string, value: string, width: number | null, maxWidth: number): string {
  if (!/^\d+$/.test(value)) {
    throw new InvalidKidLayoutError(field, value, 'must be one or more digits 0-9');
  }
  if (width === null) return value;
  if (!Number.isInteger(width) || width < 1 || width > maxWidth) {
    throw new InvalidKidLayoutError(`${field} width`, width, `must be a whole number from 1 to ${maxWidth}`);
  }
  return value.length > width ? value.slice(-width) : value.padStart(width, '0');
}
