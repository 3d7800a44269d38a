import type { InvoiceForMapping } from '../../src/domain/invoice';
import { mapInvoiceToVoucher } from '../../src/domain/mapping';
import {
  AmountTooLargeError,
  MappingError,
  TotalsMismatchError,
  ZeroAmountInvoiceError,
} from '../../src/domain/mapping-errors';
import { invoice, RowSpec, summary, Totals } from '../fixtures/mapping-invoice';
import { seedPostingData } from '../fixtures/seed-posting';

const posting = seedPostingData();

function repeat(count: number, row: RowSpec): RowSpec[] {
  return Array.from({ length: count }, () => row);
}

function mappingError(source: InvoiceForMapping): MappingError {
  try {
    mapInvoiceToVoucher(source, posting);
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('expected a MappingError');
}

describe('totals tolerance accepts rounding', () => {
  // Customer line amount in øre for rows whose rounding PM may have done in one of several ways.
  test.each<[string, RowSpec[], Totals, number]>([
    ['33.33 rows, VAT per row', repeat(3, ['KONS-SENIOR', '1', '33.33', '25']), ['99.99', '24.99', '124.98'], 12498],
    ['33.33 rows, VAT on total', repeat(3, ['KONS-SENIOR', '1', '33.33', '25']), ['99.99', '25.00', '124.99'], 12499],
    ['30 rows, VAT per row', repeat(30, ['KONS-SENIOR', '1', '33.33', '25']), ['999.90', '249.90', '1249.80'], 124980],
    ['30 rows, VAT on total', repeat(30, ['KONS-SENIOR', '1', '33.33', '25']), ['999.90', '249.98', '1249.88'], 124988],
    ['quantity 30 of 33.33', [['KONS-SENIOR', '30', '33.33', '25']], ['999.90', '249.98', '1249.88'], 124988],
    ['half øre rows summed', repeat(2, ['KURS-DAG', '1', '0.005', '0']), ['0.02', '0', '0.02'], 2],
    ['half øre rows, total rounded', repeat(2, ['KURS-DAG', '1', '0.005', '0']), ['0.01', '0', '0.01'], 1],
    ['rows below one øre', repeat(3, ['KURS-DAG', '1', '0.004', '0']), ['0.01', '0', '0.01'], 1],
  ])('%s', (_name, rows, totals, customerOre) => {
    const voucher = mapInvoiceToVoucher(invoice(rows, totals), posting);

    expect(voucher.lines[0].amountOre).toBe(customerOre);
    expect(
      summary(voucher)
        .slice(1)
        .reduce((sum, line) => sum + Number(line[6]), 0),
    ).toBe(customerOre);
  });
});

describe('totals tolerance rejects', () => {
  test.each<[string, RowSpec[], Totals, string, string, string, string]>([
    [
      'one row off by 0.01',
      [['KONS-SENIOR', '1', '100.00', '25']],
      ['100.01', '25', '125.01'],
      'totalExcludingTax',
      '100.01',
      '100.00',
      '0.00',
    ],
    [
      '100 rows off by 0.50',
      repeat(100, ['KONS-SENIOR', '1', '100.00', '25']),
      ['10000.50', '2500', '12500.50'],
      'totalExcludingTax',
      '10000.50',
      '10000.00',
      '0.00',
    ],
    [
      'VAT off by 0.50',
      [['KONS-SENIOR', '1', '10000.00', '25']],
      ['10000.00', '2500.50', '12500.50'],
      'totalTax',
      '2500.50',
      '2500.00',
      '0.00',
    ],
    [
      'net beyond three rows',
      repeat(3, ['KONS-SENIOR', '1', '33.333', '25']),
      ['100.02', '25.01', '125.03'],
      'totalExcludingTax',
      '100.02',
      '99.999',
      '0.015',
    ],
    [
      'VAT beyond three rows',
      repeat(3, ['KONS-SENIOR', '1', '33.33', '25']),
      ['99.99', '25.02', '125.01'],
      'totalTax',
      '25.02',
      '24.9975',
      '0.015',
    ],
    [
      'credit note off by 0.01',
      [['KONS-SENIOR', '-1', '100.00', '25']],
      ['-100.01', '-25', '-125.01'],
      'totalExcludingTax',
      '-100.01',
      '-100.00',
      '0.00',
    ],
  ])('%s', (_name, rows, totals, field, expected, computed, tolerance) => {
    const isCreditNote = totals[2].startsWith('-');
    const error = mappingError(invoice(rows, totals, { isCreditNote }));

    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error).toMatchObject({ invoiceNumber: '10023', field, expected, computed, tolerance });
  });
});

