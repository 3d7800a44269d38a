import {
  FaultSchema,
  GenerateInvoicesSchema,
  InvoiceDraftSchema,
  parseInput,
  SettingsChangeSchema,
} from './admin-input';
import type { InvoiceDraft } from './invoice-builder';
import { SimulatorInputError } from './input-errors';
import { SeededRandom } from './random';
import {
  statusReference,
  type JsonObject,
  type SimulatedCustomer,
  type SimulatedInvoice,
  type SimulatedStatus,
} from './records';
import type { SeededOrganisation } from './seed';
import { TokenStore } from './tokens';

/** Knobs of the simulator that tests and the sandbox may change while it runs. */
export interface PmSimulatorSettings {
  /** Delay before each response to a `/v1/` route, in milliseconds. */
  latencyMs: number;
  /** Share (0 to 1) of resource requests that get a 429 response with `Retry-After`. */
  share429: number;
  /** Share (0 to 1) of resource requests that get a 500 response; with `share429`, at most 1. */
  share500: number;
  /** `Retry-After` of the 429 responses, in whole seconds. */
  retryAfterSeconds: number;
  /** Lifetime of access tokens issued from now on, in seconds. */
  tokenLifetimeSeconds: number;
  /** Lifetime of refresh tokens issued from now on, in seconds. */
  refreshTokenLifetimeSeconds: number;
  /**
   * Whether queued faults and the shares of 429 and 500 also apply to `POST /v1/token` and
   * `POST /v1/refreshtoken`; otherwise only resource requests fail.
   */
  faultsOnTokenRoutes: boolean;
}

/** An error response queued for the next requests, ahead of the random shares. */
export interface InjectedFault {
  /** HTTP status, for example 429 or 503. */
  status: number;
  /** `Retry-After` header value, in seconds or as an HTTP date. */
  retryAfter?: string;
  /** Detail message of the ExceptionModel response. */
  message?: string;
  /** Number of requests that get this response, from 1 to 10,000. @default 1 */
  count?: number;
}

/** A queued fault and the number of requests that still get it. */
interface QueuedFault {
  fault: InjectedFault;
  remaining: number;
}

/** A response of one invoice that a test can replace: the invoice, its rows or its PDF. */
export type InvoiceResource = 'invoice' | 'rows' | 'pdf';

/** A response served byte for byte instead of the simulator's own, for tests of malformed responses. */
export interface RawResponse {
  status: number;
  body: string | Uint8Array;
  contentType: string;
}

/** A status change received through `PATCH /v1/invoices/{guid}`. */
export interface RecordedStatusChange {
  invoiceGuid: string;
  invoiceNumber: unknown;
  fromStatusGuid: string | null;
  fromStatusName: string | null;
  toStatusGuid: string;
  toStatusName: string;
  /** ISO 8601 time of receipt. */
  receivedAt: string;
}

/** A request the simulator responded to, without its headers' values. */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string[]>;
  status: number;
  hadClientId: boolean;
  hadBearer: boolean;
}

/** Requests kept in {@link PmSimulatorState.requests}; older ones are dropped. */
const MAX_REQUEST_RECORDS = 2000;

/** Everything a running simulator serves and records, for tests and the sandbox to read and change. */
export class PmSimulatorState {
  readonly settings: PmSimulatorSettings;
  readonly statuses: SimulatedStatus[];
  readonly customers: SimulatedCustomer[];
  readonly tokens = new TokenStore();
  readonly statusChanges: RecordedStatusChange[] = [];
  readonly requests: RequestRecord[] = [];
  /** Injected error responses served so far, queued or drawn by the shares, by HTTP status. */
  readonly faultsServed: Record<number, number> = {};
  private readonly invoices = new Map<string, SimulatedInvoice>();
  private readonly faults: QueuedFault[] = [];
  private readonly rawResponses = new Map<string, RawResponse>();
  private readonly faultRandom: SeededRandom;

