import type { ImportFigures } from './import-bench';
import type { PaymentTermsFigures } from './payment-terms-bench';
import type { SqlPerHour } from './sql-per-hour';
import { BENCH_SWEEP_SECONDS, type WatchFigures } from './watch-bench';

/** Prints the figures of `--invoices N` as lines for a person. */
export function printImportFigures(figures: ImportFigures, print: (line: string) => void): void {
  const { plain, temporal } = figures;
  print('');
  print(`Import of ${figures.invoices} seeded invoices (${figures.importable} importable), fetch through status Sent:`);
  print(`                               plain loop     Temporal`);
  const row = (name: string, left: unknown, right: unknown) =>
    print(`  ${name.padEnd(29)}${String(left ?? '-').padEnd(15)}${String(right ?? '-')}`);
  row('wall time, s', plain.wallSeconds, temporal.wallSeconds);
  row('invoices per second', plain.invoicesPerSecond, temporal.invoicesPerSecond);
  row('voucher written p50, s', plain.latencyP50Seconds, temporal.latencyP50Seconds);
  row('voucher written p95, s', plain.latencyP95Seconds, temporal.latencyP95Seconds);
  row('SQL statements per invoice', plain.sqlStatementsPerInvoice, temporal.sqlStatementsPerInvoice);
  row('bench process CPU, s', plain.benchProcessCpuSeconds, temporal.benchProcessCpuSeconds);
  print(`  Temporal / plain throughput: ${figures.throughputRatio}`);
  print(`  history events per invoice: ${temporal.historyEventsPerInvoice}`);
  print(
    `  billable actions per invoice: ${temporal.billableActionsPerInvoice} ` +
      `(${describeKinds(temporal.billableActionsPerInvoiceByKind)}), plus ${temporal.syncActionsPerInvoice} of the sync`,
  );
  print(`  dev server CPU, s: ${temporal.devServerCpuSeconds ?? '-'}`);
  print(
    `  worker peak RSS: ${temporal.workerPeakRssMiB} MiB (bench process before the worker: ${figures.rssBeforeWorkerMiB} MiB)`,
  );
  print(`  plain loop mean per step, ms: ${describeKinds(plain.stepMeanMs)}`);
  print('  Temporal activities, mean queue wait / run time, ms:');
  for (const [type, timing] of Object.entries({ ...temporal.activities, ...temporal.syncActivities })) {
    print(`    ${type.padEnd(26)}${timing.meanQueueMs} / ${timing.meanRunMs}`);
  }
}

function describeKinds(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([kind, value]) => `${kind} ${value}`)
    .join(', ');
}

/** Prints the figures of `--watch N` as lines for a person. */
export function printWatchFigures(
  figures: { realTime: WatchFigures; workflowTime: PaymentTermsFigures; sqlPerHour: SqlPerHour },
  print: (line: string) => void,
): void {
  printRealTime(figures.realTime, print);
  printSqlPerHour(figures.sqlPerHour, print);
  printActions(figures.workflowTime, figures.sqlPerHour.sweepInterval, print);
}

function printRealTime(watch: WatchFigures, print: (line: string) => void): void {
  print('');
  print(
    `Status watch of ${watch.watched} posted invoices (dev server, real time, sweep every ${BENCH_SWEEP_SECONDS} s):`,
  );
  print(`  vouchers written without Temporal in ${watch.voucherWriteSeconds} s`);
  print(`  watches started and asleep in ${watch.watchStartSeconds} s (${watch.watchStartsPerSecond} per second)`);
  print(
    `  worker RSS with ${watch.watched} sleeping watches: ${watch.workerRssWithSleepingWatchesMiB} MiB ` +
      `(peak ${watch.workerPeakRssMiB} MiB); dev server RSS: ${watch.devServerRssWithSleepingWatchesMiB ?? '-'} MiB`,
  );
  print(
    `  sweep query with ${watch.watched} watched and nothing changed: ${watch.sweepQueryMs} ms, ` +
      `${watch.statementsPerIdleSweep} statement(s) per pass`,
  );

  const paid = watch.paidSample;
  print(
    `  sample of ${paid.invoices} paid through the sweep: ${paid.changes} status changes, ${paid.signals} signals, ` +
      `${paid.statementsPerChange} SQL statements per change; Open in PM after ${paid.secondsToOpen} s, ` +
      `Paid after ${paid.secondsToPaid} s`,
  );
}

function printSqlPerHour(sql: SqlPerHour, print: (line: string) => void): void {
  print('');
  print(`SQL statements per hour for ${sql.watched} watched invoices, sweep every ${sql.sweepInterval}:`);
  print(
    `  sweep ${sql.sweepReads} + changes ${sql.changeStatements} + fallback reads ${sql.fallbackReads} = ` +
      `${sql.total}; hourly polling: ${sql.hourlyPolling}`,
  );
  print(`  (${sql.assumption})`);
}

function printActions(terms: PaymentTermsFigures, sweepInterval: string, print: (line: string) => void): void {
  print('');
  print(`Billable actions per invoice from issue to Paid, ${terms.termsDays}-day terms, ${terms.time}:`);
  print(
    `  with the sweep: ${terms.sweep.actionsPerInvoice} (${describeKinds(terms.sweep.actionsPerInvoiceByKind)}), ` +
      invoiceCount(terms.sweep.invoices),
  );
  print(
    `  hourly polling: ${terms.hourlyPolling.actionsPerInvoice} ` +
      `(${describeKinds(terms.hourlyPolling.actionsPerInvoiceByKind)}), ${invoiceCount(terms.hourlyPolling.invoices)}`,
  );
  print(`  default backing-off schedule without the sweep: ${terms.backingOffSchedule.actionsPerInvoice}`);
  print(`  hourly polling / sweep: ${terms.hourlyToSweepRatio}`);
  print(
    `  with the sweep and ${terms.sweepWithDoubleTerms.termsDays}-day terms: ` +
      `${terms.sweepWithDoubleTerms.actionsPerInvoice}`,
  );
  print(
    `  the sweep workflow itself: ${terms.sweepWorkflow.actionsPerPass} per pass, ` +
      `${terms.sweepWorkflow.actionsPerClientPerDayAtDefaultInterval} per client and day at ${sweepInterval}`,
  );
}

function invoiceCount(count: number): string {
  return count === 1 ? '1 invoice' : `${count} invoices`;
}
