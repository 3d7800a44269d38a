/**
 * Returns the workflow time in epoch milliseconds. Inside the workflow sandbox `Date` is the time of the current
 * workflow task, the same on every replay, so this is deterministic.
 */
export function workflowTimeMs(): number {
  return new Date().getTime();
}

/** Returns the workflow time as ISO 8601. */
export function workflowTimeIso(): string {
  return new Date(workflowTimeMs()).toISOString();
}
