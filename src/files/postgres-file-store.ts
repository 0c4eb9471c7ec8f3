// The default FileStore: bytes as ~1 MB rows of file_chunk. An upload streams into chunks under a
// key of its own and hashes as it goes; at the end, under a lock on the hash, the chunks either move
// to the hash or (the content is already there) are dropped. Inside the caller's transaction when
// given one, else in one of its own: a failed upload rolls back and leaves no chunk.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared';
import { FileStore, PutResult, SHA256_HEX, StoreTransaction } from './file-store';

export const CHUNK_BYTES = 1024 * 1024;
export class PostgresFileStore implements FileStore {
  constructor(private readonly dataSource: DataSource) {}

  private within<T>(tx: StoreTransaction | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return tx ? work(tx.manager) : this.dataSource.transaction(work);
  }

  put(content: Readable, tx?: StoreTransaction): Promise<PutResult> {
    return this.within(tx, async (manager) => {
      const uploadKey = `upload-${randomUUID()}`;
      const hash = createHash('sha256');
      let size = 0;
      let n = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        const data = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await manager.query('INSERT INTO file_chunk (blob_key, n, data) VALUES ($1, $2, $3)', [uploadKey, n++, data]);
      };
      for await (const piece of content) {
        const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string);
        hash.update(buffer);
        size += buffer.length;
        let offset = 0;
        while (offset < buffer.length) {
          const take = Math.min(CHUNK_BYTES - pendingBytes, buffer.length - offset);
          pending.push(buffer.subarray(offset, offset + take));
          pendingBytes += take;
          offset += take;
          if (pendingBytes === CHUNK_BYTES) await flush();
        }
      }
      // Always one chunk at least, so an empty content is stored (and `has`) like any other.
      if (pendingBytes > 0 || n === 0) await flush();
      const sha256 = hash.digest('hex');
      // Two uploads of the same bytes wait for each other here: the second finds the first's chunks.
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 19))', [sha256]);
      const [existing] = await manager.query('SELECT 1 FROM file_chunk WHERE blob_key = $1 AND n = 0', [sha256]);
      if (existing) await manager.query('DELETE FROM file_chunk WHERE blob_key = $1', [uploadKey]);
      else await manager.query('UPDATE file_chunk SET blob_key = $1 WHERE blob_key = $2', [sha256, uploadKey]);
      return { sha256, size };
    });
  }

  async get(sha256: string, tx?: StoreTransaction): Promise<Readable | null> {
    if (!(await this.has(sha256, tx))) return null;
    const sql = 'SELECT data FROM file_chunk WHERE blob_key = $1 AND n = $2';
    // Outside a transaction (every download): a statement each connection plans once.
    const query = (parameters: unknown[]): Promise<{ data: Buffer }[]> => (tx ? tx.manager.query(sql, parameters) : preparedQuery(this.dataSource, 'file_chunk_read', sql, parameters));
    // One chunk in memory at a time, read as the client takes them. (Asking for the next while one
    // is sent gained about a tenth in bench:files and cost a chunk more memory per download.)
    async function* chunks() {
      for (let n = 0; ; n++) {
        const [row] = await query([sha256, String(n)]);
        if (!row) return;
        if (row.data.length > 0) yield row.data;
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 });
  }

  async has(sha256: string, tx?: StoreTransaction): Promise<boolean> {
    if (!SHA256_HEX.test(sha256)) return false;
    const manager = tx?.manager ?? this.dataSource.manager;
    const rows = await manager.query('SELECT 1 FROM file_chunk WHERE blob_key = $1 AND n = 0', [sha256]);
    return rows.length > 0;
  }

  async delete(sha256: string, tx?: StoreTransaction): Promise<void> {
    if (!SHA256_HEX.test(sha256)) return;
    const manager = tx?.manager ?? this.dataSource.manager;
    await manager.query('DELETE FROM file_chunk WHERE blob_key = $1', [sha256]);
  }
}
