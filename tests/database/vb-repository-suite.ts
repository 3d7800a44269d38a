import { PaidStatus } from '../../src/domain/ledger';
import type { VoucherKey } from '../../src/domain/voucher';
import { PaymentRejectedError, SimulatedAccountant } from '../../src/sandbox/accountant';
import { SEED_COMPANY } from '../../src/sandbox/seed-catalogue';
import {
  AttachmentRejectedError,
  InvalidVoucherError,
  VoucherAlreadyPostedError,
  VoucherNotFoundError,
  VoucherSeriesConflictError,
  VoucherSeriesExhaustedError,
} from '../../src/visma-business/errors';
import { VismaBusinessRepository } from '../../src/visma-business/repository';
import type { SqlExecutor } from '../../src/visma-business/sql-executor';
import type { WriteVoucherResult } from '../../src/visma-business/voucher-writer';
import { buildTestVoucher, kidFor } from '../fixtures/vb-vouchers';
import { openTestExecutor, type PreparedTestDatabase, uniqueClient, uniqueInvoiceNumber } from './vb-test-database';
import { startWriterProcess } from './vb-writer-processes';

const RUN_DATE = '2025-03-03';
const MAX_PDF_BYTES = 1_000_000;
const PDF = Buffer.from(
  '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF\n',
  'latin1',
);

/** Returns the first number of a voucher series of 100 numbers that no other test run is likely to use. */
function unusedSeriesStart(): number {
  return 800_000_000 + Math.floor(Math.random() * 900_000) * 100;
}

/**
 * Defines the repository tests against the database that `prepare` sets up: a SQLite file in every run, and SQL
 * Server when a connection string is configured.
 */
