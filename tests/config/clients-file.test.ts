import path from 'node:path';
import { ConfigError, loadClientsFile, parseClientsFile } from '../../src/config/load-config';

const EXAMPLE = path.join(__dirname, '..', '..', 'deploy', 'clients.example.yaml');

function validClient(overrides: Record<string, unknown> = {}) {
  return {
    key: 'acme',
    projectManagement: { baseUrl: 'https://pm.example', clientId: 'id', clientSecretEnv: 'ACME_PM_SECRET' },
    vismaBusiness: { engine: 'mssql', connectionStringEnv: 'ACME_VB' },
    voucherSeries: { first: 1, last: 10 },
    ...overrides,
  };
}

describe('clients file', () => {
  test('README example is valid', () => {
    const file = loadClientsFile(EXAMPLE);
    expect(file.clients.map((client) => client.key)).toEqual(['fjelltopp']);
    expect(file.clients[0].vismaBusiness.engine).toBe('mssql');
  });

  test('defaults fill optional fields', () => {
    const file = parseClientsFile({ clients: [validClient()] }, 'test');
    expect(file.temporal.taskQueue).toBe('journal-import');
    expect(file.clients[0].automation.statusWriteBack).toEqual({ Sent: true, Open: true, Paid: true });
    expect(file.clients[0].polling.syncIntervalSeconds).toBe(300);
  });

  test.each([
    [
      'inline secret',
      { projectManagement: { baseUrl: 'https://pm.example', clientId: 'id', clientSecretEnv: 's3cr et!' } },
      'projectManagement.clientSecretEnv',
    ],
    ['reversed series', { voucherSeries: { first: 10, last: 1 } }, 'voucherSeries'],
    ['unknown engine', { vismaBusiness: { engine: 'oracle', connectionStringEnv: 'X' } }, 'vismaBusiness'],
    [
      'bad base URL',
      { projectManagement: { baseUrl: 'not a url', clientId: 'id', clientSecretEnv: 'X' } },
      'projectManagement.baseUrl',
    ],
    ['unknown field', { pollingg: {} }, '(entry)'],
  ])('rejects %s naming client and field', (_name, overrides, field) => {
    let message = '';
    try {
      parseClientsFile({ clients: [validClient(overrides)] }, 'clients.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('client "acme"');
    expect(message).toContain(field);
  });

  test('inline secret is not echoed', () => {
    let message = '';
    try {
      parseClientsFile(
        {
          clients: [
            validClient({
              projectManagement: { baseUrl: 'https://pm.example', clientId: 'id', clientSecretEnv: 'hunter2-secret!' },
            }),
          ],
        },
        'clients.yaml',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('hunter2-secret!');
    expect(message).toContain('environment variable');
  });

  test('duplicate keys rejected', () => {
    expect(() => parseClientsFile({ clients: [validClient(), validClient()] }, 'clients.yaml')).toThrow(
      /duplicate client key/,
    );
  });
});
