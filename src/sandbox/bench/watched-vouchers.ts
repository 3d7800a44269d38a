import type { InvoiceForMapping } from '../../domain/invoice';
import { mapInvoiceToVoucher } from '../../domain/mapping';
import type { Voucher } from '../../domain/voucher';
import { toInvoiceForMapping } from '../../project-management/invoice-conversion';
import { InvoiceRowSchema, InvoiceSchema } from '../../project-management/invoice-schemas';
import { VismaBusinessRepository } from '../../visma-business/repository';
import type { SqlExecutor } from '../../visma-business/sql-executor';
import { toVoucherRows } from '../../visma-business/voucher-rows';
import { writeVoucherInTransaction } from '../../visma-business/voucher-writer';
import type { PmSimulator } from '../pm-simulator/server';
import { BENCH_VOUCHER_SERIES } from './bench-sandbox';

/** An invoice of the simulator written to Visma Business as a voucher, ready to be watched. */
export interface WatchedVoucher {
  invoice: InvoiceForMapping;
  voucher: Voucher;
  voucherNumber: number;
  batchNumber: number;
  totalOre: number;
}

/** Vouchers written per transaction; one commit per voucher would make setting up thousands take minutes. */
const VOUCHERS_PER_TRANSACTION = 500;

/**
 * Writes a voucher for every issued invoice of the simulator whose customer Visma Business has, without
 * Temporal: the simulator's invoice converted and mapped as the import does, then written by the import's voucher
 * writer into the batch of `runDateOf(index)`, many vouchers to a transaction. Returns them in the simulator's order.
 */
export async function writeWatchedVouchers(
  client: string,
  simulator: PmSimulator,
  executor: SqlExecutor,
  runDateOf: (index: number) => string,
  progress: (written: number) => void,
): Promise<WatchedVoucher[]> {
  const repository = new VismaBusinessRepository(executor);
  const invoices = simulator.state
    .allInvoices()
    .filter((simulated) => simulated.body.number != null)
    .map((simulated) =>
      toInvoiceForMapping(
        client,
        InvoiceSchema.parse(simulated.body),
        simulated.rows.map((row) => InvoiceRowSchema.parse(row)),
      ),
    );
  const productCodes = [
    ...new Set(
      invoices.flatMap((invoice) =>
        invoice.rows.map((row) => row.productCode).filter((code): code is string => code !== null),
      ),
    ),
  ];
  const posting = await repository.readPostingData(productCodes);
  const customers = [...new Set(invoices.map((invoice) => invoice.customerNumber ?? ''))];
  const known = new Set<string>();
  for (const customer of customers) if (await repository.customerExists(customer)) known.add(customer);
  const vouchers = invoices
    .filter((invoice) => known.has(invoice.customerNumber ?? ''))
    .map((invoice) => ({ invoice, voucher: mapInvoiceToVoucher(invoice, posting) }));

  const written: WatchedVoucher[] = [];
  for (let start = 0; start < vouchers.length; start += VOUCHERS_PER_TRANSACTION) {
    await executor.transaction(async (tx) => {
      for (const { invoice, voucher } of vouchers.slice(start, start + VOUCHERS_PER_TRANSACTION)) {
        const rows = toVoucherRows(voucher);
        const result = await writeVoucherInTransaction(tx, repository.names, voucher, rows, {
          runDate: runDateOf(written.length),
          series: async () => BENCH_VOUCHER_SERIES,
          now: new Date(),
        });
        written.push({ invoice, voucher, ...result, totalOre: rows.totalOre });
      }
    });
    progress(written.length);
  }
  return written;
}