  constructor(
    private readonly organisation: SeededOrganisation,
    settings: PmSimulatorSettings,
    seed: number,
  ) {
    this.settings = { ...settings };
    this.configure(settings);
    this.statuses = organisation.statuses;
    this.customers = organisation.customers;
    for (const invoice of organisation.invoices) this.invoices.set(invoice.guid, invoice);
    // A separate stream, so that injected faults do not change the invoices generated later.
    this.faultRandom = new SeededRandom(seed ^ 0x5eed);
  }

  /**
   * Changes knobs while the simulator runs. Raises {@link SimulatorInputError} for an unknown setting or a value
   * out of range, and then changes nothing.
   */
  configure(changes: Partial<PmSimulatorSettings>): PmSimulatorSettings {
    const parsed = parseInput(SettingsChangeSchema, changes, 'settings');
    const next = { ...this.settings, ...parsed };
    // The tolerance lets shares such as 0.7 and 0.3 through despite binary rounding.
    if (next.share429 + next.share500 > 1 + 1e-9) {
      throw new SimulatorInputError('settings.share500', next.share500, `at most ${1 - next.share429} with share429`);
    }
    Object.assign(this.settings, next);
    return { ...this.settings };
  }

  /**
   * Queues `count` error responses for the next requests: resource requests, and token requests when
   * `faultsOnTokenRoutes` is set. Raises {@link SimulatorInputError} for a fault it cannot send.
   */
  injectFault(fault: InjectedFault): void {
    const parsed = parseInput(FaultSchema, fault, 'fault');
    const { count = 1, ...response } = parsed;
    this.faults.push({ fault: response, remaining: count });
  }

  /**
   * Returns the error response for the next request, if any: a queued one first, then one drawn by the shares.
   * Token requests get none unless `faultsOnTokenRoutes` is set.
   */
  nextFault(tokenRoute = false): InjectedFault | null {
    const fault = this.drawFault(tokenRoute);
    if (fault) this.faultsServed[fault.status] = (this.faultsServed[fault.status] ?? 0) + 1;
    return fault;
  }

  private drawFault(tokenRoute: boolean): InjectedFault | null {
    if (tokenRoute && !this.settings.faultsOnTokenRoutes) return null;
    const queued = this.faults[0];
    if (queued) {
      queued.remaining -= 1;
      if (queued.remaining === 0) this.faults.shift();
      return queued.fault;
    }
    const draw = this.faultRandom.next();
    if (draw < this.settings.share429) return { status: 429, retryAfter: String(this.settings.retryAfterSeconds) };
    if (draw < this.settings.share429 + this.settings.share500) return { status: 500 };
    return null;
  }

  /**
   * Serves `response` to every `GET` of the invoice's `resource` instead of the simulator's own, until it is set
   * back to null. The bytes are sent as they are, so a test can serve a body that is not JSON or not a PDF.
   */
  serveRaw(guid: string, resource: InvoiceResource, response: RawResponse | null): void {
    this.requireInvoice(guid);
    if (response === null) this.rawResponses.delete(`${guid}/${resource}`);
    else this.rawResponses.set(`${guid}/${resource}`, response);
  }

  /** Returns the response that replaces the invoice's `resource`, if a test set one. */
  rawResponse(guid: string, resource: InvoiceResource): RawResponse | undefined {
    return this.rawResponses.get(`${guid}/${resource}`);
  }

  /** Records a request and its response status, keeping the latest {@link MAX_REQUEST_RECORDS}. */
  recordRequest(record: RequestRecord): void {
    this.requests.push(record);
    if (this.requests.length > MAX_REQUEST_RECORDS) this.requests.shift();
  }

  /** Returns every invoice, issued or not, in the order they were added. */
  allInvoices(): SimulatedInvoice[] {
    return [...this.invoices.values()];
  }

  invoice(guid: string): SimulatedInvoice | undefined {
    return this.invoices.get(guid);
  }

  invoiceByNumber(invoiceNumber: number): SimulatedInvoice | undefined {
    return this.allInvoices().find((invoice) => invoice.body.number === invoiceNumber);
  }

