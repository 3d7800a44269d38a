import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { checkInvoiceKid } from '../domain/kid-layout';
import { LedgerStatus } from '../domain/ledger';
import { mapInvoiceToVoucher } from '../domain/mapping';
import { parseOre } from '../domain/money';
import { pickPmStatus, PmStatusNotFoundError } from '../domain/pm-status';
import { deriveLedgerStatus } from '../domain/status';
import type { PmInvoice, PmInvoiceStatus } from '../project-management/invoice-schemas';
import { toInvoiceForMapping } from '../project-management/invoice-conversion';
import { checkPdf } from '../visma-business/attachment-store';
import { VoucherAlreadyPostedError } from '../visma-business/errors';
import type { ClientRegistry } from './client-registry';
import type { JournalActivities } from './contracts';
import { classifyFailures, NeedsPersonError } from './failures';
import { waitOutRateLimits } from './rate-limit';

type InvoiceActivities = Pick<
  JournalActivities,
  | 'fetchInvoice'
  | 'mapInvoiceToVoucher'
  | 'postVoucherToBatch'
  | 'attachInvoicePdf'
  | 'readLedgerStatus'
  | 'updateInvoiceStatus'
>;

/**
 * How long a client's PM invoice statuses are reused before they are listed again. Organisations rarely change
 * them, and a status that no longer fits is found by listing again at once.
 */
const PM_STATUSES_MAX_AGE_MS = 10 * 60_000;

