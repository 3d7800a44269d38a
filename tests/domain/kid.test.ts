import {
  checkKid,
  InvalidKidPayloadError,
  KidAlgorithm,
  KidCheckResult,
  makeKid,
  mod10CheckDigit,
  mod11CheckDigit,
} from '../../src/domain/kid';
import { checkInvoiceKid, InvalidKidLayoutError, KidLayout, makeLayoutKid } from '../../src/domain/kid-layout';

describe('check digits', () => {
  test.each<[string, string]>([
    ['7992739871', '3'],
    ['1234567890', '3'],
    ['1002310001', '8'],
    ['123456789012345678901234', '0'],
    ['0', '0'],
    ['9', '1'],
  ])('MOD10 of %s is %s', (payload, expected) => {
    expect(mod10CheckDigit(payload)).toBe(expected);
  });

  test.each<[string, string]>([
    ['1002310001', '6'],
    ['1002410001', '-'],
    ['1004510001', '-'],
    ['1002710001', '0'],
    ['123456789012345678901234', '1'],
  ])('MOD11 of %s is %s', (payload, expected) => {
    expect(mod11CheckDigit(payload)).toBe(expected);
  });
});

describe('makeKid', () => {
  test('appends the check digit', () => {
    expect(makeKid('1002310001', 'mod10')).toBe('10023100018');
  });

  test('builds a 25-digit KID', () => {
    const kid = makeKid('123456789012345678901234', 'mod10');
    expect(kid).toBe('1234567890123456789012340');
    expect(kid).toHaveLength(25);
  });

  test('MOD11 KID ends in a dash', () => {
    expect(makeKid('1002410001', 'mod11')).toBe('1002410001-');
  });

  test.each<[string]>([[''], ['12a4'], ['１２'], ['1234567890123456789012345']])('rejects payload %p', (payload) => {
    expect(() => makeKid(payload, 'mod10')).toThrow(InvalidKidPayloadError);
  });
});

describe('checkKid', () => {
  test.each<[string, KidAlgorithm, KidCheckResult]>([
    ['10023100018', 'mod10', { kind: 'valid' }],
    ['1234567890123456789012340', 'mod10', { kind: 'valid' }],
    ['1002410001-', 'mod11', { kind: 'valid' }],
    ['10023100016', 'mod11', { kind: 'valid' }],
    ['00', 'mod10', { kind: 'valid' }],
    ['10023100017', 'mod10', { kind: 'wrong-check-digit', actual: '7', expected: '8', expectedKid: '10023100018' }],
    ['10023100028', 'mod10', { kind: 'wrong-check-digit', actual: '8', expected: '6', expectedKid: '10023100026' }],
    ['10024100015', 'mod11', { kind: 'wrong-check-digit', actual: '5', expected: '-', expectedKid: '1002410001-' }],
    ['1002310001-', 'mod10', { kind: 'not-digits', kid: '1002310001-' }],
    ['10023-10001', 'mod11', { kind: 'not-digits', kid: '10023-10001' }],
    ['1002 3100018', 'mod10', { kind: 'not-digits', kid: '1002 3100018' }],
    ['', 'mod10', { kind: 'not-digits', kid: '' }],
    ['7', 'mod10', { kind: 'wrong-length', length: 1 }],
    ['12345678901234567890123455', 'mod10', { kind: 'wrong-length', length: 26 }],
  ])('%p under %s', (kid, algorithm, expected) => {
    expect(checkKid(kid, algorithm)).toEqual(expected);
  });

  test('every single-digit change is caught', () => {
    const kid = '1234567890123456789012340';
    for (let position = 0; position < kid.length; position++) {
      const changed = kid.slice(0, position) + String((Number(kid[position]) + 1) % 10) + kid.slice(position + 1);
      expect(checkKid(changed, 'mod10').kind).toBe('wrong-check-digit');
    }
  });
});

describe('KID layout', () => {
  const pm: KidLayout = { algorithm: 'mod10', invoiceDigits: null, customerDigits: null };
  const fixed: KidLayout = { algorithm: 'mod10', invoiceDigits: 9, customerDigits: 10 };

  test.each<[KidLayout, string, string, string]>([
    [pm, '10023', '10001', '10023100018'],
    [fixed, '10023', '10001', '00001002300000100016'],
    [{ algorithm: 'mod10', invoiceDigits: 8, customerDigits: 7 }, '123456789', '10001', '234567890010001' + '0'],
    [{ algorithm: 'mod11', invoiceDigits: null, customerDigits: null }, '10024', '10001', '1002410001-'],
    [{ algorithm: 'mod10', invoiceDigits: 6, customerDigits: null }, '10023', '10001', '010023100018'],
  ])('layout %j builds KID for %s and %s', (layout, invoiceNumber, customerNumber, expected) => {
    expect(makeLayoutKid(layout, invoiceNumber, customerNumber)).toBe(expected);
  });

  test.each<[KidLayout, string, string]>([
    [pm, '10 023', '10001'],
    [pm, '10023', ''],
    [{ algorithm: 'mod10', invoiceDigits: 10, customerDigits: null }, '10023', '10001'],
    [{ algorithm: 'mod10', invoiceDigits: null, customerDigits: 11 }, '10023', '10001'],
    [{ algorithm: 'mod10', invoiceDigits: 0, customerDigits: null }, '10023', '10001'],
    [{ algorithm: 'mod10', invoiceDigits: 2.5, customerDigits: null }, '10023', '10001'],
  ])('layout %j rejects %p and %p', (layout, invoiceNumber, customerNumber) => {
    expect(() => makeLayoutKid(layout, invoiceNumber, customerNumber)).toThrow(InvalidKidLayoutError);
  });

  test.each<[string, KidLayout, KidCheckResult]>([
    ['10023100018', pm, { kind: 'valid' }],
    ['00001002300000100016', fixed, { kind: 'valid' }],
    ['10023100018', fixed, { kind: 'layout-mismatch', expectedKid: '00001002300000100016' }],
    ['10024100017', pm, { kind: 'layout-mismatch', expectedKid: '10023100018' }],
    ['10023100019', pm, { kind: 'wrong-check-digit', actual: '9', expected: '8', expectedKid: '10023100018' }],
    ['1', pm, { kind: 'wrong-length', length: 1 }],
  ])('invoice KID %s against %j', (kid, layout, expected) => {
    expect(checkInvoiceKid(kid, layout, '10023', '10001')).toEqual(expected);
  });

  test('wrong check digit gives layout KID', () => {
    // 10023100019 with its check digit corrected is customer 10001's KID; customer 10002's is 10023100026.
    expect(checkInvoiceKid('10023100019', pm, '10023', '10002')).toEqual({
      kind: 'wrong-check-digit',
      actual: '9',
      expected: '8',
      expectedKid: '10023100026',
    });
  });
});
