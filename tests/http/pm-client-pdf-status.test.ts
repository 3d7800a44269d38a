import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, type PDFPage } from 'pdf-lib';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { clientOf, rejectionOf, startTestSimulator } from '../harness/pm-simulator';
import { PmRequestRejectedError } from '../../src/project-management/errors';

/** Returns the text that a page of a pdf-lib document shows with standard fonts (hex strings before `Tj`). */
function shownText(page: PDFPage): string {
  const contents = page.node.Contents();
  const streams =
    contents instanceof PDFArray ? contents.asArray().map((ref) => page.doc.context.lookup(ref)) : [contents];
  const operators = streams
    .filter((stream): stream is PDFRawStream => stream instanceof PDFRawStream)
    .map((stream) => Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1'))
    .join('\n');
  return [...operators.matchAll(/<([0-9A-Fa-f]*)> Tj/g)]
    .map((match) => Buffer.from(match[1], 'hex').toString('latin1'))
    .join('\n');
}

describe('PM client PDF and status change', () => {
  let simulator: PmSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ invoices: 12, seed: 9 });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  test('PDF belongs to its invoice', async () => {
    const { client } = clientOf(simulator);
    const stored = simulator.state.invoiceByNumber(10004)!;
    const heading = stored.body.isCreditNote ? 'Kreditnota' : 'Faktura';
    const kid = stored.body.referenceNumber as string;
    const customer = stored.body.customer as { name: string; number: number };

    const bytes = await client.getInvoicePdf(stored.guid);

    const text = Buffer.from(bytes).toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);

    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getTitle()).toBe(`${heading} 10004`);
    expect(pdf.getKeywords()).toContain(`kid:${kid}`);
    const pageText = shownText(pdf.getPage(0));
    expect(pageText).toContain(heading.toUpperCase());
    expect(pageText).toContain('10004');
    expect(pageText).toContain(kid);
    expect(pageText).toContain(customer.name);
    expect(pageText).toContain(stored.body.dueDate as string);
  });

  test('PDF bytes hold no token', async () => {
    const { client } = clientOf(simulator);
    const guid = simulator.state.invoiceByNumber(10001)!.guid;
    const pdfs: Uint8Array[] = [];

    // Each round renews the token just before the PDF, so the token response and the PDF arrive back to back.
    for (let round = 0; round < 5; round++) {
      simulator.state.tokens.revokeAccessTokens();
      pdfs.push(await client.getInvoicePdf(guid));
    }

    for (const pdf of pdfs) {
      expect(pdf.buffer.byteLength).toBe(pdf.byteLength);
      expect(pdf.byteOffset).toBe(0);
      const backing = Buffer.from(pdf.buffer).toString('latin1');
      for (const token of simulator.state.tokens.everIssued) expect(backing).not.toContain(token);
    }
  });

  test('PDFs of two invoices differ', async () => {
    const { client } = clientOf(simulator);

    const first = await PDFDocument.load(await client.getInvoicePdf(simulator.state.invoiceByNumber(10001)!.guid));
    const second = await PDFDocument.load(await client.getInvoicePdf(simulator.state.invoiceByNumber(10002)!.guid));

    expect(first.getTitle()).toMatch(/^(Faktura|Kreditnota) 10001$/);
    expect(second.getTitle()).toMatch(/^(Faktura|Kreditnota) 10002$/);
  });

  test('long invoice PDF has pages', async () => {
    const { client } = clientOf(simulator);
    const added = simulator.state.addInvoice({
      customerNumber: '10020',
      rows: Array.from({ length: 90 }, () => ({ productCode: 'KONS-JUNIOR', quantity: '1.5' })),
    });

    const pdf = await PDFDocument.load(await client.getInvoicePdf(added.guid));

    expect(pdf.getPageCount()).toBeGreaterThan(1);
  });

  test('status change is recorded', async () => {
    const { client } = clientOf(simulator);
    const stored = simulator.state.invoiceByNumber(10006)!;
    const waiting = simulator.state.statusWithFlags({ isSent: true, isWaitingPayment: true });

    const updated = await client.changeInvoiceStatus(stored.guid, waiting.guid);

    expect(updated.status?.guid).toBe(waiting.guid);
    expect(updated.status?.isWaitingPayment).toBe(true);
    const changes = simulator.state.statusChanges.filter((change) => change.invoiceGuid === stored.guid);
    expect(changes).toHaveLength(1);
    expect(changes[0].toStatusGuid).toBe(waiting.guid);
    expect(changes[0].fromStatusName).toBe('Sendt');
    expect(changes[0].invoiceNumber).toBe(10006);
    expect((await client.getInvoice(stored.guid)).status?.guid).toBe(waiting.guid);
  });

  test('unknown status is rejected', async () => {
    const { client } = clientOf(simulator);
    const stored = simulator.state.invoiceByNumber(10007)!;
    const before = simulator.state.statusChanges.length;

    const error = await rejectionOf(client.changeInvoiceStatus(stored.guid, 'no-such-status'));

    expect(error).toBeInstanceOf(PmRequestRejectedError);
    expect((error as PmRequestRejectedError).status).toBe(400);
    expect(simulator.state.statusChanges).toHaveLength(before);
  });
});
