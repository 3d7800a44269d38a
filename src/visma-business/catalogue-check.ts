import {
  resolveSchema,
  type ColumnKind,
  type ColumnSpec,
  type SchemaNameOverrides,
  type TableSpec,
} from './schema-names';
import type { SqlRunner } from './sql-executor';
import { toNumberOrNull } from './vb-values';

/** One column as the database catalogue describes it. */
export interface CatalogueColumn {
  tableName: string;
  columnName: string;
  /** Type as the catalogue names it: `nvarchar`, `int`, `DECIMAL(28, 6)`, ... */
  dataType: string;
  /** Maximum number of characters of a text column, or null when unbounded or not text. */
  maxLength: number | null;
}

/** A difference between what the import needs and what the database has. */
export type CatalogueProblem =
  | { kind: 'missing-table'; table: TableSpec }
  | { kind: 'missing-column'; table: TableSpec; column: ColumnSpec }
  | { kind: 'unexpected-type'; table: TableSpec; column: ColumnSpec; foundType: string }
  | { kind: 'too-short'; table: TableSpec; column: ColumnSpec; foundLength: number };

/** Outcome of a catalogue check. */
export interface CatalogueCheckResult {
  problems: CatalogueProblem[];
  tablesChecked: number;
  columnsChecked: number;
}

/**
 * Reads the columns of every table and view: `INFORMATION_SCHEMA.COLUMNS` of `schemaName` on SQL Server, the
 * `sqlite_schema` table with `pragma_table_info` on SQLite.
 */
export async function readCatalogue(runner: SqlRunner, schemaName = 'dbo'): Promise<CatalogueColumn[]> {
  if (runner.dialect.name === 'sqlserver') {
    const rows = await runner.query<{ tableName: string; columnName: string; dataType: string; maxLength: unknown }>(
      `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, DATA_TYPE AS dataType,
         CHARACTER_MAXIMUM_LENGTH AS maxLength
       FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @schemaName`,
      { schemaName },
    );
    // -1 stands for nvarchar(max) and similar.
    return rows.map((row) => {
      const maxLength = toNumberOrNull(row.maxLength);
      return { ...row, maxLength: maxLength === null || maxLength < 0 ? null : maxLength };
    });
  }

  const rows = await runner.query<{ tableName: string; columnName: string; dataType: string }>(
    `SELECT m.name AS tableName, p.name AS columnName, p.type AS dataType
     FROM sqlite_schema m JOIN pragma_table_info(m.name) p
     WHERE m.type IN ('table', 'view')`,
  );
  return rows.map((row) => {
    const declaredLength = /\(\s*(\d+)/.exec(row.dataType);
    return { ...row, maxLength: declaredLength ? Number(declaredLength[1]) : null };
  });
}

/**
 * Returns the type family of a catalogue type name, for SQL Server's names (`int`, `nvarchar`, `varbinary`, ...)
 * and the type names declared in SQLite.
 */
export function kindOfType(dataType: string): ColumnKind | 'float' | 'other' {
  const type = dataType.toLowerCase();
  if (/binary|image|blob/.test(type)) return 'binary';
  if (/int/.test(type)) return 'integer';
  if (/decimal|numeric|money/.test(type)) return 'decimal';
  if (/char|text|clob/.test(type)) return 'text';
  if (/real|float|double/.test(type)) return 'float';
  return 'other';
}

/** Compares the tables and columns that the import needs with the catalogue. Names match case-insensitively. */
export function compareCatalogue(
  schema: Record<string, TableSpec>,
  catalogue: CatalogueColumn[],
): CatalogueCheckResult {
  const tables = new Map<string, Map<string, CatalogueColumn>>();
  for (const entry of catalogue) {
    const tableName = entry.tableName.toLowerCase();
    if (!tables.has(tableName)) tables.set(tableName, new Map());
    tables.get(tableName)?.set(entry.columnName.toLowerCase(), entry);
  }

  const problems: CatalogueProblem[] = [];
  let columnsChecked = 0;
  const specs = Object.values(schema);
  for (const table of specs) {
    const found = tables.get(table.name.toLowerCase());
    if (!found) {
      problems.push({ kind: 'missing-table', table });
      continue;
    }
    for (const column of Object.values(table.columns)) {
      if (!column.required) continue;
      columnsChecked += 1;
      const entry = found.get(column.name.toLowerCase());
      if (!entry) {
        problems.push({ kind: 'missing-column', table, column });
      } else if (kindOfType(entry.dataType) !== column.kind) {
        problems.push({ kind: 'unexpected-type', table, column, foundType: entry.dataType });
      } else if (column.minLength !== undefined && entry.maxLength !== null && entry.maxLength < column.minLength) {
        problems.push({ kind: 'too-short', table, column, foundLength: entry.maxLength });
      }
    }
  }
  return { problems, tablesChecked: specs.length, columnsChecked };
}

/** Reads the catalogue through `runner` and compares it with the schema names, after `overrides`. */
export async function checkCatalogue(
  runner: SqlRunner,
  options: { overrides?: SchemaNameOverrides; schemaName?: string } = {},
): Promise<CatalogueCheckResult> {
  const schema = resolveSchema(options.overrides);
  return compareCatalogue(schema, await readCatalogue(runner, options.schemaName));
}

/** Describes a problem in one line for the installer, with what to do about it. */
export function describeProblem(problem: CatalogueProblem): string {
  const { table } = problem;
  const hint = hintFor(problem);
  switch (problem.kind) {
    case 'missing-table':
      return `Missing table ${table.name} (${table.purpose}).${hint}`;
    case 'missing-column':
      return `Missing column ${table.name}.${problem.column.name}: expected ${expectation(problem.column)}.${hint}`;
    case 'unexpected-type':
      return (
        `Unexpected type of column ${table.name}.${problem.column.name}: found ${problem.foundType}, ` +
        `expected ${expectation(problem.column)}, which the import's SQL assumes.`
      );
    case 'too-short':
      return (
        `Column ${table.name}.${problem.column.name} holds ${problem.foundLength} characters, ` +
        `expected at least ${problem.column.minLength}.`
      );
  }
}

function hintFor(problem: CatalogueProblem): string {
  if (problem.table.ownedByImport) return ' Create the import tables with src/visma-business/ddl/sqlserver-import.sql.';
  const nameVerified =
    problem.kind === 'missing-table' ? problem.table.verified : problem.table.verified && problem.column.verified;
  return nameVerified
    ? ''
    : ' The name is not verified against Visma Business: if the table or column has another name there, set it ' +
        'in the schema names file.';
}

function expectation(column: ColumnSpec): string {
  const kind = column.kind === 'integer' ? 'an integer type' : `a ${column.kind} type`;
  return column.minLength === undefined ? kind : `${kind} of at least ${column.minLength} characters`;
}
