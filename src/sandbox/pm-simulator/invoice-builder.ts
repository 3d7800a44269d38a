import { SEED_COMPANY, SEED_PRODUCTS, type SeedProduct } from '../seed-catalogue';
import { isCalendarDate } from './admin-input';
import { convertFromNok, invoiceTotals, minorToNumber, parseDecimal, rowNetMinor, RATE_SCALE } from './amounts';
import { SimulatorInputError } from './input-errors';
import { pmKid } from './kid';
import type { SeededRandom } from './random';
import {
  statusReference,
  type JsonObject,
  type SimulatedCustomer,
  type SimulatedInvoice,
  type SimulatedStatus,
} from './records';

/** One row of an invoice to create. */
export interface InvoiceRowDraft {
  /** Code of a product in the sandbox catalogue. */
  productCode: string;
  /** Decimal string with at most two decimals; negative on a credit note. */
  quantity: string;
  /** Unit price in the invoice currency; the catalogue's NOK price, converted for other currencies, when absent. */
  unitPrice?: string;
  /** Row text; the product name when absent. */
  description?: string;
}

/** An invoice to create in the simulator. */
export interface InvoiceDraft {
  /** Number of a customer in the sandbox catalogue. */
  customerNumber: string;
  rows: InvoiceRowDraft[];
  isCreditNote?: boolean;
  /** `NOK` or `EUR`. @default NOK */
  currencyCode?: string;
  /** NOK per unit of the currency, with at most four decimals; required for EUR. */
  currencyRate?: string;
  /** Invoice date as `YYYY-MM-DD`. @default today's date in UTC */
  date?: string;
  notes?: string | null;
}

/** Inputs of {@link buildInvoice} besides the draft. */
export interface InvoiceBuildContext {
  random: SeededRandom;
  /** Invoice number; null for a draft, which has none yet. */
  number: number | null;
  status: SimulatedStatus;
  customer: SimulatedCustomer;
  /** ISO 8601 time of creation and last change. */
  timestamp: string;
}

/** Currencies the simulator invoices in, as CurrencySubModel. */
export const CURRENCIES: Record<string, { guid: string; code: string; name: string; symbol: string }> = {
  NOK: { guid: '3c1ad3d0-6f0e-4a8e-9d8a-6a3c0c1b0001', code: 'NOK', name: 'Norsk krone', symbol: 'kr' },
  EUR: { guid: '3c1ad3d0-6f0e-4a8e-9d8a-6a3c0c1b0002', code: 'EUR', name: 'Euro', symbol: '€' },
};

const LANGUAGE = {
  guid: '5e0b8f4a-2a7c-4f7e-8a51-1c9f7e2d0001',
  code: 'nb-NO',
  name: 'Norsk (bokmål)',
  englishName: 'Norwegian (Bokmål)',
};

/** Late-payment interest rate in percent printed on the invoices. */
const OVERDUE_INTEREST_PERCENT = 12.5;

/**
 * Builds an invoice and its rows in PM's shapes. Totals are exact: each row is quantity times unit price rounded to
 * two decimals, and VAT is computed once per VAT rate on the sum of that rate's rows.
 */
