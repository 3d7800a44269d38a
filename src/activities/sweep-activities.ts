import { log } from '@temporalio/activity';
import { Client, WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { InvoiceStatus } from '../domain/ledger';
import { INVOICE_STATUS } from '../domain/search-attributes';
import type { invoiceWorkflow } from '../workflows';
import type { ChangedLedgerStatus } from '../visma-business/ledger-sweep';
import { invoiceWorkflowId, MAX_CLOSED_REPORTED, refreshStatusSignal } from '../workflows/definitions';
import type { ClientRegistry } from './client-registry';
import { forEachConcurrently } from './concurrency';
import type { JournalActivities } from './contracts';
import { classifyFailures } from './failures';

type SweepActivities = Pick<JournalActivities, 'sweepLedgerStatuses'>;

/** Signals sent to the Temporal server at once by one sweep. */
const SIGNAL_CONCURRENCY = 16;
/**
 * Changed invoices signalled before their sweep state is stored. Storing in chunks keeps the work done when a pass
 * with very many changes fails or times out, so its retry does not start over.
 */
const CHANGES_PER_CHUNK = 500;

/** Creates the activity of the status sweep workflow. */
export function createSweepActivities(registry: ClientRegistry, temporal: Client): SweepActivities {
  return {
    /**
     * Reads the client's invoices whose ledger status changed since the last sweep, signals `refreshStatus` to each
     * one's workflow, and stores the state read as swept. An invoice is marked only after its signal was delivered
     * or its workflow found closed, so a failed signal is sent again by the next attempt or pass. A closed workflow
     * is logged and reported by number, because no one writes that invoice's new status to PM.
     */
    sweepLedgerStatuses: (input) =>
      classifyFailures(async () => {
        const { vb } = registry.get(input.client);
        const changed = await vb.readChangedLedgerStatuses(input.client);
        let signalled = 0;
        let alreadyPaid = 0;
        const closed: ChangedLedgerStatus[] = [];

        for (let start = 0; start < changed.length; start += CHANGES_PER_CHUNK) {
          const delivered: ChangedLedgerStatus[] = [];
          let signalError: unknown;
          try {
            await forEachConcurrently(
              changed.slice(start, start + CHANGES_PER_CHUNK),
              SIGNAL_CONCURRENCY,
              async (change) => {
                const handle = temporal.workflow.getHandle<typeof invoiceWorkflow>(
                  invoiceWorkflowId(input.client, change.key.invoiceNumber),
                );
                try {
                  await handle.signal(refreshStatusSignal, {
                    by: 'status sweep',
                    status: change.status,
                    remainingOre: change.remainingOre,
                  });
                  signalled++;
                } catch (error) {
                  if (!(error instanceof WorkflowNotFoundError)) throw error;
                  if (await endedPaid(handle)) {
                    // The workflow read Paid itself, after a signal or its own read, and wrote it to PM.
                    alreadyPaid++;
                    delivered.push(change);
                    return;
                  }
                  closed.push(change);
                  log.warn(
                    'invoice workflow is closed, so the changed status is not written to PM; set it in PM by hand',
                    {
                      client: input.client,
                      invoiceNumber: change.key.invoiceNumber,
                      status: change.status,
                      remainingOre: change.remainingOre,
                    },
                  );
                }
                delivered.push(change);
              },
            );
          } catch (error) {
            signalError = error;
          }

          await vb.markSwept(delivered);
          if (signalError !== undefined) {
            log.warn('status sweep could not signal every changed invoice; the next attempt sends the rest', {
              client: input.client,
              changed: changed.length,
              delivered: start + delivered.length,
              error: signalError instanceof Error ? signalError.message : String(signalError),
            });
            throw signalError;
          }
        }
        return {
          changed: changed.length,
          signalled,
          alreadyPaid,
          closed: closed.length,
          closedInvoiceNumbers: closed.slice(0, MAX_CLOSED_REPORTED).map((change) => change.key.invoiceNumber),
        };
      }),
  };
}

/** Tells whether the invoice's workflow completed with status Paid, so that it wrote Paid to PM itself. */
async function endedPaid(handle: WorkflowHandle<typeof invoiceWorkflow>): Promise<boolean> {
  const { status, typedSearchAttributes } = await handle.describe();
  return status.name === 'COMPLETED' && typedSearchAttributes.get(INVOICE_STATUS) === InvoiceStatus.Paid;
}
