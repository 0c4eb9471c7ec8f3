// Uploading and reading files. An upload streams through the checks (size, type by content) into
// the FileStore, inside one database transaction with its rows: a cut connection, a file past the
// limit or of a refused type rolls everything back, so a failed upload leaves no row and no bytes
// (in PostgreSQL; see s3-file-store.ts for S3). The same content is stored once (file_blob by
// SHA-256), however many stored_file rows name it. Images get a WebP thumbnail as a blob of its own.
// Downloads may ask for one byte range; the file-orphans job clears what S3 holds that no row names.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fileTypeFromBuffer } from 'file-type';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger } from 'pino';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor } from '../access/capabilities';
import { CONFIG, Config } from '../config/config';
import { checkedId, FieldErrors, NotAllowed, NotFound, TooLarge, withValues } from '../errors/domain-errors';
import { LOGGER } from '../logging/logger';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { IMAGE_TYPES, judgeType, safeFileName, SNIFF_BYTES, TextCheck } from './file-content';
import { FileAccessRules } from './file-access';
import { ByteRange, FILE_STORE, FileStore, SHA256_HEX, StoreTransaction } from './file-store';
import { StoredFile } from './stored-file.entity';

/** What a file belongs to (a material, a post, a toolkit entry); null: nothing yet, the uploader's own. */
export interface FileOwner {
  kind: string;
  id: string;
}

/**
 * Where an upload goes besides its owner. `manager`: the caller's transaction, so the file and what
 * it belongs to (a post and its attachments) are saved or refused together. `position`: its place
 * among its owner's files.
 */
export interface UploadPlacement {
  manager?: EntityManager;
  position?: number;
}

export const THUMBNAIL_PIXELS = 320;
/** Content a store holds without a file_blob row is left this long before removeOrphans takes it: far longer than any upload runs. */
export const ORPHAN_GRACE_MS = 24 * 60 * 60 * 1000;

/** Larger images are refused by sharp rather than decoded: a small file can claim a huge canvas. */
const MAX_IMAGE_PIXELS = 60_000_000;

/** The lock an upload, a removal and the orphan sweep take on a content's hash (the same as PostgresFileStore.put's). */
function lockContent(manager: EntityManager, sha256: string): Promise<unknown> {
  return manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 19))', [sha256]);
}

/** A file as it is sent: what the response says about it; `sha256` names its bytes (and is its ETag). */
export interface DownloadableFile {
  id: string;
  sha256: string;
  mimeType: string;
  name: string;
  size: number;
}

