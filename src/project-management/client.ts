import { z } from 'zod';
import { AccessTokenCache } from './auth';
import { NoIssuedInvoiceStatusError, PmArgumentInvalidError } from './errors';
import {
  CustomerSchema,
  InvoiceListItemSchema,
  InvoiceRowSchema,
  InvoiceSchema,
  InvoiceStatusSchema,
  type PmCustomer,
  type PmInvoice,
  type PmInvoiceListItem,
  type PmInvoiceRow,
  type PmInvoiceStatus,
} from './invoice-schemas';
import { silentLogger, type PmLogger } from './logger';
import {
  DEFAULT_PAGE_RETRY,
  MAX_PAGES,
  PAGE_SIZE,
  pagesByToken,
  pageSender,
  type ListPage,
  type PageRetryOptions,
  type SendRequest,
} from './paging';
import { invalidResponse, parseJsonResponse, type PmResponse } from './response-parsing';
import { SecretRedactor } from './secret-redactor';
import { buildStatusPatch, DEFAULT_STATUS_PATCH_PATH } from './status-patch';
import { PmTransport, type PmRequest } from './transport';

export { PAGE_SIZE } from './paging';

/** OAuth2 scopes the import needs: read invoices, customers, statuses and PDFs, and change invoice statuses. */
export const DEFAULT_SCOPE = 'invoices:read invoices:write customers:read settings:read files:read';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Settings of a {@link ProjectManagementClient}. */
export interface ProjectManagementClientOptions {
  /** Base URL that the `/v1/...` routes follow, for example `https://api.severa.visma.com/rest-api`. */
  baseUrl: string;
  clientId: string;
  /** Sent only to the token route; never logged, and redacted from PM's error messages. */
  clientSecret: string;
  /** Space-separated OAuth2 scopes. @default {@link DEFAULT_SCOPE} */
  scope?: string;
  /** Time limit of each HTTP request in milliseconds. @default 30 seconds */
  timeoutMs?: number;
  /** Receives one record per token renewal and per failed request. @default a logger that discards them */
  logger?: PmLogger;
  /** JSON Pointer that the status change replaces. @default {@link DEFAULT_STATUS_PATCH_PATH} */
  statusPatchPath?: string;
  /** Retries of a failed page request within a listing. @default {@link DEFAULT_PAGE_RETRY} */
  pageRetry?: PageRetryOptions;
}

/** Filters of `GET /v1/invoices`, named as its query parameters. */
export interface InvoiceQuery {
  /** ISO 8601 date-time; PM returns invoices added or changed at or after it. */
  changedSince?: string | null;
  invoiceStatusGuids?: string[];
  numbers?: number[];
  /** First invoice date, `YYYY-MM-DD`. */
  startDate?: string;
  /** Last invoice date, `YYYY-MM-DD`. */
  endDate?: string;
}

/**
 * Client of PM's public REST API for what the import reads and writes: issued invoices, their rows, customers,
 * invoice statuses and PDFs, and the invoice status. Every response is validated, and every failure is a
 * `PmApiError` that tells whether Temporal should retry it.
 */
export class ProjectManagementClient {
  private readonly transport: PmTransport;
  private readonly tokens: AccessTokenCache;
  private readonly statusPatchPath: string;
  private readonly pageRetry: Required<PageRetryOptions>;
  private readonly logger: PmLogger;

  /** Raises `ClientSecretTooShortError` for a client secret too short to redact safely. */
  constructor(options: ProjectManagementClientOptions) {
    const logger = options.logger ?? silentLogger;
    this.logger = logger;
    const redactor = new SecretRedactor(options.clientSecret);
    this.transport = new PmTransport(options.baseUrl, options.clientId, options.timeoutMs ?? 30_000, logger, redactor);
    this.tokens = new AccessTokenCache(
      this.transport,
      { clientId: options.clientId, clientSecret: options.clientSecret, scope: options.scope ?? DEFAULT_SCOPE },
      logger,
      redactor,
    );
    this.statusPatchPath = options.statusPatchPath ?? DEFAULT_STATUS_PATCH_PATH;
    this.pageRetry = { ...DEFAULT_PAGE_RETRY, ...options.pageRetry };
  }

