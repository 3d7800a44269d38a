/**
 * One row of an invoice as the mapping reads it. Amounts are exact decimal strings as PM sent them, in the
 * invoice's currency, so that no floating-point arithmetic touches them before the money parser.
 */
export interface InvoiceRowForMapping {
  /** 1-based position of the row on the invoice, in PM's sort order. */
  rowNumber: number;
  /** Product or work type code, the product number looked up in Visma Business; absent on free-text rows. */
  productCode: string | null;
  description: string;
  /** Quantity, negative on the rows of a credit note. */
  quantity: string;
  /** Unit price excluding VAT. */
  unitPrice: string;
  /** VAT rate in percent, for example `25`. */
  vatRatePercent: string;
}

/**
 * An issued invoice with its rows, taken from PM and validated, as the mapping to a voucher needs it.
 * A credit note carries negative totals and negative row quantities, as PM issues them.
 */
export interface InvoiceForMapping {
  /** Client key from the clients file. */
  client: string;
  invoiceNumber: string;
  /** PM's identifier of the invoice, used for the PDF and the status change. */
  invoiceGuid: string;
  /** Customer number shared by PM and Visma Business; absent when PM has none. */
  customerNumber: string | null;
  customerName: string | null;
  isCreditNote: boolean;
  /** Invoice date as `YYYY-MM-DD`. */
  invoiceDate: string;
  /** Due date as `YYYY-MM-DD`. */
  dueDate: string;
  /** KID printed on the invoice (PM's reference number); absent when the client does not use KID. */
  kid: string | null;
  /** ISO 4217 code of the invoice currency. */
  currencyCode: string;
  /** NOK per unit of the invoice currency as an exact decimal string; absent for NOK invoices. */
  currencyRate: string | null;
  totalExcludingTax: string;
  totalTax: string;
  totalIncludingTax: string;
  rows: InvoiceRowForMapping[];
}
