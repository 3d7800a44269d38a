import { createHash } from 'node:crypto';
import type { VoucherKey } from '../domain/voucher';
import { AttachmentRejectedError, VoucherNotFoundError } from './errors';
import type { SchemaNames } from './schema-names';
import type { SqlRunner } from './sql-executor';
import { toNumber, toNumberOrNull } from './vb-values';

/** Outcome of storing an attachment: the document was written, or the same document was stored already. */
export type StoreAttachmentOutcome = 'stored' | 'unchanged';

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');
const PDF_END_MARKER = Buffer.from('%%EOF', 'latin1');
/** Bytes before the end, not counting trailing padding, in which `%%EOF` must be, as PDF readers accept it. */
const END_MARKER_WINDOW = 1024;
const MAX_FILE_NAME_LENGTH = 255;
/** Whitespace of the PDF syntax (NUL, tab, line feed, form feed, carriage return, space), which pads a file. */
const PDF_WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
/** The last lines of a complete PDF: `startxref`, the offset of its cross-reference section, then `%%EOF`. */
const STARTXREF_BEFORE_END = /startxref[\0\t\n\f\r ]+\d+[\0\t\n\f\r ]*$/;
/** An indirect object (`12 0 obj`), which every PDF has. */
const INDIRECT_OBJECT = /\d+[\0\t\n\f\r ]+\d+[\0\t\n\f\r ]+obj\b/;
/** Syntax that starts an appended revision: after the last `%%EOF` it means that the revision was cut off. */
const REVISION_CONTENT = /\bobj\b|\bxref\b|\btrailer\b|\bstartxref\b/;

/**
 * Checks that `pdf` is a complete PDF of at most `maxBytes` bytes: it starts with `%PDF-`, has at least one
 * indirect object, and ends with `startxref`, an offset and `%%EOF`. Whitespace or NUL padding after `%%EOF` is
 * accepted, and so is other content in the last kilobyte unless it starts a revision that was cut off.
 *
 * @throws AttachmentRejectedError naming the reason.
 */
export function checkPdf(key: VoucherKey, pdf: Uint8Array, fileName: string, maxBytes: number): void {
  const reject = (reason: AttachmentRejectedError['reason']) =>
    new AttachmentRejectedError(key, fileName, reason, pdf.byteLength, maxBytes);
  if (fileName.trim().length === 0 || fileName.length > MAX_FILE_NAME_LENGTH) throw reject('invalid-file-name');
  if (pdf.byteLength === 0) throw reject('empty');
  if (pdf.byteLength > maxBytes) throw reject('too-large');

  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  if (!bytes.subarray(0, PDF_HEADER.length).equals(PDF_HEADER)) throw reject('not-pdf');

  let end = bytes.length;
  while (end > 0 && PDF_WHITESPACE.has(bytes[end - 1])) end -= 1;
  const windowStart = Math.max(0, end - END_MARKER_WINDOW);
  const markerInWindow = bytes.subarray(windowStart, end).lastIndexOf(PDF_END_MARKER);
  if (markerInWindow < 0) throw reject('truncated');
  const marker = windowStart + markerInWindow;
  if (REVISION_CONTENT.test(bytes.toString('latin1', marker + PDF_END_MARKER.length, end))) throw reject('truncated');

  const beforeMarker = bytes.toString('latin1', Math.max(0, marker - END_MARKER_WINDOW), marker);
  if (!STARTXREF_BEFORE_END.test(beforeMarker) || !INDIRECT_OBJECT.test(bytes.toString('latin1'))) {
    throw reject('malformed');
  }
}

/**
 * Stores `pdf` with the voucher of `key` inside the caller's transaction. A document with the same SHA-256 already
 * linked to the voucher is left alone, and a different one replaces the linked document. A linked document that
 * is gone, or whose number now belongs to another voucher's document, is not touched: a new document is added.
 *
 * @throws VoucherNotFoundError when the import has written no voucher for `key`.
 */
export async function storeAttachmentInTransaction(
  tx: SqlRunner,
  names: SchemaNames,
  key: VoucherKey,
  pdf: Uint8Array,
  fileName: string,
  now: Date,
): Promise<StoreAttachmentOutcome> {
  const { voucherKey: k, attachment: d } = names;
  const sha256 = createHash('sha256').update(pdf).digest('hex');

  const rows = await tx.query<{ voucherNumber: unknown; documentNumber: unknown; documentSha256: string | null }>(
    `SELECT k.${k.voucherNumber} AS voucherNumber, d.${d.documentNumber} AS documentNumber,
       k.${k.documentSha256} AS documentSha256
     FROM ${k.table} k ${tx.dialect.lockForUpdate}
     LEFT JOIN ${d.table} d
       ON d.${d.documentNumber} = k.${k.documentNumber} AND d.${d.voucherNumber} = k.${k.voucherNumber}
     WHERE k.${k.client} = @client AND k.${k.invoiceNumber} = @invoiceNumber AND k.${k.customerNumber} = @customerNumber`,
    { ...key },
  );
  if (rows.length === 0) throw new VoucherNotFoundError(key);
  const voucherNumber = toNumber(rows[0].voucherNumber);
  let documentNumber = toNumberOrNull(rows[0].documentNumber);
  if (documentNumber !== null && rows[0].documentSha256?.trim() === sha256) return 'unchanged';

  const document = { voucherNumber, fileName, content: pdf, documentNumber };
  if (documentNumber !== null) {
    await tx.execute(
      `UPDATE ${d.table} SET ${d.voucherNumber} = @voucherNumber, ${d.fileName} = @fileName, ${d.content} = @content
       WHERE ${d.documentNumber} = @documentNumber`,
      document,
    );
  } else {
    const inserted = await tx.query<{ insertedId: unknown }>(
      tx.dialect.insertReturningIdentity(
        `INSERT INTO ${d.table} (${d.voucherNumber}, ${d.fileName}, ${d.content})
         VALUES (@voucherNumber, @fileName, @content)`,
        d.documentNumber,
      ),
      document,
    );
    documentNumber = toNumber(inserted[0].insertedId);
  }

  await tx.execute(
    `UPDATE ${k.table} SET ${k.documentNumber} = @documentNumber, ${k.documentSha256} = @sha256, ${k.updatedAt} = @now
     WHERE ${k.client} = @client AND ${k.invoiceNumber} = @invoiceNumber AND ${k.customerNumber} = @customerNumber`,
    { ...key, documentNumber, sha256, now: now.toISOString() },
  );
  return 'stored';
}