/** Creates the activities of the invoice workflow's steps, over the clients of the registry. */
export function createInvoiceActivities(registry: ClientRegistry, today: () => string = isoToday): InvoiceActivities {
  const statusLists = new Map<string, { statuses: PmInvoiceStatus[]; listedAtMs: number }>();
  const listPmStatuses = async (client: string, fresh: boolean): Promise<PmInvoiceStatus[]> => {
    const cached = statusLists.get(client);
    if (!fresh && cached && Date.now() - cached.listedAtMs < PM_STATUSES_MAX_AGE_MS) return cached.statuses;
    const { pm } = registry.get(client);
    const statuses = await waitOutRateLimits(() => pm.getInvoiceStatuses());
    statusLists.set(client, { statuses, listedAtMs: Date.now() });
    return statuses;
  };

  return {
    /**
     * Reads the invoice, its rows and its customer number from PM and converts them for the mapping. It also checks
     * that no other invoice has the number and that the PDF can be stored, so that neither problem is found only
     * after the voucher is written.
     */
    fetchInvoice: (input) =>
      classifyFailures(async () => {
        const { pm, settings } = registry.get(input.client);
        let invoice: PmInvoice;
        if (input.invoiceGuid) {
          const invoiceGuid = input.invoiceGuid;
          invoice = await waitOutRateLimits(() => pm.getInvoice(invoiceGuid));
          await requireNoOtherInvoiceNumbered(registry, input.client, input.invoiceNumber, invoiceGuid);
        } else {
          invoice = await findIssuedInvoice(registry, input.client, input.invoiceNumber);
        }
        const rows = await waitOutRateLimits(() => pm.getInvoiceRows(invoice.guid));

        let withCustomer = invoice;
        if (invoice.customer?.number == null && invoice.customer?.guid) {
          const customerGuid = invoice.customer.guid;
          const customer = await waitOutRateLimits(() => pm.getCustomer(customerGuid));
          withCustomer = { ...invoice, customer: { ...invoice.customer, number: customer.number ?? null } };
        }

        const converted = toInvoiceForMapping(input.client, withCustomer, rows);
        if (converted.invoiceNumber !== input.invoiceNumber) {
          throw new NeedsPersonError(
            'InvoiceNumberMismatchError',
            `PM returned invoice ${converted.invoiceNumber} for invoice ${input.invoiceNumber} (guid ${invoice.guid})`,
          );
        }

        // attachInvoicePdf downloads the PDF again to store it; this download only checks it.
        const pdf = await waitOutRateLimits(() => pm.getInvoicePdf(invoice.guid));
        const key = {
          client: input.client,
          invoiceNumber: input.invoiceNumber,
          customerNumber: converted.customerNumber ?? '',
        };
        checkPdf(key, pdf, pdfFileName(input.invoiceNumber), settings.maxPdfBytes);

        log.info('invoice fetched', { client: input.client, invoiceNumber: input.invoiceNumber, rows: rows.length });
        return { invoice: converted, statusInPm: statusFromFlags(invoice) };
      }, input.invoiceNumber),

    /** Reads the posting data and the customer from Visma Business, checks the KID and maps the invoice. */
    mapInvoiceToVoucher: (input) =>
      classifyFailures(async () => {
        const { vb, settings } = registry.get(input.client);
        const invoice = input.invoice;
        const productCodes = [
          ...new Set(invoice.rows.map((row) => row.productCode).filter((code): code is string => code !== null)),
        ];
        const posting = await vb.readPostingData(productCodes, settings.voucherType);
        const voucher = mapInvoiceToVoucher(invoice, posting);
        await vb.requireCustomer(voucher.key.customerNumber, invoice.invoiceNumber);

        if (invoice.kid !== null) {
          const check = checkInvoiceKid(invoice.kid, settings.kid, invoice.invoiceNumber, voucher.key.customerNumber);
          if (check.kind !== 'valid') {
            throw new NeedsPersonError(
              'KidMismatchError',
              describeKidProblem(invoice.invoiceNumber, invoice.kid, check),
            );
          }
        }
        return { voucher, totalOre: parseOre(invoice.totalIncludingTax) };
      }, input.invoice.invoiceNumber),

    /** Writes the voucher to the client's import batch of today, once per invoice. */
    postVoucherToBatch: (input) =>
      classifyFailures(async () => {
        const { vb, settings } = registry.get(input.client);
        const series = { first: settings.voucherSeries.first, last: settings.voucherSeries.last };
        const key = input.voucher.key;
        const otherCustomers = (await vb.importedCustomers(key.client, key.invoiceNumber)).filter(
          (customer) => customer !== key.customerNumber,
        );
        if (otherCustomers.length > 0) {
          throw new NeedsPersonError(
            'CustomerChangedError',
            `Invoice ${key.invoiceNumber} was imported for customer ${otherCustomers.join(', ')} and now names customer ` +
              `${key.customerNumber}; a second voucher would book the invoice twice. Delete the first voucher from its ` +
              'batch in Visma Business, or credit it once posted, then retry.',
          );
        }
        try {
          const result = await vb.writeVoucher(input.voucher, { runDate: today(), series });
          log.info('voucher written', { ...input.voucher.key, ...result, reimportBy: input.reimport?.by });
          return { voucherNumber: result.voucherNumber, batchNumber: result.batchNumber, outcome: result.outcome };
        } catch (error) {
          // A workflow started again for an invoice already in the ledger with the same content has nothing to do.
          if (isAlreadyPostedWithSameContent(error) && !input.reimport) {
            return {
              voucherNumber: error.voucherNumber,
              batchNumber: error.batchNumber,
              outcome: 'unchanged' as const,
            };
          }
          throw error;
        }
      }, input.voucher.key.invoiceNumber),

    /** Downloads the invoice PDF from PM and stores it with the voucher. */
    attachInvoicePdf: (input) =>
      classifyFailures(async () => {
        const { pm, vb, settings } = registry.get(input.client);
        heartbeat('downloading');
        const pdf = await waitOutRateLimits(() => pm.getInvoicePdf(input.invoiceGuid));
        heartbeat('storing');
        const fileName = pdfFileName(input.key.invoiceNumber);
        const { outcome } = await vb.storeAttachment(input.key, pdf, fileName, settings.maxPdfBytes);
        log.info('invoice PDF attached', { ...input.key, bytes: pdf.byteLength, outcome });
        return { outcome, bytes: pdf.byteLength };
      }, input.key.invoiceNumber),

    /** Reads what Visma Business shows about the invoice and derives its status. */
    readLedgerStatus: (input) =>
      classifyFailures(async () => {
        const { vb } = registry.get(input.client);
        const facts = await vb.readLedgerFacts(input.key);
        if (facts === null || (!facts.waitingInBatch && !facts.customerTransactionPosted)) {
          return { status: null, remainingOre: 0, batchNumber: facts?.batchNumber ?? null, voucherNumber: null };
        }
        const reading = deriveLedgerStatus(facts, input.key.invoiceNumber);
        return {
          status: reading.status,
          remainingOre: reading.remainingOre,
          batchNumber: facts.batchNumber,
          voucherNumber: facts.voucherNumber,
        };
      }, input.key.invoiceNumber),

    /**
     * Sets the PM status whose flags match the ledger status. The client's statuses are listed once per
     * {@link PM_STATUSES_MAX_AGE_MS}, and again when none fits or on a retry.
     */
    updateInvoiceStatus: (input) =>
      classifyFailures(async () => {
        const { pm } = registry.get(input.client);
        const retry = activityInfo().attempt > 1;
        let target: PmInvoiceStatus;
        try {
          target = pickPmStatus(input.status, await listPmStatuses(input.client, retry));
        } catch (error) {
          if (!(error instanceof PmStatusNotFoundError) || retry) throw error;
          target = pickPmStatus(input.status, await listPmStatuses(input.client, true));
        }
        // The first attempt always sends the change, even when PM shows the status already, so PM records each
        // status the import reaches. A retry first checks, because the earlier attempt may have succeeded.
        const alreadyShown =
          activityInfo().attempt > 1 &&
          (await waitOutRateLimits(() => pm.getInvoice(input.invoiceGuid))).status?.guid === target.guid;
        if (!alreadyShown) {
          await waitOutRateLimits(() => pm.changeInvoiceStatus(input.invoiceGuid, target.guid));
          log.info('PM status changed', { client: input.client, invoiceNumber: input.invoiceNumber, to: target.name });
        }
        return { pmStatusGuid: target.guid, pmStatusName: target.name };
      }, input.invoiceNumber),
  };
}

