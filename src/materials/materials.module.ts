// Materials (issue 19): files and links of a programme, a round or one of its sessions, with their
// versions, shown where the round's people look (programme, round and session pages, the home
// page's next session). Sits above catalogue, enrolment and files: it reads who is in a round
// through enrolment's exported views and keeps its files through FilesService.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { FilesModule } from '../files/files.module';
import { MaterialVersion } from './material-version.entity';
import { Material } from './material.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Material, MaterialVersion]), CatalogueModule, EnrolmentModule, FilesModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class MaterialsModule {}
