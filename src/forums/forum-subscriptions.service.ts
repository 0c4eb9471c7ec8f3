// Subscriptions to channels and threads. STUB: filled in by the subscriptions work (issue 8).
// Levels: "every post", "new threads only" (channels), "daily digest", "off". A thread's own choice
// wins over its channel's; without one, the announcements channel is "every post" and other
// channels nothing; writing in a thread subscribes you to it (ForumsService.insertPost).
import { Injectable } from '@nestjs/common';
import { Actor } from '../access/capabilities';
import { SubscriptionLevel } from './forum-subscription.entity';

export type SubscriptionTarget = { channelId: string } | { threadId: string };

@Injectable()
export class ForumSubscriptions {
  /** The person's level for a channel or thread as the page shows it (their own choice, or what applies without one). */
  async level(_actor: Actor, _target: SubscriptionTarget): Promise<SubscriptionLevel> {
    return 'off';
  }

  /** Sets the person's level; 403 if they may not read the channel or thread, 400 for an unknown level. */
  async setLevel(_actor: Actor, _target: SubscriptionTarget, _level: unknown): Promise<void> {}
}
