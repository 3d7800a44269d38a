/** Context of a failed PM request, carried by every {@link PmApiError}. */
export interface PmErrorContext {
  /** Method and route template as in PM's OpenAPI description, for example `GET /v1/invoices/{guid}`. */
  route: string;
  /** Invoice the request concerned, by number when known and otherwise by GUID; null for other resources. */
  invoice: string | null;
}

interface PmApiErrorDetails extends PmErrorContext {
  status: number | null;
  retryable: boolean;
  retryAfterMs?: number | null;
  /** `error.type` of PM's ExceptionModel, for example `InvalidParameter`. */
  pmErrorType?: string | null;
}

/**
 * Base of every error the PM client raises. `retryable` and `retryAfterMs` tell the activity whether Temporal
 * should retry and after what delay. No field or message contains the client secret or a token.
 */
export class PmApiError extends Error {
  readonly route: string;
  readonly invoice: string | null;
  /** HTTP status of PM's response; null when no response arrived. */
  readonly status: number | null;
  readonly retryable: boolean;
  /** Delay PM asked for before the next attempt, from `Retry-After`; null when PM gave none. */
  readonly retryAfterMs: number | null;
  readonly pmErrorType: string | null;

  constructor(message: string, details: PmApiErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.route = details.route;
    this.invoice = details.invoice;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.pmErrorType = details.pmErrorType ?? null;
  }
}

/**
 * No response arrived: connection refused or reset, name resolution failed, or the request timed out. Retryable,
 * unless the request could not be built at all, for example because the base URL is invalid.
 */
export class PmNetworkError extends PmApiError {
  constructor(
    message: string,
    context: PmErrorContext,
    /** Node or axios error code, for example `ECONNREFUSED` or `ECONNABORTED`. */
    readonly code: string | null,
    retryable = true,
  ) {
    super(message, { ...context, status: null, retryable });
  }
}

/** PM responded 429 Too Many Requests. Retryable after `retryAfterMs` when PM sent `Retry-After`. */
export class PmRateLimitedError extends PmApiError {
  constructor(message: string, context: PmErrorContext, retryAfterMs: number | null, pmErrorType: string | null) {
    super(message, { ...context, status: 429, retryable: true, retryAfterMs, pmErrorType });
  }
}

/** PM responded with a 5xx status or 408 Request Timeout. Retryable. */
export class PmServerError extends PmApiError {
  constructor(
    message: string,
    context: PmErrorContext,
    status: number,
    retryAfterMs: number | null,
    pmErrorType: string | null,
  ) {
    super(message, { ...context, status, retryable: true, retryAfterMs, pmErrorType });
  }
}

/** PM responded 404: the invoice, customer or route does not exist. Not retryable. */
export class PmNotFoundError extends PmApiError {
  constructor(message: string, context: PmErrorContext, pmErrorType: string | null) {
    super(message, { ...context, status: 404, retryable: false, pmErrorType });
  }
}

/**
 * PM rejected the client credentials, or rejected an access token that was renewed just before. Rejected
 * credentials are not retryable, because the client id, secret or scope in the configuration needs correcting. A
 * renewed token rejected on another route is retryable, because PM accepted the credentials that obtained it, so
 * the token expired or was revoked before the request reached PM.
 */
export class PmAuthenticationError extends PmApiError {
  constructor(message: string, context: PmErrorContext, status: number, pmErrorType: string | null, retryable = false) {
    super(message, { ...context, status, retryable, pmErrorType });
  }
}

/** PM rejected the request with another 4xx status, such as 400 or 403. Not retryable. */
export class PmRequestRejectedError extends PmApiError {
  constructor(message: string, context: PmErrorContext, status: number, pmErrorType: string | null) {
    super(message, { ...context, status, retryable: false, pmErrorType });
  }
}

/** PM's response does not match the shape of its OpenAPI description. Not retryable. */
export class PmResponseInvalidError extends PmApiError {
  constructor(
    message: string,
    context: PmErrorContext,
    status: number,
    /** Path of the invalid field within the item, for example `totalIncludingTax.amount`; `(body)` for the whole. */
    readonly field: string,
    /** Problem with the field, for example `expected number, received string`. */
    readonly problem: string,
  ) {
    super(message, { ...context, status, retryable: false });
  }
}

/** The organisation in PM has no invoice status flagged as sent, waiting for payment or paid. Not retryable. */
export class NoIssuedInvoiceStatusError extends PmApiError {
  constructor(readonly statusNames: string[]) {
    super(
      `PM has no invoice status flagged as sent, waiting for payment or paid (statuses: ${statusNames.join(', ') || 'none'}); ` +
        'without one the import cannot tell issued invoices from drafts. Check the invoice statuses in PM.',
      { route: 'GET /v1/invoicestatuses', invoice: null, status: null, retryable: false },
    );
  }
}

/** An argument of a client method is invalid, so no request was sent. Not retryable. */
export class PmArgumentInvalidError extends PmApiError {
  constructor(
    route: string,
    readonly argument: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${route}: ${argument} ${JSON.stringify(value) ?? 'undefined'} is invalid; expected ${expected}.`, {
      route,
      invoice: null,
      status: null,
      retryable: false,
    });
  }
}
