import { ProjectManagementSettingsSchema } from '../../src/config/clients-file';
import type { PmSimulator } from '../../src/sandbox/pm-simulator';
import { clientOf, startTestSimulator } from '../harness/pm-simulator';

describe('PM client settings from clients file', () => {
  let simulator: PmSimulator;

  afterEach(async () => {
    await simulator.stop();
  });

  const settingsOf = (fields: Record<string, unknown>) =>
    ProjectManagementSettingsSchema.parse({
      baseUrl: simulator.url,
      clientId: 'test-client',
      clientSecretEnv: 'PM_SECRET',
      ...fields,
    });

  test('absent patch path uses default', async () => {
    simulator = await startTestSimulator({ invoices: 3, seed: 2 });
    const settings = settingsOf({});
    const { client } = clientOf(simulator, { statusPatchPath: settings.statusPatchPath });
    const paid = simulator.state.statusWithFlags({ isSent: true, isPaid: true });
    const guid = simulator.state.invoiceByNumber(10002)!.guid;

    const updated = await client.changeInvoiceStatus(guid, paid.guid);

    expect(settings.statusPatchPath).toBeUndefined();
    expect(updated.status?.guid).toBe(paid.guid);
  });

  test('configured patch path is sent', async () => {
    simulator = await startTestSimulator({ invoices: 3, seed: 2, statusPatchPath: '/statusGuid' });
    const settings = settingsOf({ statusPatchPath: '/statusGuid' });
    const { client } = clientOf(simulator, { statusPatchPath: settings.statusPatchPath });
    const paid = simulator.state.statusWithFlags({ isSent: true, isPaid: true });
    const guid = simulator.state.invoiceByNumber(10002)!.guid;

    const updated = await client.changeInvoiceStatus(guid, paid.guid);

    expect(settings.statusPatchPath).toBe('/statusGuid');
    expect(updated.status?.guid).toBe(paid.guid);
  });
});
