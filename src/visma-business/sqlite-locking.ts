import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { renameSync, rmdirSync, statSync, utimesSync } from 'node:fs';

/**
 * Locking helpers for node-sqlite3-wasm 0.8. Its file system layer locks a database by creating the directory
 * `<file>.lock` with mkdir, for any lock level, and removes it when the connection drops its last lock. A second
 * connection, in this process or another, gets SQLITE_BUSY at once while the directory exists: there is no busy
 * timeout and no shared reading. A process that is killed while it holds the lock leaves the directory behind.
 */

/** Returns the path of the lock directory that node-sqlite3-wasm creates for `databaseFile`. */
export function lockDirectoryOf(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

/** Tells whether `error` is SQLITE_BUSY, which node-sqlite3-wasm reports only through its message. */
export function isBusyError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('database is locked');
}

/**
 * Removes the lock directory of `databaseFile` when it is older than `staleAfterMs`. Returns true when it removed it.
 * The next connection then rolls back the hot journal that the killed process left.
 *
 * NOTE: a live process that holds the lock longer than `staleAfterMs` without refreshing it would lose it, and two
 * writers could then corrupt the file. Transactions of `SqliteExecutor` refresh the directory's time while they run,
 * so only a single statement that runs longer than the bound is at risk. Renaming before removing keeps two
 * breakers from removing each other's fresh lock, except in the moment between `stat` and `rename`.
 */
export function breakStaleLock(databaseFile: string, staleAfterMs: number, now = Date.now()): boolean {
  const lockDirectory = lockDirectoryOf(databaseFile);
  let ageMs: number;
  try {
    ageMs = now - statSync(lockDirectory).mtimeMs;
  } catch {
    return false;
  }
  if (ageMs < staleAfterMs) return false;

  const doomed = `${lockDirectory}.stale-${process.pid}-${randomUUID()}`;
  try {
    renameSync(lockDirectory, doomed);
  } catch {
    return false;
  }
  try {
    rmdirSync(doomed);
  } catch {
    // An empty renamed directory left behind blocks no one.
  }
  return true;
}

/** Sets the time of the lock directory of `databaseFile` to now, so that other processes do not take it as stale. */
export function refreshLock(databaseFile: string): void {
  const now = new Date();
  try {
    utimesSync(lockDirectoryOf(databaseFile), now, now);
  } catch {
    // The lock is gone, so there is nothing to refresh.
  }
}

const ownedMutexes = new AsyncLocalStorage<ReadonlySet<AsyncMutex>>();

/** A first-come first-served lock for async work that can report whether the current async context owns it. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Tells whether the calling async context runs inside `runExclusive` of this mutex. */
  isHeldByCurrentContext(): boolean {
    return ownedMutexes.getStore()?.has(this) ?? false;
  }

  /** Runs `fn` once every earlier caller has finished, and keeps later callers waiting until it settles. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;

    const owned = new Set(ownedMutexes.getStore() ?? []);
    owned.add(this);
    try {
      return await ownedMutexes.run(owned, fn);
    } finally {
      release();
    }
  }
}

const mutexesByFile = new Map<string, AsyncMutex>();

/** Returns the one mutex of this process for the database file at the absolute path `databaseFile`. */
export function mutexForFile(databaseFile: string): AsyncMutex {
  let mutex = mutexesByFile.get(databaseFile);
  if (!mutex) {
    mutex = new AsyncMutex();
    mutexesByFile.set(databaseFile, mutex);
  }
  return mutex;
}
