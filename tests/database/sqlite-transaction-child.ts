// Child process for the crash and pause tests: opens the sandbox database of argv[3] and, in one transaction,
// writes the voucher of invoice argv[4] with a PDF of argv[5] megabytes, then prints "in-tx".
// Mode "hold" (argv[2]) then waits until it is killed. Mode "continue" waits for a line on stdin, writes the
// voucher of invoice argv[6] in the same transaction and commits, then prints one JSON line with the outcome.
import { createInterface } from 'node:readline';
import { resolveSchemaNames } from '../../src/visma-business/schema-names';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';
import { storeAttachmentInTransaction } from '../../src/visma-business/attachment-store';
import { toVoucherRows } from '../../src/visma-business/voucher-rows';
import { writeVoucherInTransaction } from '../../src/visma-business/voucher-writer';
import { buildTestVoucher } from '../fixtures/vb-vouchers';

const SERIES = { first: 100_000, last: 199_999 };

async function main(): Promise<void> {
  const [mode, file, invoiceNumber, pdfMegabytes, secondInvoiceNumber] = process.argv.slice(2);
  const executor = new SqliteExecutor(file);
  const names = resolveSchemaNames();
  const write = async (tx: Parameters<Parameters<SqliteExecutor['transaction']>[0]>[0], invoice: string) => {
    const voucher = buildTestVoucher({ client: 'acme', invoiceNumber: invoice, customerNumber: '10005' });
    await writeVoucherInTransaction(tx, names, voucher, toVoucherRows(voucher), {
      runDate: '2025-03-03',
      series: async () => SERIES,
      now: new Date(),
    });
    return voucher.key;
  };

  try {
    await executor.transaction(async (tx) => {
      const key = await write(tx, invoiceNumber);
      const pdf = Buffer.alloc(Number(pdfMegabytes) * 1024 * 1024 + 64, 0x41);
      pdf.write('%PDF-1.7\n1 0 obj\n', 0, 'latin1');
      pdf.write('\nstartxref\n9\n%%EOF\n', pdf.length - 20, 'latin1');
      await storeAttachmentInTransaction(tx, names, key, pdf, 'invoice.pdf', new Date());
      process.stdout.write('in-tx\n');

      if (mode === 'hold') await new Promise(() => setInterval(() => undefined, 1000));
      const lines = createInterface({ input: process.stdin });
      await new Promise<void>((resolve) => lines.once('line', () => resolve()));
      lines.close();
      await write(tx, secondInvoiceNumber);
    });
    process.stdout.write(`${JSON.stringify({ outcome: 'committed' })}\n`);
  } catch (error) {
    const { name, message } = error as Error;
    process.stdout.write(`${JSON.stringify({ error: name, message })}\n`);
  } finally {
    await executor.close();
  }
}

void main();
