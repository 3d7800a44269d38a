/**
 * Longest delay taken from a `Retry-After` header, in milliseconds: one hour. A longer value, such as a date years
 * ahead, is read as this cap, so that a retry is never scheduled further out than an operator would wait.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Parses an HTTP `Retry-After` header value, either delay seconds or an HTTP date, into milliseconds from `now`,
 * at most {@link MAX_RETRY_AFTER_MS}. Returns null when the header is absent or unreadable, and 0 for a date in
 * the past.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;

  if (/^\d+$/.test(text)) {
    return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  }

  // An HTTP date names its weekday and month, which also keeps Date.parse from reading '-3' as a year.
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}