  /** Returns every invoice status of the organisation, active or not. */
  async getInvoiceStatuses(): Promise<PmInvoiceStatus[]> {
    const route = 'GET /v1/invoicestatuses';
    const sendPage = this.pageSender();
    const statuses: PmInvoiceStatus[] = [];
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ firstRow: String(statuses.length), rowCount: String(PAGE_SIZE) });
      const request = getJson(route, `/v1/invoicestatuses?${query}`, null);
      const response = await sendPage(request);
      const rows = parseJsonResponse(z.array(InvoiceStatusSchema), response, request);
      statuses.push(...rows);
      if (rows.length < PAGE_SIZE) return statuses;
      if (page >= MAX_PAGES) {
        throw invalidResponse(response, request, '(body)', `is still a full page after ${MAX_PAGES} pages`);
      }
    }
  }

  /**
   * Returns the GUIDs of the statuses that mark an invoice as issued: flagged as sent, waiting for payment or paid.
   * Raises {@link NoIssuedInvoiceStatusError} when there are none, because an empty filter would list drafts too.
   */
  async getIssuedStatusGuids(): Promise<string[]> {
    const statuses = await this.getInvoiceStatuses();
    const issued = statuses.filter((status) => status.isSent || status.isWaitingPayment || status.isPaid);
    if (issued.length === 0) throw new NoIssuedInvoiceStatusError(statuses.map((status) => status.name));
    return issued.map((status) => status.guid);
  }

  /**
   * Lists the invoices in an issued status that were added or changed at or after `since` (all when null). Only
   * the fields of {@link PmInvoiceListItem} are checked, so one unreadable invoice does not fail the listing.
   */
  async listIssuedInvoicesChangedSince(since: string | null): Promise<PmInvoiceListItem[]> {
    if (since != null) checkDateTime('GET /v1/invoices', since);
    const invoiceStatusGuids = await this.getIssuedStatusGuids();
    const invoices: PmInvoiceListItem[] = [];
    for await (const page of this.invoicePages({ changedSince: since, invoiceStatusGuids })) {
      invoices.push(...page);
    }
    return invoices;
  }

  /**
   * Lists the invoices in an issued status whose invoice date lies from `startDate` to `endDate`, inclusive. Only
   * the fields of {@link PmInvoiceListItem} are checked.
   */
  async listIssuedInvoicesBetween(startDate: string, endDate: string): Promise<PmInvoiceListItem[]> {
    const invoiceStatusGuids = await this.getIssuedStatusGuids();
    const invoices: PmInvoiceListItem[] = [];
    for await (const page of this.invoicePages({ startDate, endDate, invoiceStatusGuids })) {
      invoices.push(...page);
    }
    return invoices;
  }

  /**
   * Returns the invoices with this number; more than one when business units number their invoices separately.
   * Each found invoice is checked in full, so an unreadable one raises `PmResponseInvalidError` naming it.
   */
  async findInvoicesByNumber(invoiceNumber: number): Promise<PmInvoice[]> {
    if (!Number.isInteger(invoiceNumber) || invoiceNumber <= 0) {
      throw new PmArgumentInvalidError('GET /v1/invoices', 'invoice number', invoiceNumber, 'a positive integer');
    }
    const invoices: PmInvoice[] = [];
    for await (const page of this.invoiceListPages({ numbers: [invoiceNumber] })) {
      invoices.push(...parseJsonResponse(z.array(InvoiceSchema), page.response, page.request, true));
    }
    return invoices;
  }

  /**
   * Yields the pages of `GET /v1/invoices` for a query, following `NextPageToken` until the last page. A page
   * request that fails with a retryable error is sent again, as {@link PageRetryOptions} set.
   */
  async *invoicePages(query: InvoiceQuery): AsyncGenerator<PmInvoiceListItem[]> {
    for await (const page of this.invoiceListPages(query)) yield page.items;
  }

  /** Returns one invoice. */
  async getInvoice(invoiceGuid: string): Promise<PmInvoice> {
    const route = 'GET /v1/invoices/{guid}';
    const request = getJson(route, `/v1/invoices/${pathSegment(route, invoiceGuid)}`, invoiceGuid);
    return parseJsonResponse(InvoiceSchema, await this.send(request), request);
  }

  /** Returns every row of an invoice, following `NextPageToken` until the last page. */
  async getInvoiceRows(invoiceGuid: string): Promise<PmInvoiceRow[]> {
    const route = 'GET /v1/invoices/{invoiceGuid}/invoicerows';
    const path = `/v1/invoices/${pathSegment(route, invoiceGuid)}/invoicerows`;
    const rows: PmInvoiceRow[] = [];
    const params = new URLSearchParams();
    for await (const page of pagesByToken(this.pageSender(), InvoiceRowSchema, route, path, params, invoiceGuid)) {
      rows.push(...page.items);
    }
    return rows;
  }

  /** Returns a customer, whose `number` is the customer number shared with Visma Business. */
  async getCustomer(customerGuid: string): Promise<PmCustomer> {
    const route = 'GET /v1/customers/{guid}';
    const request = getJson(route, `/v1/customers/${pathSegment(route, customerGuid)}`, null);
    return parseJsonResponse(CustomerSchema, await this.send(request), request);
  }

  /**
   * Returns the invoice's PDF as PM prints it, in an array that owns exactly its bytes. Raises
   * `PmResponseInvalidError` when the body is not a PDF.
   */
  async getInvoicePdf(invoiceGuid: string): Promise<Uint8Array> {
    const route = 'GET /v1/invoices/{guid}/pdf';
    const request: PmRequest = {
      method: 'GET',
      route,
      path: `/v1/invoices/${pathSegment(route, invoiceGuid)}/pdf`,
      invoice: invoiceGuid,
      accept: 'application/pdf',
    };
    const response = await this.send(request);
    if (response.body.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw invalidResponse(response, request, '(body)', 'is not a PDF: it does not start with %PDF-');
    }
    // A copy, because the response body may be a view into Node's shared buffer pool, whose other bytes can hold
    // earlier responses such as an access token.
    return new Uint8Array(response.body);
  }

  /**
   * Sets an invoice's status with a JSON Patch of the configured status path, and returns the invoice as PM
   * returns it after the change.
   */
  async changeInvoiceStatus(invoiceGuid: string, statusGuid: string): Promise<PmInvoice> {
    const route = 'PATCH /v1/invoices/{guid}';
    if (!statusGuid) throw new PmArgumentInvalidError(route, 'status GUID', statusGuid, 'a non-empty GUID');
    const request: PmRequest = {
      method: 'PATCH',
      route,
      path: `/v1/invoices/${pathSegment(route, invoiceGuid)}`,
      invoice: invoiceGuid,
      body: buildStatusPatch(statusGuid, this.statusPatchPath),
      accept: 'application/json',
    };
    const response = await this.send(request);
    const invoices = parseJsonResponse(z.array(InvoiceSchema).min(1), response, request, true);
    return invoices.find((invoice) => invoice.guid === invoiceGuid) ?? invoices[0];
  }

  private invoiceListPages(query: InvoiceQuery): AsyncGenerator<ListPage<PmInvoiceListItem>> {
    const route = 'GET /v1/invoices';
    const params = new URLSearchParams();
    if (query.changedSince != null) params.set('changedSince', checkDateTime(route, query.changedSince));
    for (const guid of query.invoiceStatusGuids ?? []) params.append('invoiceStatusGuids', guid);
    for (const number of query.numbers ?? []) params.append('numbers', String(number));
    if (query.startDate) params.set('startDate', query.startDate);
    if (query.endDate) params.set('endDate', query.endDate);
    return pagesByToken(this.pageSender(), InvoiceListItemSchema, route, '/v1/invoices', params, null, true);
  }

  /** Returns a sender for the pages of one listing, with its own budget of retries. */
  private pageSender(): SendRequest {
    return pageSender((request) => this.send(request), this.pageRetry, this.logger);
  }

  /**
   * Sends a request with the cached access token. After a 401 the token is renewed and the request sent once more;
   * a second 401 raises `PmAuthenticationError`.
   */
  private async send(request: PmRequest): Promise<PmResponse> {
    const token = await this.tokens.accessToken();
    let response = await this.transport.exchange(request, token);
    if (response.status === 401) {
      const renewed = await this.tokens.renewRejected(token);
      response = await this.transport.exchange(request, renewed);
    }
    if (response.status < 200 || response.status > 299) throw this.transport.toError(request, response);
    return response;
  }
}

function getJson(route: string, path: string, invoice: string | null): PmRequest {
  return { method: 'GET', route, path, invoice, accept: 'application/json' };
}

function pathSegment(route: string, guid: string): string {
  if (typeof guid !== 'string' || guid.trim() === '') {
    throw new PmArgumentInvalidError(route, 'GUID', guid, 'a non-empty GUID');
  }
  return encodeURIComponent(guid);
}

function checkDateTime(route: string, value: string): string {
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new PmArgumentInvalidError(
      route,
      'changedSince',
      value,
      'an ISO 8601 date-time such as 2025-01-31T12:00:00Z',
    );
  }
  return value;
}
