// Materials (issue 19): files and links of a programme, a round or one of its sessions, with their
// versions, shown where the round's people look (programme, round and session pages, the home
// page's next session). Sits above catalogue, enrolment and files: it reads who is in a round
// through enrolment's exported views and keeps its files through FilesService. At start it tells
// the files area who may read a material's files, adds its section to the catalogue's and
// enrolment's pages (which cannot import it), and gives the one search its materials (materials.search.ts).
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Actor } from '../access/capabilities';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { FileAccessRules } from '../files/file-access';
import { FilesModule } from '../files/files.module';
import { NotFound } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { PageKind, PageSection, PageSections } from '../web/page-sections';
import { MaterialVersion } from './material-version.entity';
import { Material } from './material.entity';
import { MaterialsController } from './materials.controller';
import { MaterialsNotifications } from './materials.notifications';
import { MaterialSearch } from './materials.search';
import { MATERIAL_FILE_OWNER, MaterialsService } from './materials.service';
import { SearchSources } from '../search/search-sources';
import { materialsSection } from './materials.view';

@Module({
  imports: [TypeOrmModule.forFeature([Material, MaterialVersion]), CatalogueModule, EnrolmentModule, FilesModule],
  controllers: [MaterialsController],
  providers: [MaterialsService, MaterialsNotifications, MaterialSearch],
  exports: [MaterialsService],
})
export class MaterialsModule implements OnModuleInit {
  constructor(
    private readonly materials: MaterialsService,
    private readonly fileAccess: FileAccessRules,
    private readonly sections: PageSections,
    private readonly sources: SearchSources,
    private readonly search: MaterialSearch,
  ) {}

  onModuleInit() {
    this.fileAccess.register(MATERIAL_FILE_OWNER, (actor, materialId) => this.materials.mayReadMaterial(actor, materialId));
    this.sources.register(this.search);
    for (const kind of ['programme', 'cohort', 'session'] as const satisfies readonly PageKind[]) {
      this.sections.register(kind, (viewer, ownerId, lang) => this.section(kind, viewer, ownerId, lang));
    }
  }

  /** The page's materials for this reader: none for someone who may not see them, or when there are none and they keep none. */
  private async section(kind: PageKind, viewer: Actor | null, ownerId: string, lang: Language): Promise<PageSection | null> {
    let home;
    try {
      home = await this.materials.home(kind, ownerId);
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
    if (!(await this.materials.mayRead(viewer, home))) return null;
    const [items, manage] = await Promise.all([this.materials.list(kind, home.ownerId), this.materials.mayManage(viewer, home)]);
    if (items.length === 0 && !manage) return null;
    return { partial: 'materials/section', data: materialsSection(home, items, manage, lang) };
  }
}
