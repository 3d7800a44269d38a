import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import type { AdminAction } from '../activities/contracts';
import type { ClientsFile } from '../config/clients-file';
import { loadClientsFile } from '../config/load-config';
import { temporalConnectionOptions } from '../config/temporal-connection';

/** Default location of the clients file when neither `--config` nor `JOURNAL_IMPORT_CONFIG` is given. */
export const DEFAULT_CONFIG_FILE = 'clients.yaml';

/** Options every admin command accepts. */
export interface AdminOptions {
  config?: string;
  by?: string;
}

/** Configuration and Temporal client of an admin command. */
export interface AdminContext {
  config: ClientsFile;
  client: Client;
  /** Returns the Temporal UI address of a workflow, when the UI address is configured. */
  workflowLink(workflowId: string): string | undefined;
  close(): Promise<void>;
}

/** Adds the options shared by admin commands. */
export function withAdminOptions(command: Command): Command {
  return command
    .option('--config <file>', `clients file (JSON or YAML); default $JOURNAL_IMPORT_CONFIG or ${DEFAULT_CONFIG_FILE}`)
    .option('--by <name>', 'who performs the action, recorded in the workflow history; default the login name');
}

/** Reads the configuration and connects to Temporal. */
export async function openAdminContext(options: AdminOptions): Promise<AdminContext> {
  const file = options.config ?? process.env.JOURNAL_IMPORT_CONFIG ?? DEFAULT_CONFIG_FILE;
  const config = loadClientsFile(file);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const webUi = config.temporal.webUiUrl?.replace(/\/$/, '');
  return {
    config,
    client,
    workflowLink: (workflowId) =>
      webUi
        ? `${webUi}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`
        : undefined,
    close: () => connection.close(),
  };
}

/** Returns who performs an admin action and why. */
export function adminAction(options: AdminOptions, reason: string): AdminAction {
  return { by: options.by ?? os.userInfo().username, reason };
}

/** Runs an admin command with its context, closing the connection afterwards. */
export async function withAdminContext<T>(options: AdminOptions, action: (context: AdminContext) => Promise<T>) {
  const context = await openAdminContext(options);
  try {
    return await action(context);
  } finally {
    await context.close();
  }
}
