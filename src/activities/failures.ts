import { ApplicationFailure } from '@temporalio/common';
import { InvalidKidLayoutError } from '../domain/kid-layout';
import { MappingError } from '../domain/mapping-errors';
import { PmStatusNotFoundError } from '../domain/pm-status';
import { InvalidPaidStatusError } from '../domain/status';
import { PmApiError } from '../project-management/errors';
import { InvalidInvoiceError } from '../project-management/invoice-conversion';
import {
  AttachmentRejectedError,
  CustomerNotFoundError,
  InvalidVoucherError,
  VbConnectionError,
  VbQueryError,
  VoucherAlreadyPostedError,
  VoucherSeriesExhaustedError,
} from '../visma-business/errors';

/** Raised by an activity for a condition it detects itself that a person must act on. */
export class NeedsPersonError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

// Errors of data or configuration: retrying cannot help, so the workflow waits for a person instead.
const NOT_RETRYABLE = [
  MappingError,
  InvalidInvoiceError,
  InvalidKidLayoutError,
  PmStatusNotFoundError,
  InvalidPaidStatusError,
  AttachmentRejectedError,
  CustomerNotFoundError,
  InvalidVoucherError,
  VbQueryError,
  VoucherAlreadyPostedError,
  VoucherSeriesExhaustedError,
  NeedsPersonError,
];

/**
 * Converts an error raised inside an activity to the ApplicationFailure Temporal records: its type is the error's
 * name, retryable according to the error's kind, with PM's Retry-After as the next retry delay. The message is the
 * error's own, which names the invoice and the value and never carries a secret.
 */
export function toApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (!(error instanceof Error)) {
    return ApplicationFailure.retryable(String(error), 'UnknownError');
  }

  if (error instanceof PmApiError) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.name,
      nonRetryable: !error.retryable,
      nextRetryDelay: error.retryAfterMs ?? undefined,
    });
  }
  if (error instanceof VbConnectionError) {
    return ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: !error.retryable });
  }
  if (NOT_RETRYABLE.some((type) => error instanceof type)) {
    return ApplicationFailure.nonRetryable(error.message, error.name);
  }
  return ApplicationFailure.retryable(error.message, error.name);
}

/**
 * Runs an activity body and raises any error as a classified ApplicationFailure. With `invoiceNumber`, a message
 * that does not name the invoice, such as a PM error that names it by GUID only, gets `Invoice <number>: ` in front.
 */
export async function classifyFailures<T>(body: () => Promise<T>, invoiceNumber?: string): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (invoiceNumber !== undefined && error instanceof Error && !error.message.includes(invoiceNumber)) {
      error.message = `Invoice ${invoiceNumber}: ${error.message}`;
    }
    throw toApplicationFailure(error);
  }
}
