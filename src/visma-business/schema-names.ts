/**
 * Every table and column name that the import uses in a Visma Business company database, with the type it
 * expects, so that SQL, the sandbox DDL and `journal-import vb check` agree.
 *
 * Visma's public import examples give the batch and voucher tables `WaBnd` and `WaVo` and the voucher columns
 * marked `verified` below. Every other name is a plausible guess.
 * NOTE: check the unverified names and all column types against a real `F0001` before go-live. Unverified are the
 * tables of products, tax and accounting groups, VAT codes, company information, customers, customer
 * transactions, open entries (with the rest amount), and document attachments, the columns of `WaBnd`, and the
 * batch and line number columns of `WaVo`. Run `journal-import vb check` there, and override a wrong name in
 * configuration instead of the code.
 */

/** Type family that the catalogue check accepts for a column. */
export type ColumnKind = 'integer' | 'decimal' | 'text' | 'binary';

/** Narrowest integer type that fits every value of a column: smallint for codes, int for numbers, bigint for sums. */
export type IntegerWidth = 'smallint' | 'int' | 'bigint';

/** A column the import reads or writes. */
export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  /**
   * Shortest text width that fits every value the import writes. The import rejects a longer value before writing,
   * and the catalogue check reports a narrower column.
   */
  readonly minLength?: number;
  /** Narrowest integer type that fits the values of an integer column. @default 'int' */
  readonly integerWidth?: IntegerWidth;
  /** For a decimal column: the fewest decimals that keep its values exact, such as 2 for the øre of an amount. */
  readonly minScale?: number;
  /** False for a column that only the sandbox has, for descriptions and names that the import never reads. */
  readonly required: boolean;
  /** True when public Visma documentation names this column. */
  readonly verified: boolean;
}

/** A table the import reads or writes. */
export interface TableSpec {
  readonly name: string;
  /** Description of the table's content, for the catalogue check's messages. */
  readonly purpose: string;
  /** True when public Visma documentation names this table. */
  readonly verified: boolean;
  /** True for the import's own bookkeeping tables, which an installer creates with `ddl/sqlserver-import.sql`. */
  readonly ownedByImport: boolean;
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  /** Column keys of each unique index or primary key that the import's SQL relies on. */
  readonly uniqueKeys?: ReadonlyArray<readonly string[]>;
}

function column(name: string, kind: ColumnKind, extra: Partial<Omit<ColumnSpec, 'name' | 'kind'>> = {}): ColumnSpec {
  return { name, kind, required: true, verified: false, ...extra };
}

const verified = { verified: true } as const;
const sandboxOnly = { required: false } as const;
const code = { integerWidth: 'smallint' } as const;
const amount = { minScale: 2 } as const;

function vbTable<C extends Record<string, ColumnSpec>>(
  name: string,
  purpose: string,
  columns: C,
  tableVerified = false,
): { name: string; purpose: string; verified: boolean; ownedByImport: false; columns: C } {
  return { name, purpose, verified: tableVerified, ownedByImport: false, columns };
}

function importTable<C extends Record<string, ColumnSpec>>(
  name: string,
  purpose: string,
  columns: C,
): { name: string; purpose: string; verified: true; ownedByImport: true; columns: C } {
  return { name, purpose, verified: true, ownedByImport: true, columns };
}

