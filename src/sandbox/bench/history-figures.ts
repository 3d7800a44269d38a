import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { forEachConcurrently } from '../../activities/concurrency';
import { countBillableActions, sumBillableActions, type BillableActions } from './billable-actions';
import { round } from './measure';
import { allEvents, fetchRunHistories } from './workflow-histories';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** Histories fetched at once from the Temporal server. */
const FETCH_CONCURRENCY = 8;

/** Figures of a set of workflows, from their histories over every run. */
export interface HistoryFigures {
  workflows: number;
  eventsPerWorkflow: number;
  actionsPerWorkflow: number;
  actionsPerWorkflowByKind: Record<string, number>;
  /** Per activity type: how many ran per workflow, mean wait in the task queue and mean run time, in ms. */
  activities: Record<string, { perWorkflow: number; meanQueueMs: number; meanRunMs: number }>;
}

/** Fetches the histories of `workflowIds` and returns their mean events, billable actions and activity times. */
export async function measureHistories(client: Client, workflowIds: readonly string[]): Promise<HistoryFigures> {
  const counts: BillableActions[] = [];
  const timings = new Map<string, { count: number; queueMs: number; runMs: number }>();
  let events = 0;

  await forEachConcurrently(workflowIds, FETCH_CONCURRENCY, async (workflowId) => {
    const runs = await fetchRunHistories(client, workflowId);
    const history = allEvents(runs);
    events += history.length;
    counts.push(countBillableActions(history));
    // Event ids restart at 1 in each run, so activities are matched within their run.
    for (const [type, timing] of runs.flatMap((run) => [...activityTimings(run.events ?? [])])) {
      const total = timings.get(type) ?? { count: 0, queueMs: 0, runMs: 0 };
      timings.set(type, {
        count: total.count + timing.length,
        queueMs: total.queueMs + timing.reduce((sum, entry) => sum + entry.queueMs, 0),
        runMs: total.runMs + timing.reduce((sum, entry) => sum + entry.runMs, 0),
      });
    }
  });

  const workflows = Math.max(1, workflowIds.length);
  const total = sumBillableActions(counts);
  return {
    workflows: workflowIds.length,
    eventsPerWorkflow: round(events / workflows, 2),
    actionsPerWorkflow: round(total.total / workflows, 2),
    actionsPerWorkflowByKind: Object.fromEntries(
      Object.entries(total.byKind).map(([kind, count]) => [kind, round(count / workflows, 2)]),
    ),
    activities: Object.fromEntries(
      [...timings].map(([type, timing]) => [
        type,
        {
          perWorkflow: round(timing.count / workflows, 2),
          meanQueueMs: round(timing.queueMs / Math.max(1, timing.count), 1),
          meanRunMs: round(timing.runMs / Math.max(1, timing.count), 1),
        },
      ]),
    ),
  };
}

/**
 * Returns, per activity type, the time each completed activity waited between being scheduled and its last attempt
 * starting, and the time that attempt ran.
 */
function activityTimings(events: readonly HistoryEvent[]): Map<string, { queueMs: number; runMs: number }[]> {
  const byId = new Map<string, HistoryEvent>();
  for (const event of events) byId.set(String(event.eventId), event);
  const timings = new Map<string, { queueMs: number; runMs: number }[]>();
  for (const event of events) {
    if (event.eventType !== EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) continue;
    const attributes = event.activityTaskCompletedEventAttributes!;
    const scheduled = byId.get(String(attributes.scheduledEventId));
    const started = byId.get(String(attributes.startedEventId));
    const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name;
    if (!scheduled || !started || !type) continue;
    const list = timings.get(type) ?? [];
    list.push({ queueMs: timeOf(started) - timeOf(scheduled), runMs: timeOf(event) - timeOf(started) });
    timings.set(type, list);
  }
  return timings;
}

function timeOf(event: HistoryEvent): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
}
