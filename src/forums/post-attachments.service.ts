// A post's attachments (issue 19): up to five files that belong to the post (stored_file owner kind
// 'post', in the order chosen), uploaded with it from its form or given to it from the API's
// earlier uploads, always inside the post's own transaction, so a refused file (a wrong type, too
// large, empty, one too many) refuses the post and nothing is stored. Who may read them is the
// post's rule: whoever reads its thread, while the post is live. A hidden or deleted post keeps its
// files (it keeps its place in the thread), but they are 404 as its text is gone from the page;
// only admins (as FileAccessRules lets them read every file) and the uploader still open them.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { FieldErrors, isUuid, NotFound, withValues } from '../errors/domain-errors';
import { FileAccessRules } from '../files/file-access';
import { FileOwner, FilesService } from '../files/files.service';
import { StoredFile } from '../files/stored-file.entity';
import { isAdmin, mayModerateSql, mayReadSql } from './forum-access';

export const MAX_ATTACHMENTS = 5;
/** The owner kind of a post's files. */
export const POST_FILES = 'post';

/**
 * A live post's files as a page shows them (AttachmentView's fields, in their order), as a JSON
 * column of the statement that reads the posts (`post` the posts' alias; null when there are none),
 * through the view files exports: a page of posts reads its files without a round trip of its own,
 * and asks only of the posts whose file_count (kept by forums/sql/post-files.sql) says they have some.
 */
export function postAttachmentsSql(post: string): string {
  return `CASE WHEN ${post}.file_count > 0 AND ${post}.deleted_at IS NULL AND ${post}.hidden_at IS NULL THEN (
    SELECT json_agg(json_build_object('id', a.id, 'name', a.original_name, 'type', a.mime_type, 'size', a.size, 'thumbnail', a.has_thumbnail) ORDER BY a.position, a.created_at, a.id)
      FROM file_attachment a WHERE a.owner_kind = '${POST_FILES}' AND a.owner_id = ${post}.id) END`;
}

/** A file as a multipart form brings it: its bytes, not yet read, and what the browser said of it. */
export interface IncomingFile {
  file: Readable;
  filename: string;
  mimetype: string;
}

/** What a write does to a post's files: files streamed from its form, files uploaded earlier (the API's ids), files of the post to remove (an edit). */
export interface AttachmentChanges {
  uploads?: AsyncIterable<IncomingFile>;
  fileIds?: string[];
  remove?: string[];
}

/** An attached file as a post shows it. */
export interface AttachmentView {
  id: string;
  name: string;
  type: string;
  size: number;
  /** An image with a thumbnail, shown inline. */
  thumbnail: boolean;
}

/** What a post's form says of its files: how many, and how large each may be. */
export interface AttachmentLimits {
  files: number;
  megabytes: number;
}

const tooMany = () => new FieldErrors({ attachments: withValues('forum.attachments.tooMany', { max: MAX_ATTACHMENTS }) });

/** @fastify/multipart's error when a form carries more files than a request may (web/multipart.ts MAX_FILES_PER_REQUEST). */
const isFilesLimit = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'FST_FILES_LIMIT';

const postOwner = (postId: string): FileOwner => ({ kind: POST_FILES, id: postId });

export const attachmentView = (file: StoredFile): AttachmentView => ({
  id: file.id,
  name: file.originalName,
  type: file.mimeType,
  size: file.size,
  thumbnail: file.thumbnailSha256 !== null,
});

