import { heartbeat, log, sleep } from '@temporalio/activity';
import { PmRateLimitedError } from '../project-management/errors';

/** Longest Retry-After that an activity waits out itself; PM asking for longer goes back to Temporal's retry. */
const MAX_WAIT_MS = 20_000;
/** Most time one activity attempt spends waiting for PM's rate limit, well inside the shortest start-to-close. */
const MAX_TOTAL_WAIT_MS = 30_000;
/** Wait after a 429 that came without Retry-After. */
const DEFAULT_WAIT_MS = 1_000;

/**
 * Runs a PM call and, when PM responds 429, waits for the Retry-After it sent and calls again, inside the same
 * activity attempt. Each 429 would otherwise cost a Temporal attempt: a rate limit that lasts a minute would use
 * up the step's maximum attempts and put the invoice in NeedsAttention, and the attempts it took would stretch the
 * exponential backoff of any later failure to its maximum interval. Calls that PM may safely receive twice only:
 * a 429 means PM did not carry out the request.
 */
export async function waitOutRateLimits<T>(call: () => Promise<T>): Promise<T> {
  let waitedMs = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof PmRateLimitedError)) throw error;
      const waitMs = error.retryAfterMs ?? DEFAULT_WAIT_MS;
      if (waitMs > MAX_WAIT_MS || waitedMs + waitMs > MAX_TOTAL_WAIT_MS) throw error;
      log.info('PM rate limit reached; waiting before the next call', { route: error.route, waitMs });
      heartbeat();
      await sleep(waitMs);
      waitedMs += waitMs;
    }
  }
}
