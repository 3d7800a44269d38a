import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AdminAction, JournalActivities, LedgerStatusReading, PostedVoucher } from '../activities/contracts';
import {
  CUSTOMER_NOT_FOUND,
  REIMPORT_REJECTED,
  VOUCHER_ALREADY_POSTED,
  VOUCHER_NOT_FOUND,
} from '../domain/failure-types';
import type { InvoiceForMapping } from '../domain/invoice';
import { InvoiceStatus, LedgerStatus } from '../domain/ledger';
import { dateToEpochMs, nextStatusPollDelayMs } from '../domain/poll-schedule';
import { BATCH_NUMBER, CLIENT_KEY, CUSTOMER_NUMBER, INVOICE_NUMBER, INVOICE_STATUS } from '../domain/search-attributes';
import type { VoucherKey } from '../domain/voucher';
import { workflowTimeIso, workflowTimeMs } from './clock';
import {
  approveSignal,
  InvoiceProgress,
  InvoiceStep,
  progressQuery,
  refreshStatusSignal,
  reimportUpdate,
  retrySignal,
} from './definitions';
import type {
  CarriedInvoiceState,
  InvoiceWorkflowInput,
  InvoiceWorkflowResult,
  PendingReimport,
} from './invoice-state';
import { fallbackDelayMs } from './status-fallback';

// Retry policies by step. Every policy ends after a bounded number of attempts, so that an outage that outlasts
// it puts the invoice in NeedsAttention instead of retrying for ever. Activities raise bad data as non-retryable.
const { fetchInvoice } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 25 },
});
const { mapInvoiceToVoucher } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});
const { postVoucherToBatch } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 30 },
});
const { attachInvoicePdf } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 25 },
});
const { readLedgerStatus, updateInvoiceStatus } = proxyActivities<JournalActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 15 },
});

const STATUS_ORDER: LedgerStatus[] = [LedgerStatus.Sent, LedgerStatus.Open, LedgerStatus.Paid];
const DEFAULT_MAX_HISTORY_EVENTS = 2000;
/** Maximum wait between two checks for a customer the master-data integration has not copied yet. */
const MAX_CUSTOMER_RETRY_MS = 30 * 60_000;
const MAX_ADMIN_ACTIONS_KEPT = 20;
/** Default first fallback read under the status sweep: one day. */
const DEFAULT_FALLBACK_SECONDS = 86_400;

// Patch ids. Histories recorded before a change have no marker of its patch, so they replay on the old path.
/** The watch waits for the status sweep's signal and reads on its own only as a fallback. */
const STATUS_SWEEP_PATCH = 'status-sweep';
/** Search attributes are upserted only when a value changes, and the batch number together with status Sent. */
const SEARCH_ATTRIBUTE_CHANGES_PATCH = 'search-attribute-changes-only';
/** The memo keeps the PM invoice's guid also when the workflow was started by invoice number. */
const MEMO_GUID_PATCH = 'memo-invoice-guid';

/** Outcome of a NeedsAttention wait: a person asked to go on, or the wait timed out. */
type AttentionOutcome = 'retry' | 'timed-out';

/**
 * Imports one invoice from PM into Visma Business and watches it until it is paid: fetch, map, post to batch,
 * attach the PDF, then read the ledger status whenever the client's status sweep signals a change (or on a
 * backing-off schedule without the sweep) and write each new status back to PM.
 */
export async function invoiceWorkflow(input: InvoiceWorkflowInput): Promise<InvoiceWorkflowResult> {
  const workflow = new InvoiceRun(input);
  workflow.registerHandlers();
  return workflow.run();
}

class InvoiceRun {
  private readonly progress: InvoiceProgress;
  private invoiceGuid: string | undefined;
  private key: VoucherKey | null = null;
  private dueDate: string | null = null;
  private postedAtMs = 0;
  private approvedBy: AdminAction | undefined;
  private retryRequested = false;
  private refreshRequested = false;
  private quietFallbackReads: number;
  /** Decided when first needed, because `patched` must be called at the same point on every replay. */
  private sweepWatch: boolean | undefined;
  private searchAttributeChangesOnly = false;
  private readonly reimports: PendingReimport[] = [];
  private readonly logAttributes: Record<string, string>;

