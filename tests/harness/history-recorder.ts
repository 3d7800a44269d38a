import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Folder of the histories that the replay test replays through the current workflow code. */
export const HISTORIES_FOLDER = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With JOURNAL_IMPORT_RECORD_HISTORIES=1, writes a run's history to `<name>.binpb` for the replay test, which proves
 * that a change of the workflow code still replays the workflows that are running. Does nothing otherwise.
 */
export async function recordHistory(client: Client, workflowId: string, runId: string | undefined, name: string) {
  if (process.env.JOURNAL_IMPORT_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  // Binary protobuf, because the JSON form needs protobufjs type checks that fail inside Jest's module registry.
  const bytes = temporal.api.history.v1.History.encode(history!).finish();
  writeFileSync(path.join(HISTORIES_FOLDER, `${name}.binpb`), bytes);
}
