/** A JSON object as the simulator stores and sends it. */
export type JsonObject = Record<string, unknown>;

/** An invoice in the simulator. */
export interface SimulatedInvoice {
  /** GUID of the invoice; fixed for its life, whatever a test writes into `body`. */
  guid: string;
  /** Fields of InvoiceOutputModel as the simulator sends them. A test may set any field to any value. */
  body: JsonObject;
  /** InvoiceRowOutputModel of each row, in sort order. */
  rows: JsonObject[];
}

/** An invoice status of the organisation, as InvoiceStatusModel. */
export interface SimulatedStatus {
  guid: string;
  name: string;
  isActive: boolean;
  isDefault: boolean;
  isDefaultForCreditNote: boolean;
  isReadOnly: boolean;
  hasInvoiceNumber: boolean;
  isSent: boolean;
  isWaitingPayment: boolean;
  isPaid: boolean;
  sortOrder: number;
  createdDateTime: string;
  lastUpdatedDateTime: string;
}

/** A customer of the organisation, as the fields of CustomerModel the simulator fills. */
export interface SimulatedCustomer {
  guid: string;
  name: string;
  number: number;
  isActive: boolean;
  isInternal: boolean;
  paymentTerm: number;
  email: string;
  createdDateTime: string;
  lastUpdatedDateTime: string;
}

/** InvoiceStatusSubModel of a status, as an invoice carries it. */
export function statusReference(status: SimulatedStatus): JsonObject {
  return {
    guid: status.guid,
    name: status.name,
    isSent: status.isSent,
    isWaitingPayment: status.isWaitingPayment,
    isPaid: status.isPaid,
  };
}
