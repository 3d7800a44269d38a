import { proxyActivities } from '@temporalio/workflow';
import type { JournalActivities, MappedInvoice } from '../activities/contracts';
import type { InvoiceForMapping } from '../domain/invoice';

const { fetchInvoice, mapInvoiceToVoucher } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** Input of the preview workflow. */
export interface PreviewInput {
  client: string;
  invoiceNumber: string;
}

/** Fetches an invoice and maps it to the voucher it would become, writing nothing. */
export async function previewInvoiceWorkflow(
  input: PreviewInput,
): Promise<{ invoice: InvoiceForMapping; mapped: MappedInvoice }> {
  const { invoice } = await fetchInvoice({ client: input.client, invoiceNumber: input.invoiceNumber });
  const mapped = await mapInvoiceToVoucher({ client: input.client, invoice });
  return { invoice, mapped };
}
