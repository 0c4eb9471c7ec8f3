// The one interface to where file contents live, named by their SHA-256. Two implementations:
// PostgresFileStore (the default: the bytes in the database, in its backups, no other service) and
// S3FileStore (FILE_STORE=s3). Stores know bytes only; what a file is called, its type and who may
// see it are FilesService's (stored_file, file_blob).
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';

export interface PutResult {
  sha256: string;
  size: number;
}

/**
 * The upload's transaction, when there is one: PostgresFileStore writes its chunks in it, so a
 * failure anywhere in the upload leaves nothing; S3FileStore cannot join it and ignores it.
 */
export interface StoreTransaction {
  manager: EntityManager;
}

/** Bytes `start` to `end` of a content, both counted from 0 and included (as HTTP's Range counts). */
export interface ByteRange {
  start: number;
  end: number;
}

/** How to read: only a range of the bytes (the caller has checked it lies within them), inside a transaction. */
export interface StoreRead {
  range?: ByteRange;
  tx?: StoreTransaction;
}

export interface FileStore {
  /** Reads `content` to its end, storing it under its SHA-256; the same bytes twice are stored once. An error in `content` stores nothing. */
  put(content: Readable, tx?: StoreTransaction): Promise<PutResult>;
  /** The bytes (or the range of them asked for), streamed; null when nothing is stored under that hash. */
  get(sha256: string, read?: StoreRead): Promise<Readable | null>;
  has(sha256: string, tx?: StoreTransaction): Promise<boolean>;
  delete(sha256: string, tx?: StoreTransaction): Promise<void>;
  /**
   * Whether writes happen in the caller's transaction. When not (S3), a crash between a put and its
   * commit leaves content no file_blob row names, which FilesService.removeOrphans clears.
   */
  readonly joinsTransactions: boolean;
  /**
   * The keys of what the store holds, last written before `before`, in batches: hashes, and what
   * puts cut off by a crash left (any other key). Nothing from a store that joins transactions.
   */
  writtenBefore(before: Date): AsyncIterable<string[]>;
  /** Removes a key `writtenBefore` gave that is not a hash (a cut-off put's leftover). */
  removeLeftover(key: string): Promise<void>;
}

export const FILE_STORE = Symbol('FILE_STORE');

export const SHA256_HEX = /^[0-9a-f]{64}$/;
