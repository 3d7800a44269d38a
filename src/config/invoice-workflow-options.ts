import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import type { AdminAction } from '../activities/contracts';
import { CLIENT_KEY, INVOICE_NUMBER, INVOICE_STATUS } from '../domain/search-attributes';
import { InvoiceStatus } from '../domain/ledger';
import { invoiceWorkflowId } from '../workflows/definitions';
import type { InvoiceWorkflowInput, InvoiceWorkflowSettings } from '../workflows/invoice-state';
import type { ClientSettings } from './clients-file';

/** Returns the invoice workflow's settings for one client. */
export function invoiceWorkflowSettings(client: ClientSettings): InvoiceWorkflowSettings {
  return {
    statusWriteBack: client.automation.statusWriteBack,
    statusInitialSeconds: client.polling.statusInitialSeconds,
    statusMaxSeconds: client.polling.statusMaxSeconds,
    statusSweep: client.polling.statusSweep,
    statusFallbackSeconds: client.polling.statusFallbackSeconds,
    requireApproval: !client.automation.importWithoutApproval,
    customerGraceHours: client.customerGraceHours,
    needsAttentionTimeoutDays: client.needsAttentionTimeoutDays,
  };
}

/** Memo of an invoice workflow: the PM invoice it was started for, when the starter knew it. */
export interface InvoiceWorkflowMemo {
  invoiceGuid?: string;
}

/**
 * Returns the options that start one invoice's workflow. The reuse policy rejects a second workflow with the same
 * id, even after the first has closed, so discovering an invoice twice never imports it twice. The memo keeps the
 * PM invoice's guid, so that a later PM invoice with the same number is distinguished from the same invoice listed again.
 */
export function invoiceWorkflowStartOptions(
  client: ClientSettings,
  taskQueue: string,
  invoice: { invoiceNumber: string; invoiceGuid?: string },
  approvedBy?: AdminAction,
) {
  const input: InvoiceWorkflowInput = {
    client: client.key,
    invoiceNumber: invoice.invoiceNumber,
    invoiceGuid: invoice.invoiceGuid,
    settings: invoiceWorkflowSettings(client),
    ...(approvedBy ? { approvedBy } : {}),
  };
  return {
    workflowId: invoiceWorkflowId(client.key, invoice.invoiceNumber),
    taskQueue,
    args: [input] as [InvoiceWorkflowInput],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    memo: (invoice.invoiceGuid ? { invoiceGuid: invoice.invoiceGuid } : {}) satisfies InvoiceWorkflowMemo,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: CLIENT_KEY, value: client.key },
      { key: INVOICE_NUMBER, value: invoice.invoiceNumber },
      { key: INVOICE_STATUS, value: InvoiceStatus.Importing },
    ]),
  };
}
