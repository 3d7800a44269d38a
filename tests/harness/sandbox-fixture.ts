import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientsFile } from '../../src/config/clients-file';
import { parseClientsFile } from '../../src/config/load-config';
import { SimulatedAccountant } from '../../src/sandbox/accountant';
import {
  PmSimulator,
  PmSimulatorOptions,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startPmSimulator,
} from '../../src/sandbox/pm-simulator/server';
import { createSandboxDatabase } from '../../src/sandbox/vb-sandbox-database';
import { VismaBusinessRepository } from '../../src/visma-business/repository';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

/** Name of the environment variable that holds the PM secret in test configurations. */
export const PM_SECRET_ENV = 'JOURNAL_IMPORT_TEST_PM_SECRET';

/** A PM simulator, a sandbox Visma Business file and a clients file that points a worker at both. */
export interface SandboxFixture {
  client: string;
  simulator: PmSimulator;
  vbFile: string;
  config: ClientsFile;
  /** Environment with the PM secret, for the worker's client registry. */
  env: NodeJS.ProcessEnv;
  /** Repository and accountant on their own connection to the sandbox file, for the test's checks. */
  repository: VismaBusinessRepository;
  accountant: SimulatedAccountant;
  executor: SqliteExecutor;
  close(): Promise<void>;
}

/** Options of {@link createSandboxFixture}. */
export interface SandboxFixtureOptions {
  invoices: number;
  seed: number;
  taskQueue: string;
  temporalAddress?: string;
  /** Fields merged into the client's entry of the clients file. */
  client?: Record<string, unknown>;
  /** Further options of the PM simulator, such as its client secret or knobs. */
  simulator?: Omit<PmSimulatorOptions, 'port' | 'invoices' | 'seed'>;
}

/** Starts the PM simulator on 127.0.0.1 and creates a sandbox Visma Business database in a temporary folder. */
export async function createSandboxFixture(options: SandboxFixtureOptions): Promise<SandboxFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-'));
  const simulator = await startPmSimulator({
    ...options.simulator,
    port: 0,
    invoices: options.invoices,
    seed: options.seed,
  });
  const vbFile = await createSandboxDatabase(path.join(dir, 'vb.sqlite'));
  const client = 'acme';

  const config = parseClientsFile(
    {
      temporal: {
        address: options.temporalAddress ?? '127.0.0.1:7233',
        taskQueue: options.taskQueue,
      },
      clients: [
        {
          key: client,
          projectManagement: { baseUrl: simulator.url, clientId: SANDBOX_CLIENT_ID, clientSecretEnv: PM_SECRET_ENV },
          vismaBusiness: { engine: 'sqlite', file: vbFile },
          voucherSeries: { first: 100000, last: 199999 },
          ...options.client,
        },
      ],
    },
    'test configuration',
  );

  const executor = new SqliteExecutor(vbFile);
  return {
    client,
    simulator,
    vbFile,
    config,
    env: { ...process.env, [PM_SECRET_ENV]: options.simulator?.clientSecret ?? SANDBOX_CLIENT_SECRET },
    repository: new VismaBusinessRepository(executor),
    accountant: new SimulatedAccountant(executor),
    executor,
    async close() {
      await executor.close();
      await simulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
