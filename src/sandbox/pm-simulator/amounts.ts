// Exact decimal arithmetic for the simulator's invoices, on integers scaled by a power of ten (bigint), so that
// totals equal the sum of the rows to the øre with no floating-point sums.

/** Scale of money amounts, quantities and VAT rates: two decimals. */
export const MONEY_SCALE = 2;
/** Scale of currency rates: four decimals. */
export const RATE_SCALE = 4;

/** A decimal string the simulator cannot read, such as a quantity with three decimals. */
export class DecimalInvalidError extends Error {
  constructor(
    readonly what: string,
    readonly value: string,
    readonly scale: number,
  ) {
    super(`${what} ${JSON.stringify(value)} is not a decimal number with at most ${scale} decimals`);
    this.name = 'DecimalInvalidError';
  }
}

/** Parses a decimal string into an integer scaled by 10^scale, for example `'12.5'` at scale 2 into `1250n`. */
export function parseDecimal(value: string, scale: number, what: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match || (match[3] ?? '').length > scale) throw new DecimalInvalidError(what, value, scale);
  const [, sign, whole, fraction = ''] = match;
  const scaled = BigInt(whole + fraction.padEnd(scale, '0'));
  return sign === '-' ? -scaled : scaled;
}

/** Formats an integer scaled by 10^scale as a decimal string with exactly `scale` decimals. */
export function formatDecimal(value: bigint, scale: number): string {
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, '0');
  if (scale === 0) return sign + digits;
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Divides and rounds half away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/** Returns a money amount in minor units (øre or cents) as the JSON number PM sends, for example `1234.5`. */
export function minorToNumber(minor: bigint): number {
  return Number(formatDecimal(minor, MONEY_SCALE));
}

/** Row amount excluding VAT in minor units: quantity times unit price, rounded to two decimals. */
export function rowNetMinor(quantity: string, unitPrice: string): bigint {
  const product = parseDecimal(quantity, MONEY_SCALE, 'quantity') * parseDecimal(unitPrice, MONEY_SCALE, 'unit price');
  return divideRounded(product, 10n ** BigInt(MONEY_SCALE));
}

/** Converts a NOK price into a foreign currency at `rate` NOK per unit, rounded to two decimals. */
export function convertFromNok(nokPrice: string, rate: string): string {
  const price = parseDecimal(nokPrice, MONEY_SCALE, 'unit price');
  const scaledRate = parseDecimal(rate, RATE_SCALE, 'currency rate');
  return formatDecimal(divideRounded(price * 10n ** BigInt(RATE_SCALE), scaledRate), MONEY_SCALE);
}

/** Row fields that the totals of an invoice depend on. */
export interface RowAmounts {
  quantity: string;
  unitPrice: string;
  vatRatePercent: string;
}

/** Totals of an invoice in minor units. */
export interface InvoiceTotals {
  netMinor: bigint;
  taxMinor: bigint;
  grossMinor: bigint;
}

/** Sums the rows, then computes VAT once per VAT rate on that rate's sum, rounded half away from zero. */
export function invoiceTotals(rows: RowAmounts[]): InvoiceTotals {
  const netByRate = new Map<bigint, bigint>();
  let netMinor = 0n;
  for (const row of rows) {
    const net = rowNetMinor(row.quantity, row.unitPrice);
    const rate = parseDecimal(row.vatRatePercent, MONEY_SCALE, 'VAT rate');
    netByRate.set(rate, (netByRate.get(rate) ?? 0n) + net);
    netMinor += net;
  }

  let taxMinor = 0n;
  for (const [rate, net] of netByRate) {
    taxMinor += divideRounded(net * rate, 100n * 10n ** BigInt(MONEY_SCALE));
  }
  return { netMinor, taxMinor, grossMinor: netMinor + taxMinor };
}
