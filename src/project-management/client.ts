import { z } from 'zod';
import { AccessTokenCache } from './auth';
import { NoIssuedInvoiceStatusError, PmArgumentInvalidError } from './errors';
import {
  CustomerSchema,
  InvoiceRowSchema,
  InvoiceSchema,
  InvoiceStatusSchema,
  type PmCustomer,
  type PmInvoice,
  type PmInvoiceRow,
  type PmInvoiceStatus,
} from './invoice-schemas';
import { silentLogger, type PmLogger } from './logger';
import { invalidResponse, parseJsonResponse, type PmResponse } from './response-parsing';
import { SecretRedactor } from './secret-redactor';
import { buildStatusPatch, DEFAULT_STATUS_PATCH_PATH } from './status-patch';
import { PmTransport, type PmRequest } from './transport';

/** OAuth2 scopes the import needs: read invoices, customers, statuses and PDFs, and change invoice statuses. */
export const DEFAULT_SCOPE = 'invoices:read invoices:write customers:read settings:read files:read';

/** Rows per page of every list request; PM's maximum for the routes that state one. */
export const PAGE_SIZE = 100;

/** Most pages read from one list before the client assumes PM's paging has gone wrong. */
const MAX_PAGES = 10_000;

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

  constructor(options: ProjectManagementClientOptions) {
    const logger = options.logger ?? silentLogger;
    const redactor = new SecretRedactor(options.clientSecret);
    this.transport = new PmTransport(options.baseUrl, options.clientId, options.timeoutMs ?? 30_000, logger, redactor);
    this.tokens = new AccessTokenCache(
      this.transport,
      { clientId: options.clientId, clientSecret: options.clientSecret, scope: options.scope ?? DEFAULT_SCOPE },
      logger,
      redactor,
    );
    this.statusPatchPath = options.statusPatchPath ?? DEFAULT_STATUS_PATCH_PATH;
  }

  /** Returns every invoice status of the organisation, active or not. */
  async getInvoiceStatuses(): Promise<PmInvoiceStatus[]> {
    const route = 'GET /v1/invoicestatuses';
    const statuses: PmInvoiceStatus[] = [];
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ firstRow: String(statuses.length), rowCount: String(PAGE_SIZE) });
      const request = getJson(route, `/v1/invoicestatuses?${query}`, null);
      const response = await this.send(request);
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

  /** Lists the invoices in an issued status that were added or changed at or after `since` (all when null). */
  async listIssuedInvoicesChangedSince(since: string | null): Promise<PmInvoice[]> {
    if (since != null) checkDateTime('GET /v1/invoices', since);
    const invoiceStatusGuids = await this.getIssuedStatusGuids();
    const invoices: PmInvoice[] = [];
    for await (const page of this.invoicePages({ changedSince: since, invoiceStatusGuids })) {
      invoices.push(...page);
    }
    return invoices;
  }

  /** Lists the invoices in an issued status whose invoice date lies from `startDate` to `endDate`, inclusive. */
  async listIssuedInvoicesBetween(startDate: string, endDate: string): Promise<PmInvoice[]> {
    const invoiceStatusGuids = await this.getIssuedStatusGuids();
    const invoices: PmInvoice[] = [];
    for await (const page of this.invoicePages({ startDate, endDate, invoiceStatusGuids })) {
      invoices.push(...page);
    }
    return invoices;
  }

  /** Returns the invoices with this number; more than one when business units number their invoices separately. */
  async findInvoicesByNumber(invoiceNumber: number): Promise<PmInvoice[]> {
    if (!Number.isInteger(invoiceNumber) || invoiceNumber <= 0) {
      throw new PmArgumentInvalidError('GET /v1/invoices', 'invoice number', invoiceNumber, 'a positive integer');
    }
    const invoices: PmInvoice[] = [];
    for await (const page of this.invoicePages({ numbers: [invoiceNumber] })) {
      invoices.push(...page);
    }
    return invoices;
  }

  /** Yields the pages of `GET /v1/invoices` for a query, following `NextPageToken` until the last page. */
  invoicePages(query: InvoiceQuery): AsyncGenerator<PmInvoice[]> {
    const route = 'GET /v1/invoices';
    const params = new URLSearchParams();
    if (query.changedSince != null) params.set('changedSince', checkDateTime(route, query.changedSince));
    for (const guid of query.invoiceStatusGuids ?? []) params.append('invoiceStatusGuids', guid);
    for (const number of query.numbers ?? []) params.append('numbers', String(number));
    if (query.startDate) params.set('startDate', query.startDate);
    if (query.endDate) params.set('endDate', query.endDate);
    return this.pagesByToken(InvoiceSchema, route, '/v1/invoices', params, null, true);
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
    for await (const page of this.pagesByToken(InvoiceRowSchema, route, path, new URLSearchParams(), invoiceGuid)) {
      rows.push(...page);
    }
    return rows;
  }

  /** Returns a customer, whose `number` is the customer number shared with Visma Business. */
  async getCustomer(customerGuid: string): Promise<PmCustomer> {
    const route = 'GET /v1/customers/{guid}';
    const request = getJson(route, `/v1/customers/${pathSegment(route, customerGuid)}`, null);
    return parseJsonResponse(CustomerSchema, await this.send(request), request);
  }

  /** Returns the invoice's PDF as PM prints it. Raises `PmResponseInvalidError` when the body is not a PDF. */
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
    return new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.byteLength);
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

  /**
   * Yields the pages of a list route that pages with `rowCount` and `pageToken`, until a response comes without
   * a `NextPageToken` header or with no items.
   */
  private async *pagesByToken<T>(
    schema: z.ZodType<T>,
    route: string,
    path: string,
    params: URLSearchParams,
    invoice: string | null,
    invoiceList = false,
  ): AsyncGenerator<T[]> {
    const seenTokens = new Set<string>();
    let pageToken: string | null = null;
    for (let page = 1; ; page++) {
      const pageParams = new URLSearchParams(params);
      pageParams.set('rowCount', String(PAGE_SIZE));
      if (pageToken !== null) pageParams.set('pageToken', pageToken);
      const request = getJson(route, `${path}?${pageParams}`, invoice);
      const response = await this.send(request);
      const items = parseJsonResponse(z.array(schema), response, request, invoiceList);
      yield items;

      pageToken = response.headers['nextpagetoken']?.trim() || null;
      if (pageToken === null || items.length === 0) return;
      if (seenTokens.has(pageToken)) {
        throw invalidResponse(response, request, 'NextPageToken header', 'repeats the token of an earlier page');
      }
      if (page >= MAX_PAGES) {
        throw invalidResponse(response, request, 'NextPageToken header', `is still present after ${MAX_PAGES} pages`);
      }
      seenTokens.add(pageToken);
    }
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
