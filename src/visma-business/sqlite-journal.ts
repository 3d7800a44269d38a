import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Rolls back the rollback journal that a killed writer left next to a SQLite database, as SQLite itself would when
 * it finds a hot journal. node-sqlite3-wasm 0.8 never does: its reserved-lock check reports the `<file>.lock`
 * directory that the checking connection has just created for itself, so SQLite never takes a journal as hot and
 * reads the killed writer's uncommitted pages as if they were committed.
 *
 * The layout follows SQLite's file format: one or more segments, each a header padded to the sector size followed
 * by page records. A header contains the magic bytes, the number of records in the segment (0xFFFFFFFF: up to the end
 * of the file), the checksum nonce, the database size in pages before the transaction, the sector size and the page
 * size. A record holds the page number, the page as it was before the transaction and a checksum.
 */

const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
const HEADER_BYTES = 28;
const RECORDS_TO_END_OF_FILE = 0xffffffff;
/** Offset of SQLite's lock bytes, whose page is never written to the journal. */
const PENDING_BYTE = 0x40000000;
/** Length and checksum (4 bytes each) and the magic (8 bytes) that end a journal naming a super-journal. */
const SUPER_JOURNAL_TRAILER_BYTES = 16;

/** Changes that a rollback made to the database file. */
export interface JournalRollback {
  journalFile: string;
  /** Pages written back into the database file. */
  pagesRestored: number;
  /** Size in pages that the database file was cut back to, or null when the journal had no valid header. */
  databasePages: number | null;
}

/** A journal page to write back: its number and its content before the transaction. */
interface JournalPage {
  pageNumber: number;
  content: Buffer;
}

/** Playback plan of a journal: the pages to write back and the size to cut the database file to. */
interface JournalPlayback {
  pageSize: number;
  databasePages: number | null;
  pages: JournalPage[];
}

/** Returns the path of the rollback journal of `databaseFile`. */
export function journalFileOf(databaseFile: string): string {
  return `${databaseFile}-journal`;
}

/** Tells whether `databaseFile` has a journal with content, which a connection in a transaction or a killed one left. */
export function hasJournalContent(databaseFile: string): boolean {
  try {
    return statSync(journalFileOf(databaseFile)).size > 0;
  } catch {
    return false;
  }
}

/**
 * Writes the pages of the journal of `databaseFile` back into the database file, cuts the file to its size before
 * the transaction, flushes it to disk and deletes the journal. Returns null when there is no journal.
 *
 * The caller must hold the database's lock, so that no connection writes while the pages are restored.
 */
