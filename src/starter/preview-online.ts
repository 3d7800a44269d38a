import { randomUUID } from 'node:crypto';
import { findClient } from '../config/load-config';
import type { Voucher } from '../domain/voucher';
import type { previewInvoiceWorkflow } from '../workflows';
import { AdminOptions, withAdminContext } from './admin-context';

/**
 * Fetches an invoice from the client's PM and maps it with the client's Visma Business posting data, through a
 * short workflow on the worker, which holds the credentials. Writes nothing.
 */
export function previewOnline(options: AdminOptions & { client: string; invoice: string }): Promise<Voucher> {
  return withAdminContext(options, async ({ config, client }) => {
    const settings = findClient(config, options.client);
    const result = await client.workflow.execute<typeof previewInvoiceWorkflow>('previewInvoiceWorkflow', {
      taskQueue: config.temporal.taskQueue,
      workflowId: `preview/${settings.key}/${options.invoice}/${randomUUID()}`,
      args: [{ client: settings.key, invoiceNumber: options.invoice }],
    });
    return result.mapped.voucher;
  });
}
