import { GenerateInvoicesSchema, parseInput } from './admin-input';
import { DecimalInvalidError } from './amounts';
import { jsonBody, type SimulatorRequest, type SimulatorResponse } from './http-exchange';
import type { InvoiceDraft } from './invoice-builder';
import { SimulatorInputError } from './input-errors';
import type { JsonObject } from './records';
import type { InjectedFault, PmSimulatorSettings, PmSimulatorState } from './state';

/** Path prefix of the simulator's own routes, which PM does not have. They need no credentials. */
export const ADMIN_PREFIX = '/_simulator';

/**
 * Handles the simulator's own routes, for a sandbox that runs the simulator as a separate process:
 * - `GET /_simulator/summary`: counts of invoices, tokens, requests and status changes;
 * - `GET /_simulator/status-changes`: every status change received;
 * - `GET` or `PUT /_simulator/settings`: read or change the knobs (latency, shares of 429 and 500, lifetimes,
 *   whether the token routes fail too);
 * - `POST /_simulator/faults`: queue error responses, body `{ "status": 503, "count": 2 }`;
 * - `POST /_simulator/invoices`: issue `{ "count": n }` generated invoices, or one from an invoice draft;
 * - `PATCH /_simulator/invoices/{guid}`: overwrite fields of an invoice, valid or not.
 *
 * Every input is checked, and an invalid one gets a 400 response that names the field and changes nothing.
 */
export function handleAdminRequest(request: SimulatorRequest, state: PmSimulatorState): SimulatorResponse {
  const route = `${request.method} ${request.pathname.slice(ADMIN_PREFIX.length)}`;
  try {
    if (route === 'GET /summary') return { status: 200, json: summary(state) };
    if (route === 'GET /status-changes') return { status: 200, json: state.statusChanges };
    if (route === 'GET /settings') return { status: 200, json: state.settings };
    if (route === 'PUT /settings') {
      return { status: 200, json: state.configure(jsonObject(request) as Partial<PmSimulatorSettings>) };
    }
    if (route === 'POST /faults') {
      state.injectFault(jsonObject(request) as unknown as InjectedFault);
      return { status: 204 };
    }
    if (route === 'POST /invoices') {
      const body = jsonObject(request);
      const invoices =
        'count' in body
          ? state.addGeneratedInvoices(parseInput(GenerateInvoicesSchema, body, 'invoices').count)
          : [state.addInvoice(body as unknown as InvoiceDraft)];
      return { status: 201, json: invoices.map((invoice) => invoice.body) };
    }
    const invoicePatch = /^PATCH \/invoices\/([^/]+)$/.exec(route);
    if (invoicePatch) {
      return { status: 200, json: state.updateInvoice(decodeURIComponent(invoicePatch[1]), jsonObject(request)).body };
    }
    return { status: 404, json: { error: `No simulator route ${route}` } };
  } catch (error) {
    if (error instanceof SimulatorInputError || error instanceof DecimalInvalidError) {
      return { status: 400, json: { error: error.message } };
    }
    throw error;
  }
}

function jsonObject(request: SimulatorRequest): JsonObject {
  const body = jsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SimulatorInputError('request body', body, 'a JSON object');
  }
  return body as JsonObject;
}

function summary(state: PmSimulatorState): JsonObject {
  const invoices = state.allInvoices();
  return {
    invoices: invoices.length,
    issuedInvoices: invoices.filter((invoice) => invoice.body.number != null).length,
    tokensIssued: state.tokens.issuedCount,
    tokensRefreshed: state.tokens.refreshedCount,
    requests: state.requests.length,
    statusChanges: state.statusChanges.length,
    settings: state.settings,
  };
}
