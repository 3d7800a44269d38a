import { describeRepositorySuite } from './vb-repository-suite';
import { describeSweepSuite } from './vb-sweep-suite';
import { prepareSqliteDatabase } from './vb-test-database';

describeRepositorySuite('SQLite', prepareSqliteDatabase);
describeSweepSuite('SQLite', prepareSqliteDatabase);
