import type { z } from 'zod';
import { PmResponseInvalidError, type PmErrorContext } from './errors';
import { NEEDED_BY_IMPORT } from './invoice-schemas';

/** Explanation of a response that does not match PM's OpenAPI description. */
const SPEC_MISMATCH =
  'The response does not match PM’s OpenAPI description, so the import cannot use it; retrying will not help.';
/** Explanation of a value that PM's OpenAPI description allows but the import cannot work with. */
const NEEDED_VALUE_MISSING =
  'PM’s OpenAPI description allows this, but the import cannot work without the value; correct the record in PM.';

/** A PM response as the transport returns it: status, lower-case headers and the raw body. */
export interface PmResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/**
 * Parses a JSON response with `schema`. On a mismatch raises {@link PmResponseInvalidError} naming the route, the
 * invoice and the field. When `invoiceList` is set, the response is a list of invoices and the error names the
 * item that failed, by its number when it has one.
 */
export function parseJsonResponse<T>(
  schema: z.ZodType<T>,
  response: PmResponse,
  context: PmErrorContext,
  invoiceList = false,
): T {
  let data: unknown;
  try {
    data = JSON.parse(response.body.toString('utf8'));
  } catch {
    throw invalidResponse(response, context, '(body)', 'is not valid JSON');
  }

  const result = schema.safeParse(data);
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const path = [...issue.path];
  let itemContext = context;
  if (invoiceList && Array.isArray(data) && typeof path[0] === 'number') {
    const index = path.shift() as number;
    itemContext = { ...context, invoice: invoiceLabel(data[index]) ?? `at list index ${index}` };
  } else if (context.invoice != null) {
    itemContext = { ...context, invoice: withNumber(context.invoice, data) };
  }

  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more issues)` : '';
  const problem = issue.message.replace(/^Invalid input: /, '') + more;
  const neededByImport = issue.code === 'custom' && issue.params?.[NEEDED_BY_IMPORT] === true;
  throw invalidResponse(
    response,
    itemContext,
    formatPath(path),
    problem,
    neededByImport ? NEEDED_VALUE_MISSING : SPEC_MISMATCH,
  );
}

/**
 * Builds the {@link PmResponseInvalidError} of a response whose body is not what the route returns. `explanation`
 * follows the problem and says why the import stops; by default, that the response does not match the description.
 */
export function invalidResponse(
  response: PmResponse,
  context: PmErrorContext,
  field: string,
  problem: string,
  explanation: string = SPEC_MISMATCH,
): PmResponseInvalidError {
  const subject = context.invoice == null ? '' : ` for invoice ${context.invoice}`;
  return new PmResponseInvalidError(
    `PM returned an invalid response to ${context.route}${subject}: ${field} ${problem}. ${explanation}`,
    context,
    response.status,
    field,
    problem,
  );
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function invoiceLabel(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null;
  const { number, guid } = item as { number?: unknown; guid?: unknown };
  if (typeof number === 'number') return typeof guid === 'string' ? `${number} (guid ${guid})` : String(number);
  if (typeof guid === 'string') return `with guid ${guid}`;
  return null;
}

/** Adds the invoice number from the response body to a label that names the invoice by GUID only. */
function withNumber(label: string, data: unknown): string {
  if (typeof data !== 'object' || data === null) return label;
  const { number } = data as { number?: unknown };
  return typeof number === 'number' ? `${number} (guid ${label})` : label;
}
