import {
  ApiFailure,
  decodePageToken,
  encodePageToken,
  integerParameter,
  invalidPageToken,
  jsonBody,
  type SimulatorRequest,
  type SimulatorResponse,
} from './http-exchange';
import { renderInvoicePdf } from './pdf';
import type { SimulatedInvoice } from './records';
import type { InvoiceResource, PmSimulatorState } from './state';

/** A resource route: method, path pattern, the scope it needs, and its handler. */
export interface ResourceRoute {
  method: string;
  pattern: RegExp;
  scope: string;
  handle(request: SimulatorRequest, guid: string): SimulatorResponse | Promise<SimulatorResponse>;
}

/** Default and maximum `rowCount` of the list routes, as PM's description states for invoice rows. */
const DEFAULT_ROW_COUNT = 20;
const MAX_ROW_COUNT = 100;
/** Listings whose remaining pages are kept for their page tokens; older ones are forgotten. */
const MAX_LISTINGS = 500;

/**
 * Builds the resource routes of the simulator. A listing of invoices is fixed when its first page is read, so
 * that its page tokens walk the same list even while invoices change.
 */
export function resourceRoutes(state: PmSimulatorState, statusPatchPath: string): ResourceRoute[] {
  const listings = new Map<number, string[]>();
  const rawOrNull = (guid: string, resource: InvoiceResource): SimulatorResponse | null => {
    const raw = state.invoice(guid) ? state.rawResponse(guid, resource) : undefined;
    if (!raw) return null;
    return { status: raw.status, bytes: Buffer.from(raw.body), contentType: raw.contentType };
  };
  let nextListing = 1;

  const listInvoices = (request: SimulatorRequest): SimulatorResponse => {
    const rowCount = integerParameter(request.query, 'rowCount', DEFAULT_ROW_COUNT, 1, MAX_ROW_COUNT);
    const token = request.query.get('pageToken');
    let listing: number;
    let offset: number;
    if (token) {
      const decoded = decodePageToken(token);
      listing = Number(decoded.listing);
      offset = decoded.offset;
      const known = listings.get(listing);
      if (!known || offset > known.length) throw invalidPageToken();
    } else {
      listing = nextListing++;
      offset = 0;
      listings.set(
        listing,
        matchingInvoices(state, request.query).map((invoice) => invoice.guid),
      );
      if (listings.size > MAX_LISTINGS) listings.delete(listings.keys().next().value as number);
    }

    const guids = listings.get(listing) as string[];
    const page = guids.slice(offset, offset + rowCount);
    const headers: Record<string, string> = {};
    if (offset + rowCount < guids.length) headers.NextPageToken = encodePageToken([listing, offset + rowCount]);
    const bodies = page.map((guid) => state.invoice(guid)?.body).filter((body) => body !== undefined);
    return { status: 200, json: bodies, headers };
  };

  const getInvoice = (_request: SimulatorRequest, guid: string): SimulatorResponse =>
    rawOrNull(guid, 'invoice') ?? { status: 200, json: requireInvoice(state, guid).body };

  const patchInvoice = (request: SimulatorRequest, guid: string): SimulatorResponse => {
    const invoice = requireInvoice(state, guid);
    const operations = jsonBody(request);
    if (!Array.isArray(operations) || operations.length === 0) {
      throw new ApiFailure(400, 'InvalidRequest', 'The body must be a JSON Patch document: an array of operations', {
        type: 'RequestBody',
        name: 'patchDocument',
      });
    }

    // Every operation is checked before any is applied, so a rejected patch changes nothing.
    const statuses = operations.map((operation: unknown) => {
      const { op, path, value } = (operation ?? {}) as { op?: unknown; path?: unknown; value?: unknown };
      if (typeof op !== 'string' || op.toLowerCase() !== 'replace') {
        throw new ApiFailure(400, 'InvalidParameter', `Patch operation ${JSON.stringify(op)} is not supported`, {
          type: 'RequestBody',
          name: 'op',
        });
      }
      if (typeof path !== 'string' || path.toLowerCase() !== statusPatchPath.toLowerCase()) {
        throw new ApiFailure(400, 'InvalidParameter', `Patch path ${JSON.stringify(path)} is not supported`, {
          type: 'RequestBody',
          name: 'path',
        });
      }
      const status = typeof value === 'string' ? state.status(value) : undefined;
      if (!status) {
        throw new ApiFailure(400, 'InvalidParameter', `Invoice status ${JSON.stringify(value)} does not exist`, {
          type: 'RequestBody',
          name: 'value',
        });
      }
      return status;
    });

    for (const status of statuses) state.changeStatus(invoice.guid, status);
    return { status: 200, json: [invoice.body] };
  };

  const getPdf = async (_request: SimulatorRequest, guid: string): Promise<SimulatorResponse> => {
    const invoice = requireInvoice(state, guid);
    const raw = rawOrNull(guid, 'pdf');
    if (raw) return raw;
    return {
      status: 200,
      bytes: await renderInvoicePdf(invoice),
      contentType: 'application/pdf',
      headers: { 'Content-Disposition': `inline; filename="invoice-${String(invoice.body.number ?? guid)}.pdf"` },
    };
  };

  const listRows = (request: SimulatorRequest, guid: string): SimulatorResponse => {
    const invoice = requireInvoice(state, guid);
    const raw = rawOrNull(guid, 'rows');
    if (raw) return raw;
    const rowCount = integerParameter(request.query, 'rowCount', DEFAULT_ROW_COUNT, 1, MAX_ROW_COUNT);
    const token = request.query.get('pageToken');
    let offset = 0;
    if (token) {
      const decoded = decodePageToken(token);
      if (decoded.listing !== guid || decoded.offset > invoice.rows.length) throw invalidPageToken();
      offset = decoded.offset;
    }
    const headers: Record<string, string> = {};
    if (offset + rowCount < invoice.rows.length) headers.NextPageToken = encodePageToken([guid, offset + rowCount]);
    return { status: 200, json: invoice.rows.slice(offset, offset + rowCount), headers };
  };

  const listStatuses = (request: SimulatorRequest): SimulatorResponse => {
    const firstRow = integerParameter(request.query, 'firstRow', 0, 0, Number.MAX_SAFE_INTEGER);
    const rowCount = integerParameter(request.query, 'rowCount', DEFAULT_ROW_COUNT, 1, MAX_ROW_COUNT);
    const active = request.query.get('active');
    const statuses = state.statuses.filter((status) => active === null || String(status.isActive) === active);
    return { status: 200, json: statuses.slice(firstRow, firstRow + rowCount) };
  };

  const getCustomer = (_request: SimulatorRequest, guid: string): SimulatorResponse => {
    const customer = state.customer(guid);
    if (!customer) throw notFound('Customer', guid);
    return { status: 200, json: customer };
  };

  return [
    { method: 'GET', pattern: /^\/v1\/invoices$/, scope: 'invoices:read', handle: listInvoices },
    { method: 'GET', pattern: /^\/v1\/invoices\/([^/]+)$/, scope: 'invoices:read', handle: getInvoice },
    { method: 'PATCH', pattern: /^\/v1\/invoices\/([^/]+)$/, scope: 'invoices:write', handle: patchInvoice },
    { method: 'GET', pattern: /^\/v1\/invoices\/([^/]+)\/pdf$/, scope: 'files:read', handle: getPdf },
    { method: 'GET', pattern: /^\/v1\/invoices\/([^/]+)\/invoicerows$/, scope: 'invoices:read', handle: listRows },
    { method: 'GET', pattern: /^\/v1\/invoicestatuses$/, scope: 'settings:read', handle: listStatuses },
    { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, scope: 'customers:read', handle: getCustomer },
  ];
}

