/** Account types of a Visma Business voucher line (`DbAcCl` and `CrAcCl`). */
export const AccountType = {
  Customer: 1,
  Supplier: 2,
  GeneralLedger: 3,
} as const;
export type AccountType = (typeof AccountType)[keyof typeof AccountType];

/** Amount in a foreign currency beside the NOK amounts of a line (`Cur`, `ExRt`, `CurAm`). */
export interface CurrencyAmount {
  /** ISO 4217 code, for example `EUR`. */
  code: string;
  /** NOK per unit of the currency, as an exact decimal string, for example `11.4523`. */
  rate: string;
  /** Amount including VAT in minor units of the currency (cents for EUR). */
  amountMinor: number;
}

/** One line of a voucher: either a debit or a credit of one account. All amounts are integer øre. */
export interface VoucherLine {
  /** 1-based position within the voucher. */
  lineNumber: number;
  side: 'debit' | 'credit';
  accountType: AccountType;
  /** Customer number for account type 1, general ledger account number for type 3. */
  accountNumber: string;
  /** VAT code on the side of the line (`DbTxCd` or `CrTxCd`); absent on the customer line. */
  vatCode: string | null;
  /** Amount excluding VAT (`AmExVAT`), always positive; `side` gives the direction. */
  amountExVatOre: number;
  /** VAT amount (`VatAm`). */
  vatAmountOre: number;
  /** Amount including VAT (`Am`). */
  amountOre: number;
  /** Line text (`Txt`), already cut to the column width. */
  text: string;
  /** Invoice number (`InvoNo`), on the customer line. */
  invoiceNumber: string | null;
  /** Due date as `YYYY-MM-DD` (`DueDt`), on the customer line. */
  dueDate: string | null;
  /** KID (`CID`), on the customer line. */
  kid: string | null;
  /** Foreign currency amount, for invoices not in NOK. */
  currency: CurrencyAmount | null;
}

/** Identity of a voucher across retries and re-imports: client, invoice number and customer number. */
export interface VoucherKey {
  client: string;
  invoiceNumber: string;
  customerNumber: string;
}

/** The journal entry one invoice becomes, ready to be written to an import batch. */
export interface Voucher {
  key: VoucherKey;
  /** Voucher type (`VoTp`), for example 11 for customer invoices. */
  voucherType: number;
  /** Voucher date (`VoDt`) as `YYYY-MM-DD`: the invoice date. */
  voucherDate: string;
  /** Value date (`ValDt`) as `YYYY-MM-DD`. */
  valueDate: string;
  isCreditNote: boolean;
  /** Voucher text, already cut to the column width. */
  text: string;
  /** Debit lines first, then credit lines; their sums are equal. */
  lines: VoucherLine[];
}
