import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { mapInvoiceToVoucher } from '../domain/mapping';
import { MappingError } from '../domain/mapping-errors';
import { InvalidInvoiceError, toInvoiceForMapping } from '../project-management/invoice-conversion';
import { InvoiceRowSchema, InvoiceSchema } from '../project-management/invoice-schemas';
import { PostingFileSchema } from './posting-file';
import { renderVoucherTable } from './voucher-table';

/** Exit status of `preview` when a file cannot be read or the invoice cannot become a voucher. */
export const EXIT_PREVIEW_FAILED = 1;

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

interface PreviewOptions {
  invoiceFile: string;
  postingFile: string;
  client: string;
  json?: boolean;
}

/**
 * Registers `preview`, which maps an invoice file and a posting file to a voucher and prints it, as a table or
 * as JSON, without writing anything.
 */
export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('Print the voucher an invoice would become in Visma Business, without writing anything.')
    .requiredOption('--invoice-file <path>', 'JSON file {"invoice": <PM InvoiceOutputModel>, "rows": [<row>, ...]}')
    .requiredOption('--posting-file <path>', 'JSON file with the Visma Business posting data (see the README)')
    .option('--client <key>', 'client key for the voucher key', 'preview')
    .option('--json', 'print the voucher as JSON instead of a table')
    .action(async (options: PreviewOptions) => {
      try {
        const invoiceFile = await readJsonFile(options.invoiceFile, InvoiceFileSchema);
        const posting = await readJsonFile(options.postingFile, PostingFileSchema);
        const invoice = toInvoiceForMapping(options.client, invoiceFile.invoice, invoiceFile.rows);
        const voucher = mapInvoiceToVoucher(invoice, posting);

        console.log(options.json ? JSON.stringify(voucher, null, 2) : renderVoucherTable(voucher));
        process.exitCode = 0;
      } catch (error) {
        if (
          error instanceof PreviewFileError ||
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
