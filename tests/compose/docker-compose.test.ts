import type { Command } from 'commander';
import sql from 'mssql';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildProgram } from '../../src/cli';
import type { ClientsFile } from '../../src/config/clients-file';
import { loadClientsFile } from '../../src/config/load-config';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { SANDBOX_CLIENT_ID } from '../../src/sandbox/pm-simulator';
import { SEED_COMPANY } from '../../src/sandbox/seed-catalogue';
import {
  commandWords,
  dependencyConditions,
  interpolate,
  loadComposeFile,
  optionValue,
  PROJECT_ROOT,
  readEnvExample,
  shellScript,
  variablesIn,
  type ComposeService,
} from './compose-file';

// No Docker engine runs where the tests run, so these tests read docker-compose.yml and the files it names, and
// check them against the code they must agree with.

const compose = loadComposeFile();
const services = compose.services;
const envExample = readEnvExample();

const SERVICE_NAMES = [
  'postgresql',
  'temporal',
  'temporal-search-attributes',
  'temporal-ui',
  'sqlserver',
  'sqlserver-init',
  'pm-simulator',
  'worker',
];

/** Returns a service, failing the test with its name when docker-compose.yml lacks it. */
function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** Returns every string in a parsed YAML value, depth first. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Returns the tag of an image reference, or undefined when it has none. */
function imageTag(image: string): string | undefined {
  const lastPart = image.split('/').pop() ?? image;
  return lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
}

/** Returns the command of the real command line at the given path of names, such as `simulator pm`. */
function cliCommand(...names: string[]): Command {
  let command: Command | undefined = buildProgram();
  for (const name of names) command = command?.commands.find((child) => child.name() === name);
  if (!command) throw new Error(`journal-import has no command ${names.join(' ')}`);
  return command;
}

/** Returns the `--options` of a command line that the command does not define. */
function unknownOptions(words: string[], command: Command): string[] {
  const known = new Set(command.options.map((option) => option.long));
  return words.filter((word) => word.startsWith('--') && !known.has(word));
}

describe('compose services', () => {
  test.each(SERVICE_NAMES)('%s service is defined', (name) => {
    expect(Object.keys(services)).toContain(name);
  });

  test('no unexpected services', () => {
    expect(Object.keys(services).filter((name) => !SERVICE_NAMES.includes(name))).toEqual([]);
  });

  test('databases use named volumes', () => {
    expect(service('postgresql').volumes).toContain('postgresql-data:/var/lib/postgresql/data');
    expect(service('sqlserver').volumes).toContain('sqlserver-data:/var/opt/mssql');
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['postgresql-data', 'sqlserver-data']);
  });
});