  constructor(private readonly input: InvoiceWorkflowInput) {
    const carried = input.carried;
    this.invoiceGuid = carried?.invoiceGuid ?? input.invoiceGuid;
    this.key = carried?.key ?? null;
    this.dueDate = carried?.dueDate ?? null;
    this.postedAtMs = carried?.postedAtMs ?? 0;
    this.approvedBy = input.approvedBy;
    this.quietFallbackReads = carried?.quietFallbackReads ?? 0;
    this.logAttributes = { client: input.client, invoiceNumber: input.invoiceNumber };
    this.progress = {
      client: input.client,
      invoiceNumber: input.invoiceNumber,
      customerNumber: carried?.key.customerNumber ?? null,
      status: carried?.status ?? InvoiceStatus.Importing,
      stepsDone: carried?.stepsDone ?? [],
      voucherNumber: carried?.voucherNumber ?? null,
      batchNumber: carried?.batchNumber ?? null,
      remainingOre: carried?.remainingOre ?? null,
      statusInPm: carried?.statusInPm ?? null,
      lastPollAt: carried?.lastPollAt ?? null,
      nextPollAt: null,
      attention: null,
      adminActions: carried?.adminActions ?? [],
    };
    if (!carried && input.approvedBy) {
      this.recordAdminAction('import', input.approvedBy);
    }
  }

  registerHandlers(): void {
    setHandler(progressQuery, () => this.progress);
    setHandler(refreshStatusSignal, () => {
      this.refreshRequested = true;
    });
    setHandler(retrySignal, (action) => {
      this.recordAdminAction('retry', action);
      if (this.progress.status === InvoiceStatus.NeedsAttention) {
        this.retryRequested = true;
      } else {
        log.warn('retry ignored: the invoice does not need attention', this.logAttributes);
      }
    });
    setHandler(approveSignal, (action) => {
      this.recordAdminAction('approve', action);
      this.approvedBy = action;
    });
    setHandler(
      reimportUpdate,
      async (action) => {
        this.recordAdminAction('reimport', action);
        const request: PendingReimport = { action };
        this.reimports.push(request);
        await condition(() => request.result !== undefined || request.failure !== undefined);
        if (request.failure) {
          throw ApplicationFailure.nonRetryable(request.failure.message, request.failure.type);
        }
        return request.result!;
      },
      {
        validator: (action) => {
          if (!action?.by?.trim() || !action?.reason?.trim()) {
            throw new Error('A re-import needs the name of the person and a reason');
          }
        },
      },
    );
  }

  async run(): Promise<InvoiceWorkflowResult> {
    this.searchAttributeChangesOnly = patched(SEARCH_ATTRIBUTE_CHANGES_PATCH);
    this.upsertSearchAttributes();

    if (!this.input.carried) {
      const imported = await this.importUntilDone();
      if (!imported) return this.finish();
    }

    await this.watchStatus();
    return this.finish();
  }

  /** Runs the import steps, waiting in NeedsAttention after a failure a person must fix. */
  private async importUntilDone(): Promise<boolean> {
    const firstAttemptMs = workflowTimeMs();
    for (;;) {
      try {
        await this.importOnce();
        return true;
      } catch (error) {
        if (this.resolveReimportsOnAlreadyPosted(error)) {
          return true;
        }
        const failure = describeFailure(error);
        const graceMs = this.input.settings.customerGraceHours * 3_600_000;
        if (failure.type === CUSTOMER_NOT_FOUND && workflowTimeMs() - firstAttemptMs < graceMs) {
          log.info('customer not yet in Visma Business, waiting for the master-data integration', {
            ...this.logAttributes,
            message: failure.message,
          });
          // Six checks within the grace period, at most every 30 minutes and at least every 10 seconds.
          await sleep(Math.min(MAX_CUSTOMER_RETRY_MS, Math.max(10_000, graceMs / 6)));
          continue;
        }
        this.failPendingReimports(failure);
        if ((await this.waitInAttention(failure)) === 'timed-out') return false;
      }
    }
  }