@Injectable()
export class PostAttachments implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly files: FilesService,
    private readonly accessRules: FileAccessRules,
  ) {}

  onModuleInit() {
    this.accessRules.register(POST_FILES, (actor, postId) => this.mayRead(actor, postId));
  }

  get limits(): AttachmentLimits {
    return { files: MAX_ATTACHMENTS, megabytes: this.files.maxMegabytes };
  }

  /**
   * Applies `changes` to the post's files inside the post's transaction: removals first (only the
   * post's own files), then the API's ids, then the form's files in the order sent. More than five
   * in all, or a file refused, throws (FieldErrors on `attachments`, or TooLarge) and so refuses the
   * whole write. A file input left empty sends a part without a name, which is skipped.
   */
  async apply(manager: EntityManager, actor: Actor, postId: string, changes: AttachmentChanges): Promise<void> {
    const owner = postOwner(postId);
    let current = await this.files.ownedBy(owner, manager);
    const remove = [...new Set(changes.remove ?? [])];
    if (remove.length) {
      if (remove.some((id) => !current.some((file) => file.id === id))) throw new FieldErrors({ attachments: 'forum.attachments.notThisPost' });
      for (const id of remove) await this.files.remove(id, manager);
      current = current.filter((file) => !remove.includes(file.id));
    }
    let count = current.length;
    let position = current.reduce((last, file) => Math.max(last, file.position + 1), 0);
    const fileIds = changes.fileIds ?? [];
    if (fileIds.length) {
      if (count + fileIds.length > MAX_ATTACHMENTS) throw tooMany();
      await this.files.attach(manager, actor, fileIds, owner, 'attachments', position);
      count += fileIds.length;
      position += fileIds.length;
    }
    if (!changes.uploads) return;
    try {
      for await (const upload of changes.uploads) {
        if (!upload.filename) {
          upload.file.resume();
          continue;
        }
        if (count >= MAX_ATTACHMENTS) {
          upload.file.resume();
          throw tooMany();
        }
        await this.files.upload(actor, upload.file, upload.filename, upload.mimetype, owner, { manager, position: position++ });
        count += 1;
      }
    } catch (error) {
      // The sixth file of a form stops the multipart parser itself (a request carries at most five).
      if (isFilesLimit(error)) throw tooMany();
      // The files area names its one field `file`; a post's form calls it `attachments`.
      if (error instanceof FieldErrors && error.fields.file) throw new FieldErrors({ attachments: error.fields.file });
      throw error;
    }
  }

  /** The files of each of these posts (one query, for a page of posts), by post id; posts without files are absent. */
  async byPost(postIds: string[]): Promise<Map<string, AttachmentView[]>> {
    const files = await this.files.ownedByEach(POST_FILES, postIds);
    return new Map([...files].map(([postId, owned]) => [postId, owned.map(attachmentView)]));
  }

  /**
   * May this person read the post's files: whoever may read its thread, as the thread page shows
   * the post. NotFound when the post is deleted or hidden, or when a reflection thread still hides
   * it from them (the page does not show it either).
   */
  async mayRead(actor: Actor | null, postId: string): Promise<boolean> {
    if (!actor || !isUuid(postId)) return false;
    const [post]: { deleted: boolean; hidden: boolean; may_read: boolean; gated: boolean }[] = await this.dataSource.query(
      `SELECT p.deleted_at IS NOT NULL AS deleted, p.hidden_at IS NOT NULL AS hidden, ${mayReadSql('ch', '$2', '$3')} AS may_read,
              (t.post_first AND p.author_id IS DISTINCT FROM $2 AND NOT ${mayModerateSql('ch', '$2', '$3')}
                AND p.id <> (SELECT o.id FROM forum_post o WHERE o.thread_id = t.id ORDER BY o.created_at, o.id LIMIT 1)
                AND NOT EXISTS (SELECT 1 FROM forum_post o WHERE o.thread_id = t.id AND o.author_id = $2 AND o.deleted_at IS NULL)) AS gated
         FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id JOIN forum_channel ch ON ch.id = t.channel_id
        WHERE p.id = $1`,
      [postId, actor.id, isAdmin(actor)],
    );
    if (!post) throw new NotFound();
    if (!post.may_read) return false;
    if (post.deleted || post.hidden || post.gated) throw new NotFound();
    return true;
  }
}