/** Invoices matching the filters of `GET /v1/invoices` that the simulator supports, oldest change first. */
function matchingInvoices(state: PmSimulatorState, query: URLSearchParams): SimulatedInvoice[] {
  const statusGuids = new Set(query.getAll('invoiceStatusGuids'));
  const customerGuids = new Set(query.getAll('customerGuids'));
  const numbers = new Set(query.getAll('numbers').map(Number));
  const referenceNumbers = new Set(query.getAll('referenceNumbers'));
  const changedSinceText = query.get('changedSince');
  const changedSince = changedSinceText ? Date.parse(changedSinceText) : null;
  if (Number.isNaN(changedSince)) {
    throw new ApiFailure(400, 'InvalidParameter', 'changedSince is not a date-time', {
      type: 'UriParameter',
      name: 'changedSince',
    });
  }

  const startDate = query.get('startDate');
  const endDate = query.get('endDate');
  for (const [name, value] of [
    ['startDate', startDate],
    ['endDate', endDate],
  ] as const) {
    if (value !== null && !/^\d{4}-\d{2}-\d{2}/.test(value)) {
      throw new ApiFailure(400, 'InvalidParameter', `${name} is not a date`, { type: 'UriParameter', name });
    }
  }
  const invoiceDay = (invoice: SimulatedInvoice) => String(invoice.body.date ?? '').slice(0, 10);

  const field = (invoice: SimulatedInvoice, name: string, key: string) =>
    (invoice.body[name] as Record<string, unknown> | null | undefined)?.[key];
  return state
    .allInvoices()
    .filter((invoice) => statusGuids.size === 0 || statusGuids.has(String(field(invoice, 'status', 'guid'))))
    .filter((invoice) => customerGuids.size === 0 || customerGuids.has(String(field(invoice, 'customer', 'guid'))))
    .filter((invoice) => numbers.size === 0 || numbers.has(invoice.body.number as number))
    .filter((invoice) => referenceNumbers.size === 0 || referenceNumbers.has(String(invoice.body.referenceNumber)))
    .filter((invoice) => changedSince === null || Date.parse(String(invoice.body.lastUpdatedDateTime)) >= changedSince)
    .filter((invoice) => startDate === null || invoiceDay(invoice) >= startDate.slice(0, 10))
    .filter((invoice) => endDate === null || invoiceDay(invoice) <= endDate.slice(0, 10))
    .sort(
      (a, b) =>
        Date.parse(String(a.body.lastUpdatedDateTime)) - Date.parse(String(b.body.lastUpdatedDateTime)) ||
        Number(a.body.number) - Number(b.body.number) ||
        a.guid.localeCompare(b.guid),
    );
}

function requireInvoice(state: PmSimulatorState, guid: string): SimulatedInvoice {
  const invoice = state.invoice(guid);
  if (!invoice) throw notFound('Invoice', guid);
  return invoice;
}

function notFound(resource: string, guid: string): ApiFailure {
  return new ApiFailure(404, 'InvalidParameter', `${resource} ${guid} was not found`, {
    type: 'PathParameter',
    name: 'guid',
  });
}
