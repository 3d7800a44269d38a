/** Conversions between the domain's values and how the Visma Business tables store them. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Converts `YYYY-MM-DD` to the integer `YYYYMMDD` that date columns hold, or returns null when it is no date. */
export function toVbDate(isoDate: string): number | null {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return year * 10_000 + month * 100 + day;
}

/** Converts an integer `YYYYMMDD` to `YYYY-MM-DD`. */
export function fromVbDate(vbDate: number): string {
  const text = String(vbDate).padStart(8, '0');
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

/** Converts whole øre to the NOK amount that amount columns hold. */
export function oreToKroner(ore: number): number {
  return ore / 100;
}

/** Converts an amount column's value (NOK, a number or a decimal string) to whole øre. */
export function kronerToOre(value: unknown): number {
  return Math.round(toNumber(value) * 100);
}

/** Converts a column value that drivers may return as number, bigint or string to a number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`Expected a number from the database, got ${value === null ? 'null' : typeof value}`);
}

/** Converts a nullable column value to a number or null. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

const VB_INTEGER = /^\d{1,9}$/;

/**
 * Converts a customer, account or VAT code number to the integer that Visma Business stores, or returns null when
 * the text is not 1 to 9 digits, which keeps it inside SQL Server's `int`.
 */
export function toVbInteger(text: string): number | null {
  return VB_INTEGER.test(text) ? Number(text) : null;
}

/** Writes a decimal string without trailing zeros: `25.0000` becomes `25`, `11.110` becomes `11.11`. */
export function normaliseDecimal(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.includes('.')) return trimmed;
  return trimmed.replace(/0+$/, '').replace(/\.$/, '');
}
