import type { InvoiceForMapping } from '../../src/domain/invoice';
import { mapInvoiceToVoucher } from '../../src/domain/mapping';
import {
  ColumnOverflowError,
  InvalidInvoiceValueError,
  MappingError,
  MissingCurrencyRateError,
  MissingCustomerNumberError,
  NegativeAmountError,
  PositiveCreditNoteError,
  PostingGroupNotFoundError,
  TotalsMismatchError,
  VatCodeNotFoundError,
  VatRateNotInGroupError,
} from '../../src/domain/mapping-errors';
import type { PostingData } from '../../src/domain/posting';
import { sumVoucherSides } from '../../src/domain/voucher-balance';
import { invoice, RowSpec, summary, Totals } from '../fixtures/mapping-invoice';
import { seedPostingData } from '../fixtures/seed-posting';

const posting = seedPostingData();

describe('mapInvoiceToVoucher', () => {
  test.each<[string, RowSpec[], Totals, Partial<InvoiceForMapping>, unknown[][]]>([
    [
      'Visma documented example',
      [['KONS-SENIOR', '1', '1000', '25']],
      ['1000', '250', '1250'],
      {},
      [
        ['debit', 1, '10001', null, 125000, 0, 125000],
        ['credit', 3, '3000', '3', 100000, 25000, 125000],
      ],
    ],
    [
      'mixed VAT rates',
      [
        ['KONS-SENIOR', '2', '1650.00', '25'],
        ['KURS-LUNSJ', '10', '245.00', '15'],
        ['REISE-FLY', '1', '2350.00', '12'],
        ['KURS-DAG', '1', '7900.00', '0'],
      ],
      ['16000.00', '1474.50', '17474.50'],
      {},
      [
        ['debit', 1, '10001', null, 1747450, 0, 1747450],
        ['credit', 3, '3000', '3', 330000, 82500, 412500],
        ['credit', 3, '3010', '31', 245000, 36750, 281750],
        ['credit', 3, '3020', '33', 235000, 28200, 263200],
        ['credit', 3, '3200', '6', 790000, 0, 790000],
      ],
    ],
    [
      'rows summed per account',
      [
        ['KONS-SENIOR', '7.5', '1650.00', '25'],
        ['KONS-JUNIOR', '12', '1150.00', '25'],
        ['REISE-TOG', '2', '649.00', '12'],
        ['REISE-FLY', '1', '2350.00', '25'],
      ],
      ['29823.00', '7287.01', '37110.01'],
      {},
      [
        ['debit', 1, '10001', null, 3711001, 0, 3711001],
        ['credit', 3, '3000', '3', 2852500, 713125, 3565625],
        ['credit', 3, '3020', '33', 129800, 15576, 145376],
      ],
    ],
    [
      'unknown product uses default group',
      [
        ['DIV-UTLEGG', '3', '100.00', '25'],
        [null, '1', '50.00', '15'],
      ],
      ['350.00', '82.50', '432.50'],
      {},
      [
        ['debit', 1, '10001', null, 43250, 0, 43250],
        ['credit', 3, '3000', '3', 30000, 7500, 37500],
        ['credit', 3, '3010', '31', 5000, 750, 5750],
      ],
    ],
    [
      'credit note mirrors invoice',
      [['KONS-SENIOR', '-1', '1000', '25']],
      ['-1000', '-250', '-1250'],
      { isCreditNote: true },
      [
        ['debit', 3, '3000', '3', 100000, 25000, 125000],
        ['credit', 1, '10001', null, 125000, 0, 125000],
      ],
    ],
    [
      'three rows of 33.33, VAT per row',
      [
        ['KONS-SENIOR', '1', '33.33', '25'],
        ['KONS-SENIOR', '1', '33.33', '25'],
        ['KONS-SENIOR', '1', '33.33', '25'],
      ],
      ['99.99', '24.99', '124.98'],
      {},
      [
        ['debit', 1, '10001', null, 12498, 0, 12498],
        ['credit', 3, '3000', '3', 9999, 2499, 12498],
      ],
    ],
    [
      'three rows of 33.33, VAT on total',
      [
        ['KONS-SENIOR', '1', '33.33', '25'],
        ['KONS-SENIOR', '1', '33.33', '25'],
        ['KONS-SENIOR', '1', '33.33', '25'],
      ],
      ['99.99', '25.00', '124.99'],
      {},
      [
        ['debit', 1, '10001', null, 12499, 0, 12499],
        ['credit', 3, '3000', '3', 9999, 2500, 12499],
      ],
    ],
    [
      'thirds of 100 over three accounts',
      [
        ['KONS-SENIOR', '1', '33.333', '25'],
        ['KURS-LUNSJ', '1', '33.333', '15'],
        ['KURS-DAG', '1', '33.334', '0'],
      ],
      ['100.00', '13.33', '113.33'],
      {},
      [
        ['debit', 1, '10001', null, 11333, 0, 11333],
        ['credit', 3, '3000', '3', 3333, 833, 4166],
        ['credit', 3, '3010', '31', 3333, 500, 3833],
        ['credit', 3, '3200', '6', 3334, 0, 3334],
      ],
    ],
    [
      'discount row in same group',
      [
        ['KONS-SENIOR', '10', '1650.00', '25'],
        ['KONS-SENIOR', '1', '-1650.00', '25'],
      ],
      ['14850.00', '3712.50', '18562.50'],
      {},
      [
        ['debit', 1, '10001', null, 1856250, 0, 1856250],
        ['credit', 3, '3000', '3', 1485000, 371250, 1856250],
      ],
    ],
    [
      'discount at its own rate',
      [
        ['KONS-SENIOR', '2', '1000.00', '25'],
        ['KURS-LUNSJ', '-1', '100.00', '15'],
      ],
      ['1900.00', '485.00', '2385.00'],
      {},
      [
        ['debit', 1, '10001', null, 238500, 0, 238500],
        ['debit', 3, '3010', '31', 10000, 1500, 11500],
        ['credit', 3, '3000', '3', 200000, 50000, 250000],
      ],
    ],
    [
      'text rows are skipped',
      [
        ['KONS-SENIOR', '1', '1000', '25'],
        [null, '0', '0', '7'],
        ['KURS-DAG', '0', '7900.00', '25'],
      ],
      ['1000', '250', '1250'],
      {},
      [
        ['debit', 1, '10001', null, 125000, 0, 125000],
        ['credit', 3, '3000', '3', 100000, 25000, 125000],
      ],
    ],
  ])('%s', (_name, rows, totals, overrides, expected) => {
    const voucher = mapInvoiceToVoucher(invoice(rows, totals, overrides), posting);

    expect(summary(voucher)).toEqual(expected);
    const sums = sumVoucherSides(voucher);
    expect(sums.debitOre).toBe(sums.creditOre);
    expect(voucher.lines.map((line) => line.lineNumber)).toEqual(voucher.lines.map((_line, index) => index + 1));
  });

  test('Visma example voucher fields', () => {
    const voucher = mapInvoiceToVoucher(
      invoice([['KONS-SENIOR', '1', '1000', '25']], ['1000', '250', '1250']),
      posting,
    );

    expect(voucher.key).toEqual({ client: 'fjelltopp', invoiceNumber: '10023', customerNumber: '10001' });
    expect(voucher.voucherType).toBe(11);
    expect(voucher.voucherDate).toBe('2025-03-03');
    expect(voucher.valueDate).toBe('2025-03-03');
    expect(voucher.isCreditNote).toBe(false);
    expect(voucher.text).toBe('Faktura 10023 Fjordkraft Rådgivning AS');
  });

  test('customer line carries receivable fields', () => {
    const voucher = mapInvoiceToVoucher(
      invoice([['KONS-SENIOR', '1', '1000', '25']], ['1000', '250', '1250']),
      posting,
    );
    const [customer, revenue] = voucher.lines;

    expect(customer.invoiceNumber).toBe('10023');
    expect(customer.dueDate).toBe('2025-03-17');
    expect(customer.kid).toBe('10023100018');
    expect(customer.currency).toBeNull();
    expect(revenue.invoiceNumber).toBeNull();
    expect(revenue.dueDate).toBeNull();
    expect(revenue.kid).toBeNull();
    expect(revenue.text).toBe('Faktura 10023 Fjordkraft Rådgivning AS');
  });

  test('credit note text and flag', () => {
    const creditNote = invoice([['KONS-SENIOR', '-1', '1000', '25']], ['-1000', '-250', '-1250'], {
      isCreditNote: true,
    });
    const voucher = mapInvoiceToVoucher(creditNote, posting);

    expect(voucher.isCreditNote).toBe(true);
    expect(voucher.text).toBe('Kreditnota 10023 Fjordkraft Rådgivning AS');
    expect(voucher.lines[1].kid).toBe('10023100018');
  });

  test('EUR invoice converts to NOK', () => {
    const rows: RowSpec[] = [
      ['KONS-SENIOR', '1', '33.33', '25'],
      ['KONS-SENIOR', '1', '33.33', '25'],
      ['KONS-SENIOR', '1', '33.33', '25'],
      ['REISE-FLY', '1', '180.00', '12'],
    ];
    const eur = invoice(rows, ['279.99', '46.59', '326.58'], { currencyCode: 'EUR', currencyRate: '11.4523' });
    const voucher = mapInvoiceToVoucher(eur, posting);

    // PM's VAT of 46.59 EUR is 1 cent below 25.00 + 21.60, taken from the 25 % group, whose 24.9975 rounded up.
    // In NOK, 326.58 × 11.4523 = 3740.092..., 124.98 × 11.4523 = 1431.308... and 201.60 × 11.4523 = 2308.783...
    // round to 3740.09, 1431.31 and 2308.78, which balance.
    expect(summary(voucher)).toEqual([
      ['debit', 1, '10001', null, 374009, 0, 374009],
      ['credit', 3, '3000', '3', 114512, 28619, 143131],
      ['credit', 3, '3020', '33', 206141, 24737, 230878],
    ]);
    expect(voucher.lines.map((line) => line.currency)).toEqual([
      { code: 'EUR', rate: '11.4523', amountMinor: 32658 },
      { code: 'EUR', rate: '11.4523', amountMinor: 12498 },
      { code: 'EUR', rate: '11.4523', amountMinor: 20160 },
    ]);
  });

  test('EUR rounding difference is balanced', () => {
    // Both revenue lines are 0.005 NOK and round up to 1 øre, but the customer total of 0.01 NOK is 1 øre,
    // so one revenue line gives its øre back.
    const rows: RowSpec[] = [
      ['KONS-SENIOR', '1', '0.04', '0'],
      ['KURS-DAG', '1', '0.04', '0'],
    ];
    const eur = invoice(rows, ['0.08', '0', '0.08'], { currencyCode: 'EUR', currencyRate: '0.125' });
    const voucher = mapInvoiceToVoucher(eur, posting);

    expect(summary(voucher)).toEqual([
      ['debit', 1, '10001', null, 1, 0, 1],
      ['credit', 3, '3100', '5', 0, 0, 0],
      ['credit', 3, '3200', '6', 1, 0, 1],
    ]);
    expect(voucher.lines[1].currency?.amountMinor).toBe(4);
  });

  test('NOK rate is ignored', () => {
    const nok = invoice([['KONS-SENIOR', '1', '1000', '25']], ['1000', '250', '1250'], { currencyRate: '1' });
    const voucher = mapInvoiceToVoucher(nok, posting);

    expect(voucher.lines.every((line) => line.currency === null)).toBe(true);
  });

  test('long text cut to Txt', () => {
    const longName = 'Nordlys Eiendom og Utleie av Næringsbygg Bodø🏔️ AS';
    const voucher = mapInvoiceToVoucher(
      invoice([['KONS-SENIOR', '1', '1000', '25']], ['1000', '250', '1250'], { customerName: longName }),
      posting,
    );

    expect(voucher.text).toBe('Faktura 10023 Nordlys Eiendom og Utleie av Næringsbygg Bodø');
    expect(voucher.lines.every((line) => line.text === voucher.text)).toBe(true);
  });

  test('25-digit KID passes through', () => {
    const kid = '1234567890123456789012340';
    const voucher = mapInvoiceToVoucher(
      invoice([['KONS-SENIOR', '1', '1000', '25']], ['1000', '250', '1250'], { kid }),
      posting,
    );

    expect(voucher.lines[0].kid).toBe(kid);
  });
});

