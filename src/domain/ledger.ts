/** Paid status of an open customer entry in Visma Business. */
export const PaidStatus = {
  FullyOpen: 1,
  PartlyOpen: 2,
  SettledLate: 3,
  SettledOnTime: 4,
} as const;
export type PaidStatus = (typeof PaidStatus)[keyof typeof PaidStatus];

/** What Visma Business shows about one imported invoice, read by the repository for the status watch. */
export interface LedgerFacts {
  /** The voucher is still waiting in an import batch that no one has updated. */
  waitingInBatch: boolean;
  /** Number of the import batch that holds or held the voucher. */
  batchNumber: number | null;
  /** Voucher number assigned from the configured series. */
  voucherNumber: number | null;
  /** The batch was updated, so the invoice is a customer transaction. */
  customerTransactionPosted: boolean;
  /** The open entry of the invoice, absent before the update and after settlement. */
  openEntry: { paidStatus: PaidStatus; remainingOre: number } | null;
  /** Total including VAT of the invoice in øre, positive for an invoice and negative for a credit note. */
  totalOre: number;
}

/** Status of an invoice in Visma Business, in the order an invoice passes through them. */
export const LedgerStatus = {
  Sent: 'Sent',
  Open: 'Open',
  Paid: 'Paid',
} as const;
export type LedgerStatus = (typeof LedgerStatus)[keyof typeof LedgerStatus];

/** Status of an invoice workflow as operators search for it: a ledger status, or a state of the import. */
export const InvoiceStatus = {
  Importing: 'Importing',
  AwaitingApproval: 'AwaitingApproval',
  ...LedgerStatus,
  NeedsAttention: 'NeedsAttention',
} as const;
export type InvoiceStatus = (typeof InvoiceStatus)[keyof typeof InvoiceStatus];
