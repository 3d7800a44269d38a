import type { InvoiceAmounts, RowAmount } from './mapping-input';
import {
  AmountTooLargeError,
  InvalidPostingDataError,
  PostingGroupNotFoundError,
  VatCodeNotFoundError,
  VatRateNotInGroupError,
} from './mapping-errors';
import { addDecimals, compareDecimals, Decimal, formatDecimal, InvalidDecimalError, parseDecimal } from './money';
import type { PostingData, PostingGroup } from './posting';

/** The rows of an invoice that credit one sales account with one VAT code, summed. */
export interface RevenueGroup {
  accountNumber: string;
  vatCode: string;
  vatRate: Decimal;
  /** Sum of the rows' rounded amounts excluding VAT, in minor units of the invoice currency, positive for revenue. */
  netMinor: number;
  /** Sum of the rows' exact amounts excluding VAT, in the invoice currency. */
  exactNet: Decimal;
  rowNumbers: number[];
}

/**
 * Sums the rows of an invoice per sales account and VAT code, in order of first appearance. A row's product
 * code selects its tax and accounting group, or the company's default group when Visma Business does not know
 * the code. Within the group, the first sales account whose VAT code carries the row's VAT rate is used.
 */
export function groupRowsBySalesAccount(amounts: InvoiceAmounts, posting: PostingData): RevenueGroup[] {
  const groups = new Map<string, RevenueGroup>();

  for (const row of amounts.rows) {
    const group = postingGroupOf(amounts.invoiceNumber, row, posting);
    const account = salesAccountFor(amounts.invoiceNumber, row, group, posting);
    const key = JSON.stringify([account.accountNumber, account.vatCode]);
    const existing = groups.get(key);
    if (existing) {
      existing.netMinor += row.amountMinor;
      existing.exactNet = addDecimals(existing.exactNet, row.exactAmount);
      existing.rowNumbers.push(row.rowNumber);
      if (!Number.isSafeInteger(existing.netMinor)) {
        const field = `sum of rows ${existing.rowNumbers.join(', ')} on account ${existing.accountNumber}`;
        throw new AmountTooLargeError(amounts.invoiceNumber, field, row.rowNumber, formatDecimal(existing.exactNet));
      }
    } else {
      groups.set(key, {
        ...account,
        netMinor: row.amountMinor,
        exactNet: row.exactAmount,
        rowNumbers: [row.rowNumber],
      });
    }
  }

  return [...groups.values()];
}

function postingGroupOf(invoiceNumber: string, row: RowAmount, posting: PostingData): PostingGroup {
  const code = row.productCode;
  const knownProduct = code !== null && Object.hasOwn(posting.productGroups, code);
  const groupNumber = knownProduct ? posting.productGroups[code] : posting.defaultGroupNumber;
  if (!Object.hasOwn(posting.groups, groupNumber)) {
    throw new PostingGroupNotFoundError(invoiceNumber, row.rowNumber, code, groupNumber);
  }
  return posting.groups[groupNumber];
}

function salesAccountFor(
  invoiceNumber: string,
  row: RowAmount,
  group: PostingGroup,
  posting: PostingData,
): Pick<RevenueGroup, 'accountNumber' | 'vatCode' | 'vatRate'> {
  const groupRates: string[] = [];

  for (const account of group.salesAccounts) {
    if (!Object.hasOwn(posting.vatCodes, account.vatCode)) {
      throw new VatCodeNotFoundError(invoiceNumber, group.groupNumber, account.vatCode);
    }
    const ratePercent = posting.vatCodes[account.vatCode].ratePercent;
    const rate = readVatRate(invoiceNumber, account.vatCode, ratePercent);
    if (compareDecimals(rate, row.vatRate) === 0) {
      return { accountNumber: account.accountNumber, vatCode: account.vatCode, vatRate: rate };
    }
    groupRates.push(ratePercent);
  }

  throw new VatRateNotInGroupError(
    invoiceNumber,
    row.rowNumber,
    row.productCode,
    row.vatRatePercent,
    group.groupNumber,
    groupRates,
  );
}

function readVatRate(invoiceNumber: string, vatCode: string, ratePercent: string): Decimal {
  try {
    const rate = parseDecimal(ratePercent);
    if (rate.units >= 0n) return rate;
  } catch (error) {
    if (!(error instanceof InvalidDecimalError)) throw error;
  }
  throw new InvalidPostingDataError(
    invoiceNumber,
    `rate of VAT code ${vatCode}`,
    ratePercent,
    'expected a percentage of 0 or more',
  );
}
