import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Client key from the clients file, on every invoice and sync workflow. */
export const CLIENT_KEY = defineSearchAttributeKey('JournalClient', SearchAttributeType.KEYWORD);

/** Invoice number in Project Management. */
export const INVOICE_NUMBER = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);

/** Customer number of the invoice, as in Project Management and Visma Business. */
export const CUSTOMER_NUMBER = defineSearchAttributeKey('CustomerNumber', SearchAttributeType.KEYWORD);

/** Current status of the invoice: Imported, Sent, Open, Paid or NeedsAttention. */
export const INVOICE_STATUS = defineSearchAttributeKey('InvoiceStatus', SearchAttributeType.KEYWORD);

/** Number of the Visma Business import batch that holds the voucher. */
export const BATCH_NUMBER = defineSearchAttributeKey('BatchNumber', SearchAttributeType.INT);

/** Every custom search attribute the workflows set; a Temporal namespace must have them registered. */
export const CUSTOM_SEARCH_ATTRIBUTES = [CLIENT_KEY, INVOICE_NUMBER, CUSTOMER_NUMBER, INVOICE_STATUS, BATCH_NUMBER];
