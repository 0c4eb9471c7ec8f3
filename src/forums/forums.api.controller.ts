// The JSON API for the discussion channels: the channels a person may read, their threads, a
// thread's posts, writing, editing and deleting one's own posts (posts are searched by the one
// search, GET /api/v1/search). Every route is for a signed-in person (bearer token), and each calls the same ForumsService method as the pages, so
// the same rules answer: 403 with `code` for a forum the person may not read or post in (another
// round's, or one they are only waitlisted for) and a post not theirs, 409 with `code` for a locked
// thread, an archived channel or an edit after the window, 400 with `fields` for what was typed,
// 404 for an id that names nothing (a malformed one too).
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { ApiBadRequestQuery, ApiConflictDto, ApiErrorDto } from '../web/api/errors.dto';
import { LanguageQuery } from '../web/api/request.dto';
import { Lang } from '../web/language';
import {
  channelDto,
  ChannelListDto,
  EditPostDto,
  NewReplyDto,
  NewThreadAnswerDto,
  NewThreadDto,
  PostDto,
  postDto,
  PostListDto,
  postListDto,
  PostListQuery,
  threadDto,
  ThreadListDto,
  ThreadListQuery,
} from './forums.dto';
import { ForumsService } from './forums.service';

const NO_TOKEN = 'No valid token.';
const NOT_MEMBER = 'You may not read this channel (`forum.channel.notMember`): a round’s forum is for its confirmed participants, its facilitators and admins.';
const WRITTEN_REFUSED =
  'Refused, nothing stored: `fields` says what to fix (title or body empty or too long, a wrong type, an unknown field, a reply to a post not in the thread, more than five attachments, an attachment id that is not a file of yours uploaded and not yet attached).';

@ApiTags('forums')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
@Controller('api/v1')
export class ForumsApiController {
  constructor(private readonly forums: ForumsService) {}

  @Get('channels')
  @SignedIn()
  @ApiOkResponse({ type: ChannelListDto, description: 'The channels you may read, with their thread counts and your unread threads.' })
  @ApiBadRequestQuery()
  async channels(@Query() query: LanguageQuery, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<ChannelListDto> {
    return { items: (await this.forums.channels(actor, query.lang ?? lang)).map(channelDto) };
  }

  @Get('channels/:id/threads')
  @SignedIn()
  @ApiOkResponse({ type: ThreadListDto, description: 'The channel’s threads, pinned first, then by latest activity, a page at a time.' })
  @ApiBadRequestQuery()
  @ApiForbiddenResponse({ type: ApiErrorDto, description: NOT_MEMBER })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No channel has this id.' })
  async threads(@Param('id') id: string, @Query() query: ThreadListQuery, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<ThreadListDto> {
    const page = await this.forums.threads(actor, id, query.lang ?? lang, query.cursor, query.limit ?? 30);
    return { items: page.items.map((thread) => threadDto(thread, query.lang ?? lang)), nextCursor: page.nextCursor };
  }

  @Post('channels/:id/threads')
  @SignedIn()
  @ApiCreatedResponse({ type: NewThreadAnswerDto, description: 'The thread, with its opening post. You are subscribed to it.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: WRITTEN_REFUSED })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description: `${NOT_MEMBER} Or \`forum.channel.announcementsOnly\`: only facilitators and admins start threads in the announcements channel.`,
  })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No channel has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The channel is archived (`forum.channel.archived`). Nothing stored.' })
  async startThread(@Param('id') id: string, @Body() body: NewThreadDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<NewThreadAnswerDto> {
    const { threadId } = await this.forums.startThread(actor, id, body, lang, { fileIds: body.attachments });
    // The opening post is the thread's first: a page of one shows the thread and it.
    const page = await this.forums.threadPage(actor, threadId, lang, { limit: 1 });
    return { ...threadDto(page.thread, lang), firstPost: postDto(page.posts[0], lang) };
  }

  @Get('threads/:id/posts')
  @SignedIn()
  @ApiOkResponse({
    type: PostListDto,
    description:
      'The thread and its posts, oldest first, a page at a time, as the thread page shows them: deleted posts keep their place without text, hidden ones with the moderator’s reason; a reflection thread (`gated`) shows you only its opening post and your own until you reply. Reading a page marks it read.',
  })
  @ApiBadRequestQuery()
  @ApiForbiddenResponse({ type: ApiErrorDto, description: NOT_MEMBER })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No thread has this id.' })
  async posts(@Param('id') id: string, @Query() query: PostListQuery, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<PostListDto> {
    return postListDto(await this.forums.threadPage(actor, id, query.lang ?? lang, { cursor: query.cursor, limit: query.limit ?? 50 }), query.lang ?? lang);
  }

  @Post('threads/:id/posts')
  @SignedIn()
  @ApiCreatedResponse({ type: PostDto, description: 'Your reply, as the thread shows it. You are subscribed to the thread.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: WRITTEN_REFUSED })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: NOT_MEMBER })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No thread has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The thread is locked (`forum.thread.locked`: only moderators reply) or its channel archived (`forum.channel.archived`). Nothing stored.' })
  async reply(@Param('id') id: string, @Body() body: NewReplyDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<PostDto> {
    const { postId } = await this.forums.reply(actor, id, body, lang, { fileIds: body.attachments });
    return postDto(await this.forums.post(actor, postId, lang), lang);
  }

  @Patch('posts/:id')
  @SignedIn()
  @ApiOkResponse({ type: PostDto, description: 'Your post with its new text, marked edited.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Refused, nothing changed: `fields` says what to fix.' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not your post (`forum.post.notYours`).' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No post has this id, or it is deleted.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The edit window has passed (`forum.edit.windowPassed`), or a moderator has hidden the post (`forum.post.hidden`). Nothing changed.' })
  async edit(@Param('id') id: string, @Body() body: EditPostDto, @CurrentActor() actor: Actor, @Lang() lang: Language): Promise<PostDto> {
    await this.forums.editPost(actor, id, body);
    return postDto(await this.forums.post(actor, id, lang), lang);
  }

  @Delete('posts/:id')
  @SignedIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted: the thread shows “message deleted” in its place; its mail, if not yet sent, is not sent.' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not your post (`forum.post.notYours`).' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No post has this id, or it is already deleted.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'A moderator has hidden the post (`forum.post.hidden`).' })
  async delete(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.forums.deletePost(actor, id);
  }
}
