// The toolkit library (issue 19): the network's workbooks, assessment tools, facilitation methods,
// co-development models and case examples in one place, curated by admins, with cases submitted from
// the field waiting for an admin's approval. Keeps its files through FilesService.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FilesModule } from '../files/files.module';
import { ToolkitEntry } from './toolkit-entry.entity';
import { ToolkitLink } from './toolkit-link.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ToolkitEntry, ToolkitLink]), FilesModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class ToolkitModule {}
