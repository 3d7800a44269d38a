import { InvalidInvoiceError, toInvoiceForMapping } from '../../src/project-management/invoice-conversion';
import { PmRateLimitedError, PmResponseInvalidError, PmServerError } from '../../src/project-management/errors';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { clientOf, rejectionOf, startTestSimulator } from '../harness/pm-simulator';

describe('PM client listing of invoices', () => {
  let simulator: PmSimulator;

  beforeEach(async () => {
    simulator = await startTestSimulator({ invoices: 20, seed: 5 });
  });

  afterEach(async () => {
    await simulator.stop();
  });

  const guidOf = (invoiceNumber: number) => simulator.state.invoiceByNumber(invoiceNumber)!.guid;
  const requestsTo = (path: string) => simulator.state.requests.filter((request) => request.path === path);

  test('null amount fails in conversion', async () => {
    const { client } = clientOf(simulator);
    simulator.state.updateInvoice(guidOf(10005), { totalTax: { amount: null, currencyCode: 'NOK' } });

    const listed = await client.listIssuedInvoicesChangedSince(null);
    const invoice = await client.getInvoice(guidOf(10005));
    const rows = await client.getInvoiceRows(guidOf(10005));
    const error = (() => {
      try {
        toInvoiceForMapping('sandbox', invoice, rows);
      } catch (caught) {
        return caught;
      }
      return null;
    })();

    expect(listed).toHaveLength(20);
    expect(listed.map((item) => item.number)).toContain(10005);
    expect(invoice.totalTax?.amount).toBeNull();
    expect(error).toBeInstanceOf(InvalidInvoiceError);
    expect((error as InvalidInvoiceError).field).toBe('totalTax');
    expect((error as InvalidInvoiceError).invoice).toBe('10005');
  });

  test('unreadable due date fails alone', async () => {
    const { client } = clientOf(simulator, { pageRetry: { maxAttempts: 1 } });
    simulator.state.updateInvoice(guidOf(10007), { dueDate: 20250101, currencyRate: 'high' });

    const changed = await client.listIssuedInvoicesChangedSince(null);
    const between = await client.listIssuedInvoicesBetween('2025-01-01', '2026-12-31');
    const pages = [];
    for await (const page of client.invoicePages({ numbers: [10007, 10008] })) pages.push(page);
    const error = (await rejectionOf(client.getInvoice(guidOf(10007)))) as PmResponseInvalidError;

    expect(changed.map((item) => item.number)).toContain(10007);
    expect(between.map((item) => item.number)).toContain(10007);
    expect(pages.flat().map((item) => item.number)).toEqual([10008, 10007]);
    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.field).toBe('dueDate');
    expect(error.retryable).toBe(false);
  });

  test('lookup by number checks invoice', async () => {
    const { client } = clientOf(simulator);
    simulator.state.updateInvoice(guidOf(10007), { dueDate: 20250101 });

    const other = await client.findInvoicesByNumber(10006);
    const error = (await rejectionOf(client.findInvoicesByNumber(10007))) as PmResponseInvalidError;

    expect(other.map((invoice) => invoice.number)).toEqual([10006]);
    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.invoice).toBe(`10007 (guid ${guidOf(10007)})`);
    expect(error.field).toBe('dueDate');
  });

  test('nullable row GUID is accepted', async () => {
    const { client } = clientOf(simulator);
    simulator.state.updateInvoiceRow(guidOf(10004), 0, { guid: null });

    const rows = await client.getInvoiceRows(guidOf(10004));

    expect(rows[0].guid).toBeNull();
    expect(rows).toHaveLength(simulator.state.invoiceByNumber(10004)!.rows.length);
  });

  test('missing status GUID is explained', async () => {
    const { client } = clientOf(simulator);
    Object.assign(simulator.state.statuses[0], { guid: null });

    const error = (await rejectionOf(client.getInvoiceStatuses())) as PmResponseInvalidError;

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.field).toBe('[0].guid');
    expect(error.message).toContain('the import needs it to filter issued invoices by status');
    expect(error.message).toContain('OpenAPI description allows this');
    expect(error.retryable).toBe(false);
  });

  test('missing invoice GUID is explained', async () => {
    const { client } = clientOf(simulator);
    simulator.state.invoiceByNumber(10003)!.body.guid = null;

    const error = (await rejectionOf(client.listIssuedInvoicesChangedSince(null))) as PmResponseInvalidError;

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.invoice).toBe('10003');
    expect(error.field).toBe('guid');
    expect(error.message).toContain('the import needs it to read the invoice');
  });

  test('page retry resumes at same token', async () => {
    await simulator.stop();
    simulator = await startTestSimulator({ invoices: 250, seed: 5 });
    const { client, logger } = clientOf(simulator, { pageRetry: { initialDelayMs: 10 } });
    const pages = client.invoicePages({});
    const first = await pages.next();

    simulator.state.injectFault({ status: 503, count: 2 });
    const rest: unknown[][] = [];
    for await (const page of pages) rest.push(page);

    const listRequests = requestsTo('/v1/invoices');
    expect(first.value).toHaveLength(100);
    expect(rest.map((page) => page.length)).toEqual([100, 53]);
    expect(listRequests.map((request) => request.status)).toEqual([200, 503, 503, 200, 200]);
    expect(listRequests[1].query.pageToken).toEqual(listRequests[3].query.pageToken);
    expect(listRequests[1].query.pageToken).toHaveLength(1);
    expect(logger.records.filter((record) => record.message === 'PM page request is retried')).toHaveLength(2);
  });

  test('listing completes under rate limiting', async () => {
    await simulator.stop();
    simulator = await startTestSimulator({ invoices: 2100, seed: 5 });
    simulator.state.configure({ share429: 0.2, retryAfterSeconds: 1 });
    const { client } = clientOf(simulator);

    const invoices = await client.listIssuedInvoicesChangedSince(null);

    const listRequests = requestsTo('/v1/invoices');
    const limited = listRequests.filter((request) => request.status === 429).length;
    expect(invoices).toHaveLength(2100);
    expect(new Set(invoices.map((invoice) => invoice.guid)).size).toBe(2100);
    expect(limited).toBeGreaterThan(0);
    expect(listRequests.filter((request) => request.status === 200)).toHaveLength(21);
    expect(listRequests).toHaveLength(21 + limited);
    expect(listRequests.length).toBeLessThanOrEqual(21 * 5);
  }, 120_000);

  test('page attempts are bounded', async () => {
    simulator.state.configure({ share429: 1, retryAfterSeconds: 0 });
    const { client } = clientOf(simulator);

    const error = (await rejectionOf(client.getInvoiceStatuses())) as PmRateLimitedError;

    expect(error).toBeInstanceOf(PmRateLimitedError);
    expect(error.retryable).toBe(true);
    expect(requestsTo('/v1/invoicestatuses')).toHaveLength(5);
  });

  test('long Retry-After ends listing', async () => {
    const { client } = clientOf(simulator);
    simulator.state.injectFault({ status: 429, retryAfter: '120' });
    const startedAt = Date.now();

    const error = (await rejectionOf(client.getInvoiceStatuses())) as PmRateLimitedError;

    expect(error).toBeInstanceOf(PmRateLimitedError);
    expect(error.retryAfterMs).toBe(120_000);
    expect(requestsTo('/v1/invoicestatuses')).toHaveLength(1);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  test('total wait is bounded', async () => {
    simulator.state.configure({ share500: 1 });
    const { client } = clientOf(simulator, { pageRetry: { initialDelayMs: 100, maxTotalDelayMs: 250 } });

    const error = (await rejectionOf(client.getInvoiceStatuses())) as PmServerError;

    // Waits of 100 and 200 ms would exceed 250 ms in total, so only the first retry is sent.
    expect(error).toBeInstanceOf(PmServerError);
    expect(error.retryable).toBe(true);
    expect(requestsTo('/v1/invoicestatuses')).toHaveLength(2);
  });
});
