import { SimulatorInputError } from './input-errors';

/**
 * Builds a KID in PM's layout: the invoice number, then the customer number, then a MOD10 (Luhn) check digit.
 * Weights 2, 1, 2, ... run from the rightmost payload digit; a product of 10 or more counts as its digit sum.
 */
export function pmKid(invoiceNumber: number, customerNumber: string): string {
  const payload = `${invoiceNumber}${customerNumber}`;
  if (!/^\d+$/.test(payload)) throw new SimulatorInputError('KID payload', payload, 'digits only');

  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = Number(payload[payload.length - 1 - i]);
    const product = i % 2 === 0 ? digit * 2 : digit;
    sum += product >= 10 ? product - 9 : product;
  }
  return payload + String((10 - (sum % 10)) % 10);
}