  /** Fetch, map, post and attach, once; this attempt resolves the pending re-import requests. */
  private async importOnce(): Promise<void> {
    // This attempt resolves the requests pending now; later ones wait for the next attempt.
    const served = [...this.reimports];
    const reimport = served[0]?.action;

    if (this.input.settings.requireApproval && !this.approvedBy && !reimport) {
      this.setStatus(InvoiceStatus.AwaitingApproval);
      log.info('holding the invoice for approval', this.logAttributes);
      await condition(() => this.approvedBy !== undefined);
      this.setStatus(InvoiceStatus.Importing);
    }

    const { invoice, statusInPm } = await fetchInvoice({
      client: this.input.client,
      invoiceNumber: this.input.invoiceNumber,
      invoiceGuid: this.invoiceGuid,
    });
    this.recordFetched(invoice, statusInPm);

    const mapped = await mapInvoiceToVoucher({ client: this.input.client, invoice });
    this.markStep('mapInvoiceToVoucher');

    const posted = await postVoucherToBatch({ client: this.input.client, voucher: mapped.voucher, reimport });
    this.recordPosted(posted);
    for (const request of served) {
      request.result = { ...posted };
    }
    this.reimports.splice(0, served.length);

    await attachInvoicePdf({ client: this.input.client, invoiceGuid: invoice.invoiceGuid, key: mapped.voucher.key });
    this.markStep('attachInvoicePdf');
    if (this.progress.status === InvoiceStatus.Importing) {
      this.setStatus(InvoiceStatus.Sent);
    } else if (this.searchAttributeChangesOnly) {
      // A re-import during the watch keeps the status, but may have written the voucher into another batch.
      this.upsertSearchAttributes();
    }
  }

  /**
   * Reads the ledger status until the invoice is paid, writing each new status to PM. Between reads it waits for a
   * `refreshStatus` signal, from the status sweep or an admin, or for its own delay: the backing-off schedule
   * without the sweep, the fallback delay with it.
   */
  private async watchStatus(): Promise<void> {
    const settings = this.input.settings;
    let wokeByTimer = false;
    for (;;) {
      this.refreshRequested = false;
      const before = { status: this.progress.status, remainingOre: this.progress.remainingOre };
      const timerRead = wokeByTimer;
      wokeByTimer = false;
      let reading: LedgerStatusReading;
      try {
        reading = await readLedgerStatus({ client: this.input.client, key: this.key! });
        this.progress.lastPollAt = workflowTimeIso();
        if (timerRead) {
          const changed = reading.status !== before.status || reading.remainingOre !== before.remainingOre;
          this.quietFallbackReads = changed ? 0 : this.quietFallbackReads + 1;
        }
        this.applyReading(reading);
        if (reading.status !== null) await this.writeStatusToPm(reading.status);
      } catch (error) {
        // Reading or writing the status failed beyond its retries: a person looks, then the watch goes on.
        if ((await this.waitInAttention(describeFailure(error))) === 'timed-out') return;
        continue;
      }

      if (reading.status === null) {
        const failure = {
          type: VOUCHER_NOT_FOUND,
          message: `Invoice ${this.input.invoiceNumber}: Visma Business has no voucher for it any more; retry to import it again`,
        };
        if ((await this.waitInAttention(failure)) === 'timed-out') return;
        if (!(await this.importUntilDone())) return;
        continue;
      }

      if (reading.status === LedgerStatus.Paid) return;

      if (this.shouldContinueAsNew()) {
        await this.settleHandlers(() => this.reimportDuringWatch());
        // The memo with the PM invoice's guid goes to the new run, where the sync looks for it. The time-skipping
        // test server starts the new run without a memo unless the command names one.
        const continueWithMemo = makeContinueAsNewFunc<typeof invoiceWorkflow>({ memo: workflowInfo().memo });
        await continueWithMemo({ ...this.input, carried: this.carriedState() });
      }

      const delayMs = this.watchesWithSweep()
        ? fallbackDelayMs(settings.statusFallbackSeconds ?? DEFAULT_FALLBACK_SECONDS, this.quietFallbackReads)
        : nextStatusPollDelayMs({
            status: reading.status,
            postedAtMs: this.postedAtMs,
            nowMs: workflowTimeMs(),
            dueAtMs: dateToEpochMs(this.dueDate!),
            initialMs: settings.statusInitialSeconds * 1000,
            maxMs: settings.statusMaxSeconds * 1000,
          });
      this.progress.nextPollAt = new Date(workflowTimeMs() + delayMs).toISOString();
      const woken = await condition(() => this.refreshRequested || this.reimports.length > 0, delayMs);
      wokeByTimer = !woken;
      this.progress.nextPollAt = null;

      if (this.reimports.length > 0) {
        await this.reimportDuringWatch();
      }
    }
  }

  /**
   * Tells whether the client's status sweep signals this invoice's changes. Workflows whose history was recorded
   * without the sweep keep their schedule.
   */
  private watchesWithSweep(): boolean {
    if (this.sweepWatch === undefined) {
      this.sweepWatch = this.input.settings.statusSweep === true && patched(STATUS_SWEEP_PATCH);
    }
    return this.sweepWatch;
  }

