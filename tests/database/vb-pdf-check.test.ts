import { PDFDocument } from 'pdf-lib';
import { checkPdf } from '../../src/visma-business/attachment-store';
import { AttachmentRejectedError } from '../../src/visma-business/errors';

const KEY = { client: 'acme', invoiceNumber: '4242', customerNumber: '10004' };
const MAX_BYTES = 1_000_000;

/** Returns the reason `checkPdf` rejects `content` for, or null when it accepts it. */
function rejection(content: Uint8Array): string | null {
  try {
    checkPdf(KEY, content, 'invoice-4242.pdf', MAX_BYTES);
    return null;
  } catch (error) {
    if (!(error instanceof AttachmentRejectedError)) throw error;
    return error.reason;
  }
}

describe('PDF attachment check', () => {
  let invoice: Buffer;

  beforeAll(async () => {
    const document = await PDFDocument.create();
    document.addPage().drawText('Invoice 4242');
    invoice = Buffer.from(await document.save());
  });

  test('generated invoice accepted', () => {
    expect(rejection(invoice)).toBeNull();
  });

  test('padding after end marker accepted', () => {
    expect(rejection(Buffer.concat([invoice, Buffer.alloc(2048)]))).toBeNull();
    expect(rejection(Buffer.concat([invoice, Buffer.from(' \r\n'.repeat(700))]))).toBeNull();
  });

  test('header and end marker alone rejected', () => {
    expect(rejection(Buffer.from('%PDF-this is a zip file, not a PDF\n%%EOF\n'))).toBe('malformed');
  });

  test('end marker without startxref rejected', () => {
    const withoutStartxref = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

    expect(rejection(withoutStartxref)).toBe('malformed');
  });

  test('cut-off appended revision rejected', () => {
    const cutOff = Buffer.concat([invoice, Buffer.from('\n2 0 obj\n<< /Type /Catalog')]);

    expect(rejection(cutOff)).toBe('truncated');
  });

  test('header only rejected', () => {
    expect(rejection(Buffer.from('%PDF-hello'))).toBe('truncated');
    expect(rejection(invoice.subarray(0, invoice.length >> 1))).toBe('truncated');
  });

  test('size and emptiness still checked', () => {
    expect(rejection(Buffer.alloc(0))).toBe('empty');
    expect(rejection(Buffer.concat([invoice, Buffer.alloc(MAX_BYTES)]))).toBe('too-large');
  });
});
