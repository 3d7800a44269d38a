import { setTimeout as sleep } from 'node:timers/promises';
import { ProjectManagementClient } from '../../src/project-management/client';
import { ClientSecretTooShortError, SecretRedactor } from '../../src/project-management/secret-redactor';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import {
  clientOf,
  everyRendering,
  rejectionOf,
  startTestSimulator,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
} from '../harness/pm-simulator';

describe('PM client secrets', () => {
  let simulator: PmSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ invoices: 10, seed: 21, tokenLifetimeSeconds: 1 });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  test('logs and errors hide secrets', async () => {
    const { client, logger } = clientOf(simulator);
    const wrongSecret = 'wrong-secret-7d1e40';
    const { client: wrongClient, logger: wrongLogger } = clientOf(simulator, { clientSecret: wrongSecret });
    const { client: slowClient, logger: slowLogger } = clientOf(simulator, {
      timeoutMs: 50,
      pageRetry: { maxAttempts: 1 },
    });
    const guid = simulator.state.invoiceByNumber(10002)!.guid;
    const errors: unknown[] = [];

    await client.listIssuedInvoicesChangedSince(null);
    await sleep(1100);
    await client.getInvoice(guid);
    simulator.state.tokens.revokeAccessTokens();
    await client.getInvoiceRows(guid);

    simulator.state.injectFault({ status: 429, retryAfter: '2' });
    errors.push(await rejectionOf(client.getInvoice(guid)));
    simulator.state.injectFault({ status: 500, message: `Backend failed for client secret ${TEST_CLIENT_SECRET}` });
    errors.push(await rejectionOf(client.getInvoice(guid)));
    simulator.state.injectFault({ status: 401, count: 2 });
    errors.push(await rejectionOf(client.getInvoice(guid)));
    errors.push(await rejectionOf(client.getInvoice('no-such-invoice')));
    simulator.state.updateInvoice(guid, { dueDate: 20250101 });
    errors.push(await rejectionOf(client.getInvoice(guid)));
    errors.push(await rejectionOf(client.changeInvoiceStatus(guid, 'no-such-status')));
    errors.push(await rejectionOf(wrongClient.getInvoiceStatuses()));
    simulator.state.configure({ latencyMs: 200 });
    errors.push(await rejectionOf(slowClient.getInvoiceStatuses()));
    simulator.state.configure({ latencyMs: 0 });

    const secrets = [TEST_CLIENT_SECRET, wrongSecret, ...simulator.state.tokens.everIssued];
    const logText = [...logger.records, ...wrongLogger.records, ...slowLogger.records]
      .map((record) => JSON.stringify(record))
      .join('\n');
    const errorText = errors.map(everyRendering).join('\n');

    expect(simulator.state.tokens.everIssued.length).toBeGreaterThanOrEqual(6);
    expect(errors).toHaveLength(8);
    expect(logger.records.length).toBeGreaterThan(5);
    expect(errorText).toContain('[redacted]');
    for (const secret of secrets) {
      expect(logText).not.toContain(secret);
      expect(errorText).not.toContain(secret);
    }
    expect(logText).not.toMatch(/Bearer/);
    expect(errorText).not.toMatch(/Bearer|Authorization/);
  });

  test('old tokens stay redacted', async () => {
    const own = await startTestSimulator({ invoices: 3, seed: 22 });
    const { client, logger } = clientOf(own);
    const guid = own.state.invoiceByNumber(10003)!.guid;
    await client.getInvoice(guid);
    for (let round = 0; round < 10; round++) {
      own.state.tokens.revokeAccessTokens();
      await client.getInvoice(guid);
    }
    const tokens = [...own.state.tokens.everIssued];
    own.state.injectFault({ status: 500, message: `Stale tokens: ${tokens.join(', ')}` });

    const error = await rejectionOf(client.getInvoice(guid));
    await own.stop();

    const text = [everyRendering(error), ...logger.records.map((record) => JSON.stringify(record))].join('\n');
    expect(tokens).toHaveLength(22);
    expect(error.message).toContain(`Stale tokens: ${tokens.map(() => '[redacted]').join(', ')}.`);
    for (const token of tokens) expect(text).not.toContain(token);
  });

  test('short client secret is rejected', () => {
    const create = () =>
      new ProjectManagementClient({ baseUrl: simulator.url, clientId: TEST_CLIENT_ID, clientSecret: 'Xy7' });

    expect(create).toThrow(ClientSecretTooShortError);
    expect(create).toThrow('3 characters long; it must have at least 8');
    expect(create).not.toThrow(/Xy7/);
  });

  test('short token redacted as word', () => {
    const redactor = new SecretRedactor(TEST_CLIENT_SECRET);
    redactor.remember('s7');

    expect(redactor.redact('Customers7 has token s7.')).toBe('Customers7 has token [redacted].');
    expect(redactor.redact(`secret ${TEST_CLIENT_SECRET}!`)).toBe('secret [redacted]!');
  });
});
