import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
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
    try {
      const result = await client.workflow.execute<typeof previewInvoiceWorkflow>('previewInvoiceWorkflow', {
        taskQueue: config.temporal.taskQueue,
        workflowId: `preview/${settings.key}/${options.invoice}/${randomUUID()}`,
        args: [{ client: settings.key, invoiceNumber: options.invoice }],
      });
      return result.mapped.voucher;
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      throw new PreviewFailedError(options.invoice, innermostMessage(error));
    }
  });
}

/** Raised when the online preview's fetch or mapping failed; the message is the cause's. */
export class PreviewFailedError extends Error {
  override readonly name = 'PreviewFailedError';

  constructor(
    readonly invoice: string,
    reason: string,
  ) {
    super(`Invoice ${invoice} cannot be previewed: ${reason}`);
  }
}

// Temporal wraps an activity's error in a workflow failure and an activity failure; the innermost says what failed.
function innermostMessage(error: Error): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
