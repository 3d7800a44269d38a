import {
  resolveSchema,
  type ColumnKind,
  type ColumnSpec,
  type IntegerWidth,
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
  /** Number of decimals of a decimal column, or null when the type declares none. */
  numericScale: number | null;
}

/** The columns of one unique index or primary key, as the database catalogue describes it. */
export interface CatalogueUniqueKey {
  tableName: string;
  columnNames: string[];
}

/** A difference between what the import needs and what the database has. */
export type CatalogueProblem =
  | { kind: 'missing-table'; table: TableSpec }
  | { kind: 'missing-column'; table: TableSpec; column: ColumnSpec }
  | { kind: 'unexpected-type'; table: TableSpec; column: ColumnSpec; foundType: string }
  | { kind: 'too-narrow'; table: TableSpec; column: ColumnSpec; foundType: string }
  | { kind: 'too-few-decimals'; table: TableSpec; column: ColumnSpec; foundType: string; foundScale: number }
  | { kind: 'too-short'; table: TableSpec; column: ColumnSpec; foundLength: number }
  | { kind: 'missing-unique-key'; table: TableSpec; columnNames: string[] };

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
    const rows = await runner.query<{
      tableName: string;
      columnName: string;
      dataType: string;
      maxLength: unknown;
      numericScale: unknown;
    }>(
      `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, DATA_TYPE AS dataType,
         CHARACTER_MAXIMUM_LENGTH AS maxLength, NUMERIC_SCALE AS numericScale
       FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @schemaName`,
      { schemaName },
    );
    // -1 stands for nvarchar(max) and similar.
    return rows.map((row) => {
      const maxLength = toNumberOrNull(row.maxLength);
      return {
        ...row,
        maxLength: maxLength === null || maxLength < 0 ? null : maxLength,
        numericScale: toNumberOrNull(row.numericScale),
      };
    });
  }

  const rows = await runner.query<{ tableName: string; columnName: string; dataType: string }>(
    `SELECT m.name AS tableName, p.name AS columnName, p.type AS dataType
     FROM sqlite_schema m JOIN pragma_table_info(m.name) p
     WHERE m.type IN ('table', 'view')`,
  );
  return rows.map((row) => {
    // DECIMAL(28, 6) declares 6 decimals and DECIMAL(10) none. A bare DECIMAL declares no scale.
    const declared = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(row.dataType);
    return {
      ...row,
      maxLength: declared ? Number(declared[1]) : null,
      numericScale: declared ? Number(declared[2] ?? 0) : null,
    };
  });
}

/**
 * Reads the columns of every unique index and primary key without a filter: from `sys.indexes` of `schemaName` on
 * SQL Server, from `pragma_index_list` and the primary key columns of `pragma_table_info` on SQLite.
 */
export async function readUniqueKeys(runner: SqlRunner, schemaName = 'dbo'): Promise<CatalogueUniqueKey[]> {
  const rows =
    runner.dialect.name === 'sqlserver'
      ? await runner.query<{ tableName: string; keyName: string; columnName: string }>(
          `SELECT t.name AS tableName, i.name AS keyName, c.name AS columnName
           FROM sys.indexes i
           JOIN sys.tables t ON t.object_id = i.object_id
           JOIN sys.schemas s ON s.schema_id = t.schema_id
           JOIN sys.index_columns ic
             ON ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0
           JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
           WHERE s.name = @schemaName AND i.is_unique = 1 AND i.has_filter = 0`,
          { schemaName },
        )
      : await runner.query<{ tableName: string; keyName: string; columnName: string }>(
          `SELECT m.name AS tableName, l.name AS keyName, i.name AS columnName
           FROM sqlite_schema m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
           WHERE m.type = 'table' AND l."unique" = 1 AND l.partial = 0
           UNION ALL
           SELECT m.name AS tableName, '' AS keyName, p.name AS columnName
           FROM sqlite_schema m JOIN pragma_table_info(m.name) p
           WHERE m.type = 'table' AND p.pk > 0`,
        );
  const keys = new Map<string, CatalogueUniqueKey>();
  for (const row of rows) {
    const id = `${row.tableName}\u0000${row.keyName}`;
    const key = keys.get(id) ?? { tableName: row.tableName, columnNames: [] };
    key.columnNames.push(row.columnName);
    keys.set(id, key);
  }
  return [...keys.values()];
}

/** Integer type names of SQL Server and SQLite, by how wide a value they hold: 1 byte, 2, 3, 4 or 8. */
const INTEGER_TYPE_BYTES: Readonly<Record<string, number>> = {
  tinyint: 1,
  smallint: 2,
  int2: 2,
  mediumint: 3,
  int: 4,
  integer: 4,
  int4: 4,
  bigint: 8,
  int8: 8,
  'unsigned big int': 8,
};
const INTEGER_WIDTH_BYTES: Readonly<Record<IntegerWidth, number>> = { smallint: 2, int: 4, bigint: 8 };