  private applyReading(reading: LedgerStatusReading): void {
    if (reading.status === null) return;
    this.progress.remainingOre = reading.remainingOre;
    this.progress.batchNumber = reading.batchNumber ?? this.progress.batchNumber;
    this.progress.voucherNumber = reading.voucherNumber ?? this.progress.voucherNumber;
    if (reading.status !== this.progress.status) {
      this.setStatus(reading.status);
    }
  }

  private async reimportDuringWatch(): Promise<void> {
    try {
      await this.importOnce();
    } catch (error) {
      if (!this.resolveReimportsOnAlreadyPosted(error)) {
        this.failPendingReimports(describeFailure(error));
      }
    }
  }

  /** Writes every status between the last one written and `status` to PM, in order, for the enabled ones. */
  private async writeStatusToPm(status: LedgerStatus): Promise<void> {
    const target = STATUS_ORDER.indexOf(status);
    const written = this.progress.statusInPm ? STATUS_ORDER.indexOf(this.progress.statusInPm as LedgerStatus) : -1;
    for (let index = written + 1; index <= target; index++) {
      const next = STATUS_ORDER[index];
      if (this.input.settings.statusWriteBack[next]) {
        await updateInvoiceStatus({
          client: this.input.client,
          invoiceNumber: this.input.invoiceNumber,
          invoiceGuid: this.invoiceGuid!,
          status: next,
        });
        log.info('status written to PM', { ...this.logAttributes, status: next });
      }
      this.progress.statusInPm = next;
    }
  }

  /** Sets NeedsAttention and waits for a retry, a re-import or the configured timeout. */
  private async waitInAttention(failure: { type: string; message: string }): Promise<AttentionOutcome> {
    log.warn('invoice needs attention', { ...this.logAttributes, errorType: failure.type, message: failure.message });
    this.progress.attention = { errorType: failure.type, message: failure.message, since: workflowTimeIso() };
    this.setStatus(InvoiceStatus.NeedsAttention);
    this.retryRequested = false;

    const timeoutMs = this.input.settings.needsAttentionTimeoutDays * 86_400_000;
    const resumed = await condition(() => this.retryRequested || this.reimports.length > 0, timeoutMs);
    if (!resumed) {
      log.warn('no retry came before the timeout; ending the workflow', this.logAttributes);
      return 'timed-out';
    }

    this.retryRequested = false;
    this.progress.attention = null;
    this.setStatus(
      this.key && this.progress.stepsDone.includes('attachInvoicePdf') ? InvoiceStatus.Sent : InvoiceStatus.Importing,
    );
    return 'retry';
  }

  /**
   * Rejects pending re-imports when the voucher is already in the ledger. Returns true when the failure was
   * that and a re-import asked for it, so the workflow goes on watching.
   */
  private resolveReimportsOnAlreadyPosted(error: unknown): boolean {
    const failure = describeFailure(error);
    if (failure.type !== VOUCHER_ALREADY_POSTED || this.reimports.length === 0) return false;
    this.failPendingReimports({
      type: REIMPORT_REJECTED,
      message:
        `Invoice ${this.input.invoiceNumber} is already posted in Visma Business, so a re-import cannot change it; ` +
        'issue a credit note in PM instead.',
    });
    return this.key !== null;
  }

  /**
   * Waits until every signal and update handler has finished. A re-import update waits for this loop to carry it
   * out, so pending ones are handed to `resolve` first; waiting for them instead would never end.
   */
  private async settleHandlers(resolve: () => Promise<void>): Promise<void> {
    for (;;) {
      while (this.reimports.length > 0) await resolve();
      await condition(() => allHandlersFinished() || this.reimports.length > 0);
      if (this.reimports.length === 0) return;
    }
  }

  private failPendingReimports(failure: { type: string; message: string }): void {
    for (const request of this.reimports.splice(0)) {
      request.failure = failure;
    }
  }

  private recordFetched(invoice: InvoiceForMapping, statusInPm: LedgerStatus | null): void {
    // PM marks an invoice as sent when it issues it, so only Open and Paid seen in PM count as written already.
    // That keeps a new run, started by a re-import of a closed workflow, from writing them to PM a second time.
    if (statusInPm === LedgerStatus.Open || statusInPm === LedgerStatus.Paid) {
      const known = this.progress.statusInPm ? STATUS_ORDER.indexOf(this.progress.statusInPm as LedgerStatus) : -1;
      if (STATUS_ORDER.indexOf(statusInPm) > known) this.progress.statusInPm = statusInPm;
    }
    this.invoiceGuid = invoice.invoiceGuid;
    // The sync distinguishes a second PM invoice with this number by the guid in the memo.
    if (workflowInfo().memo?.invoiceGuid !== invoice.invoiceGuid && patched(MEMO_GUID_PATCH)) {
      upsertMemo({ invoiceGuid: invoice.invoiceGuid });
    }
    this.dueDate = invoice.dueDate;
    this.progress.customerNumber = invoice.customerNumber;
    this.key = {
      client: this.input.client,
      invoiceNumber: this.input.invoiceNumber,
      customerNumber: invoice.customerNumber ?? '',
    };
    this.markStep('fetchInvoice');
    this.upsertSearchAttributes();
  }

