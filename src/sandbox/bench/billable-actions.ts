import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** Marker name that the SDK core gives local activity results. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** Search attribute that versioning writes; Temporal Cloud does not bill its upserts. */
const CHANGE_VERSION_ATTRIBUTE = 'TemporalChangeVersion';

/** Billable actions of workflow histories, in total and by kind. */
export interface BillableActions {
  total: number;
  byKind: Record<string, number>;
}

/**
 * Counts the billable actions that a workflow history shows, by the definitions of "Temporal Cloud Actions" in the
 * Temporal documentation (docs.temporal.io/cloud/actions, as read in 2026):
 * - workflow started, also by continue-as-new, counted on the new run's WorkflowExecutionStarted: 1;
 * - activity scheduled: 1, and each retry: 1, from the `attempt` of ActivityTaskStarted;
 * - timer started, including the timer of `condition` with a timeout: 1;
 * - signal received: 1;
 * - search attributes upserted: 1 per command, however many attributes, except one that sets only
 *   TemporalChangeVersion; the attributes given at start are free;
 * - child workflow start initiated: 2;
 * - update accepted: 1;
 * - local activities: 1 per workflow task that recorded any;
 * - workflow execution options updated, Nexus operation scheduled or cancelled: 1 each.
 * Billable but absent from histories, so not counted: queries (1 each, including the call stack view of the UI),
 * activity heartbeats that reach the server (the SDK throttles them to 80 % of the heartbeat timeout), rejected
 * updates, and schedules. Patch markers (`patched`) are not local activities and count nothing.
 */
export function countBillableActions(events: readonly HistoryEvent[]): BillableActions {
  const byKind: Record<string, number> = {};
  const add = (kind: string, count = 1) => {
    if (count > 0) byKind[kind] = (byKind[kind] ?? 0) + count;
  };
  const tasksWithLocalActivities = new Set<string>();

  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        add('workflow started');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add('activity scheduled');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add('activity retried', (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        add('timer started');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        add('signal received');
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(
          event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
        );
        if (fields.some((name) => name !== CHANGE_VERSION_ATTRIBUTE)) add('search attributes upserted');
        break;
      }
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add('child workflow started', 2);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add('update accepted');
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        const marker = event.markerRecordedEventAttributes;
        if (marker?.markerName === LOCAL_ACTIVITY_MARKER) {
          tasksWithLocalActivities.add(String(marker.workflowTaskCompletedEventId ?? event.eventId));
        }
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        add('workflow options updated');
        break;
      case EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:
      case EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED:
        add('Nexus operation');
        break;
    }
  }
  add('local activities', tasksWithLocalActivities.size);
  return { total: Object.values(byKind).reduce((sum, count) => sum + count, 0), byKind };
}

/** Adds counts of several histories together. */
export function sumBillableActions(counts: readonly BillableActions[]): BillableActions {
  const byKind: Record<string, number> = {};
  for (const count of counts) {
    for (const [kind, value] of Object.entries(count.byKind)) byKind[kind] = (byKind[kind] ?? 0) + value;
  }
  return { total: counts.reduce((sum, count) => sum + count.total, 0), byKind };
}
