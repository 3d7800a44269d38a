import { parseRetryAfter } from '../../src/project-management/retry-after';
import { convertFromNok, divideRounded, invoiceTotals, rowNetMinor } from '../../src/sandbox/pm-simulator/amounts';
import { pmKid } from '../../src/sandbox/pm-simulator/kid';

describe('simulator amounts', () => {
  test('rounds half away from zero', () => {
    expect(divideRounded(5n, 10n)).toBe(1n);
    expect(divideRounded(-5n, 10n)).toBe(-1n);
    expect(divideRounded(4n, 10n)).toBe(0n);
    expect(divideRounded(-15n, 10n)).toBe(-2n);
  });

  test('row amount rounds to øre', () => {
    expect(rowNetMinor('0.5', '0.01')).toBe(1n);
    expect(rowNetMinor('-0.5', '0.01')).toBe(-1n);
    expect(rowNetMinor('7.5', '1650.00')).toBe(1_237_500n);
  });

  test('VAT is rounded per rate', () => {
    const totals = invoiceTotals([
      { quantity: '1', unitPrice: '0.02', vatRatePercent: '25' },
      { quantity: '1', unitPrice: '0.02', vatRatePercent: '25' },
      { quantity: '1', unitPrice: '0.10', vatRatePercent: '15' },
    ]);

    // 25 % of 0.04 is exactly 0.01, and 15 % of 0.10 is 0.015, which rounds to 0.02.
    expect(totals.netMinor).toBe(14n);
    expect(totals.taxMinor).toBe(3n);
    expect(totals.grossMinor).toBe(17n);
  });

  test('converts NOK price to EUR', () => {
    expect(convertFromNok('1650.00', '11.5')).toBe('143.48');
  });

  test('KID has MOD10 check digit', () => {
    // Payload 12345: from the right 5×2 → 1, 4, 3×2 = 6, 2, 1×2 = 2; the sum 15 needs check digit 5.
    expect(pmKid(123, '45')).toBe('123455');
    // Payload 1000110003: from the right 3×2 = 6, then 1×2 = 2 and 1; the sum 10 needs check digit 0.
    expect(pmKid(10001, '10003')).toBe('10001100030');
  });
});

describe('Retry-After parsing', () => {
  const now = Date.parse('2025-10-01T12:00:00Z');

  test('reads delay seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  test('reads HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Oct 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 Oct 2025 11:00:00 GMT', now)).toBe(0);
  });

  test('ignores absent or unreadable value', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-3', now)).toBeNull();
  });
});