/** The default schema: Visma's names where they are public, plausible names elsewhere. */
export const DEFAULT_SCHEMA = {
  importBatch: vbTable(
    'WaBnd',
    'batches waiting to be updated',
    {
      batchNumber: column('BndNo', 'integer'),
      description: column('Descr', 'text', { minLength: 60 }),
    },
    true,
  ),
  voucherLine: vbTable(
    'WaVo',
    'voucher lines waiting in a batch',
    {
      batchNumber: column('BndNo', 'integer'),
      lineNumber: column('LnNo', 'integer'),
      voucherNumber: column('VoNo', 'integer', verified),
      voucherDate: column('VoDt', 'integer', verified),
      voucherType: column('VoTp', 'integer', { ...verified, ...code }),
      valueDate: column('ValDt', 'integer', verified),
      text: column('Txt', 'text', { ...verified, minLength: 60 }),
      debitAccountType: column('DbAcCl', 'integer', { ...verified, ...code }),
      debitAccountNumber: column('DbAcNo', 'integer', verified),
      debitVatCode: column('DbTxCd', 'integer', { ...verified, ...code }),
      creditAccountType: column('CrAcCl', 'integer', { ...verified, ...code }),
      creditAccountNumber: column('CrAcNo', 'integer', verified),
      creditVatCode: column('CrTxCd', 'integer', { ...verified, ...code }),
      amountExVat: column('AmExVAT', 'decimal', { ...verified, ...amount }),
      vatAmount: column('VatAm', 'decimal', { ...verified, ...amount }),
      amount: column('Am', 'decimal', { ...verified, ...amount }),
      invoiceNumber: column('InvoNo', 'text', { ...verified, minLength: 50 }),
      dueDate: column('DueDt', 'integer', verified),
      kid: column('CID', 'text', { ...verified, minLength: 25 }),
      currency: column('Cur', 'text', { ...verified, minLength: 3 }),
      exchangeRate: column('ExRt', 'decimal', verified),
      currencyAmount: column('CurAm', 'decimal', { ...verified, ...amount }),
    },
    true,
  ),
  customer: vbTable('Actor', 'customers', {
    customerNumber: column('CustNo', 'integer'),
    name: column('Nm', 'text', sandboxOnly),
  }),
  product: vbTable('Prod', 'products', {
    productNumber: column('ProdNo', 'text'),
    groupNumber: column('TxAcGrNo', 'integer'),
    description: column('Descr', 'text', sandboxOnly),
  }),
  postingGroup: vbTable('TxAcGr', 'tax and accounting groups', {
    groupNumber: column('TxAcGrNo', 'integer'),
    description: column('Descr', 'text', sandboxOnly),
  }),
  postingGroupAccount: vbTable('TxAcGrAc', 'sales accounts of the tax and accounting groups, per VAT code', {
    groupNumber: column('TxAcGrNo', 'integer'),
    vatCode: column('TxCd', 'integer', code),
    accountNumber: column('AcNo', 'integer'),
  }),
  vatCode: vbTable('TxCd', 'VAT codes', {
    vatCode: column('TxCd', 'integer', code),
    ratePercent: column('TxRt', 'decimal'),
    description: column('Descr', 'text', sandboxOnly),
  }),
  companyInformation: vbTable('CompInf', 'company information', {
    companyNumber: column('CompNo', 'integer', sandboxOnly),
    name: column('Nm', 'text', sandboxOnly),
    defaultGroupNumber: column('DefTxAcGrNo', 'integer'),
    invoiceVoucherType: column('InvVoTp', 'integer', code),
    invoiceSeriesFirst: column('InvVoFrNo', 'integer'),
    invoiceSeriesLast: column('InvVoToNo', 'integer'),
    kidAlgorithm: column('KidAlg', 'text'),
    kidInvoiceDigits: column('KidInvDig', 'integer', code),
    kidCustomerDigits: column('KidCustDig', 'integer', code),
  }),
  customerTransaction: vbTable('CustTr', 'customer transactions of updated batches', {
    customerNumber: column('CustNo', 'integer'),
    voucherNumber: column('VoNo', 'integer'),
    voucherDate: column('VoDt', 'integer'),
    invoiceNumber: column('InvoNo', 'text'),
    dueDate: column('DueDt', 'integer'),
    kid: column('CID', 'text', { minLength: 25 }),
    amount: column('Am', 'decimal', amount),
    paidStatus: column('PdSt', 'integer', code),
  }),
  openEntry: vbTable('CustOpen', 'open customer entries', {
    customerNumber: column('CustNo', 'integer'),
    voucherNumber: column('VoNo', 'integer'),
    invoiceNumber: column('InvoNo', 'text'),
    dueDate: column('DueDt', 'integer'),
    kid: column('CID', 'text', { minLength: 25 }),
    amount: column('Am', 'decimal', amount),
    restAmount: column('RestAm', 'decimal', amount),
    paidStatus: column('PdSt', 'integer', code),
  }),
  attachment: vbTable('VoDoc', 'documents attached to vouchers', {
    documentNumber: column('DocNo', 'integer'),
    voucherNumber: column('VoNo', 'integer'),
    fileName: column('FileNm', 'text', { minLength: 255 }),
    content: column('DocData', 'binary'),
  }),
  voucherKey: importTable('JiVoucherKey', "the import's voucher per client, invoice and customer", {
    client: column('Client', 'text', { minLength: 100 }),
    invoiceNumber: column('InvoNo', 'text', { minLength: 50 }),
    customerNumber: column('CustNo', 'text', { minLength: 20 }),
    voucherNumber: column('VoNo', 'integer'),
    batchNumber: column('BndNo', 'integer'),
    totalOre: column('TotalOre', 'integer', { integerWidth: 'bigint' }),
    contentSha256: column('ContentSha256', 'text', { minLength: 64 }),
    documentNumber: column('DocNo', 'integer'),
    documentSha256: column('DocSha256', 'text', { minLength: 64 }),
    createdAt: column('CreatedAt', 'text', { minLength: 24 }),
    updatedAt: column('UpdatedAt', 'text', { minLength: 24 }),
    sweepStatus: column('SweepStatus', 'text', { minLength: 10 }),
    sweepRestOre: column('SweepRestOre', 'integer'),
    sweepAt: column('SweepAt', 'text', { minLength: 24 }),
  }),
  batchRun: importTable('JiBatch', "the import's batch per client and run date", {
    client: column('Client', 'text', { minLength: 100 }),
    runDate: column('RunDt', 'integer'),
    batchNumber: column('BndNo', 'integer'),
    createdAt: column('CreatedAt', 'text', { minLength: 24 }),
  }),
  voucherSeries: importTable('JiVoSeries', "the import's next voucher number per series", {
    firstNumber: column('FrNo', 'integer'),
    lastNumber: column('ToNo', 'integer'),
    nextNumber: column('NxtNo', 'integer'),
  }),
} satisfies Record<string, TableSpec>;

