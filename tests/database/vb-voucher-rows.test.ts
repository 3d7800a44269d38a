import type { Voucher } from '../../src/domain/voucher';
import { InvalidVoucherError } from '../../src/visma-business/errors';
import { parameterNames } from '../../src/visma-business/sql-executor';
import { toVoucherRows } from '../../src/visma-business/voucher-rows';
import { buildTestVoucher } from '../fixtures/vb-vouchers';

const KEY = { client: 'acme', invoiceNumber: '10042', customerNumber: '10001' };

function withChange(change: (voucher: Voucher) => void): Voucher {
  const voucher = buildTestVoucher(KEY);
  change(voucher);
  return voucher;
}

describe('voucher rows', () => {
  test('invoice becomes two rows', () => {
    const rows = toVoucherRows(buildTestVoucher(KEY));

    expect(rows.totalOre).toBe(125_000);
    expect(rows.voucherDate).toBe(20250303);
    expect(rows.lines[0]).toMatchObject({ debitAccountType: 1, debitAccountNumber: 10001, creditAccountNumber: 0 });
    expect(rows.lines[0]).toMatchObject({ amount: 1250, dueDate: 20250317, invoiceNumber: '10042' });
    expect(rows.lines[1]).toMatchObject({ creditAccountType: 3, creditAccountNumber: 3000, creditVatCode: 3 });
    expect(rows.lines[1]).toMatchObject({ amountExVat: 1000, vatAmount: 250, amount: 1250 });
  });

  test('equal vouchers hash equally', () => {
    const first = toVoucherRows(buildTestVoucher(KEY)).contentSha256;
    const second = toVoucherRows(buildTestVoucher(KEY)).contentSha256;
    const changed = toVoucherRows(withChange((voucher) => (voucher.lines[1].text = 'Other'))).contentSha256;

    expect(second).toBe(first);
    expect(changed).not.toBe(first);
  });

  test.each<[string, (voucher: Voucher) => void, RegExp]>([
    ['amount not its parts', (voucher) => (voucher.lines[0].amountOre -= 1), /not amount excluding VAT/],
    [
      'debit and credit differ',
      (voucher) => {
        voucher.lines[1].amountExVatOre -= 1;
        voucher.lines[1].amountOre -= 1;
      },
      /debit lines total 125000 øre but credit lines total 124999/,
    ],
    ['wrong customer', (voucher) => (voucher.lines[0].accountNumber = '10002'), /customer 10002, not 10001/],
    ['account with letters', (voucher) => (voucher.lines[1].accountNumber = '30A0'), /"30A0" is not 1 to 9 digits/],
    ['impossible date', (voucher) => (voucher.voucherDate = '2025-02-30'), /voucher date "2025-02-30"/],
    ['lines out of order', (voucher) => (voucher.lines[1].lineNumber = 3), /line 2 has line number 3/],
    ['KID with letters', (voucher) => (voucher.lines[0].kid = '12A4'), /KID "12A4"/],
    ['negative amount', (voucher) => (voucher.lines[1].vatAmountOre = -1), /VAT amount -1/],
    ['single line', (voucher) => voucher.lines.pop(), /at least two lines/],
    ['customer line without invoice', (voucher) => (voucher.lines[0].invoiceNumber = null), /invoice number null/],
    [
      'line text too long',
      (voucher) => (voucher.lines[1].text = 'x'.repeat(300)),
      /line 2: "x{40}\.\.\." has 300 characters, more than the 60 of column WaVo\.Txt/,
    ],
    [
      'line invoice number too long',
      (voucher) => (voucher.lines[1].invoiceNumber = 'N'.repeat(51)),
      /line 2: "N{40}\.\.\." has 51 characters, more than the 50 of column WaVo\.InvoNo/,
    ],
    [
      'invoice number too long',
      (voucher) => {
        voucher.key = { ...voucher.key, invoiceNumber: 'I'.repeat(120) };
        voucher.lines[0].invoiceNumber = voucher.key.invoiceNumber;
      },
      /invoice number "I{40}\.\.\." has 120 characters, more than the 50 of column JiVoucherKey\.InvoNo/,
    ],
    [
      'client key too long',
      (voucher) => (voucher.key = { ...voucher.key, client: 'c'.repeat(150) }),
      /client "c{40}\.\.\." has 150 characters, more than the 100 of column JiVoucherKey\.Client/,
    ],
  ])('rejects %s', (_case, change, message) => {
    const attempt = () => toVoucherRows(withChange(change));

    expect(attempt).toThrow(InvalidVoucherError);
    expect(attempt).toThrow(message);
  });
});

describe('SQL parameter names', () => {
  test('literals and comments ignored', () => {
    const sql = `SELECT @a, '@b', [@c], @@ROWCOUNT -- @d\n FROM t WHERE x = @e AND y = @a /* @f */`;

    expect(parameterNames(sql)).toEqual(['a', 'e']);
  });
});
