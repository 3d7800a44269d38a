import { randomUUID } from 'node:crypto';
import { invoiceWorkflowStartOptions } from '../../src/config/invoice-workflow-options';
import { makeLayoutKid } from '../../src/domain/kid-layout';
import { voucherText } from '../../src/domain/mapping';
import type { SimulatedInvoice } from '../../src/sandbox/pm-simulator';
import type { InvoiceDraft } from '../../src/sandbox/pm-simulator/invoice-builder';
import { InvoiceProgress, progressQuery } from '../../src/workflows/definitions';
import { createJournalWorker } from '../../src/worker/journal-worker';
import { createSandboxFixture, SandboxFixture } from '../harness/sandbox-fixture';
import { createDevEnvironment, DevEnvironment } from '../harness/temporal-environments';

// Malformed and hostile invoices served by the PM simulator, each imported by the real worker into a sandbox
// Visma Business file. Every case ends imported and Sent, or in NeedsAttention with a typed error whose message
// names the field, and an invoice that needs attention leaves no voucher, line, idempotency row or PDF in VB.

const TASK_QUEUE = `catalogue-${randomUUID()}`;
/** Largest PDF stored in this test, small so that the oversized case stays small. */
const MAX_PDF_BYTES = 64 * 1024;
const BASE_DRAFT: InvoiceDraft = { customerNumber: '10001', rows: [{ productCode: 'KONS-SENIOR', quantity: '2' }] };

/** What a case must end in: imported and Sent, or NeedsAttention with this error type and message. */
type Expected =
  | { imported: true; check?: (written: WrittenRows, invoice: SimulatedInvoice) => void }
  | { errorType: string; message: RegExp };

interface Case {
  name: string;
  /** Adds the invoice to the simulator and makes it bad. Returns it, marked when the start must name only its number. */
  serve(fixture: SandboxFixture): SimulatedInvoice | { invoice: SimulatedInvoice; byNumberOnly: true };
  expected: Expected;
}

/** What Visma Business holds for one invoice number. */
interface WrittenRows {
  keyRows: number;
  voucherLines: { text: string; voucherDate: number; accountType: number }[];
  postedEntries: number;
  documents: number;
}

const add = (fixture: SandboxFixture, draft: Partial<InvoiceDraft> = {}) =>
  fixture.simulator.state.addInvoice({ ...BASE_DRAFT, ...draft });

const change = (fixture: SandboxFixture, fields: Record<string, unknown>, draft: Partial<InvoiceDraft> = {}) => {
  const invoice = add(fixture, draft);
  return fixture.simulator.state.updateInvoice(invoice.guid, fields);
};

const changeRow = (fixture: SandboxFixture, fields: Record<string, unknown>, draft: Partial<InvoiceDraft> = {}) => {
  const invoice = add(fixture, draft);
  return fixture.simulator.state.updateInvoiceRow(invoice.guid, 0, fields);
};

const serveRaw = (fixture: SandboxFixture, resource: 'invoice' | 'rows' | 'pdf', body: string, contentType: string) => {
  const invoice = add(fixture);
  fixture.simulator.state.serveRaw(invoice.guid, resource, { status: 200, body, contentType });
  return invoice;
};

const kidOf = (invoice: SimulatedInvoice) => String(invoice.body.referenceNumber);
const customerOf = (invoice: SimulatedInvoice) => (invoice.body.customer as { number: number; name: string }) ?? null;
const money = (amount: number | string, currencyCode = 'NOK') => ({ amount, currencyCode });