describe('totals mismatch message', () => {
  test('names disagreeing PM totals', () => {
    const error = mappingError(invoice([['KONS-SENIOR', '1', '100', '25']], ['100', '25', '125.01']));

    expect(error).toMatchObject({ field: 'totalIncludingTax', expected: '125.01', computed: '125.00' });
    expect(error.message).toContain(
      'Invoice 10023: totalIncludingTax is 125.01 NOK in Project Management, but totalExcludingTax 100.00 NOK ' +
        'plus totalTax 25.00 NOK is 125.00 NOK',
    );
    expect(error.message).not.toContain('the rows sum to');
  });

  test('sums PM totals exactly', () => {
    const rows: RowSpec[] = [['KONS-SENIOR', '1', '1', '25']];
    const error = mappingError(invoice(rows, ['90000000000000', '90000000000000', '1']));

    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error).toMatchObject({ field: 'totalIncludingTax', expected: '1.00', computed: '180000000000000.00' });
  });

  test('names rows and exact tolerance', () => {
    const rows = repeat(3, ['KONS-SENIOR', '1', '33.333', '25']);
    const error = mappingError(invoice(rows, ['100.02', '25.01', '125.03']));

    expect(error.message).toContain('totalExcludingTax is 100.02 NOK in Project Management');
    expect(error.message).toContain('the rows sum to 99.999 NOK, a difference of 0.021 NOK');
    expect(error.message).toContain('at most 0.015 NOK is accepted for the rounding of 3 rows');
  });

  test('says nothing needed rounding', () => {
    const error = mappingError(invoice([['KONS-SENIOR', '1', '10000', '25']], ['10000', '2500.50', '12500.50']));

    expect(error.message).toContain('the VAT of the rows is 2500.00 NOK, a difference of 0.50 NOK');
    expect(error.message).toContain('none is accepted because no VAT amount needed rounding');
  });
});

describe('zero amount invoices', () => {
  test.each<[string, RowSpec[], Totals, Partial<InvoiceForMapping>, string]>([
    [
      'plus and minus 100',
      [
        ['KONS-SENIOR', '1', '100', '25'],
        ['KONS-SENIOR', '-1', '100', '25'],
      ],
      ['0', '0', '0'],
      {},
      'totalIncludingTax is 0.00 NOK',
    ],
    ['rows rounding to zero', repeat(2, ['KONS-SENIOR', '1', '0.001', '25']), ['0', '0', '0'], {}, 'is 0.00 NOK'],
    ['text rows only', [[null, '1', '0', '25']], ['0', '0', '0'], {}, 'is 0.00 NOK'],
    ['zero credit note', [[null, '-1', '0', '25']], ['0', '0', '0'], { isCreditNote: true }, 'is 0.00 NOK'],
    [
      'zero after conversion',
      [['KURS-DAG', '1', '0.01', '0']],
      ['0.01', '0', '0.01'],
      { currencyCode: 'EUR', currencyRate: '0.1' },
      'totalIncludingTax 0.01 EUR is 0.00 NOK after conversion',
    ],
  ])('%s', (_name, rows, totals, overrides, detail) => {
    const error = mappingError(invoice(rows, totals, overrides));

    expect(error).toBeInstanceOf(ZeroAmountInvoiceError);
    expect(error.invoiceNumber).toBe('10023');
    expect(error.message).toMatch(/^Invoice 10023: /);
    expect(error.message).toContain(detail);
  });
});

describe('amounts too large', () => {
  const huge = '1' + '0'.repeat(300);

  test.each<[string, RowSpec[], Totals, Partial<InvoiceForMapping>, string, number | null]>([
    ['quantity of 301 digits', [['KONS-SENIOR', huge, '100', '25']], ['100', '25', '125'], {}, 'row 1 quantity', 1],
    ['quantity 1e300', [['KONS-SENIOR', '1e300', '100', '25']], ['100', '25', '125'], {}, 'row 1 quantity', 1],
    ['unit price 1e300', [['KONS-SENIOR', '1', '1e300', '25']], ['100', '25', '125'], {}, 'row 1 unit price', 1],
    ['VAT rate 1e300', [['KONS-SENIOR', '1', '100', '1e300']], ['100', '25', '125'], {}, 'row 1 VAT rate', 1],
    ['row amount', [['KONS-SENIOR', '1e15', '1e15', '25']], ['100', '25', '125'], {}, 'row 1 amount', 1],
    ['total', [['KONS-SENIOR', '1', '100', '25']], [huge, '25', '125'], {}, 'totalExcludingTax', null],
    [
      'sum of two rows',
      repeat(2, ['KONS-SENIOR', '1', '50000000000000', '25']),
      ['100', '25', '125'],
      {},
      'sum of rows 1, 2 on account 3000',
      2,
    ],
    [
      'group amount with VAT',
      [
        ['KONS-SENIOR', '1', '80000000000000', '25'],
        ['KURS-DAG', '-1', '80000000000000', '0'],
      ],
      ['0', '20000000000000', '20000000000000'],
      {},
      'amount on account 3000 (VAT code 3)',
      null,
    ],
    [
      'total after conversion',
      [['KURS-DAG', '1', '1000', '0']],
      ['1000', '0', '1000'],
      { currencyCode: 'EUR', currencyRate: '1e12' },
      'totalIncludingTax in NOK',
      null,
    ],
  ])('%s', (_name, rows, totals, overrides, field, rowNumber) => {
    const error = mappingError(invoice(rows, totals, overrides));

    expect(error).toBeInstanceOf(AmountTooLargeError);
    expect(error).toMatchObject({ invoiceNumber: '10023', field, rowNumber });
    expect(error.message).toMatch(/^Invoice 10023: .* is too large to post/);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).not.toMatch(/\d{41}/);
  });
});