  status(guid: string): SimulatedStatus | undefined {
    return this.statuses.find((status) => status.guid === guid);
  }

  /** Returns the status whose flags match exactly, for example `{ isSent: true }` for the plain sent status. */
  statusWithFlags(flags: { isSent?: boolean; isWaitingPayment?: boolean; isPaid?: boolean }): SimulatedStatus {
    const found = this.statuses.find(
      (status) =>
        status.isSent === (flags.isSent ?? false) &&
        status.isWaitingPayment === (flags.isWaitingPayment ?? false) &&
        status.isPaid === (flags.isPaid ?? false) &&
        status.hasInvoiceNumber === (flags.isSent ?? false),
    );
    if (!found) throw new SimulatorInputError('status flags', flags, 'the flags of a simulated status');
    return found;
  }

  customer(guid: string): SimulatedCustomer | undefined {
    return this.customers.find((customer) => customer.guid === guid);
  }

  /**
   * Issues an invoice with the next invoice number, changed now, in the status Sendt. Raises
   * {@link SimulatorInputError} for a draft of the wrong shape or with values the simulator cannot invoice.
   */
  addInvoice(draft: InvoiceDraft): SimulatedInvoice {
    const parsed = parseInput(InvoiceDraftSchema, draft, 'invoice');
    const invoice = this.organisation.generator.issue(parsed, new Date().toISOString());
    this.invoices.set(invoice.guid, invoice);
    return invoice;
  }

  /** Issues `count` generated invoices dated today and changed now. */
  addGeneratedInvoices(count: number): SimulatedInvoice[] {
    parseInput(GenerateInvoicesSchema, { count }, 'invoices');
    return Array.from({ length: count }, () => {
      const invoice = this.organisation.generator.generateNow(new Date());
      this.invoices.set(invoice.guid, invoice);
      return invoice;
    });
  }

  /**
   * Overwrites fields of an invoice's InvoiceOutputModel with any values, valid or not, and marks it changed now
   * unless the fields set `lastUpdatedDateTime` themselves. The GUID cannot change.
   */
  updateInvoice(guid: string, fields: JsonObject): SimulatedInvoice {
    const invoice = this.requireInvoice(guid);
    if ('guid' in fields && fields.guid !== guid)
      throw new SimulatorInputError('guid', fields.guid, `unchanged ${guid}`);
    Object.assign(invoice.body, { lastUpdatedDateTime: new Date().toISOString() }, fields);
    return invoice;
  }

  /** Overwrites fields of an invoice row, valid or not, by its position (0-based). */
  updateInvoiceRow(guid: string, index: number, fields: JsonObject): SimulatedInvoice {
    const invoice = this.requireInvoice(guid);
    const row = invoice.rows[index];
    if (!row) throw new SimulatorInputError('row index', index, `0 to ${invoice.rows.length - 1}`);
    Object.assign(row, fields);
    return invoice;
  }

  /** Sets an invoice's status as a status change through the API does, and records the change. */
  changeStatus(guid: string, status: SimulatedStatus): SimulatedInvoice {
    const invoice = this.requireInvoice(guid);
    const previous = invoice.body.status as { guid?: string; name?: string } | null | undefined;
    const now = new Date().toISOString();
    invoice.body.status = statusReference(status);
    invoice.body.lastUpdatedDateTime = now;
    if (status.isPaid && invoice.body.paymentDate == null) invoice.body.paymentDate = now.slice(0, 10);

    this.statusChanges.push({
      invoiceGuid: guid,
      invoiceNumber: invoice.body.number,
      fromStatusGuid: previous?.guid ?? null,
      fromStatusName: previous?.name ?? null,
      toStatusGuid: status.guid,
      toStatusName: status.name,
      receivedAt: now,
    });
    return invoice;
  }

  private requireInvoice(guid: string): SimulatedInvoice {
    const invoice = this.invoices.get(guid);
    if (!invoice) throw new SimulatorInputError('invoice guid', guid, 'the GUID of a simulated invoice');
    return invoice;
  }
}
