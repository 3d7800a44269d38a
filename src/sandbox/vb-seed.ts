import { resolveSchemaNames, type SchemaNames } from '../visma-business/schema-names';
import { parameterNames, type SqlParams, type SqlRunner } from '../visma-business/sql-executor';
import { SEED_COMPANY, SEED_CUSTOMERS, SEED_POSTING_GROUPS, SEED_PRODUCTS, SEED_VAT_CODES } from './seed-catalogue';

/** One statement of the seed with its parameters. */
export interface SeedStatement {
  sql: string;
  params: SqlParams;
}

/**
 * Returns the statements that fill a sandbox or development Visma Business database with the seed catalogue's
 * master data. That is the company information, VAT codes, tax and accounting groups with their sales accounts,
 * products that have a group, and customers marked as present in Visma Business. Each statement inserts its row
 * only when the key is missing, so running them twice changes nothing.
 */
export function vbSeedStatements(names: SchemaNames = resolveSchemaNames()): SeedStatement[] {
  const { companyInformation: c, vatCode: v, postingGroup: g, postingGroupAccount: a, product: p, customer } = names;
  const statements: SeedStatement[] = [];
  const insertMissing = (table: string, columns: Record<string, string>, keyColumns: string[], params: SqlParams) => {
    const columnNames = Object.values(columns);
    const placeholders = Object.keys(columns).map((key) => `@${key}`);
    const keyFilter = keyColumns.map((key) => `${columns[key]} = @${key}`).join(' AND ');
    statements.push({
      sql:
        `INSERT INTO ${table} (${columnNames.join(', ')}) SELECT ${placeholders.join(', ')} ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ${keyFilter})`,
      params,
    });
  };

  insertMissing(
    c.table,
    {
      companyNumber: c.companyNumber,
      name: c.name,
      defaultGroupNumber: c.defaultGroupNumber,
      invoiceVoucherType: c.invoiceVoucherType,
      invoiceSeriesFirst: c.invoiceSeriesFirst,
      invoiceSeriesLast: c.invoiceSeriesLast,
      kidAlgorithm: c.kidAlgorithm,
      kidInvoiceDigits: c.kidInvoiceDigits,
      kidCustomerDigits: c.kidCustomerDigits,
    },
    ['companyNumber'],
    {
      companyNumber: SEED_COMPANY.companyNumber,
      name: SEED_COMPANY.name,
      defaultGroupNumber: Number(SEED_COMPANY.defaultPostingGroup),
      invoiceVoucherType: SEED_COMPANY.invoiceVoucherType,
      invoiceSeriesFirst: SEED_COMPANY.invoiceVoucherSeries.first,
      invoiceSeriesLast: SEED_COMPANY.invoiceVoucherSeries.last,
      kidAlgorithm: SEED_COMPANY.kid.algorithm,
      kidInvoiceDigits: SEED_COMPANY.kid.invoiceDigits,
      kidCustomerDigits: SEED_COMPANY.kid.customerDigits,
    },
  );

  for (const vat of SEED_VAT_CODES) {
    insertMissing(
      v.table,
      { vatCode: v.vatCode, ratePercent: v.ratePercent, description: v.description },
      ['vatCode'],
      { vatCode: Number(vat.code), ratePercent: Number(vat.ratePercent), description: vat.description },
    );
  }

  for (const group of SEED_POSTING_GROUPS) {
    insertMissing(g.table, { groupNumber: g.groupNumber, description: g.description }, ['groupNumber'], {
      groupNumber: Number(group.groupNumber),
      description: group.name,
    });
    for (const account of group.salesAccounts) {
      insertMissing(
        a.table,
        { groupNumber: a.groupNumber, vatCode: a.vatCode, accountNumber: a.accountNumber },
        ['groupNumber', 'vatCode'],
        {
          groupNumber: Number(group.groupNumber),
          vatCode: Number(account.vatCode),
          accountNumber: Number(account.accountNumber),
        },
      );
    }
  }

  for (const product of SEED_PRODUCTS) {
    if (product.vismaBusinessGroup === null) continue;
    insertMissing(
      p.table,
      { productNumber: p.productNumber, description: p.description, groupNumber: p.groupNumber },
      ['productNumber'],
      { productNumber: product.code, description: product.name, groupNumber: Number(product.vismaBusinessGroup) },
    );
  }

  for (const seedCustomer of SEED_CUSTOMERS) {
    if (!seedCustomer.inVismaBusiness) continue;
    insertMissing(
      customer.table,
      { customerNumber: customer.customerNumber, name: customer.name },
      ['customerNumber'],
      {
        customerNumber: Number(seedCustomer.customerNumber),
        name: seedCustomer.name,
      },
    );
  }
  return statements;
}

/** Runs the seed statements on `runner`. */
export async function seedVismaBusiness(runner: SqlRunner, names?: SchemaNames): Promise<void> {
  for (const statement of vbSeedStatements(names)) {
    await runner.execute(statement.sql, statement.params);
  }
}

/**
 * Writes the seed as a T-SQL script with literal values, for `sqlcmd` in the docker-compose stack. The committed
 * copy in `src/visma-business/ddl/sqlserver-seed.sql` is this function's output, and a test keeps them equal.
 */
export function renderSqlServerSeedScript(statements: SeedStatement[] = vbSeedStatements()): string {
  const header = [
    '-- Master data of the development Visma Business company, generated from src/sandbox/seed-catalogue.ts by',
    '-- `journal-import vb print-seed`. Run it after sqlserver.sql; running it twice changes nothing.',
    '',
  ];
  const body = statements.map(({ sql, params }) => {
    let literalSql = sql;
    for (const name of parameterNames(sql)) {
      literalSql = literalSql.replace(new RegExp(`@${name}(?![A-Za-z0-9_])`, 'g'), sqlServerLiteral(params[name]));
    }
    return `${literalSql};`;
  });
  return [...header, ...body, 'GO', ''].join('\n');
}

function sqlServerLiteral(value: SqlParams[string] | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `N'${value.replace(/'/g, "''")}'`;
  throw new TypeError(`The seed has no literal form for ${typeof value}`);
}
