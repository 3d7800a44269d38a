import {
  AmountOutOfRangeError,
  compareDecimals,
  formatDecimal,
  formatMinorUnits,
  formatOre,
  InvalidDecimalError,
  multiplyDecimals,
  parseDecimal,
  parseOre,
  percentOf,
  roundDecimal,
  toMinorUnits,
} from '../../src/domain/money';

describe('parseOre', () => {
  test.each<[string | number, number]>([
    ['1250', 125000],
    ['1250.5', 125050],
    ['1250.50', 125050],
    ['-33.33', -3333],
    ['+7', 700],
    ['.5', 50],
    ['5.', 500],
    ['0', 0],
    ['0.005', 1],
    ['-0.005', -1],
    ['0.0049', 0],
    ['2.345', 235],
    ['-2.345', -235],
    ['1e3', 100000],
    ['1.5E-1', 15],
    [' 12.30 ', 1230],
    [1.005, 101],
    [0.1 + 0.2, 30],
    [1234567.89, 123456789],
    [-0.01, -1],
  ])('reads %p as %p øre', (value, expected) => {
    expect(parseOre(value)).toBe(expected);
  });

  test.each<[string | number]>([['abc'], [''], ['1,5'], ['1.2.3'], ['--1'], ['1e'], [NaN], [Infinity], ['1e99']])(
    'rejects %p',
    (value) => {
      expect(() => parseOre(value)).toThrow(InvalidDecimalError);
    },
  );

  test('rejects amounts beyond safe integers', () => {
    expect(() => parseOre('1e20')).toThrow(AmountOutOfRangeError);
  });
});

describe('decimal arithmetic', () => {
  test('product is exact', () => {
    const product = multiplyDecimals(parseDecimal('0.1'), parseDecimal('0.2'));
    expect(formatDecimal(product)).toBe('0.02');
  });

  test('row product rounds half away', () => {
    const amount = multiplyDecimals(parseDecimal('1.5'), parseDecimal('33.333'));
    expect(toMinorUnits(amount)).toBe(5000);
  });

  test('percent of amount is exact', () => {
    expect(formatDecimal(percentOf(parseDecimal('99.99'), parseDecimal('25')))).toBe('24.9975');
  });

  test.each<[string, number, bigint]>([
    ['2.5', 0, 3n],
    ['-2.5', 0, -3n],
    ['2.4999', 0, 2n],
    ['-2.4999', 0, -2n],
    ['0.125', 2, 13n],
    ['-0.125', 2, -13n],
    ['7', 2, 700n],
  ])('rounds %s to %d places as %p', (value, scale, expected) => {
    expect(roundDecimal(parseDecimal(value), scale)).toBe(expected);
  });

  test.each<[string, string, number]>([
    ['25', '25.00', 0],
    ['11.11', '11.1', 1],
    ['-1', '0', -1],
    ['0.000000000000000000001', '0', 1],
  ])('compares %s with %s as %d', (left, right, expected) => {
    expect(compareDecimals(parseDecimal(left), parseDecimal(right))).toBe(expected);
  });
});

describe('formatting', () => {
  test.each<[number, string]>([
    [125000, '1250.00'],
    [-5, '-0.05'],
    [0, '0.00'],
    [7, '0.07'],
    [-123456789, '-1234567.89'],
  ])('formats %d øre as %s', (ore, expected) => {
    expect(formatOre(ore)).toBe(expected);
  });

  test('formats other minor units', () => {
    expect(formatMinorUnits(1250, 0)).toBe('1250');
    expect(formatMinorUnits(1250, 3)).toBe('1.250');
  });

  test('format and parse round-trip', () => {
    for (const ore of [0, 1, -1, 99, 100, 125050, -3333, 900719925474099]) {
      expect(parseOre(formatOre(ore))).toBe(ore);
    }
  });
});
