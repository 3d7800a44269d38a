import { toInvoiceForMapping } from '../../src/project-management/invoice-conversion';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { clientOf, startTestSimulator } from '../harness/pm-simulator';

describe('PM client invoices', () => {
  let simulator: PmSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ invoices: 250, seed: 11 });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  const invoiceListRequests = () => simulator.state.requests.filter((request) => request.path === '/v1/invoices');

  test('lists 250 invoices in three pages', async () => {
    const { client } = clientOf(simulator);
    const before = invoiceListRequests().length;

    const invoices = await client.listIssuedInvoicesChangedSince(null);

    const numbers = invoices.map((invoice) => invoice.number);
    expect(invoices).toHaveLength(250);
    expect(new Set(numbers).size).toBe(250);
    expect(Math.min(...(numbers as number[]))).toBe(10001);
    expect(Math.max(...(numbers as number[]))).toBe(10250);

    const pages = invoiceListRequests().slice(before);
    expect(pages).toHaveLength(3);
    expect(pages.map((page) => page.query.rowCount)).toEqual([['100'], ['100'], ['100']]);
    expect(pages[0].query.pageToken).toBeUndefined();
    expect(pages[1].query.pageToken).toHaveLength(1);
    expect(pages[2].query.pageToken).toHaveLength(1);
  });

  test('list filters by issued statuses', async () => {
    const { client } = clientOf(simulator);
    const before = invoiceListRequests().length;

    const invoices = await client.listIssuedInvoicesChangedSince(null);

    const issued = simulator.state.statuses.filter(
      (status) => status.isSent || status.isWaitingPayment || status.isPaid,
    );
    const [firstPage] = invoiceListRequests().slice(before);
    expect(issued).toHaveLength(3);
    expect([...(firstPage.query.invoiceStatusGuids ?? [])].sort()).toEqual(issued.map((s) => s.guid).sort());
    expect(invoices.every((invoice) => invoice.number != null)).toBe(true);
    expect(simulator.state.allInvoices().filter((invoice) => invoice.body.number == null)).toHaveLength(3);
  });

  test('changedSince limits the listing', async () => {
    const { client } = clientOf(simulator);
    const pivot = simulator.state.invoiceByNumber(10200)?.body.lastUpdatedDateTime as string;

    const invoices = await client.listIssuedInvoicesChangedSince(pivot);

    const expected = simulator.state
      .allInvoices()
      .filter((invoice) => invoice.body.number != null)
      .filter((invoice) => Date.parse(invoice.body.lastUpdatedDateTime as string) >= Date.parse(pivot));
    expect(invoices.length).toBe(expected.length);
    expect(invoices.length).toBeLessThan(250);
    expect(invoices.map((invoice) => invoice.number)).toContain(10200);
    expect(invoices.every((invoice) => Date.parse(invoice.lastUpdatedDateTime as string) >= Date.parse(pivot))).toBe(
      true,
    );
  });

  test('added invoice appears as changed', async () => {
    const { client } = clientOf(simulator);
    const since = new Date().toISOString();

    const added = simulator.state.addInvoice({
      customerNumber: '10007',
      rows: [{ productCode: 'KONS-SENIOR', quantity: '7.5' }],
    });
    const invoices = await client.listIssuedInvoicesChangedSince(since);

    expect(invoices.map((invoice) => invoice.guid)).toEqual([added.guid]);
    expect(invoices[0].number).toBe(10251);
  });

  test('reads invoice, rows and customer', async () => {
    const { client } = clientOf(simulator);
    const stored = simulator.state.invoiceByNumber(10010)!;

    const invoice = await client.getInvoice(stored.guid);
    const rows = await client.getInvoiceRows(stored.guid);
    const customer = await client.getCustomer(invoice.customer!.guid!);

    expect(invoice.number).toBe(10010);
    expect(invoice.referenceNumber).toBe(stored.body.referenceNumber);
    expect(rows).toHaveLength(stored.rows.length);
    expect(rows.map((row) => row.guid)).toEqual(stored.rows.map((row) => row.guid));
    expect(customer.number).toBe(invoice.customer!.number);
    expect(customer.name).toBe(invoice.customer!.name);
  });

  test('rows follow page tokens', async () => {
    const { client } = clientOf(simulator);
    const added = simulator.state.addInvoice({
      customerNumber: '10012',
      rows: Array.from({ length: 130 }, (_, index) => ({ productCode: 'REISE-TOG', quantity: String(index + 1) })),
    });
    const before = simulator.state.requests.length;

    const rows = await client.getInvoiceRows(added.guid);

    const rowRequests = simulator.state.requests
      .slice(before)
      .filter((request) => request.path.endsWith('/invoicerows'));
    expect(rows).toHaveLength(130);
    expect(rows.map((row) => row.sortOrder)).toEqual(Array.from({ length: 130 }, (_, index) => index + 1));
    expect(rowRequests).toHaveLength(2);
  });

  test('statuses carry their flags', async () => {
    const { client } = clientOf(simulator);

    const statuses = await client.getInvoiceStatuses();
    const issuedGuids = await client.getIssuedStatusGuids();

    expect(statuses).toHaveLength(5);
    const byName = Object.fromEntries(statuses.map((status) => [status.name, status]));
    expect(byName['Sendt'].isSent).toBe(true);
    expect(byName['Venter på betaling'].isWaitingPayment).toBe(true);
    expect(byName['Betalt'].isPaid).toBe(true);
    expect(byName['Utkast'].isSent).toBe(false);
    expect(issuedGuids).toHaveLength(3);
    expect(issuedGuids).not.toContain(byName['Utkast'].guid);
  });

  test('finds invoice by number', async () => {
    const { client } = clientOf(simulator);

    const found = await client.findInvoicesByNumber(10042);
    const missing = await client.findInvoicesByNumber(99999);

    expect(found.map((invoice) => invoice.number)).toEqual([10042]);
    expect(missing).toEqual([]);
  });

  test('converts credit note and EUR invoice', async () => {
    const { client } = clientOf(simulator);
    const stored = simulator.state.allInvoices();
    const creditNote = stored.find((invoice) => invoice.body.isCreditNote === true)!;
    const eur = stored.find((invoice) => (invoice.body.currency as { code: string }).code === 'EUR')!;

    const creditInput = toInvoiceForMapping(
      'sandbox',
      await client.getInvoice(creditNote.guid),
      await client.getInvoiceRows(creditNote.guid),
    );
    const eurInput = toInvoiceForMapping(
      'sandbox',
      await client.getInvoice(eur.guid),
      await client.getInvoiceRows(eur.guid),
    );

    expect(creditInput.isCreditNote).toBe(true);
    expect(creditInput.totalIncludingTax.startsWith('-')).toBe(true);
    expect(creditInput.rows.every((row) => row.quantity.startsWith('-'))).toBe(true);
    expect(eurInput.currencyCode).toBe('EUR');
    expect(Number(eurInput.currencyRate)).toBeGreaterThan(11);
    expect(eurInput.kid).toBe(eur.body.referenceNumber);
  });
});
