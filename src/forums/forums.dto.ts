// What the discussion channels' part of the JSON API takes and answers. The rules (who reads and
// writes where, what a title and a body may be, the edit window) are ForumsService's: these DTOs
// check only shape and type, so an empty title refused here and one refused by the service come
// back as the same 400 `fields` answer. Type messages are plain English: forms never send other
// types, so only the API needs them (accounts/api.dto.ts).
//
// Posts are answered as the thread page shows them (ForumsService.threadPage): `bodyHtml`, rendered
// and sanitised when written, and not the Markdown as written, for anyone's posts. A writer has
// their text as they sent it, and PATCH replaces it whole, so one shape serves every reader.
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { withValues } from '../errors/domain-errors';
import { LANGUAGES, Language } from '../i18n/i18n';
import { LanguageQuery, MAX_PAGE_SIZE, Omittable } from '../web/api/request.dto';
import { authorName as nameOf } from './author-name';
import { CHANNEL_KINDS, ChannelKind } from './forum-channel.entity';
import { ChannelSummary, MAX_BODY_LENGTH, MAX_TITLE_LENGTH, PostView, ThreadPage, ThreadSummary } from './forums.service';
import { AttachmentView, MAX_ATTACHMENTS } from './post-attachments.service';

const POST_LANGUAGES = [...LANGUAGES, 'auto'] as const;
type PostLanguage = (typeof POST_LANGUAGES)[number];

const TITLE_TYPE = `title must be text of 1–${MAX_TITLE_LENGTH} characters`;
const BODY_TYPE = `body must be Markdown text of 1–${MAX_BODY_LENGTH} characters`;
const LANGUAGE_TYPE = 'language must be fi, sv, en or auto';
const LIMIT_MESSAGE = withValues('api.limit.range', { min: 1, max: MAX_PAGE_SIZE });

// ---- Queries ----

/** A page size of 1–100, `byDefault` when left out. */
const Limit = (byDefault: number) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: byDefault }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: LIMIT_MESSAGE }),
    Min(1, { message: LIMIT_MESSAGE }),
    Max(MAX_PAGE_SIZE, { message: LIMIT_MESSAGE }),
  );

class CursorQuery extends LanguageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  @MaxLength(1000, { message: 'api.cursor.invalid' })
  cursor?: string;
}

export class ThreadListQuery extends CursorQuery {
  @Limit(30)
  limit?: number;
}

export class PostListQuery extends CursorQuery {
  @Limit(50)
  limit?: number;
}

// ---- What people send ----

/** The post's text: Markdown, not blank, at most 20,000 characters (the service's rule). */
const Body = () =>
  applyDecorators(
    ApiProperty({ minLength: 1, maxLength: MAX_BODY_LENGTH, example: 'Mitä opitte **systeemiajattelusta**?', description: 'Markdown; not blank.' }),
    IsString({ message: BODY_TYPE }),
  );

const PostLanguageField = (description: string) =>
  applyDecorators(ApiPropertyOptional({ enum: POST_LANGUAGES, description }), Omittable(), IsIn(POST_LANGUAGES, { message: LANGUAGE_TYPE }));

/** Files uploaded earlier (POST /api/v1/files) that the new post takes, in its order. */
const Attachments = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      format: 'uuid',
      maxItems: MAX_ATTACHMENTS,
      description: `Ids of files you uploaded through POST /api/v1/files and have not attached yet, in the order to show them; at most ${MAX_ATTACHMENTS}. Anyone who may read the post may read them.`,
    }),
    Omittable(),
    IsArray({ message: 'attachments must be a list of file ids' }),
    ArrayMaxSize(MAX_ATTACHMENTS, { message: withValues('forum.attachments.tooMany', { max: MAX_ATTACHMENTS }) }),
    IsUUID('all', { each: true, message: 'attachments must be a list of file ids' }),
  );

const NEW_POST_LANGUAGE = 'The post’s language, which search stems it in. `auto` or left out: guessed from the text, else your own language.';

export class NewThreadDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_TITLE_LENGTH, example: 'Välitehtävä 2', description: 'Trimmed; not blank.' })
  @IsString({ message: TITLE_TYPE })
  title: string;

  @Body()
  body: string;

  @PostLanguageField(NEW_POST_LANGUAGE)
  language?: PostLanguage;

  @ApiPropertyOptional({
    default: false,
    description: 'Mail subscribers at once rather than after the edit window. Only for what you may announce (facilitators and admins); ignored for anyone else.',
  })
  @Omittable()
  @IsBoolean({ message: 'sendNow must be true or false' })
  sendNow?: boolean;

  @Attachments()
  attachments?: string[];
}

