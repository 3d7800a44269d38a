import axios from 'axios';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { SimulatorInputError } from '../../src/sandbox/pm-simulator/input-errors';
import { rawGet, startTestSimulator } from '../harness/pm-simulator';

describe('PM simulator admin routes', () => {
  let simulator: PmSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ invoices: 12, seed: 4 });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  const post = (path: string, body: unknown) =>
    axios.post(`${simulator.url}/_simulator${path}`, body, { validateStatus: () => true });
  const put = (path: string, body: unknown) =>
    axios.put(`${simulator.url}/_simulator${path}`, body, { validateStatus: () => true });
  const draft = (fields: Record<string, unknown>) => ({
    customerNumber: '10003',
    rows: [{ productCode: 'KONS-SENIOR', quantity: '2' }],
    ...fields,
  });

  test('huge fault count is rejected', async () => {
    const response = await post('/faults', { status: 503, count: 1e9 });
    const summary = await axios.get(`${simulator.url}/_simulator/summary`);
    const invoices = await rawGet(simulator, '/v1/invoicestatuses');

    expect(response.status).toBe(400);
    expect(response.data.error).toContain('fault.count');
    expect(summary.status).toBe(200);
    expect(invoices.status).toBe(200);
  });

  test.each([
    ['negative count', { status: 503, count: -1 }, 'fault.count'],
    ['fractional count', { status: 503, count: 1.5 }, 'fault.count'],
    ['count as string', { status: 503, count: '2' }, 'fault.count'],
    ['success status', { status: 200 }, 'fault.status'],
    ['missing status', { count: 1 }, 'fault.status'],
    ['unknown field', { status: 503, times: 2 }, 'fault.times'],
    ['Retry-After with newline', { status: 429, retryAfter: '1\r\nX-Injected: 1' }, 'fault.retryAfter'],
    ['body not an object', [503], 'request body'],
  ])('fault with %s is rejected', async (_case, body, field) => {
    const response = await post('/faults', body);

    expect(response.status).toBe(400);
    expect(response.data.error).toContain(field);
  });

  test('queued fault answers count requests', async () => {
    const response = await post('/faults', { status: 502, count: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawGet(simulator, '/v1/invoicestatuses')).status);

    expect(response.status).toBe(204);
    expect(statuses).toEqual([502, 502, 502, 200]);
  });

  test.each([
    ['fractional Retry-After', { retryAfterSeconds: 0.5 }, 'settings.retryAfterSeconds'],
    ['share above 1', { share429: 1.5 }, 'settings.share429'],
    ['shares summing above 1', { share429: 0.6, share500: 0.6 }, 'settings.share500'],
    ['negative latency', { latencyMs: -1 }, 'settings.latencyMs'],
    ['zero token lifetime', { tokenLifetimeSeconds: 0 }, 'settings.tokenLifetimeSeconds'],
    ['unknown setting', { retryAfter: 2 }, 'settings.retryAfter'],
    ['token faults not boolean', { faultsOnTokenRoutes: 'yes' }, 'settings.faultsOnTokenRoutes'],
  ])('settings with %s are rejected', async (_case, body, field) => {
    const before = { ...simulator.state.settings };

    const response = await put('/settings', body);

    expect(response.status).toBe(400);
    expect(response.data.error).toContain(field);
    expect(simulator.state.settings).toEqual(before);
  });

  test('Retry-After is whole seconds', async () => {
    const changed = await put('/settings', { share429: 1, retryAfterSeconds: 2 });
    const limited = await rawGet(simulator, '/v1/invoicestatuses');
    await put('/settings', { share429: 0 });

    expect(changed.status).toBe(200);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
  });

  test.each([
    ['zero currency rate', draft({ currencyCode: 'EUR', currencyRate: '0' }), 'invoice.currencyRate'],
    ['negative currency rate', draft({ currencyCode: 'EUR', currencyRate: '-11.5' }), 'invoice.currencyRate'],
    ['impossible date', draft({ date: '2025-02-30' }), 'invoice.date'],
    ['date with time', draft({ date: '2025-02-03T10:00' }), 'invoice.date'],
    ['rows not a list', draft({ rows: 'KONS-SENIOR' }), 'invoice.rows'],
    ['quantity as number', draft({ rows: [{ productCode: 'KONS-SENIOR', quantity: 2 }] }), 'invoice.rows.0.quantity'],
    ['unknown product', draft({ rows: [{ productCode: 'NOPE', quantity: '1' }] }), 'productCode'],
    ['unknown customer', draft({ customerNumber: '99999' }), 'customerNumber'],
    ['unknown currency', draft({ currencyCode: 'SEK', currencyRate: '1' }), 'invoice.currencyCode'],
    ['count as string', { count: '2' }, 'invoices.count'],
    ['count with draft fields', { count: 2, customerNumber: '10003' }, 'invoices.customerNumber'],
  ])('invoice with %s is rejected', async (_case, body, field) => {
    const before = simulator.state.allInvoices().length;

    const response = await post('/invoices', body);

    expect(response.status).toBe(400);
    expect(response.data.error).toContain(field);
    expect(simulator.state.allInvoices()).toHaveLength(before);
  });

  test('valid draft is invoiced', async () => {
    const response = await post('/invoices', draft({ currencyCode: 'EUR', currencyRate: '11.5', date: '2024-02-29' }));

    expect(response.status).toBe(201);
    expect(response.data[0].date).toBe('2024-02-29');
    expect(response.data[0].currencyRate).toBe(11.5);
  });

  test.each([
    ['negative offset', Buffer.from('1:-5').toString('base64url')],
    ['offset past the end', Buffer.from('1:5000').toString('base64url')],
    ['unknown listing', Buffer.from('999:100').toString('base64url')],
    ['not a token', 'not-a-token'],
  ])('invoice page token with %s is rejected', async (_case, token) => {
    await rawGet(simulator, '/v1/invoices?rowCount=5');

    const response = await rawGet(simulator, `/v1/invoices?rowCount=5&pageToken=${token}`);

    expect(response.status).toBe(400);
    expect(response.data.error.type).toBe('InvalidParameter');
  });

  test('row page token of other invoice is rejected', async () => {
    const [first, second] = simulator.state.allInvoices();
    const token = Buffer.from(`${second.guid}:1`).toString('base64url');

    const response = await rawGet(simulator, `/v1/invoices/${first.guid}/invoicerows?rowCount=1&pageToken=${token}`);

    expect(response.status).toBe(400);
  });

  test('rowCount must be plain digits', async () => {
    const response = await rawGet(simulator, '/v1/invoices?rowCount=1e1');

    expect(response.status).toBe(400);
  });

  test('start options are checked', async () => {
    await expect(startTestSimulator({ invoices: 1e9 })).rejects.toThrow(SimulatorInputError);
    await expect(startTestSimulator({ invoices: 1, share429: 2 })).rejects.toThrow('settings.share429');
    await expect(startTestSimulator({ invoices: 1, retryAfterSeconds: 0.5 })).rejects.toThrow(
      'settings.retryAfterSeconds',
    );
  });
});
