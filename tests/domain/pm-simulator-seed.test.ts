import { SEED_CUSTOMERS, SEED_PRODUCTS } from '../../src/sandbox/seed-catalogue';
import { seedOrganisation } from '../../src/sandbox/pm-simulator/seed';
import type { SimulatedInvoice } from '../../src/sandbox/pm-simulator/records';

type Money = { amount: number; currencyCode: string };
type Row = { quantity: number; unitPrice: Money; vatRate: number; code: string[] };

/** Cents of a JSON number with at most two decimals, exactly. */
function cents(value: number): bigint {
  const [whole, fraction = ''] = Math.abs(value).toFixed(2).split('.');
  const magnitude = BigInt(whole) * 100n + BigInt(fraction);
  return value < 0 ? -magnitude : magnitude;
}

/** Rounds numerator / denominator half away from zero. */
function roundHalfAway(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude + denominator / 2n) / denominator;
  return negative ? -rounded : rounded;
}

/** Totals recomputed from the rows: row amounts rounded to cents, VAT per rate rounded half away from zero. */
function recomputedTotals(invoice: SimulatedInvoice) {
  const netByRate = new Map<number, bigint>();
  for (const row of invoice.rows as unknown as Row[]) {
    const net = roundHalfAway(cents(row.quantity) * cents(row.unitPrice.amount), 100n);
    netByRate.set(row.vatRate, (netByRate.get(row.vatRate) ?? 0n) + net);
  }
  let net = 0n;
  let tax = 0n;
  for (const [rate, rateNet] of netByRate) {
    net += rateNet;
    tax += roundHalfAway(rateNet * BigInt(Math.round(rate * 100)), 10_000n);
  }
  return { net, tax, gross: net + tax };
}

/** True when the KID's last digit is the MOD10 (Luhn) check digit of the rest. */
function hasValidMod10(kid: string): boolean {
  let sum = 0;
  for (let i = 0; i < kid.length; i++) {
    let digit = Number(kid[kid.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

describe('PM simulator seed', () => {
  const organisation = seedOrganisation({ seed: 7, invoices: 50 });
  const issued = organisation.invoices.filter((invoice) => invoice.body.number != null);

  test('same seed gives same data', () => {
    const again = seedOrganisation({ seed: 7, invoices: 50 });

    expect(again.invoices).toEqual(organisation.invoices);
    expect(again.statuses).toEqual(organisation.statuses);
    expect(again.customers).toEqual(organisation.customers);
  });

  test('other seed gives other data', () => {
    const other = seedOrganisation({ seed: 8, invoices: 50 });

    expect(other.invoices[0].guid).not.toBe(organisation.invoices[0].guid);
    expect(other.invoices.map((invoice) => invoice.body.totalIncludingTax)).not.toEqual(
      organisation.invoices.map((invoice) => invoice.body.totalIncludingTax),
    );
  });

  test('issues numbered invoices from 10001', () => {
    expect(issued.map((invoice) => invoice.body.number)).toEqual(Array.from({ length: 50 }, (_, i) => 10001 + i));
    expect(organisation.invoices).toHaveLength(53);
  });

  test('totals equal sum of rows', () => {
    for (const invoice of organisation.invoices) {
      const totals = recomputedTotals(invoice);
      const label = `invoice ${String(invoice.body.number)}`;
      expect([label, cents((invoice.body.totalExcludingTax as Money).amount)]).toEqual([label, totals.net]);
      expect([label, cents((invoice.body.totalTax as Money).amount)]).toEqual([label, totals.tax]);
      expect([label, cents((invoice.body.totalIncludingTax as Money).amount)]).toEqual([label, totals.gross]);
    }
  });

  test('KIDs follow PM layout', () => {
    for (const invoice of issued) {
      const kid = invoice.body.referenceNumber as string;
      const customer = invoice.body.customer as { number: number };
      expect(kid.startsWith(`${invoice.body.number}${customer.number}`)).toBe(true);
      expect(kid).toHaveLength(`${invoice.body.number}${customer.number}`.length + 1);
      expect([kid, hasValidMod10(kid)]).toEqual([kid, true]);
    }
  });

  test('rows cover four VAT rates', () => {
    const rates = new Set(issued.flatMap((invoice) => (invoice.rows as unknown as Row[]).map((row) => row.vatRate)));

    expect([...rates].sort((a, b) => a - b)).toEqual([0, 12, 15, 25]);
  });

  test('credit notes are negative', () => {
    const creditNotes = issued.filter((invoice) => invoice.body.isCreditNote === true);

    expect(creditNotes.length).toBeGreaterThanOrEqual(2);
    for (const creditNote of creditNotes) {
      expect((creditNote.body.totalIncludingTax as Money).amount).toBeLessThan(0);
      expect((creditNote.rows as unknown as Row[]).every((row) => row.quantity < 0)).toBe(true);
      expect(creditNote.body.notes).toMatch(/^Kreditnota for faktura 100\d\d$/);
    }
  });

  test('EUR invoices carry rate', () => {
    const eur = issued.filter((invoice) => (invoice.body.currency as { code: string }).code === 'EUR');

    expect(eur.length).toBeGreaterThanOrEqual(2);
    for (const invoice of eur) {
      expect(invoice.body.currencyRate).toBeGreaterThan(11);
      expect(invoice.body.currencyRate).toBeLessThan(12);
      expect((invoice.body.totalIncludingTax as Money).currencyCode).toBe('EUR');
      expect((invoice.rows as unknown as Row[]).every((row) => row.unitPrice.currencyCode === 'EUR')).toBe(true);
    }
  });

  test('PM-only customer at most once', () => {
    const pmOnly = (invoices: SimulatedInvoice[]) =>
      invoices.filter((invoice) => (invoice.body.customer as { number: number }).number === 10099).length;

    expect(pmOnly(organisation.invoices)).toBe(1);
    expect(pmOnly(seedOrganisation({ seed: 3, invoices: 250 }).invoices)).toBe(1);
    expect(pmOnly(seedOrganisation({ seed: 3, invoices: 5 }).invoices)).toBe(0);
  });

  test('uses catalogue customers and products', () => {
    const customerNumbers = new Set(SEED_CUSTOMERS.map((customer) => Number(customer.customerNumber)));
    const productCodes = new Set(SEED_PRODUCTS.map((product) => product.code));

    for (const invoice of organisation.invoices) {
      expect(customerNumbers.has((invoice.body.customer as { number: number }).number)).toBe(true);
      for (const row of invoice.rows as unknown as Row[]) expect(productCodes.has(row.code[0])).toBe(true);
    }
  });

  test('unissued invoices lack number and KID', () => {
    const unissued = organisation.invoices.filter((invoice) => invoice.body.number == null);
    const flags = unissued.map((invoice) => invoice.body.status as { isSent: boolean });

    expect(unissued).toHaveLength(3);
    expect(unissued.every((invoice) => invoice.body.referenceNumber === null)).toBe(true);
    expect(flags.every((status) => status.isSent === false)).toBe(true);
  });
});