describe('mapInvoiceToVoucher rejects', () => {
  const oneRow: RowSpec[] = [['KONS-SENIOR', '1', '1000', '25']];
  const oneRowTotals: Totals = ['1000', '250', '1250'];

  function mappingError(source: InvoiceForMapping, data: PostingData = posting): MappingError {
    try {
      mapInvoiceToVoucher(source, data);
    } catch (error) {
      if (error instanceof MappingError) return error;
      throw error;
    }
    throw new Error('expected a MappingError');
  }

  test('VAT rate not in group', () => {
    const error = mappingError(
      invoice(
        [
          ['KONS-SENIOR', '1', '1000', '25'],
          ['KURS-DAG', '1', '7900', '25'],
        ],
        ['8900', '2225', '11125'],
      ),
    );

    expect(error).toBeInstanceOf(VatRateNotInGroupError);
    expect(error.name).toBe('VatRateNotInGroupError');
    expect(error).toMatchObject({
      invoiceNumber: '10023',
      rowNumber: 2,
      productCode: 'KURS-DAG',
      vatRatePercent: '25',
      groupNumber: '3',
      groupRates: ['0'],
    });
    expect(error.message).toMatch(/^Invoice 10023: row 2 \(product KURS-DAG\) has VAT rate 25 %/);
  });

  test('totals beyond row rounding', () => {
    const error = mappingError(invoice(oneRow, ['1000.02', '250', '1250.02']));

    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error).toMatchObject({
      field: 'totalExcludingTax',
      expected: '1000.02',
      computed: '1000.00',
      tolerance: '0.00',
    });
  });

  test('VAT beyond row rounding', () => {
    const error = mappingError(invoice(oneRow, ['1000', '252', '1252']));

    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error).toMatchObject({ field: 'totalTax', expected: '252.00', computed: '250.00' });
  });

  test('totals that do not add up', () => {
    const error = mappingError(invoice(oneRow, ['1000', '250', '1250.01']));

    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error).toMatchObject({ field: 'totalIncludingTax', expected: '1250.01', computed: '1250.00' });
  });

  test('VAT on exempt rows only', () => {
    const error = mappingError(invoice([['KURS-DAG', '1', '7900', '0']], ['7900', '0.01', '7900.01']));

    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error).toMatchObject({ field: 'totalTax', tolerance: '0.00' });
  });

  test('credit note mismatch in PM sign', () => {
    const creditNote = invoice([['KONS-SENIOR', '-1', '1000', '25']], ['-1000.05', '-250', '-1250.05'], {
      isCreditNote: true,
    });
    const error = mappingError(creditNote);

    expect(error).toMatchObject({ field: 'totalExcludingTax', expected: '-1000.05', computed: '-1000.00' });
  });

  test('missing customer number', () => {
    for (const customerNumber of [null, '', '  ']) {
      const error = mappingError(invoice(oneRow, oneRowTotals, { customerNumber }));
      expect(error).toBeInstanceOf(MissingCustomerNumberError);
    }
  });

  test('missing currency rate', () => {
    const error = mappingError(invoice(oneRow, oneRowTotals, { currencyCode: 'EUR', currencyRate: null }));

    expect(error).toBeInstanceOf(MissingCurrencyRateError);
    expect(error).toMatchObject({ currencyCode: 'EUR' });
  });

  test.each<[string, Partial<InvoiceForMapping>]>([
    ['zero rate', { currencyCode: 'EUR', currencyRate: '0' }],
    ['unreadable rate', { currencyCode: 'EUR', currencyRate: '11,45' }],
    ['bad currency code', { currencyCode: 'EURO' }],
  ])('invalid currency: %s', (_name, overrides) => {
    expect(mappingError(invoice(oneRow, oneRowTotals, overrides))).toBeInstanceOf(InvalidInvoiceValueError);
  });

  test('unreadable quantity', () => {
    const error = mappingError(invoice([['KONS-SENIOR', 'one', '1000', '25']], oneRowTotals));

    expect(error).toBeInstanceOf(InvalidInvoiceValueError);
    expect(error).toMatchObject({ field: 'row 1 quantity', value: 'one' });
  });

  test('negative invoice total', () => {
    const error = mappingError(invoice([['KONS-SENIOR', '-1', '1000', '25']], ['-1000', '-250', '-1250']));

    expect(error).toBeInstanceOf(NegativeAmountError);
    expect(error).toMatchObject({ field: 'totalExcludingTax', value: '-1000' });
  });

  test('positive credit note total', () => {
    const error = mappingError(invoice(oneRow, oneRowTotals, { isCreditNote: true }));

    expect(error).toBeInstanceOf(PositiveCreditNoteError);
  });

  test('group without sales accounts', () => {
    const groups = { ...posting.groups, 3: { groupNumber: '3', salesAccounts: [] } };
    const error = mappingError(invoice([['KURS-DAG', '1', '7900', '0']], ['7900', '0', '7900']), {
      ...posting,
      groups,
    });

    expect(error).toBeInstanceOf(VatRateNotInGroupError);
    expect(error.message).toContain('has VAT rate 0 %, but tax and accounting group 3 has no sales accounts;');
    expect(error.message).not.toContain('carries only no');
  });

  test('group missing from posting data', () => {
    const { 3: _exempt, ...groups } = posting.groups;
    const error = mappingError(invoice([['KURS-DAG', '1', '7900', '0']], ['7900', '0', '7900']), {
      ...posting,
      groups,
    });

    expect(error).toBeInstanceOf(PostingGroupNotFoundError);
    expect(error).toMatchObject({ rowNumber: 1, groupNumber: '3' });
  });

  test('VAT code missing from posting data', () => {
    const { 3: _standard, ...vatCodes } = posting.vatCodes;
    const error = mappingError(invoice(oneRow, oneRowTotals), { ...posting, vatCodes });

    expect(error).toBeInstanceOf(VatCodeNotFoundError);
    expect(error).toMatchObject({ groupNumber: '1', vatCode: '3' });
  });

  test('product code named like a prototype key', () => {
    const voucher = mapInvoiceToVoucher(invoice([['constructor', '1', '1000', '25']], oneRowTotals), posting);

    expect(voucher.lines[1].accountNumber).toBe('3000');
  });

  test('KID longer than CID', () => {
    const error = mappingError(invoice(oneRow, oneRowTotals, { kid: '1'.repeat(31) }));

    expect(error).toBeInstanceOf(ColumnOverflowError);
    expect(error).toMatchObject({ column: 'CID', width: 30 });
  });
});