/** Returns a type name without its size or precision, in lower case: `DECIMAL(28, 6)` gives `decimal`. */
function baseTypeName(dataType: string): string {
  return dataType.toLowerCase().replace(/\(.*$/, '').trim().replace(/\s+/g, ' ');
}

/**
 * Returns the type family of a catalogue type name, for SQL Server's names (`int`, `nvarchar`, `varbinary`, ...)
 * and the type names declared in SQLite. Integer and decimal types are recognised by their exact names, so that
 * `point` or `smallmoney` are not taken for one.
 */
export function kindOfType(dataType: string): ColumnKind | 'float' | 'other' {
  const type = baseTypeName(dataType);
  if (type in INTEGER_TYPE_BYTES) return 'integer';
  if (['decimal', 'numeric', 'money'].includes(type)) return 'decimal';
  if (/binary|image|blob/.test(type)) return 'binary';
  if (/char|text|clob/.test(type)) return 'text';
  if (['real', 'float', 'double', 'double precision'].includes(type)) return 'float';
  return 'other';
}

/** Compares the tables and columns that the import needs with the catalogue. Names match case-insensitively. */
export function compareCatalogue(
  schema: Record<string, TableSpec>,
  catalogue: CatalogueColumn[],
  /** Unique indexes and primary keys; when absent, the unique keys of the import's tables are not checked. */
  uniqueKeys?: CatalogueUniqueKey[],
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
      const problem = entry ? compareColumn(table, column, entry) : { kind: 'missing-column' as const, table, column };
      if (problem) problems.push(problem);
    }
    if (uniqueKeys) problems.push(...missingUniqueKeys(table, uniqueKeys));
  }
  return { problems, tablesChecked: specs.length, columnsChecked };
}

function compareColumn(table: TableSpec, column: ColumnSpec, entry: CatalogueColumn): CatalogueProblem | null {
  const foundType = entry.dataType;
  if (kindOfType(foundType) !== column.kind) return { kind: 'unexpected-type', table, column, foundType };
  if (
    column.kind === 'integer' &&
    INTEGER_TYPE_BYTES[baseTypeName(foundType)] < INTEGER_WIDTH_BYTES[column.integerWidth ?? 'int']
  ) {
    return { kind: 'too-narrow', table, column, foundType };
  }
  if (column.minScale !== undefined && entry.numericScale !== null && entry.numericScale < column.minScale) {
    return { kind: 'too-few-decimals', table, column, foundType, foundScale: entry.numericScale };
  }
  if (column.minLength !== undefined && entry.maxLength !== null && entry.maxLength < column.minLength) {
    return { kind: 'too-short', table, column, foundLength: entry.maxLength };
  }
  return null;
}

/** Returns a problem for each unique key of `table` that no unique index or primary key has exactly. */
function missingUniqueKeys(table: TableSpec, uniqueKeys: CatalogueUniqueKey[]): CatalogueProblem[] {
  const found = uniqueKeys
    .filter((key) => key.tableName.toLowerCase() === table.name.toLowerCase())
    .map((key) => sortedLowerCase(key.columnNames).join(','));
  return (table.uniqueKeys ?? [])
    .map((columnKeys) => columnKeys.map((columnKey) => table.columns[columnKey].name))
    .filter((columnNames) => !found.includes(sortedLowerCase(columnNames).join(',')))
    .map((columnNames) => ({ kind: 'missing-unique-key', table, columnNames }));
}

function sortedLowerCase(names: string[]): string[] {
  return names.map((name) => name.toLowerCase()).sort();
}

/** Reads the catalogue through `runner` and compares it with the schema names, after `overrides`. */
export async function checkCatalogue(
  runner: SqlRunner,
  options: { overrides?: SchemaNameOverrides; schemaName?: string } = {},
): Promise<CatalogueCheckResult> {
  const schema = resolveSchema(options.overrides);
  const catalogue = await readCatalogue(runner, options.schemaName);
  return compareCatalogue(schema, catalogue, await readUniqueKeys(runner, options.schemaName));
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
        `Unexpected type of column ${table.name}.${problem.column.name}: found ${shownType(problem.foundType)}, ` +
        `expected ${expectation(problem.column)}, which the import's SQL assumes.`
      );
    case 'too-narrow':
      return (
        `Column ${table.name}.${problem.column.name} is ${problem.foundType}, too narrow for its values: ` +
        `expected ${expectation(problem.column)}.`
      );
    case 'too-few-decimals':
      return (
        `Column ${table.name}.${problem.column.name} is ${problem.foundType} with ${problem.foundScale} decimals: ` +
        `expected at least ${problem.column.minScale}, so that amounts keep their øre.`
      );
    case 'too-short':
      return (
        `Column ${table.name}.${problem.column.name} holds ${problem.foundLength} characters, ` +
        `expected at least ${problem.column.minLength}.`
      );
    case 'missing-unique-key':
      return (
        `Missing unique index on ${table.name} (${problem.columnNames.join(', ')}): the import's SQL relies on no ` +
        `two rows having the same ${listed(problem.columnNames)}.${hint}`
      );
  }
}

function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function shownType(dataType: string): string {
  return dataType.trim() === '' ? '(no declared type)' : dataType;
}

function hintFor(problem: CatalogueProblem): string {
  if (problem.table.ownedByImport) return ' Create the import tables with src/visma-business/ddl/sqlserver-import.sql.';
  const nameVerified = 'column' in problem ? problem.table.verified && problem.column.verified : problem.table.verified;
  return nameVerified
    ? ''
    : ' The name is not verified against Visma Business: if the table or column has another name there, set it ' +
        'in the schema names file.';
}

function expectation(column: ColumnSpec): string {
  switch (column.kind) {
    case 'integer':
      return {
        smallint: 'an integer type (smallint, int or bigint)',
        int: 'an integer type of at least int (int or bigint)',
        bigint: 'bigint',
      }[column.integerWidth ?? 'int'];
    case 'decimal':
      return column.minScale === undefined
        ? 'a decimal type'
        : `a decimal type with at least ${column.minScale} decimals`;
    default:
      return column.minLength === undefined
        ? `a ${column.kind} type`
        : `a ${column.kind} type of at least ${column.minLength} characters`;
  }
}
