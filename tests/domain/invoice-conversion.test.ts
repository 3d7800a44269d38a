import type { PmInvoice, PmInvoiceRow } from '../../src/project-management/invoice-schemas';
import { InvalidInvoiceError, toInvoiceForMapping } from '../../src/project-management/invoice-conversion';

/** A NOK invoice of one row, 1 × 1000.00 at 25 %, as PM returns it. */
function pmInvoice(currencyCode: string | null = 'NOK'): PmInvoice {
  const money = (amount: number) => ({ amount, currencyCode });
  return {
    guid: 'b7c1f7de-3c47-4bbf-9d7e-1a5a0c2f1d23',
    number: 10023,
    date: '2025-03-03',
    dueDate: '2025-03-17',
    isCreditNote: false,
    referenceNumber: '10023100018',
    currency: currencyCode === null ? null : { guid: 'c1', code: currencyCode },
    currencyRate: currencyCode === 'EUR' ? 11.4523 : 1,
    customer: { guid: 'k1', name: 'Fjordkraft Rådgivning AS', number: 10001 },
    totalExcludingTax: money(1000),
    totalTax: money(250),
    totalIncludingTax: money(1250),
  };
}

function pmRows(currencyCode: string | null = 'NOK'): PmInvoiceRow[] {
  return [
    {
      guid: 'r1',
      code: ['KONS-SENIOR'],
      quantity: 1,
      unitPrice: { amount: 1000, currencyCode },
      vatRate: 25,
      sortOrder: 1,
    },
  ];
}

function conversionError(invoice: PmInvoice, rows: PmInvoiceRow[]): InvalidInvoiceError {
  try {
    toInvoiceForMapping('fjelltopp', invoice, rows);
  } catch (error) {
    if (error instanceof InvalidInvoiceError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInvoiceError');
}

describe('toInvoiceForMapping accepts', () => {
  test('NOK invoice', () => {
    const input = toInvoiceForMapping('fjelltopp', pmInvoice(), pmRows());

    expect(input.currencyCode).toBe('NOK');
    expect(input.invoiceDate).toBe('2025-03-03');
    expect(input.dueDate).toBe('2025-03-17');
  });

  test('missing currency with NOK amounts', () => {
    const input = toInvoiceForMapping('fjelltopp', pmInvoice(null), pmRows('NOK'));

    expect(input.currencyCode).toBe('NOK');
  });

  test('missing currency, amounts without code', () => {
    const invoice = { ...pmInvoice(null), totalTax: { amount: 250 } };
    const input = toInvoiceForMapping('fjelltopp', invoice, pmRows(null));

    expect(input.currencyCode).toBe('NOK');
  });

  test('EUR invoice with its rate', () => {
    const input = toInvoiceForMapping('fjelltopp', pmInvoice('EUR'), pmRows('EUR'));

    expect(input.currencyCode).toBe('EUR');
    expect(input.currencyRate).toBe('11.4523');
  });

  test('leap day and same-day due date', () => {
    const input = toInvoiceForMapping(
      'fjelltopp',
      { ...pmInvoice(), date: '2024-02-29', dueDate: '2024-02-29T23:30:00' },
      pmRows(),
    );

    expect(input.invoiceDate).toBe('2024-02-29');
    expect(input.dueDate).toBe('2024-02-29');
  });
});

describe('toInvoiceForMapping rejects', () => {
  test.each<[string, Partial<PmInvoice>, string, unknown]>([
    ['February 30', { date: '2025-02-30' }, 'date', '2025-02-30'],
    ['month 13, day 45', { date: '2025-13-45' }, 'date', '2025-13-45'],
    ['February 29 of 2025', { dueDate: '2025-02-29' }, 'dueDate', '2025-02-29'],
    ['impossible date-time', { dueDate: '2025-04-31T10:00:00Z' }, 'dueDate', '2025-04-31T10:00:00Z'],
    ['impossible local date-time', { date: '2025-06-31T08:00:00' }, 'date', '2025-06-31T08:00:00'],
    ['due date before date', { dueDate: '2025-03-02' }, 'dueDate', '2025-03-02'],
    ['customer number 0', { customer: { name: 'Fjordkraft', number: 0 } }, 'customer.number', 0],
    ['negative customer number', { customer: { name: 'Fjordkraft', number: -10001 } }, 'customer.number', -10001],
    ['invoice number 0', { number: 0 }, 'number', 0],
    ['negative invoice number', { number: -10023 }, 'number', -10023],
  ])('%s', (_name, overrides, field, value) => {
    const error = conversionError({ ...pmInvoice(), ...overrides }, pmRows());

    expect(error).toMatchObject({ field, value });
    expect(error.message).toMatch(/^Invoice -?\d+: /);
  });

  test.each<[string, PmInvoice, PmInvoiceRow[], string, unknown]>([
    [
      'total in another currency',
      { ...pmInvoice(), totalTax: { amount: 250, currencyCode: 'EUR' } },
      pmRows(),
      'totalTax.currencyCode',
      'EUR',
    ],
    ['row price in another currency', pmInvoice('EUR'), pmRows('NOK'), 'row 1 unitPrice.currencyCode', 'NOK'],
    ['missing currency, EUR amounts', eurAmounts(pmInvoice(null)), pmRows(null), 'currency.code', undefined],
    [
      'missing currency code, EUR amounts',
      { ...pmInvoice('EUR'), currency: { guid: 'c1', code: null } },
      pmRows('EUR'),
      'currency.code',
      null,
    ],
    ['EUR rate 0', { ...pmInvoice('EUR'), currencyRate: 0 }, pmRows('EUR'), 'currencyRate', 0],
    ['EUR rate negative', { ...pmInvoice('EUR'), currencyRate: -11.45 }, pmRows('EUR'), 'currencyRate', -11.45],
    ['EUR rate infinite', { ...pmInvoice('EUR'), currencyRate: Infinity }, pmRows('EUR'), 'currencyRate', Infinity],
    ['EUR rate NaN', { ...pmInvoice('EUR'), currencyRate: NaN }, pmRows('EUR'), 'currencyRate', NaN],
  ])('%s', (_name, invoice, rows, field, value) => {
    const error = conversionError(invoice, rows);

    expect(error).toMatchObject({ invoice: '10023', field });
    expect(error.value).toEqual(value);
  });

  test('missing currency names the EUR field', () => {
    const error = conversionError(eurAmounts(pmInvoice(null)), pmRows('EUR'));

    expect(error.message).toContain('currency.code is missing, but totalExcludingTax.currencyCode is EUR');
    expect(error.message).toContain('not in NOK');
  });
});

/** The invoice with every total in EUR, whatever its `currency` field contains. */
function eurAmounts(invoice: PmInvoice): PmInvoice {
  const eur = (amount: number | null | undefined) => ({ amount: amount ?? 0, currencyCode: 'EUR' });
  return {
    ...invoice,
    totalExcludingTax: eur(invoice.totalExcludingTax?.amount),
    totalTax: eur(invoice.totalTax?.amount),
    totalIncludingTax: eur(invoice.totalIncludingTax?.amount),
  };
}
