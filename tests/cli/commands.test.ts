import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Voucher } from '../../src/domain/voucher';
import { sumVoucherSides } from '../../src/domain/voucher-balance';
import { seedPostingData } from '../fixtures/seed-posting';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'journal-import.js');
const fixtures = join(root, 'tests', 'fixtures', 'preview');
const invoiceFile = join(fixtures, 'invoice.json');
const eurInvoiceFile = join(fixtures, 'invoice-eur.json');
const postingFile = join(fixtures, 'posting.json');

/** Runs the real command line as a child process and returns its exit status and output. */
function run(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe('journal-import kid', () => {
  test('make and check agree', () => {
    const kid = run('kid', 'make', '--invoice', '10023', '--customer', '10001');
    expect(kid.status).toBe(0);
    expect(kid.stdout).toBe('10023100018');

    const checked = run('kid', 'check', kid.stdout);
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(/^valid:/);
  });

  test('changed digit is invalid', () => {
    const checked = run('kid', 'check', '10023100028');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/^invalid: .*expects 6/);
  });

  test('changed check digit is invalid', () => {
    const checked = run('kid', 'check', '10023100019');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain('10023100018');
  });

  test('MOD11 dash round trip', () => {
    const kid = run('kid', 'make', '--invoice', '10024', '--customer', '10001', '--algorithm', 'mod11');
    expect(kid.stdout).toBe('1002410001-');

    expect(run('kid', 'check', kid.stdout, '--algorithm', 'mod11').status).toBe(0);
    expect(run('kid', 'check', kid.stdout).status).toBe(1);
  });

  test('fixed widths pad numbers', () => {
    const kid = run('kid', 'make', '--invoice', '10023', '--customer', '10001', '--invoice-digits', '9');
    expect(kid.stdout).toBe('000010023100018');
    expect(run('kid', 'check', kid.stdout).status).toBe(0);
  });

  test('wrong length is invalid', () => {
    const checked = run('kid', 'check', '12345678901234567890123455');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain('26 characters');
  });

  test('layout mismatch is invalid', () => {
    const checked = run('kid', 'check', '10023100018', '--invoice', '10023', '--customer', '10002');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain('10023100026');
  });

  test('wrong digit shows layout KID', () => {
    const checked = run('kid', 'check', '10023100019', '--invoice', '10023', '--customer', '10002');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain('the KID of invoice 10023 for customer 10002 is 10023100026');
    expect(checked.stdout).not.toContain('10023100018');
  });

  test('one character is singular', () => {
    const checked = run('kid', 'check', '5');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain('has 1 character, but a KID has 2 to 25');
  });

  test('MOD10 dash hints MOD11', () => {
    const checked = run('kid', 'check', '1002410001-');

    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain("a KID ending in '-' may be a MOD11 KID");
  });

  test.each<[string, string[]]>([
    ['missing KID', ['kid', 'check']],
    ['invoice width without invoice', ['kid', 'check', '10023100018', '--invoice-digits', '9']],
    ['customer width without customer', ['kid', 'check', '10023100018', '--customer-digits', '10']],
    ['unknown algorithm', ['kid', 'check', '10023100018', '--algorithm', 'mod12']],
    ['letters in invoice', ['kid', 'make', '--invoice', '10O23', '--customer', '10001']],
    ['missing customer', ['kid', 'make', '--invoice', '10023']],
    ['width out of range', ['kid', 'make', '--invoice', '10023', '--customer', '10001', '--invoice-digits', '10']],
    ['payload too long', ['kid', 'make', '--invoice', '1234567890123', '--customer', '123456789012345']],
  ])('usage error: %s', (_name, args) => {
    const result = run(...args);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error/);
  });
});