describe('compose images', () => {
  const images = Object.values(services).flatMap((entry) => (entry.image ? [entry.image] : []));

  test.each([
    ['postgresql', /^postgres:\d+\.\d+$/],
    ['temporal', /^temporalio\/auto-setup:\d+\.\d+\.\d+$/],
    ['temporal-search-attributes', /^temporalio\/admin-tools:\d+\.\d+\.\d+-tctl-\d+\.\d+\.\d+-cli-\d+\.\d+\.\d+$/],
    ['temporal-ui', /^temporalio\/ui:\d+\.\d+\.\d+$/],
    ['sqlserver', /^mcr\.microsoft\.com\/mssql\/server:2022-CU\d+-ubuntu-\d+\.\d+$/],
    ['sqlserver-init', /^mcr\.microsoft\.com\/mssql\/server:2022-CU\d+-ubuntu-\d+\.\d+$/],
  ])('%s image is pinned', (name, pattern) => {
    expect(service(name).image).toMatch(pattern);
  });

  test('every image has a tag', () => {
    expect(images.filter((image) => imageTag(image) === undefined)).toEqual([]);
  });

  test('no image uses latest', () => {
    expect(images.filter((image) => /latest/.test(imageTag(image) ?? ''))).toEqual([]);
  });

  test('admin tools match server version', () => {
    const serverVersion = imageTag(service('temporal').image ?? '');

    expect(imageTag(service('temporal-search-attributes').image ?? '')).toMatch(new RegExp(`^${serverVersion}-`));
  });

  test('SQL Server init uses server image', () => {
    expect(service('sqlserver-init').image).toBe(service('sqlserver').image);
  });

  test.each(['pm-simulator', 'worker'])('%s builds the repository', (name) => {
    const build = service(name).build;

    expect(typeof build === 'string' ? build : build?.context).toBe('.');
    expect(service(name).image).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const dockerignore = readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n');

  test('base image is pinned Node 20', () => {
    expect(dockerfile).toMatch(/^FROM node:20\.\d+\.\d+(-[a-z]+)*$/m);
  });

  test('dependencies come from the lockfile', () => {
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
  });

  test('entrypoint runs the command line', () => {
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/journal-import.js"]');
  });

  test.each(['node_modules', '.env', '.git'])('context leaves out %s', (entry) => {
    expect(dockerignore).toContain(entry);
  });
});

describe('compose host ports', () => {
  test('only four ports are published', () => {
    const published = Object.fromEntries(
      Object.entries(services)
        .filter(([, entry]) => (entry.ports ?? []).length > 0)
        .map(([name, entry]) => [name, entry.ports]),
    );

    expect(published).toEqual({
      temporal: ['127.0.0.1:7233:7233'],
      'temporal-ui': ['127.0.0.1:8080:8080'],
      sqlserver: ['127.0.0.1:1433:1433'],
      'pm-simulator': ['127.0.0.1:8081:8081'],
    });
  });

  test('every port binds the loopback', () => {
    const ports = Object.values(services).flatMap((entry) => entry.ports ?? []);

    expect(ports.filter((port) => !/^127\.0\.0\.1:\d+:\d+$/.test(port))).toEqual([]);
  });
});

describe('compose start order', () => {
  test.each([
    ['temporal', 'postgresql', 'service_healthy'],
    ['temporal-search-attributes', 'temporal', 'service_healthy'],
    ['temporal-ui', 'temporal', 'service_healthy'],
    ['sqlserver-init', 'sqlserver', 'service_healthy'],
    ['worker', 'temporal', 'service_healthy'],
    ['worker', 'temporal-search-attributes', 'service_completed_successfully'],
    ['worker', 'sqlserver-init', 'service_completed_successfully'],
    ['worker', 'pm-simulator', 'service_healthy'],
  ])('%s waits for %s (%s)', (name, dependency, condition) => {
    expect(dependencyConditions(service(name))[dependency]).toBe(condition);
  });

  test('every dependency has a condition', () => {
    const bare = Object.entries(services).flatMap(([name, entry]) =>
      Object.entries(dependencyConditions(entry))
        .filter(([, condition]) => condition === undefined)
        .map(([dependency]) => `${name} -> ${dependency}`),
    );

    expect(bare).toEqual([]);
  });

  test('healthy conditions have health checks', () => {
    const unchecked = Object.values(services).flatMap((entry) =>
      Object.entries(dependencyConditions(entry))
        .filter(([dependency, condition]) => condition === 'service_healthy' && !services[dependency]?.healthcheck)
        .map(([dependency]) => dependency),
    );

    expect(unchecked).toEqual([]);
  });

  test('one-off services never restart', () => {
    const restarting = Object.values(services).flatMap((entry) =>
      Object.entries(dependencyConditions(entry))
        .filter(
          ([dependency, condition]) =>
            condition === 'service_completed_successfully' && services[dependency]?.restart !== 'no',
        )
        .map(([dependency]) => dependency),
    );

    expect(restarting).toEqual([]);
  });

  test('worker starts after the rest', () => {
    const waitedFor = new Set<string>();
    const pending = ['worker'];
    while (pending.length > 0) {
      for (const dependency of Object.keys(dependencyConditions(service(pending.pop()!)))) {
        if (!waitedFor.has(dependency)) pending.push(dependency);
        waitedFor.add(dependency);
      }
    }

    expect([...waitedFor].sort()).toEqual(
      SERVICE_NAMES.filter((name) => name !== 'worker' && name !== 'temporal-ui').sort(),
    );
  });
});

describe('compose health checks', () => {
  test.each([
    ['postgresql', 'pg_isready'],
    ['temporal', 'temporal operator cluster health'],
    ['sqlserver', '/opt/mssql-tools18/bin/sqlcmd'],
    ['pm-simulator', 'http://127.0.0.1:8081/'],
  ])('%s health check runs %s', (name, expected) => {
    expect(stringsIn(service(name).healthcheck?.test).join(' ')).toContain(expected);
  });

  test.each(['postgresql', 'temporal', 'sqlserver', 'pm-simulator'])('%s health check form', (name) => {
    const check = service(name).healthcheck?.test;

    expect(Array.isArray(check) ? check[0] : undefined).toMatch(/^CMD(-SHELL)?$/);
  });
});

describe('compose environment', () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const stackSection = readme.split('## Production-shaped stack (docker-compose)')[1]?.split('\n## ')[0] ?? '';
  const composeVariables = [...new Set(stringsIn(compose).flatMap(variablesIn))];
  const worker = service('worker').environment ?? {};

  test.each(['MSSQL_SA_PASSWORD', 'PM_CLIENT_SECRET', 'VB_CONNECTION_STRING'])('README names %s', (name) => {
    expect(stackSection).toContain(`\`${name}\``);
  });

  test.each(['MSSQL_SA_PASSWORD', 'PM_CLIENT_SECRET', 'TEMPORAL_DB_PASSWORD'])('.env.example sets %s', (name) => {
    expect(envExample[name] ?? '').not.toBe('');
  });

  test('compose variables are in .env.example', () => {
    expect(composeVariables.filter((name) => !(name in envExample))).toEqual([]);
  });

  test('.env.example variables are used', () => {
    expect(Object.keys(envExample).filter((name) => !composeVariables.includes(name))).toEqual([]);
  });

  test('missing variables stop compose', () => {
    const optional = stringsIn(compose)
      .flatMap((value) => [...value.replaceAll('$$', '').matchAll(/\$\{[^}]*\}/g)].map((match) => match[0]))
      .filter((reference) => !/^\$\{[A-Za-z0-9_]+:\?.+\}$/.test(reference));

    expect(optional).toEqual([]);
  });

  test('example SA password meets policy', () => {
    const password = envExample.MSSQL_SA_PASSWORD ?? '';
    const classes = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password));

    expect(password.length).toBeGreaterThanOrEqual(8);
    expect(classes.length).toBeGreaterThanOrEqual(3);
    expect(password).not.toMatch(/[;{}]/);
  });

  test('SQL Server accepts the EULA', () => {
    expect(service('sqlserver').environment?.ACCEPT_EULA).toBe('Y');
  });

  test('SQL Server takes SA password', () => {
    expect(variablesIn(String(service('sqlserver').environment?.MSSQL_SA_PASSWORD))).toEqual(['MSSQL_SA_PASSWORD']);
  });

  test('worker has PM secret', () => {
    expect(variablesIn(String(worker.PM_CLIENT_SECRET))).toEqual(['PM_CLIENT_SECRET']);
  });

  test('simulator accepts worker secret', () => {
    const secret = optionValue(commandWords(service('pm-simulator')), '--client-secret') ?? '';

    expect(variablesIn(secret)).toEqual(['PM_CLIENT_SECRET']);
  });

  describe('VB connection string', () => {
    const parsed = sql.ConnectionPool.parseConnectionString(
      interpolate(String(worker.VB_CONNECTION_STRING), envExample),
    );

    test('server is sqlserver service', () => {
      expect(parsed.server).toBe('sqlserver');
      expect(parsed.port).toBe(1433);
    });

    test('database is F0001', () => {
      expect(parsed.database).toBe('F0001');
    });

    test('login is sa with password', () => {
      expect(parsed.user).toBe('sa');
      expect(parsed.password).toBe(envExample.MSSQL_SA_PASSWORD);
    });

    test('development certificate is trusted', () => {
      expect(parsed.options?.trustServerCertificate).toBe(true);
    });
  });
});