export function rollBackJournal(databaseFile: string): JournalRollback | null {
  const journalFile = journalFileOf(databaseFile);
  let journal: Buffer;
  try {
    journal = readFileSync(journalFile);
  } catch (error) {
    if (isMissingFile(error)) return null;
    throw error;
  }
  if (!existsSync(databaseFile)) return null;

  const descriptor = openSync(databaseFile, 'r+');
  let playback: JournalPlayback = { pageSize: 0, databasePages: null, pages: [] };
  try {
    // SQLite deletes the journal of an empty database file without playing it back.
    if (fstatSync(descriptor).size > 0 && superJournalAllowsPlayback(journal)) {
      playback = parseJournal(journal);
    }
    for (const page of playback.pages) {
      writeAll(descriptor, page.content, (page.pageNumber - 1) * playback.pageSize);
    }
    if (playback.databasePages !== null) ftruncateSync(descriptor, playback.databasePages * playback.pageSize);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  rmSync(journalFile, { force: true });
  syncDirectory(dirname(journalFile));
  return { journalFile, pagesRestored: playback.pages.length, databasePages: playback.databasePages };
}

/**
 * Reads the segments of a journal the way SQLite plays one back. The database size comes from the first header,
 * and records are read until a header or record is invalid. A record whose checksum does not match ends the
 * playback, because the writer was killed before it finished that record.
 */
function parseJournal(journal: Buffer): JournalPlayback {
  const none: JournalPlayback = { pageSize: 0, databasePages: null, pages: [] };
  if (!hasHeaderAt(journal, 0)) return none;
  const sectorSize = journal.readUInt32BE(20);
  const pageSize = journal.readUInt32BE(24);
  // A header with sizes out of range was being written when the writer died, before any page reached the file.
  if (!isPowerOfTwoBetween(pageSize, 512, 65536) || !isPowerOfTwoBetween(sectorSize, 32, 65536)) return none;
  if (journal.length < sectorSize) return none;

  const databasePages = journal.readUInt32BE(16);
  const recordBytes = 4 + pageSize + 4;
  const lockPage = Math.floor(PENDING_BYTE / pageSize) + 1;
  const pages: JournalPage[] = [];
  let headerOffset = 0;
  do {
    const nonce = journal.readUInt32BE(headerOffset + 12);
    const recordsStart = headerOffset + sectorSize;
    const declared = journal.readUInt32BE(headerOffset + 8);
    const records =
      declared === RECORDS_TO_END_OF_FILE ? Math.floor((journal.length - recordsStart) / recordBytes) : declared;

    for (let index = 0; index < records; index += 1) {
      const offset = recordsStart + index * recordBytes;
      if (offset + recordBytes > journal.length) return { pageSize, databasePages, pages };
      const pageNumber = journal.readUInt32BE(offset);
      const content = journal.subarray(offset + 4, offset + 4 + pageSize);
      if (pageNumber === 0 || pageNumber === lockPage) return { pageSize, databasePages, pages };
      if (journal.readUInt32BE(offset + 4 + pageSize) !== pageChecksum(nonce, content)) {
        return { pageSize, databasePages, pages };
      }
      if (pageNumber <= databasePages) pages.push({ pageNumber, content });
    }
    const end = recordsStart + records * recordBytes;
    headerOffset = Math.ceil(end / sectorSize) * sectorSize;
  } while (hasHeaderAt(journal, headerOffset) && headerOffset + sectorSize <= journal.length);
  return { pageSize, databasePages, pages };
}

/** Computes the checksum of a journal record: the nonce plus every 200th byte of the page, counted from its end. */
function pageChecksum(nonce: number, page: Buffer): number {
  let checksum = nonce;
  for (let index = page.length - 200; index > 0; index -= 200) checksum = (checksum + page[index]) >>> 0;
  return checksum;
}

/**
 * Tells whether a journal may be played back. A journal that names a super-journal belongs to a transaction over
 * several attached databases, and when the super-journal is gone, that transaction committed.
 */
function superJournalAllowsPlayback(journal: Buffer): boolean {
  const length = journal.length;
  if (length < SUPER_JOURNAL_TRAILER_BYTES) return true;
  if (!journal.subarray(length - 8).equals(JOURNAL_MAGIC)) return true;
  const nameLength = journal.readUInt32BE(length - 16);
  if (nameLength === 0 || nameLength > length - SUPER_JOURNAL_TRAILER_BYTES) return true;
  const name = journal.subarray(length - SUPER_JOURNAL_TRAILER_BYTES - nameLength, length - 16);
  let checksum = journal.readUInt32BE(length - 12);
  for (const byte of name) checksum = (checksum - byte) >>> 0;
  if (checksum !== 0) return true;
  return existsSync(name.toString('utf8').replace(/\0+$/, ''));
}

function hasHeaderAt(journal: Buffer, offset: number): boolean {
  return (
    offset + HEADER_BYTES <= journal.length &&
    journal.subarray(offset, offset + JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC)
  );
}

function isPowerOfTwoBetween(value: number, lowest: number, highest: number): boolean {
  return value >= lowest && value <= highest && (value & (value - 1)) === 0;
}

function writeAll(descriptor: number, content: Buffer, position: number): void {
  let written = 0;
  while (written < content.length) {
    written += writeSync(descriptor, content, written, content.length - written, position + written);
  }
}

/** Flushes the directory entry of the deleted journal, so that the deletion survives a power failure. */
function syncDirectory(directory: string): void {
  let descriptor: number | null = null;
  try {
    descriptor = openSync(directory, 'r');
    fsyncSync(descriptor);
  } catch {
    // Some platforms cannot open or flush a directory; the journal is deleted all the same.
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
