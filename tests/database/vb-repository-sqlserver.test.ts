import { describeRepositorySuite } from './vb-repository-suite';
import { describeSweepSuite } from './vb-sweep-suite';
import { MSSQL_TEST_CONNECTION_STRING_ENV, prepareSqlServerDatabase } from './vb-test-database';

if (process.env[MSSQL_TEST_CONNECTION_STRING_ENV]) {
  describeRepositorySuite('SQL Server', prepareSqlServerDatabase);
  describeSweepSuite('SQL Server', prepareSqlServerDatabase);
} else {
  const reason = `skipped SQL Server: ${MSSQL_TEST_CONNECTION_STRING_ENV} not set`;
  process.stdout.write(`\n${reason}\n`);
  describe.skip(reason, () => {
    test('VB repository on SQL Server', () => undefined);
  });
}
