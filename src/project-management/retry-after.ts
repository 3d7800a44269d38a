/**
 * Parses an HTTP `Retry-After` header value, either delay seconds or an HTTP date, into milliseconds from `now`.
 * Returns null when the header is absent or unreadable, and 0 for a date in the past.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;

  if (/^\d+$/.test(text)) {
    return Number(text) * 1000;
  }

  // An HTTP date names its weekday and month, which also keeps Date.parse from reading '-3' as a year.
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
