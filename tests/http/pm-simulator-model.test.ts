import axios from 'axios';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { openApiMismatches } from '../harness/openapi-models';
import { rawGet, startTestSimulator, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../harness/pm-simulator';

describe('PM simulator responses', () => {
  let simulator: PmSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ invoices: 60, seed: 7 });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  test('invoices match InvoiceOutputModel', async () => {
    const response = await rawGet(simulator, '/v1/invoices?rowCount=100');

    expect(response.status).toBe(200);
    expect(response.data).toHaveLength(63);
    expect(response.data.flatMap((invoice: unknown) => openApiMismatches(invoice, 'InvoiceOutputModel'))).toEqual([]);
  });

  test('invoice fields are checked', () => {
    const invoice = { ...simulator.state.invoiceByNumber(10001)!.body, number: '10001', surplus: true };

    expect(openApiMismatches(invoice, 'InvoiceOutputModel')).toEqual([
      'InvoiceOutputModel.number: expected integer, got "10001"',
      'InvoiceOutputModel.surplus: not a property of InvoiceOutputModel',
    ]);
  });

  test('rows match InvoiceRowOutputModel', async () => {
    const rows = [];
    for (const invoice of simulator.state.allInvoices().slice(0, 20)) {
      rows.push(...(await rawGet(simulator, `/v1/invoices/${invoice.guid}/invoicerows?rowCount=100`)).data);
    }

    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.flatMap((row) => openApiMismatches(row, 'InvoiceRowOutputModel'))).toEqual([]);
  });

  test('statuses match InvoiceStatusModel', async () => {
    const response = await rawGet(simulator, '/v1/invoicestatuses');

    expect(response.data).toHaveLength(5);
    expect(response.data.flatMap((status: unknown) => openApiMismatches(status, 'InvoiceStatusModel'))).toEqual([]);
  });

  test('customer matches CustomerModel', async () => {
    const customer = simulator.state.customers[0];

    const response = await rawGet(simulator, `/v1/customers/${customer.guid}`);

    expect(response.data.number).toBe(10001);
    expect(openApiMismatches(response.data, 'CustomerModel')).toEqual([]);
  });

  test('token matches PublicAuthenticationOutputModel', async () => {
    const response = await axios.post(
      `${simulator.url}/v1/token`,
      { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET, scope: 'invoices:read' },
      { headers: { Client_Id: TEST_CLIENT_ID } },
    );

    expect(response.data.access_token_type).toBe('Bearer');
    expect(openApiMismatches(response.data, 'PublicAuthenticationOutputModel')).toEqual([]);
  });

  test('errors match ExceptionModel', async () => {
    const response = await rawGet(simulator, '/v1/invoices/no-such-invoice');

    expect(response.status).toBe(404);
    expect(openApiMismatches(response.data, 'ExceptionModel')).toEqual([]);
  });

  test('missing Client_Id is rejected', async () => {
    const response = await axios.post(
      `${simulator.url}/v1/token`,
      { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET },
      { validateStatus: () => true },
    );

    expect(response.status).toBe(401);
    expect(response.data.error.type).toBe('AuthenticationRequired');
    expect(response.data.error.details[0].location).toEqual({ type: 'RequestHeader', name: 'Client_Id' });
  });

  test('missing bearer token is rejected', async () => {
    const response = await axios.get(`${simulator.url}/v1/invoices`, {
      headers: { Client_Id: TEST_CLIENT_ID },
      validateStatus: () => true,
    });

    expect(response.status).toBe(401);
    expect(response.data.error.type).toBe('AuthenticationRequired');
  });

  test('rowCount above 100 is rejected', async () => {
    const response = await rawGet(simulator, '/v1/invoices?rowCount=101');

    expect(response.status).toBe(400);
    expect(response.data.error.type).toBe('InvalidParameter');
  });

  test('admin route adds invoices', async () => {
    const before = simulator.state.allInvoices().length;

    const response = await axios.post(`${simulator.url}/_simulator/invoices`, { count: 2 });

    expect(response.status).toBe(201);
    expect(response.data).toHaveLength(2);
    expect(simulator.state.allInvoices()).toHaveLength(before + 2);
    expect(response.data.flatMap((invoice: unknown) => openApiMismatches(invoice, 'InvoiceOutputModel'))).toEqual([]);
  });
});
