import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

/** Path of the command line's entry point, which `journal-import worker` runs through. */
const CLI = path.join(__dirname, '..', '..', '..', 'bin', 'journal-import.js');

/** A JSON log record of the worker, as `createJsonLogger` writes it. */
export type WorkerLogRecord = Record<string, unknown> & { message?: string; level?: string };

/** Options of {@link WorkerSupervisor}. */
export interface WorkerSupervisorOptions {
  /** Clients file the worker runs with. */
  configFile: string;
  /** Environment of every worker process, with the secrets the clients file names. */
  env: NodeJS.ProcessEnv;
  /** File that receives every line the worker writes. */
  logFile: string;
  /** Called for every JSON record the worker logs. */
  onRecord?: (record: WorkerLogRecord) => void;
  /** Called when a worker that was not stopped on purpose exits, with its exit code or signal. */
  onUnexpectedExit?: (how: string) => void;
}

/** Outcome of {@link WorkerSupervisor.killDuring}. */
export interface KillOutcome {
  /** Activity type that had started when the kill was sent. */
  activityType: string;
  workflowId: string;
  /** True when the activity had not logged its completion before the process died. */
  hitRunningActivity: boolean;
}

/** Default time a worker gets to start, bundle its workflows and poll, in milliseconds. */
const START_TIMEOUT_MS = 180_000;

/**
 * Runs `journal-import worker` as a child process, restarts it, and kills it with SIGKILL while a chosen activity
 * runs. The worker must log at DEBUG level, because the SDK logs "Activity started" and "Activity completed" there.
 */
export class WorkerSupervisor {
  private child: ChildProcess | null = null;
  private readyChild: ChildProcess | null = null;
  private expectingExit = false;
  private readonly log: WriteStream;
  /** Activity attempts that logged their start, by `workflowId|activityId|attempt`, and whether they finished. */
  private readonly attempts = new Map<string, { activityType: string; workflowId: string; finished: boolean }>();
  private readonly startedListeners = new Set<(record: WorkerLogRecord) => void>();
  private generation = 0;

  constructor(private readonly options: WorkerSupervisorOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  /** True while a worker process runs and has logged that it started, so that it polls for tasks. */
  get ready(): boolean {
    return this.running && this.readyChild === this.child;
  }

  /** True while a worker process runs. */
  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts a worker with `extraEnv` added to the environment and waits until it logs "worker started". */
  async start(extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
    if (this.running) throw new Error('A worker process is running already.');
    this.generation++;
    this.expectingExit = false;
    const child = spawn(process.execPath, [CLI, 'worker', '--config', this.options.configFile], {
      env: { ...this.options.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.log.write(`--- worker ${this.generation} started, pid ${child.pid}\n`);

    let starting = true;
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const record = parseRecord(line);
        if (!record) continue;
        if (record.message === 'worker started') {
          this.readyChild = child;
          ready();
        }
        this.track(record);
        this.options.onRecord?.(record);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => this.log.write(chunk));

    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => {
        this.log.write(`--- worker ${this.generation} exited with ${signal ?? `code ${code}`}\n`);
        if (!this.expectingExit && !starting) this.options.onUnexpectedExit?.(signal ?? `code ${code}`);
        resolve(signal ?? `code ${code}`);
      }),
    );
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), START_TIMEOUT_MS).unref());
    const outcome = await Promise.race([started.then(() => 'started' as const), exited, timeout]);
    starting = false;
    if (outcome === 'started') return;
    if (outcome === 'timeout') await this.stop('SIGKILL');
    throw new Error(`The worker did not start: ${outcome === 'timeout' ? 'no "worker started" in time' : outcome}.`);
  }

  /**
   * Waits until an activity of type `activityType` starts, kills the worker with SIGKILL at once, and waits for it
   * to exit. Resolves to null when no such activity starts within `timeoutMs`.
   */
  async killDuring(activityType: string, timeoutMs: number): Promise<KillOutcome | null> {
    const child = this.child;
    if (!child || !this.running) throw new Error('No worker process runs.');

    const record = await new Promise<WorkerLogRecord | null>((resolve) => {
      const listener = (started: WorkerLogRecord) => {
        if (started.activityType !== activityType) return;
        this.expectingExit = true;
        child.kill('SIGKILL');
        finish(started);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      const finish = (value: WorkerLogRecord | null) => {
        clearTimeout(timer);
        this.startedListeners.delete(listener);
        resolve(value);
      };
      this.startedListeners.add(listener);
    });
    if (!record) return null;

    await waitForExit(child);
    const attempt = this.attempts.get(attemptKey(record));
    return {
      activityType,
      workflowId: String(record.workflowId),
      hitRunningActivity: attempt !== undefined && !attempt.finished,
    };
  }

  /** Stops the worker: SIGTERM lets it finish running activities, SIGKILL ends it at once. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    await waitForExit(child);
    clearTimeout(timer);
  }

  /** Stops the worker and closes the log file. */
  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private track(record: WorkerLogRecord): void {
    if (typeof record.activityType !== 'string' || record.workflowId === undefined) return;
    const key = attemptKey(record);
    if (record.message === 'Activity started') {
      this.attempts.set(key, {
        activityType: record.activityType,
        workflowId: String(record.workflowId),
        finished: false,
      });
      for (const listener of [...this.startedListeners]) listener(record);
    } else if (typeof record.message === 'string' && record.message.startsWith('Activity ')) {
      const attempt = this.attempts.get(key);
      if (attempt) attempt.finished = true;
    }
  }
}

function attemptKey(record: WorkerLogRecord): string {
  return `${String(record.workflowId)}|${String(record.activityId)}|${String(record.attempt)}`;
}

function parseRecord(line: string): WorkerLogRecord | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as WorkerLogRecord) : null;
  } catch {
    return null;
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
