import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hasJournalContent, rollBackJournal, type JournalRollback } from './sqlite-journal';

/**
 * Locking helpers for node-sqlite3-wasm 0.8. Its file system layer locks a database by creating the directory
 * `<file>.lock` with mkdir, for any lock level, and removes it when the connection drops its last lock. A second
 * connection, in this process or another, gets SQLITE_BUSY at once while the directory exists: there is no busy
 * timeout and no shared reading. A process that is killed while it holds the lock leaves the directory behind, and
 * its journal, which SQLite does not roll back by itself on this layer (see `sqlite-journal.ts`).
 *
 * A transaction of `SqliteExecutor` marks the lock as its own with the file `<file>.lock-owner-<random>` next to the
 * directory. A transaction whose owner file is gone has lost its lock. A process that takes over a stale lock writes
 * the file `recovering` inside the directory.
 */

const RECOVERY_CLAIM = 'recovering';

/** Returns the path of the lock directory that node-sqlite3-wasm creates for `databaseFile`. */
export function lockDirectoryOf(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

/** Tells whether `error` is SQLITE_BUSY, which node-sqlite3-wasm reports only through its message. */
export function isBusyError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('database is locked');
}

/** Returns how long ago the lock directory of `databaseFile` was created or refreshed, or null when there is none. */
export function lockAgeMs(databaseFile: string, now = Date.now()): number | null {
  const stats = statOrNull(lockDirectoryOf(databaseFile));
  return stats === null ? null : Math.max(0, Math.round(now - stats.mtimeMs));
}

/** Result of taking over a stale lock. */
export interface StaleLockBroken {
  /** The rollback of the journal that the lock's owner left, or null when it left none. */
  rollback: JournalRollback | null;
}

/**
 * Takes over the lock directory of `databaseFile` when it is older than `staleAfterMs`, rolls back the journal that
 * its owner left, and removes the directory. Returns null when the lock is not stale or another process is taking
 * it over. The directory stays in place while the journal is rolled back, so no connection reads the database
 * before its pages are restored. A process that dies while it rolls back leaves its claim, which the next process
 * takes over once it is stale too.
 *
 * NOTE: a live process that holds the lock longer than `staleAfterMs` without refreshing it, because it is paused
 * (SIGSTOP, a debugger, a frozen virtual machine) or runs one statement that long, loses it. Its transaction then
 * fails at its next statement or before COMMIT (see `LockOwnership`), but a statement that was running when it was
 * paused can still write pages into the file when it resumes.
 */
export function breakStaleLock(databaseFile: string, staleAfterMs: number, now = Date.now()): StaleLockBroken | null {
  const lockDirectory = lockDirectoryOf(databaseFile);
  const stale = statOrNull(lockDirectory);
  if (stale === null || now - stale.mtimeMs < staleAfterMs) return null;

  const claim = claimStaleLock(lockDirectory, staleAfterMs, now);
  if (claim === null) return null;
  // The stale directory may have been removed and a live connection's new one created before the claim was written.
  const claimed = statOrNull(lockDirectory);
  if (claimed === null || claimed.ino !== stale.ino || claimed.birthtimeMs !== stale.birthtimeMs) {
    rmSync(claim, { force: true });
    return null;
  }

  removeOwnerFiles(databaseFile);
  const rollback = rollBackJournal(databaseFile);
  removeLockDirectory(lockDirectory);
  return { rollback };
}

/**
 * Rolls back the journal of `databaseFile` when it has one and no connection holds the lock: a process was killed
 * in a transaction and its lock directory was removed without rolling back. Holds the lock directory meanwhile.
 * Returns null when there was nothing to do or another connection holds the lock.
 */
export function rollBackUnlockedJournal(databaseFile: string): JournalRollback | null {
  const lockDirectory = lockDirectoryOf(databaseFile);
  if (!hasJournalContent(databaseFile) || existsSync(lockDirectory)) return null;
  try {
    mkdirSync(lockDirectory);
  } catch {
    return null;
  }
  // On failure the directory stays, so that no connection reads a half restored file before it is stale.
  removeOwnerFiles(databaseFile);
  const rollback = rollBackJournal(databaseFile);
  rmdirSync(lockDirectory);
  return rollback;
}

/** Removes the lock directory of `databaseFile` and the owner files of its transactions, whoever left them. */
export function removeLockFiles(databaseFile: string): void {
  rmSync(lockDirectoryOf(databaseFile), { recursive: true, force: true });
  removeOwnerFiles(databaseFile);
}

/**
 * A transaction's proof that it still holds the lock directory it created: a file with a random name next to it.
 * The file is not inside the directory, because node-sqlite3-wasm removes the directory with rmdir, which fails on
 * a directory that is not empty. A process that takes over the lock as stale deletes the file, so the owner finds
 * out when it looks next.
 */
export class LockOwnership {
  private released = false;

  private constructor(private readonly ownerFile: string) {}

  /** Marks the lock directory of `databaseFile`, which the caller's connection has just created, as its own. */
  static take(databaseFile: string): LockOwnership {
    const ownerFile = `${ownerFilePrefixOf(databaseFile)}${process.pid}-${randomUUID()}`;
    writeFileSync(ownerFile, '', { flag: 'wx' });
    return new LockOwnership(ownerFile);
  }

  /** Tells whether the lock is still this transaction's: true until `release()`, unless another process took it. */
  isHeld(): boolean {
    return !this.released && existsSync(this.ownerFile);
  }

  /** Deletes the owner file once the transaction has ended. */
  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.ownerFile, { force: true });
  }
}

function ownerFilePrefixOf(databaseFile: string): string {
  return `${lockDirectoryOf(databaseFile)}-owner-`;
}

/** Deletes every owner file of `databaseFile`. Only a process that holds the lock or its recovery claim may do so. */
function removeOwnerFiles(databaseFile: string): void {
  const prefix = basename(ownerFilePrefixOf(databaseFile));
  const directory = dirname(databaseFile);
  for (const entry of readdirSync(directory)) {
    if (entry.startsWith(prefix)) rmSync(join(directory, entry), { force: true });
  }
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

/**
 * Creates the recovery claim in a stale lock directory. A claim older than `staleAfterMs` belongs to a process that
 * died while it recovered, and is replaced. Returns the claim's path, or null when another process has the claim
 * or the directory is gone.
 */
function claimStaleLock(lockDirectory: string, staleAfterMs: number, now: number): string | null {
  const claim = join(lockDirectory, RECOVERY_CLAIM);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(claim, String(process.pid), { flag: 'wx' });
      return claim;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    const existing = statOrNull(claim);
    if (existing === null || now - existing.mtimeMs < staleAfterMs) return null;
    const abandoned = `${claim}-abandoned-${randomUUID()}`;
    try {
      renameSync(claim, abandoned);
    } catch {
      return null;
    }
    // Another process may have replaced the old claim with its own fresh one between the stat and the rename.
    const moved = statOrNull(abandoned);
    if (moved !== null && now - moved.mtimeMs < staleAfterMs) {
      renameSync(abandoned, claim);
      return null;
    }
    rmSync(abandoned, { force: true });
  }
  return null;
}

/** Removes a lock directory with what is in it. Renaming first makes the removal one step for other processes. */
function removeLockDirectory(lockDirectory: string): void {
  const doomed = `${lockDirectory}.removed-${process.pid}-${randomUUID()}`;
  renameSync(lockDirectory, doomed);
  rmSync(doomed, { recursive: true, force: true });
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
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
