export { startPmSimulator, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from './server';
export type { PmSimulator, PmSimulatorOptions } from './server';
export type {
  InjectedFault,
  InvoiceResource,
  PmSimulatorSettings,
  PmSimulatorState,
  RawResponse,
  RecordedStatusChange,
  RequestRecord,
} from './state';
export type { InvoiceDraft, InvoiceRowDraft } from './invoice-builder';
export type { SimulatedInvoice } from './records';