@Injectable()
export class FilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    readonly accessRules: FileAccessRules,
  ) {}

  get maxMegabytes(): number {
    return Math.floor(this.config.fileMaxBytes / (1024 * 1024));
  }

  /**
   * Stores `content` as a file of `actor`'s, belonging to `owner`. `declaredName` and
   * `declaredType` are what the browser said; the type kept is the one read from the bytes.
   * Refusals (FieldErrors on `file`, TooLarge) leave nothing stored.
   */
  async upload(actor: Actor, content: Readable, declaredName: string, declaredType: string, owner: FileOwner | null = null, placement: UploadPlacement = {}): Promise<StoredFile> {
    let name: string;
    try {
      name = safeFileName(declaredName);
    } catch (error) {
      content.resume();
      throw error;
    }
    return (placement.manager ?? this.dataSource.manager).transaction(async (manager) => {
      const tx: StoreTransaction = { manager };
      const judged = { type: '' };
      const { sha256, size } = await this.store.put(Readable.from(this.inspected(content, name, declaredType, judged)), tx);
      if (size === 0) throw new FieldErrors({ file: 'files.empty' });
      await lockContent(manager, sha256);
      // A store outside the transaction may have found the content already there, unnamed, just as
      // removeOrphans took it away: under the lock removeOrphans also takes, make sure it still is.
      if (!this.store.joinsTransactions && !(await this.store.has(sha256))) throw new Error(`content ${sha256} was removed as an orphan during its upload; try again`);
      await manager.query('INSERT INTO file_blob (sha256, size, mime_type) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [sha256, size, judged.type]);
      const thumbnailSha256 = IMAGE_TYPES.has(judged.type) ? await this.thumbnailOf(sha256, tx) : null;
      const file = manager.create(StoredFile, {
        blobSha256: sha256,
        originalName: name,
        mimeType: judged.type,
        size,
        uploadedBy: actor.id,
        ownerKind: owner?.kind ?? null,
        ownerId: owner?.id ?? null,
        position: placement.position ?? 0,
        thumbnailSha256,
      });
      return manager.save(file);
    });
  }

  /**
   * The bytes as they pass: counted against the limit, the first SNIFF_BYTES judged for their type
   * before anything is passed on, text checked to the end. A throw here ends the store's put.
   */
  private async *inspected(content: Readable, name: string, declaredType: string, judged: { type: string }): AsyncGenerator<Buffer> {
    const max = this.config.fileMaxBytes;
    let size = 0;
    let head: Buffer[] = [];
    let headBytes = 0;
    let text: TextCheck | null = null;
    const judge = async () => {
      const sample = Buffer.concat(head, headBytes);
      judged.type = judgeType((await fileTypeFromBuffer(sample))?.mime, sample, name, declaredType);
      if (judged.type.startsWith('text/')) text = new TextCheck();
      return sample;
    };
    for await (const piece of content) {
      const buffer = piece as Buffer;
      size += buffer.length;
      if (size > max) throw new TooLarge(withValues('files.tooLarge', { max: this.maxMegabytes }));
      if (!judged.type) {
        head.push(buffer);
        headBytes += buffer.length;
        if (headBytes < SNIFF_BYTES) continue;
        const sample = await judge();
        head = [];
        (text as TextCheck | null)?.push(sample);
        yield sample;
        continue;
      }
      (text as TextCheck | null)?.push(buffer);
      yield buffer;
    }
    if (!judged.type) {
      if (headBytes === 0) throw new FieldErrors({ file: 'files.empty' });
      const sample = await judge();
      (text as TextCheck | null)?.push(sample);
      yield sample;
    }
    (text as TextCheck | null)?.end();
  }

  /** A WebP of at most 320 px a side; the same image uploaded again reuses its thumbnail. */
  private async thumbnailOf(sha256: string, tx: StoreTransaction): Promise<string> {
    const [known] = await tx.manager.query('SELECT thumbnail_sha256 FROM stored_file WHERE blob_sha256 = $1 AND thumbnail_sha256 IS NOT NULL LIMIT 1', [sha256]);
    if (known) return known.thumbnail_sha256.trim();
    const original = await this.store.get(sha256, { tx });
    if (!original) throw new Error(`blob ${sha256} vanished during its upload`);
    // Loaded on the first image (libvips holds some 20 MB): a process that never makes a thumbnail never loads it.
    const { default: sharp } = await import('sharp');
    const resize = sharp({ limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_PIXELS, THUMBNAIL_PIXELS, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 });
    let webp: Buffer;
    try {
      [, webp] = await Promise.all([pipeline(original, resize), resize.toBuffer()]);
    } catch (error) {
      this.logger.info({ err: error, sha256 }, 'an uploaded image could not be read');
      throw new FieldErrors({ file: 'files.image.unreadable' });
    }
    const thumbnail = await this.store.put(Readable.from([webp]), tx);
    await tx.manager.query('INSERT INTO file_blob (sha256, size, mime_type) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [thumbnail.sha256, thumbnail.size, 'image/webp']);
    return thumbnail.sha256;
  }

  /** The file if `actor` may read it: NotFound for an unknown id, NotAllowed when they may not. */
  async readable(actor: Actor | null, id: string): Promise<StoredFile> {
    const file = await this.dataSource.manager.findOneBy(StoredFile, { id: checkedId(id) });
    if (!file) throw new NotFound();
    if (!(await this.accessRules.mayRead(actor, file))) throw new NotAllowed('files.notAllowed');
    return file;
  }

  /**
   * What a download sends, without reading the bytes yet (contentOf reads them): enough to answer a
   * conditional or ranged request (the ETag is the content's SHA-256). Access is checked here.
   */
  async downloadable(actor: Actor | null, id: string, which: 'file' | 'thumbnail' = 'file'): Promise<DownloadableFile> {
    const file = await this.readable(actor, id);
    const sha256 = (which === 'file' ? file.blobSha256 : file.thumbnailSha256)?.trim();
    if (!sha256) throw new NotFound();
    if (which === 'file') return { id: file.id, sha256, mimeType: file.mimeType, name: file.originalName, size: file.size };
    const [blob] = await this.dataSource.query('SELECT size FROM file_blob WHERE sha256 = $1', [sha256]);
    return { id: file.id, sha256, mimeType: 'image/webp', name: file.originalName.replace(/\.[^.]*$/, '') + '.webp', size: Number(blob.size) };
  }

  /** The bytes of a file `downloadable` gave, or of `range` of them (within its size: see byte-ranges.ts). */
  async contentOf(file: DownloadableFile, range?: ByteRange): Promise<Readable> {
    const content = await this.store.get(file.sha256, { range });
    if (!content) throw new Error(`stored file ${file.id} names blob ${file.sha256}, which the store does not have`);
    return content;
  }

  /** The person's own uploads, newest first (the "my uploads" page). */
  uploadedBy(actor: Actor, limit = 50): Promise<StoredFile[]> {
    return this.dataSource.manager.find(StoredFile, { where: { uploadedBy: actor.id }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** Files belonging to one owner, in their order (then oldest first): what a material or post lists. */
  ownedBy(owner: FileOwner, manager: EntityManager = this.dataSource.manager): Promise<StoredFile[]> {
    return manager.find(StoredFile, { where: { ownerKind: owner.kind, ownerId: owner.id }, order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' } });
  }

  /** The files of many owners of one kind in one query (a thread page's posts), by owner id; owners without files are absent. */
  async ownedByEach(kind: string, ownerIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, StoredFile[]>> {
    const byOwner = new Map<string, StoredFile[]>();
    if (ownerIds.length === 0) return byOwner;
    const files = await manager.find(StoredFile, { where: { ownerKind: kind, ownerId: In(ownerIds) }, order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    for (const file of files) byOwner.set(file.ownerId!, [...(byOwner.get(file.ownerId!) ?? []), file]);
    return byOwner;
  }

  /**
   * Gives files `actor` uploaded without an owner (through the API's upload, say) to `owner`, in the
   * order given, inside the caller's transaction. Refuses all of them (FieldErrors on `field`) when
   * one is unknown, someone else's or already belongs to something.
   */
  async attach(manager: EntityManager, actor: Actor, fileIds: string[], owner: FileOwner, field = 'attachments', firstPosition = 0): Promise<StoredFile[]> {
    if (fileIds.length === 0) return [];
    const ids = fileIds.map((id) => checkedId(id));
    if (new Set(ids).size !== ids.length) throw new FieldErrors({ [field]: 'files.attach.repeated' });
    // An UPDATE answers [rows, count] through TypeORM's query().
    const [claimed]: [{ id: string }[], number] = await manager.query(
      `UPDATE stored_file f SET owner_kind = $3, owner_id = $4, position = $5 + wanted.n - 1
         FROM unnest($1::uuid[]) WITH ORDINALITY AS wanted(id, n)
        WHERE f.id = wanted.id AND f.uploaded_by = $2 AND f.owner_kind IS NULL
        RETURNING f.id`,
      [ids, actor.id, owner.kind, owner.id, firstPosition],
    );
    if (claimed.length !== ids.length) throw new FieldErrors({ [field]: 'files.attach.notYours' });
    return this.ownedBy(owner, manager);
  }

  @JobHandler(JobName.FileOrphans)
  async handleOrphans(): Promise<{ removed: number }> {
    return { removed: await this.removeOrphans(new Date()) };
  }

  /**
   * Removes what the store holds that no file_blob row names and nothing has written for
   * ORPHAN_GRACE_MS before `now`: content of uploads whose transaction never committed (a crash
   * between an S3 put and the commit), and temporary objects of puts cut off. Answers how many.
   */
  async removeOrphans(now: Date): Promise<number> {
    let removed = 0;
    for await (const keys of this.store.writtenBefore(new Date(now.getTime() - ORPHAN_GRACE_MS))) {
      const hashes = keys.filter((key) => SHA256_HEX.test(key));
      const named = new Set<string>((await this.dataSource.query('SELECT sha256 FROM file_blob WHERE sha256 = ANY($1)', [hashes])).map((row: { sha256: string }) => row.sha256));
      for (const key of keys) {
        if (named.has(key)) continue;
        if (!SHA256_HEX.test(key)) {
          await this.store.removeLeftover(key);
          removed++;
          continue;
        }
        // Read again under the hash's lock: an upload of the same content may be committing its row.
        const orphan = await this.dataSource.transaction(async (manager) => {
          await lockContent(manager, key);
          const [row] = await manager.query('SELECT 1 FROM file_blob WHERE sha256 = $1', [key]);
          if (!row) await this.store.delete(key, { manager });
          return !row;
        });
        if (orphan) removed++;
      }
    }
    return removed;
  }

  /**
   * Removes a stored file (the caller has decided it may), and its blob and thumbnail when no other
   * file names them. Under the hash's lock, so an upload of the same content cannot slip between.
   */
  async remove(id: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.transaction(async (inner) => {
      // A DELETE answers [rows, count] through TypeORM's query().
      const [[file]]: [{ blob_sha256: string; thumbnail_sha256: string | null }[], number] = await inner.query('DELETE FROM stored_file WHERE id = $1 RETURNING blob_sha256, thumbnail_sha256', [
        checkedId(id),
      ]);
      if (!file) throw new NotFound();
      for (const sha256 of [file.blob_sha256, file.thumbnail_sha256].filter((hash): hash is string => !!hash).map((hash) => hash.trim())) {
        await lockContent(inner, sha256);
        const [used] = await inner.query('SELECT 1 FROM stored_file WHERE blob_sha256 = $1 OR thumbnail_sha256 = $1 LIMIT 1', [sha256]);
        if (used) continue;
        await inner.query('DELETE FROM file_blob WHERE sha256 = $1', [sha256]);
        await this.store.delete(sha256, { manager: inner });
      }
    });
  }
}
