import type { PostingData, PostingGroup, VatCode } from '../domain/posting';
import { CompanySettingsError } from './errors';
import type { SchemaNames } from './schema-names';
import { listParameters, type SqlRunner } from './sql-executor';
import { normaliseDecimal, toNumber, toNumberOrNull } from './vb-values';
import type { VoucherSeries } from './voucher-series';

/** KID layout from the company information. */
export interface KidSettings {
  /** Check digit algorithm, as stored: `mod10` or `mod11`. */
  algorithm: string;
  /** Fixed width of the invoice number part, or null when it is not padded. */
  invoiceDigits: number | null;
  /** Fixed width of the customer number part, or null when it is not padded. */
  customerDigits: number | null;
}

/** The company settings that the import reads. */
export interface CompanyDefaults {
  /** Tax and accounting group for products that Visma Business does not know. */
  defaultGroupNumber: string;
  /** Voucher type of customer invoices. */
  invoiceVoucherType: number;
  /** Voucher numbers reserved for imported invoices. */
  invoiceVoucherSeries: VoucherSeries;
  kid: KidSettings;
}

interface CompanyRow {
  defaultGroupNumber: unknown;
  invoiceVoucherType: unknown;
  seriesFirst: unknown;
  seriesLast: unknown;
  kidAlgorithm: string | null;
  kidInvoiceDigits: unknown;
  kidCustomerDigits: unknown;
}

/**
 * Reads the company information row.
 *
 * NOTE: the sandbox keeps one row per company database. A real company information table with several rows would
 * need a filter on the company number, and this throws until it has one.
 *
 * @throws CompanySettingsError when there is no row or more than one.
 */
export async function readCompanyDefaults(runner: SqlRunner, names: SchemaNames): Promise<CompanyDefaults> {
  const c = names.companyInformation;
  const { dialect } = runner;
  const rows = await runner.query<CompanyRow>(
    `SELECT ${dialect.top(2)} ${c.defaultGroupNumber} AS defaultGroupNumber,
       ${c.invoiceVoucherType} AS invoiceVoucherType, ${c.invoiceSeriesFirst} AS seriesFirst,
       ${c.invoiceSeriesLast} AS seriesLast, ${c.kidAlgorithm} AS kidAlgorithm,
       ${c.kidInvoiceDigits} AS kidInvoiceDigits, ${c.kidCustomerDigits} AS kidCustomerDigits
     FROM ${c.table} ${dialect.limit(2)}`,
  );
  if (rows.length !== 1) {
    throw new CompanySettingsError(
      `Company information table ${c.table} has ${rows.length === 0 ? 'no row' : 'more than one row'}, but the ` +
        'import needs exactly one to find the default group, voucher type and voucher series.',
    );
  }
  const row = rows[0];
  return {
    defaultGroupNumber: String(toNumber(row.defaultGroupNumber)),
    invoiceVoucherType: toNumber(row.invoiceVoucherType),
    invoiceVoucherSeries: { first: toNumber(row.seriesFirst), last: toNumber(row.seriesLast) },
    kid: {
      algorithm: (row.kidAlgorithm ?? '').trim(),
      invoiceDigits: toNumberOrNull(row.kidInvoiceDigits),
      customerDigits: toNumberOrNull(row.kidCustomerDigits),
    },
  };
}

interface PostingRow {
  rowKind: 'company' | 'product' | 'group' | 'account' | 'vat';
  key1: string | null;
  key2: string | null;
  key3: string | null;
}

/**
 * Reads in one statement what the mapping needs for an invoice's product codes: the company's default group and
 * invoice voucher type, the group of each known product, those groups with their sales accounts, and the VAT
 * codes. Product codes that Visma Business does not know are absent from `productGroups`.
 */
export async function readPostingData(
  runner: SqlRunner,
  names: SchemaNames,
  productCodes: readonly string[],
  voucherType?: number,
): Promise<PostingData> {
  const { companyInformation: c, product: p, postingGroup: g, postingGroupAccount: a, vatCode: v } = names;
  const products = listParameters('product', [...new Set(productCodes)]);
  const productFilter = productCodes.length > 0 ? `p.${p.productNumber} IN (${products.sql})` : '1 = 0';
  const text = (expression: string) => `CAST(${expression} AS NVARCHAR(40))`;
  const groupNumbers = `SELECT p.${p.groupNumber} FROM ${p.table} p WHERE ${productFilter}
       UNION SELECT c.${c.defaultGroupNumber} FROM ${c.table} c`;

  const rows = await runner.query<PostingRow>(
    `SELECT 'company' AS rowKind, ${text(`c.${c.defaultGroupNumber}`)} AS key1,
       ${text(`c.${c.invoiceVoucherType}`)} AS key2, NULL AS key3
     FROM ${c.table} c
     UNION ALL
     SELECT 'product', ${text(`p.${p.productNumber}`)}, ${text(`p.${p.groupNumber}`)}, NULL
     FROM ${p.table} p WHERE ${productFilter}
     UNION ALL
     SELECT 'group', ${text(`g.${g.groupNumber}`)}, NULL, NULL
     FROM ${g.table} g WHERE g.${g.groupNumber} IN (${groupNumbers})
     UNION ALL
     SELECT 'account', ${text(`a.${a.groupNumber}`)}, ${text(`a.${a.accountNumber}`)}, ${text(`a.${a.vatCode}`)}
     FROM ${a.table} a WHERE a.${a.groupNumber} IN (${groupNumbers})
     UNION ALL
     SELECT 'vat', ${text(`v.${v.vatCode}`)}, ${text(`v.${v.ratePercent}`)}, NULL
     FROM ${v.table} v`,
    products.params,
  );

  return toPostingData(rows, voucherType, c.table);
}

function toPostingData(rows: PostingRow[], voucherType: number | undefined, companyTable: string): PostingData {
  const company = rows.filter((row) => row.rowKind === 'company');
  if (company.length !== 1) {
    throw new CompanySettingsError(
      `Company information table ${companyTable} has ${company.length} rows, but the import needs exactly one.`,
    );
  }

  const productGroups: Record<string, string> = {};
  const groups: Record<string, PostingGroup> = {};
  const vatCodes: Record<string, VatCode> = {};
  const required = (value: string | null) => (value ?? '').trim();
  for (const row of rows) {
    const key1 = required(row.key1);
    if (row.rowKind === 'product') productGroups[key1] = required(row.key2);
    if (row.rowKind === 'group') groups[key1] ??= { groupNumber: key1, salesAccounts: [] };
    if (row.rowKind === 'vat') vatCodes[key1] = { code: key1, ratePercent: normaliseDecimal(required(row.key2)) };
  }
  for (const row of rows) {
    if (row.rowKind !== 'account') continue;
    const groupNumber = required(row.key1);
    groups[groupNumber] ??= { groupNumber, salesAccounts: [] };
    groups[groupNumber].salesAccounts.push({ accountNumber: required(row.key2), vatCode: required(row.key3) });
  }
  for (const group of Object.values(groups)) {
    group.salesAccounts.sort((left, right) => Number(left.vatCode) - Number(right.vatCode));
  }

  return {
    voucherType: voucherType ?? Number(required(company[0].key2)),
    defaultGroupNumber: required(company[0].key1),
    productGroups,
    groups,
    vatCodes,
  };
}