describe('worker clients file', () => {
  const worker = service('worker');
  const configPath = optionValue(commandWords(worker), '--config') ?? '';
  const mount = (worker.volumes ?? []).map((volume) => volume.split(':')).find(([, target]) => target === configPath);
  const hostFile = path.join(PROJECT_ROOT, mount?.[0] ?? 'missing');
  let clientsFile: ClientsFile | undefined;

  test('config path is mounted read-only', () => {
    expect(configPath).toBe('/config/clients.compose.yaml');
    expect(mount?.[0]).toBe('./deploy/clients.compose.yaml');
    expect(mount?.[2]).toBe('ro');
  });

  test('mounted file is in repository', () => {
    expect(existsSync(hostFile)).toBe(true);
  });

  test('admin commands find the file', () => {
    expect(worker.environment?.JOURNAL_IMPORT_CONFIG).toBe(configPath);
  });

  test('clients file passes schema', () => {
    clientsFile = loadClientsFile(hostFile);

    expect(clientsFile.clients).toHaveLength(1);
  });

  describe('settings', () => {
    const config = () => clientsFile ?? loadClientsFile(hostFile);
    const client = () => config().clients[0];

    test('Temporal is the temporal service', () => {
      expect(config().temporal.address).toBe('temporal:7233');
    });

    test('namespace has the search attributes', () => {
      const init = service('temporal-search-attributes').environment ?? {};

      expect(init.TEMPORAL_NAMESPACE).toBe(config().temporal.namespace);
      expect(init.TEMPORAL_ADDRESS).toBe(config().temporal.address);
    });

    test('PM is the simulator service', () => {
      const baseUrl = new URL(client().projectManagement.baseUrl);
      const port = optionValue(commandWords(service('pm-simulator')), '--port');

      expect(baseUrl.hostname).toBe('pm-simulator');
      expect(baseUrl.port).toBe(port);
    });

    test('client id is simulator default', () => {
      expect(client().projectManagement.clientId).toBe(SANDBOX_CLIENT_ID);
      expect(commandWords(service('pm-simulator'))).not.toContain('--client-id');
    });

    test('PM secret is in worker environment', () => {
      expect(Object.keys(worker.environment ?? {})).toContain(client().projectManagement.clientSecretEnv);
    });

    test('VB engine is SQL Server', () => {
      expect(client().vismaBusiness.engine).toBe('mssql');
    });

    test('VB connection string in environment', () => {
      const vismaBusiness = client().vismaBusiness;
      const variable = vismaBusiness.engine === 'mssql' ? vismaBusiness.connectionStringEnv : undefined;

      expect(Object.keys(worker.environment ?? {})).toContain(variable);
    });

    test('voucher series matches seed company', () => {
      expect(client().voucherType).toBe(SEED_COMPANY.invoiceVoucherType);
      expect(client().voucherSeries).toEqual(SEED_COMPANY.invoiceVoucherSeries);
    });
  });
});

