import type { RevenueGroup } from './mapping-groups';
import type { InvoiceAmounts } from './mapping-input';
import { TotalsMismatchError } from './mapping-errors';
import { Decimal, minorUnitsToDecimal, percentOf, subtractDecimals, toMinorUnits } from './money';
import { spreadDifference } from './rounding-spread';

/** A revenue group with its VAT, both agreeing with PM's totals, in minor units of the invoice currency. */
export interface ReconciledGroup extends RevenueGroup {
  vatMinor: number;
  /** The group's amount excluding VAT times its VAT rate, exactly. */
  exactVat: Decimal;
}

/**
 * Computes the VAT of each revenue group and makes the groups add up to PM's totals exactly.
 *
 * VAT is the group's amount excluding VAT times its rate, rounded half away from zero. PM rounds each row, and
 * may compute VAT per row, so its totals can differ from these sums by up to half a minor unit per row. That
 * difference, rounded up to whole minor units, is the tolerance. Within it, PM's totals are taken and the
 * difference is spread one minor unit at a time over the groups whose rounding caused it. Beyond it, the
 * invoice is rejected. Totals must also satisfy excluding tax + tax = including tax exactly.
 */
export function reconcileWithTotals(amounts: InvoiceAmounts, groups: RevenueGroup[]): ReconciledGroup[] {
  const { totals, currency } = amounts;
  const mismatch = (field: string, expected: number, computed: number, tolerance: number) =>
    new TotalsMismatchError(
      amounts.invoiceNumber,
      field,
      currency.code,
      expected * amounts.direction,
      computed * amounts.direction,
      tolerance,
      currency.exponent,
    );

  if (totals.excludingTax + totals.tax !== totals.includingTax) {
    throw mismatch('totalIncludingTax', totals.includingTax, totals.excludingTax + totals.tax, 0);
  }

  const tolerance = Math.ceil(amounts.rows.length / 2);
  const reconciled: ReconciledGroup[] = groups.map((group) => ({
    ...group,
    rowNumbers: [...group.rowNumbers],
    vatMinor: 0,
    exactVat: { units: 0n, scale: 0 },
  }));
  const residue = (exact: Decimal, minorUnits: number) =>
    subtractDecimals(exact, minorUnitsToDecimal(minorUnits, currency.exponent));

  const netSum = sum(reconciled.map((group) => group.netMinor));
  const netDifference = totals.excludingTax - netSum;
  if (Math.abs(netDifference) > tolerance) {
    throw mismatch('totalExcludingTax', totals.excludingTax, netSum, tolerance);
  }
  const netSpread = spreadDifference(
    netDifference,
    reconciled,
    (group) => ({ residue: residue(group.exactNet, group.netMinor), size: group.netMinor }),
    (group, unit) => {
      if (Math.sign(group.netMinor + unit) !== Math.sign(group.netMinor)) return false;
      group.netMinor += unit;
      return true;
    },
  );
  if (!netSpread) {
    throw mismatch('totalExcludingTax', totals.excludingTax, netSum, 0);
  }

  for (const group of reconciled) {
    group.exactVat = percentOf(minorUnitsToDecimal(group.netMinor, currency.exponent), group.vatRate);
    group.vatMinor = toMinorUnits(group.exactVat, currency.exponent);
  }
  const vatSum = sum(reconciled.map((group) => group.vatMinor));
  const vatDifference = totals.tax - vatSum;
  if (Math.abs(vatDifference) > tolerance) {
    throw mismatch('totalTax', totals.tax, vatSum, tolerance);
  }
  const vatSpread = spreadDifference(
    vatDifference,
    reconciled,
    (group) => ({ residue: residue(group.exactVat, group.vatMinor), size: group.netMinor }),
    (group, unit) => {
      const vat = group.vatMinor + unit;
      if (group.vatRate.units === 0n || (vat !== 0 && Math.sign(vat) !== Math.sign(group.netMinor))) return false;
      group.vatMinor = vat;
      return true;
    },
  );
  if (!vatSpread) {
    throw mismatch('totalTax', totals.tax, vatSum, 0);
  }

  return reconciled;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
