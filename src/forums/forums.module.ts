import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ForumChannel } from './forum-channel.entity';
import { ForumModeration } from './forum-moderation.entity';
import { ForumPost } from './forum-post.entity';
import { ForumRead } from './forum-read.entity';
import { ForumSearchService } from './forum-search.service';
import { ForumSubscriptions } from './forum-subscriptions.service';
import { ForumSubscription } from './forum-subscription.entity';
import { ForumThread } from './forum-thread.entity';
import { ForumNotifications } from './forum.notifications';
import { ForumsService } from './forums.service';
import { ModerationService } from './moderation.service';

@Module({
  imports: [TypeOrmModule.forFeature([ForumChannel, ForumThread, ForumPost, ForumRead, ForumSubscription, ForumModeration])],
  controllers: [],
  providers: [ForumsService, ModerationService, ForumSearchService, ForumNotifications, ForumSubscriptions],
  exports: [ForumsService],
})
export class ForumsModule {}