describe('compose command lines', () => {
  const simulator = commandWords(service('pm-simulator'));
  const worker = commandWords(service('worker'));

  test('simulator command is simulator pm', () => {
    expect(simulator.slice(0, 2)).toEqual(['simulator', 'pm']);
  });

  test('simulator options exist', () => {
    expect(unknownOptions(simulator, cliCommand('simulator', 'pm'))).toEqual([]);
  });

  test('simulator listens on every interface', () => {
    expect(optionValue(simulator, '--host')).toBe('0.0.0.0');
  });

  test('simulator port is published', () => {
    const port = optionValue(simulator, '--port');

    expect(service('pm-simulator').ports).toContain(`127.0.0.1:${port}:${port}`);
  });

  test('simulator seeds 200 invoices', () => {
    expect(optionValue(simulator, '--invoices')).toBe('200');
    expect(optionValue(simulator, '--seed')).toBe('1');
  });

  test('worker command is worker', () => {
    expect(worker[0]).toBe('worker');
  });

  test('worker options exist', () => {
    expect(unknownOptions(worker, cliCommand('worker'))).toEqual([]);
  });
});

describe('search attribute registration', () => {
  const init = service('temporal-search-attributes');
  const script = shellScript(init);
  const registered = [...script.matchAll(/^\s*register (\S+) (\S+)\s*$/gm)].map((match) => ({
    name: match[1],
    type: match[2],
  }));
  const cliTypes: Record<string, string> = {
    TEXT: 'Text',
    KEYWORD: 'Keyword',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };

  test('runs as a shell script', () => {
    expect(init.entrypoint).toEqual(['/bin/sh', '-c']);
  });

  test('registers exactly the custom attributes', () => {
    expect(registered.map((entry) => entry.name).sort()).toEqual(
      CUSTOM_SEARCH_ATTRIBUTES.map((key) => key.name).sort(),
    );
  });

  test.each(CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, cliTypes[key.type]]))(
    'registers %s as %s',
    (name, type) => {
      expect(registered.find((entry) => entry.name === name)?.type).toBe(type);
    },
  );

  test('register creates with name and type', () => {
    expect(script).toMatch(
      /operator search-attribute create --namespace "\$\$TEMPORAL_NAMESPACE" --name "\$\$1" --type "\$\$2"/,
    );
  });

  test('waits for the namespace first', () => {
    expect(script.indexOf('operator namespace describe')).toBeGreaterThanOrEqual(0);
    expect(script.indexOf('operator namespace describe')).toBeLessThan(script.indexOf('register JournalClient'));
  });
});

