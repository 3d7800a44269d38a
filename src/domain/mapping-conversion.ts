import { InvoiceAmounts, readMinorUnits } from './mapping-input';
import type { ReconciledGroup } from './mapping-reconcile';
import { AmountTooLargeError, UnbalancedVoucherError } from './mapping-errors';
import { Decimal, formatDecimal, minorUnitsToDecimal, multiplyDecimals, subtractDecimals } from './money';
import { spreadDifference } from './rounding-spread';

/** A reconciled revenue group with its amounts in øre, positive for revenue. */
export interface RevenueInOre {
  group: ReconciledGroup;
  /** Amount including VAT in minor units of the invoice currency. */
  includingVatMinor: number;
  excludingVatOre: number;
  vatOre: number;
  includingVatOre: number;
  /** `includingVatMinor` converted to NOK exactly, before rounding to øre. */
  exactIncludingVatNok: Decimal;
}

/** An invoice's amounts in øre: the customer's total and the revenue groups that balance it. */
export interface AmountsInOre {
  customerOre: number;
  revenue: RevenueInOre[];
}

/**
 * Converts the customer total and the revenue groups to øre. NOK amounts are taken as they are. A foreign
 * amount is multiplied by the rate and rounded half away from zero, each line on its own. The customer total
 * is converted from PM's total, and the rounding difference against the revenue lines is then spread over
 * them, so that the voucher still balances. A revenue line's VAT is converted from its VAT in the currency,
 * and its amount excluding VAT is what remains.
 */
export function convertAmountsToOre(amounts: InvoiceAmounts, groups: ReconciledGroup[]): AmountsInOre {
  const { exponent, rate } = amounts.currency;
  const toNok = (minorUnits: number): Decimal => {
    const amount = minorUnitsToDecimal(minorUnits, exponent);
    return rate === null ? amount : multiplyDecimals(amount, rate);
  };

  const toOre = (field: string, exactNok: Decimal) =>
    readMinorUnits(amounts.invoiceNumber, `${field} in NOK`, exactNok, 2, null);

  const customerOre = toOre('totalIncludingTax', toNok(amounts.totals.includingTax));
  const revenue = groups.map((group): RevenueInOre => {
    const account = `account ${group.accountNumber} (VAT code ${group.vatCode})`;
    const includingVatMinor = group.netMinor + group.vatMinor;
    if (!Number.isSafeInteger(includingVatMinor)) {
      const exact = { units: BigInt(group.netMinor) + BigInt(group.vatMinor), scale: exponent };
      throw new AmountTooLargeError(amounts.invoiceNumber, `amount on ${account}`, null, formatDecimal(exact));
    }
    const exactIncludingVatNok = toNok(includingVatMinor);
    const includingVatOre = toOre(`amount on ${account}`, exactIncludingVatNok);
    const vatOre = toOre(`VAT on ${account}`, toNok(group.vatMinor));
    return {
      group,
      includingVatMinor,
      excludingVatOre: includingVatOre - vatOre,
      vatOre,
      includingVatOre,
      exactIncludingVatNok,
    };
  });

  const revenueOre = revenue.reduce((total, line) => total + line.includingVatOre, 0);
  const spread = spreadDifference(
    customerOre - revenueOre,
    revenue,
    (line) => ({
      residue: subtractDecimals(line.exactIncludingVatNok, minorUnitsToDecimal(line.includingVatOre)),
      size: line.includingVatMinor,
    }),
    (line, unit) => {
      // A line may round down to 0 øre, but never cross to the other side.
      const includingVatOre = line.includingVatOre + unit;
      const excludingVatOre = includingVatOre - line.vatOre;
      const sign = Math.sign(line.includingVatMinor);
      if ([includingVatOre, excludingVatOre].some((ore) => ore !== 0 && Math.sign(ore) !== sign)) return false;
      line.includingVatOre = includingVatOre;
      line.excludingVatOre = excludingVatOre;
      return true;
    },
  );
  if (!spread) {
    const [debitOre, creditOre] = amounts.direction === 1 ? [customerOre, revenueOre] : [revenueOre, customerOre];
    throw new UnbalancedVoucherError(
      amounts.invoiceNumber,
      debitOre,
      creditOre,
      `the rounding difference of ${customerOre - revenueOre} øre after conversion to NOK fits on no revenue line`,
    );
  }

  return { customerOre, revenue };
}
