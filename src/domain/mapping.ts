import type { InvoiceForMapping } from './invoice';
import { convertAmountsToOre, RevenueInOre } from './mapping-conversion';
import { ColumnOverflowError, ZeroAmountInvoiceError } from './mapping-errors';
import { groupRowsBySalesAccount } from './mapping-groups';
import { InvoiceAmounts, readInvoiceAmounts } from './mapping-input';
import { reconcileWithTotals } from './mapping-reconcile';
import { formatDecimal, formatMinorUnits } from './money';
import type { PostingData } from './posting';
import { cutToWidth, VoucherColumnWidth } from './text';
import { AccountType, CurrencyAmount, Voucher, VoucherLine } from './voucher';
import { assertVoucherBalanced } from './voucher-balance';

type LineSide = VoucherLine['side'];
type UnnumberedLine = Omit<VoucherLine, 'lineNumber'>;

/**
 * Maps an issued invoice to the voucher it becomes in Visma Business.
 *
 * One line debits the customer with the total including VAT and carries the invoice number, due date and KID.
 * Revenue lines credit each sales account and VAT code with the summed rows of the invoice, excluding and
 * including VAT. A credit note is the mirror image. A revenue group whose rows sum to a negative amount, such as
 * a discount at a VAT rate of its own, goes on the opposite side. Amounts agree with PM's totals and balance to
 * the øre; for a foreign currency each line also carries its amount in that currency. An invoice whose total
 * including VAT is 0 has nothing to post and is rejected.
 *
 * Raises a {@link MappingError} subclass, naming the invoice and the value, when that cannot be done.
 */
export function mapInvoiceToVoucher(invoice: InvoiceForMapping, posting: PostingData): Voucher {
  const amounts = readInvoiceAmounts(invoice);
  const groups = reconcileWithTotals(amounts, groupRowsBySalesAccount(amounts, posting));
  const inOre = convertAmountsToOre(amounts, groups);
  assertNotZero(amounts, inOre.customerOre);
  const text = voucherText(invoice);

  // The customer line has no VAT code, so its amount excluding VAT is its whole amount and its VAT is 0.
  const customerSide: LineSide = amounts.direction === 1 ? 'debit' : 'credit';
  const customerLine: UnnumberedLine = {
    side: customerSide,
    accountType: AccountType.Customer,
    accountNumber: amounts.customerNumber,
    vatCode: null,
    amountExVatOre: inOre.customerOre,
    vatAmountOre: 0,
    amountOre: inOre.customerOre,
    text,
    invoiceNumber: invoice.invoiceNumber,
    dueDate: invoice.dueDate,
    kid: kidForColumn(invoice),
    currency: currencyAmount(amounts, amounts.totals.includingTax),
  };
  const revenueLines = inOre.revenue
    .filter((line) => line.includingVatMinor !== 0)
    .map((line) => revenueLine(amounts, line, opposite(customerSide), text));

  // Debit lines first, then credit lines, each in the order built: customer line, then revenue groups.
  const lines = [customerLine, ...revenueLines]
    .map((line, index) => ({ line, index }))
    .sort((a, b) => sideOrder(a.line.side) - sideOrder(b.line.side) || a.index - b.index)
    .map(({ line }, index): VoucherLine => ({ lineNumber: index + 1, ...line }));

  const voucher: Voucher = {
    key: { client: invoice.client, invoiceNumber: invoice.invoiceNumber, customerNumber: amounts.customerNumber },
    voucherType: posting.voucherType,
    voucherDate: invoice.invoiceDate,
    valueDate: invoice.invoiceDate,
    isCreditNote: invoice.isCreditNote,
    text,
    lines,
  };
  assertVoucherBalanced(voucher);
  return voucher;
}

/**
 * Builds the text of a voucher and its lines: "Faktura" or "Kreditnota", the invoice number and the customer's
 * name, in Norwegian as the ledger's readers use it, cut to the width of `Txt`.
 */
export function voucherText(invoice: InvoiceForMapping): string {
  const kind = invoice.isCreditNote ? 'Kreditnota' : 'Faktura';
  return cutToWidth(`${kind} ${invoice.invoiceNumber} ${invoice.customerName ?? ''}`, VoucherColumnWidth.Txt);
}

/**
 * Raises {@link ZeroAmountInvoiceError} when the total including VAT is 0, in the invoice currency or, after
 * conversion, in NOK, because a voucher whose customer line is 0.00 posts nothing.
 */
function assertNotZero(amounts: InvoiceAmounts, customerOre: number): void {
  const { code, exponent } = amounts.currency;
  const pmTotal = `${formatMinorUnits(amounts.totals.includingTax, exponent)} ${code}`;
  if (amounts.totals.includingTax === 0) {
    throw new ZeroAmountInvoiceError(amounts.invoiceNumber, `totalIncludingTax is ${pmTotal}`);
  }
  if (customerOre === 0) {
    throw new ZeroAmountInvoiceError(
      amounts.invoiceNumber,
      `totalIncludingTax ${pmTotal} is 0.00 NOK after conversion`,
    );
  }
}

function revenueLine(amounts: InvoiceAmounts, line: RevenueInOre, revenueSide: LineSide, text: string): UnnumberedLine {
  // Revenue is positive. A negative group (a discount at a VAT rate of its own) goes on the other side, and
  // its amounts, which all share the group's sign, are posted as positive numbers.
  return {
    side: line.includingVatMinor > 0 ? revenueSide : opposite(revenueSide),
    accountType: AccountType.GeneralLedger,
    accountNumber: line.group.accountNumber,
    vatCode: line.group.vatCode,
    amountExVatOre: Math.abs(line.excludingVatOre),
    vatAmountOre: Math.abs(line.vatOre),
    amountOre: Math.abs(line.includingVatOre),
    text,
    invoiceNumber: null,
    dueDate: null,
    kid: null,
    currency: currencyAmount(amounts, Math.abs(line.includingVatMinor)),
  };
}

function currencyAmount(amounts: InvoiceAmounts, amountMinor: number): CurrencyAmount | null {
  const { code, rate } = amounts.currency;
  return rate === null ? null : { code, rate: formatDecimal(rate), amountMinor };
}

/** Returns the invoice's KID unchanged, because a cut KID would direct a payment to the wrong invoice. */
function kidForColumn(invoice: InvoiceForMapping): string | null {
  if (invoice.kid !== null && invoice.kid.length > VoucherColumnWidth.CID) {
    throw new ColumnOverflowError(invoice.invoiceNumber, 'CID', invoice.kid, VoucherColumnWidth.CID);
  }
  return invoice.kid;
}

function opposite(side: LineSide): LineSide {
  return side === 'debit' ? 'credit' : 'debit';
}

function sideOrder(side: LineSide): number {
  return side === 'debit' ? 0 : 1;
}
