// The toolkit library (issue 19): the network's workbooks, assessment tools, facilitation methods,
// co-development models and case examples in one place, curated by admins, with cases submitted from
// the field waiting for an admin's approval. Keeps its files through FilesService, and tells
// FileAccessRules who may read them: a published entry's everyone, a pending or declined case's its
// submitter and admins only. Its published entries are found by the one search (toolkit.search.ts).
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FileAccessRules } from '../files/file-access';
import { FilesModule } from '../files/files.module';
import { AdminToolkitController } from './admin-toolkit.controller';
import { ToolkitEntry } from './toolkit-entry.entity';
import { ToolkitLink } from './toolkit-link.entity';
import { ToolkitApiController } from './toolkit.api.controller';
import { ToolkitController } from './toolkit.controller';
import { ToolkitNotifications } from './toolkit.notifications';
import { ToolkitSearch } from './toolkit.search';
import { TOOLKIT_FILE_OWNER, ToolkitService } from './toolkit.service';
import { SearchSources } from '../search/search-sources';

@Module({
  imports: [TypeOrmModule.forFeature([ToolkitEntry, ToolkitLink]), FilesModule],
  controllers: [ToolkitController, AdminToolkitController, ToolkitApiController],
  providers: [ToolkitService, ToolkitNotifications, ToolkitSearch],
  exports: [ToolkitService],
})
export class ToolkitModule implements OnModuleInit {
  constructor(
    private readonly rules: FileAccessRules,
    private readonly toolkit: ToolkitService,
    private readonly sources: SearchSources,
    private readonly search: ToolkitSearch,
  ) {}

  onModuleInit() {
    this.rules.register(TOOLKIT_FILE_OWNER, (viewer, entryId) => this.toolkit.mayReadFiles(viewer, entryId));
    this.sources.register(this.search);
  }
}
