import { SEED_CUSTOMERS } from '../seed-catalogue';
import { SimulatorInputError } from './input-errors';
import { addDays, buildInvoice, type InvoiceDraft, type InvoiceRowDraft } from './invoice-builder';
import { SeededRandom } from './random';
import type { SimulatedCustomer, SimulatedInvoice, SimulatedStatus } from './records';

/** Number of the first invoice the simulator issues. */
export const FIRST_INVOICE_NUMBER = 10001;
/** Date of the first seeded invoice; later ones follow on working days. */
export const DEFAULT_FIRST_INVOICE_DATE = '2025-09-01';
/** Customer that exists in PM only, so that the import must hold its invoice; it gets at most one seeded invoice. */
export const PM_ONLY_CUSTOMER_NUMBER = '10099';
/** Maximum number of issued invoices one organisation is seeded with. */
export const MAX_SEEDED_INVOICES = 100_000;
/** Unissued invoices (without a number) seeded besides the issued ones, so that listings must filter them out. */
const UNISSUED_INVOICE_COUNT = 3;
/** Time of day, in UTC, at which seeded invoices were last changed. */
const SEEDED_CHANGE_TIME = 'T14:00:00Z';

/** The invoice statuses of the simulated organisation, with Norwegian names; the import reads only the flags. */
const STATUS_DEFINITIONS = [
  { key: 'draft', name: 'Utkast', isDefault: true, hasInvoiceNumber: false, flags: [] },
  { key: 'approved', name: 'Godkjent', isDefault: false, hasInvoiceNumber: false, flags: [] },
  { key: 'sent', name: 'Sendt', isDefault: false, hasInvoiceNumber: true, flags: ['isSent'] },
  {
    key: 'waiting',
    name: 'Venter på betaling',
    isDefault: false,
    hasInvoiceNumber: true,
    flags: ['isSent', 'isWaitingPayment'],
  },
  { key: 'paid', name: 'Betalt', isDefault: false, hasInvoiceNumber: true, flags: ['isSent', 'isPaid'] },
] as const;

/** Keys of the simulated statuses. */
export type StatusKey = (typeof STATUS_DEFINITIONS)[number]['key'];

/** Products and weights of generated invoice rows: consulting hours most often, courses least. */
const PRODUCT_WEIGHTS: [string, number][] = [
  ['KONS-SENIOR', 5],
  ['KONS-JUNIOR', 5],
  ['PROSJLED', 3],
  ['LIS-AR', 1],
  ['LIS-MND', 2],
  ['KURS-LUNSJ', 1],
  ['REISE-FLY', 2],
  ['REISE-TOG', 2],
  ['KURS-DAG', 1],
  ['DIV-UTLEGG', 1],
];

/** Kind of a generated issued invoice. */
type InvoiceKind = 'standard' | 'all-vat-rates' | 'eur' | 'credit-note' | 'pm-only-customer';

/** Everything the simulator serves, generated from one seed. */
export interface SeededOrganisation {
  statuses: SimulatedStatus[];
  statusByKey: Record<StatusKey, SimulatedStatus>;
  customers: SimulatedCustomer[];
  invoices: SimulatedInvoice[];
  generator: InvoiceGenerator;
}

/** Options of {@link seedOrganisation}. */
export interface SeedOptions {
  seed: number;
  /** Number of issued invoices. */
  invoices: number;
  /** @default {@link DEFAULT_FIRST_INVOICE_DATE} */
  firstInvoiceDate?: string;
}

/**
 * Generates the organisation deterministically from the seed: statuses and customers first, so their GUIDs do not
 * depend on the invoice count, then the issued invoices in the status Sendt, then a few unissued ones.
 * Among the issued invoices, the first has rows at all four VAT rates, about 5 % are in EUR and about 8 % are
 * credit notes. With ten or more invoices, one is for the customer that exists in PM only.
 */
