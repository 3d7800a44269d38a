import type { RevenueGroup } from './mapping-groups';
import type { RowAmount } from './mapping-input';
import {
  absoluteDecimal,
  addDecimals,
  Decimal,
  isWholeMinorUnits,
  minorUnitsToDecimal,
  percentOf,
  subtractDecimals,
} from './money';

/** The largest difference accepted between one of PM's totals and the rows, and the rounding it allows for. */
export interface Tolerance {
  /** Amount in the invoice currency, 0 or more. */
  amount: Decimal;
  /** Number of rows, or of revenue groups, whose rounding the amount allows for; 0 when nothing was rounded. */
  roundedCount: number;
}

/** A revenue group as the rows sum it, with its amount excluding VAT after reconciliation with PM's total. */
export interface VatBasis {
  group: RevenueGroup;
  /** The group's amount excluding VAT that the voucher carries, in minor units of the invoice currency. */
  netMinor: number;
}

/**
 * Returns how far PM's total excluding VAT may be from the exact sum of the rows. PM rounds either each row or
 * only the total, so each row whose quantity × unit price is not a whole number of minor units allows half a
 * minor unit. When no row needed rounding, the tolerance is 0 and the total must equal the sum.
 */
export function netTolerance(rows: RowAmount[], exponent: number): Tolerance {
  const roundedCount = rows.filter((row) => !isWholeMinorUnits(row.exactAmount, exponent)).length;
  return { amount: halfMinorUnits(roundedCount, exponent), roundedCount };
}

/**
 * Returns how far PM's total VAT may be from the exact VAT of the groups' amounts excluding VAT.
 *
 * PM may round VAT per row or per VAT rate, so half a minor unit is allowed for each row whose VAT is not a
 * whole number of minor units, or for each group whose VAT is not, whichever count is larger. A row's VAT is
 * counted as rounded when it is not whole on either the row's exact or rounded amount. PM may also have computed
 * VAT on amounts that differ from the voucher's by the rounding of the rows (and by the units that reconciliation
 * moved between groups), so that rounding times the group's rate is added. Without any rounding, it is 0.
 */
export function vatTolerance(rows: RowAmount[], bases: VatBasis[], exponent: number): Tolerance {
  const rowsByNumber = new Map(rows.map((row) => [row.rowNumber, row]));
  const isRounded = (amounts: Decimal[], rate: Decimal) =>
    amounts.some((amount) => !isWholeMinorUnits(percentOf(amount, rate), exponent));

  let roundedRows = 0;
  let roundedGroups = 0;
  let vatOnNetRounding: Decimal = { units: 0n, scale: 0 };
  for (const { group, netMinor } of bases) {
    const reconciledNet = minorUnitsToDecimal(netMinor, exponent);
    const summedNet = minorUnitsToDecimal(group.netMinor, exponent);
    if (isRounded([reconciledNet, summedNet, group.exactNet], group.vatRate)) roundedGroups += 1;

    let netRounding = absoluteDecimal(subtractDecimals(reconciledNet, summedNet));
    for (const rowNumber of group.rowNumbers) {
      const row = rowsByNumber.get(rowNumber);
      if (row === undefined) continue;
      const roundedAmount = minorUnitsToDecimal(row.amountMinor, exponent);
      if (isRounded([row.exactAmount, roundedAmount], group.vatRate)) roundedRows += 1;
      netRounding = addDecimals(netRounding, absoluteDecimal(subtractDecimals(row.exactAmount, roundedAmount)));
    }
    vatOnNetRounding = addDecimals(vatOnNetRounding, percentOf(netRounding, group.vatRate));
  }

  const roundedCount = Math.max(roundedRows, roundedGroups);
  return { amount: addDecimals(halfMinorUnits(roundedCount, exponent), vatOnNetRounding), roundedCount };
}

function halfMinorUnits(count: number, exponent: number): Decimal {
  return { units: 5n * BigInt(count), scale: exponent + 1 };
}
