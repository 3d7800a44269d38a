import { setTimeout as sleep } from 'node:timers/promises';
import { PmAuthenticationError, PmRequestRejectedError } from '../../src/project-management/errors';
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

  test('401 after renewal is final', async () => {
    const { client } = clientOf(simulator);
    await client.getInvoiceStatuses();
    simulator.state.injectFault({ status: 401, count: 2 });

    const error = await rejectionOf(client.getInvoiceStatuses());

    expect(error).toBeInstanceOf(PmAuthenticationError);
    expect((error as PmAuthenticationError).retryable).toBe(false);
    expect((error as PmAuthenticationError).status).toBe(401);
    expect((error as PmAuthenticationError).route).toBe('GET /v1/invoicestatuses');
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
});
