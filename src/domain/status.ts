import { LedgerFacts, LedgerStatus, PaidStatus } from './ledger';

/** An invoice's status in Visma Business and the amount still to be paid. */
export interface LedgerReading {
  status: LedgerStatus;
  /** Amount still open in øre, with the sign of the invoice total: the total while Sent, 0 once Paid. */
  remainingOre: number;
}

/** Raised when Visma Business shows nothing of an imported invoice, neither in a batch nor in the ledger. */
export class VoucherNotFoundError extends Error {
  override readonly name = 'VoucherNotFoundError';

  constructor(
    readonly facts: LedgerFacts,
    /** The invoice whose voucher was not found, when the caller gives it. */
    readonly invoiceNumber: string | null = null,
  ) {
    super(
      `${invoiceSubject(invoiceNumber)}: the voucher was not found in Visma Business, neither in an import batch ` +
        `nor posted (batch ${facts.batchNumber ?? 'unknown'}, voucher ${facts.voucherNumber ?? 'unknown'}); ` +
        'it may have been deleted from the batch, so import the invoice again',
    );
  }
}

/** Raised when an open entry carries a paid status other than 1 to 4, as a number or a string of that number. */
export class InvalidPaidStatusError extends Error {
  override readonly name = 'InvalidPaidStatusError';

  constructor(
    readonly paidStatus: unknown,
    /** The invoice of the open entry, when the caller gives it. */
    readonly invoiceNumber: string | null = null,
  ) {
    const description =
      typeof paidStatus === 'string' ? `the string ${JSON.stringify(paidStatus)}` : String(paidStatus);
    super(
      `${invoiceSubject(invoiceNumber)}: the open entry has paid status ${description}, but Visma Business uses 1 to 4`,
    );
  }
}

const LEDGER_STATUS_ORDER: readonly LedgerStatus[] = [LedgerStatus.Sent, LedgerStatus.Open, LedgerStatus.Paid];

/** Returns a negative number, zero or a positive number as `left` comes before, with or after `right`. */
export function compareLedgerStatus(left: LedgerStatus, right: LedgerStatus): number {
  return LEDGER_STATUS_ORDER.indexOf(left) - LEDGER_STATUS_ORDER.indexOf(right);
}

/**
 * Derives an invoice's status from what Visma Business shows about it. An open entry with paid status 1 or 2
 * (fully or partly open) means Open, with the entry's remaining amount. An open entry with paid status 3 or 4,
 * or a posted customer transaction with no open entry left, means Paid. A voucher that is still waiting in an
 * import batch means Sent. Later evidence wins, so a posted transaction outranks a batch that still lists it.
 * A paid status of `"1"` to `"4"` counts as the number, because a database driver may return the column as text.
 * `invoiceNumber`, when given, is named in the errors.
 */
export function deriveLedgerStatus(facts: LedgerFacts, invoiceNumber: string | null = null): LedgerReading {
  if (facts.openEntry !== null) {
    const { paidStatus: rawPaidStatus, remainingOre } = facts.openEntry;
    const paidStatus = readPaidStatus(rawPaidStatus);
    switch (paidStatus) {
      case PaidStatus.FullyOpen:
      case PaidStatus.PartlyOpen:
        return { status: LedgerStatus.Open, remainingOre };
      case PaidStatus.SettledLate:
      case PaidStatus.SettledOnTime:
        return { status: LedgerStatus.Paid, remainingOre: 0 };
      default:
        throw new InvalidPaidStatusError(rawPaidStatus, invoiceNumber);
    }
  }
  if (facts.customerTransactionPosted) {
    return { status: LedgerStatus.Paid, remainingOre: 0 };
  }
  if (facts.waitingInBatch) {
    return { status: LedgerStatus.Sent, remainingOre: facts.totalOre };
  }
  throw new VoucherNotFoundError(facts, invoiceNumber);
}

/** Returns a paid status given as a number or as a string of digits as the number, or null for anything else. */
function readPaidStatus(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return null;
}

function invoiceSubject(invoiceNumber: string | null): string {
  return invoiceNumber === null ? 'An imported invoice' : `Invoice ${invoiceNumber}`;
}
