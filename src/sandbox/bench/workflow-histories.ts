import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** Fetches the history of every run of a workflow, from its first run through each continue-as-new. */
export async function fetchRunHistories(client: Client, workflowId: string): Promise<History[]> {
  const description = await client.workflow.getHandle(workflowId).describe();
  let runId: string | undefined = description.raw.workflowExecutionInfo?.firstRunId ?? description.runId;
  const histories: History[] = [];
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return histories;
}

/** Returns the events of every run, in order. */
export function allEvents(histories: readonly History[]): temporal.api.history.v1.IHistoryEvent[] {
  return histories.flatMap((history) => history.events ?? []);
}
