import { LedgerFacts, LedgerStatus, PaidStatus } from '../../src/domain/ledger';
import { pickPmStatus, PmStatusFlags, PmStatusNotFoundError } from '../../src/domain/pm-status';
import {
  compareLedgerStatus,
  deriveLedgerStatus,
  InvalidPaidStatusError,
  LedgerReading,
  VoucherNotFoundError,
} from '../../src/domain/status';

function facts(overrides: Partial<LedgerFacts>): LedgerFacts {
  return {
    waitingInBatch: false,
    batchNumber: 7,
    voucherNumber: 100023,
    customerTransactionPosted: false,
    openEntry: null,
    totalOre: 125000,
    ...overrides,
  };
}

describe('deriveLedgerStatus', () => {
  test.each<[string, Partial<LedgerFacts>, LedgerReading]>([
    ['waiting in batch', { waitingInBatch: true }, { status: 'Sent', remainingOre: 125000 }],
    ['credit note in batch', { waitingInBatch: true, totalOre: -125000 }, { status: 'Sent', remainingOre: -125000 }],
    [
      'fully open entry',
      { customerTransactionPosted: true, openEntry: { paidStatus: PaidStatus.FullyOpen, remainingOre: 125000 } },
      { status: 'Open', remainingOre: 125000 },
    ],
    [
      'partly paid entry',
      { customerTransactionPosted: true, openEntry: { paidStatus: PaidStatus.PartlyOpen, remainingOre: 25000 } },
      { status: 'Open', remainingOre: 25000 },
    ],
    [
      'settled late',
      { customerTransactionPosted: true, openEntry: { paidStatus: PaidStatus.SettledLate, remainingOre: 0 } },
      { status: 'Paid', remainingOre: 0 },
    ],
    [
      'settled on time',
      { customerTransactionPosted: true, openEntry: { paidStatus: PaidStatus.SettledOnTime, remainingOre: 0 } },
      { status: 'Paid', remainingOre: 0 },
    ],
    ['open entry gone', { customerTransactionPosted: true }, { status: 'Paid', remainingOre: 0 }],
    [
      'posted while batch listed',
      {
        waitingInBatch: true,
        customerTransactionPosted: true,
        openEntry: { paidStatus: PaidStatus.FullyOpen, remainingOre: 125000 },
      },
      { status: 'Open', remainingOre: 125000 },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(deriveLedgerStatus(facts(overrides))).toEqual(expected);
  });

  test('missing voucher is an error', () => {
    expect(() => deriveLedgerStatus(facts({}))).toThrow(VoucherNotFoundError);
  });

  test('unknown paid status is an error', () => {
    const openEntry = { paidStatus: 9 as PaidStatus, remainingOre: 100 };
    expect(() => deriveLedgerStatus(facts({ customerTransactionPosted: true, openEntry }))).toThrow(
      InvalidPaidStatusError,
    );
  });

  test.each<[string, PaidStatus, LedgerReading]>([
    ['paid status "1"', '1' as unknown as PaidStatus, { status: 'Open', remainingOre: 100 }],
    ['paid status "4"', '4' as unknown as PaidStatus, { status: 'Paid', remainingOre: 0 }],
  ])('%s read as number', (_name, paidStatus, expected) => {
    const openEntry = { paidStatus, remainingOre: 100 };
    expect(deriveLedgerStatus(facts({ customerTransactionPosted: true, openEntry }))).toEqual(expected);
  });

  test('missing voucher names invoice', () => {
    const attempt = () => deriveLedgerStatus(facts({}), '10023');

    expect(attempt).toThrow(VoucherNotFoundError);
    expect(attempt).toThrow(/^Invoice 10023: the voucher was not found in Visma Business/);
    expect(attempt).toThrow(expect.objectContaining({ invoiceNumber: '10023' }));
  });

  test('invalid paid status names invoice', () => {
    const openEntry = { paidStatus: 9 as PaidStatus, remainingOre: 100 };
    const attempt = () => deriveLedgerStatus(facts({ customerTransactionPosted: true, openEntry }), '10023');

    expect(attempt).toThrow(/^Invoice 10023: the open entry has paid status 9, but Visma Business uses 1 to 4$/);
    expect(attempt).toThrow(expect.objectContaining({ invoiceNumber: '10023', paidStatus: 9 }));
  });

  test('invalid string status says string', () => {
    const openEntry = { paidStatus: 'open' as unknown as PaidStatus, remainingOre: 100 };
    const attempt = () => deriveLedgerStatus(facts({ customerTransactionPosted: true, openEntry }), '10023');

    expect(attempt).toThrow(InvalidPaidStatusError);
    expect(attempt).toThrow(/paid status the string "open"/);
  });

  test('statuses are ordered Sent, Open, Paid', () => {
    expect(compareLedgerStatus('Sent', 'Open')).toBeLessThan(0);
    expect(compareLedgerStatus('Open', 'Paid')).toBeLessThan(0);
    expect(compareLedgerStatus('Paid', 'Sent')).toBeGreaterThan(0);
    expect(compareLedgerStatus('Open', 'Open')).toBe(0);
  });
});

describe('pickPmStatus', () => {
  const draft: PmStatusFlags = { guid: 'draft', name: 'Utkast', isActive: true };
  const sent: PmStatusFlags = { guid: 'sent', name: 'Sendt', isActive: true, isSent: true };
  const open: PmStatusFlags = {
    guid: 'open',
    name: 'Venter betaling',
    isActive: true,
    isSent: true,
    isWaitingPayment: true,
  };
  const paid: PmStatusFlags = { guid: 'paid', name: 'Betalt', isActive: true, isSent: true, isPaid: true };
  const organisation = [draft, paid, open, sent];

  test.each<[LedgerStatus, string]>([
    ['Sent', 'sent'],
    ['Open', 'open'],
    ['Paid', 'paid'],
  ])('%s picks %s by flags', (status, guid) => {
    expect(pickPmStatus(status, organisation).guid).toBe(guid);
  });

  test('names do not matter', () => {
    const misleading = [
      { ...sent, name: 'Betalt' },
      { ...paid, name: 'Sendt' },
    ];
    expect(pickPmStatus('Paid', misleading).guid).toBe('paid');
  });

  test('active status preferred', () => {
    const retired = { ...paid, guid: 'old-paid', isActive: false };
    expect(pickPmStatus('Paid', [retired, paid]).guid).toBe('paid');
  });

  test('inactive status used when alone', () => {
    const retired = { ...paid, guid: 'old-paid', isActive: false };
    expect(pickPmStatus('Paid', [retired]).guid).toBe('old-paid');
  });

  test('sent flag preferred for Open', () => {
    const unsentOpen = { ...open, guid: 'open-unsent', isSent: false };
    expect(pickPmStatus('Open', [unsentOpen, open]).guid).toBe('open');
  });

  test('first fitting status wins ties', () => {
    const second = { ...sent, guid: 'sent-2' };
    expect(pickPmStatus('Sent', [sent, second]).guid).toBe('sent');
  });

  test('paid status never counts as Open', () => {
    const paidWaiting = { ...paid, isWaitingPayment: true };
    expect(() => pickPmStatus('Open', [draft, sent, paidWaiting])).toThrow(PmStatusNotFoundError);
  });

  test('missing status names the flags', () => {
    expect(() => pickPmStatus('Open', [draft, sent, paid])).toThrow(/waiting for payment, not paid/);
  });
});
