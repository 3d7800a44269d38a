import type { RevenueGroup } from './mapping-groups';
import { InvoiceAmounts, readMinorUnits } from './mapping-input';
import { TotalsMismatchError } from './mapping-errors';
import { netTolerance, Tolerance, vatTolerance } from './mapping-tolerance';
import {
  absoluteDecimal,
  addDecimals,
  compareDecimals,
  Decimal,
  formatExact,
  minorUnitsToDecimal,
  percentOf,
  subtractDecimals,
} from './money';
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
 * PM's totals must satisfy excluding tax + tax = including tax exactly. PM's total excluding tax may differ from
 * the exact sum of the rows, and its tax from the exact VAT of the groups, only by the rounding that the rows
 * needed (see {@link netTolerance} and {@link vatTolerance}); with no rounding they must be equal. Within the
 * tolerance, PM's totals are taken and the difference in whole minor units is spread over the groups whose
 * rounding caused it. Beyond it, the invoice is rejected with a {@link TotalsMismatchError}.
 */
export function reconcileWithTotals(amounts: InvoiceAmounts, groups: RevenueGroup[]): ReconciledGroup[] {
  const { totals } = amounts;
  const money = moneyFormatter(amounts);

  // Summed as bigint, because two safe totals can add up to more than a number holds exactly.
  const totalsSum = BigInt(totals.excludingTax) + BigInt(totals.tax);
  if (totalsSum !== BigInt(totals.includingTax)) {
    const computed: Decimal = { units: totalsSum, scale: amounts.currency.exponent };
    throw new TotalsMismatchError(
      amounts.invoiceNumber,
      'totalIncludingTax',
      amounts.currency.code,
      money.value(minorUnitsToDecimal(totals.includingTax, amounts.currency.exponent)),
      money.value(computed),
      money.size(zero()),
      `totalExcludingTax ${money.text(minorUnitsToDecimal(totals.excludingTax, amounts.currency.exponent))} plus ` +
        `totalTax ${money.text(minorUnitsToDecimal(totals.tax, amounts.currency.exponent))} is ` +
        `${money.text(computed)}, and these three totals must agree exactly`,
    );
  }

  const reconciled: ReconciledGroup[] = groups.map((group) => ({
    ...group,
    rowNumbers: [...group.rowNumbers],
    vatMinor: 0,
    exactVat: { units: 0n, scale: 0 },
  }));
  reconcileNet(amounts, reconciled);

  const bases = reconciled.map((group, index) => ({ group: groups[index], netMinor: group.netMinor }));
  reconcileVat(amounts, reconciled, vatTolerance(amounts.rows, bases, amounts.currency.exponent));
  return reconciled;
}

/** Checks PM's total excluding VAT against the rows and spreads the rounding difference over the groups. */
function reconcileNet(amounts: InvoiceAmounts, groups: ReconciledGroup[]): void {
  const { exponent } = amounts.currency;
  const money = moneyFormatter(amounts);
  const pmTotal = minorUnitsToDecimal(amounts.totals.excludingTax, exponent);
  const exactSum = groups.reduce((total, group) => addDecimals(total, group.exactNet), zero());
  const tolerance = netTolerance(amounts.rows, exponent);
  const mismatch = (explanation: string) =>
    new TotalsMismatchError(
      amounts.invoiceNumber,
      'totalExcludingTax',
      amounts.currency.code,
      money.value(pmTotal),
      money.value(exactSum),
      money.size(tolerance.amount),
      `the rows sum to ${money.text(exactSum)}, ${explanation}`,
    );

  const difference = absoluteDecimal(subtractDecimals(pmTotal, exactSum));
  if (compareDecimals(difference, tolerance.amount) > 0) {
    throw mismatch(describeExcess(money.sizeText(difference), tolerance, money.sizeText(tolerance.amount), 'row'));
  }

  const netDifference = amounts.totals.excludingTax - sum(groups.map((group) => group.netMinor));
  const spread = spreadDifference(
    netDifference,
    groups,
    (group) => ({ residue: residue(group.exactNet, group.netMinor, exponent), size: group.netMinor }),
    (group, unit) => {
      // A group may round to 0, but never to the sign opposite to its exact amount.
      const net = group.netMinor + unit;
      const sign = signOf(group.exactNet);
      if (sign === 0 || net * sign < 0) return false;
      group.netMinor = net;
      return true;
    },
  );
  if (!spread) {
    const unspread = minorUnitsToDecimal(netDifference, exponent);
    throw mismatch(`and the rounding difference of ${money.sizeText(unspread)} fits on no revenue line`);
  }
}

