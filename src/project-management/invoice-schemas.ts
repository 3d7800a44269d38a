import { z } from 'zod';

// Zod schemas of the PM responses the import reads, with field names from PM's public OpenAPI description
// (InvoiceOutputModel, InvoiceRowOutputModel, InvoiceStatusModel). Fields the import does not use are passed
// through unchecked, and every field the description marks nullable accepts null, except a GUID the import
// cannot work without (see {@link neededGuid}).

/** Key of the zod issue parameter that marks a value the OpenAPI description allows but the import cannot use. */
export const NEEDED_BY_IMPORT = 'neededByImport';

/**
 * A GUID that PM's OpenAPI description marks nullable but without which the import cannot work. A missing or
 * empty GUID fails the parse with a message that says what the import needs it for.
 */
function neededGuid(purpose: string) {
  return z
    .string()
    .nullish()
    .transform((guid, context) => {
      if (guid) return guid;
      context.issues.push({
        code: 'custom',
        input: guid,
        message: `is ${guid === '' ? 'empty' : 'missing'}, but the import needs it ${purpose}`,
        params: { [NEEDED_BY_IMPORT]: true },
      });
      return z.NEVER;
    });
}

/** MoneyOutputModel: an amount and its currency code. The amount is nullable; the conversion rejects a missing one. */
export const MoneySchema = z.object({
  amount: z.number().nullish(),
  currencyCode: z.string().nullish(),
});

/**
 * InvoiceStatusSubModel: the status of an invoice with the flags that give its meaning. The description requires
 * `guid`, but a missing one is accepted, because the import decides by the flags.
 */
export const InvoiceStatusRefSchema = z.object({
  guid: z.string().nullish(),
  name: z.string().nullish(),
  isSent: z.boolean().nullish(),
  isWaitingPayment: z.boolean().nullish(),
  isPaid: z.boolean().nullish(),
});

/** InvoiceCustomerSubModel. */
export const InvoiceCustomerRefSchema = z.object({
  guid: z.string().nullish(),
  name: z.string().nullish(),
  number: z.number().int().nullish(),
});

/** GUID of an invoice, which the import needs to read the invoice's rows and PDF and to set its status. */
const invoiceGuid = () => neededGuid("to read the invoice's rows and PDF and to set its status");

/**
 * An item of `GET /v1/invoices` with only the fields that listing callers read checked; the other fields of
 * InvoiceOutputModel pass through unchecked, so that an invoice with an unreadable amount or due date is still
 * listed and fails alone when it is fetched with {@link InvoiceSchema}.
 */
export const InvoiceListItemSchema = z.looseObject({
  guid: invoiceGuid(),
  number: z.number().int().nullish(),
  date: z.string().nullish(),
  lastUpdatedDateTime: z.string().nullish(),
  status: InvoiceStatusRefSchema.nullish(),
});
export type PmInvoiceListItem = z.infer<typeof InvoiceListItemSchema>;

/** InvoiceOutputModel, as returned by `GET /v1/invoices` and `GET /v1/invoices/{guid}`. */
export const InvoiceSchema = z.looseObject({
  guid: invoiceGuid(),
  number: z.number().int().nullish(),
  date: z.string().nullish(),
  dueDate: z.string().nullish(),
  isCreditNote: z.boolean().nullish(),
  referenceNumber: z.string().nullish(),
  currency: z.object({ guid: z.string().nullish(), code: z.string().nullish() }).nullish(),
  currencyRate: z.number().nullish(),
  customer: InvoiceCustomerRefSchema.nullish(),
  status: InvoiceStatusRefSchema.nullish(),
  totalExcludingTax: MoneySchema.nullish(),
  totalIncludingTax: MoneySchema.nullish(),
  totalTax: MoneySchema.nullish(),
  lastUpdatedDateTime: z.string().nullish(),
});
export type PmInvoice = z.infer<typeof InvoiceSchema>;

/** InvoiceRowOutputModel, as returned by `GET /v1/invoices/{invoiceGuid}/invoicerows`. */
export const InvoiceRowSchema = z.looseObject({
  guid: z.string().nullish(),
  code: z.array(z.string()).nullish(),
  description: z.string().nullish(),
  quantity: z.number().nullish(),
  unitPrice: MoneySchema.nullish(),
  vatRate: z.number().nullish(),
  sortOrder: z.number().int().nullish(),
  measurementUnit: z.string().nullish(),
});
export type PmInvoiceRow = z.infer<typeof InvoiceRowSchema>;

/** InvoiceStatusModel, as returned by `GET /v1/invoicestatuses`. */
export const InvoiceStatusSchema = z.looseObject({
  guid: neededGuid('to filter issued invoices by status and to set the status of an invoice'),
  name: z.string(),
  isActive: z.boolean().nullish(),
  isSent: z.boolean().nullish(),
  isWaitingPayment: z.boolean().nullish(),
  isPaid: z.boolean().nullish(),
  hasInvoiceNumber: z.boolean().nullish(),
});
export type PmInvoiceStatus = z.infer<typeof InvoiceStatusSchema>;

/** CustomerModel, as returned by `GET /v1/customers/{guid}`; only the fields the import reads are checked. */
export const CustomerSchema = z.looseObject({
  guid: z.string().nullish(),
  name: z.string(),
  number: z.number().int().nullish(),
  isActive: z.boolean().nullish(),
});
export type PmCustomer = z.infer<typeof CustomerSchema>;

/**
 * PublicAuthenticationOutputModel, as returned by `POST /v1/token` and `POST /v1/refreshtoken`. Lifetimes are in
 * seconds; at least one of `access_token_expires_in` and `access_token_expires_utc` must be present.
 */
export const TokenResponseSchema = z
  .looseObject({
    access_token: z.string().min(1),
    access_token_expires_in: z.number().int().positive().nullish(),
    access_token_expires_utc: z.string().nullish(),
    access_token_type: z.string().nullish(),
    refresh_token: z.string().min(1).nullish(),
    refresh_token_expires_in: z.number().int().nullish(),
    refresh_token_expires_utc: z.string().nullish(),
    scope: z.string().nullish(),
  })
  .refine((token) => token.access_token_expires_in != null || token.access_token_expires_utc != null, {
    path: ['access_token_expires_in'],
    message: 'is missing, and so is access_token_expires_utc',
  });
export type PmTokenResponse = z.infer<typeof TokenResponseSchema>;

/** ExceptionModel: the body of PM's error responses. Read leniently, because it only adds detail to an error. */
export const ExceptionSchema = z.looseObject({
  error: z
    .looseObject({
      httpStatusCode: z.number().nullish(),
      type: z.string().nullish(),
      details: z.array(z.looseObject({ message: z.string().nullish() })).nullish(),
    })
    .nullish(),
});
