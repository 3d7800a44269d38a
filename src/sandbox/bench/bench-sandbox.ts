import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ClientsFile } from '../../config/clients-file';
import { parseClientsFile } from '../../config/load-config';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, startPmSimulator, type PmSimulator } from '../pm-simulator/server';
import { createSandboxDatabase } from '../vb-sandbox-database';

/** Environment variable that contains the PM simulator's secret for the bench's clients. */
export const BENCH_PM_SECRET_ENV = 'JOURNAL_IMPORT_BENCH_PM_SECRET';

/** Environment that the bench's workers and client registries read the PM secret from. */
export const BENCH_ENV: NodeJS.ProcessEnv = { ...process.env, [BENCH_PM_SECRET_ENV]: SANDBOX_CLIENT_SECRET };

/** Voucher numbers of the bench's clients. */
export const BENCH_VOUCHER_SERIES = { first: 100000, last: 999999 };

/** A PM simulator and a sandbox Visma Business file for one part of the bench. */
export interface BenchSandbox {
  simulator: PmSimulator;
  vbFile: string;
  stop(): Promise<void>;
}

/** Starts a PM simulator with `invoices` seeded invoices on 127.0.0.1 and creates a new sandbox VB file in `dir`. */
export async function startBenchSandbox(dir: string, name: string, invoices: number, seed: number) {
  const vbFile = path.join(dir, `${name}.sqlite`);
  rmSync(vbFile, { force: true });
  rmSync(`${vbFile}-journal`, { force: true });
  await createSandboxDatabase(vbFile);
  const simulator = await startPmSimulator({ port: 0, invoices, seed });
  return { simulator, vbFile, stop: () => simulator.stop() } satisfies BenchSandbox;
}

/** Returns a client entry of the clients file over `sandbox`, with `fields` merged in. */
export function benchClient(key: string, sandbox: BenchSandbox, fields: Record<string, unknown> = {}) {
  return {
    key,
    projectManagement: {
      baseUrl: sandbox.simulator.url,
      clientId: SANDBOX_CLIENT_ID,
      clientSecretEnv: BENCH_PM_SECRET_ENV,
    },
    vismaBusiness: { engine: 'sqlite', file: sandbox.vbFile },
    voucherSeries: BENCH_VOUCHER_SERIES,
    // The seed's one invoice for a customer that VB lacks needs attention after a minute instead of a day.
    customerGraceHours: 1 / 60,
    ...fields,
  };
}

/** Returns the clients file of a bench run. */
export function benchConfig(temporalAddress: string, taskQueue: string, clients: object[]): ClientsFile {
  return parseClientsFile({ temporal: { address: temporalAddress, taskQueue }, clients }, 'bench configuration');
}
