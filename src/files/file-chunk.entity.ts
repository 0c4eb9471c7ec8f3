import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A piece (about 1 MB) of a blob's bytes, for PostgresFileStore: an upload streams into chunks
 * under a temporary key ("upload-<uuid>") and, once its hash is known, they move to the hash (or are
 * dropped when that content is already stored), all in the upload's transaction.
 */
@Entity('file_chunk')
export class FileChunk {
  @PrimaryColumn({ type: 'text' })
  blobKey: string;

  @PrimaryColumn({ type: 'int' })
  n: number;

  @Column({ type: 'bytea' })
  data: Buffer;
}