export function seedOrganisation(options: SeedOptions): SeededOrganisation {
  if (!Number.isInteger(options.invoices) || options.invoices < 0 || options.invoices > MAX_SEEDED_INVOICES) {
    throw new SimulatorInputError('invoices', options.invoices, `an integer from 0 to ${MAX_SEEDED_INVOICES}`);
  }
  const random = new SeededRandom(options.seed);
  const firstDate = options.firstInvoiceDate ?? DEFAULT_FIRST_INVOICE_DATE;
  const createdAt = `${addDays(firstDate, -365)}T08:00:00Z`;

  const statuses = STATUS_DEFINITIONS.map((definition, index): SimulatedStatus => ({
    guid: random.guid(),
    name: definition.name,
    isActive: true,
    isDefault: definition.isDefault,
    isDefaultForCreditNote: false,
    isReadOnly: false,
    hasInvoiceNumber: definition.hasInvoiceNumber,
    isSent: (definition.flags as readonly string[]).includes('isSent'),
    isWaitingPayment: (definition.flags as readonly string[]).includes('isWaitingPayment'),
    isPaid: (definition.flags as readonly string[]).includes('isPaid'),
    sortOrder: index + 1,
    createdDateTime: createdAt,
    lastUpdatedDateTime: createdAt,
  }));
  const statusByKey = Object.fromEntries(STATUS_DEFINITIONS.map((d, i) => [d.key, statuses[i]])) as Record<
    StatusKey,
    SimulatedStatus
  >;

  const customers = SEED_CUSTOMERS.map((customer): SimulatedCustomer => ({
    guid: random.guid(),
    name: customer.name,
    number: Number(customer.customerNumber),
    isActive: true,
    isInternal: false,
    paymentTerm: Number(customer.customerNumber) % 4 === 0 ? 30 : 14,
    email: `faktura${customer.customerNumber}@example.no`,
    createdDateTime: createdAt,
    lastUpdatedDateTime: createdAt,
  }));

  const generator = new InvoiceGenerator(random, customers, statusByKey, firstDate);
  const kinds = planInvoiceKinds(random, options.invoices);
  const invoices = kinds.map((kind) => generator.generateSeeded(kind));
  for (let i = 0; i < UNISSUED_INVOICE_COUNT; i++) {
    invoices.push(generator.generateUnissued(i === 0 ? 'approved' : 'draft'));
  }
  return { statuses, statusByKey, customers, invoices, generator };
}

/** Chooses deterministically which of the seeded invoices are of a special kind. */
function planInvoiceKinds(random: SeededRandom, count: number): InvoiceKind[] {
  const kinds: InvoiceKind[] = Array.from({ length: count }, () => 'standard');
  if (count > 0) kinds[0] = 'all-vat-rates';

  // Credit notes need an earlier invoice to credit, so special kinds start at the third invoice.
  const slots = random.shuffle(Array.from({ length: Math.max(0, count - 2) }, (_, i) => i + 2));
  const take = (kind: InvoiceKind, amount: number) => {
    for (const slot of slots.splice(0, amount)) kinds[slot] = kind;
  };
  if (count >= 10) take('pm-only-customer', 1);
  if (count >= 5) take('credit-note', Math.max(1, Math.round(count * 0.08)));
  if (count >= 5) take('eur', Math.max(1, Math.round(count * 0.05)));
  return kinds;
}

/** Generates invoices for the seed and, while the simulator runs, on request. */
export class InvoiceGenerator {
  private nextNumber = FIRST_INVOICE_NUMBER;
  private nextSeededDate: string;
  /** Issued invoices that a credit note may credit, in the order they were issued. */
  private readonly creditable: SimulatedInvoice[] = [];
  /** GUIDs of the invoices that a credit note already credits; each invoice is credited at most once. */
  private readonly credited = new Set<string>();

  constructor(
    private readonly random: SeededRandom,
    private readonly customers: SimulatedCustomer[],
    private readonly statuses: Record<StatusKey, SimulatedStatus>,
    firstInvoiceDate: string,
  ) {
    this.nextSeededDate = firstInvoiceDate;
  }

  /** Generates a seeded issued invoice, dated on the next working day in turn. */
  generateSeeded(kind: InvoiceKind): SimulatedInvoice {
    const date = this.nextSeededDate;
    this.nextSeededDate = this.random.chance(0.6) ? date : nextWorkingDay(date);
    const number = this.nextNumber;
    const timestamp = new Date(Date.parse(`${date}${SEEDED_CHANGE_TIME}`) + (number % 3600) * 1000).toISOString();
    return this.generate(kind, date, timestamp);
  }

  /** Generates an issued invoice dated today and changed now, for invoices added while the simulator runs. */
  generateNow(now: Date): SimulatedInvoice {
    const kind: InvoiceKind = this.random.chance(0.08) ? 'credit-note' : this.random.chance(0.05) ? 'eur' : 'standard';
    return this.generate(kind, now.toISOString().slice(0, 10), now.toISOString());
  }

  /** Issues an invoice of a kind; a credit note becomes a standard invoice when every invoice is credited. */
  private generate(kind: InvoiceKind, date: string, timestamp: string): SimulatedInvoice {
    if (kind === 'credit-note') {
      const creditNote = this.issueCreditNote(date, timestamp);
      if (creditNote) return creditNote;
    }
    return this.issue(this.randomDraft(kind, date), timestamp);
  }

  /** Issues an invoice from a draft with the next invoice number, in the status Sendt. */
  issue(draft: InvoiceDraft, timestamp: string): SimulatedInvoice {
    const invoice = buildInvoice(draft, {
      random: this.random,
      number: this.nextNumber,
      status: this.statuses.sent,
      customer: this.customer(draft.customerNumber),
      timestamp,
    });
    this.nextNumber += 1;
    if (!draft.isCreditNote && draft.customerNumber !== PM_ONLY_CUSTOMER_NUMBER) this.creditable.push(invoice);
    return invoice;
  }

