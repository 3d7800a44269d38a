import axios from 'axios';
import type { PmSimulator, SimulatedInvoice } from '../../src/sandbox/pm-simulator';
import { seedOrganisation } from '../../src/sandbox/pm-simulator/seed';
import { openApiMismatches } from '../harness/openapi-models';
import { rawGet, startTestSimulator, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../harness/pm-simulator';

type Row = { code: string[]; quantity: number; unitPrice: { amount: number }; description: string };

/** Lines that describe how the credit notes among `invoices` break the rule "one credit note per invoice". */
function creditNoteProblems(invoices: SimulatedInvoice[]): string[] {
  const byGuid = new Map(invoices.map((invoice) => [invoice.guid, invoice]));
  const creditedBy = new Map<string, number>();
  const problems: string[] = [];
  for (const creditNote of invoices.filter((invoice) => invoice.body.isCreditNote === true)) {
    const label = `credit note ${String(creditNote.body.number)}`;
    const link = creditNote.body.creditNoteInvoice as { guid: string; number: number } | undefined;
    const credited = link ? byGuid.get(link.guid) : undefined;
    if (!link || !credited) {
      problems.push(`${label}: creditNoteInvoice ${JSON.stringify(link)} is not an invoice`);
      continue;
    }
    if (creditedBy.has(link.guid)) problems.push(`${label}: credits ${link.number} again`);
    creditedBy.set(link.guid, creditNote.body.number as number);
    if (link.number !== credited.body.number) problems.push(`${label}: link number ${link.number} is wrong`);
    if (credited.body.isCreditNote !== false) problems.push(`${label}: credits credit note ${link.number}`);
    if ((credited.body.number as number) >= (creditNote.body.number as number)) {
      problems.push(`${label}: credits later invoice ${link.number}`);
    }
    if (JSON.stringify(credited.body.customer) !== JSON.stringify(creditNote.body.customer)) {
      problems.push(`${label}: customer differs from invoice ${link.number}`);
    }
    const available = (credited.rows as unknown as Row[]).map((row) =>
      JSON.stringify([row.code, -row.quantity, row.unitPrice.amount, row.description]),
    );
    for (const row of creditNote.rows as unknown as Row[]) {
      const key = JSON.stringify([row.code, row.quantity, row.unitPrice.amount, row.description]);
      const index = available.indexOf(key);
      if (index === -1) problems.push(`${label}: row ${key} is not an open row of invoice ${link.number}`);
      else available.splice(index, 1);
    }
  }
  return problems;
}

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

  test('credit notes credit distinct invoices', () => {
    const served = simulator.state.allInvoices();
    const largest = seedOrganisation({ seed: 1, invoices: 2500 }).invoices;
    const creditNotes = largest.filter((invoice) => invoice.body.isCreditNote === true);

    expect(creditNoteProblems(served)).toEqual([]);
    expect(creditNoteProblems(seedOrganisation({ seed: 7, invoices: 50 }).invoices)).toEqual([]);
    expect(creditNoteProblems(seedOrganisation({ seed: 11, invoices: 250 }).invoices)).toEqual([]);
    expect(creditNoteProblems(largest)).toEqual([]);
    expect(creditNotes).toHaveLength(200);
  });

  test('credit note links match RelatedInvoiceSubModel', async () => {
    const creditNote = simulator.state.allInvoices().find((invoice) => invoice.body.isCreditNote === true)!;

    const response = await rawGet(simulator, `/v1/invoices/${creditNote.guid}`);

    expect(response.data.creditNoteInvoice).toEqual({ guid: expect.any(String), number: expect.any(Number) });
    expect(response.data.creditNoteInvoice.number).toBeLessThan(response.data.number);
    expect(openApiMismatches(response.data, 'InvoiceOutputModel')).toEqual([]);
  });
});
