import type { ClientSettings, ClientsFile } from '../config/clients-file';
import { ConfigError, readSecret } from '../config/load-config';
import { ProjectManagementClient } from '../project-management/client';
import type { PmLogger } from '../project-management/logger';
import { MssqlExecutor } from '../visma-business/mssql-executor';
import { VismaBusinessRepository } from '../visma-business/repository';
import { SchemaNameError, type SchemaNameOverrides } from '../visma-business/schema-names';
import type { SqlExecutor } from '../visma-business/sql-executor';
import { SqliteExecutor } from '../visma-business/sqlite-executor';
import { NeedsPersonError } from './failures';

/** The PM client, the Visma Business repository and the settings of one client. */
export interface ClientResources {
  settings: ClientSettings;
  pm: ProjectManagementClient;
  vb: VismaBusinessRepository;
}

/** The clients a worker serves, by key. */
export interface ClientRegistry {
  /** Returns the client's resources; raises a non-retryable error for a key not in the clients file. */
  get(client: string): ClientResources;
  /** Closes every database connection. */
  close(): Promise<void>;
}

/** Options of {@link createClientRegistry}. */
export interface ClientRegistryOptions {
  /** Receives the PM clients' records. */
  logger?: PmLogger;
  /** Environment the secrets are read from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Wraps each client's executor, for example to inject faults in the chaos test. */
  wrapExecutor?: (executor: SqlExecutor, client: string) => SqlExecutor;
}

/**
 * Builds the resources of every client in the clients file. Secrets are read here, once, from the environment
 * variables the file names, and stay inside the PM clients and the database connections.
 */
export function createClientRegistry(file: ClientsFile, options: ClientRegistryOptions = {}): ClientRegistry {
  const env = options.env ?? process.env;
  const executors: SqlExecutor[] = [];
  const resources = new Map<string, ClientResources>();

  for (const settings of file.clients) {
    const pmSettings = settings.projectManagement;
    const pm = new ProjectManagementClient({
      baseUrl: pmSettings.baseUrl,
      clientId: pmSettings.clientId,
      clientSecret: readSecret(pmSettings.clientSecretEnv, settings.key, 'projectManagement.clientSecretEnv', env),
      scope: pmSettings.scope,
      timeoutMs: pmSettings.timeoutMs,
      statusPatchPath: pmSettings.statusPatchPath,
      logger: options.logger,
    });

    const vbSettings = settings.vismaBusiness;
    const opened =
      vbSettings.engine === 'sqlite'
        ? new SqliteExecutor(vbSettings.file)
        : new MssqlExecutor({
            connectionString: readSecret(
              vbSettings.connectionStringEnv,
              settings.key,
              'vismaBusiness.connectionStringEnv',
              env,
            ),
          });
    const executor = options.wrapExecutor ? options.wrapExecutor(opened, settings.key) : opened;
    executors.push(executor);
    const schemaNames = vbSettings.schemaNames as SchemaNameOverrides | undefined;
    let vb: VismaBusinessRepository;
    try {
      vb = new VismaBusinessRepository(executor, { schemaNames });
    } catch (error) {
      if (!(error instanceof SchemaNameError)) throw error;
      throw new ConfigError(`Client "${settings.key}": vismaBusiness.schemaNames: ${error.message}`);
    }
    resources.set(settings.key, { settings, pm, vb });
  }

  return {
    get(client) {
      const found = resources.get(client);
      if (!found) {
        throw new NeedsPersonError(
          'UnknownClientError',
          `Client "${client}" is not in this worker's clients file; add it and restart the worker`,
        );
      }
      return found;
    },
    async close() {
      await Promise.all(executors.map((executor) => executor.close()));
    },
  };
}
