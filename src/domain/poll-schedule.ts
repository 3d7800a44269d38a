import type { LedgerStatus } from './ledger';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Facts and settings that decide when the status watch reads Visma Business next. Times in milliseconds. */
export interface PollScheduleInput {
  status: LedgerStatus;
  /** When the voucher was posted to the import batch, as epoch milliseconds. */
  postedAtMs: number;
  /** Now, as epoch milliseconds (workflow time). */
  nowMs: number;
  /** Due date of the invoice at midnight UTC, as epoch milliseconds. */
  dueAtMs: number;
  /** Shortest delay between two reads. */
  initialMs: number;
  /** Longest delay between two reads. */
  maxMs: number;
}

/**
 * Returns the delay before the next status read. The watch starts at `initialMs` and backs off with age:
 * - Sent (waiting for an accountant to update the batch): a quarter of the time since posting, at most 6 hours,
 *   because batches are usually updated within days;
 * - Open before the due date: half the time left until three days before it, since payments cluster at the due date;
 * - Open within three days of the due date: four times `initialMs`;
 * - Open after the due date: a quarter of the time overdue, at least four times `initialMs`.
 * Every delay is kept between `initialMs` and `maxMs`.
 */
export function nextStatusPollDelayMs(input: PollScheduleInput): number {
  const { status, postedAtMs, nowMs, dueAtMs, initialMs, maxMs } = input;
  const clamp = (delay: number) => Math.round(Math.min(maxMs, Math.max(initialMs, delay)));

  if (status === 'Sent') {
    return clamp(Math.min((nowMs - postedAtMs) / 4, 6 * HOUR_MS));
  }

  const windowStart = dueAtMs - 3 * DAY_MS;
  const windowEnd = dueAtMs + 3 * DAY_MS;
  if (nowMs < windowStart) {
    return clamp((windowStart - nowMs) / 2);
  }
  if (nowMs <= windowEnd) {
    return clamp(4 * initialMs);
  }
  return clamp(Math.max((nowMs - dueAtMs) / 4, 4 * initialMs));
}

/** Returns epoch milliseconds of a `YYYY-MM-DD` date at midnight UTC. */
export function dateToEpochMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}
