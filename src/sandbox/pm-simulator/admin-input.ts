import { z } from 'zod';
import { SimulatorInputError } from './input-errors';

// Checks of what tests and admin requests hand to the simulator's state: settings, queued faults and invoice
// drafts. Each check raises SimulatorInputError, which an admin route returns as a 400 response.

/** Maximum number of error responses that one `POST /_simulator/faults` may queue. */
export const MAX_FAULT_COUNT = 10_000;
/** Maximum delay before a simulated response, in milliseconds: ten minutes. */
const MAX_LATENCY_MS = 600_000;
/** Maximum `Retry-After` of the simulated 429 responses, in seconds: one day. */
const MAX_RETRY_AFTER_SECONDS = 86_400;
/** Maximum lifetime of an access token, in seconds: one day. */
const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/** Maximum lifetime of a refresh token, in seconds: thirty days. */
const MAX_REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 86_400;
/** Maximum number of rows of an invoice draft. */
const MAX_DRAFT_ROWS = 1000;

const integer = (min: number, max: number) =>
  z
    .number({ error: `an integer from ${min} to ${max}` })
    .int(`an integer from ${min} to ${max}`)
    .min(min, `an integer from ${min} to ${max}`)
    .max(max, `an integer from ${min} to ${max}`);
const share = z.number({ error: 'a share from 0 to 1' }).min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1');

/** Changes of the simulator's settings; every field is optional and unknown fields are rejected. */
export const SettingsChangeSchema = z.strictObject({
  latencyMs: integer(0, MAX_LATENCY_MS).optional(),
  share429: share.optional(),
  share500: share.optional(),
  retryAfterSeconds: integer(0, MAX_RETRY_AFTER_SECONDS).optional(),
  tokenLifetimeSeconds: integer(1, MAX_TOKEN_LIFETIME_SECONDS).optional(),
  refreshTokenLifetimeSeconds: integer(1, MAX_REFRESH_TOKEN_LIFETIME_SECONDS).optional(),
  faultsOnTokenRoutes: z.boolean({ error: 'true or false' }).optional(),
});

/**
 * A `Retry-After` value: delay seconds or an HTTP date. Other text is rejected, because a control character in a
 * header value makes Node refuse to send the response.
 */
const retryAfterValue = z
  .string({ error: 'delay seconds or an HTTP date as a string' })
  .regex(/^(\d{1,9}|[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT)$/, {
    error: 'delay seconds such as "7" or an HTTP date such as "Wed, 01 Oct 2025 12:00:30 GMT"',
  });

/** A queued error response, as `POST /_simulator/faults` takes it. */
export const FaultSchema = z.strictObject({
  status: integer(400, 599),
  retryAfter: retryAfterValue.optional(),
  message: z.string({ error: 'a string' }).max(1000, 'at most 1000 characters').optional(),
  count: integer(1, MAX_FAULT_COUNT).optional(),
});

const decimal = (scale: number) =>
  z
    .string({ error: `a decimal number as a string, with at most ${scale} decimals` })
    .regex(new RegExp(`^-?\\d{1,12}(\\.\\d{1,${scale}})?$`), {
      error: `a decimal number as a string, with at most ${scale} decimals`,
    });

/** Returns whether text is a date that exists, as `YYYY-MM-DD`: true for `2025-02-28`, false for `2025-02-30`. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** An invoice draft, as `POST /_simulator/invoices` takes it. */
export const InvoiceDraftSchema = z.strictObject({
  customerNumber: z.string({ error: 'a customer number as a string' }),
  rows: z
    .array(
      z.strictObject({
        productCode: z.string({ error: 'a product code as a string' }),
        quantity: decimal(2),
        unitPrice: decimal(2).optional(),
        description: z.string({ error: 'a string' }).max(500, 'at most 500 characters').optional(),
      }),
      { error: 'a list of rows' },
    )
    .min(1, 'at least one row')
    .max(MAX_DRAFT_ROWS, `at most ${MAX_DRAFT_ROWS} rows`),
  isCreditNote: z.boolean({ error: 'true or false' }).optional(),
  currencyCode: z.enum(['NOK', 'EUR'], { error: 'NOK or EUR' }).optional(),
  currencyRate: decimal(4)
    .refine((rate) => Number(rate) > 0, { error: 'a rate greater than 0' })
    .optional(),
  date: z
    .string({ error: 'a date as YYYY-MM-DD' })
    .refine(isCalendarDate, { error: 'a date that exists, as YYYY-MM-DD' })
    .optional(),
  notes: z.string({ error: 'a string or null' }).max(1000, 'at most 1000 characters').nullish(),
});

/** Maximum number of invoices that one `POST /_simulator/invoices` may generate. */
export const MAX_GENERATED_INVOICES = 10_000;

/** `{ "count": n }`: issue n generated invoices. */
export const GenerateInvoicesSchema = z.strictObject({ count: integer(1, MAX_GENERATED_INVOICES) });

/** Parses input with a schema; raises {@link SimulatorInputError} naming the first invalid field and its value. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, inputName: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const field = issue.path.length === 0 ? inputName : `${inputName}.${issue.path.map(String).join('.')}`;
  const valueAt = (path: PropertyKey[]) =>
    path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], input);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    throw new SimulatorInputError(`${field}.${key}`, valueAt([...issue.path, key]), 'no such field');
  }
  throw new SimulatorInputError(field, valueAt(issue.path), issue.message);
}
