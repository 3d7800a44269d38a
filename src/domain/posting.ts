/** A Visma Business VAT code and the rate it carries. */
export interface VatCode {
  code: string;
  /** VAT rate in percent as an exact decimal string, for example `25` or `11.11`. */
  ratePercent: string;
}

/** One sales account of a tax and accounting group, used for rows whose VAT rate is that of `vatCode`. */
export interface SalesAccount {
  accountNumber: string;
  vatCode: string;
}

/** A tax and accounting group (Avgifts- og bokføringsopplysninger): its sales accounts, one per VAT code. */
export interface PostingGroup {
  groupNumber: string;
  salesAccounts: SalesAccount[];
}

/** What Visma Business tells the mapping about the products of one invoice and the company. */
export interface PostingData {
  /** Voucher type for customer invoices, from the company settings or the client's configuration. */
  voucherType: number;
  /** Group used for a product code that Visma Business does not know. */
  defaultGroupNumber: string;
  /** Tax and accounting group of each known product code of the invoice. */
  productGroups: Record<string, string>;
  /** Every group named in `productGroups` and the default group, by group number. */
  groups: Record<string, PostingGroup>;
  /** VAT codes by code. */
  vatCodes: Record<string, VatCode>;
}
