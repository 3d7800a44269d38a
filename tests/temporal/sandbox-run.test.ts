import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSandbox } from '../../src/sandbox/demo/sandbox-run';

// The one-command sandbox with --once, on a small data set: it must end with every invoice as seeded and
// consistent figures.

describe('sandbox run', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-import-sandbox-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('once ends consistent', async () => {
    const lines: string[] = [];
    const code = await runSandbox({
      dir,
      invoices: 12,
      seed: 5,
      uiPort: 0,
      once: true,
      timeoutMinutes: 5,
      print: (line) => lines.push(line),
      installRuntime: false,
    });

    const output = lines.join('\n');
    expect(output).toContain('Temporal Web UI:      http://127.0.0.1:');
    expect(output).toMatch(/12 invoices: 11 paid, 1 need attention, 0 inconsistent/);
    expect(output).toContain('All figures are consistent.');
    expect(code).toBe(0);
  });
});
