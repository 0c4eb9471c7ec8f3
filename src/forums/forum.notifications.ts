// The discussion channels' mail, through the notification core. STUB: filled in by the
// subscriptions work (issue 8): who is subscribed to what, mails after the edit window, digests,
// @-mentions, one-click unsubscribe.
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ChannelKind } from './forum-channel.entity';

/** A post just written, in its transaction. */
export interface PostWritten {
  postId: string;
  threadId: string;
  channelId: string;
  channelKind: ChannelKind;
  authorId: string;
  /** The thread's opening post ("new threads only" subscribers hear of these alone). */
  opensThread: boolean;
  /** A moderator's announcement sent at once, not after the edit window. */
  sendNow: boolean;
  /** The Markdown as written, for @-mentions. */
  body: string;
}

@Injectable()
export class ForumNotifications {
  async postWritten(_post: PostWritten, _manager: EntityManager): Promise<void> {}
}