export class NewReplyDto {
  @Body()
  body: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The post in this thread you answer (not a deleted or hidden one). Left out or null: the thread itself.' })
  @IsOptional()
  @IsString({ message: 'replyToId must be the id of a post in this thread' })
  replyToId?: string | null;

  @PostLanguageField(NEW_POST_LANGUAGE)
  language?: PostLanguage;

  @Attachments()
  attachments?: string[];
}

export class EditPostDto {
  @Body()
  body: string;

  @PostLanguageField('Left out: the language it had. `auto`: guessed again from the new text.')
  language?: PostLanguage;
}

// ---- Answers ----

export class ChannelDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: CHANNEL_KINDS, description: '`network`: everyone signed in. `announcements`: everyone reads, facilitators and admins start threads. `cohort`: a round’s own forum.' })
  kind: ChannelKind;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The round whose forum this is; null for network channels.' })
  cohortId: string | null;

  @ApiProperty({ example: 'Yleinen keskustelu', description: 'In your language; a cohort’s forum is named after its programme and round.' })
  name: string;

  @ApiProperty({ description: 'Empty for a cohort’s forum.' })
  description: string;

  @ApiProperty({ description: 'Read only: nobody starts threads or replies there. Only admins see archived channels listed.' })
  archived: boolean;

  @ApiProperty({ type: 'integer' })
  threadCount: number;

  @ApiProperty({ type: 'integer', description: 'Threads with posts you have not read.' })
  unreadThreads: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The latest post’s time; null for a channel with no threads.' })
  lastActivityAt: Date | null;

  @ApiProperty()
  mayStartThread: boolean;

  @ApiProperty({ description: 'You may pin, lock, move and hide here (admins; facilitators in their rounds’ forums).' })
  mayModerate: boolean;
}

export class ChannelListDto {
  @ApiProperty({ type: [ChannelDto], description: 'Network channels in the admins’ order, then your rounds’ forums, latest first.' })
  items: ChannelDto[];
}

export class ThreadDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  channelId: string;

  @ApiProperty({ example: 'Välitehtävä 2' })
  title: string;

  @ApiProperty({ description: 'Who wrote it; "Poistettu käyttäjä" (in the language asked for) when the account is erased or gone, never blank.' })
  authorName: string;

  @ApiProperty({ description: 'Listed first.' })
  pinned: boolean;

  @ApiProperty({ description: 'Only moderators reply.' })
  locked: boolean;

  @ApiProperty({ description: 'A reflection thread: participants see the others’ replies once they have posted their own.' })
  postFirst: boolean;

  @ApiProperty({ type: 'integer', description: 'Visible replies (after the opening post).' })
  replyCount: number;

  @ApiProperty({ format: 'date-time' })
  lastPostAt: Date;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ description: 'It has posts you have not read (always false in a thread’s own answers, which mark it read).' })
  unread: boolean;
}

export class ThreadListDto {
  @ApiProperty({ type: [ThreadDto], description: 'Pinned first, then by latest activity.' })
  items: ThreadDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one.' })
  nextCursor: string | null;
}

export class ReplyToDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Who wrote it; "Poistettu käyttäjä" (in the language asked for) when the account is erased or gone, never blank.' })
  authorName: string;

  @ApiProperty({ type: String, nullable: true, description: 'The start of its Markdown as written (plain text, not HTML: escape it); null when it is deleted or hidden.' })
  excerpt: string | null;
}

export class AttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'seinä.jpg', description: 'As uploaded, made safe.' })
  name: string;

  @ApiProperty({ example: 'image/jpeg', description: 'Read from the content when it was uploaded.' })
  type: string;

  @ApiProperty({ type: 'integer', description: 'Bytes.' })
  size: number;

  @ApiProperty({ example: '/files/5b0c…', description: 'The file (a path on this site; your session or token opens it as the post’s readers).' })
  url: string;

  @ApiProperty({ type: String, nullable: true, example: '/files/5b0c…/thumbnail', description: 'A WebP of at most 320 px a side, for images; null for other files.' })
  thumbnailUrl: string | null;
}

