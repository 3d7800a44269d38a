import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Command } from 'commander';
import type { ClientSettings, ClientsFile } from '../config/clients-file';
import { findClient } from '../config/load-config';
import { CLIENT_KEY } from '../domain/search-attributes';
import { stopSweepSignal, sweepProgressQuery, sweepWorkflowId } from '../workflows/definitions';
import type { statusSweepWorkflow } from '../workflows';
import { adminAction, AdminOptions, withAdminContext, withAdminOptions } from './admin-context';

/** Outcome of {@link startStatusSweep}. */
export type SweepStartOutcome = 'started' | 'already-running' | 'turned-off';

/**
 * Starts the client's status sweep unless it runs already or the client has `polling.statusSweep` off, and prints
 * what happened.
 */
export async function startStatusSweep(
  client: Client,
  config: ClientsFile,
  settings: ClientSettings,
): Promise<SweepStartOutcome> {
  const workflowId = sweepWorkflowId(settings.key);
  const outcome = await startSweepWorkflow(client, config, settings);
  if (outcome === 'turned-off') {
    console.log(
      `Status sweep of client ${settings.key} is turned off (polling.statusSweep); invoices poll on their own`,
    );
  } else if (outcome === 'started') {
    console.log(
      `Status sweep of client ${settings.key} started (${workflowId}), every ${settings.polling.statusSweepSeconds} s`,
    );
  } else {
    console.log(`Status sweep of client ${settings.key} is already running (${workflowId})`);
  }
  return outcome;
}

/** Starts the client's status sweep unless it runs already or the client has `polling.statusSweep` off. */
export async function startSweepWorkflow(
  client: Client,
  config: ClientsFile,
  settings: ClientSettings,
): Promise<SweepStartOutcome> {
  if (!settings.polling.statusSweep) return 'turned-off';
  try {
    await client.workflow.start<typeof statusSweepWorkflow>('statusSweepWorkflow', {
      workflowId: sweepWorkflowId(settings.key),
      taskQueue: config.temporal.taskQueue,
      args: [{ client: settings.key, intervalSeconds: settings.polling.statusSweepSeconds }],
      typedSearchAttributes: new TypedSearchAttributes([{ key: CLIENT_KEY, value: settings.key }]),
    });
    return 'started';
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return 'already-running';
  }
}

/** Registers `sweep start|stop|status`. */
export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command('sweep')
    .description("run a client's status sweep, which reads Visma Business once per interval for every watched invoice");

  withAdminOptions(sweep.command('start'))
    .description('start the status sweep of a client (sync start starts it too)')
    .requiredOption('--client <key>', 'client key from the clients file')
    .action((options: AdminOptions & { client: string }) =>
      withAdminContext(options, async ({ config, client, workflowLink }) => {
        const settings = findClient(config, options.client);
        if ((await startStatusSweep(client, config, settings)) === 'turned-off') return;
        const link = workflowLink(sweepWorkflowId(settings.key));
        if (link) console.log(`  ${link}`);
      }),
    );

  withAdminOptions(sweep.command('stop'))
    .description('stop the status sweep of a client after its current pass; invoices then read on their fallback')
    .requiredOption('--client <key>', 'client key from the clients file')
    .option('--reason <text>', 'why the sweep stops', 'stopped from the command line')
    .action((options: AdminOptions & { client: string; reason: string }) =>
      withAdminContext(options, async ({ client }) => {
        const handle = client.workflow.getHandle(sweepWorkflowId(options.client));
        try {
          await handle.signal(stopSweepSignal, adminAction(options, options.reason));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          console.error(`Client ${options.client} has no running status sweep`);
          process.exitCode = 1;
          return;
        }
        console.log(`Status sweep of client ${options.client}: stop requested`);
      }),
    );

  withAdminOptions(sweep.command('status'))
    .description('show the progress of the status sweep of a client')
    .requiredOption('--client <key>', 'client key from the clients file')
    .action((options: AdminOptions & { client: string }) =>
      withAdminContext(options, async ({ client }) => {
        const handle = client.workflow.getHandle(sweepWorkflowId(options.client));
        try {
          const [progress, description] = await Promise.all([handle.query(sweepProgressQuery), handle.describe()]);
          console.log(`Status sweep of client ${progress.client}: ${description.status.name.toLowerCase()}`);
          console.log(`  passes ${progress.passes}, invoices signalled ${progress.invoicesSignalled}`);
          console.log(`  last pass ${progress.lastPassAt ?? '-'}, next pass ${progress.nextPassAt ?? '-'}`);
          // A sweep run by an older worker has neither field.
          if ((progress.failedPasses ?? 0) > 0) {
            const last = progress.lastFailure
              ? `; last at ${progress.lastFailure.at}: ${progress.lastFailure.message}`
              : '';
            console.log(`  failed passes ${progress.failedPasses}${last}`);
          }
          if ((progress.closedInvoices ?? []).length > 0) {
            console.log(
              `  status changed after the workflow closed, not written to PM: invoice ${progress.closedInvoices.join(', ')}`,
            );
          }
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          console.error(`Client ${options.client} has no status sweep; start it with \`journal-import sweep start\``);
          process.exitCode = 1;
        }
      }),
    );
}