/** Computes each group's VAT, checks PM's total VAT against it and spreads the rounding difference. */
function reconcileVat(amounts: InvoiceAmounts, groups: ReconciledGroup[], tolerance: Tolerance): void {
  const { exponent } = amounts.currency;
  const money = moneyFormatter(amounts);

  for (const group of groups) {
    group.exactVat = percentOf(minorUnitsToDecimal(group.netMinor, exponent), group.vatRate);
    const field = `VAT on account ${group.accountNumber} (VAT code ${group.vatCode})`;
    group.vatMinor = readMinorUnits(amounts.invoiceNumber, field, group.exactVat, exponent, null);
  }
  const pmTotal = minorUnitsToDecimal(amounts.totals.tax, exponent);
  const exactVat = groups.reduce((total, group) => addDecimals(total, group.exactVat), zero());
  const mismatch = (explanation: string) =>
    new TotalsMismatchError(
      amounts.invoiceNumber,
      'totalTax',
      amounts.currency.code,
      money.value(pmTotal),
      money.value(exactVat),
      money.size(tolerance.amount),
      `the VAT of the rows is ${money.text(exactVat)}, ${explanation}`,
    );

  const difference = absoluteDecimal(subtractDecimals(pmTotal, exactVat));
  if (compareDecimals(difference, tolerance.amount) > 0) {
    throw mismatch(
      describeExcess(money.sizeText(difference), tolerance, money.sizeText(tolerance.amount), 'VAT amount'),
    );
  }

  // NOTE: Visma Business may recompute VAT from the VAT code's rate when the batch is updated, while a line's VAT
  // here can differ from rate × amount excluding VAT by the rounding PM did per row. Not verified against a real VB.
  const vatDifference = amounts.totals.tax - sum(groups.map((group) => group.vatMinor));
  const spread = spreadDifference(
    vatDifference,
    groups,
    (group) => ({ residue: residue(group.exactVat, group.vatMinor, exponent), size: group.netMinor }),
    (group, unit) => {
      const vat = group.vatMinor + unit;
      if (group.vatRate.units === 0n || (vat !== 0 && Math.sign(vat) !== Math.sign(group.netMinor))) return false;
      group.vatMinor = vat;
      return true;
    },
  );
  if (!spread) {
    const unspread = minorUnitsToDecimal(vatDifference, exponent);
    throw mismatch(`and the rounding difference of ${money.sizeText(unspread)} fits on no revenue line with VAT`);
  }
}

/** Describes a difference beyond the tolerance, naming the rounding the tolerance allows for. */
function describeExcess(difference: string, tolerance: Tolerance, toleranceText: string, rounded: string): string {
  if (tolerance.roundedCount === 0) {
    return `a difference of ${difference}, where none is accepted because no ${rounded} needed rounding`;
  }
  const count = `${tolerance.roundedCount} ${rounded}${tolerance.roundedCount === 1 ? '' : 's'}`;
  return `a difference of ${difference}, where at most ${toleranceText} is accepted for the rounding of ${count}`;
}

/**
 * Formats amounts of the invoice for a {@link TotalsMismatchError}: `value` with PM's sign and `size` without a
 * sign, for the error's fields, and `text` and `sizeText` with the currency code, for its message.
 */
function moneyFormatter(amounts: InvoiceAmounts) {
  const { code, exponent } = amounts.currency;
  const value = (amount: Decimal) =>
    formatExact({ units: amount.units * BigInt(amounts.direction), scale: amount.scale }, exponent);
  const size = (amount: Decimal) => formatExact(absoluteDecimal(amount), exponent);
  return {
    value,
    size,
    text: (amount: Decimal) => `${value(amount)} ${code}`,
    sizeText: (amount: Decimal) => `${size(amount)} ${code}`,
  };
}

function residue(exact: Decimal, minorUnits: number, exponent: number): Decimal {
  return subtractDecimals(exact, minorUnitsToDecimal(minorUnits, exponent));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function signOf(value: Decimal): number {
  if (value.units > 0n) return 1;
  if (value.units < 0n) return -1;
  return 0;
}

function zero(): Decimal {
  return { units: 0n, scale: 0 };
}