type DefaultSchema = typeof DEFAULT_SCHEMA;

/**
 * Column keys of the primary keys and unique indexes of the import's own tables: its SQL relies on them to keep
 * one voucher per invoice, one batch per client and run date, one counter per series, and distinct voucher numbers.
 */
export const IMPORT_UNIQUE_KEYS: {
  readonly [K in TableKey]?: ReadonlyArray<ReadonlyArray<keyof DefaultSchema[K]['columns'] & string>>;
} = {
  voucherKey: [['client', 'invoiceNumber', 'customerNumber'], ['voucherNumber']],
  batchRun: [['client', 'runDate']],
  voucherSeries: [['firstNumber']],
};

/** Logical name of a table, such as `voucherLine`. */
export type TableKey = keyof DefaultSchema;

/** SQL names of one table: `table` and one entry per column key. */
export type TableNames<K extends TableKey> = { readonly table: string } & {
  readonly [C in keyof DefaultSchema[K]['columns']]: string;
};

/** SQL names of every table and column, as the repository writes them into statements. */
export type SchemaNames = { readonly [K in TableKey]: TableNames<K> };

/** Replacement names from configuration: per table key, `table` and any column keys. */
export type SchemaNameOverrides = {
  readonly [K in TableKey]?: Partial<Record<'table' | keyof DefaultSchema[K]['columns'], string>>;
};

/** A name in the overrides that is not a plain SQL identifier or names no known table or column. */
export class SchemaNameError extends Error {
  override readonly name = 'SchemaNameError';

  constructor(
    readonly path: string,
    readonly value: unknown,
    problem: string,
  ) {
    super(`Schema name ${path} = ${JSON.stringify(value)} is invalid: ${problem}`);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Returns the table specifications with `overrides` applied. Names are checked to be plain identifiers, because
 * they are written into SQL without quoting.
 */
export function resolveSchema(overrides: SchemaNameOverrides = {}): Record<TableKey, TableSpec> {
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_SCHEMA)) {
      throw new SchemaNameError(key, overrides[key as TableKey], `no table is known as "${key}".`);
    }
  }

  const resolved = {} as Record<TableKey, TableSpec>;
  for (const key of Object.keys(DEFAULT_SCHEMA) as TableKey[]) {
    const spec: TableSpec = DEFAULT_SCHEMA[key];
    const tableOverrides: Record<string, unknown> = overrides[key] ?? {};
    const columns: Record<string, ColumnSpec> = {};
    for (const [columnKey, columnSpec] of Object.entries(spec.columns)) {
      columns[columnKey] = {
        ...columnSpec,
        name: checkedName(`${key}.${columnKey}`, tableOverrides[columnKey]) ?? columnSpec.name,
      };
    }
    for (const columnKey of Object.keys(tableOverrides)) {
      if (columnKey !== 'table' && !(columnKey in spec.columns)) {
        throw new SchemaNameError(`${key}.${columnKey}`, tableOverrides[columnKey], `table ${key} has no such column.`);
      }
    }
    resolved[key] = {
      ...spec,
      name: checkedName(`${key}.table`, tableOverrides.table) ?? spec.name,
      columns,
      uniqueKeys: IMPORT_UNIQUE_KEYS[key],
    };
  }
  return resolved;
}

/** Returns the SQL names of every table and column, with `overrides` applied. */
export function resolveSchemaNames(overrides: SchemaNameOverrides = {}): SchemaNames {
  const schema = resolveSchema(overrides);
  const names: Record<string, Record<string, string>> = {};
  for (const [key, spec] of Object.entries(schema)) {
    names[key] = { table: spec.name };
    for (const [columnKey, columnSpec] of Object.entries(spec.columns)) names[key][columnKey] = columnSpec.name;
  }
  return names as unknown as SchemaNames;
}

function checkedName(path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new SchemaNameError(path, value, 'expected letters, digits and underscores, starting with a letter.');
  }
  return value;
}
