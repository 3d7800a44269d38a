import { SeededRandom } from '../pm-simulator/random';

/** The invoice workflow's steps, each of which the chaos run kills the worker during at least once. */
export const WORKER_KILL_STEPS = [
  'fetchInvoice',
  'mapInvoiceToVoucher',
  'postVoucherToBatch',
  'attachInvoicePdf',
  'readLedgerStatus',
  'updateInvoiceStatus',
] as const;
export type WorkerKillStep = (typeof WORKER_KILL_STEPS)[number];

/** A fault of PM or of the Temporal server, at a time after the start of the run. */
export type TimedFault =
  | { kind: 'pm-latency'; atSeconds: number; durationSeconds: number; latencyMs: number }
  | { kind: 'pm-429-burst'; atSeconds: number; durationSeconds: number; share: number }
  | { kind: 'pm-500-burst'; atSeconds: number; durationSeconds: number; share: number }
  | { kind: 'pm-token-revoked'; atSeconds: number; refreshTokensToo: boolean }
  | { kind: 'pm-token-short-lifetime'; atSeconds: number; durationSeconds: number; lifetimeSeconds: number }
  | { kind: 'dev-server-restart'; atSeconds: number; downSeconds: number };

/** Everything a chaos run injects, drawn from one seed. */
export interface FaultPlan {
  seed: number;
  /** PM and Temporal server faults, in time order. */
  timed: TimedFault[];
  /** Steps in the order the worker is killed during them. */
  killOrder: WorkerKillStep[];
  /** Pause before each kill, and before each restart after it, in seconds. */
  killPausesSeconds: number[];
  restartPausesSeconds: number[];
  /** Share (0 to 1) of SQL statements and commits that fail while the fault phase lasts. */
  sqlFaultRate: number;
}

/**
 * Draws the fault plan of a run from `seed`. Faults fall into the first `windowSeconds` of the run, which is sized
 * so that invoices are being fetched, posted and watched while they happen. The same seed gives the same plan; the
 * moments at which concurrent work meets the faults still vary from run to run.
 */
export function drawFaultPlan(seed: number, windowSeconds: number): FaultPlan {
  const random = new SeededRandom(seed ^ 0xc4a05);
  const at = (from: number, to: number) => Math.round(windowSeconds * (from + random.next() * (to - from)));
  const timed: TimedFault[] = [];

  for (let i = 0; i < 2; i++) {
    timed.push({
      kind: 'pm-latency',
      atSeconds: at(0.05, 0.9),
      durationSeconds: random.integer(5, 15),
      latencyMs: random.integer(100, 700),
    });
  }
  for (let i = 0; i < 3; i++) {
    timed.push({
      kind: 'pm-429-burst',
      atSeconds: at(0.05, 0.9),
      durationSeconds: random.integer(3, 8),
      share: random.integer(30, 70) / 100,
    });
    timed.push({
      kind: 'pm-500-burst',
      atSeconds: at(0.05, 0.9),
      durationSeconds: random.integer(3, 8),
      share: random.integer(30, 70) / 100,
    });
  }
  timed.push({ kind: 'pm-token-revoked', atSeconds: at(0.1, 0.9), refreshTokensToo: false });
  timed.push({ kind: 'pm-token-revoked', atSeconds: at(0.1, 0.9), refreshTokensToo: true });
  timed.push({
    kind: 'pm-token-short-lifetime',
    atSeconds: at(0.1, 0.8),
    durationSeconds: random.integer(15, 30),
    lifetimeSeconds: random.integer(2, 5),
  });
  timed.push({ kind: 'dev-server-restart', atSeconds: at(0.3, 0.7), downSeconds: random.integer(2, 6) });
  timed.sort((a, b) => a.atSeconds - b.atSeconds);

  const killOrder = random.shuffle(WORKER_KILL_STEPS);
  // The watch steps run only once invoices are posted, so they go last whatever the shuffle says.
  const watchSteps: WorkerKillStep[] = ['readLedgerStatus', 'updateInvoiceStatus'];
  killOrder.sort((a, b) => Number(watchSteps.includes(a)) - Number(watchSteps.includes(b)));
  return {
    seed,
    timed,
    killOrder,
    killPausesSeconds: Array.from({ length: 40 }, () => random.integer(2, 10)),
    restartPausesSeconds: Array.from({ length: 40 }, () => random.integer(1, 4)),
    sqlFaultRate: 0.03,
  };
}
