import type { PaymentTermsFigures } from './payment-terms-bench';
import { DEFAULT_SWEEP_SECONDS, type WatchFigures } from './watch-bench';
import { round } from './measure';

/** SQL statements per hour against Visma Business for N watched invoices, by source. */
export interface SqlPerHour {
  watched: number;
  sweepInterval: string;
  /** The sweep's set-based read, once per pass. */
  sweepReads: number;
  /** Marking and the invoice's own read after each status change the sweep signals. */
  changeStatements: number;
  /** The invoices' fallback reads, averaged over the payment terms. */
  fallbackReads: number;
  total: number;
  /** Hourly polling: one read per watched invoice and hour. */
  hourlyPolling: number;
  assumption: string;
}

/**
 * Computes SQL statements per hour with the sweep at the default interval from measured parts. The dev server run
 * gives the statements of an idle pass and per status change. The time-skipping run gives the fallback reads and
 * changes per invoice over its terms, which are taken to spread evenly over the terms.
 */
export function sqlPerHour(watch: WatchFigures, terms: PaymentTermsFigures): SqlPerHour {
  const hoursOpen = terms.termsDays * 24;
  const sweep = terms.sweep;
  const signalsPerInvoice = sweep.actionsPerInvoiceByKind['signal received'] ?? 0;
  const fallbackReadsPerInvoice = Math.max(0, sweep.statusReadsPerInvoice - 1 - signalsPerInvoice);
  const changesPerHour = (watch.watched * signalsPerInvoice) / hoursOpen;

  const sweepReads = (watch.statementsPerIdleSweep * 3_600) / DEFAULT_SWEEP_SECONDS;
  const changeStatements = changesPerHour * watch.paidSample.statementsPerChange;
  const fallbackReads = (watch.watched * fallbackReadsPerInvoice) / hoursOpen;
  return {
    watched: watch.watched,
    sweepInterval: `${DEFAULT_SWEEP_SECONDS} s`,
    sweepReads: round(sweepReads, 1),
    changeStatements: round(changeStatements, 1),
    fallbackReads: round(fallbackReads, 1),
    total: round(sweepReads + changeStatements + fallbackReads, 1),
    hourlyPolling: watch.watched,
    assumption:
      `each invoice open ${terms.termsDays} days with ${round(signalsPerInvoice, 2)} status changes and ` +
      `${round(fallbackReadsPerInvoice, 2)} fallback reads, spread evenly, as in the time-skipping run`,
  };
}
