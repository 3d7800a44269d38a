import { UnbalancedVoucherError } from './mapping-errors';
import { formatOre } from './money';
import type { Voucher } from './voucher';

/** Sums of the amounts including VAT on each side of a voucher, in øre. */
export interface VoucherSums {
  debitOre: number;
  creditOre: number;
}

/** Sums the amounts including VAT of a voucher's debit lines and of its credit lines. */
export function sumVoucherSides(voucher: Voucher): VoucherSums {
  let debitOre = 0;
  let creditOre = 0;
  for (const line of voucher.lines) {
    if (line.side === 'debit') debitOre += line.amountOre;
    else creditOre += line.amountOre;
  }
  return { debitOre, creditOre };
}

/**
 * Checks that a voucher can be posted: every amount is a whole number of øre of 0 or more, every line's amount
 * excluding VAT plus its VAT equals its amount, and the debit lines sum to the credit lines. Raises
 * {@link UnbalancedVoucherError} naming the first line or sum that fails.
 */
export function assertVoucherBalanced(voucher: Voucher): void {
  const { debitOre, creditOre } = sumVoucherSides(voucher);
  const fail = (detail: string) => new UnbalancedVoucherError(voucher.key.invoiceNumber, debitOre, creditOre, detail);

  for (const line of voucher.lines) {
    const amounts = [line.amountExVatOre, line.vatAmountOre, line.amountOre];
    if (!amounts.every((amount) => Number.isSafeInteger(amount) && amount >= 0)) {
      throw fail(`line ${line.lineNumber} has an amount that is not a whole number of øre of 0 or more`);
    }
    if (line.amountExVatOre + line.vatAmountOre !== line.amountOre) {
      throw fail(
        `line ${line.lineNumber} has ${formatOre(line.amountExVatOre)} excluding VAT and ` +
          `${formatOre(line.vatAmountOre)} VAT, which do not add up to ${formatOre(line.amountOre)}`,
      );
    }
  }

  if (debitOre !== creditOre) {
    throw fail(`debit lines sum to ${formatOre(debitOre)} NOK and credit lines to ${formatOre(creditOre)} NOK`);
  }
}
