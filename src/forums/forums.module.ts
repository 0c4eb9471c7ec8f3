import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { FilesModule } from '../files/files.module';
import { SearchSources } from '../search/search-sources';
import { AdminChannelsController } from './admin-channels.controller';
import { ChannelsAdminService } from './channels-admin.service';
import { DiscussionImportService } from './discussion-import.service';
import { CohortForumController } from './cohort-forum.controller';
import { ForumChannel } from './forum-channel.entity';
import { ForumModerationController } from './forum-moderation.controller';
import { ForumModeration } from './forum-moderation.entity';
import { ForumPost } from './forum-post.entity';
import { ForumRead } from './forum-read.entity';
import { ForumSearchService } from './forum-search.service';
import { ForumSubscriptions } from './forum-subscriptions.service';
import { ForumSubscription } from './forum-subscription.entity';
import { ForumThread } from './forum-thread.entity';
import { ForumsController } from './forums.controller';
import { ForumNotifications } from './forum.notifications';
import { ForumsApiController } from './forums.api.controller';
import { ForumsService } from './forums.service';
import { ModerationService } from './moderation.service';
import { PostAttachments } from './post-attachments.service';
import { PostSearchSource } from './post-search-source';
import { CohortMessageController } from './cohort-message.controller';
import { UnsubscribeController } from './unsubscribe.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ForumChannel, ForumThread, ForumPost, ForumRead, ForumSubscription, ForumModeration]), EnrolmentModule, FilesModule],
  controllers: [ForumsController, ForumModerationController, ForumsApiController, AdminChannelsController, UnsubscribeController, CohortForumController, CohortMessageController],
  providers: [ForumsService, ModerationService, ForumSearchService, ForumNotifications, ForumSubscriptions, ChannelsAdminService, DiscussionImportService, PostAttachments, PostSearchSource],
  exports: [ForumsService, ModerationService, DiscussionImportService],
})
export class ForumsModule implements OnModuleInit {
  constructor(
    private readonly sources: SearchSources,
    private readonly posts: PostSearchSource,
  ) {}

  onModuleInit() {
    this.sources.register(this.posts);
  }
}