export function buildInvoice(draft: InvoiceDraft, context: InvoiceBuildContext): SimulatedInvoice {
  const currency = CURRENCIES[draft.currencyCode ?? 'NOK'];
  if (!currency) throw new SimulatorInputError('currencyCode', draft.currencyCode, 'NOK or EUR');
  const currencyRate = currency.code === 'NOK' ? '1' : draft.currencyRate;
  if (currencyRate === undefined) {
    throw new SimulatorInputError(
      'currencyRate',
      currencyRate,
      `NOK per ${currency.code} for a ${currency.code} invoice`,
    );
  }
  if (parseDecimal(currencyRate, RATE_SCALE, 'currency rate') <= 0n) {
    throw new SimulatorInputError('currencyRate', currencyRate, 'a rate greater than 0');
  }
  if (draft.rows.length === 0) throw new SimulatorInputError('rows', draft.rows, 'at least one row');

  const date = draft.date ?? context.timestamp.slice(0, 10);
  if (!isCalendarDate(date)) throw new SimulatorInputError('date', date, 'a date that exists, as YYYY-MM-DD');
  const guid = context.random.guid();

  const rows = draft.rows.map((row, index) => {
    const product = catalogueProduct(row.productCode);
    const unitPrice =
      row.unitPrice ?? (currency.code === 'NOK' ? product.unitPrice : convertFromNok(product.unitPrice, currencyRate));
    return { product, draft: row, unitPrice, sortOrder: index + 1 };
  });
  const totals = invoiceTotals(
    rows.map((row) => ({ ...row, quantity: row.draft.quantity, vatRatePercent: row.product.vatRatePercent })),
  );

  const money = (minor: bigint) => ({ amount: minorToNumber(minor), currencyCode: currency.code });
  const categoryTotal = (category: string) =>
    rows
      .filter((row) => rowCategory(row.product).category === category)
      .reduce((sum, row) => sum + rowNetMinor(row.draft.quantity, row.unitPrice), 0n);
  const hours = rows
    .filter((row) => rowCategory(row.product).category === 'Hours')
    .reduce((sum, row) => sum + parseDecimal(row.draft.quantity, 2, 'quantity'), 0n);

  const customerReference = {
    guid: context.customer.guid,
    name: context.customer.name,
    number: context.customer.number,
  };
  const body: JsonObject = {
    guid,
    number: context.number,
    date,
    dueDate: addDays(date, context.customer.paymentTerm),
    entryDate: date,
    paymentDate: null,
    paymentTerm: context.customer.paymentTerm,
    overdueInterest: OVERDUE_INTEREST_PERCENT,
    isCreditNote: draft.isCreditNote ?? false,
    referenceNumber: context.number === null ? null : pmKid(context.number, String(context.customer.number)),
    currency,
    currencyRate: Number(currencyRate),
    customer: customerReference,
    billingCustomer: customerReference,
    receiverCustomerName: context.customer.name,
    senderName: SEED_COMPANY.name,
    senderVatNumber: 'NO 987 654 321 MVA',
    ourReference: 'Kari Nordmann',
    yourReference: null,
    notes: draft.notes ?? null,
    language: LANGUAGE,
    status: statusReference(context.status),
    canBeDeleted: context.number === null,
    totalExcludingTax: money(totals.netMinor),
    totalTax: money(totals.taxMinor),
    totalIncludingTax: money(totals.grossMinor),
    workHoursQuantity: minorToNumber(hours),
    workHoursTotalExcludingTax: money(categoryTotal('Hours')),
    projectFeesTotalExcludingTax: money(categoryTotal('ProjectFees')),
    projectTravelExpensesTotalExcludingTax: money(categoryTotal('Travels')),
    createdDateTime: context.timestamp,
    lastUpdatedDateTime: context.timestamp,
  };

  const rowBodies = rows.map((row): JsonObject => {
    const { category, rowType } = rowCategory(row.product);
    return {
      guid: context.random.guid(),
      invoiceGuid: guid,
      code: [row.product.code],
      description: row.draft.description ?? row.product.name,
      quantity: Number(row.draft.quantity),
      unitPrice: { amount: Number(row.unitPrice), currencyCode: currency.code },
      vatRate: Number(row.product.vatRatePercent),
      measurementUnit: row.product.unit,
      category,
      rowType,
      sortOrder: row.sortOrder,
      hasInvoiceComment: false,
      createdDateTime: context.timestamp,
      lastUpdatedDateTime: context.timestamp,
    };
  });
  return { guid, body, rows: rowBodies };
}

/** Returns a product of the sandbox catalogue by its code. */
export function catalogueProduct(code: string): SeedProduct {
  const product = SEED_PRODUCTS.find((candidate) => candidate.code === code);
  if (!product) {
    throw new SimulatorInputError('productCode', code, `one of ${SEED_PRODUCTS.map((p) => p.code).join(', ')}`);
  }
  return product;
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

/** InvoiceRowCategory and InvoiceRowType of a product's rows. */
function rowCategory(product: SeedProduct): { category: string; rowType: string } {
  if (product.unit === 'hour') return { category: 'Hours', rowType: 'Hours' };
  if (product.code.startsWith('REISE-')) return { category: 'Travels', rowType: 'TravelExpenses' };
  return { category: 'ProjectFees', rowType: 'ProjectFees' };
}
