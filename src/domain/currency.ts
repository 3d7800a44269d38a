/** ISO 4217 code of the Norwegian krone, the currency of the books in Visma Business. */
export const HOME_CURRENCY = 'NOK';

// Currencies whose minor unit is not a hundredth, from the ISO 4217 list of currency codes. Every other code
// has two decimals.
const MINOR_UNIT_EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Returns the number of decimals of a currency's minor unit: 2 for NOK and EUR, 0 for JPY, 3 for KWD. */
export function minorUnitExponent(currencyCode: string): number {
  return MINOR_UNIT_EXPONENTS[currencyCode] ?? 2;
}
