import { LedgerStatus } from './ledger';

/**
 * An invoice status of a PM organisation with the flags that give its meaning. Statuses are defined per
 * organisation, so the import chooses them by these flags and never by name. An absent flag counts as false,
 * except `isActive`, where absent counts as active.
 */
export interface PmStatusFlags {
  guid: string;
  /** Display name, for messages only. */
  name: string;
  isActive?: boolean | null;
  isSent?: boolean | null;
  isWaitingPayment?: boolean | null;
  isPaid?: boolean | null;
}

/** Raised when no PM status of the organisation carries the flags that a ledger status needs. */
export class PmStatusNotFoundError extends Error {
  override readonly name = 'PmStatusNotFoundError';

  constructor(
    readonly status: LedgerStatus,
    readonly availableStatuses: string[],
  ) {
    super(
      `No PM invoice status carries the flags for ${status} (${REQUIRED_FLAGS[status]}); the organisation has ` +
        `${availableStatuses.length ? availableStatuses.join(', ') : 'no statuses'}. ` +
        'Add such a status in Project Management or turn off status write-back for this client',
    );
  }
}

const REQUIRED_FLAGS: Record<LedgerStatus, string> = {
  Sent: 'sent, not waiting for payment, not paid',
  Open: 'waiting for payment, not paid',
  Paid: 'paid',
};

/**
 * Chooses the PM status to write for a ledger status. Sent needs isSent without isWaitingPayment or isPaid,
 * Open needs isWaitingPayment without isPaid, and Paid needs isPaid. Among the statuses that fit, active ones
 * come first, then for Open and Paid those also flagged as sent, then PM's order.
 */
export function pickPmStatus<T extends PmStatusFlags>(status: LedgerStatus, statuses: readonly T[]): T {
  const candidates = statuses
    .map((candidate, index) => ({ candidate, index }))
    .filter(({ candidate }) => fitsStatus(status, candidate))
    .sort((a, b) => preference(status, a.candidate) - preference(status, b.candidate) || a.index - b.index);

  if (candidates.length === 0) {
    throw new PmStatusNotFoundError(
      status,
      statuses.map((candidate) => candidate.name),
    );
  }
  return candidates[0].candidate;
}

function fitsStatus(status: LedgerStatus, flags: PmStatusFlags): boolean {
  const isSent = flags.isSent === true;
  const isWaitingPayment = flags.isWaitingPayment === true;
  const isPaid = flags.isPaid === true;
  switch (status) {
    case LedgerStatus.Sent:
      return isSent && !isWaitingPayment && !isPaid;
    case LedgerStatus.Open:
      return isWaitingPayment && !isPaid;
    case LedgerStatus.Paid:
      return isPaid;
  }
}

/** Returns 0 for the most preferred status; being inactive weighs more than lacking the sent flag. */
function preference(status: LedgerStatus, flags: PmStatusFlags): number {
  const inactive = flags.isActive === false ? 2 : 0;
  const notSent = status !== LedgerStatus.Sent && flags.isSent !== true ? 1 : 0;
  return inactive + notSent;
}
