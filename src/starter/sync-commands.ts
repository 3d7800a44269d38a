import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Command } from 'commander';
import { findClient } from '../config/load-config';
import { CLIENT_KEY } from '../domain/search-attributes';
import { backfillProgressQuery, stopSyncSignal, syncProgressQuery, syncWorkflowId } from '../workflows/definitions';
import type { backfillWorkflow, clientSyncWorkflow } from '../workflows';
import { adminAction, AdminOptions, withAdminContext, withAdminOptions } from './admin-context';
import { startStatusSweep } from './sweep-commands';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(value: string): boolean {
  return DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** Registers `sync start|stop|status` and `backfill`. */
export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description("run a client's sync workflow, which imports new invoices");

  withAdminOptions(sync.command('start'))
    .description("start the sync workflow of a client, and its status sweep unless the client's settings turn it off")
    .requiredOption('--client <key>', 'client key from the clients file')
    .option('--since <time>', 'ISO 8601 time from which changed invoices are listed; default every issued invoice')
    .action((options: AdminOptions & { client: string; since?: string }) =>
      withAdminContext(options, async ({ config, client, workflowLink }) => {
        const settings = findClient(config, options.client);
        const workflowId = syncWorkflowId(settings.key);
        try {
          await client.workflow.start<typeof clientSyncWorkflow>('clientSyncWorkflow', {
            workflowId,
            taskQueue: config.temporal.taskQueue,
            args: [
              {
                client: settings.key,
                intervalSeconds: settings.polling.syncIntervalSeconds,
                cursor: options.since ?? null,
              },
            ],
            typedSearchAttributes: new TypedSearchAttributes([{ key: CLIENT_KEY, value: settings.key }]),
          });
          console.log(
            `Sync of client ${settings.key} started (${workflowId}), every ${settings.polling.syncIntervalSeconds} s`,
          );
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          console.log(`Sync of client ${settings.key} is already running (${workflowId})`);
        }
        const link = workflowLink(workflowId);
        if (link) console.log(`  ${link}`);
        await startStatusSweep(client, config, settings);
      }),
    );

  withAdminOptions(sync.command('stop'))
    .description('stop the sync workflow of a client after its current pass')
    .requiredOption('--client <key>', 'client key from the clients file')
    .option('--reason <text>', 'why the sync stops', 'stopped from the command line')
    .action((options: AdminOptions & { client: string; reason: string }) =>
      withAdminContext(options, async ({ client }) => {
        const handle = client.workflow.getHandle(syncWorkflowId(options.client));
        try {
          await handle.signal(stopSyncSignal, adminAction(options, options.reason));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          console.error(`Client ${options.client} has no running sync`);
          process.exitCode = 1;
          return;
        }
        console.log(`Sync of client ${options.client}: stop requested`);
      }),
    );

  withAdminOptions(sync.command('status'))
    .description('show the progress of the sync workflow of a client')
    .requiredOption('--client <key>', 'client key from the clients file')
    .action((options: AdminOptions & { client: string }) =>
      withAdminContext(options, async ({ client }) => {
        const handle = client.workflow.getHandle(syncWorkflowId(options.client));
        try {
          const [progress, description] = await Promise.all([handle.query(syncProgressQuery), handle.describe()]);
          console.log(`Sync of client ${progress.client}: ${description.status.name.toLowerCase()}`);
          console.log(
            `  passes ${progress.passes}, invoices started ${progress.invoicesStarted}, already known ${progress.invoicesAlreadyKnown}`,
          );
          console.log(
            `  cursor ${progress.cursor ?? '-'}, last pass ${progress.lastPassAt ?? '-'}, next pass ${progress.nextPassAt ?? '-'}`,
          );
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          console.error(`Client ${options.client} has no sync; start it with \`journal-import sync start\``);
          process.exitCode = 1;
        }
      }),
    );

  withAdminOptions(program.command('backfill'))
    .description('import every invoice issued between two dates that is not imported yet')
    .requiredOption('--client <key>', 'client key from the clients file')
    .requiredOption('--from <date>', 'first invoice date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last invoice date, YYYY-MM-DD, inclusive')
    .option('--reason <text>', 'why the backfill runs', 'backfill from the command line')
    .action((options: AdminOptions & { client: string; from: string; to: string; reason: string }) => {
      for (const [name, value] of [
        ['--from', options.from],
        ['--to', options.to],
      ]) {
        if (!isCalendarDate(value)) {
          console.error(`${name} ${value} is not a calendar date; use YYYY-MM-DD`);
          process.exitCode = 2;
          return;
        }
      }
      if (options.from > options.to) {
        console.error(`--from ${options.from} is after --to ${options.to}`);
        process.exitCode = 2;
        return;
      }
      return withAdminContext(options, async ({ config, client }) => {
        const settings = findClient(config, options.client);
        const handle = await client.workflow.start<typeof backfillWorkflow>('backfillWorkflow', {
          workflowId: `backfill/${settings.key}/${options.from}_${options.to}/${Date.now()}`,
          taskQueue: config.temporal.taskQueue,
          args: [
            {
              client: settings.key,
              from: options.from,
              to: options.to,
              requestedBy: adminAction(options, options.reason),
            },
          ],
          typedSearchAttributes: new TypedSearchAttributes([{ key: CLIENT_KEY, value: settings.key }]),
        });
        console.log(`Backfill ${handle.workflowId} started`);

        const result = handle.result();
        let done = false;
        void result.finally(() => (done = true)).catch(() => undefined);
        while (!done) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const progress = await handle.query(backfillProgressQuery).catch(() => undefined);
          if (progress) printBar(progress.found, progress.started + progress.alreadyKnown);
        }
        const final = await result;
        printBar(final.found, final.started + final.alreadyKnown);
        process.stderr.write('\n');
        console.log(
          `Backfill done: ${final.found} found, ${final.started} started, ${final.alreadyKnown} already imported`,
        );
      });
    });
}

// Draws a progress bar on a terminal, or one line per update when the output is not a terminal.
function printBar(total: number | null, done: number): void {
  if (total === null) {
    process.stderr.write(process.stderr.isTTY ? '\rlisting invoices...' : 'listing invoices...\n');
    return;
  }
  const width = 30;
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * width);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
}
