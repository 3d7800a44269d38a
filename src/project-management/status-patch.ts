/**
 * JSON Pointer, within PM's invoice, of the status GUID that `PATCH /v1/invoices/{guid}` replaces to change the
 * invoice's status. The client takes another path through its `statusPatchPath` option.
 *
 * NOTE: PM's OpenAPI description types the PATCH body as "JSON patch document of InvoiceInputModel" but does not
 * define InvoiceInputModel. This default mirrors `status.guid` of InvoiceOutputModel and is unverified against a
 * real PM organisation.
 */
export const DEFAULT_STATUS_PATCH_PATH = '/status/guid';

/** One operation of a JSON Patch document (PatchOperation in PM's OpenAPI description). */
export interface PatchOperation {
  op: 'replace';
  path: string;
  value: string;
}

/**
 * Builds the JSON Patch document that sets an invoice's status. The operation name is lower case as RFC 6902
 * defines it, although PM's description spells the enum value `Replace`.
 */
export function buildStatusPatch(statusGuid: string, path: string = DEFAULT_STATUS_PATCH_PATH): PatchOperation[] {
  return [{ op: 'replace', path, value: statusGuid }];
}
