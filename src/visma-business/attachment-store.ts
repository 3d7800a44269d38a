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
/** Bytes at the end searched for `%%EOF`, so that line ends or padding after the marker are accepted. */
const END_MARKER_WINDOW = 1024;
const MAX_FILE_NAME_LENGTH = 255;

/**
 * Checks that `pdf` is a complete PDF of at most `maxBytes` bytes: it starts with `%PDF-` and has `%%EOF` in its
 * last kilobyte.
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
  if (!bytes.subarray(Math.max(0, bytes.length - END_MARKER_WINDOW)).includes(PDF_END_MARKER)) {
    throw reject('truncated');
  }
}

/**
 * Stores `pdf` with the voucher of `key` inside the caller's transaction. A document with the same SHA-256 already
 * linked to the voucher is left alone, and a different one replaces the linked document.
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
     LEFT JOIN ${d.table} d ON d.${d.documentNumber} = k.${k.documentNumber}
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