  private recordPosted(posted: PostedVoucher): void {
    this.postedAtMs = workflowTimeMs();
    this.progress.voucherNumber = posted.voucherNumber;
    this.progress.batchNumber = posted.batchNumber;
    this.markStep('postVoucherToBatch');
    // With changes only, the batch number is written with status Sent once the PDF is attached, or with
    // NeedsAttention when attaching fails, which saves one upsert per invoice.
    if (!this.searchAttributeChangesOnly) this.upsertSearchAttributes();
    log.info('voucher posted to batch', { ...this.logAttributes, ...stringify(posted) });
  }

  private markStep(step: InvoiceStep): void {
    if (!this.progress.stepsDone.includes(step)) this.progress.stepsDone.push(step);
  }

  private setStatus(status: InvoiceStatus): void {
    this.progress.status = status;
    this.upsertSearchAttributes();
  }

  private recordAdminAction(action: string, by: AdminAction): void {
    this.progress.adminActions.push({ action, by: by.by, reason: by.reason, at: workflowTimeIso() });
    this.progress.adminActions.splice(0, Math.max(0, this.progress.adminActions.length - MAX_ADMIN_ACTIONS_KEPT));
    log.info(`admin action: ${action}`, { ...this.logAttributes, by: by.by, reason: by.reason });
  }

  private upsertSearchAttributes(): void {
    const pairs = [
      { key: CLIENT_KEY, value: this.input.client },
      { key: INVOICE_NUMBER, value: this.input.invoiceNumber },
      { key: INVOICE_STATUS, value: this.progress.status },
    ];
    const customer = this.progress.customerNumber
      ? [{ key: CUSTOMER_NUMBER, value: this.progress.customerNumber }]
      : [];
    const batch = this.progress.batchNumber !== null ? [{ key: BATCH_NUMBER, value: this.progress.batchNumber }] : [];
    const all = [...pairs, ...customer, ...batch];
    if (!this.searchAttributeChangesOnly) {
      upsertSearchAttributes(all);
      return;
    }
    // Every upsert is a billed action on Temporal Cloud, so values the workflow already has are left out.
    const current = workflowInfo().typedSearchAttributes;
    const changed = all.filter((pair) => current.get(pair.key) !== pair.value);
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const limit = this.input.settings.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
    return info.continueAsNewSuggested || info.historyLength >= limit;
  }

  private carriedState(): CarriedInvoiceState {
    return {
      invoiceGuid: this.invoiceGuid!,
      key: this.key!,
      dueDate: this.dueDate!,
      stepsDone: this.progress.stepsDone,
      voucherNumber: this.progress.voucherNumber,
      batchNumber: this.progress.batchNumber,
      postedAtMs: this.postedAtMs,
      status: this.progress.status,
      statusInPm: this.progress.statusInPm as LedgerStatus | null,
      remainingOre: this.progress.remainingOre,
      lastPollAt: this.progress.lastPollAt,
      adminActions: this.progress.adminActions,
      quietFallbackReads: this.quietFallbackReads,
      continuedRuns: (this.input.carried?.continuedRuns ?? 0) + 1,
    };
  }

  private async finish(): Promise<InvoiceWorkflowResult> {
    await this.settleHandlers(async () =>
      this.failPendingReimports({
        type: REIMPORT_REJECTED,
        message: `Invoice ${this.input.invoiceNumber}: the workflow ended before the re-import could run; run it again`,
      }),
    );
    const attention = this.progress.attention;
    return {
      status: this.progress.status,
      voucherNumber: this.progress.voucherNumber,
      batchNumber: this.progress.batchNumber,
      ...(attention ? { attention: { errorType: attention.errorType, message: attention.message } } : {}),
    };
  }
}

/** Returns the type and message of the failure behind an activity error. */
function describeFailure(error: unknown): { type: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'ApplicationFailure', message: cause.message };
  }
  if (cause instanceof Error) {
    return { type: cause.name, message: cause.message };
  }
  return { type: 'UnknownError', message: String(cause) };
}

function stringify(values: object): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}
