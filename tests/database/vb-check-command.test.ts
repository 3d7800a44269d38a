import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxDatabase } from '../../src/sandbox/vb-sandbox-database';
import { renderSqlServerSeedScript } from '../../src/sandbox/vb-seed';
import { compareCatalogue } from '../../src/visma-business/catalogue-check';
import { readDdlScript } from '../../src/visma-business/ddl';
import { resolveSchema } from '../../src/visma-business/schema-names';
import { SqliteExecutor } from '../../src/visma-business/sqlite-executor';

const REPOSITORY_ROOT = join(__dirname, '..', '..');

function runCli(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['bin/journal-import.js', ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function alter(file: string, statement: string): Promise<void> {
  const executor = new SqliteExecutor(file);
  try {
    await executor.execute(statement);
  } finally {
    await executor.close();
  }
}

/** Recreates `table` with the column definitions of its CREATE statement replaced, keeping no rows. */
async function retype(file: string, table: string, replacements: Array<[string, string]>): Promise<void> {
  const executor = new SqliteExecutor(file);
  try {
    const [{ sql }] = await executor.query<{ sql: string }>('SELECT sql FROM sqlite_schema WHERE name = @table', {
      table,
    });
    const changed = replacements.reduce((statement, [from, to]) => statement.replace(from, to), sql);
    await executor.execute(`DROP TABLE ${table}`);
    await executor.execute(changed);
  } finally {
    await executor.close();
  }
}

describe('vb check command', () => {
  let directory: string;
  let sandbox: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vb-check-'));
    sandbox = await createSandboxDatabase(join(directory, 'vb.sqlite'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('sandbox database passes', () => {
    const { status, output } = runCli('vb', 'check', '--sqlite', sandbox);

    expect(status).toBe(0);
    expect(output).toContain('columns the import needs are there');
  });

  test('dropped column is named', async () => {
    const copy = join(directory, 'dropped-column.sqlite');
    copyFileSync(sandbox, copy);
    await alter(copy, 'ALTER TABLE WaVo DROP COLUMN CID');

    const { status, output } = runCli('vb', 'check', '--sqlite', copy);

    expect(status).not.toBe(0);
    expect(output).toContain('Missing column WaVo.CID');
  });

  test('renamed column passes with override', async () => {
    const copy = join(directory, 'renamed-column.sqlite');
    copyFileSync(sandbox, copy);
    await alter(copy, 'ALTER TABLE CustOpen RENAME COLUMN RestAm TO RestAmount');
    const namesFile = join(directory, 'names.json');
    writeFileSync(namesFile, JSON.stringify({ openEntry: { restAmount: 'RestAmount' } }));

    const withoutOverride = runCli('vb', 'check', '--sqlite', copy);
    const withOverride = runCli('vb', 'check', '--sqlite', copy, '--names', namesFile);

    expect(withoutOverride.status).not.toBe(0);
    expect(withoutOverride.output).toContain('Missing column CustOpen.RestAm:');
    expect(withOverride.status).toBe(0);
  });

  test('wrong types and indexes are named', async () => {
    const copy = join(directory, 'wrong-types.sqlite');
    copyFileSync(sandbox, copy);
    await retype(copy, 'WaVo', [
      [' Am DECIMAL(28, 6)', ' Am DECIMAL(10,0)'],
      ['VoNo INTEGER', 'VoNo TINYINT'],
    ]);
    await retype(copy, 'CustOpen', [['PdSt INTEGER', 'PdSt POINT']]);
    await retype(copy, 'CustTr', [['CID NVARCHAR(30)', 'CID']]);
    await alter(copy, 'DROP INDEX JiVoucherKey_VoNo');

    const { status, output } = runCli('vb', 'check', '--sqlite', copy);

    expect(status).not.toBe(0);
    expect(output).toContain('Column WaVo.Am is DECIMAL(10,0) with 0 decimals: expected at least 2');
    expect(output).toContain('Column WaVo.VoNo is TINYINT, too narrow for its values');
    expect(output).toContain('Unexpected type of column CustOpen.PdSt: found POINT');
    expect(output).toContain('Unexpected type of column CustTr.CID: found (no declared type)');
    expect(output).toContain('Missing unique index on JiVoucherKey (VoNo)');
  });

  test('missing database file fails', () => {
    const { status, output } = runCli('vb', 'check', '--sqlite', join(directory, 'absent.sqlite'));

    expect(status).not.toBe(0);
    expect(output).toContain('does not exist');
  });

  test('unexpected type is reported', () => {
    const schema = resolveSchema();
    const catalogue = Object.values(schema).flatMap((table) =>
      Object.values(table.columns).map((column) => ({
        tableName: table.name.toUpperCase(),
        columnName: column.name,
        dataType:
          column.kind === 'integer'
            ? (column.integerWidth ?? 'int')
            : column.kind === 'decimal'
              ? 'decimal'
              : column.kind === 'text'
                ? 'nvarchar'
                : 'varbinary',
        maxLength: column.kind === 'text' ? 255 : null,
        numericScale: column.kind === 'decimal' ? 6 : null,
      })),
    );
    const amount = catalogue.find((entry) => entry.tableName === 'WAVO' && entry.columnName === 'Am');
    if (amount) amount.dataType = 'float';

    const { problems } = compareCatalogue(schema, catalogue);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'unexpected-type', foundType: 'float' });
  });

  test('committed SQL Server seed is current', () => {
    expect(readDdlScript('sqlserver-seed.sql')).toBe(renderSqlServerSeedScript());
  });

  test('SQL Server DDL creates every needed table', () => {
    const script = `${readDdlScript('sqlserver.sql')}\n${readDdlScript('sqlserver-import.sql')}`;
    const created = [...script.matchAll(/CREATE TABLE dbo\.(\w+)/g)].map((match) => match[1]);

    expect(created.sort()).toEqual(
      Object.values(resolveSchema())
        .map((table) => table.name)
        .sort(),
    );
  });
});
