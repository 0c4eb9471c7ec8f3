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

export interface FileStore {
  /** Reads `content` to its end, storing it under its SHA-256; the same bytes twice are stored once. An error in `content` stores nothing. */
  put(content: Readable, tx?: StoreTransaction): Promise<PutResult>;
  /** The bytes, streamed; null when nothing is stored under that hash. */
  get(sha256: string, tx?: StoreTransaction): Promise<Readable | null>;
  has(sha256: string, tx?: StoreTransaction): Promise<boolean>;
  delete(sha256: string, tx?: StoreTransaction): Promise<void>;
}

export const FILE_STORE = Symbol('FILE_STORE');

export const SHA256_HEX = /^[0-9a-f]{64}$/;
