/** Formats an amount in øre as NOK with two decimals, for command-line output. */
export function formatOre(ore: number): string {
  const sign = ore < 0 ? '-' : '';
  const absolute = Math.abs(ore);
  return `${sign}${Math.trunc(absolute / 100)}.${String(absolute % 100).padStart(2, '0')} NOK`;
}
