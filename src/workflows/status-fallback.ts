/** Doublings after which the fallback delay stops growing, so the longest delay is 32 times the first. */
export const MAX_FALLBACK_DOUBLINGS = 5;

/**
 * Returns the delay before an invoice watched by the status sweep reads its status on its own. The sweep signals
 * every change, so this read only catches a change that sweeps missed. The delay starts at `firstSeconds` and
 * doubles with each fallback read in a row that found no change, up to 32 times `firstSeconds`. So the number of
 * reads of a long-open invoice grows with the logarithm of its age until the cap, then by one per longest delay.
 */
export function fallbackDelayMs(firstSeconds: number, quietFallbackReads: number): number {
  return firstSeconds * 1000 * 2 ** Math.min(Math.max(0, quietFallbackReads), MAX_FALLBACK_DOUBLINGS);
}
