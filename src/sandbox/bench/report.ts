import type { ImportFigures } from './import-bench';

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
  for (const [type, timing] of Object.entries(temporal.activities)) {
    print(`    ${type.padEnd(22)}${timing.meanQueueMs} / ${timing.meanRunMs}`);
  }
}

function describeKinds(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([kind, value]) => `${kind} ${value}`)
    .join(', ');
}
