import { setTimeout as sleep } from 'node:timers/promises';
import {
  PmAuthenticationError,
  PmRateLimitedError,
  PmRequestRejectedError,
  PmServerError,
} from '../../src/project-management/errors';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { clientOf, rejectionOf, startTestSimulator } from '../harness/pm-simulator';

describe('PM client authentication', () => {
  let simulator: PmSimulator;

  beforeEach(async () => {
    simulator = await startTestSimulator({ invoices: 5, seed: 3 });
  });

  afterEach(async () => {
    await simulator.stop();
  });

  const unauthorizedAnswers = () => simulator.state.requests.filter((request) => request.status === 401).length;

  test('token is requested once', async () => {
    const { client } = clientOf(simulator);

    await client.getInvoiceStatuses();
    await client.getInvoiceStatuses();

    expect(simulator.state.tokens.issuedCount).toBe(1);
    expect(simulator.state.tokens.refreshedCount).toBe(0);
  });

  test('expiring token is refreshed first', async () => {
    simulator.state.configure({ tokenLifetimeSeconds: 1 });
    const { client, logger } = clientOf(simulator);

    await client.getInvoiceStatuses();
    await sleep(1100);
    const statuses = await client.getInvoiceStatuses();

    expect(statuses).toHaveLength(5);
    expect(simulator.state.tokens.issuedCount).toBe(1);
    expect(simulator.state.tokens.refreshedCount).toBe(1);
    expect(unauthorizedAnswers()).toBe(0);
    expect(logger.records.map((record) => record.message)).toContain('PM access token refreshed');
  });

  test('expired refresh token gets new token', async () => {
    simulator.state.configure({ tokenLifetimeSeconds: 1, refreshTokenLifetimeSeconds: 1 });
    const { client } = clientOf(simulator);

    await client.getInvoiceStatuses();
    await sleep(1100);
    await client.getInvoiceStatuses();

    expect(simulator.state.tokens.issuedCount).toBe(2);
    expect(simulator.state.tokens.refreshedCount).toBe(0);
    expect(unauthorizedAnswers()).toBe(0);
  });

  test('rejected token is renewed once', async () => {
    const { client } = clientOf(simulator);
    await client.getInvoiceStatuses();
    simulator.state.tokens.revokeAccessTokens();

    const statuses = await client.getInvoiceStatuses();

    expect(statuses).toHaveLength(5);
    expect(unauthorizedAnswers()).toBe(1);
    expect(simulator.state.tokens.refreshedCount).toBe(1);
  });

  test('rejected refresh falls back to credentials', async () => {
    const { client } = clientOf(simulator);
    await client.getInvoiceStatuses();
    simulator.state.tokens.revokeAccessTokens();
    simulator.state.tokens.revokeRefreshTokens();

    await client.getInvoiceStatuses();

    expect(simulator.state.tokens.issuedCount).toBe(2);
    expect(simulator.state.tokens.refreshedCount).toBe(0);
  });

  test('401 after renewal is retryable', async () => {
    const { client } = clientOf(simulator);
    const [invoice] = await client.listIssuedInvoicesChangedSince(null);
    simulator.state.injectFault({ status: 401, count: 2 });

    const error = await rejectionOf(client.getInvoice(invoice.guid));

    expect(error).toBeInstanceOf(PmAuthenticationError);
    expect((error as PmAuthenticationError).retryable).toBe(true);
    expect((error as PmAuthenticationError).status).toBe(401);
    expect((error as PmAuthenticationError).route).toBe('GET /v1/invoices/{guid}');
    expect(error.message).toContain('the request can be retried');
    expect(unauthorizedAnswers()).toBe(2);
  });

  test('wrong client secret is final', async () => {
    const { client } = clientOf(simulator, { clientSecret: 'not-the-secret' });

    const error = await rejectionOf(client.getInvoiceStatuses());

    expect(error).toBeInstanceOf(PmAuthenticationError);
    expect((error as PmAuthenticationError).route).toBe('POST /v1/token');
    expect((error as PmAuthenticationError).retryable).toBe(false);
    expect(error.message).toContain('client id, client secret and scope');
  });

  test('missing scope is rejected', async () => {
    const { client } = clientOf(simulator, { scope: 'invoices:read' });

    const error = await rejectionOf(client.getInvoiceStatuses());

    expect(error).toBeInstanceOf(PmRequestRejectedError);
    expect((error as PmRequestRejectedError).status).toBe(403);
    expect((error as PmRequestRejectedError).pmErrorType).toBe('InsufficientApiScope');
    expect((error as PmRequestRejectedError).retryable).toBe(false);
  });

  test('every request carries Client_Id', async () => {
    const { client } = clientOf(simulator);
    const [invoice] = await client.listIssuedInvoicesChangedSince(null);
    await client.getInvoiceRows(invoice.guid);

    const requests = simulator.state.requests;
    expect(requests.length).toBeGreaterThanOrEqual(4);
    expect(requests.every((request) => request.hadClientId)).toBe(true);
    const resourceRequests = requests.filter((request) => request.path !== '/v1/token');
    expect(resourceRequests.every((request) => request.hadBearer)).toBe(true);
    expect(requests.find((request) => request.path === '/v1/token')?.hadBearer).toBe(false);
  });

  test('token route 500 is retryable', async () => {
    simulator.state.configure({ faultsOnTokenRoutes: true });
    simulator.state.injectFault({ status: 500 });
    const { client } = clientOf(simulator);
    const guid = simulator.state.invoiceByNumber(10001)!.guid;

    const error = await rejectionOf(client.getInvoice(guid));
    const invoice = await client.getInvoice(guid);

    expect(error).toBeInstanceOf(PmServerError);
    expect((error as PmServerError).route).toBe('POST /v1/token');
    expect((error as PmServerError).retryable).toBe(true);
    expect(invoice.number).toBe(10001);
    expect(simulator.state.tokens.issuedCount).toBe(1);
  });

  test('token route 429 gives Retry-After', async () => {
    simulator.state.configure({ faultsOnTokenRoutes: true });
    simulator.state.injectFault({ status: 429, retryAfter: '4' });
    const { client } = clientOf(simulator);

    const error = await rejectionOf(client.getInvoice(simulator.state.invoiceByNumber(10001)!.guid));

    expect(error).toBeInstanceOf(PmRateLimitedError);
    expect((error as PmRateLimitedError).route).toBe('POST /v1/token');
    expect((error as PmRateLimitedError).retryable).toBe(true);
    expect((error as PmRateLimitedError).retryAfterMs).toBe(4000);
    expect(simulator.state.tokens.issuedCount).toBe(0);
  });

  test('refresh route 503 is retryable', async () => {
    const { client } = clientOf(simulator);
    const guid = simulator.state.invoiceByNumber(10002)!.guid;
    await client.getInvoice(guid);
    simulator.state.tokens.revokeAccessTokens();
    simulator.state.configure({ faultsOnTokenRoutes: true });
    // The first fault fails the resource request with 401, the second the refresh that follows.
    simulator.state.injectFault({ status: 401 });
    simulator.state.injectFault({ status: 503 });

    const error = await rejectionOf(client.getInvoice(guid));
    const invoice = await client.getInvoice(guid);

    expect(error).toBeInstanceOf(PmServerError);
    expect((error as PmServerError).route).toBe('POST /v1/refreshtoken');
    expect((error as PmServerError).retryable).toBe(true);
    expect(invoice.number).toBe(10002);
    expect(simulator.state.tokens.refreshedCount).toBe(1);
  });

  test('token routes skip faults by default', async () => {
    simulator.state.injectFault({ status: 500 });
    const { client } = clientOf(simulator);

    const error = await rejectionOf(client.getInvoice(simulator.state.invoiceByNumber(10001)!.guid));

    expect(error).toBeInstanceOf(PmServerError);
    expect((error as PmServerError).route).toBe('GET /v1/invoices/{guid}');
    expect(simulator.state.tokens.issuedCount).toBe(1);
  });

  test('listing retries failed token request', async () => {
    simulator.state.configure({ faultsOnTokenRoutes: true });
    simulator.state.injectFault({ status: 503 });
    const { client } = clientOf(simulator, { pageRetry: { initialDelayMs: 10 } });

    const invoices = await client.listIssuedInvoicesChangedSince(null);

    expect(invoices).toHaveLength(5);
    expect(simulator.state.requests.filter((request) => request.path === '/v1/token').map((r) => r.status)).toEqual([
      503, 200,
    ]);
  });
});
