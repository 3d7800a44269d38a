import type { Client } from '@temporalio/client';
import type { ClientRegistry } from './client-registry';
import type { JournalActivities } from './contracts';
import { createInvoiceActivities } from './invoice-activities';
import { createSweepActivities } from './sweep-activities';
import { createSyncActivities } from './sync-activities';

/** Creates every activity the workflows call, over the clients of the registry. */
export function createActivities(registry: ClientRegistry, temporal: Client, taskQueue: string): JournalActivities {
  return {
    ...createInvoiceActivities(registry),
    ...createSyncActivities(registry, temporal, taskQueue),
    ...createSweepActivities(registry, temporal),
  };
}
