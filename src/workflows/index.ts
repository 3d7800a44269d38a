// Every workflow the worker registers.
export { invoiceWorkflow } from './invoice-workflow';
export { clientSyncWorkflow } from './client-sync-workflow';
export { backfillWorkflow } from './backfill-workflow';
export { previewInvoiceWorkflow } from './preview-workflow';
export { statusSweepWorkflow } from './status-sweep-workflow';