export function describeRepositorySuite(engineName: string, prepare: () => Promise<PreparedTestDatabase>): void {
  describe(`VB repository on ${engineName}`, () => {
    let prepared: PreparedTestDatabase;
    let executor: SqlExecutor;
    let repository: VismaBusinessRepository;
    let accountant: SimulatedAccountant;

    beforeAll(async () => {
      prepared = await prepare();
      executor = await openTestExecutor(prepared.database);
      repository = new VismaBusinessRepository(executor);
      accountant = new SimulatedAccountant(executor);
    });

    afterAll(async () => {
      await executor?.close();
      await prepared?.cleanup();
    });

    function newKey(customerNumber = '10001'): VoucherKey {
      return { client: uniqueClient(), invoiceNumber: uniqueInvoiceNumber(), customerNumber };
    }

    async function documentNumberOf(key: VoucherKey): Promise<number> {
      const [{ documentNumber }] = await executor.query<{ documentNumber: unknown }>(
        `SELECT DocNo AS documentNumber FROM JiVoucherKey
         WHERE Client = @client AND InvoNo = @invoiceNumber AND CustNo = @customerNumber`,
        { ...key },
      );
      return Number(documentNumber);
    }

    test('company defaults come from seed', async () => {
      const defaults = await repository.readCompanyDefaults();

      expect(defaults.defaultGroupNumber).toBe(SEED_COMPANY.defaultPostingGroup);
      expect(defaults.invoiceVoucherType).toBe(SEED_COMPANY.invoiceVoucherType);
      expect(defaults.invoiceVoucherSeries).toEqual(SEED_COMPANY.invoiceVoucherSeries);
      expect(defaults.kid).toEqual({ algorithm: 'mod10', invoiceDigits: null, customerDigits: null });
    });

    test('posting data in one statement', async () => {
      const before = repository.statementCount;
      const data = await repository.readPostingData(['KONS-SENIOR', 'REISE-FLY', 'DIV-UTLEGG', 'KONS-SENIOR']);

      expect(repository.statementCount - before).toBe(1);
      expect(data.voucherType).toBe(11);
      expect(data.defaultGroupNumber).toBe('1');
      expect(data.productGroups).toEqual({ 'KONS-SENIOR': '1', 'REISE-FLY': '2' });
      expect(Object.keys(data.groups).sort()).toEqual(['1', '2']);
      expect(data.groups['2'].salesAccounts).toEqual([
        { accountNumber: '3000', vatCode: '3' },
        { accountNumber: '3020', vatCode: '33' },
      ]);
      expect(data.vatCodes['31']).toEqual({ code: '31', ratePercent: '15' });
      expect(data.vatCodes['6']).toEqual({ code: '6', ratePercent: '0' });
    });

    test('posting data without product codes', async () => {
      const data = await repository.readPostingData([], 12);

      expect(data.voucherType).toBe(12);
      expect(data.productGroups).toEqual({});
      expect(Object.keys(data.groups)).toEqual(['1']);
      expect(data.groups['1'].salesAccounts).toHaveLength(4);
    });

    test('customer existence follows the seed', async () => {
      expect(await repository.customerExists('10001')).toBe(true);
      expect(await repository.customerExists('10030')).toBe(true);
      expect(await repository.customerExists('10099')).toBe(false);
      expect(await repository.customerExists('ABC')).toBe(false);
    });

    test('import batch reused within run', async () => {
      const client = uniqueClient();
      const first = await repository.findOrCreateImportBatch(client, RUN_DATE);
      const again = await repository.findOrCreateImportBatch(client, RUN_DATE);
      const nextDay = await repository.findOrCreateImportBatch(client, '2025-03-04');
      const otherClient = await repository.findOrCreateImportBatch(uniqueClient(), RUN_DATE);

      expect(again).toBe(first);
      expect(nextDay).not.toBe(first);
      expect(otherClient).not.toBe(first);
    });

    test('new voucher is written once', async () => {
      const key = newKey();
      const voucher = buildTestVoucher(key);

      const created = await repository.writeVoucher(voucher, { runDate: RUN_DATE });
      const repeated = await repository.writeVoucher(voucher, { runDate: RUN_DATE });

      expect(created.outcome).toBe('created');
      expect(created.voucherNumber).toBeGreaterThanOrEqual(SEED_COMPANY.invoiceVoucherSeries.first);
      expect(repeated).toEqual({ ...created, outcome: 'unchanged' });
      expect(await repository.countVouchers(key)).toBe(1);
      expect(await repository.countVoucherLines(created.voucherNumber)).toBe(2);
    });

    test('ten concurrent writers, one voucher', async () => {
      const key = newKey('10002');
      const voucher = buildTestVoucher(key);
      const processes = Array.from({ length: 4 }, () => startWriterProcess(prepared.database, [voucher], RUN_DATE));
      const connections = await Promise.all([openTestExecutor(prepared.database), openTestExecutor(prepared.database)]);
      try {
        await Promise.all(processes.map((writer) => writer.ready));
        processes.forEach((writer) => writer.go());
        const inProcess = connections.flatMap((connection) => {
          const writer = new VismaBusinessRepository(connection);
          return [1, 2, 3].map(() => writer.writeVoucher(voucher, { runDate: RUN_DATE }));
        });

        const results = [
          ...(await Promise.all(inProcess)),
          ...(await Promise.all(processes.map((writer) => writer.results))).flat(),
        ] as WriteVoucherResult[];

        expect(results).toHaveLength(10);
        expect(results.filter((result) => result.outcome === 'created')).toHaveLength(1);
        expect(results.filter((result) => result.outcome === 'unchanged')).toHaveLength(9);
        expect(new Set(results.map((result) => result.voucherNumber)).size).toBe(1);
        expect(await repository.countVouchers(key)).toBe(1);
        expect(await repository.countVoucherLines(results[0].voucherNumber)).toBe(2);
      } finally {
        await Promise.all(connections.map((connection) => connection.close()));
      }
    });

    test('hundred concurrent invoices, distinct numbers', async () => {
      const client = uniqueClient();
      const vouchers = Array.from({ length: 100 }, (_, index) =>
        buildTestVoucher({
          client,
          invoiceNumber: uniqueInvoiceNumber(),
          customerNumber: String(10001 + (index % 30)),
        }),
      );
      const processes = [vouchers.slice(0, 30), vouchers.slice(30, 60)].map((share) =>
        startWriterProcess(prepared.database, share, RUN_DATE),
      );
      const connections = await Promise.all([openTestExecutor(prepared.database), openTestExecutor(prepared.database)]);
      try {
        await Promise.all(processes.map((writer) => writer.ready));
        processes.forEach((writer) => writer.go());
        const inProcess = [vouchers.slice(60, 80), vouchers.slice(80, 100)].flatMap((share, index) => {
          const writer = new VismaBusinessRepository(connections[index]);
          return share.map((voucher) => writer.writeVoucher(voucher, { runDate: RUN_DATE }));
        });

        const results = [
          ...(await Promise.all(processes.map((writer) => writer.results))).flat(),
          ...(await Promise.all(inProcess)),
        ] as WriteVoucherResult[];
        const numbers = results.map((result) => result.voucherNumber);

        expect(results.every((result) => result.outcome === 'created')).toBe(true);
        expect(new Set(numbers).size).toBe(100);
        expect(Math.min(...numbers)).toBeGreaterThanOrEqual(SEED_COMPANY.invoiceVoucherSeries.first);
        expect(Math.max(...numbers)).toBeLessThanOrEqual(SEED_COMPANY.invoiceVoucherSeries.last);
        expect(new Set(results.map((result) => result.batchNumber)).size).toBe(1);
      } finally {
        await Promise.all(connections.map((connection) => connection.close()));
      }
    });

    test('re-import replaces waiting voucher', async () => {
      const key = newKey();
      const first = await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });
      const changed = buildTestVoucher(key, { amounts: { exVatOre: 200_000, vatOre: 50_000 } });

      const replaced = await repository.writeVoucher(changed, { runDate: '2025-03-05' });
      const facts = await repository.readLedgerFacts(key);

      expect(replaced).toEqual({ ...first, outcome: 'replaced' });
      expect(facts?.totalOre).toBe(250_000);
      expect(await repository.countVouchers(key)).toBe(1);
      expect(await repository.countVoucherLines(first.voucherNumber)).toBe(2);
    });

    test('updated batch means already posted', async () => {
      const key = newKey();
      const voucher = buildTestVoucher(key);
      const written = await repository.writeVoucher(voucher, { runDate: RUN_DATE });
      await accountant.updateBatch(written.batchNumber);

      const same = await repository.writeVoucher(voucher, { runDate: RUN_DATE }).catch((error: unknown) => error);
      const changed = await repository
        .writeVoucher(buildTestVoucher(key, { amounts: { exVatOre: 1, vatOre: 0 } }), { runDate: RUN_DATE })
        .catch((error: unknown) => error);

      expect(same).toBeInstanceOf(VoucherAlreadyPostedError);
      expect((same as VoucherAlreadyPostedError).sameContent).toBe(true);
      expect((same as VoucherAlreadyPostedError).voucherNumber).toBe(written.voucherNumber);
      expect(changed).toBeInstanceOf(VoucherAlreadyPostedError);
      expect((changed as VoucherAlreadyPostedError).sameContent).toBe(false);
      expect(await repository.countVouchers(key)).toBe(1);
    });

    test('batch recreated after its update', async () => {
      const client = uniqueClient();
      const firstKey = { client, invoiceNumber: uniqueInvoiceNumber(), customerNumber: '10003' };
      const secondKey = { client, invoiceNumber: uniqueInvoiceNumber(), customerNumber: '10003' };
      const first = await repository.writeVoucher(buildTestVoucher(firstKey), { runDate: RUN_DATE });
      await accountant.updateBatch(first.batchNumber);

      const second = await repository.writeVoucher(buildTestVoucher(secondKey), { runDate: RUN_DATE });
      const secondFacts = await repository.readLedgerFacts(secondKey);
      const update = await accountant.updateBatch(second.batchNumber);

      expect(second.outcome).toBe('created');
      expect(second.voucherNumber).not.toBe(first.voucherNumber);
      expect(secondFacts?.waitingInBatch).toBe(true);
      expect(update.vouchers).toBe(1);
    });

    test('unbalanced voucher writes nothing', async () => {
      const key = newKey();
      const voucher = buildTestVoucher(key);
      voucher.lines[1].amountExVatOre -= 1;
      voucher.lines[1].amountOre -= 1;

      await expect(repository.writeVoucher(voucher, { runDate: RUN_DATE })).rejects.toBeInstanceOf(InvalidVoucherError);
      expect(await repository.readLedgerFacts(key)).toBeNull();
      expect(await repository.countVouchers(key)).toBe(0);
    });

    test('exhausted series raises typed error', async () => {
      const first = 900_000_000 + Math.floor(Math.random() * 90_000_000);
      const series = { first, last: first };
      await repository.writeVoucher(buildTestVoucher(newKey()), { runDate: RUN_DATE, series });

      const second = repository.writeVoucher(buildTestVoucher(newKey()), { runDate: RUN_DATE, series });

      await expect(second).rejects.toBeInstanceOf(VoucherSeriesExhaustedError);
    });

    test('overlapping series skips used numbers', async () => {
      const first = unusedSeriesStart();
      const series = { first, last: first + 9 };
      const written: number[] = [];
      for (let index = 0; index < 3; index += 1) {
        written.push(
          (await repository.writeVoucher(buildTestVoucher(newKey()), { runDate: RUN_DATE, series })).voucherNumber,
        );
      }
      // An accountant deletes the third voucher from its batch; the import keeps its number for the invoice.
      await executor.execute('DELETE FROM WaVo WHERE VoNo = @voucherNumber', { voucherNumber: first + 2 });

      const overlapping = await repository.writeVoucher(buildTestVoucher(newKey()), {
        runDate: RUN_DATE,
        series: { first: first + 1, last: first + 20 },
      });

      expect(written).toEqual([first, first + 1, first + 2]);
      expect(overlapping.voucherNumber).toBe(first + 3);
    });

    test('taken series number raises conflict', async () => {
      const first = unusedSeriesStart();
      const series = { first, last: first + 9 };
      await repository.writeVoucher(buildTestVoucher(newKey()), { runDate: RUN_DATE, series });
      await repository.writeVoucher(buildTestVoucher(newKey()), {
        runDate: RUN_DATE,
        series: { first: first + 1, last: first + 9 },
      });
      const key = newKey();

      const conflict = await repository
        .writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE, series })
        .catch((error: unknown) => error);

      expect(conflict).toBeInstanceOf(VoucherSeriesConflictError);
      expect(conflict).toMatchObject({ firstNumber: first, lastNumber: first + 9, voucherNumber: first + 1 });
      expect((conflict as VoucherSeriesConflictError).retryable).toBe(false);
      expect(await repository.readLedgerFacts(key)).toBeNull();
    });

    test('attachment stored once per content', async () => {
      const key = newKey();
      const { voucherNumber } = await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });

      const stored = await repository.storeAttachment(key, PDF, 'invoice.pdf', MAX_PDF_BYTES);
      const repeated = await repository.storeAttachment(key, PDF, 'invoice.pdf', MAX_PDF_BYTES);
      const corrected = Buffer.concat([Buffer.from('%PDF-1.7\n% corrected\n'), PDF.subarray(9)]);
      const replaced = await repository.storeAttachment(key, corrected, 'invoice.pdf', MAX_PDF_BYTES);

      expect(stored.outcome).toBe('stored');
      expect(repeated.outcome).toBe('unchanged');
      expect(replaced.outcome).toBe('stored');
      expect(await repository.countAttachments(voucherNumber)).toBe(1);
    });

    test.each([
      ['not-pdf', Buffer.from('<html>not a pdf</html>'), MAX_PDF_BYTES],
      ['empty', Buffer.alloc(0), MAX_PDF_BYTES],
      ['too-large', PDF, PDF.length - 1],
      ['truncated', PDF.subarray(0, 30), MAX_PDF_BYTES],
    ] as const)('attachment rejected as %s', async (reason, content, maxBytes) => {
      const key = newKey();
      const { voucherNumber } = await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });

      const error = await repository.storeAttachment(key, content, 'invoice.pdf', maxBytes).catch((caught) => caught);

      expect(error).toBeInstanceOf(AttachmentRejectedError);
      expect((error as AttachmentRejectedError).reason).toBe(reason);
      expect(await repository.countAttachments(voucherNumber)).toBe(0);
    });

    test('removed document number not reused', async () => {
      const first = newKey();
      const second = newKey('10002');
      await repository.writeVoucher(buildTestVoucher(first), { runDate: RUN_DATE });
      await repository.writeVoucher(buildTestVoucher(second), { runDate: RUN_DATE });
      await repository.storeAttachment(first, PDF, 'first.pdf', MAX_PDF_BYTES);
      const removed = await documentNumberOf(first);
      // A person removes the first voucher's document in Visma Business.
      await executor.execute('DELETE FROM VoDoc WHERE DocNo = @removed', { removed });

      await repository.storeAttachment(second, PDF, 'second.pdf', MAX_PDF_BYTES);

      expect(await documentNumberOf(second)).not.toBe(removed);
    });

    test('attachment never overwrites another voucher', async () => {
      const first = newKey();
      const second = newKey('10002');
      const { voucherNumber: firstVoucher } = await repository.writeVoucher(buildTestVoucher(first), {
        runDate: RUN_DATE,
      });
      const { voucherNumber: secondVoucher } = await repository.writeVoucher(buildTestVoucher(second), {
        runDate: RUN_DATE,
      });
      await repository.storeAttachment(second, PDF, 'second.pdf', MAX_PDF_BYTES);
      // The first invoice's record names a document number that now belongs to the second voucher's document.
      await executor.execute(
        `UPDATE JiVoucherKey SET DocNo = @documentNumber, DocSha256 = 'other'
         WHERE Client = @client AND InvoNo = @invoiceNumber AND CustNo = @customerNumber`,
        { ...first, documentNumber: await documentNumberOf(second) },
      );

      const stored = await repository.storeAttachment(first, PDF, 'first.pdf', MAX_PDF_BYTES);
      const secondDocuments = await executor.query<{ fileName: string }>(
        'SELECT FileNm AS fileName FROM VoDoc WHERE VoNo = @secondVoucher',
        { secondVoucher },
      );

      expect(stored.outcome).toBe('stored');
      expect(secondDocuments).toEqual([{ fileName: 'second.pdf' }]);
      expect(await repository.countAttachments(firstVoucher)).toBe(1);
    });

    test('attachment needs a written voucher', async () => {
      const attempt = repository.storeAttachment(newKey(), PDF, 'invoice.pdf', MAX_PDF_BYTES);

      await expect(attempt).rejects.toBeInstanceOf(VoucherNotFoundError);
    });

    test('statuses follow the accountant', async () => {
      const key = newKey('10004');
      const written = await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });
      const sent = await repository.readLedgerFacts(key);

      await accountant.updateBatch(written.batchNumber);
      const open = await repository.readLedgerFacts(key);

      const partial = await accountant.registerPayment(kidFor(key), 50_000, { paidOn: '2025-03-10' });
      const partlyPaid = await repository.readLedgerFacts(key);

      const settled = await accountant.registerPayment(kidFor(key), 75_000, { paidOn: '2025-03-17' });
      const paid = await repository.readLedgerFacts(key);

      expect(sent).toEqual({
        waitingInBatch: true,
        batchNumber: written.batchNumber,
        voucherNumber: written.voucherNumber,
        customerTransactionPosted: false,
        openEntry: null,
        totalOre: 125_000,
      });
      expect(open?.waitingInBatch).toBe(false);
      expect(open?.customerTransactionPosted).toBe(true);
      expect(open?.openEntry).toEqual({ paidStatus: PaidStatus.FullyOpen, remainingOre: 125_000 });
      expect(partial).toEqual({ paidStatus: PaidStatus.PartlyOpen, remainingOre: 75_000 });
      expect(partlyPaid?.openEntry).toEqual({ paidStatus: PaidStatus.PartlyOpen, remainingOre: 75_000 });
      expect(settled).toEqual({ paidStatus: PaidStatus.SettledOnTime, remainingOre: 0 });
      expect(paid?.customerTransactionPosted).toBe(true);
      expect(paid?.openEntry).toBeNull();
    });

    test('payment with invalid due date rejected', async () => {
      const key = newKey('10006');
      const written = await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });
      await accountant.updateBatch(written.batchNumber);

      const attempt = accountant
        .registerPayment(kidFor(key), 125_000, { paidOn: '2025-03-10', dueDate: 'tomorrow' })
        .catch((error: unknown) => error);

      expect(await attempt).toBeInstanceOf(PaymentRejectedError);
      expect(((await attempt) as PaymentRejectedError).message).toContain('due date tomorrow is not a date');
      expect((await repository.readLedgerFacts(key))?.openEntry).toEqual({
        paidStatus: PaidStatus.FullyOpen,
        remainingOre: 125_000,
      });
    });

    test('late payment settles late', async () => {
      const key = newKey('10005');
      const written = await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });
      await accountant.updateBatch(written.batchNumber);

      const settled = await accountant.registerPayment(kidFor(key), 125_000, { paidOn: '2025-03-18' });

      expect(settled.paidStatus).toBe(PaidStatus.SettledLate);
    });

    test('credit note total is negative', async () => {
      const key = newKey();
      await repository.writeVoucher(buildTestVoucher(key, { creditNote: true }), { runDate: RUN_DATE });

      const facts = await repository.readLedgerFacts(key);

      expect(facts?.totalOre).toBe(-125_000);
      expect(await repository.countVouchers(key)).toBe(1);
    });
  });
}
