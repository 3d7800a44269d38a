import type { VoucherKey } from '../domain/voucher';

function describeKey(key: VoucherKey): string {
  return `invoice ${cut(key.invoiceNumber)} of client ${cut(key.client)} (customer ${cut(key.customerNumber)})`;
}

/** Shortens a key value that is too long to be valid, so that messages stay readable. */
function cut(value: string): string {
  return value.length > 60 ? `${value.slice(0, 40)}... (${value.length} characters)` : value;
}

/**
 * A database failure that is not about the data: the connection failed or timed out, the database was locked by
 * another writer for too long, or SQL Server chose the transaction as a deadlock victim. `retryable` is true when
 * the same call may succeed later.
 */
export class VbConnectionError extends Error {
  override readonly name = 'VbConnectionError';

  constructor(
    message: string,
    readonly retryable: boolean,
    /** SQL Server error number (for example 1205 for a deadlock), when the server reported one. */
    readonly sqlErrorNumber: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A statement that the database rejected: a missing table or column, a type mismatch, a violated constraint. */
export class VbQueryError extends Error {
  override readonly name: string = 'VbQueryError';
  readonly retryable = false;

  constructor(
    message: string,
    /** SQL Server error number, when the server reported one. */
    readonly sqlErrorNumber: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A voucher whose import batch an accountant has already updated into the ledger, so it can no longer change. */
export class VoucherAlreadyPostedError extends Error {
  override readonly name = 'VoucherAlreadyPostedError';

  constructor(
    readonly key: VoucherKey,
    readonly voucherNumber: number,
    readonly batchNumber: number,
    /** True when the voucher offered now is the one that was posted, so nothing would have changed. */
    readonly sameContent: boolean,
  ) {
    super(
      `Voucher ${voucherNumber} for ${describeKey(key)} is already posted from batch ${batchNumber}` +
        (sameContent
          ? '; the same voucher is in the ledger, so there is nothing to write.'
          : '; the new content differs, so correct the invoice in Visma Business with a credit note instead.'),
    );
  }
}

/** A voucher that cannot be written as given: unbalanced, with an invalid amount, account or date. */
export class InvalidVoucherError extends Error {
  override readonly name = 'InvalidVoucherError';

  constructor(
    readonly key: VoucherKey,
    /** Description of the problem, naming the line and the value. */
    readonly problem: string,
  ) {
    super(`Voucher for ${describeKey(key)} is invalid: ${problem}`);
  }
}

/** Reason for rejecting an attachment. */
export type AttachmentRejection = 'empty' | 'too-large' | 'not-pdf' | 'truncated' | 'malformed' | 'invalid-file-name';

/** A PDF attachment that was not stored because it is empty, too large or not a complete PDF. */
export class AttachmentRejectedError extends Error {
  override readonly name = 'AttachmentRejectedError';

  constructor(
    readonly key: VoucherKey,
    readonly fileName: string,
    readonly reason: AttachmentRejection,
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `Attachment ${JSON.stringify(fileName)} for ${describeKey(key)} was rejected: ${explainRejection(reason, sizeBytes, maxBytes)}`,
    );
  }
}

function explainRejection(reason: AttachmentRejection, sizeBytes: number, maxBytes: number): string {
  switch (reason) {
    case 'empty':
      return 'the file is empty.';
    case 'too-large':
      return `the file has ${sizeBytes} bytes, more than the limit of ${maxBytes} bytes.`;
    case 'not-pdf':
      return 'the file does not start with the PDF header %PDF-.';
    case 'truncated':
      return 'the file does not end with the PDF end marker %%EOF, so it is probably cut off.';
    case 'malformed':
      return 'the file has no PDF object or no startxref with an offset before its end marker %%EOF.';
    case 'invalid-file-name':
      return 'the file name is empty or longer than 255 characters.';
  }
}

/** An operation on a voucher that the import has not written. */
export class VoucherNotFoundError extends Error {
  override readonly name = 'VoucherNotFoundError';

  constructor(readonly key: VoucherKey) {
    super(`No voucher has been imported for ${describeKey(key)}; write the voucher before its attachment.`);
  }
}

/** A customer number that Visma Business does not know. */
export class CustomerNotFoundError extends Error {
  override readonly name = 'CustomerNotFoundError';

  constructor(
    readonly customerNumber: string,
    readonly invoiceNumber: string | null = null,
  ) {
    super(
      `Customer ${customerNumber}${invoiceNumber === null ? '' : ` of invoice ${invoiceNumber}`} does not exist in ` +
        'Visma Business; wait for the master-data integration to copy it, or create it there.',
    );
  }
}

/** The configured voucher series has no number left. */
export class VoucherSeriesExhaustedError extends Error {
  override readonly name = 'VoucherSeriesExhaustedError';

  constructor(
    readonly firstNumber: number,
    readonly lastNumber: number,
  ) {
    super(
      `Voucher series ${firstNumber}-${lastNumber} has no number left; configure a new series for imported invoices.`,
    );
  }
}

/**
 * The next number of a voucher series is used already: another series overlaps it, or a voucher was written in its
 * range without the import's counter. Retrying cannot help, so the series must be configured apart from the others.
 * It is a {@link VbQueryError}, so that callers that treat rejected statements as final treat this one so too.
 */
export class VoucherSeriesConflictError extends VbQueryError {
  override readonly name: string = 'VoucherSeriesConflictError';

  constructor(
    readonly firstNumber: number,
    readonly lastNumber: number,
    readonly voucherNumber: number,
  ) {
    super(
      `Voucher series ${firstNumber}-${lastNumber} would give number ${voucherNumber}, which another voucher has ` +
        'already; configure series for imported invoices that do not overlap each other or numbers used elsewhere.',
    );
  }
}

/** The company information that the import reads is missing or ambiguous. */
export class CompanySettingsError extends Error {
  override readonly name = 'CompanySettingsError';
}
