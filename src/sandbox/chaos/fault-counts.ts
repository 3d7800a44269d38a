import type { SqlFaultKind } from './fault-injecting-executor';
import { WORKER_KILL_STEPS, type WorkerKillStep } from './fault-plan';

/** Faults a chaos run injected, by kind, as the report prints them. */
export interface FaultsInjected {
  /** Windows in which PM answered slowly. */
  pmLatency: number;
  /** 429 responses PM served. */
  pm429: number;
  /** 500 responses PM served. */
  pm500: number;
  /** Times PM's access tokens expired: revocations and windows of short token lifetimes. */
  pmTokenExpiry: number;
  /** Statements that failed with a dropped connection before they ran. */
  vbConnectionDrop: number;
  /** Transactions that committed but whose caller saw a dropped connection. */
  vbConnectionDropAfterCommit: number;
  /** Statements that failed with SQL Server's lock timeout, error 1222. */
  vbLockTimeout: number;
  /** Statements that failed with SQL Server's deadlock error, 1205. */
  vbDeadlock: number;
  /** SIGKILLs of the worker while an activity of the step was running, by step. */
  workerKill: Record<WorkerKillStep, number>;
  /** SIGKILLs that came just after the chosen activity had finished, so they hit no step. */
  workerKillBetweenSteps: number;
  /** Stops and restarts of the Temporal dev server on its database file. */
  devServerRestart: number;
}

/** Returns counts of zero for every kind. */
export function noFaults(): FaultsInjected {
  return {
    pmLatency: 0,
    pm429: 0,
    pm500: 0,
    pmTokenExpiry: 0,
    vbConnectionDrop: 0,
    vbConnectionDropAfterCommit: 0,
    vbLockTimeout: 0,
    vbDeadlock: 0,
    workerKill: Object.fromEntries(WORKER_KILL_STEPS.map((step) => [step, 0])) as Record<WorkerKillStep, number>,
    workerKillBetweenSteps: 0,
    devServerRestart: 0,
  };
}

/** Counts one SQL fault that a worker reported. */
export function countSqlFault(counts: FaultsInjected, kind: SqlFaultKind): void {
  switch (kind) {
    case 'deadlock':
      counts.vbDeadlock++;
      break;
    case 'lock-timeout':
      counts.vbLockTimeout++;
      break;
    case 'connection-drop':
      counts.vbConnectionDrop++;
      break;
    case 'connection-drop-after-commit':
      counts.vbConnectionDropAfterCommit++;
      break;
  }
}

/** Lists the kinds of fault the run was meant to inject but did not, such as a step the worker was never killed in. */
export function missingFaultKinds(counts: FaultsInjected): string[] {
  const missing: string[] = [];
  for (const [kind, value] of Object.entries(counts)) {
    if (kind === 'workerKillBetweenSteps') continue;
    if (typeof value === 'number') {
      if (value === 0) missing.push(kind);
    } else {
      for (const [step, kills] of Object.entries(value as Record<string, number>)) {
        if (kills === 0) missing.push(`workerKill.${step}`);
      }
    }
  }
  return missing;
}
