import axios, { type AxiosInstance } from 'axios';
import {
  PmAuthenticationError,
  PmNetworkError,
  PmNotFoundError,
  PmRateLimitedError,
  PmRequestRejectedError,
  PmServerError,
  type PmApiError,
  type PmErrorContext,
} from './errors';
import { ExceptionSchema } from './invoice-schemas';
import type { LogFields, PmLogger } from './logger';
import type { PmResponse } from './response-parsing';
import { parseRetryAfter } from './retry-after';
import type { SecretRedactor } from './secret-redactor';

/** One request to PM. */
export interface PmRequest extends PmErrorContext {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path below the base URL with its query string, for example `/v1/invoices?rowCount=100`. */
  path: string;
  /** JSON request body. */
  body?: unknown;
  accept: 'application/json' | 'application/pdf';
}

/** Routes that issue tokens: a 401 there means PM rejected the credentials or the refresh token. */
const TOKEN_ROUTES = new Set(['POST /v1/token', 'POST /v1/refreshtoken']);

/** Axios error codes of a request that could not be built, so that sending it again cannot succeed. */
const PERMANENT_NETWORK_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_INVALID_CHAR',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

/**
 * Sends requests to PM with the `Client_Id` header and, when given, the bearer token, and turns failures into
 * {@link PmApiError}s. Raw axios errors never leave this class, because their `config` carries the headers.
 */
export class PmTransport {
  private readonly http: AxiosInstance;

  constructor(
    baseUrl: string,
    private readonly clientId: string,
    private readonly timeoutMs: number,
    private readonly logger: PmLogger,
    private readonly redactor: SecretRedactor,
  ) {
    this.http = axios.create({
      baseURL: baseUrl.replace(/\/+$/, ''),
      timeout: timeoutMs,
      maxRedirects: 0,
      responseType: 'arraybuffer',
      validateStatus: () => true,
    });
  }

  /** Sends a request and returns PM's response whatever its status; raises {@link PmNetworkError} without one. */
  async exchange(request: PmRequest, accessToken: string | null): Promise<PmResponse> {
    const headers: Record<string, string> = { Client_Id: this.clientId, Accept: request.accept };
    if (accessToken !== null) headers.Authorization = `Bearer ${accessToken}`;
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';

    try {
      const response = await this.http.request<ArrayBuffer>({
        method: request.method,
        url: request.path,
        headers,
        data: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      return {
        status: response.status,
        headers: lowerCaseHeaders(response.headers as Record<string, unknown>),
        body: Buffer.from(response.data),
      };
    } catch (error) {
      throw this.networkError(request, error);
    }
  }

  /** Classifies a response with a status other than 2xx, and logs it. */
  toError(request: PmRequest, response: PmResponse): PmApiError {
    const context: PmErrorContext = { route: request.route, invoice: request.invoice };
    const { type, detail } = readExceptionModel(response);
    const pmError = type ? ` ${type}` : '';
    const detailText = detail ? `: ${this.redactor.redact(detail)}` : '';
    const subject = request.invoice == null ? '' : ` for invoice ${request.invoice}`;
    const summary = `${request.route}${subject} failed with HTTP ${response.status}${pmError}${detailText}`;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const status = response.status;

    let error: PmApiError;
    if (status === 429) {
      const delay = retryAfterMs == null ? 'PM sent no Retry-After' : `PM asked to retry after ${retryAfterMs} ms`;
      error = new PmRateLimitedError(
        `${summary}. PM is rate limiting the client; ${delay}.`,
        context,
        retryAfterMs,
        type,
      );
    } else if (status >= 500 || status === 408) {
      error = new PmServerError(`${summary}. The request can be retried.`, context, status, retryAfterMs, type);
    } else if (status === 404) {
      error = new PmNotFoundError(`${summary}. PM does not know the resource; check that it exists.`, context, type);
    } else if (status === 401 && TOKEN_ROUTES.has(request.route)) {
      error = new PmAuthenticationError(
        `${summary}. PM rejected the client's credentials; check the client id, client secret and scope configured ` +
          'for PM.',
        context,
        status,
        type,
      );
    } else if (status === 401) {
      error = new PmAuthenticationError(
        `${summary}. PM rejected an access token issued just before, so it expired or was revoked on the way; the ` +
          'request can be retried. If this keeps happening, check the client id, client secret and scope configured ' +
          'for PM.',
        context,
        status,
        type,
        true,
      );
    } else {
      error = new PmRequestRejectedError(
        `${summary}. PM rejected the request; retrying will not help.`,
        context,
        status,
        type,
      );
    }

    this.logFailure(error, { status });
    return error;
  }

  private networkError(request: PmRequest, error: unknown): PmApiError {
    const context: PmErrorContext = { route: request.route, invoice: request.invoice };
    const subject = request.invoice == null ? '' : ` for invoice ${request.invoice}`;
    let failure: PmNetworkError;
    if (axios.isAxiosError(error)) {
      const code = error.code ?? null;
      const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      const detail = timedOut
        ? `timed out after ${this.timeoutMs} ms`
        : `failed: ${this.redactor.redact(error.message)}`;
      const permanent = code !== null && PERMANENT_NETWORK_CODES.has(code);
      const advice = permanent ? 'Check the PM base URL and client id.' : 'The request can be retried.';
      failure = new PmNetworkError(`${request.route}${subject} ${detail}. ${advice}`, context, code, !permanent);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      failure = new PmNetworkError(
        `${request.route}${subject} failed before a response: ${this.redactor.redact(message)}.`,
        context,
        null,
        false,
      );
    }
    this.logFailure(failure, { code: failure.code });
    return failure;
  }

  private logFailure(error: PmApiError, fields: LogFields): void {
    this.logger.warn('PM request failed', {
      route: error.route,
      invoice: error.invoice,
      ...fields,
      errorType: error.name,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
    });
  }
}

function lowerCaseHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) {
      result[name.toLowerCase()] = value.join(', ');
    } else if (value != null) {
      result[name.toLowerCase()] = String(value);
    }
  }
  return result;
}

/** Reads `error.type` and the detail messages of PM's ExceptionModel, if the body is one. */
function readExceptionModel(response: PmResponse): { type: string | null; detail: string | null } {
  let data: unknown;
  try {
    data = JSON.parse(response.body.toString('utf8'));
  } catch {
    return { type: null, detail: null };
  }
  const parsed = ExceptionSchema.safeParse(data);
  if (!parsed.success || !parsed.data.error) return { type: null, detail: null };

  const messages = (parsed.data.error.details ?? []).map((detail) => detail.message).filter((text) => !!text);
  return { type: parsed.data.error.type ?? null, detail: messages.length > 0 ? messages.join('; ') : null };
}
