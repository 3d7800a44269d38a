import { formatMinorUnits, formatOre } from '../domain/money';
import { minorUnitExponent } from '../domain/currency';
import { AccountType, Voucher, VoucherLine } from '../domain/voucher';
import { sumVoucherSides } from '../domain/voucher-balance';

const ACCOUNT_TYPE_NAMES: Record<AccountType, string> = {
  [AccountType.Customer]: 'customer',
  [AccountType.Supplier]: 'supplier',
  [AccountType.GeneralLedger]: 'ledger',
};

interface Column {
  title: string;
  alignRight: boolean;
  value: (line: VoucherLine) => string;
}

const COLUMNS: Column[] = [
  { title: 'Line', alignRight: true, value: (line) => String(line.lineNumber) },
  { title: 'Side', alignRight: false, value: (line) => line.side },
  { title: 'Type', alignRight: false, value: (line) => `${line.accountType} ${ACCOUNT_TYPE_NAMES[line.accountType]}` },
  { title: 'Account', alignRight: false, value: (line) => line.accountNumber },
  { title: 'VAT code', alignRight: false, value: (line) => line.vatCode ?? '' },
  { title: 'Excl. VAT', alignRight: true, value: (line) => formatOre(line.amountExVatOre) },
  { title: 'VAT', alignRight: true, value: (line) => formatOre(line.vatAmountOre) },
  { title: 'Amount NOK', alignRight: true, value: (line) => formatOre(line.amountOre) },
  { title: 'Currency', alignRight: false, value: currencyText },
];

/** Renders a voucher as plain text: a header, one table row per line, and the sums of both sides. */
export function renderVoucherTable(voucher: Voucher): string {
  const customer = voucher.lines.find((line) => line.accountType === AccountType.Customer);
  const header = [
    `${voucher.isCreditNote ? 'Credit note' : 'Invoice'} ${voucher.key.invoiceNumber} of client ` +
      `${voucher.key.client}, customer ${voucher.key.customerNumber}`,
    `Voucher type ${voucher.voucherType}, voucher date ${voucher.voucherDate}, value date ${voucher.valueDate}`,
    `Due date ${customer?.dueDate ?? 'none'}, KID ${customer?.kid ?? 'none'}`,
    `Text: ${voucher.text}`,
  ];

  const cells = voucher.lines.map((line) => COLUMNS.map((column) => column.value(line)));
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.title.length, ...cells.map((row) => row[index].length)),
  );
  const render = (row: string[]) =>
    row
      .map((cell, index) => (COLUMNS[index].alignRight ? cell.padStart(widths[index]) : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd();

  const { debitOre, creditOre } = sumVoucherSides(voucher);
  const balance = debitOre === creditOre ? 'balanced' : 'NOT balanced';
  const footer = `Debit ${formatOre(debitOre)} NOK, credit ${formatOre(creditOre)} NOK: ${balance}`;

  return [...header, '', render(COLUMNS.map((column) => column.title)), ...cells.map(render), '', footer].join('\n');
}

function currencyText(line: VoucherLine): string {
  if (line.currency === null) return '';
  const { code, rate, amountMinor } = line.currency;
  return `${code} ${formatMinorUnits(amountMinor, minorUnitExponent(code))} at ${rate}`;
}
