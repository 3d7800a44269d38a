import { describeRepositorySuite } from './vb-repository-suite';
import { prepareSqliteDatabase } from './vb-test-database';

describeRepositorySuite('SQLite', prepareSqliteDatabase);
