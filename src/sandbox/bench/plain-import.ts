import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createClientRegistry } from '../../activities/client-registry';
import { createInvoiceActivities } from '../../activities/invoice-activities';
import type { ClientsFile } from '../../config/clients-file';
import { LedgerStatus } from '../../domain/ledger';
import { BENCH_ENV } from './bench-sandbox';
import { ownCpuSeconds, round } from './measure';

/** Steps of one invoice in the order the invoice workflow runs them, through the first status written to PM. */
export const IMPORT_STEPS = [
  'fetchInvoice',
  'mapInvoiceToVoucher',
  'postVoucherToBatch',
  'attachInvoicePdf',
  'readLedgerStatus',
  'updateInvoiceStatus',
] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

/** Outcome of {@link runPlainImport}. */
export interface PlainImportResult {
  imported: number;
  failed: { invoiceNumber: string; error: string }[];
  startedAtMs: number;
  wallSeconds: number;
  /** Mean time of each step, in milliseconds. */
  stepMeanMs: Record<ImportStep, number>;
  statements: number;
  /** CPU time of this process during the run, in seconds. */
  cpuSeconds: number;
}

const SILENT: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Imports every issued invoice of `client` one after the other without Temporal: the same activity code the worker
 * runs, called directly in a mocked activity context, over the same PM simulator and Visma Business file. It lists
 * the issued invoices as the sync does, then for each fetches, maps, posts, attaches, reads the status and writes
 * Sent to PM. An invoice that fails is counted and skipped, with no retry.
 */
export async function runPlainImport(config: ClientsFile, client: string): Promise<PlainImportResult> {
  const registry = createClientRegistry(config, { env: BENCH_ENV });
  const activities = createInvoiceActivities(registry);
  const context = new MockActivityEnvironment(undefined, { logger: SILENT });
  const call = <A, R>(activity: (input: A) => Promise<R>, input: A): Promise<R> =>
    context.run(activity, input) as Promise<R>;
  const { pm, vb } = registry.get(client);
  const stepMs = Object.fromEntries(IMPORT_STEPS.map((step) => [step, 0])) as Record<ImportStep, number>;
  const timed = async <T>(step: ImportStep, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      stepMs[step] += performance.now() - started;
    }
  };

  const failed: PlainImportResult['failed'] = [];
  let imported = 0;
  const statementsBefore = vb.statementCount;
  const cpuBefore = ownCpuSeconds();
  const startedAtMs = Date.now();
  try {
    const listed = await pm.listIssuedInvoicesChangedSince(null);
    for (const { number, guid: invoiceGuid } of listed) {
      if (number == null) continue;
      const invoiceNumber = String(number);
      try {
        const { invoice } = await timed('fetchInvoice', () =>
          call(activities.fetchInvoice, { client, invoiceNumber, invoiceGuid }),
        );
        const { voucher } = await timed('mapInvoiceToVoucher', () =>
          call(activities.mapInvoiceToVoucher, { client, invoice }),
        );
        await timed('postVoucherToBatch', () => call(activities.postVoucherToBatch, { client, voucher }));
        await timed('attachInvoicePdf', () =>
          call(activities.attachInvoicePdf, { client, invoiceGuid, key: voucher.key }),
        );
        await timed('readLedgerStatus', () => call(activities.readLedgerStatus, { client, key: voucher.key }));
        await timed('updateInvoiceStatus', () =>
          call(activities.updateInvoiceStatus, { client, invoiceNumber, invoiceGuid, status: LedgerStatus.Sent }),
        );
        imported++;
      } catch (error) {
        failed.push({ invoiceNumber, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const wallSeconds = (Date.now() - startedAtMs) / 1000;
    const count = Math.max(1, imported);
    return {
      imported,
      failed,
      startedAtMs,
      wallSeconds,
      stepMeanMs: Object.fromEntries(IMPORT_STEPS.map((step) => [step, round(stepMs[step] / count, 2)])) as Record<
        ImportStep,
        number
      >,
      statements: vb.statementCount - statementsBefore,
      cpuSeconds: ownCpuSeconds() - cpuBefore,
    };
  } finally {
    await registry.close();
  }
}
