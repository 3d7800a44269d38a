import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { Command, InvalidArgumentError } from 'commander';
import { InvoiceStatus } from '../domain/ledger';
import { findClient } from '../config/load-config';
import { invoiceWorkflowStartOptions } from '../config/invoice-workflow-options';
import { formatOre } from '../domain/money';
import {
  approveSignal,
  invoiceWorkflowId,
  InvoiceProgress,
  progressQuery,
  refreshStatusSignal,
  reimportUpdate,
  retrySignal,
} from '../workflows/definitions';
import type { invoiceWorkflow } from '../workflows';
import { adminAction, AdminOptions, withAdminContext, withAdminOptions } from './admin-context';

interface InvoiceOptions extends AdminOptions {
  client: string;
  invoice: string;
  reason?: string;
  json?: boolean;
}

/** Registers the commands that act on single invoices. */
export function registerInvoiceCommands(program: Command): void {
  withAdminOptions(program.command('import'))
    .description('start the import of invoices now, approving them when the client requires approval')
    .requiredOption('--client <key>', 'client key from the clients file')
    .requiredOption('--invoice <numbers...>', 'invoice numbers in PM')
    .option('--reason <text>', 'why the import is started', 'import started from the command line')
    .action((options: AdminOptions & { client: string; invoice: string[]; reason: string }) =>
      withAdminContext(options, async ({ config, client, workflowLink }) => {
        const settings = findClient(config, options.client);
        const action = adminAction(options, options.reason);
        for (const invoiceNumber of options.invoice) {
          const start = invoiceWorkflowStartOptions(settings, config.temporal.taskQueue, { invoiceNumber }, action);
          try {
            await client.workflow.start('invoiceWorkflow', start);
            console.log(`Invoice ${invoiceNumber}: import started (${start.workflowId})`);
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
            const handle = client.workflow.getHandle(start.workflowId);
            const description = await handle.describe();
            if (description.status.name === 'RUNNING') {
              await handle.signal(approveSignal, action);
              console.log(`Invoice ${invoiceNumber}: already has a workflow; approval sent, nothing else changed`);
            } else {
              console.log(
                `Invoice ${invoiceNumber}: already imported (workflow ${description.status.name.toLowerCase()}); ` +
                  'use reimport to import it again',
              );
            }
          }
          const link = workflowLink(start.workflowId);
          if (link) console.log(`  ${link}`);
        }
      }),
    );

  invoiceCommand(program, 'reimport', 'fetch an invoice again and replace its voucher while the batch waits')
    .requiredOption('--reason <text>', 'why the invoice is imported again; recorded in the workflow history')
    .action((options: InvoiceOptions) =>
      withAdminContext(options, async ({ config, client }) => {
        const settings = findClient(config, options.client);
        const action = adminAction(options, options.reason!);
        const start = invoiceWorkflowStartOptions(settings, config.temporal.taskQueue, {
          invoiceNumber: options.invoice,
        });
        const handle = client.workflow.getHandle(start.workflowId);
        const state = await describeOrUndefined(handle);
        if (!state) {
          console.error(
            `Invoice ${options.invoice} of client ${options.client} has no workflow; start its import with \`journal-import import\``,
          );
          process.exitCode = 1;
          return;
        }
        if (state === 'COMPLETED' && (await handle.result()).status === 'Paid') {
          console.error(
            `Invoice ${options.invoice}: re-import rejected: the invoice is posted and paid in Visma Business, ` +
              'so a re-import cannot change it; issue a credit note in PM instead.',
          );
          process.exitCode = 1;
          return;
        }

        try {
          // A running workflow carries out the re-import itself; a closed one (ended in NeedsAttention) starts anew.
          const result =
            state === 'RUNNING'
              ? await handle.executeUpdate(reimportUpdate, { args: [action] })
              : await client.workflow.executeUpdateWithStart(reimportUpdate, {
                  args: [action],
                  startWorkflowOperation: new WithStartWorkflowOperation<typeof invoiceWorkflow>('invoiceWorkflow', {
                    ...start,
                    workflowIdConflictPolicy: 'USE_EXISTING',
                    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
                  }),
                });
          console.log(
            `Invoice ${options.invoice}: re-imported (${result.outcome}), voucher ${result.voucherNumber} ` +
              `in batch ${result.batchNumber}`,
          );
        } catch (error) {
          const reason = updateFailureMessage(error);
          if (reason === undefined) throw error;
          console.error(`Invoice ${options.invoice}: re-import rejected: ${reason}`);
          process.exitCode = 1;
        }
      }),
    );

  invoiceCommand(program, 'retry', 'run the failed step of an invoice that needs attention again')
    .requiredOption('--reason <text>', 'what was fixed; recorded in the workflow history')
    .action((options: InvoiceOptions) =>
      withAdminContext(options, async ({ config, client }) => {
        findClient(config, options.client);
        const handle = client.workflow.getHandle(invoiceWorkflowId(options.client, options.invoice));
        const progress = await queryProgress(handle, options);
        if (!progress) return;
        if ((await handle.describe()).status.name !== 'RUNNING') {
          console.error(
            `Invoice ${options.invoice}: its workflow has ended (status ${progress.status}); ` +
              'use reimport to import it again',
          );
          process.exitCode = 1;
          return;
        }
        if (progress.status !== 'NeedsAttention') {
          console.error(`Invoice ${options.invoice} does not need attention (status ${progress.status}); nothing sent`);
          process.exitCode = 1;
          return;
        }
        await handle.signal(retrySignal, adminAction(options, options.reason!));
        console.log(`Invoice ${options.invoice}: retry sent (was: ${progress.attention?.errorType ?? 'unknown'})`);
      }),
    );

  invoiceCommand(program, 'refresh', 'read the invoice status in Visma Business now')
    .option('--reason <text>', 'why the status is read now', 'refresh from the command line')
    .action((options: InvoiceOptions) =>
      withAdminContext(options, async ({ config, client }) => {
        findClient(config, options.client);
        const handle = client.workflow.getHandle(invoiceWorkflowId(options.client, options.invoice));
        const progress = await queryProgress(handle, options);
        if (!progress) return;
        if ((await handle.describe()).status.name !== 'RUNNING') {
          console.error(
            `Invoice ${options.invoice}: its workflow has ended (status ${progress.status}); nothing to read`,
          );
          process.exitCode = 1;
          return;
        }
        if (progress.status === 'NeedsAttention') {
          console.error(
            `Invoice ${options.invoice} needs attention, so its status is not read; fix the cause and use retry`,
          );
          process.exitCode = 1;
          return;
        }
        await handle.signal(refreshStatusSignal, adminAction(options, options.reason!));
        console.log(`Invoice ${options.invoice}: status read requested`);
      }),
    );

  invoiceCommand(program, 'status', "show an invoice's progress")
    .option('--json', 'print the progress as JSON')
    .action((options: InvoiceOptions) =>
      withAdminContext(options, async ({ config, client, workflowLink }) => {
        findClient(config, options.client);
        const workflowId = invoiceWorkflowId(options.client, options.invoice);
        const progress = await queryProgress(client.workflow.getHandle(workflowId), options);
        if (!progress) return;
        if (options.json) {
          console.log(JSON.stringify(progress, null, 2));
          return;
        }
        printProgress(progress, workflowLink(workflowId));
      }),
    );

  withAdminOptions(program.command('list'))
    .description('list the invoices of a client, optionally with one status, from Temporal visibility')
    .requiredOption('--client <key>', 'client key from the clients file')
    .option('--status <status>', `one of ${Object.values(InvoiceStatus).join(', ')}`)
    .option('--limit <count>', 'maximum number of invoices listed', parseLimit, 100)
    .action((options: AdminOptions & { client: string; status?: string; limit: number }) => {
      if (options.status !== undefined && !Object.values(InvoiceStatus).includes(options.status as InvoiceStatus)) {
        console.error(
          `--status ${options.status} is not a status; use one of ${Object.values(InvoiceStatus).join(', ')}`,
        );
        process.exitCode = 2;
        return;
      }
      return withAdminContext(options, async ({ config, client }) => {
        findClient(config, options.client);
        // A run that continued as new keeps the status it had then, so only the latest run of each invoice counts.
        const clauses = [
          `JournalClient = ${quote(options.client)}`,
          `WorkflowType = "invoiceWorkflow"`,
          `ExecutionStatus != "ContinuedAsNew"`,
        ];
        if (options.status) clauses.push(`InvoiceStatus = ${quote(options.status)}`);
        let count = 0;
        for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
          if (count >= options.limit) break;
          const attributes = execution.typedSearchAttributes;
          const value = (name: string) => attributes.getAll().find((pair) => pair.key.name === name)?.value;
          console.log(
            [
              String(value('InvoiceNumber') ?? '?').padEnd(10),
              String(value('InvoiceStatus') ?? '?').padEnd(16),
              `customer ${value('CustomerNumber') ?? '-'}`.padEnd(16),
              `batch ${value('BatchNumber') ?? '-'}`.padEnd(12),
              execution.workflowId,
            ].join(' '),
          );
          count++;
        }
        console.log(`${count} invoice(s)`);
      });
    });
}