async function findIssuedInvoice(registry: ClientRegistry, client: string, invoiceNumber: string): Promise<PmInvoice> {
  const { pm } = registry.get(client);
  const number = Number(invoiceNumber);
  if (!Number.isSafeInteger(number) || number <= 0) {
    throw new NeedsPersonError(
      'InvalidInvoiceNumberError',
      `Invoice number ${invoiceNumber} is not a positive integer`,
    );
  }
  const found = await waitOutRateLimits(() => pm.findInvoicesByNumber(number));
  if (found.length === 0) {
    throw new NeedsPersonError(
      'InvoiceNotFoundError',
      `Invoice ${invoiceNumber} of client ${client} was not found in PM`,
    );
  }
  if (found.length > 1) {
    throw new NeedsPersonError(
      'DuplicateInvoiceNumberError',
      `PM has ${found.length} invoices numbered ${invoiceNumber} (guids ${found.map((invoice) => invoice.guid).join(', ')}); ` +
        'resolve the duplicate in PM',
    );
  }
  return found[0];
}

/**
 * Raises DuplicateInvoiceNumberError when PM has another invoice with the number, because the workflow id and the
 * voucher key hold one invoice per number: the sync would start the second invoice's workflow as already known.
 */
async function requireNoOtherInvoiceNumbered(
  registry: ClientRegistry,
  client: string,
  invoiceNumber: string,
  invoiceGuid: string,
): Promise<void> {
  const { pm } = registry.get(client);
  const sameNumber = await waitOutRateLimits(() => pm.findInvoicesByNumber(Number(invoiceNumber)));
  const others = sameNumber.filter((invoice) => invoice.guid !== invoiceGuid);
  if (others.length > 0) {
    throw new NeedsPersonError(
      'DuplicateInvoiceNumberError',
      `PM has ${others.length + 1} invoices numbered ${invoiceNumber} (guids ${[invoiceGuid, ...others.map((invoice) => invoice.guid)].join(', ')}); ` +
        'resolve the duplicate in PM',
    );
  }
}

function pdfFileName(invoiceNumber: string): string {
  return `invoice-${invoiceNumber}.pdf`;
}

function statusFromFlags(invoice: PmInvoice): LedgerStatus | null {
  const status = invoice.status;
  if (status?.isPaid) return LedgerStatus.Paid;
  if (status?.isWaitingPayment) return LedgerStatus.Open;
  if (status?.isSent) return LedgerStatus.Sent;
  return null;
}

function describeKidProblem(invoiceNumber: string, kid: string, check: { kind: string; expectedKid?: string }): string {
  const expected = check.expectedKid ? `; the client's KID layout gives ${check.expectedKid}` : '';
  return `Invoice ${invoiceNumber}: KID ${kid} is invalid (${check.kind})${expected}. Correct the KID settings in PM or the client's KID layout.`;
}

function isAlreadyPostedWithSameContent(error: unknown): error is VoucherAlreadyPostedError {
  return error instanceof VoucherAlreadyPostedError && error.sameContent;
}

function isoToday(): string {
  return new Date().toISOString().slice(0, 10);
}