/** A complete PDF larger than {@link MAX_PDF_BYTES}, padded with comment lines. */
const OVERSIZED_PDF = `%PDF-1.4\n${'%'.padEnd(99, 'x')}\n`.repeat(700) + '%%EOF\n';
/** Half of a surrogate pair without its other half, which a cut through an emoji leaves. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const HOSTILE_TEXT = `O'Brien'); DROP TABLE WaVo;-- AS`;
const NORWEGIAN_AND_EMOJI = 'Ærøy Østlandet Småbåt 🚤 AS';

const CASES: Case[] = [
  { name: 'valid invoice imported', serve: (f) => add(f), expected: { imported: true } },
  {
    name: 'EUR invoice imported',
    serve: (f) => add(f, { currencyCode: 'EUR', currencyRate: '11.5234' }),
    expected: { imported: true },
  },
  {
    name: 'credit note imported',
    serve: (f) => add(f, { isCreditNote: true, rows: [{ productCode: 'KONS-SENIOR', quantity: '-1' }] }),
    expected: { imported: true },
  },
  {
    name: 'product unknown to VB imported',
    serve: (f) => add(f, { rows: [{ productCode: 'DIV-UTLEGG', quantity: '3' }] }),
    expected: { imported: true },
  },
  {
    name: 'discount row imported',
    serve: (f) =>
      add(f, {
        rows: [
          { productCode: 'KONS-SENIOR', quantity: '2' },
          { productCode: 'LIS-MND', quantity: '-1' },
        ],
      }),
    expected: { imported: true },
  },
  {
    name: 'customer number from customer record',
    serve: (f) => {
      const invoice = add(f);
      const customer = customerOf(invoice);
      return f.simulator.state.updateInvoice(invoice.guid, { customer: { ...customer, number: null } });
    },
    expected: { imported: true },
  },
  {
    name: 'SQL in texts stored verbatim',
    serve: (f) => {
      const invoice = changeRow(f, { description: HOSTILE_TEXT });
      return f.simulator.state.updateInvoice(invoice.guid, {
        customer: { ...customerOf(invoice), name: HOSTILE_TEXT },
      });
    },
    expected: { imported: true, check: (written, invoice) => expectText(written, invoice, HOSTILE_TEXT) },
  },
  {
    name: 'Norwegian letters and emoji kept',
    serve: (f) => {
      const invoice = changeRow(f, { description: NORWEGIAN_AND_EMOJI });
      const customer = { ...customerOf(invoice), name: NORWEGIAN_AND_EMOJI };
      return f.simulator.state.updateInvoice(invoice.guid, { customer });
    },
    expected: { imported: true, check: (written, invoice) => expectText(written, invoice, NORWEGIAN_AND_EMOJI) },
  },
  {
    name: 'long texts cut to column',
    serve: (f) => {
      const invoice = changeRow(f, { description: 'Rådgivning '.repeat(500) });
      // The emoji straddles the 60th code unit, so a cut that splits characters would leave half of it.
      const name = `${'Å'.repeat(44)}😀${'ø'.repeat(150)}`;
      return f.simulator.state.updateInvoice(invoice.guid, { customer: { ...customerOf(invoice), name } });
    },
    expected: {
      imported: true,
      check: (written, invoice) => {
        const texts = written.voucherLines.map((line) => line.text);
        expect(texts.every((text) => text.length <= 60)).toBe(true);
        expect(texts.every((text) => text === voucherTextOf(invoice))).toBe(true);
        expect(texts.some((text) => LONE_SURROGATE.test(text))).toBe(false);
      },
    },
  },
  {
    name: 'UTC time near midnight',
    serve: (f) => change(f, { date: '2025-10-31T23:30:00Z', dueDate: '2025-11-30T23:30:00Z' }),
    expected: { imported: true, check: (written) => expectVoucherDate(written, 20251101) },
  },
  {
    name: 'offset time near midnight',
    serve: (f) => change(f, { date: '2025-11-01T00:30:00+02:00', dueDate: '2025-11-30T12:00:00+02:00' }),
    expected: { imported: true, check: (written) => expectVoucherDate(written, 20251031) },
  },
  {
    name: 'missing customer',
    serve: (f) => change(f, { customer: null, billingCustomer: null }),
    expected: { errorType: 'MissingCustomerNumberError', message: /customer number is missing/ },
  },
  {
    name: 'customer unknown to VB',
    serve: (f) => add(f, { customerNumber: '10099' }),
    expected: { errorType: 'CustomerNotFoundError', message: /Customer 10099 .*does not exist in Visma Business/ },
  },
  {
    name: 'negative customer number',
    serve: (f) => {
      const invoice = add(f);
      return f.simulator.state.updateInvoice(invoice.guid, { customer: { ...customerOf(invoice), number: -5 } });
    },
    expected: { errorType: 'InvalidInvoiceError', message: /customer\.number/ },
  },
  {
    name: 'unknown VAT rate',
    serve: (f) => changeRow(f, { vatRate: 14 }),
    expected: { errorType: 'VatRateNotInGroupError', message: /row 1 .*VAT rate 14 %/ },
  },
  {
    name: 'negative VAT rate',
    serve: (f) => changeRow(f, { vatRate: -25 }),
    expected: { errorType: 'InvalidInvoiceValueError', message: /row 1 VAT rate/ },
  },
  {
    name: 'quantity times price disagrees',
    serve: (f) => changeRow(f, { quantity: 3 }),
    expected: { errorType: 'TotalsMismatchError', message: /totalExcludingTax/ },
  },
  {
    name: 'negative totals on invoice',
    serve: (f) =>
      change(
        f,
        { totalExcludingTax: money(-3300), totalTax: money(-825), totalIncludingTax: money(-4125) },
        { rows: [{ productCode: 'KONS-SENIOR', quantity: '-2' }] },
      ),
    expected: { errorType: 'NegativeAmountError', message: /totalExcludingTax is -3300/ },
  },
  {
    name: 'credit note with positive totals',
    serve: (f) => change(f, { isCreditNote: true }),
    expected: { errorType: 'PositiveCreditNoteError', message: /totalExcludingTax is 3300 on a credit note/ },
  },
  {
    name: 'zero total invoice',
    serve: (f) => add(f, { rows: [{ productCode: 'KONS-SENIOR', quantity: '0' }] }),
    expected: { errorType: 'ZeroAmountInvoiceError', message: /totalIncludingTax/ },
  },
  {
    name: 'amount too large',
    serve: (f) => changeRow(f, { quantity: 1e15 }),
    expected: { errorType: 'AmountTooLargeError', message: /row 1/ },
  },
  {
    name: 'amount sent as text',
    serve: (f) => change(f, { totalIncludingTax: money('4125.00') }),
    expected: { errorType: 'PmResponseInvalidError', message: /totalIncludingTax\.amount/ },
  },
  {
    name: 'total missing',
    serve: (f) => change(f, { totalIncludingTax: null }),
    expected: { errorType: 'InvalidInvoiceError', message: /totalIncludingTax is missing/ },
  },
  {
    name: 'total in another currency',
    serve: (f) => change(f, { totalTax: money(825, 'EUR') }),
    expected: { errorType: 'InvalidInvoiceError', message: /totalTax\.currencyCode/ },
  },
  {
    name: 'foreign currency without rate',
    serve: (f) => change(f, { currencyRate: null }, { currencyCode: 'EUR', currencyRate: '11.5234' }),
    expected: { errorType: 'MissingCurrencyRateError', message: /EUR but has no exchange rate/ },
  },
  {
    name: 'date that does not exist',
    serve: (f) => change(f, { date: '2025-02-30' }),
    expected: { errorType: 'InvalidInvoiceError', message: /date "2025-02-30"|date .*not a real calendar date/ },
  },
  {
    name: 'due date before date',
    serve: (f) => change(f, { date: '2025-10-10', dueDate: '2025-10-01' }),
    expected: { errorType: 'InvalidInvoiceError', message: /dueDate .*before the invoice date/ },
  },
  {
    name: '26-digit KID',
    serve: (f) => change(f, { referenceNumber: '12345678901234567890123456' }),
    expected: { errorType: 'KidMismatchError', message: /KID 12345678901234567890123456 is invalid/ },
  },
  {
    name: 'KID with wrong check digit',
    serve: (f) => {
      const invoice = add(f);
      const kid = kidOf(invoice);
      const wrong = `${kid.slice(0, -1)}${(Number(kid.slice(-1)) + 1) % 10}`;
      return f.simulator.state.updateInvoice(invoice.guid, { referenceNumber: wrong });
    },
    expected: { errorType: 'KidMismatchError', message: /KID \d+ is invalid \(wrong-check-digit\)/ },
  },
  {
    name: "KID in another client's layout",
    serve: (f) => {
      const invoice = add(f);
      const layout = { algorithm: 'mod10' as const, invoiceDigits: 9, customerDigits: 10 };
      const kid = makeLayoutKid(layout, String(invoice.body.number), String(customerOf(invoice).number));
      return f.simulator.state.updateInvoice(invoice.guid, { referenceNumber: kid });
    },
    expected: { errorType: 'KidMismatchError', message: /KID 0+\d+ is invalid \(layout-mismatch\)/ },
  },
  {
    name: 'empty PDF',
    serve: (f) => serveRaw(f, 'pdf', '', 'application/pdf'),
    expected: { errorType: 'PmResponseInvalidError', message: /pdf .*\(body\) is not a PDF/ },
  },
  {
    name: 'PDF that is HTML',
    serve: (f) => serveRaw(f, 'pdf', '<html><body>Feil</body></html>', 'text/html'),
    expected: { errorType: 'PmResponseInvalidError', message: /pdf .*\(body\) is not a PDF/ },
  },
  {
    name: 'PDF cut off',
    serve: (f) => serveRaw(f, 'pdf', '%PDF-1.4\n1 0 obj << >> endobj\n', 'application/pdf'),
    expected: { errorType: 'AttachmentRejectedError', message: /%%EOF, so it is probably cut off/ },
  },
  {
    name: 'PDF without cross-reference',
    serve: (f) => serveRaw(f, 'pdf', '%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n', 'application/pdf'),
    expected: { errorType: 'AttachmentRejectedError', message: /no startxref/ },
  },
  {
    name: 'PDF over size limit',
    serve: (f) => serveRaw(f, 'pdf', OVERSIZED_PDF, 'application/pdf'),
    expected: { errorType: 'AttachmentRejectedError', message: new RegExp(`more than the limit of ${MAX_PDF_BYTES}`) },
  },
  {
    name: 'invoice body not JSON',
    serve: (f) => serveRaw(f, 'invoice', '{"guid": "not closed', 'application/json'),
    expected: { errorType: 'PmResponseInvalidError', message: /\(body\) is not valid JSON/ },
  },
  {
    name: 'rows body not JSON',
    serve: (f) => serveRaw(f, 'rows', '<html>502 Bad Gateway</html>', 'text/html'),
    expected: { errorType: 'PmResponseInvalidError', message: /invoicerows .*\(body\) is not valid JSON/ },
  },
  {
    name: 'duplicate number found by sync',
    serve: (f) => {
      const first = add(f);
      const second = add(f, { customerNumber: '10002' });
      f.simulator.state.updateInvoice(second.guid, { number: first.body.number });
      return first;
    },
    expected: { errorType: 'DuplicateInvoiceNumberError', message: /PM has 2 invoices numbered \d+/ },
  },
  {
    name: 'duplicate number imported by number',
    serve: (f) => {
      const first = add(f);
      const second = add(f, { customerNumber: '10003' });
      f.simulator.state.updateInvoice(second.guid, { number: first.body.number });
      return { invoice: first, byNumberOnly: true };
    },
    expected: { errorType: 'DuplicateInvoiceNumberError', message: /PM has 2 invoices numbered \d+/ },
  },
];

describe('bad input catalogue', () => {
  let dev: DevEnvironment;
  let fixture: SandboxFixture;
  const outcomes = new Map<string, { invoice: SimulatedInvoice; progress: InvoiceProgress; written: WrittenRows }>();

  beforeAll(async () => {
    dev = await createDevEnvironment();
    fixture = await createSandboxFixture({
      invoices: 0,
      seed: 41,
      taskQueue: TASK_QUEUE,
      temporalAddress: dev.server.address,
      client: {
        maxPdfBytes: MAX_PDF_BYTES,
        // One second, so that the unknown customer needs attention after one wait of ten seconds.
        customerGraceHours: 1 / 3600,
      },
    });
    const settings = fixture.config.clients[0];
    const journal = await createJournalWorker({
      config: fixture.config,
      connection: dev.env.nativeConnection,
      client: dev.env.client,
      env: fixture.env,
    });

    // Every case is served before any starts, so that a duplicate number exists when its workflow fetches.
    const served = CASES.map((testCase) => {
      const result = testCase.serve(fixture);
      return 'byNumberOnly' in result
        ? { testCase, invoice: result.invoice, byNumberOnly: true }
        : { testCase, invoice: result, byNumberOnly: false };
    });
    try {
      await journal.worker.runUntil(
        Promise.all(
          served.map(async ({ testCase, invoice, byNumberOnly }) => {
            const invoiceNumber = String(invoice.body.number);
            const options = invoiceWorkflowStartOptions(settings, TASK_QUEUE, {
              invoiceNumber,
              ...(byNumberOnly ? {} : { invoiceGuid: invoice.guid }),
            });
            const handle = await dev.env.client.workflow.start('invoiceWorkflow', options);
            const progress = await waitForEnd(handle);
            outcomes.set(testCase.name, { invoice, progress, written: await writtenFor(fixture, invoiceNumber) });
          }),
        ),
      );
    } finally {
      await journal.close();
    }
  });

  afterAll(async () => {
    await fixture?.close();
    await dev?.teardown();
  });

  test('catalogue has enough cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  test.each(CASES.filter((testCase) => 'imported' in testCase.expected).map((testCase) => [testCase.name, testCase]))(
    '%s',
    (_name, testCase) => {
      const { invoice, progress, written } = outcomes.get(testCase.name)!;
      const expected = testCase.expected as Extract<Expected, { imported: true }>;
      expect(progress.attention).toBeNull();
      expect(progress.status).toBe('Sent');
      expect(progress.statusInPm).toBe('Sent');
      expect(written.keyRows).toBe(1);
      expect(written.voucherLines.filter((line) => line.accountType === 1)).toHaveLength(1);
      expect(written.documents).toBe(1);
      expected.check?.(written, invoice);
    },
  );

  test.each(CASES.filter((testCase) => 'errorType' in testCase.expected).map((testCase) => [testCase.name, testCase]))(
    '%s',
    (_name, testCase) => {
      const { invoice, progress, written } = outcomes.get(testCase.name)!;
      const expected = testCase.expected as Extract<Expected, { errorType: string }>;
      expect(progress.status).toBe('NeedsAttention');
      expect(progress.attention?.errorType).toBe(expected.errorType);
      expect(progress.attention?.message).toMatch(expected.message);
      expect(progress.attention?.message).toContain(String(invoice.body.number));
      expect(written).toEqual({ keyRows: 0, voucherLines: [], postedEntries: 0, documents: 0 });
    },
  );
});

function expectText(written: WrittenRows, invoice: SimulatedInvoice, part: string): void {
  expect(written.voucherLines.length).toBeGreaterThanOrEqual(2);
  for (const line of written.voucherLines) {
    expect(line.text).toBe(voucherTextOf(invoice));
    expect(line.text).toContain(part);
  }
}

function expectVoucherDate(written: WrittenRows, vbDate: number): void {
  expect(written.voucherLines.length).toBeGreaterThanOrEqual(2);
  expect(written.voucherLines.every((line) => line.voucherDate === vbDate)).toBe(true);
}

function voucherTextOf(invoice: SimulatedInvoice): string {
  return voucherText({
    isCreditNote: invoice.body.isCreditNote === true,
    invoiceNumber: String(invoice.body.number),
    customerName: customerOf(invoice)?.name ?? null,
  } as Parameters<typeof voucherText>[0]);
}

/** Waits until the invoice is Sent and PM shows it, or it needs attention. */
async function waitForEnd(handle: { query: (query: typeof progressQuery) => Promise<InvoiceProgress> }) {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const progress = await handle.query(progressQuery);
    if (progress.status === 'NeedsAttention') return progress;
    if (progress.status === 'Sent' && progress.statusInPm === 'Sent') return progress;
    if (Date.now() > deadline) throw new Error(`invoice did not settle: ${JSON.stringify(progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Reads everything Visma Business holds for an invoice number, whatever its customer. */
async function writtenFor(fixture: SandboxFixture, invoiceNumber: string): Promise<WrittenRows> {
  const { voucherKey: k, voucherLine: w, customerTransaction: t, attachment: d } = fixture.repository.names;
  const query = <T extends object>(sql: string) => fixture.executor.query<T>(sql, { invoiceNumber });
  const [{ keyRows }] = await query<{ keyRows: number }>(
    `SELECT COUNT(*) AS keyRows FROM ${k.table} WHERE ${k.invoiceNumber} = @invoiceNumber`,
  );
  // Only customer lines carry the invoice number, so the other lines are found through their voucher number.
  const voucherLines = await query<{ text: string; voucherDate: number; accountType: number }>(
    `SELECT ${w.text} AS text, ${w.voucherDate} AS voucherDate, ${w.debitAccountType} + ${w.creditAccountType} AS accountType
     FROM ${w.table} WHERE ${w.voucherNumber} IN (SELECT ${w.voucherNumber} FROM ${w.table} WHERE ${w.invoiceNumber} = @invoiceNumber)
     ORDER BY ${w.lineNumber}`,
  );
  const [{ postedEntries }] = await query<{ postedEntries: number }>(
    `SELECT COUNT(*) AS postedEntries FROM ${t.table} WHERE ${t.invoiceNumber} = @invoiceNumber`,
  );
  const [{ documents }] = await fixture.executor.query<{ documents: number }>(
    `SELECT COUNT(*) AS documents FROM ${d.table} WHERE ${d.fileName} = @fileName`,
    { fileName: `invoice-${invoiceNumber}.pdf` },
  );
  return {
    keyRows: Number(keyRows),
    voucherLines: voucherLines.map((line) => ({ ...line, accountType: Number(line.accountType) })),
    postedEntries: Number(postedEntries),
    documents: Number(documents),
  };
}