function invoiceCommand(program: Command, name: string, description: string): Command {
  return withAdminOptions(program.command(name))
    .description(description)
    .requiredOption('--client <key>', 'client key from the clients file')
    .requiredOption('--invoice <number>', 'invoice number in PM');
}

async function queryProgress(
  handle: { query: (definition: typeof progressQuery) => Promise<InvoiceProgress> },
  options: InvoiceOptions,
): Promise<InvoiceProgress | undefined> {
  try {
    return await handle.query(progressQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      console.error(
        `Invoice ${options.invoice} of client ${options.client} has no workflow; ` +
          'start its import with `journal-import import`',
      );
      process.exitCode = 1;
      return undefined;
    }
    throw error;
  }
}

function printProgress(progress: InvoiceProgress, link: string | undefined): void {
  const rows: [string, string][] = [
    ['Invoice', `${progress.invoiceNumber} (client ${progress.client})`],
    ['Customer', progress.customerNumber ?? '-'],
    ['Status', progress.status],
    ['Steps done', progress.stepsDone.join(', ') || '-'],
    ['Voucher', progress.voucherNumber?.toString() ?? '-'],
    ['Batch', progress.batchNumber?.toString() ?? '-'],
    ['Remaining', progress.remainingOre === null ? '-' : `${formatOre(progress.remainingOre)} NOK`],
    ['Status in PM', progress.statusInPm ?? '-'],
    ['Last poll', progress.lastPollAt ?? '-'],
    ['Next poll', progress.nextPollAt ?? '-'],
  ];
  if (progress.attention) {
    rows.push(['Attention', `${progress.attention.errorType}: ${progress.attention.message}`]);
    rows.push(['Since', progress.attention.since]);
  }
  for (const action of progress.adminActions) {
    rows.push(['Admin action', `${action.at} ${action.action} by ${action.by}: ${action.reason}`]);
  }
  if (link) rows.push(['Temporal UI', link]);
  for (const [label, value] of rows) console.log(`${label.padEnd(14)} ${value}`);
}

function updateFailureMessage(error: unknown): string | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`${value} is not a whole number of 1 or more`);
  }
  return limit;
}

async function describeOrUndefined(handle: { describe: () => Promise<{ status: { name: string } }> }) {
  try {
    return (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
