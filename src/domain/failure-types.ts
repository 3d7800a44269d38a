// Types of the Temporal ApplicationFailures that the workflows treat specially. Activities raise them under these
// names; the workflows compare against them.

/** An invoice whose customer Visma Business does not know yet; retried for a grace period. */
export const CUSTOMER_NOT_FOUND = 'CustomerNotFoundError';

/** A voucher already updated into the ledger, which a re-import must not change. */
export const VOUCHER_ALREADY_POSTED = 'VoucherAlreadyPostedError';

/** A re-import rejected; the message says why and what to do instead. */
export const REIMPORT_REJECTED = 'ReimportRejected';

/** Visma Business no longer holds the voucher of an imported invoice. */
export const VOUCHER_NOT_FOUND = 'VoucherNotFoundError';
