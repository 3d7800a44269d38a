import { quoteForMessage } from './text';

/** An exact decimal number, `units` × 10^-`scale`, so that no floating-point arithmetic rounds money or rates. */
export interface Decimal {
  readonly units: bigint;
  /** Number of decimal places, 0 or more. */
  readonly scale: number;
}

/** Raised when a value is not a decimal number that the money functions can read exactly. */
export class InvalidDecimalError extends Error {
  override readonly name: string = 'InvalidDecimalError';

  constructor(
    readonly value: unknown,
    detail: string,
  ) {
    super(`Invalid decimal number ${describeValue(value)}: ${detail}`);
  }
}

/** Raised when a decimal number has more digits before its decimal point than any amount or rate can have. */
export class DecimalTooLargeError extends InvalidDecimalError {
  override readonly name: string = 'DecimalTooLargeError';

  constructor(value: unknown) {
    super(value, `more than ${MAX_DIGITS} digits before the decimal point`);
  }
}

/** Raised when an amount in minor units does not fit in a JavaScript number exactly. */
export class AmountOutOfRangeError extends Error {
  override readonly name = 'AmountOutOfRangeError';

  constructor(readonly units: bigint) {
    super(
      `Amount ${quoteForMessage(String(units))} minor units is outside the exactly representable range of ` +
        `±${Number.MAX_SAFE_INTEGER}`,
    );
  }
}

const DECIMAL_PATTERN = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

// Bounds that keep a corrupt value from building a huge bigint. A double carries at most 17 significant digits,
// so 40 digits and an exponent of ±40 leave ample room for any amount or rate.
const MAX_DIGITS = 40;
const MAX_EXPONENT = 40;

/**
 * Parses a decimal number exactly. Accepts a string such as `1250`, `-33.33`, `0.5` or `1.5e-7`, or a finite
 * JavaScript number. A number is read through its shortest round-trip string, which for the decimals that PM
 * and Visma Business send is the decimal as they wrote it.
 */
export function parseDecimal(value: string | number): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new InvalidDecimalError(value, 'not a finite number');
  }

  const text = String(value).trim();
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) {
    throw new InvalidDecimalError(value, 'expected digits with an optional sign, decimal point and exponent');
  }

  const [, sign, whole = '', wholeFraction = '', bareFraction = '', exponentText = '0'] = match;
  const fraction = wholeFraction || bareFraction;
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  const exponent = Number(exponentText);
  // Digits before the decimal point once the exponent is applied, from the first digit that is not 0.
  const significant = (whole + fraction).replace(/^0+/, '');
  const integerDigits = whole.length - (whole + fraction).length + significant.length + exponent;
  if (significant !== '' && integerDigits > MAX_DIGITS) {
    throw new DecimalTooLargeError(value);
  }
  if (digits.length > MAX_DIGITS || Math.abs(exponent) > MAX_EXPONENT) {
    throw new InvalidDecimalError(value, `more than ${MAX_DIGITS} digits or an exponent beyond ±${MAX_EXPONENT}`);
  }

  const magnitude = BigInt(digits);
  const scale = fraction.length - exponent;
  const units = sign === '-' ? -magnitude : magnitude;
  return scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
}

/** Returns the exact sum of two decimals. */
export function addDecimals(left: Decimal, right: Decimal): Decimal {
  const scale = Math.max(left.scale, right.scale);
  return { units: atScale(left, scale) + atScale(right, scale), scale };
}

/** Returns the exact difference `left - right`. */
export function subtractDecimals(left: Decimal, right: Decimal): Decimal {
  return addDecimals(left, { units: -right.units, scale: right.scale });
}

/** Returns the exact product of two decimals. */
export function multiplyDecimals(left: Decimal, right: Decimal): Decimal {
  return { units: left.units * right.units, scale: left.scale + right.scale };
}

/** Returns `percent` per cent of `amount`, exactly. */
export function percentOf(amount: Decimal, percent: Decimal): Decimal {
  return { units: amount.units * percent.units, scale: amount.scale + percent.scale + 2 };
}

