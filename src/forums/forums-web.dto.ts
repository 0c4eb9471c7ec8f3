// What the discussion pages' forms accept: posts (a new thread, a reply, an edit), the buttons that
// carry only the page they were on, subscriptions, the moderators' move and hide forms, a
// facilitator's message to the whole round and the admins' channel form. Every form refuses fields
// it does not have (web/forms.ts validateForm). Messages are i18n keys; what a title or a body may
// be is ForumsService's to say (checkedTitle, checkedBody).
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { withValues } from '../errors/domain-errors';
import { LANGUAGES } from '../i18n/i18n';
import { OptionalText } from '../web/form-fields';
import { MAX_CHANNEL_DESCRIPTION_LENGTH, MAX_CHANNEL_NAME_LENGTH } from './channels-admin.service';
import { SUBSCRIPTION_LEVELS, SubscriptionLevel } from './forum-subscription.entity';

/** "auto" lets the service tell the language from the text. */
export const POST_LANGUAGES = ['auto', ...LANGUAGES] as const;
/** "New threads only" is a channel's level; a thread has no new threads. */
export const THREAD_LEVELS = ['every_post', 'daily_digest', 'off'] as const satisfies readonly SubscriptionLevel[];

/** What every post form carries: the body and its language. */
class PostFormFields {
  @IsString({ message: 'forum.body.required' })
  body: string;

  @IsOptional()
  @IsIn(POST_LANGUAGES, { message: 'forum.language.unknown' })
  language?: string;
}

export class ThreadFormDto extends PostFormFields {
  @IsString({ message: 'forum.title.required' })
  title: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'forums.sendNow.yes' })
  sendNow?: string;
}

export class PostEditFormDto extends PostFormFields {
  /** The page the form was on, shown again if the post is refused. */
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

export class ReplyFormDto extends PostEditFormDto {
  @IsOptional()
  @IsString({ message: 'forum.replyTo.unknown' })
  replyToId?: string;

  /** Where the page the reply leads to starts: at the last post the writer saw. */
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  after?: string;
}

/** The edit form's "remove" checkbox of one of the post's files: `remove-<file id>`, each its own name (no form of ours repeats one). */
export const REMOVE_FIELD = 'remove-';
const REMOVE_NAME = /^remove-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The files the edit form's ticked checkboxes remove, and its other fields (for PostEditFormDto). */
export function removalsOf(body: unknown): { remove: string[]; fields: Record<string, unknown> } {
  const remove: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body && typeof body === 'object' ? body : {})) {
    const id = REMOVE_NAME.exec(name)?.[1];
    // A checkbox sent with another value stays a field, which the form refuses as one it does not have.
    if (id && value === 'yes') remove.push(id);
    else fields[name] = value;
  }
  return { remove, fields };
}

/** A form without fields of its own (a delete or moderation button): the page it was on. */
export class ButtonFormDto {
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

export class ChannelSubscriptionFormDto {
  @IsIn(SUBSCRIPTION_LEVELS, { message: 'forums.subscription.level.unknown' })
  level: SubscriptionLevel;
}

export class ThreadSubscriptionFormDto {
  @IsIn(THREAD_LEVELS, { message: 'forums.subscription.level.unknown' })
  level: SubscriptionLevel;

  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

export class MoveFormDto {
  @IsString({ message: 'forum.move.channelRequired' })
  channelId: string;

  @IsOptional()
  @IsString({ message: 'forum.hide.reasonRequired' })
  reason?: string;

  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

/** Hiding names the post's thread, whose page shows the form again if the reason is refused. */
export class HideFormDto {
  @IsString({ message: 'forum.hide.reasonRequired' })
  reason: string;

  @IsUUID('all', { message: 'forums.hide.threadUnknown' })
  threadId: string;

  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  cursor?: string;
}

export class CohortMessageFormDto {
  @IsString({ message: 'forum.title.required' })
  title: string;

  @IsString({ message: 'forum.body.required' })
  body: string;
}

const NAME_TOO_LONG = withValues('forumAdmin.name.tooLong', { max: MAX_CHANNEL_NAME_LENGTH });
const DESCRIPTION_TOO_LONG = withValues('forumAdmin.description.tooLong', { max: MAX_CHANNEL_DESCRIPTION_LENGTH });

/** A channel's texts as the admin form sends them. */
export class ChannelFormDto {
  @MaxLength(MAX_CHANNEL_NAME_LENGTH, { message: NAME_TOO_LONG })
  @Matches(/\S/, { message: 'forumAdmin.nameFi.required' })
  @IsNotEmpty({ message: 'forumAdmin.nameFi.required' })
  @IsString({ message: 'forumAdmin.nameFi.required' })
  nameFi: string;

  @OptionalText(MAX_CHANNEL_NAME_LENGTH, NAME_TOO_LONG)
  nameSv?: string;

  @OptionalText(MAX_CHANNEL_NAME_LENGTH, NAME_TOO_LONG)
  nameEn?: string;

  @OptionalText(MAX_CHANNEL_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionFi?: string;

  @OptionalText(MAX_CHANNEL_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionSv?: string;

  @OptionalText(MAX_CHANNEL_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionEn?: string;
}
