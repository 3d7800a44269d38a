import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

// Histories recorded from real runs (see invoice-lifecycle.test.ts) replayed through the current workflow code.
// A change that would break a running workflow fails here; such a change needs the patching API.

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');

describe('workflow replay', () => {
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.binpb'));

  test('recorded histories exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  test.each(files)('replays %s', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES, file)));
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../src/workflows') },
      history,
      `replay-${path.basename(file, '.binpb')}`,
    );
  });
});