  /** Issues a credit note of part of an earlier invoice that no credit note credits yet, and links the two. */
  private issueCreditNote(date: string, timestamp: string): SimulatedInvoice | null {
    const credited = this.pickUncredited();
    if (!credited) return null;
    const creditNote = this.issue(this.creditNoteDraft(credited, date), timestamp);
    this.credited.add(credited.guid);
    // RelatedInvoiceSubModel: the invoice that this credit note credits.
    creditNote.body.creditNoteInvoice = { guid: credited.guid, number: credited.body.number };
    return creditNote;
  }

  /**
   * Draws an invoice to credit. When the drawn one is credited already, the next uncredited one after it is taken
   * instead of drawing again, so that the random stream, and with it every later invoice, stays as it was.
   */
  private pickUncredited(): SimulatedInvoice | null {
    if (this.credited.size >= this.creditable.length) return null;
    const drawn = Math.floor(this.random.next() * this.creditable.length);
    for (let step = 0; step < this.creditable.length; step++) {
      const candidate = this.creditable[(drawn + step) % this.creditable.length];
      if (!this.credited.has(candidate.guid)) return candidate;
    }
    return null;
  }

  /** Generates an invoice that is not issued yet: no number, no KID, a status without flags. */
  generateUnissued(status: 'draft' | 'approved'): SimulatedInvoice {
    const date = nextWorkingDay(this.nextSeededDate);
    const draft = this.randomDraft('standard', date);
    return buildInvoice(draft, {
      random: this.random,
      number: null,
      status: this.statuses[status],
      customer: this.customer(draft.customerNumber),
      timestamp: `${date}${SEEDED_CHANGE_TIME}`,
    });
  }

  /** Returns a customer of the simulated organisation by number. */
  customer(customerNumber: string): SimulatedCustomer {
    const customer = this.customers.find((candidate) => String(candidate.number) === customerNumber);
    if (!customer)
      throw new SimulatorInputError('customerNumber', customerNumber, 'a customer of the sandbox catalogue');
    return customer;
  }

  private randomDraft(kind: InvoiceKind, date: string): InvoiceDraft {
    const customerNumber =
      kind === 'pm-only-customer'
        ? PM_ONLY_CUSTOMER_NUMBER
        : String(this.random.pick(this.customers.filter((c) => String(c.number) !== PM_ONLY_CUSTOMER_NUMBER)).number);
    const codes =
      kind === 'all-vat-rates'
        ? ['KURS-DAG', 'KURS-LUNSJ', 'REISE-FLY', 'KONS-SENIOR']
        : this.randomProductCodes(this.random.integer(1, 4));
    const rows = codes.map((productCode): InvoiceRowDraft => ({
      productCode,
      quantity: this.randomQuantity(productCode),
    }));

    if (kind === 'eur') {
      const rate = (this.random.integer(112_000, 119_000) / 10_000).toFixed(4);
      return { customerNumber, rows, date, currencyCode: 'EUR', currencyRate: rate };
    }
    return { customerNumber, rows, date };
  }

  /** Builds the draft of a credit note of some rows of an earlier invoice, in its currency and for its customer. */
  private creditNoteDraft(credited: SimulatedInvoice, date: string): InvoiceDraft {
    const body = credited.body as {
      number: number;
      customer: { number: number };
      currency: { code: string };
      currencyRate: number;
    };
    const rows = this.random.shuffle(credited.rows).slice(0, this.random.integer(1, credited.rows.length));
    rows.sort((a, b) => (a.sortOrder as number) - (b.sortOrder as number));
    return {
      customerNumber: String(body.customer.number),
      isCreditNote: true,
      currencyCode: body.currency.code,
      currencyRate: String(body.currencyRate),
      date,
      notes: `Kreditnota for faktura ${body.number}`,
      rows: rows.map((row) => ({
        productCode: (row.code as string[])[0],
        quantity: String(-(row.quantity as number)),
        unitPrice: String((row.unitPrice as { amount: number }).amount),
        description: row.description as string,
      })),
    };
  }

  private randomProductCodes(count: number): string[] {
    const pool = PRODUCT_WEIGHTS.flatMap(([code, weight]) => Array.from({ length: weight }, () => code));
    const codes: string[] = [];
    while (codes.length < count) {
      const code = this.random.pick(pool);
      if (!codes.includes(code)) codes.push(code);
    }
    return codes;
  }

  private randomQuantity(productCode: string): string {
    switch (productCode) {
      case 'KONS-SENIOR':
      case 'KONS-JUNIOR':
      case 'PROSJLED':
        return (this.random.integer(1, 120) / 2).toFixed(1);
      case 'LIS-MND':
        return String(this.random.integer(1, 12));
      case 'KURS-LUNSJ':
        return String(this.random.integer(5, 25));
      case 'DIV-UTLEGG':
        return String(this.random.integer(1, 15));
      default:
        return String(this.random.integer(1, 3));
    }
  }
}

function nextWorkingDay(date: string): string {
  let next = addDays(date, 1);
  while ([0, 6].includes(new Date(`${next}T00:00:00Z`).getUTCDay())) next = addDays(next, 1);
  return next;
}