describe('SQL Server initialisation', () => {
  const init = service('sqlserver-init');
  const script = shellScript(init);
  const ddlFolder = path.join(PROJECT_ROOT, 'src', 'visma-business', 'ddl');
  const inputLines = script.split('\n').filter((line) => / -i /.test(line));
  const inputFiles = inputLines.map((line) => / -i (\S+)/.exec(line)?.[1]);

  test('mounts DDL folder read-only', () => {
    expect(init.volumes).toContain('./src/visma-business/ddl:/ddl:ro');
  });

  test('runs the three scripts in order', () => {
    expect(inputFiles).toEqual(['/ddl/sqlserver.sql', '/ddl/sqlserver-import.sql', '/ddl/sqlserver-seed.sql']);
  });

  test.each(['sqlserver.sql', 'sqlserver-import.sql', 'sqlserver-seed.sql'])('%s is in repository', (file) => {
    expect(existsSync(path.join(ddlFolder, file))).toBe(true);
  });

  test('every script runs in F0001', () => {
    expect(inputLines.filter((line) => !line.includes('-d F0001'))).toEqual([]);
  });

  test('creates F0001 before the scripts', () => {
    expect(script.indexOf('CREATE DATABASE F0001')).toBeGreaterThanOrEqual(0);
    expect(script.indexOf('CREATE DATABASE F0001')).toBeLessThan(script.indexOf(inputLines[0] ?? 'no script'));
  });

  test('sqlcmd stops at first error', () => {
    expect(script).toMatch(/sqlcmd -S sqlserver .*-b/);
    expect(script).toMatch(/^set -eu$/m);
  });

  test('runs as a bash script', () => {
    expect(init.entrypoint).toEqual(['/bin/bash', '-c']);
  });
});
