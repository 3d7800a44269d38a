import type { SimulatedAccountant } from '../accountant';

/** Counts of the sandbox accountant's actions in one round. */
export interface AccountantRound {
  batchesUpdated: number;
  partPayments: number;
  fullPayments: number;
  creditsSettled: number;
}

/**
 * A simulated accountant that works through the sandbox at a person's pace: it updates each import batch one round
 * after it appears, and pays open entries by KID one or two rounds later. Every second invoice is paid in two
 * parts, to show a partly paid invoice; credit notes are settled.
 */
export class AccountantLoop {
  private readonly batchesSeen = new Set<number>();
  private readonly entriesSeen = new Map<number, number>();
  private round = 0;

  constructor(
    private readonly accountant: SimulatedAccountant,
    /** Entries handled per round at most, so that payments spread over a few minutes. */
    private readonly maxPaymentsPerRound = 4,
    /** Payment date written on payments, `YYYY-MM-DD`. */
    private readonly paidOn: () => string = () => new Date().toISOString().slice(0, 10),
  ) {}

  /** Runs one round of updates and payments. */
  async runRound(): Promise<AccountantRound> {
    this.round++;
    const result: AccountantRound = { batchesUpdated: 0, partPayments: 0, fullPayments: 0, creditsSettled: 0 };

    for (const batchNumber of await this.accountant.listWaitingBatches()) {
      if (this.batchesSeen.has(batchNumber)) {
        await this.accountant.updateBatch(batchNumber);
        result.batchesUpdated++;
      } else {
        this.batchesSeen.add(batchNumber);
      }
    }

    let handled = 0;
    for (const entry of await this.accountant.listOpenEntries()) {
      if (handled >= this.maxPaymentsPerRound) break;
      const firstSeen = this.entriesSeen.get(entry.voucherNumber);
      if (firstSeen === undefined) {
        this.entriesSeen.set(entry.voucherNumber, this.round);
        continue;
      }
      if (this.round - firstSeen < 2) continue;
      if (entry.restOre > 0 && entry.kid === null) continue;

      handled++;
      if (entry.restOre < 0) {
        await this.accountant.settleCredit(entry.voucherNumber);
        result.creditsSettled++;
      } else if (entry.paidStatus === 1 && entry.voucherNumber % 2 === 1) {
        await this.accountant.registerPayment(entry.kid!, Math.floor(entry.restOre / 2), { paidOn: this.paidOn() });
        this.entriesSeen.set(entry.voucherNumber, this.round);
        result.partPayments++;
      } else {
        await this.accountant.registerPayment(entry.kid!, entry.restOre, { paidOn: this.paidOn() });
        result.fullPayments++;
      }
    }
    return result;
  }
}
