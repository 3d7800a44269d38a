import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { mapInvoiceToVoucher } from '../domain/mapping';
import { MappingError } from '../domain/mapping-errors';
import { InvalidInvoiceError, toInvoiceForMapping } from '../project-management/invoice-conversion';
import { InvoiceRowSchema, InvoiceSchema } from '../project-management/invoice-schemas';
import type { Voucher } from '../domain/voucher';
import { AdminOptions, withAdminOptions } from './admin-context';
import { PostingFileSchema } from './posting-file';
import { PreviewFailedError, previewOnline } from './preview-online';
import { renderVoucherTable } from './voucher-table';

/** Exit status of `preview` when a file cannot be read or the invoice cannot become a voucher. */
export const EXIT_PREVIEW_FAILED = 1;

/** Exit status of `preview` when its options are invalid. */
const EXIT_USAGE = 2;

/** An invoice file: PM's invoice and its rows, as `GET /v1/invoices/{guid}` and its `invoicerows` return them. */
const InvoiceFileSchema = z.object({
  invoice: InvoiceSchema,
  rows: z.array(InvoiceRowSchema),
});

/** Raised when an input file of the preview cannot be read, parsed or validated. */
export class PreviewFileError extends Error {
  override readonly name = 'PreviewFileError';

  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

interface PreviewOptions extends AdminOptions {
  invoiceFile?: string;
  postingFile?: string;
  invoice?: string;
  client?: string;
  json?: boolean;
}

/**
 * Registers `preview`, which prints the voucher an invoice would become, as a table or as JSON, without writing
 * anything. The offline form maps an invoice file with a posting file; the online form fetches the invoice from
 * the client's PM and maps it with the client's Visma Business data, through the worker.
 */
export function registerPreviewCommand(program: Command): void {
  withAdminOptions(program.command('preview'))
    .description('Print the voucher an invoice would become in Visma Business, without writing anything.')
    .option('--invoice-file <path>', 'offline: JSON file {"invoice": <PM InvoiceOutputModel>, "rows": [<row>, ...]}')
    .option('--posting-file <path>', 'offline: JSON file with the Visma Business posting data (see the README)')
    .option('--invoice <number>', 'online: invoice number in PM, fetched through the worker (needs --client)')
    .option('--client <key>', 'client key: the voucher key offline, the client in the clients file online')
    .option('--json', 'print the voucher as JSON instead of a table')
    .action(async (options: PreviewOptions) => {
      const offline = options.invoiceFile !== undefined || options.postingFile !== undefined;
      if (offline && (!options.invoiceFile || !options.postingFile || options.invoice)) {
        console.error('error: the offline preview needs both --invoice-file and --posting-file, and no --invoice');
        process.exitCode = EXIT_USAGE;
        return;
      }
      if (!offline && (!options.invoice || !options.client)) {
        console.error('error: give --invoice-file and --posting-file, or --client and --invoice');
        process.exitCode = EXIT_USAGE;
        return;
      }
      try {
        let voucher: Voucher;
        if (offline) {
          const invoiceFile = await readJsonFile(options.invoiceFile!, InvoiceFileSchema);
          const posting = await readJsonFile(options.postingFile!, PostingFileSchema);
          const invoice = toInvoiceForMapping(options.client ?? 'preview', invoiceFile.invoice, invoiceFile.rows);
          voucher = mapInvoiceToVoucher(invoice, posting);
        } else {
          voucher = await previewOnline({ ...options, client: options.client!, invoice: options.invoice! });
        }

        console.log(options.json ? JSON.stringify(voucher, null, 2) : renderVoucherTable(voucher));
        process.exitCode = 0;
      } catch (error) {
        if (
          error instanceof PreviewFileError ||
          error instanceof PreviewFailedError ||
          error instanceof InvalidInvoiceError ||
          error instanceof MappingError
        ) {
          console.error(`error: ${error.message}`);
          process.exitCode = EXIT_PREVIEW_FAILED;
          return;
        }
        throw error;
      }
    });
}

async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PreviewFileError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PreviewFileError(path, `is not valid JSON (${(error as Error).message})`);
  }

  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new PreviewFileError(path, `does not have the expected shape:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