export class PostDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when the account is gone.' })
  authorId: string | null;

  @ApiProperty({ description: 'Who wrote it; "Poistettu käyttäjä" (in the language asked for) when the account is erased or gone, never blank.' })
  authorName: string;

  @ApiProperty({ type: String, nullable: true, example: '<p>Mitä opitte <strong>systeemiajattelusta</strong>?</p>\n', description: 'Sanitised HTML, safe to show as is; null when deleted or hidden.' })
  bodyHtml: string | null;

  @ApiProperty({ enum: LANGUAGES })
  language: Language;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When its author last edited it.' })
  editedAt: Date | null;

  @ApiProperty({ description: 'Deleted by its author: it keeps its place, without its text.' })
  deleted: boolean;

  @ApiProperty({ description: 'Hidden by a moderator: it keeps its place, with `hiddenReason` instead of its text.' })
  hidden: boolean;

  @ApiProperty({ type: String, nullable: true })
  hiddenReason: string | null;

  @ApiProperty({ type: ReplyToDto, nullable: true, description: 'The post this one answers; null for a reply to the thread itself.' })
  replyTo: ReplyToDto | null;

  @ApiProperty({ description: 'Your own post, still within the edit window (PATCH).' })
  mayEdit: boolean;

  @ApiProperty({ description: 'Your own live post (DELETE).' })
  mayDelete: boolean;

  @ApiProperty({ description: 'Written by someone else after what you had read.' })
  unread: boolean;

  @ApiProperty({ type: [AttachmentDto], description: 'Its files, in their order; empty when it is deleted or hidden.' })
  attachments: AttachmentDto[];
}

export class NewThreadAnswerDto extends ThreadDto {
  @ApiProperty({ type: PostDto })
  firstPost: PostDto;
}

export class ThreadDetailDto extends ThreadDto {
  @ApiProperty({ description: 'A reflection thread you see only the opening post and your own posts of, until you reply.' })
  gated: boolean;

  @ApiProperty({ description: 'You may reply (POST /threads/{id}/posts).' })
  mayReply: boolean;

  @ApiProperty({ type: String, nullable: true, enum: ['forum.thread.locked', 'forum.channel.archived'], description: 'Why you may not reply; null when you may.' })
  closedReason: string | null;
}

export class PostListDto {
  @ApiProperty({ type: ThreadDetailDto })
  thread: ThreadDetailDto;

  @ApiProperty({ type: [PostDto], description: 'Oldest first. Reading a page marks its posts read.' })
  items: PostDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one.' })
  nextCursor: string | null;
}

// ---- From the services' views to answers ----

export function channelDto(channel: ChannelSummary): ChannelDto {
  const { id, kind, cohortId, name, description, archived, threadCount, unreadThreads, lastActivityAt, mayStartThread, mayModerate } = channel;
  return { id, kind, cohortId, name, description, archived, threadCount, unreadThreads, lastActivityAt, mayStartThread, mayModerate };
}

export function threadDto(thread: ThreadSummary, lang: Language): ThreadDto {
  const { id, channelId, title, authorName, pinned, locked, postFirst, replyCount, lastPostAt, createdAt, unread } = thread;
  return { id, channelId, title, authorName: nameOf(authorName, lang), pinned, locked, postFirst, replyCount, lastPostAt, createdAt, unread };
}

export function attachmentDto(file: AttachmentView): AttachmentDto {
  return { id: file.id, name: file.name, type: file.type, size: file.size, url: `/files/${file.id}`, thumbnailUrl: file.thumbnail ? `/files/${file.id}/thumbnail` : null };
}

export function postDto(post: PostView, lang: Language): PostDto {
  const { id, authorId, authorName, bodyHtml, language, createdAt, editedAt, deleted, hidden, hiddenReason, replyTo, mayEdit, mayDelete, unread, attachments } = post;
  const answered = replyTo && { ...replyTo, authorName: nameOf(replyTo.authorName, lang) };
  return {
    id,
    authorId,
    authorName: nameOf(authorName, lang),
    bodyHtml,
    language,
    createdAt,
    editedAt,
    deleted,
    hidden,
    hiddenReason,
    replyTo: answered,
    mayEdit,
    mayDelete,
    unread,
    attachments: attachments.map(attachmentDto),
  };
}

export function postListDto(page: ThreadPage, lang: Language): PostListDto {
  return {
    thread: { ...threadDto(page.thread, lang), gated: page.gated, mayReply: page.mayReply, closedReason: page.closedReason },
    items: page.posts.map((post) => postDto(post, lang)),
    nextCursor: page.nextCursor,
  };
}