describe('journal-import preview', () => {
  let tempDir: string;

  beforeAll(() => {
    tempDir = mkdtempSync(join(tmpdir(), 'preview-'));
  });

  afterAll(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  test('posting fixture matches sandbox', () => {
    expect(JSON.parse(readFileSync(postingFile, 'utf8'))).toEqual(seedPostingData());
  });

  test('table shows balanced voucher', () => {
    const result = run('preview', '--invoice-file', invoiceFile, '--posting-file', postingFile);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Debit 30792.25 NOK, credit 30792.25 NOK: balanced');
    expect(result.stdout).toMatch(/1\s+debit\s+1 customer\s+10001\s+30792\.25\s+0\.00\s+30792\.25/);
    expect(result.stdout).toMatch(/2\s+credit\s+3 ledger\s+3000\s+3\s+20725\.00\s+5181\.25\s+25906\.25/);
  });

  test('JSON output is the voucher', () => {
    const result = run('preview', '--invoice-file', eurInvoiceFile, '--posting-file', postingFile, '--json');
    expect(result.status).toBe(0);

    const voucher = JSON.parse(result.stdout) as Voucher;
    const sums = sumVoucherSides(voucher);
    expect(sums.debitOre).toBe(374009);
    expect(sums.creditOre).toBe(374009);
    expect(voucher.key).toEqual({ client: 'preview', invoiceNumber: '10024', customerNumber: '10002' });
    expect(voucher.lines[0].currency).toEqual({ code: 'EUR', rate: '11.4523', amountMinor: 32658 });
  });

  test('mapping error exits 1', () => {
    const invoice = JSON.parse(readFileSync(invoiceFile, 'utf8'));
    invoice.rows[0].vatRate = 14;
    const file = join(tempDir, 'vat-14.json');
    writeFileSync(file, JSON.stringify(invoice));

    const result = run('preview', '--invoice-file', file, '--posting-file', postingFile);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invoice 10023: row 1 (product KONS-SENIOR) has VAT rate 14 %');
    expect(result.stdout).toBe('');
  });

  test.each<[string, (invoice: { invoice: Record<string, unknown>; rows: Record<string, unknown>[] }) => void, string]>(
    [
      [
        'total off by one øre',
        (file) => {
          file.invoice.totalExcludingTax = { amount: 25035.01, currencyCode: 'NOK' };
          file.invoice.totalIncludingTax = { amount: 30792.26, currencyCode: 'NOK' };
        },
        'Invoice 10023: totalExcludingTax is 25035.01 NOK in Project Management, but the rows sum to 25035.00 NOK',
      ],
      [
        'totals that disagree',
        (file) => {
          file.invoice.totalIncludingTax = { amount: 30792.26, currencyCode: 'NOK' };
        },
        'totalExcludingTax 25035.00 NOK plus totalTax 5757.25 NOK is 30792.25 NOK',
      ],
      [
        'impossible date',
        (file) => {
          file.invoice.date = '2025-02-30';
        },
        'Invoice 10023: date is not a real calendar date',
      ],
      [
        'huge quantity',
        (file) => {
          file.rows[0].quantity = 1e300;
        },
        'Invoice 10023: row 1 quantity "10000000000000000000…" (301 characters) is too large to post',
      ],
    ],
  )('rejected invoice: %s', (name, change, message) => {
    const invoice = JSON.parse(readFileSync(invoiceFile, 'utf8'));
    change(invoice);
    const file = join(tempDir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(invoice));

    const result = run('preview', '--invoice-file', file, '--posting-file', postingFile);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr.length).toBeLessThan(400);
    expect(result.stdout).toBe('');
  });

  test('inconsistent posting file exits 1', () => {
    const posting = JSON.parse(readFileSync(postingFile, 'utf8'));
    posting.vatCodes['3'].code = '99';
    const file = join(tempDir, 'posting-code-99.json');
    writeFileSync(file, JSON.stringify(posting));

    const result = run('preview', '--invoice-file', invoiceFile, '--posting-file', file);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is "99", but the VAT code is keyed "3"');
  });

  test('invalid invoice file exits 1', () => {
    const file = join(tempDir, 'no-rows.json');
    writeFileSync(file, JSON.stringify({ invoice: { guid: 'x' } }));

    const result = run('preview', '--invoice-file', file, '--posting-file', postingFile);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('does not have the expected shape');
  });

  test('missing file exits 1', () => {
    const result = run('preview', '--invoice-file', join(tempDir, 'absent.json'), '--posting-file', postingFile);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot be read (ENOENT)');
  });

  test('missing option is usage error', () => {
    expect(run('preview', '--invoice-file', invoiceFile).status).toBe(2);
  });
});