/** Returns the magnitude of a decimal. */
export function absoluteDecimal(value: Decimal): Decimal {
  return value.units < 0n ? { units: -value.units, scale: value.scale } : value;
}

/** Tells whether a decimal is a whole number of minor units with `exponent` decimal places. */
export function isWholeMinorUnits(value: Decimal, exponent: number): boolean {
  return value.scale <= exponent || value.units % 10n ** BigInt(value.scale - exponent) === 0n;
}

/** Returns `-1`, `0` or `1` as `left` is less than, equal to or greater than `right`, compared exactly. */
export function compareDecimals(left: Decimal, right: Decimal): number {
  const scale = Math.max(left.scale, right.scale);
  const leftUnits = atScale(left, scale);
  const rightUnits = atScale(right, scale);
  if (leftUnits === rightUnits) return 0;
  return leftUnits < rightUnits ? -1 : 1;
}

/**
 * Rounds a decimal to `scale` decimal places, half away from zero, and returns the units at that scale:
 * `roundDecimal(2.345, 2)` is `235n`, `roundDecimal(-2.345, 2)` is `-235n`.
 */
export function roundDecimal(value: Decimal, scale: number): bigint {
  if (value.scale <= scale) {
    return value.units * 10n ** BigInt(scale - value.scale);
  }

  const divisor = 10n ** BigInt(value.scale - scale);
  const magnitude = value.units < 0n ? -value.units : value.units;
  const quotient = magnitude / divisor;
  const remainder = magnitude % divisor;
  const rounded = remainder * 2n >= divisor ? quotient + 1n : quotient;
  return value.units < 0n ? -rounded : rounded;
}

/**
 * Converts a decimal to integer minor units with `exponent` decimal places (2 for øre and cents), rounding half
 * away from zero beyond them.
 */
export function toMinorUnits(value: Decimal, exponent = 2): number {
  return toSafeNumber(roundDecimal(value, exponent));
}

/** Parses a decimal amount, as a string or a JSON number, into integer øre, rounding half away from zero. */
export function parseOre(value: string | number): number {
  return toMinorUnits(parseDecimal(value), 2);
}

/** Returns an amount in minor units as a decimal, for exact arithmetic with rates and percentages. */
export function minorUnitsToDecimal(minorUnits: number, exponent = 2): Decimal {
  if (!Number.isSafeInteger(minorUnits)) {
    throw new InvalidDecimalError(minorUnits, 'minor units must be a safe integer');
  }
  return { units: BigInt(minorUnits), scale: exponent };
}

/** Formats integer minor units as a decimal string with `exponent` decimals: `125000` becomes `1250.00`. */
export function formatMinorUnits(minorUnits: number, exponent = 2): string {
  return formatDecimal(minorUnitsToDecimal(minorUnits, exponent));
}

/** Formats integer øre as a decimal string in NOK with two decimals, for example `-0.05` or `1250.00`. */
export function formatOre(ore: number): string {
  return formatMinorUnits(ore, 2);
}

/** Formats a decimal with exactly its own number of decimal places. */
export function formatDecimal(value: Decimal): string {
  const magnitude = (value.units < 0n ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const sign = value.units < 0n ? '-' : '';
  if (value.scale === 0) return `${sign}${magnitude}`;
  const point = magnitude.length - value.scale;
  return `${sign}${magnitude.slice(0, point)}.${magnitude.slice(point)}`;
}

/**
 * Formats a decimal with at least `exponent` decimal places and without zeros after them: with exponent 2,
 * `99.9990` becomes `99.999` and `100` becomes `100.00`.
 */
export function formatExact(value: Decimal, exponent = 2): string {
  let { units, scale } = value;
  while (scale > exponent && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return formatDecimal(scale >= exponent ? { units, scale } : { units: atScale(value, exponent), scale: exponent });
}

/** Returns the units of `value` at a scale no smaller than its own. */
function atScale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? quoteForMessage(value) : (JSON.stringify(value) ?? String(value));
}

function toSafeNumber(units: bigint): number {
  if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AmountOutOfRangeError(units);
  }
  return Number(units);
}
