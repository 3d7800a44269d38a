import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { mapInvoiceToVoucher } from '../../src/domain/mapping';
import type { VoucherKey } from '../../src/domain/voucher';
import { toInvoiceForMapping } from '../../src/project-management/invoice-conversion';
import { InvoiceRowSchema, InvoiceSchema } from '../../src/project-management/invoice-schemas';
import { VoucherChecker } from '../../src/sandbox/chaos/voucher-check';
import { startPmSimulator, type PmSimulator } from '../../src/sandbox/pm-simulator';
import { renderInvoicePdf } from '../../src/sandbox/pm-simulator/pdf';
import { createSandboxDatabase } from '../../src/sandbox/vb-sandbox-database';
import { VismaBusinessRepository } from '../../src/visma-business/repository';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

// The chaos run's voucher check must see a voucher written twice, a wrong amount and a wrong PDF, or its zero
// duplicates and zero wrong prove nothing.

describe('chaos voucher check', () => {
  let dir: string;
  let simulator: PmSimulator;
  let executor: SqliteExecutor;
  let repository: VismaBusinessRepository;
  let checker: VoucherChecker;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-check-'));
    simulator = await startPmSimulator({ invoices: 5, seed: 8 });
    executor = new SqliteExecutor(await createSandboxDatabase(path.join(dir, 'vb.sqlite')));
    repository = new VismaBusinessRepository(executor);
    checker = new VoucherChecker(executor, repository, 11);
  });

  afterAll(async () => {
    await executor?.close();
    await simulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Imports an invoice of the simulator as the worker does, and returns its key and voucher number. */
  async function importInvoice(invoiceNumber: number): Promise<{ key: VoucherKey; voucherNumber: number }> {
    const invoice = simulator.state.invoiceByNumber(invoiceNumber)!;
    const forMapping = toInvoiceForMapping(
      'acme',
      InvoiceSchema.parse(invoice.body),
      z.array(InvoiceRowSchema).parse(invoice.rows),
    );
    const codes = forMapping.rows.map((row) => row.productCode).filter((code): code is string => code !== null);
    const voucher = mapInvoiceToVoucher(forMapping, await repository.readPostingData(codes, 11));
    const { voucherNumber } = await repository.writeVoucher(voucher, { runDate: '2025-10-01' });
    await repository.storeAttachment(voucher.key, await renderInvoicePdf(invoice), 'invoice.pdf', 1_000_000);
    return { key: voucher.key, voucherNumber };
  }

  test('imported voucher passes', async () => {
    const { key, voucherNumber } = await importInvoice(10001);
    expect(await checker.check(simulator.state.invoiceByNumber(10001)!, key, voucherNumber)).toBeNull();
  });

  test('lines written twice are duplicates', async () => {
    const { key, voucherNumber } = await importInvoice(10002);
    await executor.execute(
      `INSERT INTO WaVo (BndNo, LnNo, VoNo, VoDt, VoTp, ValDt, Txt, DbAcCl, DbAcNo, DbTxCd, CrAcCl, CrAcNo, CrTxCd,
         AmExVAT, VatAm, Am, InvoNo, DueDt, CID, Cur, ExRt, CurAm)
       SELECT BndNo, LnNo + 1000, VoNo, VoDt, VoTp, ValDt, Txt, DbAcCl, DbAcNo, DbTxCd, CrAcCl, CrAcNo, CrTxCd,
         AmExVAT, VatAm, Am, InvoNo, DueDt, CID, Cur, ExRt, CurAm
       FROM WaVo WHERE VoNo = @voucherNumber`,
      { voucherNumber },
    );

    expect(await checker.check(simulator.state.invoiceByNumber(10002)!, key, voucherNumber)).toContain('twice');
    expect(checker.findings.get('10002')?.kind).toBe('duplicate-lines');
  });

  test('changed amount is wrong', async () => {
    const { key, voucherNumber } = await importInvoice(10003);
    await executor.execute('UPDATE WaVo SET Am = Am + 0.01 WHERE VoNo = @voucherNumber AND DbAcCl = 1', {
      voucherNumber,
    });

    expect(await checker.check(simulator.state.invoiceByNumber(10003)!, key, voucherNumber)).toContain('amount');
    expect(checker.findings.get('10003')?.kind).toBe('wrong-lines');
  });

  test('other PDF is wrong', async () => {
    const { key, voucherNumber } = await importInvoice(10004);
    const other = await renderInvoicePdf(simulator.state.invoiceByNumber(10005)!);
    await executor.execute('UPDATE VoDoc SET DocData = @other WHERE VoNo = @voucherNumber', { other, voucherNumber });

    expect(await checker.check(simulator.state.invoiceByNumber(10004)!, key, voucherNumber)).toContain('PDF');
    expect(checker.findings.get('10004')?.kind).toBe('wrong-pdf');
  });
});
