import type { VoucherKey } from '../../src/domain/voucher';
import { deriveLedgerStatus } from '../../src/domain/status';
import { SimulatedAccountant } from '../../src/sandbox/accountant';
import type { ChangedLedgerStatus } from '../../src/visma-business/ledger-sweep';
import { VismaBusinessRepository } from '../../src/visma-business/repository';
import type { SqlExecutor } from '../../src/visma-business/sql-executor';
import { buildTestVoucher, kidFor } from '../fixtures/vb-vouchers';
import { openTestExecutor, type PreparedTestDatabase, uniqueClient, uniqueInvoiceNumber } from './vb-test-database';

const RUN_DATE = '2025-03-03';

/** Defines the tests of the status sweep's set-based read against the database that `prepare` sets up. */
export function describeSweepSuite(engineName: string, prepare: () => Promise<PreparedTestDatabase>): void {
  describe(`status sweep on ${engineName}`, () => {
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

    async function writeInvoices(client: string, count: number, customerNumber = '10006'): Promise<VoucherKey[]> {
      const keys: VoucherKey[] = [];
      for (let index = 0; index < count; index++) {
        const key = { client, invoiceNumber: uniqueInvoiceNumber(), customerNumber };
        await repository.writeVoucher(buildTestVoucher(key), { runDate: RUN_DATE });
        keys.push(key);
      }
      return keys;
    }

    async function batchOf(key: VoucherKey): Promise<number> {
      return (await repository.readLedgerFacts(key))!.batchNumber!;
    }

    function summary(changes: ChangedLedgerStatus[]): string[] {
      return changes.map((change) => `${change.key.invoiceNumber} ${change.status} ${change.remainingOre}`).sort();
    }

    test('written voucher counts as swept', async () => {
      const client = uniqueClient();
      await writeInvoices(client, 2);

      expect(await repository.readChangedLedgerStatuses(client)).toEqual([]);
    });

    test('changes reported until marked', async () => {
      const client = uniqueClient();
      const [first, second] = await writeInvoices(client, 2);
      await accountant.updateBatch(await batchOf(first));

      const changed = await repository.readChangedLedgerStatuses(client);
      const again = await repository.readChangedLedgerStatuses(client);
      await repository.markSwept(changed);
      const afterMarking = await repository.readChangedLedgerStatuses(client);

      expect(summary(changed)).toEqual([`${first.invoiceNumber} Open 125000`, `${second.invoiceNumber} Open 125000`]);
      expect(changed[0].key.client).toBe(client);
      expect(changed[0].key.customerNumber).toBe('10006');
      expect(summary(again)).toEqual(summary(changed));
      expect(afterMarking).toEqual([]);
    });

    test('each payment reported once', async () => {
      const client = uniqueClient();
      const [paid] = await writeInvoices(client, 2, '10007');
      await accountant.updateBatch(await batchOf(paid));
      await repository.markSwept(await repository.readChangedLedgerStatuses(client));

      await accountant.registerPayment(kidFor(paid), 50_000, { paidOn: '2025-03-10' });
      const partlyPaid = await repository.readChangedLedgerStatuses(client);
      await repository.markSwept(partlyPaid);
      await accountant.registerPayment(kidFor(paid), 75_000, { paidOn: '2025-03-10' });
      const settled = await repository.readChangedLedgerStatuses(client);
      await repository.markSwept(settled);
      const afterPaid = await repository.readChangedLedgerStatuses(client);

      expect(summary(partlyPaid)).toEqual([`${paid.invoiceNumber} Open 75000`]);
      expect(summary(settled)).toEqual([`${paid.invoiceNumber} Paid 0`]);
      expect(afterPaid).toEqual([]);
    });

    test('sweep agrees with status derivation', async () => {
      const client = uniqueClient();
      const keys = await writeInvoices(client, 3, '10008');
      await accountant.updateBatch(await batchOf(keys[0]));
      await accountant.registerPayment(kidFor(keys[1]), 30_000, { paidOn: '2025-03-10' });
      await accountant.registerPayment(kidFor(keys[2]), 125_000, { paidOn: '2025-03-20' });

      const changed = await repository.readChangedLedgerStatuses(client);

      expect(changed).toHaveLength(3);
      for (const change of changed) {
        const derived = deriveLedgerStatus((await repository.readLedgerFacts(change.key))!);
        expect(`${change.status} ${change.remainingOre}`).toBe(`${derived.status} ${derived.remainingOre}`);
      }
    });

    test('deleted voucher reported as missing', async () => {
      const client = uniqueClient();
      const [key] = await writeInvoices(client, 1);
      const facts = await repository.readLedgerFacts(key);
      const { voucherLine: w } = repository.names;
      await executor.execute(`DELETE FROM ${w.table} WHERE ${w.voucherNumber} = @voucherNumber`, {
        voucherNumber: facts!.voucherNumber!,
      });

      const changed = await repository.readChangedLedgerStatuses(client);

      expect(summary(changed)).toEqual([`${key.invoiceNumber} Missing 0`]);
    });

    test('one statement per sweep', async () => {
      const client = uniqueClient();
      const keys = await writeInvoices(client, 5, '10009');
      await accountant.updateBatch(await batchOf(keys[0]));

      const before = repository.statementCount;
      const changed = await repository.readChangedLedgerStatuses(client);

      expect(repository.statementCount - before).toBe(1);
      expect(changed).toHaveLength(5);
    });

    test('other clients stay out', async () => {
      const client = uniqueClient();
      const other = uniqueClient();
      const [key] = await writeInvoices(client, 1);
      const [otherKey] = await writeInvoices(other, 1);
      await accountant.updateBatch(await batchOf(key));
      await accountant.updateBatch(await batchOf(otherKey));

      const changed = await repository.readChangedLedgerStatuses(client);

      expect(changed.map((change) => change.key.client)).toEqual([client]);
    });
  });
}
