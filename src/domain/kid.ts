/** Check digit algorithms of Norwegian KID numbers. */
export type KidAlgorithm = 'mod10' | 'mod11';

/** Every supported KID algorithm, in the order the command line lists them. */
export const KID_ALGORITHMS: readonly KidAlgorithm[] = ['mod10', 'mod11'];

/** Shortest KID, check digit included. */
export const KID_MIN_LENGTH = 2;
/** Longest KID, check digit included. */
export const KID_MAX_LENGTH = 25;

/** MOD11 check "digit" for a remainder that gives 10: it is part of the KID, as its last character. */
export const MOD11_DASH = '-';

/**
 * Outcome of checking a KID: valid, or the first reason it is not. `layout-mismatch` comes only from checking
 * an invoice's KID against a client's layout, for a KID whose check digit is right but whose payload is not
 * the one the layout builds. For `wrong-check-digit`, `expectedKid` is the KID's payload with the expected check
 * digit, or, from a check against a layout, the KID the layout builds.
 */
export type KidCheckResult =
  | { kind: 'valid' }
  | { kind: 'not-digits'; kid: string }
  | { kind: 'wrong-length'; length: number }
  | { kind: 'wrong-check-digit'; actual: string; expected: string; expectedKid: string }
  | { kind: 'layout-mismatch'; expectedKid: string };

/** Raised when a KID cannot be built from the given payload. */
export class InvalidKidPayloadError extends Error {
  override readonly name = 'InvalidKidPayloadError';

  constructor(
    readonly payload: string,
    detail: string,
  ) {
    super(`Cannot build a KID from ${JSON.stringify(payload)}: ${detail}`);
  }
}

const DIGITS = /^\d+$/;

/**
 * Computes the MOD10 (Luhn) check digit of a payload of digits. From the rightmost digit leftwards the weights
 * are 2, 1, 2, 1, ...; a product of 10 or more counts as the sum of its digits.
 */
export function mod10CheckDigit(payload: string): string {
  requireDigits(payload);
  let total = 0;
  for (let position = 0; position < payload.length; position++) {
    const digit = Number(payload[payload.length - 1 - position]);
    const product = digit * (position % 2 === 0 ? 2 : 1);
    total += product >= 10 ? product - 9 : product;
  }
  return String((10 - (total % 10)) % 10);
}

/**
 * Computes the MOD11 check digit of a payload of digits. From the rightmost digit leftwards the weights are
 * 2, 3, 4, 5, 6, 7, repeating; the check is 11 minus the remainder of the sum by 11, where 11 becomes `0` and
 * 10 becomes {@link MOD11_DASH}.
 */
export function mod11CheckDigit(payload: string): string {
  requireDigits(payload);
  let total = 0;
  for (let position = 0; position < payload.length; position++) {
    const digit = Number(payload[payload.length - 1 - position]);
    total += digit * (2 + (position % 6));
  }
  const check = 11 - (total % 11);
  if (check === 11) return '0';
  if (check === 10) return MOD11_DASH;
  return String(check);
}

/** Computes the check digit of a payload with the given algorithm. */
export function kidCheckDigit(payload: string, algorithm: KidAlgorithm): string {
  return algorithm === 'mod10' ? mod10CheckDigit(payload) : mod11CheckDigit(payload);
}

/** Builds a KID: the payload followed by its check digit. The result is 2 to 25 characters long. */
export function makeKid(payload: string, algorithm: KidAlgorithm): string {
  requireDigits(payload);
  if (payload.length + 1 > KID_MAX_LENGTH) {
    throw new InvalidKidPayloadError(
      payload,
      `the payload has ${payload.length} digits, but a KID with its check digit has at most ${KID_MAX_LENGTH}`,
    );
  }
  return payload + kidCheckDigit(payload, algorithm);
}

/**
 * Checks a KID's characters, length and check digit. A MOD11 KID may end in {@link MOD11_DASH}; every other
 * character must be a digit. Works on the string, so KIDs longer than a safe integer are checked exactly.
 */
export function checkKid(kid: string, algorithm: KidAlgorithm): KidCheckResult {
  const payload = kid.slice(0, -1);
  const actual = kid.slice(-1);
  const lastAllowed = algorithm === 'mod11' ? /^[\d-]$/ : /^\d$/;
  if (kid.length === 0 || (payload.length > 0 && !DIGITS.test(payload)) || !lastAllowed.test(actual)) {
    return { kind: 'not-digits', kid };
  }
  if (kid.length < KID_MIN_LENGTH || kid.length > KID_MAX_LENGTH) {
    return { kind: 'wrong-length', length: kid.length };
  }

  const expected = kidCheckDigit(payload, algorithm);
  if (actual !== expected) {
    return { kind: 'wrong-check-digit', actual, expected, expectedKid: payload + expected };
  }
  return { kind: 'valid' };
}

function requireDigits(payload: string): void {
  if (!DIGITS.test(payload)) {
    throw new InvalidKidPayloadError(payload, 'the payload must be one or more digits 0-9');
  }
}
