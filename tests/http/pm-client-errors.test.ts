import {
  PmArgumentInvalidError,
  PmNetworkError,
  PmNotFoundError,
  PmRateLimitedError,
  PmRequestRejectedError,
  PmResponseInvalidError,
  PmServerError,
} from '../../src/project-management/errors';
import { MAX_RETRY_AFTER_MS } from '../../src/project-management/retry-after';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { clientOf, rejectionOf, startTestSimulator } from '../harness/pm-simulator';

describe('PM client error classification', () => {
  let simulator: PmSimulator;

  beforeEach(async () => {
    simulator = await startTestSimulator({ invoices: 20, seed: 5 });
  });

  afterEach(async () => {
    await simulator.stop();
  });

  const guidOf = (invoiceNumber: number) => simulator.state.invoiceByNumber(invoiceNumber)!.guid;
  // Lists retry a failed page themselves; these tests classify the first failure, so they allow one attempt.
  const oneAttempt = { pageRetry: { maxAttempts: 1 } };

  test('429 is retryable after Retry-After', async () => {
    const { client } = clientOf(simulator);
    simulator.state.injectFault({ status: 429, retryAfter: '7' });

    const error = await rejectionOf(client.getInvoice(guidOf(10003)));

    expect(error).toBeInstanceOf(PmRateLimitedError);
    const limited = error as PmRateLimitedError;
    expect(limited.retryable).toBe(true);
    expect(limited.retryAfterMs).toBe(7000);
    expect(limited.status).toBe(429);
    expect(limited.route).toBe('GET /v1/invoices/{guid}');
    expect(limited.invoice).toBe(guidOf(10003));
  });

  test('429 with HTTP date delay', async () => {
    const { client } = clientOf(simulator, oneAttempt);
    const retryAt = new Date(Date.now() + 30_000);
    simulator.state.injectFault({ status: 429, retryAfter: retryAt.toUTCString() });

    const error = (await rejectionOf(client.getInvoiceStatuses())) as PmRateLimitedError;

    expect(error).toBeInstanceOf(PmRateLimitedError);
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  test('far Retry-After is capped', async () => {
    const { client } = clientOf(simulator);
    simulator.state.injectFault({ status: 429, retryAfter: 'Fri, 01 Jan 2099 00:00:00 GMT' });
    simulator.state.injectFault({ status: 503, retryAfter: '999999999' });

    const dated = (await rejectionOf(client.getInvoice(guidOf(10003)))) as PmRateLimitedError;
    const seconds = (await rejectionOf(client.getInvoice(guidOf(10003)))) as PmServerError;

    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    expect(dated).toBeInstanceOf(PmRateLimitedError);
    expect(dated.retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    expect(dated.message).toContain(`retry after ${MAX_RETRY_AFTER_MS} ms`);
    expect(seconds).toBeInstanceOf(PmServerError);
    expect(seconds.retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
  });

  test('share of 429 uses configured delay', async () => {
    simulator.state.configure({ share429: 1, retryAfterSeconds: 3 });
    const { client } = clientOf(simulator, oneAttempt);

    const error = (await rejectionOf(client.listIssuedInvoicesChangedSince(null))) as PmRateLimitedError;

    expect(error).toBeInstanceOf(PmRateLimitedError);
    expect(error.retryAfterMs).toBe(3000);
  });

  test('500 is retryable', async () => {
    const { client } = clientOf(simulator, oneAttempt);
    simulator.state.injectFault({ status: 500 });

    const error = await rejectionOf(client.getInvoiceRows(guidOf(10004)));

    expect(error).toBeInstanceOf(PmServerError);
    const server = error as PmServerError;
    expect(server.retryable).toBe(true);
    expect(server.status).toBe(500);
    expect(server.retryAfterMs).toBeNull();
    expect(server.pmErrorType).toBe('InternalSystemError');
  });

  test('share of 500 is retryable', async () => {
    simulator.state.configure({ share500: 1 });
    const { client } = clientOf(simulator);

    const error = await rejectionOf(client.getInvoicePdf(guidOf(10001)));

    expect(error).toBeInstanceOf(PmServerError);
    expect((error as PmServerError).retryable).toBe(true);
  });

  test('retried request succeeds after faults', async () => {
    const { client } = clientOf(simulator);
    simulator.state.injectFault({ status: 503, count: 1 });

    await rejectionOf(client.getInvoice(guidOf(10002)));
    const invoice = await client.getInvoice(guidOf(10002));

    expect(invoice.number).toBe(10002);
  });

  test('404 is not retryable', async () => {
    const { client } = clientOf(simulator);

    const error = await rejectionOf(client.getInvoice('00000000-0000-4000-8000-000000000000'));

    expect(error).toBeInstanceOf(PmNotFoundError);
    const notFound = error as PmNotFoundError;
    expect(notFound.retryable).toBe(false);
    expect(notFound.status).toBe(404);
    expect(notFound.invoice).toBe('00000000-0000-4000-8000-000000000000');
    expect(notFound.message).toContain('GET /v1/invoices/{guid}');
  });

  test('invalid invoice names route and field', async () => {
    const { client } = clientOf(simulator);
    simulator.state.updateInvoice(guidOf(10005), { totalIncludingTax: { amount: 'abc', currencyCode: 'NOK' } });

    const error = await rejectionOf(client.getInvoice(guidOf(10005)));

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    const invalid = error as PmResponseInvalidError;
    expect(invalid.retryable).toBe(false);
    expect(invalid.route).toBe('GET /v1/invoices/{guid}');
    expect(invalid.field).toBe('totalIncludingTax.amount');
    expect(invalid.invoice).toBe(`10005 (guid ${guidOf(10005)})`);
    expect(invalid.message).toContain('GET /v1/invoices/{guid}');
    expect(invalid.message).toContain('10005');
    expect(invalid.message).toContain('totalIncludingTax.amount');
  });

  test('invalid invoice stays listed', async () => {
    const { client } = clientOf(simulator);
    simulator.state.updateInvoice(guidOf(10007), { isCreditNote: 'no' });

    const listed = await client.listIssuedInvoicesChangedSince(null);
    const error = (await rejectionOf(client.getInvoice(guidOf(10007)))) as PmResponseInvalidError;

    expect(listed).toHaveLength(20);
    expect(listed.map((invoice) => invoice.number)).toContain(10007);
    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.route).toBe('GET /v1/invoices/{guid}');
    expect(error.invoice).toBe(`10007 (guid ${guidOf(10007)})`);
    expect(error.field).toBe('isCreditNote');
    expect(error.retryable).toBe(false);
  });

  test('invalid row names its index', async () => {
    const { client } = clientOf(simulator);
    simulator.state.updateInvoiceRow(guidOf(10008), 0, { quantity: '7,5' });

    const error = (await rejectionOf(client.getInvoiceRows(guidOf(10008)))) as PmResponseInvalidError;

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.invoice).toBe(guidOf(10008));
    expect(error.field).toBe('[0].quantity');
  });

  test('timeout is retryable', async () => {
    simulator.state.configure({ latencyMs: 400 });
    const { client } = clientOf(simulator, { timeoutMs: 100, ...oneAttempt });

    const error = await rejectionOf(client.getInvoiceStatuses());

    expect(error).toBeInstanceOf(PmNetworkError);
    expect((error as PmNetworkError).retryable).toBe(true);
    expect(error.message).toContain('timed out after 100 ms');
  });

  test('refused connection is retryable', async () => {
    const closed = await startTestSimulator({ invoices: 0 });
    const url = closed.url;
    await closed.stop();
    const { client } = clientOf({ ...simulator, url }, oneAttempt);

    const error = await rejectionOf(client.getInvoiceStatuses());

    expect(error).toBeInstanceOf(PmNetworkError);
    expect((error as PmNetworkError).code).toBe('ECONNREFUSED');
    expect((error as PmNetworkError).retryable).toBe(true);
  });

  test('unknown patch path is rejected', async () => {
    const { client } = clientOf(simulator, { statusPatchPath: '/statusGuid' });
    const paid = simulator.state.statusWithFlags({ isSent: true, isPaid: true });

    const error = await rejectionOf(client.changeInvoiceStatus(guidOf(10006), paid.guid));

    expect(error).toBeInstanceOf(PmRequestRejectedError);
    const rejected = error as PmRequestRejectedError;
    expect(rejected.status).toBe(400);
    expect(rejected.retryable).toBe(false);
    expect(rejected.pmErrorType).toBe('InvalidParameter');
    expect(rejected.message).toContain('/statusGuid');
    expect(simulator.state.statusChanges).toHaveLength(0);
  });

  test('invalid changedSince is rejected', async () => {
    const { client } = clientOf(simulator);

    const error = await rejectionOf(client.listIssuedInvoicesChangedSince('yesterday'));

    expect(error).toBeInstanceOf(PmArgumentInvalidError);
    expect((error as PmArgumentInvalidError).retryable).toBe(false);
    expect(simulator.state.requests).toHaveLength(0);
  });
});
