// File storage (issue 19): content-addressed blobs in the configured store, the files people
// uploaded and what each belongs to, and who may read them (FileAccessRules, filled by the areas
// that own files). Materials, post attachments and the toolkit use FilesService.
import { Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { FileAccessRules } from './file-access';
import { FileBlob } from './file-blob.entity';
import { FileChunk } from './file-chunk.entity';
import { FILE_STORE, FileStore } from './file-store';
import { FilesApiController } from './files.api.controller';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { PostgresFileStore } from './postgres-file-store';
import type * as S3Module from './s3-file-store';
import { StoredFile } from './stored-file.entity';

/** The AWS SDK (some 25 MB of a process's memory) is loaded only by a site that stores in S3. */
export function createFileStore(config: Config, dataSource: DataSource): FileStore {
  const settings = config.fileStore;
  if (settings.kind === 'postgres') return new PostgresFileStore(dataSource);
  const { createS3FileStore } = require('./s3-file-store') as typeof S3Module;
  return createS3FileStore(settings);
}

@Module({
  imports: [TypeOrmModule.forFeature([FileBlob, FileChunk, StoredFile])],
  controllers: [FilesController, FilesApiController],
  providers: [FileAccessRules, FilesService, { provide: FILE_STORE, useFactory: createFileStore, inject: [CONFIG, getDataSourceToken()] }],
  exports: [FilesService, FileAccessRules],
})
export class FilesModule {}
